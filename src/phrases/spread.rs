//! Spread over time: first and last attestation and the peak period of each phrase.
//!
//! Periods are calendar months when every dated document has at least a month (a day or a
//! month precision), and calendar years as soon as one dated document is dated by its year
//! only (`meta["date_precision"] = "year"`, e.g. inaugural addresses named `1790-Washington`):
//! such a document cannot be put in a month, and mixing months with years would compare rates
//! over spans of different lengths. Undated documents take no part. A phrase's peak period is
//! the period where its rate per word of that period is highest (ties to the earlier period);
//! `first` and `last` are the dates of the earliest and latest documents that contain it, at
//! those documents' precision (ties to the earlier document in corpus order).

use chrono::{Datelike, NaiveDate};

use super::Gram;
use super::chains::Chains;
use crate::collections::{HashMap, new_map};
use crate::corpus::Document;
use crate::count::{DocLengths, Occurrence};

/// "No period" / "no row".
const NONE: u32 = u32::MAX;

/// How documents are grouped in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodKind {
    /// Calendar months (`YYYY-MM`).
    Month,
    /// Calendar years (`YYYY`).
    Year,
}

/// The dated documents' periods.
#[derive(Debug, Clone)]
pub struct Periods {
    /// Months or years.
    pub kind: PeriodKind,
    /// Period index of each document (`u32::MAX` when undated).
    pub of_doc: Vec<u32>,
    /// Words in each period.
    pub words: Vec<u64>,
    /// Serial number (year·12 + month − 1, or year) of period 0.
    base: i64,
}

/// The precision of a document's date (`day` when the metadata does not say).
pub fn precision(doc: &Document) -> &str {
    doc.meta.get("date_precision").map_or("day", String::as_str)
}

/// A document's date written at its precision: `YYYY-MM-DD`, `YYYY-MM` or `YYYY`.
pub fn date_label(doc: &Document) -> Option<String> {
    let d = doc.date?;
    Some(match precision(doc) {
        "year" => format!("{:04}", d.year()),
        "month" => format!("{:04}-{:02}", d.year(), d.month()),
        _ => d.format("%Y-%m-%d").to_string(),
    })
}

impl Periods {
    /// The periods of `docs` (whose lengths `lengths` gives), or `None` when no document is
    /// dated.
    pub fn of<L: DocLengths + ?Sized>(docs: &[Document], lengths: &L) -> Option<Periods> {
        let dated: Vec<(usize, NaiveDate)> =
            docs.iter().enumerate().filter_map(|(i, d)| Some((i, d.date?))).collect();
        if dated.is_empty() {
            return None;
        }
        let kind = if dated.iter().any(|&(i, _)| precision(&docs[i]) == "year") {
            PeriodKind::Year
        } else {
            PeriodKind::Month
        };
        let serial = |d: NaiveDate| match kind {
            PeriodKind::Month => d.year() as i64 * 12 + d.month0() as i64,
            PeriodKind::Year => d.year() as i64,
        };
        let base = dated.iter().map(|&(_, d)| serial(d)).min().expect("some date");
        let last = dated.iter().map(|&(_, d)| serial(d)).max().expect("some date");
        let mut of_doc = vec![NONE; docs.len()];
        let mut words = vec![0u64; (last - base + 1) as usize];
        for &(i, d) in &dated {
            let p = (serial(d) - base) as usize;
            of_doc[i] = p as u32;
            words[p] += lengths.words_in(i) as u64;
        }
        Some(Periods { kind, of_doc, words, base })
    }

    /// The label of period `p`: `YYYY-MM` or `YYYY`.
    pub fn label(&self, p: u32) -> String {
        let s = self.base + p as i64;
        match self.kind {
            PeriodKind::Month => format!("{:04}-{:02}", s.div_euclid(12), s.rem_euclid(12) + 1),
            PeriodKind::Year => format!("{s:04}"),
        }
    }
}

/// Time spread of one phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spread {
    /// Earliest dated document containing it.
    pub first: Option<u32>,
    /// Latest dated document containing it.
    pub last: Option<u32>,
    /// Period with the highest rate.
    pub peak: Option<u32>,
}

/// Bytes of memory per occurrence that a pass over a range of periods may take at most: the
/// blocks' maps of (row, period) pairs (at most one pair per occurrence) and the merged,
/// sorted pair lists (12 bytes a pair, twice while two lists are merged).
const PAIR_BYTES: u64 = 48;

