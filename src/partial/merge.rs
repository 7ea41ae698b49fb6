//! Partials summed into the rows `refrain freq` reports over all their documents: the checks
//! of partials against each other, the corpus order, a key's row from its sums, and the plain
//! merge in memory ([`merge`]; `refrain merge` streams instead, `super::stream`).
//!
//! Documents are put in the order one run reads them (by source in byte order, then their order
//! in their partial); rows of the same key are summed, the thresholds applied to the sums, and
//! DP_norm computed from the per-document counts in that order, as the counter adds its terms
//! (docs/partials.md says why each step gives one run's numbers).

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{Partial, PartialDoc, PartialRow};
use crate::collections::{HashMap, new_map};
use crate::count::RowOrder;
use crate::count::blocks::{BLOCK_WORDS, blocks_of, dense_groups};
use crate::count::dispersion::Parts;

/// Why partials cannot be merged.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// Two partials were made with different settings.
    #[error(
        "`{}` and `{}` were made with different settings: {setting} is `{a}` in the first and \
         `{b}` in the second; make the partials again with the same options",
        first.display(), second.display()
    )]
    Settings {
        /// The setting's key-value metadata key.
        setting: String,
        /// A file and its value.
        first: PathBuf,
        /// Its value there.
        a: String,
        /// Another file and its value.
        second: PathBuf,
        /// Its value there.
        b: String,
    },
    /// A document is in two partials.
    #[error(
        "document `{id}` (from `{source_path}`) is in both `{}` and `{}`: the same shard or \
         overlapping shards were counted twice; merge each document once",
        first.display(), second.display()
    )]
    Duplicate {
        /// The document's id.
        id: String,
        /// Its source.
        source_path: String,
        /// One partial holding it.
        first: PathBuf,
        /// Another.
        second: PathBuf,
    },
    /// `-n` asks for lengths the partials do not hold.
    #[error(
        "-n {min}..{max} is outside the n-gram lengths the partials hold ({a}..{b}, in `{}`)",
        file.display()
    )]
    Range {
        /// Asked for.
        min: usize,
        /// Asked for.
        max: usize,
        /// Held.
        a: usize,
        /// Held.
        b: usize,
        /// A partial.
        file: PathBuf,
    },
    /// A sum no longer fits the table's counts.
    #[error("`{key}` occurs more than {} times: too many to count", u32::MAX)]
    Overflow {
        /// The n-gram.
        key: String,
    },
}

/// What to report, as `freq`'s options say.
#[derive(Debug, Clone)]
pub struct MergeOptions {
    /// Smallest n reported.
    pub min_n: usize,
    /// Largest n reported.
    pub max_n: usize,
    /// `--min-count`.
    pub min_count: u32,
    /// `--min-docs`.
    pub min_docs: u32,
    /// `--sort`.
    pub order: RowOrder,
    /// `--top`.
    pub top: Option<usize>,
}

/// One row of the freq table.
#[derive(Debug, Clone, PartialEq)]
pub struct MergedRow {
    /// The display form.
    pub phrase: String,
    /// The key.
    pub key: String,
    /// Words.
    pub n: u8,
    /// Occurrences.
    pub count: u32,
    /// Documents.
    pub docs: u32,
    /// DP_norm (NaN when undefined).
    pub dp: f64,
    /// Distinct surface forms.
    pub variants: u32,
    /// (place of the document in corpus order, occurrences there), in corpus order: what
    /// `--by` counts per group.
    pub per_doc: Vec<(u32, u32)>,
}

/// The merged table: rows in order, and the totals of the whole corpus.
#[derive(Debug, Clone, Default)]
pub struct Merged {
    /// The rows.
    pub rows: Vec<MergedRow>,
    /// Words in all documents.
    pub words: u64,
    /// Documents.
    pub documents: u64,
}

/// Partials checked and summed one at a time: each is checked against those before (same
/// settings, no document twice, `-n` within its lengths) and its documents numbered
/// ([`Merger::begin`]). `refrain merge` uses it for that only and streams the rows
/// (`super::stream`); folding rows into sums held for every key ([`Merger::fold`],
/// [`merge`]) is the plain merge in memory the streaming one is tested against.
pub struct Merger {
    options: MergeOptions,
    /// The first partial's file and settings.
    first: Option<(PathBuf, BTreeMap<String, String>)>,
    /// Which file each document (id, source) came from.
    seen: HashMap<(String, String), PathBuf>,
    /// Every document, numbered in the order they came.
    docs: Vec<PartialDoc>,
    /// Per key: its sums, documents numbered as `docs` is.
    sums: HashMap<String, Sums>,
}

