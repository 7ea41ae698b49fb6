//! Gries' DP and DP_norm over documents, computed exactly from per-document counts.
//!
//! With documents as the parts: s_d = words in document d / words in the corpus, v_d = the
//! item's count in d / its total count f. DP = ½ Σ_d |v_d − s_d| (Gries 2008), and
//! DP_norm = DP / (1 − min_d s_d) (Lijffijt & Gries 2012), 0 for an item spread exactly like
//! the corpus, approaching 1 for one packed into a single small document. Documents without
//! the item contribute |0 − s_d| = s_d, so only documents that contain it need visiting:
//! DP = ½ (1 + Σ_{d ∋ item} (|v_d − s_d| − s_d)). Documents without words are not parts.

use super::blocks::NONE;
use super::{DocLengths, TokenIndex};

/// The documents as parts: what DP needs to know about them.
#[derive(Debug, Clone, Copy)]
pub struct Parts {
    total: f64,
    norm: f64,
}

impl Parts {
    /// The parts of `index`, or `None` when DP_norm is undefined (fewer than two documents
    /// that hold words).
    pub fn of(index: &TokenIndex) -> Option<Parts> {
        Parts::from_sizes((0..index.doc_count()).map(|d| index.doc_len(d)))
    }

    /// The parts of a corpus whose documents have these lengths (a token index on disk).
    pub fn from_lengths(lens: &[u32]) -> Option<Parts> {
        Parts::from_sizes(lens.iter().map(|&l| l as usize))
    }

    fn from_sizes(sizes: impl Iterator<Item = usize>) -> Option<Parts> {
        let (mut parts, mut min_len, mut total) = (0usize, usize::MAX, 0usize);
        for l in sizes.filter(|&l| l > 0) {
            (parts, min_len, total) = (parts + 1, min_len.min(l), total + l);
        }
        if parts < 2 {
            return None;
        }
        let total = total as f64;
        Some(Parts { total, norm: 1.0 - min_len as f64 / total })
    }

    /// The contribution |v_d − s_d| − s_d of one document holding `in_doc` of `f` occurrences.
    pub fn term(&self, in_doc: u32, f: u32, doc_len: usize) -> f64 {
        let s = doc_len as f64 / self.total;
        (in_doc as f64 / f as f64 - s).abs() - s
    }

    /// DP_norm from the sum of the terms of the documents that hold the item.
    pub fn finish(&self, acc: f64) -> f64 {
        (0.5 * (1.0 + acc) / self.norm).clamp(0.0, 1.0)
    }
}

/// Occurrences visited in corpus order, turned into DP_norm per item: each item keeps its
/// current document and the count in it, and adds that document's term when it moves on.
///
/// With groups of documents ([`DpAccumulator::grouped`]), the terms are summed per group and
/// the groups' sums added in order, as the counter in memory adds the words' terms
/// (`count::blocks::count_dense`, one group of blocks per thread); floating-point addition is
/// not associative, so the same grouping is what gives the same doubles.
pub struct DpAccumulator {
    acc: Vec<f64>,
    in_doc: Vec<u32>,
    last_doc: Vec<u32>,
    /// The group of each document, the sums of the groups before each item's current one,
    /// and that group (when grouped).
    groups: Option<Groups>,
}

struct Groups {
    of_doc: Vec<u32>,
    total: Vec<f64>,
    current: Vec<u32>,
}

impl DpAccumulator {
    /// Room for `items` items.
    pub fn new(items: usize) -> Self {
        DpAccumulator {
            acc: vec![0.0; items],
            in_doc: vec![0; items],
            last_doc: vec![NONE; items],
            groups: None,
        }
    }

    /// Room for `items` items whose terms are summed per group of documents (`of_doc`: the
    /// group of each document, groups in corpus order).
    pub fn grouped(items: usize, of_doc: Vec<u32>) -> Self {
        let groups = Groups { of_doc, total: vec![0.0; items], current: vec![NONE; items] };
        DpAccumulator { groups: Some(groups), ..DpAccumulator::new(items) }
    }

    /// One occurrence of item `j` (of `count[j]` in all) in document `doc`; documents must
    /// come in increasing order for each item.
    pub fn add<L>(&mut self, lens: &L, parts: &Parts, count: &[u32], j: usize, doc: u32)
    where
        L: DocLengths + ?Sized,
    {
        if self.last_doc[j] != doc {
            if self.last_doc[j] != NONE {
                let last = self.last_doc[j];
                let term = parts.term(self.in_doc[j], count[j], lens.words_in(last as usize));
                self.push(j, last, term);
            }
            self.last_doc[j] = doc;
            self.in_doc[j] = 0;
        }
        self.in_doc[j] += 1;
    }