/// The spread of each of `rows`. One scan finds first and last documents, the occurrences
/// per period and, when the rows' occurrences (an upper bound of their (row, period) pairs)
/// fit `room` bytes, every pair (with `u64::MAX`, always: one scan in all). Otherwise the
/// periods are taken in ranges whose pairs fit, one more scan each. Pairs are summed over
/// blocks as blocks end, and peaks compared in period order.
pub fn spread(
    chains: &Chains,
    docs: &[Document],
    periods: &Periods,
    rows: &[Gram],
    room: u64,
) -> Vec<Spread> {
    let counts = chains.counts();
    let mut row_of: Vec<Vec<u32>> = counts.levels.iter().map(|l| vec![NONE; l.len()]).collect();
    for (r, &(n, id)) in rows.iter().enumerate() {
        row_of[n - 1][id as usize] = r as u32;
    }
    let lengths = rows.iter().map(|g| g.0).min().unwrap_or(1)..=counts.levels.len();
    let row = |o: &Occurrence| -> Option<(u32, u32)> {
        let r = row_of[o.n as usize - 1][o.id as usize];
        let p = periods.of_doc[o.doc as usize];
        (r != NONE && p != NONE).then_some((r, p))
    };
    let earlier = |a: u32, b: u32| (docs[a as usize].date, a) < (docs[b as usize].date, b);
    let occurrences: u64 =
        rows.iter().map(|&(n, id)| counts.levels[n - 1].count[id as usize] as u64).sum();
    let at_once = occurrences.saturating_mul(PAIR_BYTES) <= room;
    let first = first_scan(chains, lengths.clone(), (&row, &earlier), periods, at_once);
    let mut out = vec![Spread { first: None, last: None, peak: None }; rows.len()];
    for (r, (a, b)) in first.bounds {
        (out[r as usize].first, out[r as usize].last) = (Some(a), Some(b));
    }
    let mut peak: Vec<Option<(u32, u32)>> = vec![None; rows.len()];
    // Sorted by period: each row's periods come in order, as the tie rule needs.
    let mut compare = |pairs: Vec<(u32, u32, u32)>| {
        for (p, r, c) in pairs {
            let best = &mut peak[r as usize];
            if best.is_none_or(|b| higher(periods, (p, c), b)) {
                *best = Some((p, c));
            }
        }
    };
    if at_once {
        compare(first.pairs);
    } else {
        for range in ranges(&first.per_period, room) {
            compare(pairs_in(chains, lengths.clone(), &row, range));
        }
    }
    for (s, p) in out.iter_mut().zip(peak) {
        s.peak = p.map(|(p, _)| p);
    }
    out
}

/// What the first scan finds.
#[derive(Default)]
struct First {
    /// First and last document of each row that occurs in a dated document.
    bounds: HashMap<u32, (u32, u32)>,
    /// Occurrences in each period (empty only in the merge's starting value).
    per_period: Vec<u64>,
    /// Every (period, row, count), sorted, when asked for.
    pairs: Vec<(u32, u32, u32)>,
}

/// The first scan: bounds and occurrences per period, and every pair when `with_pairs`.
fn first_scan(
    chains: &Chains,
    lengths: std::ops::RangeInclusive<usize>,
    (row, earlier): (
        &(impl Fn(&Occurrence) -> Option<(u32, u32)> + Sync),
        &(impl Fn(u32, u32) -> bool + Sync),
    ),
    periods: &Periods,
    with_pairs: bool,
) -> First {
    type State = (First, HashMap<(u32, u32), u32>);
    let init = || -> State {
        (First { per_period: vec![0; periods.words.len()], ..First::default() }, new_map())
    };
    let visit = |(t, pairs): &mut State, o: Occurrence| {
        let Some((r, p)) = row(&o) else { return };
        t.per_period[p as usize] += 1;
        if with_pairs {
            *pairs.entry((p, r)).or_default() += 1;
        }
        let b = t.bounds.entry(r).or_insert((o.doc, o.doc));
        if earlier(o.doc, b.0) {
            b.0 = o.doc;
        }
        if earlier(b.1, o.doc) {
            b.1 = o.doc;
        }
    };
    let finish = |(mut t, pairs): State| {
        t.pairs = sorted_pairs(pairs);
        t
    };
    let merge = |x: First, y: First| -> First {
        if x.per_period.is_empty() || y.per_period.is_empty() {
            return if x.per_period.is_empty() { y } else { x };
        }
        let (mut big, small) = if x.bounds.len() >= y.bounds.len() { (x, y) } else { (y, x) };
        for (r, (a, b)) in small.bounds {
            let e = big.bounds.entry(r).or_insert((a, b));
            if earlier(a, e.0) {
                e.0 = a;
            }
            if earlier(e.1, b) {
                e.1 = b;
            }
        }
        for (t, s) in big.per_period.iter_mut().zip(small.per_period) {
            *t += s;
        }
        big.pairs = merge_sorted(std::mem::take(&mut big.pairs), small.pairs);
        big
    };
    chains.scan_merged(lengths, (init, visit), finish, merge)
}

