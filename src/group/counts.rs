//! Counting phrases per group: a dense rows × groups table of occurrences and documents.
//!
//! Occurrences are found block by block in parallel ([`NgramFinder::scan`], or the matches of
//! a query); each block gathers the rows seen in its current document and, when the document
//! ends, adds them to shared atomic counters (one per row and group). A document lies in one
//! block and one group, so "documents containing the row" is one increment per (document,
//! row), and sums of integers do not depend on the order in which blocks finish: the table is
//! the same for any number of threads. Memory is the table itself plus, per block, the rows
//! of one document; no per-position array is kept.

use std::sync::atomic::{AtomicI64, AtomicU32, Ordering::Relaxed};

use chrono::{Datelike, NaiveDate};

use super::{GroupError, Groups, NONE};
use crate::corpus::{Document, Precision};
use crate::count::{NgramFinder, Occurrence, TokenIndex};

/// At most this many cells (rows × groups) are counted at once (8 bytes each).
pub const MAX_CELLS: usize = 50_000_000;

/// Counts of rows (phrases) per group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupCounts {
    /// Number of groups.
    pub groups: usize,
    /// Occurrences, row-major: `count[row * groups + group]`.
    pub count: Vec<u32>,
    /// Documents containing the row, same layout.
    pub docs: Vec<u32>,
    /// Earliest and latest date of a grouped document containing each row, with the
    /// precision of that document's date (when dates were asked for and the row occurs in a
    /// dated document).
    pub span: Vec<Option<(DocDate, DocDate)>>,
}

impl GroupCounts {
    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.count.len().checked_div(self.groups).unwrap_or(0)
    }

    /// Occurrences of `row` in each group.
    pub fn count_of(&self, row: usize) -> &[u32] {
        &self.count[row * self.groups..(row + 1) * self.groups]
    }

    /// Documents containing `row`, per group.
    pub fn docs_of(&self, row: usize) -> &[u32] {
        &self.docs[row * self.groups..(row + 1) * self.groups]
    }
}

/// Count the n-grams `rows` ((n, id) of `finder.counts()`) in each group of `groups`.
/// With `dates` (one per document, see [`doc_dates`]), also the first and last date each row
/// occurs on.
pub fn count_ngrams(
    finder: &NgramFinder,
    index: &TokenIndex,
    groups: &Groups,
    rows: &[(usize, u32)],
    dates: Option<&[Option<DocDate>]>,
) -> Result<GroupCounts, GroupError> {
    let tally = NgramTally::new(finder, groups, rows, dates)?;
    tally.add(0, index);
    Ok(tally.finish())
}

/// [`count_ngrams`] a piece of the corpus at a time: the segments of a token index on disk,
/// each added with the corpus number of its first document. Documents never straddle
/// pieces, so the table is the same as from the whole index at once.
pub struct NgramTally<'a> {
    finder: &'a NgramFinder<'a>,
    tally: Tally<'a>,
    /// The row of each (n, id), or [`NONE`].
    row_of: Vec<Vec<u32>>,
    lengths: Option<std::ops::RangeInclusive<usize>>,
}

impl<'a> NgramTally<'a> {
    /// An empty table of `rows` × groups (see [`count_ngrams`]).
    pub fn new(
        finder: &'a NgramFinder<'a>,
        groups: &'a Groups,
        rows: &[(usize, u32)],
        dates: Option<&[Option<DocDate>]>,
    ) -> Result<Self, GroupError> {
        let tally = Tally::new(rows.len(), groups, dates)?;
        let levels = &finder.counts().levels;
        let mut row_of: Vec<Vec<u32>> = levels.iter().map(|l| vec![NONE; l.len()]).collect();
        for (r, &(n, id)) in rows.iter().enumerate() {
            row_of[n - 1][id as usize] = r as u32;
        }
        Ok(NgramTally { finder, tally, row_of, lengths: length_range(rows) })
    }

    /// Count the occurrences in `index`, whose document 0 is the corpus's `first_doc`.
    pub fn add(&self, first_doc: usize, index: &TokenIndex) {
        let Some(lengths) = self.lengths.clone() else { return };
        let (tally, groups) = (&self.tally, self.tally.groups);
        let visit = |s: &mut DocRows, o: Occurrence| {
            let row = self.row_of[o.n as usize - 1][o.id as usize];
            let doc = first_doc as u32 + o.doc;
            if row != NONE && groups.of_doc[doc as usize] != NONE {
                s.push(tally, doc, row);
            }
        };
        for mut s in self.finder.scan(index, lengths, DocRows::default, visit) {
            s.flush(tally);
        }
    }