impl Merger {
    /// A merge that will report as `options` say.
    pub fn new(options: MergeOptions) -> Self {
        let (seen, sums) = (new_map(), new_map());
        Merger { options, first: None, seen, docs: Vec::new(), sums }
    }

    /// Check `partial` (read from `file`) against the partials added before and fold it in.
    pub fn add(&mut self, file: PathBuf, partial: Partial) -> Result<(), MergeError> {
        let Partial { settings, docs, rows } = partial;
        let base = self.begin(file, settings, docs)?;
        for row in rows {
            self.fold(row, base);
        }
        Ok(())
    }

    /// Check a partial's `settings` (it was read from `file`) against those of the partials
    /// before, and take its documents; its rows are then [`Merger::fold`]ed with the number
    /// returned.
    pub fn begin(
        &mut self,
        file: PathBuf,
        settings: BTreeMap<String, String>,
        docs: Vec<PartialDoc>,
    ) -> Result<u32, MergeError> {
        self.check(&file, &settings)?;
        let base = self.docs.len() as u32;
        for d in &docs {
            let key = (d.id.clone(), d.source.clone());
            if let Some(earlier) = self.seen.insert(key, file.clone()) {
                return Err(MergeError::Duplicate {
                    id: d.id.clone(),
                    source_path: d.source.clone(),
                    first: earlier,
                    second: file,
                });
            }
        }
        self.docs.extend(docs);
        self.first.get_or_insert((file, settings));
        Ok(base)
    }

    /// Fold in one row of the partial whose documents [`Merger::begin`] numbered from `base`.
    pub fn fold(&mut self, row: PartialRow, base: u32) {
        if !(self.options.min_n..=self.options.max_n).contains(&(row.n as usize)) {
            return;
        }
        let s = self.sums.entry(row.key).or_default();
        s.n = row.n;
        s.add(row.count, row.surfaces, row.per_doc.iter().map(|&(d, c)| (base + d, c)));
    }

    /// A partial's `settings` must be the first partial's, and hold the lengths asked for.
    fn check(&self, file: &Path, settings: &BTreeMap<String, String>) -> Result<(), MergeError> {
        let Some((first, base)) = &self.first else {
            let range = settings.get("refrain.ngrams");
            if let Some((a, b)) = range.and_then(|r| crate::cli::args::parse_range(r).ok())
                && (self.options.min_n < a || self.options.max_n > b)
            {
                let (min, max) = (self.options.min_n, self.options.max_n);
                return Err(MergeError::Range { min, max, a, b, file: file.to_path_buf() });
            }
            return Ok(());
        };
        let keys: std::collections::BTreeSet<&String> =
            base.keys().chain(settings.keys()).collect();
        for key in keys.into_iter().filter(|k| !is_total(k)) {
            let (a, b) = (base.get(key), settings.get(key));
            if a != b {
                return Err(MergeError::Settings {
                    setting: key.clone(),
                    first: first.clone(),
                    a: a.cloned().unwrap_or_default(),
                    second: file.to_path_buf(),
                    b: b.cloned().unwrap_or_default(),
                });
            }
        }
        Ok(())
    }

    /// The documents in the order one run reads them.
    pub fn order(&self) -> CorpusOrder {
        corpus_order(&self.docs)
    }

    /// The documents, numbered in the order they were added.
    pub fn docs(&self) -> &[PartialDoc] {
        &self.docs
    }

    /// The freq table's rows of everything added.
    pub fn finish(self) -> Result<Merged, MergeError> {
        let CorpusOrder { place, lens, .. } = self.order();
        let parts = Parts::from_lengths(&lens);
        let words = self.sums.values().filter(|s| s.n == 1).count();
        let words = WordGroups::new(words, &lens);
        let Merger { options, sums, docs, .. } = self;
        drop(docs);
        let options = &options;
        let sums: Vec<(String, Sums)> = sums.into_iter().collect();
        // Only the rows that pass the thresholds are made.
        let mut rows: Vec<MergedRow> = sums
            .into_par_iter()
            .filter_map(|(key, mut s)| {
                for entry in &mut s.per_doc {
                    entry.0 = place[entry.0 as usize];
                }
                row(key, s, options, parts.as_ref(), &lens, &words).transpose()
            })
            .collect::<Result<_, _>>()?;
        rows.par_sort_unstable_by(|a, b| compare(a, b, options.order));
        if let Some(top) = options.top {
            rows.truncate(top);
        }
        let words = lens.iter().map(|&l| l as u64).sum();
        Ok(Merged { rows, words, documents: lens.len() as u64 })
    }
}

