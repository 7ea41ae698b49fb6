//! Partial counts: what one shard of a corpus contributes to the freq table of the whole, in a
//! form that partials made by other runs, on other machines, can be merged with
//! (`refrain freq --partial`, `refrain merge`; docs/partials.md).
//!
//! A [`Partial`] holds every n-gram of its shard (count ≥ 1, its stop-word edge policy
//! applied) keyed by strings, with its surface forms and their counts and its count in each
//! document, and the shard's documents. [`build`] makes it from a counted corpus; [`merge`]
//! sums partials into the rows `refrain freq` reports. Polars never appears here: the Parquet
//! form is `table::partial`'s.

pub mod merge;
pub mod runs;
pub mod stream;

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::count::words::join;
use crate::count::{NgramCounts, NgramFinder, WordLists};
use crate::pipeline::AnalyzedCorpus;

/// The partial format's version, stored under [`VERSION_KEY`]. A reader accepts only its own.
pub const FORMAT_VERSION: &str = "1";

/// The key-value metadata key whose presence makes a Parquet file a partial.
pub const VERSION_KEY: &str = "refrain.partial";

/// One document of a shard.
#[derive(Debug, Clone, PartialEq)]
pub struct PartialDoc {
    /// The document id.
    pub id: String,
    /// The path it was read from.
    pub source: String,
    /// Its title.
    pub title: Option<String>,
    /// Its date, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Its metadata.
    pub meta: BTreeMap<String, String>,
    /// Words in it.
    pub words: u64,
}

/// One n-gram of a shard.
#[derive(Debug, Clone, PartialEq)]
pub struct PartialRow {
    /// The keys of its words joined by one space.
    pub key: String,
    /// Number of words.
    pub n: u8,
    /// Occurrences in the shard.
    pub count: u32,
    /// Its surface forms (words joined by one space) with their occurrences.
    pub surfaces: Vec<(String, u32)>,
    /// (document number in the shard, occurrences there), documents increasing.
    pub per_doc: Vec<(u32, u32)>,
}

/// The partial counts of one shard.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Partial {
    /// The settings it was made with (key-value metadata, `refrain.*` keys), in key order.
    pub settings: BTreeMap<String, String>,
    /// The shard's documents in reading order.
    pub docs: Vec<PartialDoc>,
    /// Its n-grams in key order (word by word).
    pub rows: Vec<PartialRow>,
}

impl PartialDoc {
    /// The document as read (without its text): what groupings (`--by`) place.
    pub fn document(&self) -> crate::corpus::Document {
        let date = self
            .date
            .as_deref()
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        crate::corpus::Document {
            id: self.id.clone(),
            source: self.source.clone(),
            title: self.title.clone(),
            date,
            meta: self.meta.clone(),
            text: String::new(),
            removed: Default::default(),
        }
    }
}

impl Partial {
    /// The n range it was counted over (`refrain.ngrams`, `A..B`).
    pub fn ngrams(&self) -> Option<(usize, usize)> {
        let range = self.settings.get("refrain.ngrams")?;
        crate::cli::args::parse_range(range).ok()
    }

    /// Words in the shard.
    pub fn words(&self) -> u64 {
        self.docs.iter().map(|d| d.words).sum()
    }
}

/// A counted shard on its way to a partial: its documents at once, its rows made a range at
/// a time (in key order) as they are written, so that the rows' strings never all exist.
pub struct Shard<'a> {
    corpus: &'a AnalyzedCorpus,
    counts: &'a NgramCounts,
    words: WordLists,
    surfaces: Vec<Owned>,
    per_doc: PerDoc,
    /// The reported n-grams in key order: (key position, n, id).
    reported: Vec<(u32, usize, u32)>,
    /// The settings to record.
    pub settings: BTreeMap<String, String>,
    /// The documents in reading order.
    pub docs: Vec<PartialDoc>,
}

impl<'a> Shard<'a> {
    /// The shard of `corpus`, whose every n-gram with n in `min_n..=max_n` `counts` holds
    /// (counted with thresholds of 1; the rows reported are those it marks emitted).
    pub fn new(
        corpus: &'a AnalyzedCorpus,
        counts: &'a NgramCounts,
        (min_n, max_n): (usize, usize),
        settings: BTreeMap<String, String>,
    ) -> Self {
        let index = &corpus.index;
        let docs = corpus
            .docs
            .iter()
            .enumerate()
            .map(|(d, doc)| PartialDoc {
                id: doc.id.clone(),
                source: doc.source.clone(),
                title: doc.title.clone(),
                date: doc.date.map(|d| d.format("%Y-%m-%d").to_string()),
                meta: doc.meta.clone(),
                words: index.doc_len(d) as u64,
            })
            .collect();
        let per_doc = per_doc_counts(corpus, counts, min_n..=max_n);
        // Rows in key order: each level's `order` is the position of its key among all levels'.
        let mut reported: Vec<(u32, usize, u32)> = counts
            .reported()
            .map(|(n, id)| (counts.levels[n - 1].order[id as usize], n, id))
            .collect();
        reported.par_sort_unstable();
        let surfaces = counts.levels.par_iter().map(Owned::new).collect();
        let words = WordLists::new(counts);
        Shard { corpus, counts, words, surfaces, per_doc, reported, settings, docs }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.reported.len()
    }

