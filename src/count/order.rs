//! Ordering reported n-grams without building strings.
//!
//! Rows are sorted by a number (count, documents, DP) and then by their key, or by their display
//! phrase. Comparing strings for a million rows is slow, so rows compare by the position of
//! their key (or display) string in byte order, computed once by [`super::trie`]. Strings are
//! then built only for the rows that are written (`--top`).

use rayon::prelude::*;

use super::NgramCounts;

/// How rows are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowOrder {
    /// Count, largest first; ties by key.
    Count,
    /// Documents, most first; then count; ties by key.
    Docs,
    /// DP_norm, smallest (most even) first, undefined last; then count; ties by key.
    Dp,
    /// Display phrase in byte order; ties by key.
    Phrase,
}

/// Rank of each id in the byte order of `text(id)`.
pub fn ranks<'a>(len: usize, text: impl Fn(u32) -> &'a str + Sync) -> Vec<u32> {
    let mut order: Vec<u32> = (0..len as u32).collect();
    order.par_sort_unstable_by(|&a, &b| text(a).cmp(text(b)));
    let mut rank = vec![0u32; len];
    for (r, &id) in order.iter().enumerate() {
        rank[id as usize] = r as u32;
    }
    rank
}

/// A reported row with the numbers a table needs, copied out of its level while the levels are
/// walked in id order: after sorting, reading them from the levels again would be a cache miss
/// per number per row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RowData {
    /// Where the row sorts: the primary measure, then count (largest first), then the key's
    /// string position, as one integer.
    pub sort_key: u128,
    /// Length.
    pub n: u8,
    /// Id at its level.
    pub id: u32,
    /// Occurrences.
    pub count: u32,
    /// Documents.
    pub docs: u32,
    /// Distinct surface forms.
    pub variants: u32,
    /// Surface id (at its level) of the display form.
    pub display: u32,
    /// DP_norm.
    pub dp: f64,
}

/// The reported rows of `counts` in `order`, at most `limit` of them.
pub fn ordered_rows(
    counts: &NgramCounts,
    order: RowOrder,
    limit: Option<usize>,
) -> Vec<(usize, u32)> {
    ordered_row_data(counts, order, limit).iter().map(|r| (r.n as usize, r.id)).collect()
}

/// [`ordered_rows`] with each row's numbers.
///
/// Each row gets one u128 sort key (primary measure, then count, largest first, then the key's
/// string position), so the sort compares integers only. Keys are unique, so the order is
/// total and an unstable sort is deterministic.
pub fn ordered_row_data(
    counts: &NgramCounts,
    order: RowOrder,
    limit: Option<usize>,
) -> Vec<RowData> {
    // Every reported row is written once, in place: each level fills its own share of one
    // vector, in parallel (collecting a flat-mapped parallel iterator copies every row twice).
    let reported: Vec<usize> =
        counts.levels.iter().map(|l| l.emitted.iter().filter(|&&e| e).count()).collect();
    let blank =
        RowData { sort_key: 0, n: 0, id: 0, count: 0, docs: 0, variants: 0, display: 0, dp: 0.0 };
    let mut rows = vec![blank; reported.iter().sum()];
    let mut shares = Vec::with_capacity(reported.len());
    let mut rest = rows.as_mut_slice();
    for &len in &reported {
        let (share, tail) = std::mem::take(&mut rest).split_at_mut(len);
        shares.push(share);
        rest = tail;
    }
    shares.into_par_iter().zip(&counts.levels).for_each(|(share, level)| {
        let ids = (0..level.len()).filter(|&j| level.emitted[j]);
        for (slot, j) in share.iter_mut().zip(ids) {
            *slot = row_of(level, j, order);
        }
    });
    if let Some(k) = limit.filter(|&k| k < rows.len()) {
        if k > 0 {
            rows.select_nth_unstable_by_key(k - 1, |r| r.sort_key);
        }
        rows.truncate(k);
    }
    rows.par_sort_unstable_by_key(|r| r.sort_key);
    rows
}

/// Row `j` of `level`, with its sort key for `order`.
fn row_of(level: &super::Level, j: usize, order: RowOrder) -> RowData {
    let primary = match order {
        RowOrder::Count => 0,
        RowOrder::Phrase => level.surfaces.order[level.display[j] as usize] as u64,
        RowOrder::Docs => !(level.docs[j] as u64),
        RowOrder::Dp => dp_bits(level.dp[j]),
    };
    let secondary = (!level.count[j] as u64) << 32 | level.order[j] as u64;
    RowData {
        sort_key: (primary as u128) << 64 | secondary as u128,
        n: level.n as u8,
        id: j as u32,
        count: level.count[j],
        docs: level.docs[j],
        variants: level.variants[j],
        display: level.display[j],
        dp: level.dp[j],
    }
}

/// A DP value as an integer in the same order, undefined (NaN) last. DP is never negative,
/// and the bits of non-negative floats order like the floats.
fn dp_bits(dp: f64) -> u64 {
    if dp.is_nan() { u64::MAX } else { dp.to_bits() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::count::{CountOptions, EdgePolicy, TokenIndex, VocabFacts, count};

    /// Words: 0 "b", 1 "a", 2 "c" (surface = key). Ranks: a=0, b=1, c=2.
    fn counts() -> NgramCounts {
        let mut idx = TokenIndex::new();
        idx.push_doc([0, 1, 0, 1, 2, 2, 2].map(|w| (w, w, false)));
        idx.push_doc([0, 1].map(|w| (w, w, false)));
        let stop = [false; 3];
        let rank = [1, 0, 2];
        let facts = VocabFacts { key_stop: &stop, key_rank: &rank, surface_rank: &rank };
        let o = CountOptions { max_n: 2, edges: EdgePolicy::Keep, ..Default::default() };
        count(&idx, &facts, &o)
    }

    fn words(c: &NgramCounts, rows: &[(usize, u32)]) -> Vec<Vec<u32>> {
        rows.iter().map(|&(n, id)| c.key_words(n, id)).collect()
    }

    #[test]
    fn count_then_key() {
        let c = counts();
        let rows = ordered_rows(&c, RowOrder::Count, None);
        // Counts: b 3, a 3, c 3, "b a" 3, "c c" 2, "a b" 1, "a c" 1; by key: a < b < b a < c.
        assert_eq!(
            words(&c, &rows),
            [vec![1], vec![0], vec![0, 1], vec![2], vec![2, 2], vec![1, 0], vec![1, 2]]
        );
        let top = ordered_rows(&c, RowOrder::Count, Some(2));
        assert_eq!(words(&c, &top), [vec![1], vec![0]]);
    }

    #[test]
    fn by_phrase() {
        let c = counts();
        let rows = ordered_rows(&c, RowOrder::Phrase, Some(3));
        assert_eq!(words(&c, &rows), [vec![1], vec![1, 0], vec![1, 2]]);
    }

    #[test]
    fn ranks_follow_byte_order() {
        let words = ["b", "a", "ab", "B"];
        assert_eq!(ranks(4, |i| words[i as usize]), [3, 1, 2, 0]);
    }
}
