//! The merge within the budget: the partials' n-gram rows, each partial's in key order, merged
//! k ways, so that every key's rows from all partials arrive together and are summed,
//! thresholded and turned into their row at once, then dropped (docs/partials.md, "Memory").
//!
//! The documents come first ([`super::merge::Merger::begin`] checks them and
//! [`super::merge::corpus_order`] orders them); this module never holds more than one row of
//! each partial and a batch of summed keys. Where the rows that pass go is the caller's
//! (`super::runs` keeps them within the budget).

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use rayon::prelude::*;

use super::PartialRow;
use super::merge::{MergeOptions, MergedRow, Sums, WordGroups, row, words_cmp};
use crate::count::dispersion::Parts;

/// A partial's n-gram rows in key order, one at a time.
pub trait RowSource {
    /// The next row, or `None` after the last.
    fn next_row(&mut self) -> anyhow::Result<Option<PartialRow>>;
}

impl RowSource for crate::table::partial::RowStream<'_> {
    fn next_row(&mut self) -> anyhow::Result<Option<PartialRow>> {
        Ok(crate::table::partial::RowStream::next_row(self)?)
    }
}

/// Rows held in memory (tests, and partials already read).
impl RowSource for std::vec::IntoIter<PartialRow> {
    fn next_row(&mut self) -> anyhow::Result<Option<PartialRow>> {
        Ok(self.next())
    }
}

/// What turns a key's sums into its row: the options and the documents in corpus order.
pub struct Plan {
    /// What to report.
    pub options: MergeOptions,
    /// `place[d]`: the place in corpus order of document `d` (numbered as the partials were
    /// begun).
    pub place: Vec<u32>,
    /// The documents' words in corpus order.
    pub lens: Vec<u32>,
    parts: Option<Parts>,
    words: WordGroups,
}

impl Plan {
    /// The plan for documents placed by `place` with `lens` words, and a vocabulary of
    /// `words` distinct words (see [`distinct_words`]).
    pub fn new(options: MergeOptions, place: Vec<u32>, lens: Vec<u32>, words: usize) -> Self {
        let parts = Parts::from_lengths(&lens);
        let words = WordGroups::new(words, &lens);
        Plan { options, place, lens, parts, words }
    }

    /// Whether words are reported and their DP needs the number of distinct words
    /// ([`distinct_words`]) before any row is made.
    pub fn needs_words(options: &MergeOptions, lens: &[u32]) -> bool {
        options.min_n == 1 && Parts::from_lengths(lens).is_some()
    }
}

/// Summed keys turned into rows at once, in parallel (the DP terms are the work).
const BATCH: usize = 1 << 12;

/// Documents' counts of the summed keys waiting to become rows, at most (about 8 bytes
/// each): a batch of frequent words holds a long list each.
pub const PENDING_ENTRIES: usize = 1 << 19;

/// Merge `sources` (each with the number its documents start from, as
/// [`super::merge::Merger::begin`] gave it) key by key, and give every row that passes the
/// thresholds to `out`, in key order.
pub fn merge_rows<S: RowSource>(
    sources: Vec<(u32, S)>,
    plan: &Plan,
    mut out: impl FnMut(MergedRow) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let (bases, mut sources): (Vec<u32>, Vec<S>) = sources.into_iter().unzip();
    let mut heap = Heads::new(&mut sources)?;
    let lengths = plan.options.min_n..=plan.options.max_n;
    let mut pending: Vec<(String, Sums)> = Vec::with_capacity(BATCH);
    let mut entries = 0;
    while let Some((first, src)) = heap.pop(&mut sources)? {
        let wanted = lengths.contains(&(first.n as usize));
        let mut sums = Sums { n: first.n, ..Sums::default() };
        let key = fold(&mut sums, first, bases[src], plan, wanted);
        while let Some((row, src)) = heap.pop_if(&key, &mut sources)? {
            fold(&mut sums, row, bases[src], plan, wanted);
        }
        if wanted {
            entries += sums.per_doc.len();
            pending.push((key, sums));
        }
        if pending.len() == BATCH || entries >= PENDING_ENTRIES {
            flush(&mut pending, plan, &mut out)?;
            entries = 0;
        }
    }
    flush(&mut pending, plan, &mut out)
}

/// Add `row` (of a partial whose documents start at `base`) to `sums`, and give back its key.
fn fold(sums: &mut Sums, row: PartialRow, base: u32, plan: &Plan, wanted: bool) -> String {
    if wanted {
        let placed = row.per_doc.iter().map(|&(d, c)| (plan.place[(base + d) as usize], c));
        sums.add(row.count, row.surfaces, placed);
    }
    row.key
}

