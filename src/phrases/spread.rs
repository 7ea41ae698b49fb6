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
use crate::count::DocLengths;

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

/// Per block: occurrences per (row, period) and the earliest and latest documents per row.
#[derive(Default)]
struct Tally {
    per_period: HashMap<(u32, u32), u32>,
    bounds: HashMap<u32, (u32, u32)>,
}

/// The spread of each of `rows`, from one scan of the corpus.
pub fn spread(chains: &Chains, docs: &[Document], periods: &Periods, rows: &[Gram]) -> Vec<Spread> {
    let counts = chains.counts();
    let mut row_of: Vec<Vec<u32>> = counts.levels.iter().map(|l| vec![NONE; l.len()]).collect();
    for (r, &(n, id)) in rows.iter().enumerate() {
        row_of[n - 1][id as usize] = r as u32;
    }
    let lo = rows.iter().map(|g| g.0).min().unwrap_or(1);
    let earlier = |a: u32, b: u32| (docs[a as usize].date, a) < (docs[b as usize].date, b);
    let init = || Tally { per_period: new_map(), bounds: new_map() };
    let tallies = chains.scan(lo..=counts.levels.len(), init, |t: &mut Tally, o| {
        let r = row_of[o.n as usize - 1][o.id as usize];
        let p = periods.of_doc[o.doc as usize];
        if r == NONE || p == NONE {
            return;
        }
        *t.per_period.entry((r, p)).or_default() += 1;
        let b = t.bounds.entry(r).or_insert((o.doc, o.doc));
        if earlier(o.doc, b.0) {
            b.0 = o.doc;
        }
        if earlier(b.1, o.doc) {
            b.1 = o.doc;
        }
    });
    let mut out = vec![Spread { first: None, last: None, peak: None }; rows.len()];
    // Each block's counts as (period, row, count), sorted; merged period by period below, so
    // that no map of every (row, period) pair of the corpus is ever held.
    let mut blocks: Vec<Vec<(u32, u32, u32)>> = Vec::with_capacity(tallies.len());
    for t in tallies {
        let mut v: Vec<(u32, u32, u32)> =
            t.per_period.into_iter().map(|((r, p), c)| (p, r, c)).collect();
        v.sort_unstable();
        blocks.push(v);
        for (r, (a, b)) in t.bounds {
            let s = &mut out[r as usize];
            s.first = Some(s.first.map_or(a, |f| if earlier(a, f) { a } else { f }));
            s.last = Some(s.last.map_or(b, |l| if earlier(l, b) { b } else { l }));
        }
    }
    let peak = peaks(periods, &blocks, rows.len());
    for (s, p) in out.iter_mut().zip(peak) {
        s.peak = p.map(|(p, _)| p);
    }
    out
}

/// The peak (period, count) of each row, from per-block (period, row, count) lists sorted by
/// period: the counts of one period are summed over blocks in a dense array, then compared.
fn peaks(
    periods: &Periods,
    blocks: &[Vec<(u32, u32, u32)>],
    rows: usize,
) -> Vec<Option<(u32, u32)>> {
    let mut peak: Vec<Option<(u32, u32)>> = vec![None; rows];
    let mut sum = vec![0u32; rows];
    let mut touched: Vec<u32> = Vec::new();
    let mut at = vec![0usize; blocks.len()];
    for p in 0..periods.words.len() as u32 {
        for (b, list) in blocks.iter().enumerate() {
            while let Some(&(q, r, c)) = list.get(at[b]).filter(|e| e.0 == p) {
                debug_assert_eq!(q, p);
                if sum[r as usize] == 0 {
                    touched.push(r);
                }
                sum[r as usize] += c;
                at[b] += 1;
            }
        }
        for r in touched.drain(..) {
            let c = std::mem::take(&mut sum[r as usize]);
            let best = &mut peak[r as usize];
            if best.is_none_or(|b| higher(periods, (p, c), b)) {
                *best = Some((p, c));
            }
        }
    }
    peak
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
        let got = spread(&Chains::new(&kit.index, &finder), &docs, &periods, &[(2, ab)]);
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
        let got = spread(&Chains::new(&kit.index, &finder), &docs, &periods, &[(2, ab)]);
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
}
