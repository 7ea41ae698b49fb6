//! Ordering reported n-grams without building strings.
//!
//! Rows are sorted by a number (count, documents, DP) and then by their key, or by their display
//! phrase. Comparing strings for a million rows is slow, so rows compare by the position of
//! their key (or display) string in byte order, computed once by [`super::trie`]. Strings are
//! then built only for the rows that are written (`--top`).

use std::cmp::Ordering;

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

/// A row with everything its comparison needs.
struct Row {
    n: u8,
    id: u32,
    number: f64,
    count: u32,
    phrase: u32,
    key: u32,
}

/// The reported rows of `counts` in `order`, at most `limit` of them.
pub fn ordered_rows(
    counts: &NgramCounts,
    order: RowOrder,
    limit: Option<usize>,
) -> Vec<(usize, u32)> {
    let mut rows: Vec<Row> = counts
        .levels
        .par_iter()
        .flat_map_iter(|level| {
            (0..level.len()).filter(|&j| level.emitted[j]).map(move |j| Row {
                n: level.n as u8,
                id: j as u32,
                number: match order {
                    RowOrder::Count | RowOrder::Phrase => 0.0,
                    RowOrder::Docs => -(level.docs[j] as f64),
                    RowOrder::Dp => level.dp[j],
                },
                count: level.count[j],
                phrase: match order {
                    RowOrder::Phrase => level.surfaces.order[level.display[j] as usize],
                    _ => 0,
                },
                key: level.order[j],
            })
        })
        .collect();
    let cmp = |a: &Row, b: &Row| -> Ordering {
        a.phrase
            .cmp(&b.phrase)
            .then_with(|| a.number.is_nan().cmp(&b.number.is_nan()))
            .then_with(|| a.number.partial_cmp(&b.number).unwrap_or(Ordering::Equal))
            .then_with(|| b.count.cmp(&a.count))
            .then_with(|| a.key.cmp(&b.key))
    };
    // Keys are unique, so the comparison is total and an unstable sort is deterministic.
    if let Some(k) = limit.filter(|&k| k < rows.len()) {
        if k > 0 {
            rows.select_nth_unstable_by(k - 1, cmp);
        }
        rows.truncate(k);
    }
    rows.par_sort_unstable_by(cmp);
    rows.iter().map(|r| (r.n as usize, r.id)).collect()
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