/// The rows of the keys summed in `pending`, in key order, given to `out`.
fn flush(
    pending: &mut Vec<(String, Sums)>,
    plan: &Plan,
    out: &mut impl FnMut(MergedRow) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let rows: Vec<Option<MergedRow>> = pending
        .par_drain(..)
        .map(|(key, sums)| {
            row(key, sums, &plan.options, plan.parts.as_ref(), &plan.lens, &plan.words)
        })
        .collect::<Result<_, _>>()?;
    rows.into_iter().flatten().try_for_each(out)
}

/// The number of distinct words (n = 1 keys) over `sources` (each giving its words in key
/// order): what [`WordGroups`] needs before the first word's DP is computed.
///
/// The counter in memory sums words' DP terms in 16 ranges of documents, or in one for a
/// vocabulary over about 1.4 million words (`count::blocks::dense_groups`); floating-point
/// addition is not associative, so the choice shows in the last bit of DP_norm. Counting the
/// words first costs one more read of the partials' `key` and `n` columns (not their lists,
/// the bulk of a partial), and keeps every row's DP final when it is made, so that rows can
/// be sorted by DP and written to runs as they come. Carrying both sums to the end would
/// avoid the read but make each word row's place in a DP order unknown until then.
pub fn distinct_words<S: RowSource>(mut sources: Vec<S>) -> anyhow::Result<usize> {
    let mut heap = Heads::new(&mut sources)?;
    let mut words = 0;
    while let Some((first, _)) = heap.pop(&mut sources)? {
        while heap.pop_if(&first.key, &mut sources)?.is_some() {}
        words += 1;
    }
    Ok(words)
}

/// The current row of each source, smallest key first.
struct Heads {
    heap: BinaryHeap<Head>,
}

/// A source's current row; the heap's top is the smallest key (then the first source).
struct Head {
    row: PartialRow,
    src: usize,
}

impl Ord for Head {
    fn cmp(&self, other: &Self) -> Ordering {
        words_cmp(&other.row.key, &self.row.key).then(other.src.cmp(&self.src))
    }
}

impl PartialOrd for Head {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Head {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Head {}

impl Heads {
    fn new<S: RowSource>(sources: &mut [S]) -> anyhow::Result<Heads> {
        let mut heap = BinaryHeap::with_capacity(sources.len());
        for (src, s) in sources.iter_mut().enumerate() {
            if let Some(row) = s.next_row()? {
                heap.push(Head { row, src });
            }
        }
        Ok(Heads { heap })
    }

    /// The smallest row and its source, whose next row takes its place.
    fn pop<S: RowSource>(
        &mut self,
        sources: &mut [S],
    ) -> anyhow::Result<Option<(PartialRow, usize)>> {
        let Some(Head { row, src }) = self.heap.pop() else {
            return Ok(None);
        };
        if let Some(next) = sources[src].next_row()? {
            self.heap.push(Head { row: next, src });
        }
        Ok(Some((row, src)))
    }