    /// Add the term of document `doc` to item `j`'s sum (closing its group's sum first when
    /// `doc` starts another group).
    fn push(&mut self, j: usize, doc: u32, term: f64) {
        if let Some(g) = &mut self.groups {
            let group = g.of_doc[doc as usize];
            if group != g.current[j] {
                g.total[j] += self.acc[j];
                self.acc[j] = 0.0;
                g.current[j] = group;
            }
        }
        self.acc[j] += term;
    }

    /// DP_norm of every item (NaN for items never seen).
    pub fn finish<L>(mut self, lens: &L, parts: &Parts, count: &[u32]) -> Vec<f64>
    where
        L: DocLengths + ?Sized,
    {
        (0..count.len())
            .map(|j| match self.last_doc[j] {
                NONE => f64::NAN,
                d => {
                    let last = parts.term(self.in_doc[j], count[j], lens.words_in(d as usize));
                    match self.groups.is_some() {
                        false => parts.finish(self.acc[j] + last),
                        true => {
                            self.push(j, d, last);
                            let total = self.groups.as_ref().map_or(0.0, |g| g.total[j]);
                            parts.finish(total + self.acc[j])
                        }
                    }
                }
            })
            .collect()
    }
}

/// DP_norm of every id that `ids` (one entry per corpus position, [`NONE`] elsewhere) names,
/// given each id's total `count`, visiting positions in corpus order.
pub fn dp_norm(index: &TokenIndex, parts: &Parts, ids: &[u32], count: &[u32]) -> Vec<f64> {
    let mut dp = DpAccumulator::new(count.len());
    for d in 0..index.doc_count() {
        for i in index.doc_range(d) {
            if ids[i] != NONE {
                dp.add(index, parts, count, ids[i] as usize, d as u32);
            }
        }
    }
    dp.finish(index, parts, count)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(lens: &[usize]) -> TokenIndex {
        let mut idx = TokenIndex::new();
        for &l in lens {
            idx.push_doc((0..l).map(|_| (0, 0, false)));
        }
        idx
    }

    /// Straight from the definition, over all parts.
    fn reference(lens: &[usize], f: &[u32]) -> f64 {
        let total: usize = lens.iter().sum();
        let ft: u32 = f.iter().sum();
        let dp: f64 = lens
            .iter()
            .zip(f)
            .map(|(&l, &c)| (c as f64 / ft as f64 - l as f64 / total as f64).abs())
            .sum::<f64>()
            / 2.0;
        let min = *lens.iter().min().unwrap() as f64 / total as f64;
        dp / (1.0 - min)
    }

    #[test]
    fn matches_the_definition() {
        // Three documents of 4, 2 and 4 words; item 0 occurs 2, 0, 1 times.
        let idx = index(&[4, 2, 4]);
        let ids = [0, NONE, 0, NONE, NONE, NONE, NONE, 0, NONE, NONE];
        let dp = dp_norm(&idx, &Parts::of(&idx).unwrap(), &ids, &[3]);
        // By hand: s = .4 .2 .4, v = 2/3 0 1/3; DP = ½(.2667 + .2 + .0667) = .2667;
        // DP_norm = .2667 / (1 − .2) = 1/3.
        assert!((dp[0] - 1.0 / 3.0).abs() < 1e-12, "{}", dp[0]);
        assert!((dp[0] - reference(&[4, 2, 4], &[2, 0, 1])).abs() < 1e-12);
    }

    #[test]
    fn even_spread_is_zero_and_one_document_is_near_one() {
        let idx = index(&[2, 2, 2, 2]);
        let ids = [0, 1, 0, NONE, 0, NONE, 0, NONE];
        let dp = dp_norm(&idx, &Parts::of(&idx).unwrap(), &ids, &[4, 1]);
        assert!(dp[0].abs() < 1e-12);
        // Item 1: once in document 0 of four equal parts: DP = .75, DP_norm = .75/.75 = 1.
        assert!((dp[1] - 1.0).abs() < 1e-12);
    }

    #[test]
    fn undefined_for_one_document() {
        assert!(Parts::of(&index(&[3])).is_none());
        assert!(Parts::of(&index(&[3, 0])).is_none());
        assert!(Parts::of(&index(&[3, 1])).is_some());
    }
}