    /// True when the shard has no n-gram.
    pub fn is_empty(&self) -> bool {
        self.reported.is_empty()
    }

    /// Words in the shard.
    pub fn words(&self) -> u64 {
        self.docs.iter().map(|d| d.words).sum()
    }

    /// Rows `range` (of [`Shard::len`]), in key order.
    pub fn rows(&self, range: std::ops::Range<usize>) -> Vec<PartialRow> {
        let vocab = &self.corpus.vocab;
        self.reported[range]
            .par_iter()
            .map(|&(_, n, id)| {
                let level = &self.counts.levels[n - 1];
                let key = join(self.words.keys(n, id).iter().map(|&k| vocab.key(k)));
                let forms = self.surfaces[n - 1]
                    .of(id)
                    .iter()
                    .map(|&sid| {
                        let words = self.words.surfaces(n, sid).iter();
                        let text = join(words.map(|&s| vocab.surface(s)));
                        (text, level.surfaces.count[sid as usize])
                    })
                    .collect();
                let list = self.per_doc.of(n, id).iter().map(|&(_, _, doc, c)| (doc, c)).collect();
                let count = level.count[id as usize];
                PartialRow { key, n: n as u8, count, surfaces: forms, per_doc: list }
            })
            .collect()
    }
}

/// One level's surface n-grams by owning n-gram, each n-gram's in the byte order of the forms.
struct Owned {
    ids: Vec<u32>,
    /// `starts[id]..starts[id + 1]` are n-gram `id`'s in `ids`.
    starts: Vec<usize>,
}

impl Owned {
    fn new(level: &crate::count::Level) -> Owned {
        let s = &level.surfaces;
        let mut ids: Vec<u32> = (0..s.count.len() as u32).collect();
        ids.par_sort_unstable_by_key(|&v| (s.owner[v as usize], s.order[v as usize]));
        let mut starts = vec![0; level.len() + 1];
        for &owner in &s.owner {
            starts[owner as usize + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        Owned { ids, starts }
    }

    fn of(&self, id: u32) -> &[u32] {
        &self.ids[self.starts[id as usize]..self.starts[id as usize + 1]]
    }
}

/// Every reported n-gram's (n, id, document, occurrences) entries, sorted, with where each
/// n-gram's entries start.
struct PerDoc {
    entries: Vec<(u8, u32, u32, u32)>,
    /// `starts[n - 1][id]..starts[n - 1][id + 1]` are n-gram (n, id)'s entries.
    starts: Vec<Vec<usize>>,
}

impl PerDoc {
    fn of(&self, n: usize, id: u32) -> &[(u8, u32, u32, u32)] {
        let starts = &self.starts[n - 1];
        &self.entries[starts[id as usize]..starts[id as usize + 1]]
    }
}

/// Every reported n-gram's count in each document that holds it.
fn per_doc_counts(
    corpus: &AnalyzedCorpus,
    counts: &NgramCounts,
    lengths: std::ops::RangeInclusive<usize>,
) -> PerDoc {
    let finder = NgramFinder::new(counts, corpus.vocab.key_count());
    // Each block collects its current document's occurrences, then turns them into one
    // (n-gram, document, count) entry each when the document ends.
    let blocks = finder.scan(&corpus.index, lengths, DocTally::default, |t, o| {
        if counts.levels[o.n as usize - 1].emitted[o.id as usize] {
            t.add(o.doc, o.n, o.id);
        }
    });
    let mut entries: Vec<(u8, u32, u32, u32)> = Vec::new();
    for mut block in blocks {
        block.flush();
        entries.append(&mut block.out);
    }
    // Documents are unique per n-gram, so the order is total.
    entries.par_sort_unstable();
    let mut starts: Vec<Vec<usize>> = counts.levels.iter().map(|l| vec![0; l.len() + 1]).collect();
    for &(n, id, _, _) in &entries {
        starts[n as usize - 1][id as usize + 1] += 1;
    }
    let mut at = 0;
    for level in &mut starts {
        level[0] = at;
        for i in 1..level.len() {
            level[i] += level[i - 1];
        }
        at = *level.last().expect("one start at least");
    }
    PerDoc { entries, starts }
}

/// A block's per-document counting state.
#[derive(Default)]
struct DocTally {
    doc: u32,
    here: Vec<(u8, u32)>,
    out: Vec<(u8, u32, u32, u32)>,
}

impl DocTally {
    fn add(&mut self, doc: u32, n: u8, id: u32) {
        if doc != self.doc {
            self.flush();
            self.doc = doc;
        }
        self.here.push((n, id));
    }

    fn flush(&mut self) {
        self.here.sort_unstable();
        let mut i = 0;
        while i < self.here.len() {
            let j = self.here[i..].iter().take_while(|&&x| x == self.here[i]).count();
            let (n, id) = self.here[i];
            self.out.push((n, id, self.doc, j as u32));
            i += j;
        }
        self.here.clear();
    }
}