/// Merge `partials` (each with its file) into the freq table's rows: [`Merger`] over them all.
pub fn merge(
    partials: Vec<(PathBuf, Partial)>,
    options: &MergeOptions,
) -> Result<Merged, MergeError> {
    let mut merger = Merger::new(options.clone());
    for (file, partial) in partials {
        merger.add(file, partial)?;
    }
    merger.finish()
}

/// Keys of the metadata that are totals of a shard, not settings.
fn is_total(key: &str) -> bool {
    matches!(key, "refrain.documents" | "refrain.words" | "refrain.ngram_rows")
}

/// The documents in the order one run reads them.
pub struct CorpusOrder {
    /// `place[d]`: the place of document `d` (as numbered when added) among all documents.
    pub place: Vec<u32>,
    /// The documents' words, in corpus order.
    pub lens: Vec<u32>,
    /// The documents (as numbered when added) in corpus order.
    pub docs: Vec<usize>,
}

/// The corpus order of `docs`: by source in byte order (a folder walk's order), documents of
/// one source in the order they came (their partial's order).
pub fn corpus_order(docs: &[PartialDoc]) -> CorpusOrder {
    let mut order: Vec<usize> = (0..docs.len()).collect();
    // Stable: documents of one source keep their order.
    order.sort_by(|&a, &b| docs[a].source.as_bytes().cmp(docs[b].source.as_bytes()));
    let mut place = vec![0u32; docs.len()];
    for (at, &d) in order.iter().enumerate() {
        place[d] = at as u32;
    }
    let lens = order.iter().map(|&d| docs[d].words as u32).collect();
    CorpusOrder { place, lens, docs: order }
}

/// One n-gram's sums over the partials.
#[derive(Default)]
pub(super) struct Sums {
    pub(super) n: u8,
    pub(super) count: u64,
    pub(super) forms: Vec<(String, u64)>,
    pub(super) per_doc: Vec<(u32, u32)>,
}

impl Sums {
    /// Add a partial's row: its `count`, its forms with their counts, and its documents'
    /// counts (`per_doc`, documents numbered as the caller numbers them).
    pub(super) fn add(
        &mut self,
        count: u32,
        surfaces: Vec<(String, u32)>,
        per_doc: impl Iterator<Item = (u32, u32)>,
    ) {
        self.count += count as u64;
        // Few forms per key: a short list costs less than a map per key.
        for (form, c) in surfaces {
            match self.forms.iter_mut().find(|f| f.0 == form) {
                Some(f) => f.1 += c as u64,
                None => self.forms.push((form, c as u64)),
            }
        }
        self.per_doc.extend(per_doc);
    }
}

/// The row of one n-gram's sums, if it passes the thresholds.
pub(super) fn row(
    key: String,
    mut s: Sums,
    options: &MergeOptions,
    parts: Option<&Parts>,
    lens: &[u32],
    words: &WordGroups,
) -> Result<Option<MergedRow>, MergeError> {
    let count = u32::try_from(s.count).map_err(|_| MergeError::Overflow { key: key.clone() })?;
    let docs = s.per_doc.len() as u32;
    if count < options.min_count || docs < options.min_docs {
        return Ok(None);
    }
    s.per_doc.sort_unstable();
    let dp = parts.map_or(f64::NAN, |parts| {
        let term = |&(d, c): &(u32, u32)| parts.term(c, count, lens[d as usize] as usize);
        let acc = if s.n == 1 {
            words.sum(&s.per_doc, term)
        } else {
            // The counter's terms, added in corpus order from 0 (dispersion::DpAccumulator).
            s.per_doc.iter().map(term).fold(0.0, |acc, t| acc + t)
        };
        parts.finish(acc)
    });
    // The most frequent form; ties to the smaller one, word by word.
    let mut best: Option<(&str, u64)> = None;
    for (form, c) in s.forms.iter().map(|(f, c)| (f.as_str(), *c)) {
        let better = match best {
            None => true,
            Some((b, bc)) => c > bc || (c == bc && words_cmp(form, b) == Ordering::Less),
        };
        if better {
            best = Some((form, c));
        }
    }
    let phrase = best.map(|b| b.0).unwrap_or_default().to_string();
    let variants = s.forms.len() as u32;
    Ok(Some(MergedRow { phrase, key, n: s.n, count, docs, dp, variants, per_doc: s.per_doc }))
}