    /// [`Heads::pop`] if the smallest row's key is `key`.
    fn pop_if<S: RowSource>(
        &mut self,
        key: &str,
        sources: &mut [S],
    ) -> anyhow::Result<Option<(PartialRow, usize)>> {
        match self.heap.peek() {
            Some(head) if head.row.key == key => self.pop(sources),
            _ => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::PathBuf;

    use proptest::prelude::*;

    use super::*;
    use crate::budget::Budget;
    use crate::count::RowOrder;
    use crate::partial::merge::{Merger, merge};
    use crate::partial::runs::Survivors;
    use crate::partial::{Partial, PartialDoc};

    const WORDS: [&str; 6] = ["a", "ab", "b", "c!", "é", "zz"];

    /// A key (by number) and, for some documents (by number), its forms' counts there.
    type RowSpec = (usize, Vec<(usize, Vec<u32>)>);

    /// A shard: its documents' words, and its rows.
    type ShardSpec = (Vec<u64>, Vec<RowSpec>);

    /// Keys of 1 to 3 of [`WORDS`].
    fn keys() -> Vec<String> {
        let mut keys = Vec::new();
        for a in WORDS {
            keys.push(a.to_string());
            for b in WORDS {
                keys.push(format!("{a} {b}"));
                keys.push(format!("{a} {b} {a}"));
            }
        }
        keys
    }

    fn shard() -> impl Strategy<Value = ShardSpec> {
        let docs = prop::collection::vec(prop_oneof![0u64..50, 100_000u64..400_000], 1..4);
        let rows = prop::collection::vec(
            (
                0usize..78,
                prop::collection::vec((0usize..4, prop::collection::vec(1u32..4, 1..3)), 1..4),
            ),
            0..30,
        );
        (docs, rows)
    }

    /// The partials the specs describe: documents numbered over all shards (sources from a
    /// few names, so that shards interleave in corpus order), rows in key order.
    fn partials(specs: &[ShardSpec]) -> Vec<(PathBuf, Partial)> {
        let keys = keys();
        let mut next_doc = 0;
        let mut out = Vec::new();
        for (s, (lens, rows)) in specs.iter().enumerate() {
            let docs: Vec<PartialDoc> = lens
                .iter()
                .map(|&words| {
                    next_doc += 1;
                    PartialDoc {
                        id: format!("d{next_doc}"),
                        source: format!("{}.txt", ["b", "a", "c"][next_doc % 3]),
                        title: None,
                        date: None,
                        meta: BTreeMap::new(),
                        words,
                    }
                })
                .collect();
            let mut by_key: BTreeMap<usize, BTreeMap<u32, Vec<u32>>> = BTreeMap::new();
            for (k, entries) in rows {
                for (d, forms) in entries {
                    let d = (*d % docs.len()) as u32;
                    by_key.entry(*k % keys.len()).or_default().entry(d).or_insert(forms.clone());
                }
            }
            let mut rows: Vec<PartialRow> = by_key
                .into_iter()
                .map(|(k, per_doc)| {
                    let key = &keys[k];
                    // Form f of a key: its words with the first letter of the f-th upper-cased.
                    let mut forms: BTreeMap<String, u32> = BTreeMap::new();
                    for counts in per_doc.values() {
                        for (f, &c) in counts.iter().enumerate() {
                            *forms.entry(form(key, f)).or_default() += c;
                        }
                    }
                    let per_doc: Vec<(u32, u32)> =
                        per_doc.iter().map(|(&d, c)| (d, c.iter().sum())).collect();
                    PartialRow {
                        key: key.clone(),
                        n: key.split(' ').count() as u8,
                        count: per_doc.iter().map(|d| d.1).sum(),
                        surfaces: forms.into_iter().collect(),
                        per_doc,
                    }
                })
                .collect();
            rows.sort_by(|a, b| words_cmp(&a.key, &b.key));
            let settings = [("refrain.ngrams".to_string(), "1..3".to_string())].into();
            out.push((PathBuf::from(format!("{s}.parquet")), Partial { settings, docs, rows }));
        }
        out
    }

    fn form(key: &str, f: usize) -> String {
        let words: Vec<String> = key
            .split(' ')
            .enumerate()
            .map(|(i, w)| if i == f { w.to_uppercase() } else { w.to_string() })
            .collect();
        words.join(" ")
    }

    /// The streaming merge of `parts`, rows held `cap_rows` at a time: its rows, and the runs
    /// it wrote.
    fn streamed(
        parts: Vec<(PathBuf, Partial)>,
        options: &MergeOptions,
        cap_rows: usize,
    ) -> (Vec<MergedRow>, usize) {
        let mut merger = Merger::new(options.clone());
        let mut sources = Vec::new();
        let mut words = Vec::new();
        for (file, p) in parts {
            let base = merger.begin(file, p.settings, p.docs).unwrap();
            let w: Vec<PartialRow> = p.rows.iter().filter(|r| r.n == 1).cloned().collect();
            words.push(w.into_iter());
            sources.push((base, p.rows.into_iter()));
        }
        let order = merger.order();
        let distinct = match Plan::needs_words(options, &order.lens) {
            true => distinct_words(words).unwrap(),
            false => 0,
        };
        let plan = Plan::new(options.clone(), order.place, order.lens, distinct);
        let temp = tempfile::tempdir().unwrap();
        let budget = Budget { bytes: 1 << 30, temp_dir: Some(temp.path().into()) };
        let mut survivors = Survivors::new(options.order, options.top, 1 << 30, cap_rows, budget);
        merge_rows(sources, &plan, |row| Ok(survivors.push(row)?)).unwrap();
        let runs = survivors.runs();
        let mut sorted = survivors.finish().unwrap();
        let mut rows = Vec::new();
        while let Some(row) = sorted.next_row().unwrap() {
            rows.push(row);
        }
        drop(sorted);
        assert_eq!(std::fs::read_dir(temp.path()).unwrap().count(), 0, "runs removed");
        (rows, runs)
    }

    /// Rows with DP as bits, so that an undefined DP equals itself.
    fn exact(rows: Vec<MergedRow>) -> Vec<(MergedRow, u64)> {
        rows.into_iter().map(|r| (MergedRow { dp: 0.0, ..r.clone() }, r.dp.to_bits())).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Random partials, merged as streams with tiny runs: the in-memory merge's rows, to
        /// the bit.
        #[test]
        fn the_streaming_merge_is_the_merge_in_memory(
            specs in prop::collection::vec(shard(), 1..5),
            (min_n, max_n) in prop_oneof![Just((1, 1)), Just((1, 3)), Just((2, 3))],
            min_count in 1u32..4,
            min_docs in 1u32..3,
            order in crate::count::bounded::tests::order_strategy(),
            top in prop::option::of(1usize..20),
            cap_rows in 1usize..6,
        ) {
            let options = MergeOptions { min_n, max_n, min_count, min_docs, order, top };
            let oracle = merge(partials(&specs), &options).unwrap();
            let (rows, _) = streamed(partials(&specs), &options, cap_rows);
            prop_assert_eq!(exact(rows), exact(oracle.rows));
        }
    }

    #[test]
    fn many_runs_are_merged_in_passes_to_the_same_rows() {
        // 2 shards of every key in 3 documents: 78 keys, one row per run: more runs than are
        // merged at once.
        let rows: Vec<RowSpec> =
            (0..78).map(|k| (k, vec![(k % 3, vec![1, k as u32 % 3 + 1])])).collect();
        let specs = vec![(vec![10, 20, 30], rows.clone()), (vec![5, 5, 5], rows)];
        for order in [RowOrder::Count, RowOrder::Dp] {
            let options =
                MergeOptions { min_n: 1, max_n: 3, min_count: 1, min_docs: 1, order, top: None };
            let oracle = merge(partials(&specs), &options).unwrap();
            let (rows, runs) = streamed(partials(&specs), &options, 1);
            assert_eq!(runs, 78);
            assert_eq!(exact(rows), exact(oracle.rows));
        }
    }

    #[test]
    fn distinct_words_counts_each_word_once_over_all_sources() {
        let word = |key: &str| PartialRow {
            key: key.into(),
            n: 1,
            count: 1,
            surfaces: vec![(key.into(), 1)],
            per_doc: vec![(0, 1)],
        };
        let sources = vec![
            vec![word("a"), word("b"), word("d")].into_iter(),
            vec![word("b"), word("c")].into_iter(),
            Vec::new().into_iter(),
            vec![word("a"), word("d"), word("e")].into_iter(),
        ];
        let brute: BTreeSet<&str> = ["a", "b", "d", "b", "c", "a", "d", "e"].into();
        assert_eq!(distinct_words(sources).unwrap(), brute.len());
    }

    #[test]
    fn words_dp_groups_follow_the_vocabulary_on_both_sides_of_the_threshold() {
        // 40 documents of 100,000 words: 16 of the counter's blocks. Up to 1,398,101 words
        // (16 groups × 12 bytes each within 256 MiB) the terms are added in 16 ranges, above
        // it in one: the sums differ in the last bits, as the counter's do.
        let lens = vec![100_000u32; 40];
        let limit = (256usize << 20) / (crate::count::blocks::DENSE_GROUPS * 12);
        let groups = |words: usize| {
            let g = WordGroups::new(words, &lens);
            let per_doc: Vec<(u32, u32)> = (0..40).map(|d| (d, 1)).collect();
            let terms: Vec<f64> = (0..40).map(|d| 0.1 * (d as f64 + 1.0).sqrt()).collect();
            (g.sum(&per_doc, |&(d, _)| terms[d as usize]), terms)
        };
        let (sixteen, terms) = groups(limit);
        let (one, _) = groups(limit + 1);
        // In one range the terms are added in order; in 16, by the counter's ranges.
        let plain = terms.iter().fold(0.0, |acc, t| acc + t);
        assert_eq!(one.to_bits(), plain.to_bits());
        let cuts = crate::count::blocks::dense_groups(
            &crate::count::blocks::blocks_of(
                &(0..=40).map(|d| d * 100_000).collect::<Vec<u32>>(),
                crate::count::blocks::BLOCK_WORDS,
            ),
            limit,
        );
        assert!(cuts.len() > 1, "{} ranges", cuts.len());
        let by_range = cuts
            .iter()
            .map(|r| terms[r.clone()].iter().fold(0.0, |acc, t| acc + t))
            .fold(0.0, |acc, t| acc + t);
        assert_eq!(sixteen.to_bits(), by_range.to_bits());
        assert_ne!(sixteen.to_bits(), one.to_bits(), "the two ways differ for these terms");
    }
}
