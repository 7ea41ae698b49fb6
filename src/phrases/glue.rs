//! How strongly a phrase's words hold together: association measures over its binary splits.
//!
//! A phrase w1…wn can be cut in two in n − 1 places; cut k gives the parts X = w1…wk and
//! Y = wk+1…wn, and the table of [`crate::stats::association`] with O11 = f(phrase),
//! R1 = f(X), C1 = f(Y) and N = word tokens of the corpus (f = counts of keys). For a bigram
//! that is the usual word-pair table (R1 = count of w1, C1 = count of w2). For a longer phrase
//! each measure is its *smallest* value over the cuts: the weakest joint decides, so a phrase
//! made of two independent halves ("kim jong un" + "visited") scores low even when each half is
//! tight. SCP_f (LocalMaxs) is a glue of the whole phrase by itself.
//!
//! Every part of a counted n-gram was counted too (counts shrink as phrases grow, so the
//! pruning kept them), so the part counts are exact.

use super::Gram;
use crate::count::NgramFinder;
use crate::stats::association::{Contingency, scp_fair};

/// The association columns of one phrase.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Glue {
    /// Signed log-likelihood G², smallest over the cuts.
    pub g2: f64,
    /// Pointwise mutual information (log₂), smallest over the cuts.
    pub mi: f64,
    /// t-score, smallest over the cuts.
    pub t: f64,
    /// logDice, smallest over the cuts.
    pub log_dice: f64,
    /// Symmetric conditional probability with fair dispersion point normalisation.
    pub scp: f64,
}

impl Glue {
    /// All measures undefined (NaN).
    pub const MISSING: Glue =
        Glue { g2: f64::NAN, mi: f64::NAN, t: f64::NAN, log_dice: f64::NAN, scp: f64::NAN };
}

/// The association of phrase `gram` (n ≥ 2) in a corpus of `words` word tokens.
pub fn glue(finder: &NgramFinder, (n, id): Gram) -> Glue {
    let counts = finder.counts();
    if n < 2 {
        return Glue::MISSING;
    }
    let words = counts.words as f64;
    let mut keys = [0u32; 8];
    counts.key_words_into(n, id, &mut keys);
    let f = counts.levels[n - 1].count[id as usize] as f64;
    // Left parts are prefixes: walk the prefix ids down from the phrase.
    let mut left = [0u32; 8];
    let mut cur = id;
    for k in (1..n).rev() {
        cur = counts.levels[k].prefix[cur as usize];
        left[k - 1] = cur;
    }
    let mut out = Glue {
        g2: f64::INFINITY,
        mi: f64::INFINITY,
        t: f64::INFINITY,
        log_dice: f64::INFINITY,
        scp: 0.0,
    };
    let mut splits = [(0.0, 0.0); 7];
    for k in 1..n {
        let fx = counts.levels[k - 1].count[left[k - 1] as usize] as f64;
        let y = finder.find(&keys[k..n]).expect("every part of a counted n-gram was counted");
        let fy = counts.levels[n - k - 1].count[y as usize] as f64;
        splits[k - 1] = (fx, fy);
        let table = Contingency::new(f, fx, fy, words);
        out.g2 = out.g2.min(table.g2());
        out.mi = out.mi.min(table.mi());
        out.t = out.t.min(table.t());
        out.log_dice = out.log_dice.min(table.log_dice());
    }
    out.scp = scp_fair(f, &splits[..n - 1]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phrases::testkit::Kit;

    #[test]
    fn the_weakest_split_of_a_trigram() {
        // "A B C" × 3, "A B" × 2, "C": N = 14 words; f(A B C) = 3, f(A) = 5, f(B C) = 3,
        // f(A B) = 5, f(C) = 4. Cut 1: (O11, R1, C1) = (3, 5, 3); cut 2: (3, 5, 4). Values from
        // tests/data/association.py:
        //   cut 1: G² 7.818118825561867, MI 1.485426827170242, t 1.1134612334371354,
        //          logDice 13.584962500721156
        //   cut 2: G² 3.7424540851200634, MI 1.070389327891398, t 0.9072647087265548,
        //          logDice 13.415037499278844
        // Each measure is the smaller: cut 2 for all four. SCP_f = 3² / ((5·3 + 5·4)/2) = 9/17.5.
        let (a, b, c) = (1, 2, 3);
        let s: &[&[u32]] = &[&[a, b, c], &[a, b], &[a, b, c], &[c], &[a, b], &[a, b, c]];
        let kit = Kit::new(&[s], &[], 1, 3);
        let finder = NgramFinder::new(&kit.counts, 32);
        let g = glue(&finder, (3, finder.find(&[a, b, c]).unwrap()));
        let want = [3.7424540851200634, 1.070389327891398, 0.9072647087265548, 13.415037499278844];
        for (got, want) in [g.g2, g.mi, g.t, g.log_dice].iter().zip(want) {
            assert!((got - want).abs() < 1e-9, "{g:?}");
        }
        assert!((g.scp - 0.5142857142857142).abs() < 1e-12);
    }
}