/// How the counter in memory adds words' DP terms (`count::blocks::count_dense`): in corpus
/// order within each of up to [`crate::count::blocks::DENSE_GROUPS`] ranges of documents, cut at the counter's
/// blocks, then the ranges' sums in order. Floating-point addition is not associative, so
/// adding them in one run would differ in the last bit now and then.
///
/// The number of ranges depends on the vocabulary's size, which the partials know only as the
/// words they hold (stop words left out with `--stopword-edges drop`): the choice can differ
/// from the counter's only for a vocabulary of about 1.4 million distinct words.
pub struct WordGroups {
    /// The range of each document (by place in corpus order).
    of_doc: Vec<u32>,
}

impl WordGroups {
    /// The ranges for documents of `lens` words (in corpus order) and a vocabulary of
    /// `words` distinct words.
    pub fn new(words: usize, lens: &[u32]) -> Self {
        let mut starts = Vec::with_capacity(lens.len() + 1);
        let mut at = 0u64;
        starts.push(0u32);
        for &l in lens {
            at += l as u64;
            // A corpus of over 4 billion words is not one run's: any grouping will do.
            starts.push(u32::try_from(at).unwrap_or(u32::MAX));
        }
        let blocks = blocks_of(&starts, BLOCK_WORDS);
        let mut of_doc = vec![0u32; lens.len()];
        for (g, docs) in dense_groups(&blocks, words).into_iter().enumerate() {
            of_doc[docs].fill(g as u32);
        }
        WordGroups { of_doc }
    }

    /// The terms of `per_doc` (documents in corpus order) added as the counter adds them.
    pub fn sum(&self, per_doc: &[(u32, u32)], term: impl Fn(&(u32, u32)) -> f64) -> f64 {
        let (mut acc, mut group_acc) = (0.0, 0.0);
        let mut group = per_doc.first().map(|&(d, _)| self.of_doc[d as usize]);
        for entry in per_doc {
            let g = Some(self.of_doc[entry.0 as usize]);
            if g != group {
                (acc, group_acc, group) = (acc + group_acc, 0.0, g);
            }
            group_acc += term(entry);
        }
        acc + group_acc
    }
}

/// Two word sequences (words joined by a space) compared word by word in byte order: the
/// counter's order of keys and forms.
///
/// That is the byte order of the joined strings with the space ranked below every other byte:
/// up to the first difference both hold the same words and spaces; there a space (the end of
/// a word) against any byte means that word is a prefix of the other, so smaller. One pass
/// over the bytes, not two splits: the merge compares keys this way for every row it reads.
pub fn words_cmp(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let same = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    match (a.get(same), b.get(same)) {
        (Some(&x), Some(&y)) => rank(x).cmp(&rank(y)),
        _ => a.len().cmp(&b.len()),
    }
}

/// A byte's rank in [`words_cmp`]: the space first.
fn rank(byte: u8) -> u16 {
    if byte == b' ' { 0 } else { byte as u16 + 1 }
}

/// `freq`'s row order: the measure, then count (largest first), then the key.
pub fn compare(a: &MergedRow, b: &MergedRow, order: RowOrder) -> Ordering {
    let first = match order {
        RowOrder::Count => Ordering::Equal,
        RowOrder::Docs => b.docs.cmp(&a.docs),
        RowOrder::Dp => dp_bits(a.dp).cmp(&dp_bits(b.dp)),
        RowOrder::Phrase => words_cmp(&a.phrase, &b.phrase),
    };
    first.then(b.count.cmp(&a.count)).then_with(|| words_cmp(&a.key, &b.key))
}