/// A block's pair counts as (period, row, count), sorted.
fn sorted_pairs(pairs: HashMap<(u32, u32), u32>) -> Vec<(u32, u32, u32)> {
    let mut v: Vec<(u32, u32, u32)> = pairs.into_iter().map(|((p, r), c)| (p, r, c)).collect();
    v.sort_unstable();
    v
}

/// Consecutive ranges of periods whose occurrences (an upper bound of their (row, period)
/// pairs) take at most `room` bytes at [`PAIR_BYTES`] each; a period over it alone is a range
/// of its own.
fn ranges(per_period: &[u64], room: u64) -> Vec<std::ops::Range<u32>> {
    let mut out = Vec::new();
    let (mut start, mut held) = (0usize, 0u64);
    for (p, &n) in per_period.iter().enumerate() {
        let bytes = n.saturating_mul(PAIR_BYTES);
        if p > start && held.saturating_add(bytes) > room {
            out.push(start as u32..p as u32);
            (start, held) = (p, 0);
        }
        held = held.saturating_add(bytes);
    }
    if start < per_period.len() {
        out.push(start as u32..per_period.len() as u32);
    }
    out
}

/// The (period, row, count) of every pair with its period in `range`, sorted, summed over
/// blocks as blocks end.
fn pairs_in(
    chains: &Chains,
    lengths: std::ops::RangeInclusive<usize>,
    row: &(impl Fn(&Occurrence) -> Option<(u32, u32)> + Sync),
    range: std::ops::Range<u32>,
) -> Vec<(u32, u32, u32)> {
    let init = || -> HashMap<(u32, u32), u32> { new_map() };
    let visit = |t: &mut HashMap<(u32, u32), u32>, o: Occurrence| {
        if let Some((r, p)) = row(&o).filter(|(_, p)| range.contains(p)) {
            *t.entry((p, r)).or_default() += 1;
        }
    };
    chains.scan_merged(lengths, (init, visit), sorted_pairs, merge_sorted)
}

/// Two sorted pair lists as one, counts of the same pair summed.
fn merge_sorted(a: Vec<(u32, u32, u32)>, b: Vec<(u32, u32, u32)>) -> Vec<(u32, u32, u32)> {
    if a.is_empty() || b.is_empty() {
        return if a.is_empty() { b } else { a };
    }
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut a, mut b) = (a.into_iter().peekable(), b.into_iter().peekable());
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if (x.0, x.1) == (y.0, y.1) => {
                let (x, y) = (a.next().unwrap(), b.next().unwrap());
                (x.0, x.1, x.2 + y.2)
            }
            (Some(x), Some(y)) if (x.0, x.1) < (y.0, y.1) => a.next().unwrap(),
            (Some(_), Some(_)) | (None, Some(_)) => b.next().unwrap(),
            (Some(_), None) => a.next().unwrap(),
            (None, None) => break,
        };
        out.push(next);
    }
    out
}