    /// The table.
    pub fn finish(self) -> GroupCounts {
        self.tally.finish()
    }
}

/// Count matches `(document, row)`, in corpus order, in each group of `groups`.
pub fn count_matches(
    matches: impl IntoIterator<Item = (u32, u32)>,
    rows: usize,
    groups: &Groups,
    dates: Option<&[Option<DocDate>]>,
) -> Result<GroupCounts, GroupError> {
    let tally = Tally::new(rows, groups, dates)?;
    let mut state = DocRows::default();
    for (doc, row) in matches {
        if groups.of_doc[doc as usize] != NONE {
            state.push(&tally, doc, row);
        }
    }
    state.flush(&tally);
    Ok(tally.finish())
}

fn length_range(rows: &[(usize, u32)]) -> Option<std::ops::RangeInclusive<usize>> {
    let min = rows.iter().map(|r| r.0).min()?;
    let max = rows.iter().map(|r| r.0).max()?;
    Some(min..=max)
}

/// The shared counters.
struct Tally<'a> {
    groups: &'a Groups,
    count: Vec<AtomicU32>,
    docs: Vec<AtomicU32>,
    /// Day numbers of each document's date (`None` when dates were not asked for).
    days: Option<Vec<i64>>,
    first: Vec<AtomicI64>,
    last: Vec<AtomicI64>,
}

/// Day number of "no date".
const NO_DAY: i64 = i64::MIN;

/// A document's date and how much of it is known.
pub type DocDate = (NaiveDate, Precision);

/// The date of each document, for [`count_ngrams`] and [`count_matches`].
pub fn doc_dates(docs: &[Document]) -> Vec<Option<DocDate>> {
    docs.iter().map(|d| d.date.map(|date| (date, super::precision(d)))).collect()
}

/// A date as one ordered number: the day, then the precision (so the same day sorts the
/// more precise date last).
fn encode((date, precision): DocDate) -> i64 {
    let p = match precision {
        Precision::Year => 0,
        Precision::Month => 1,
        Precision::Day => 2,
    };
    date.num_days_from_ce() as i64 * 4 + p
}

fn decode(v: i64) -> Option<DocDate> {
    let precision = match v.rem_euclid(4) {
        0 => Precision::Year,
        1 => Precision::Month,
        _ => Precision::Day,
    };
    Some((NaiveDate::from_num_days_from_ce_opt(v.div_euclid(4) as i32)?, precision))
}

impl<'a> Tally<'a> {
    fn new(
        rows: usize,
        groups: &'a Groups,
        dates: Option<&[Option<DocDate>]>,
    ) -> Result<Self, GroupError> {
        let cells = rows.saturating_mul(groups.len());
        if cells > MAX_CELLS {
            return Err(GroupError::TooLarge { rows, groups: groups.len() });
        }
        let zeros = |n: usize| (0..n).map(|_| AtomicU32::new(0)).collect::<Vec<_>>();
        let days: Option<Vec<i64>> =
            dates.map(|d| d.iter().map(|d| d.map_or(NO_DAY, encode)).collect());
        let spans = if days.is_some() { rows } else { 0 };
        Ok(Tally {
            groups,
            count: zeros(cells),
            docs: zeros(cells),
            days,
            first: (0..spans).map(|_| AtomicI64::new(i64::MAX)).collect(),
            last: (0..spans).map(|_| AtomicI64::new(i64::MIN)).collect(),
        })
    }

    /// Add the rows found in document `doc` (sorted, with repeats).
    fn add_doc(&self, doc: u32, rows: &[u32]) {
        let g = self.groups.of_doc[doc as usize] as usize;
        let width = self.groups.len();
        let day = self.days.as_ref().map_or(NO_DAY, |d| d[doc as usize]);
        let mut i = 0;
        while i < rows.len() {
            let row = rows[i] as usize;
            let run = rows[i..].iter().take_while(|&&r| r as usize == row).count();
            self.count[row * width + g].fetch_add(run as u32, Relaxed);
            self.docs[row * width + g].fetch_add(1, Relaxed);
            if day != NO_DAY {
                self.first[row].fetch_min(day, Relaxed);
                self.last[row].fetch_max(day, Relaxed);
            }
            i += run;
        }
    }

