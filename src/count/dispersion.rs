//! Gries' DP and DP_norm over documents, computed exactly from per-document counts.
//!
//! With documents as the parts: s_d = words in document d / words in the corpus, v_d = the
//! item's count in d / its total count f. DP = ½ Σ_d |v_d − s_d| (Gries 2008), and
//! DP_norm = DP / (1 − min_d s_d) (Lijffijt & Gries 2012), 0 for an item spread exactly like
//! the corpus, approaching 1 for one packed into a single small document. Documents without
//! the item contribute |0 − s_d| = s_d, so only documents that contain it need visiting:
//! DP = ½ (1 + Σ_{d ∋ item} (|v_d − s_d| − s_d)). Documents without words are not parts.

use super::TokenIndex;
use super::blocks::NONE;

/// DP_norm of every id that `ids` (one entry per corpus position) names, for the ids where
/// `wanted` is true; NaN elsewhere, and NaN for all when the corpus has fewer than two
/// non-empty documents (DP_norm is then undefined).
pub fn dp_norm(index: &TokenIndex, ids: &[u32], count: &[u32], wanted: &[bool]) -> Vec<f64> {
    let mut dp = vec![f64::NAN; count.len()];
    let total = index.len() as f64;
    let sizes = (0..index.doc_count()).map(|d| index.doc_len(d)).filter(|&l| l > 0);
    let (parts, min_len) = sizes.fold((0usize, usize::MAX), |(n, m), l| (n + 1, m.min(l)));
    if parts < 2 || !wanted.iter().any(|&w| w) {
        return dp;
    }
    let norm = 1.0 - min_len as f64 / total;
    let mut acc = vec![0f64; count.len()];
    let mut in_doc = vec![0u32; count.len()];
    let mut last_doc = vec![NONE; count.len()];
    let flush = |j: usize, d: u32, c: u32, acc: &mut [f64]| {
        let s = index.doc_len(d as usize) as f64 / total;
        acc[j] += (c as f64 / count[j] as f64 - s).abs() - s;
    };
    for d in 0..index.doc_count() {
        for i in index.doc_range(d) {
            let j = ids[i];
            if j == NONE || !wanted[j as usize] {
                continue;
            }
            let j = j as usize;
            if last_doc[j] != d as u32 {
                if last_doc[j] != NONE {
                    flush(j, last_doc[j], in_doc[j], &mut acc);
                }
                last_doc[j] = d as u32;
                in_doc[j] = 0;
            }
            in_doc[j] += 1;
        }
    }
    for j in 0..count.len() {
        if last_doc[j] != NONE {
            flush(j, last_doc[j], in_doc[j], &mut acc);
            dp[j] = (0.5 * (1.0 + acc[j]) / norm).clamp(0.0, 1.0);
        }
    }
    dp
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
        let dp = dp_norm(&idx, &ids, &[3], &[true]);
        // By hand: s = .4 .2 .4, v = 2/3 0 1/3; DP = ½(.2667 + .2 + .0667) = .2667;
        // DP_norm = .2667 / (1 − .2) = 1/3.
        assert!((dp[0] - 1.0 / 3.0).abs() < 1e-12, "{}", dp[0]);
        assert!((dp[0] - reference(&[4, 2, 4], &[2, 0, 1])).abs() < 1e-12);
    }

    #[test]
    fn even_spread_is_zero_and_one_document_is_near_one() {
        let idx = index(&[2, 2, 2, 2]);
        let ids = [0, 1, 0, NONE, 0, NONE, 0, NONE];
        let dp = dp_norm(&idx, &ids, &[4, 1], &[true, true]);
        assert!(dp[0].abs() < 1e-12);
        // Item 1: once in document 0 of four equal parts: DP = .75, DP_norm = .75/.75 = 1.
        assert!((dp[1] - 1.0).abs() < 1e-12);
    }

    #[test]
    fn undefined_for_one_document_and_unwanted_ids() {
        let idx = index(&[3]);
        assert!(dp_norm(&idx, &[0, 0, 0], &[3], &[true])[0].is_nan());
        let idx = index(&[1, 1]);
        assert!(dp_norm(&idx, &[0, 0], &[2], &[false])[0].is_nan());
    }
}