/// Is (period `a.0`, count `a.1`) a higher rate than `b`, or equal and earlier? Compared as
/// exact integer cross products, so ties are ties.
fn higher(periods: &Periods, a: (u32, u32), b: (u32, u32)) -> bool {
    let wa = periods.words[a.0 as usize] as u128;
    let wb = periods.words[b.0 as usize] as u128;
    let (ra, rb) = (a.1 as u128 * wb, b.1 as u128 * wa);
    ra > rb || (ra == rb && a.0 < b.0)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::count::NgramFinder;
    use crate::phrases::testkit::Kit;

    fn doc(date: &str, precision: &str) -> Document {
        let mut meta = BTreeMap::new();
        meta.insert("date_precision".to_string(), precision.to_string());
        Document {
            id: date.to_string(),
            source: String::new(),
            title: None,
            date: Some(NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap()),
            meta,
            text: String::new(),
            ..Default::default()
        }
    }

    /// Documents (words): 2017-03-02 (4: "A B X Y"), 2017-01-05 (8: "A B" + 6 others),
    /// 2017-01-20 (8, no "A B"); "A B" once in the first two.
    fn setup() -> Kit {
        let (a, b, x, y) = (1, 2, 3, 4);
        let d0: &[&[u32]] = &[&[a, b, x, y]];
        let d1: &[&[u32]] = &[&[a, b, x, y, x, y, x, y]];
        let d2: &[&[u32]] = &[&[x, y, x, y, x, y, x, y]];
        Kit::new(&[d0, d1, d2], &[], 2, 2)
    }

    #[test]
    fn months_first_last_and_peak() {
        let kit = setup();
        let docs = [doc("2017-03-02", "day"), doc("2017-01-05", "day"), doc("2017-01-20", "day")];
        let periods = Periods::of(&docs, &kit.index).unwrap();
        assert_eq!(periods.kind, PeriodKind::Month);
        // 2017-01: 16 words, 2017-02: none, 2017-03: 4 words.
        assert_eq!(periods.words, [16, 0, 4]);
        assert_eq!(
            (periods.label(0), periods.label(2)),
            ("2017-01".to_string(), "2017-03".to_string())
        );
        let finder = NgramFinder::new(&kit.counts, 32);
        let ab = finder.find(&[1, 2]).unwrap();
        let chains = Chains::new(&kit.index, &finder);
        let got = spread(&chains, &docs, &periods, &[(2, ab)], u64::MAX);
        assert_eq!(spread(&chains, &docs, &periods, &[(2, ab)], 1), got, "a range per period");
        // Rates: January 1/16, March 1/4: the peak is March. First is the January document
        // (index 1) although it comes later in corpus order; last the March one (index 0).
        assert_eq!(got, [Spread { first: Some(1), last: Some(0), peak: Some(2) }]);
    }

    #[test]
    fn a_year_only_date_makes_periods_years_and_ties_go_to_the_earlier() {
        let kit = setup();
        let docs = [doc("2016-01-01", "year"), doc("2017-01-05", "day"), doc("2017-01-20", "day")];
        let periods = Periods::of(&docs, &kit.index).unwrap();
        assert_eq!(periods.kind, PeriodKind::Year);
        assert_eq!(periods.words, [4, 16]);
        assert_eq!(date_label(&docs[0]).unwrap(), "2016");
        assert_eq!(date_label(&docs[1]).unwrap(), "2017-01-05");
        let finder = NgramFinder::new(&kit.counts, 32);
        let ab = finder.find(&[1, 2]).unwrap();
        let chains = Chains::new(&kit.index, &finder);
        let got = spread(&chains, &docs, &periods, &[(2, ab)], u64::MAX);
        assert_eq!(spread(&chains, &docs, &periods, &[(2, ab)], 1), got, "a range per period");
        // 2016: 1/4; 2017: 1/16: the peak is 2016 (period 0).
        assert_eq!(got[0].peak, Some(0));
        // Equal rates go to the earlier period: 2 of 8 in 2016 vs 1 of 4 in 2017 would tie;
        // checked on the comparison itself.
        let p = Periods { kind: PeriodKind::Year, of_doc: vec![], words: vec![8, 4], base: 2016 };
        assert!(higher(&p, (0, 2), (1, 1)) && !higher(&p, (1, 1), (0, 2)));
    }

    #[test]
    fn undated_corpora_have_no_periods() {
        let kit = setup();
        let mut docs =
            [doc("2017-03-02", "day"), doc("2017-01-05", "day"), doc("2017-01-20", "day")];
        for d in &mut docs {
            d.date = None;
        }
        assert!(Periods::of(&docs, &kit.index).is_none());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Periods taken in ranges (any room, down to a period a range) give the spread of
        /// one pass over all of them.
        #[test]
        fn ranges_of_periods_give_the_spread_of_one_pass(
            corpus in proptest::collection::vec(
                (proptest::collection::vec(proptest::collection::vec(0u32..5, 0..12), 1..4), 1u32..7, proptest::bool::ANY),
                1..10,
            ),
            room in 1u64..4000,
        ) {
            let sentences: Vec<Vec<&[u32]>> =
                corpus.iter().map(|(d, _, _)| d.iter().map(|s| s.as_slice()).collect()).collect();
            let docs_in: Vec<&[&[u32]]> = sentences.iter().map(|d| d.as_slice()).collect();
            let kit = Kit::new(&docs_in, &[], 2, 4);
            let docs: Vec<Document> = corpus
                .iter()
                .map(|&(_, month, dated)| {
                    let mut d = doc(&format!("2017-{month:02}-03"), "day");
                    if !dated {
                        d.date = None;
                    }
                    d
                })
                .collect();
            let Some(periods) = Periods::of(&docs, &kit.index) else { return Ok(()) };
            let finder = NgramFinder::new(&kit.counts, 32);
            let rows: Vec<Gram> = kit
                .counts
                .levels
                .iter()
                .skip(1)
                .flat_map(|l| (0..l.len() as u32).map(move |id| (l.n, id)))
                .collect();
            let chains = Chains::new(&kit.index, &finder);
            let whole = spread(&chains, &docs, &periods, &rows, u64::MAX);
            proptest::prop_assert_eq!(spread(&chains, &docs, &periods, &rows, room), whole);
        }
    }
}