    fn finish(self) -> GroupCounts {
        let plain = |v: Vec<AtomicU32>| v.into_iter().map(AtomicU32::into_inner).collect();
        let span = self
            .first
            .into_iter()
            .zip(self.last)
            .map(|(f, l)| {
                let (f, l) = (f.into_inner(), l.into_inner());
                if f > l { None } else { decode(f).zip(decode(l)) }
            })
            .collect();
        GroupCounts {
            groups: self.groups.len(),
            count: plain(self.count),
            docs: plain(self.docs),
            span,
        }
    }
}

/// The rows seen so far in one document, by one worker.
#[derive(Default)]
struct DocRows {
    doc: u32,
    rows: Vec<u32>,
}

impl DocRows {
    fn push(&mut self, tally: &Tally, doc: u32, row: u32) {
        if doc != self.doc && !self.rows.is_empty() {
            self.flush(tally);
        }
        self.doc = doc;
        self.rows.push(row);
    }

    fn flush(&mut self, tally: &Tally) {
        if self.rows.is_empty() {
            return;
        }
        self.rows.sort_unstable();
        tally.add_doc(self.doc, &self.rows);
        self.rows.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{corpus, doc};
    use super::super::{GroupBy, assign};
    use super::*;
    use crate::count::{CountOptions, EdgePolicy, VocabFacts, count};

    #[test]
    fn ngrams_per_month_with_documents_and_dates() {
        // Three documents with words 0 1 2 …; doc b repeats bigram (0 1) by having two
        // sentences. Word w has key w.
        let (docs, _) = corpus(vec![
            doc("a", Some(("2016-01-05", "day")), 3),
            doc("b", Some(("2016-03-07", "day")), 2),
            doc("c", Some(("2016-03-09", "day")), 2),
        ]);
        let mut index = TokenIndex::new();
        index.push_doc([(0, 0, false), (1, 1, false), (2, 2, false)]); // a: 0 1 2
        index.push_doc([(0, 0, false), (1, 1, false), (0, 0, true), (1, 1, false)]); // b: 0 1 | 0 1
        index.push_doc([(1, 1, false), (2, 2, false)]); // c: 1 2
        let groups = assign(&docs, &index, &GroupBy::parse("month")).unwrap();
        assert_eq!(groups.tokens, [3, 0, 6]);
        let stop = [false; 3];
        let rank = [0, 1, 2];
        let facts = VocabFacts { key_stop: &stop, key_rank: &rank, surface_rank: &rank };
        let o = CountOptions { max_n: 2, edges: EdgePolicy::Keep, ..Default::default() };
        let counts = count(&index, &facts, &o);
        let finder = NgramFinder::new(&counts, 3);
        let ab = finder.find(&[0, 1]).unwrap();
        let bc = finder.find(&[1, 2]).unwrap();
        let w1 = finder.find(&[1]).unwrap();
        let rows = [(2, ab), (2, bc), (1, w1)];
        let dates = doc_dates(&docs);
        let c = count_ngrams(&finder, &index, &groups, &rows, Some(&dates)).unwrap();
        assert_eq!(c.rows(), 3);
        // (0 1): once in January (a), twice in March (b, one document); February empty.
        assert_eq!((c.count_of(0), c.docs_of(0)), (&[1, 0, 2][..], &[1, 0, 1][..]));
        // (1 2): a in January, c in March.
        assert_eq!((c.count_of(1), c.docs_of(1)), (&[1, 0, 1][..], &[1, 0, 1][..]));
        // word 1: a once, b twice, c once.
        assert_eq!((c.count_of(2), c.docs_of(2)), (&[1, 0, 3][..], &[1, 0, 2][..]));
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let d = |s: &str| (day(s), Precision::Day);
        assert_eq!(c.span[0], Some((d("2016-01-05"), d("2016-03-07"))));
        assert_eq!(c.span[1], Some((d("2016-01-05"), d("2016-03-09"))));

        // The same through one worker: identical.
        let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let again =
            pool.install(|| count_ngrams(&finder, &index, &groups, &rows, Some(&dates)).unwrap());
        assert_eq!(again, c);
    }

    #[test]
    fn matches_skip_ungrouped_documents() {
        let (docs, index) = corpus(vec![
            doc("a", Some(("2016-01-05", "day")), 3),
            doc("b", None, 3),
            doc("c", Some(("2016-02-01", "day")), 3),
        ]);
        let groups = assign(&docs, &index, &GroupBy::parse("month")).unwrap();
        let matches = [(0, 0), (0, 0), (1, 0), (2, 1), (2, 0)];
        let c = count_matches(matches, 2, &groups, None).unwrap();
        assert_eq!(c.count_of(0), [2, 1]);
        assert_eq!(c.docs_of(0), [1, 1]);
        assert_eq!(c.count_of(1), [0, 1]);
        assert!(c.span.is_empty());
    }

    #[test]
    fn too_many_cells() {
        let (docs, index) = corpus(vec![doc("a", None, 1)]);
        let groups = assign(&docs, &index, &GroupBy::Doc).unwrap();
        let e = count_matches([], MAX_CELLS + 1, &groups, None).unwrap_err();
        assert!(matches!(e, GroupError::TooLarge { .. }));
    }

    /// A corpus of documents (each a list of sentences of words 0..4, key = word), one a
    /// month, and the index cut into two pieces at document `cut`.
    fn pieces(docs: &[Vec<Vec<u32>>], cut: usize) -> (Vec<Document>, TokenIndex, [TokenIndex; 2]) {
        let items = (0..docs.len())
            .map(|d| {
                let day = format!("2016-{:02}-01", d % 12 + 1);
                let mut x = doc(&format!("d{d}"), Some((&day, "day")), 0).0;
                x.date = NaiveDate::parse_from_str(&day, "%Y-%m-%d").ok();
                x
            })
            .collect();
        let index_of = |range: std::ops::Range<usize>| {
            let mut index = TokenIndex::new();
            for sentences in &docs[range] {
                let words = sentences
                    .iter()
                    .flat_map(|s| s.iter().enumerate().map(|(i, &w)| (w, w, i == 0)));
                index.push_doc(words);
            }
            index
        };
        let cut = cut.min(docs.len());
        (items, index_of(0..docs.len()), [index_of(0..cut), index_of(cut..docs.len())])
    }

    /// Occurrences and documents of `keys` per group, by sliding over every sentence.
    fn naive(docs: &[Vec<Vec<u32>>], groups: &Groups, keys: &[u32]) -> (Vec<u32>, Vec<u32>) {
        let (mut count, mut holding) = (vec![0; groups.len()], vec![0; groups.len()]);
        for (d, sentences) in docs.iter().enumerate() {
            let g = groups.of_doc[d];
            let here: u32 = sentences
                .iter()
                .map(|s| s.windows(keys.len()).filter(|w| *w == keys).count() as u32)
                .sum();
            if g != NONE && here > 0 {
                count[g as usize] += here;
                holding[g as usize] += 1;
            }
        }
        (count, holding)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Counting a piece at a time (as over segments on disk) gives the whole index's
        /// table, and both equal a brute-force count.
        #[test]
        fn pieces_add_up_to_the_whole(
            docs in proptest::collection::vec(
                proptest::collection::vec(proptest::collection::vec(0u32..4, 1..6), 0..4),
                1..9,
            ),
            cut in 0usize..9,
        ) {
            let (items, whole, parts) = pieces(&docs, cut);
            let groups = assign(&items, &whole, &GroupBy::parse("month")).unwrap();
            let stop = [false; 4];
            let rank = [0, 1, 2, 3];
            let facts = VocabFacts { key_stop: &stop, key_rank: &rank, surface_rank: &rank };
            let o = CountOptions { max_n: 3, edges: EdgePolicy::Keep, ..Default::default() };
            let counts = count(&whole, &facts, &o);
            let finder = NgramFinder::new(&counts, 4);
            let rows: Vec<(usize, u32)> = (counts.levels.iter().enumerate())
                .flat_map(|(i, l)| (0..l.len() as u32).map(move |id| (i + 1, id)))
                .collect();
            let dates = doc_dates(&items);
            let expected = count_ngrams(&finder, &whole, &groups, &rows, Some(&dates)).unwrap();
            let tally = NgramTally::new(&finder, &groups, &rows, Some(&dates)).unwrap();
            tally.add(0, &parts[0]);
            tally.add(parts[0].doc_count(), &parts[1]);
            let got = tally.finish();
            proptest::prop_assert_eq!(&got, &expected);
            for (r, &(n, id)) in rows.iter().enumerate() {
                let keys = counts.key_words(n, id);
                let (c, h) = naive(&docs, &groups, &keys);
                proptest::prop_assert_eq!(got.count_of(r), c.as_slice(), "{:?}", keys);
                proptest::prop_assert_eq!(got.docs_of(r), h.as_slice(), "{:?}", keys);
            }
        }
    }
}