/// DP as an integer in its order, undefined last (as `count::order` sorts it).
fn dp_bits(dp: f64) -> u64 {
    if dp.is_nan() { u64::MAX } else { dp.to_bits() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: &str, source: &str, words: u64) -> PartialDoc {
        let (id, source) = (id.to_string(), source.to_string());
        PartialDoc { id, source, title: None, date: None, meta: BTreeMap::new(), words }
    }

    fn row(key: &str, forms: &[(&str, u32)], per_doc: &[(u32, u32)]) -> PartialRow {
        PartialRow {
            key: key.into(),
            n: key.split(' ').count() as u8,
            count: forms.iter().map(|f| f.1).sum(),
            surfaces: forms.iter().map(|&(s, c)| (s.to_string(), c)).collect(),
            per_doc: per_doc.to_vec(),
        }
    }

    fn settings() -> BTreeMap<String, String> {
        [("refrain.ngrams", "1..2"), ("refrain.stem", "english")]
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .into()
    }

    /// Two shards: `b.txt` (5 words) in the first, `a.txt` (3) and `c.txt` (2) in the second.
    fn shards() -> Vec<(PathBuf, Partial)> {
        let first = Partial {
            settings: settings(),
            docs: vec![doc("b", "b.txt", 5)],
            rows: vec![row("nation", &[("Nation", 2), ("nation", 1)], &[(0, 3)])],
        };
        let second = Partial {
            settings: settings(),
            docs: vec![doc("a", "a.txt", 3), doc("c", "c.txt", 2)],
            rows: vec![
                row("free", &[("free", 1)], &[(1, 1)]),
                row("nation", &[("nation", 1), ("nations", 1)], &[(0, 1), (1, 1)]),
            ],
        };
        vec![("one.parquet".into(), first), ("two.parquet".into(), second)]
    }

    fn options(order: RowOrder) -> MergeOptions {
        MergeOptions { min_n: 1, max_n: 2, min_count: 1, min_docs: 1, order, top: None }
    }

    #[test]
    fn sums_counts_forms_and_documents_and_computes_dp_by_hand() {
        let merged = merge(shards(), &options(RowOrder::Count)).unwrap();
        assert_eq!((merged.words, merged.documents), (10, 3));
        let nation = &merged.rows[0];
        // "nation" 3 + 2 = 5 times; forms Nation 2, nation 2, nations 1: the tie of Nation and
        // nation goes to the smaller string, "Nation".
        assert_eq!((nation.key.as_str(), nation.phrase.as_str()), ("nation", "Nation"));
        assert_eq!((nation.count, nation.docs, nation.variants), (5, 3, 3));
        // s = .3 .5 .2 (a, b, c); v = 1/5, 3/5, 1/5: DP = ½(.1 + .1 + 0) = .1;
        // DP_norm = .1 / (1 − .2) = .125.
        assert!((nation.dp - 0.125).abs() < 1e-12, "{}", nation.dp);
        // "free" once, in c: DP = ½(.3 + .5 + .8) = .8 → 1.0.
        let free = &merged.rows[1];
        assert_eq!((free.count, free.docs, free.variants), (1, 1, 1));
        assert!((free.dp - 1.0).abs() < 1e-12, "{}", free.dp);
    }

    #[test]
    fn thresholds_apply_to_the_sums() {
        let mut o = options(RowOrder::Count);
        (o.min_count, o.min_docs) = (2, 2);
        let merged = merge(shards(), &o).unwrap();
        // "nation" has 3 occurrences in one shard and 2 in the other: neither alone has 2
        // documents, the sum has 3.
        assert_eq!(merged.rows.len(), 1);
        assert_eq!(merged.rows[0].key, "nation");
    }

    proptest::proptest! {
        /// The one-pass comparison is the word-by-word one, for any words (any bytes but the
        /// space, control characters and multi-byte characters included).
        #[test]
        fn words_cmp_compares_word_by_word(
            a in proptest::collection::vec("[ab\\x00!é]{1,2}", 1..4),
            b in proptest::collection::vec("[ab\\x00!é]{1,2}", 1..4),
        ) {
            let (a, b) = (a.join(" "), b.join(" "));
            let by_words = a.split(' ').map(str::as_bytes).cmp(b.split(' ').map(str::as_bytes));
            proptest::prop_assert_eq!(words_cmp(&a, &b), by_words);
        }
    }

    #[test]
    fn orders_follow_freq() {
        let keys = |order| -> Vec<String> {
            merge(shards(), &options(order)).unwrap().rows.into_iter().map(|r| r.key).collect()
        };
        assert_eq!(keys(RowOrder::Dp), ["nation", "free"]);
        // "Nation" sorts before "free" (upper case first in byte order).
        assert_eq!(keys(RowOrder::Phrase), ["nation", "free"]);
        assert_eq!(words_cmp("a b", "ab"), Ordering::Less);
        assert_eq!(words_cmp("a", "a b"), Ordering::Less);
        // Word by word, not as joined bytes: "a!" sorts after "a" followed by anything.
        assert_eq!(words_cmp("a!", "a b"), Ordering::Greater);
    }

    #[test]
    fn refuses_other_settings_duplicates_and_lengths_outside() {
        let mut parts = shards();
        parts[1].1.settings.insert("refrain.stem".into(), "none".into());
        let e = merge(parts, &options(RowOrder::Count)).unwrap_err();
        assert!(e.to_string().contains("refrain.stem is `english` in the first"), "{e}");
        let mut parts = shards();
        parts[1].1.docs[1] = doc("b", "b.txt", 2);
        let e = merge(parts, &options(RowOrder::Count)).unwrap_err();
        assert!(matches!(e, MergeError::Duplicate { .. }), "{e}");
        let mut o = options(RowOrder::Count);
        o.max_n = 3;
        assert!(matches!(merge(shards(), &o), Err(MergeError::Range { .. })));
    }
}
