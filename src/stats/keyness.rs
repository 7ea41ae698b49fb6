//! Keyness: how much more (or less) often a term occurs in a target corpus than in a reference.
//!
//! Notation as in `research/anchors-features.md` B2: a = occurrences in the target, b = in the
//! reference, c = tokens of the target, d = tokens of the reference, N = c + d.
//!
//! | measure | definition | source |
//! |---|---|---|
//! | G² | E₁ = c(a+b)/N, E₂ = d(a+b)/N; G² = 2[a ln(a/E₁) + b ln(b/E₂)], 0·ln 0 = 0; negative when a/c < b/d | Rayson & Garside 2000 (UCREL LL wizard) |
//! | p | upper tail of χ² with 1 degree of freedom at \|G²\| | |
//! | BIC | \|G²\| − ln N (df = 1): > 2 positive, > 6 strong, > 10 very strong evidence | Wilson 2013 |
//! | Log Ratio | log₂[(a/c)/(b/d)], a zero count taken as 0.5 | Hardie 2014 |
//! | %DIFF | 100·(a/c − b/d)/(b/d); missing when b = 0 | Gabrielatos & Marchi 2011 |
//!
//! G² is the two-term form used by corpus tools (Rayson's wizard, WordSmith), not the
//! four-cell form of Dunning (which adds the terms of c − a and d − b; the two differ by
//! terms of order a²/c, negligible for words of a large corpus).
//!
//! The zero floor of Log Ratio: a word absent from one side has an infinite ratio, which
//! cannot be sorted or charted, so the zero count is replaced by 0.5 (half an occurrence, as
//! CQPweb does; Hardie 2014). Such a word's Log Ratio is then a lower bound on its effect.
//! %DIFF has no such convention we trust (Gabrielatos & Marchi divide by 10⁻¹⁸), so it is left
//! missing when the reference count is 0; the target count 0 gives −100%.

use super::special::chi2_sf;

/// The count that replaces 0 in Log Ratio.
pub const LOG_RATIO_FLOOR: f64 = 0.5;

/// The keyness of one term.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Keyness {
    /// Occurrences per million tokens in the target.
    pub pm_target: f64,
    /// Occurrences per million tokens in the reference.
    pub pm_reference: f64,
    /// Signed log-likelihood G² (negative: relatively more frequent in the reference).
    pub g2: f64,
    /// p-value of |G²| (χ², 1 degree of freedom).
    pub p: f64,
    /// BIC approximation of the Bayes factor: |G²| − ln N.
    pub bic: f64,
    /// Binary log of the ratio of relative frequencies (zero counts floored at 0.5).
    pub log_ratio: f64,
    /// Percentage difference of relative frequencies (NaN when b = 0).
    pub pct_diff: f64,
}

/// The keyness of a term occurring `a` times in a target of `c` tokens and `b` times in a
/// reference of `d` tokens. `c` and `d` must be positive.
pub fn keyness(a: u64, b: u64, c: u64, d: u64) -> Keyness {
    let (af, bf, cf, df) = (a as f64, b as f64, c as f64, d as f64);
    let n = cf + df;
    let e1 = cf * (af + bf) / n;
    let e2 = df * (af + bf) / n;
    let g2 = 2.0 * (x_ln_x_over(af, e1) + x_ln_x_over(bf, e2));
    let (rt, rr) = (af / cf, bf / df);
    let signed = if rt < rr { -g2 } else { g2 };
    let floor = |x: f64| if x == 0.0 { LOG_RATIO_FLOOR } else { x };
    Keyness {
        pm_target: rt * 1e6,
        pm_reference: rr * 1e6,
        g2: signed,
        p: chi2_sf(g2, 1.0),
        bic: g2 - n.ln(),
        log_ratio: ((floor(af) / cf) / (floor(bf) / df)).log2(),
        pct_diff: if b == 0 { f64::NAN } else { 100.0 * (rt - rr) / rr },
    }
}

/// x·ln(x/e) with 0·ln 0 = 0.
fn x_ln_x_over(x: f64, e: f64) -> f64 {
    if x == 0.0 { 0.0 } else { x * (x / e).ln() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(got: f64, want: f64) {
        assert!((got - want).abs() <= 1e-9 * want.abs().max(1.0), "got {got}, want {want}");
    }

    #[test]
    fn positive_keyword_by_hand() {
        // a = 10 of c = 1,000; b = 10 of d = 9,000; N = 10,000.
        // E₁ = 1,000 · 20 / 10,000 = 2;  E₂ = 9,000 · 20 / 10,000 = 18.
        // G² = 2 [10 ln(10/2) + 10 ln(10/18)] = 2 [16.094379 − 5.877867] = 20.433025.
        // p = chi2.sf(20.433025, 1) = 6.175487e-06 (SciPy).
        // BIC = 20.433025 − ln 10,000 = 20.433025 − 9.210340 = 11.222685.
        // Log Ratio = log₂[(10/1,000)/(10/9,000)] = log₂ 9 = 3.169925.
        // %DIFF = 100 (0.01 − 0.001111)/0.001111 = 800.
        let k = keyness(10, 10, 1000, 9000);
        close(k.g2, 20.433_024_950_639_627);
        close(k.p, 6.175_487_178_559_201e-6);
        close(k.bic, 11.222_684_578_663_443);
        close(k.log_ratio, 9f64.log2());
        close(k.pct_diff, 800.0);
        close(k.pm_target, 10_000.0);
        close(k.pm_reference, 1_000_000.0 / 900.0);
    }

    #[test]
    fn negative_keyword_and_zero_floor() {
        // a = 0 of 1,000; b = 9 of 9,000: E₁ = 0.9, E₂ = 8.1.
        // G² = 2 [0 + 9 ln(9/8.1)] = 18 · 0.105361 = 1.896489, negative (0 < 9/9,000).
        // Log Ratio with a = 0.5: log₂[(0.5/1,000)/(9/9,000)] = log₂ 0.5 = −1.
        // %DIFF = 100 (0 − 0.001)/0.001 = −100.
        let k = keyness(0, 9, 1000, 9000);
        close(k.g2, -1.896_489_281_840_874_3);
        close(k.p, 0.168_471_807_055_169_34);
        close(k.log_ratio, -1.0);
        close(k.pct_diff, -100.0);
        // Absent from the reference: Log Ratio floored, %DIFF missing.
        let k = keyness(4, 0, 1000, 1000);
        close(k.log_ratio, 3.0); // log₂(4 / 0.5)
        assert!(k.pct_diff.is_nan());
        assert!(k.g2 > 0.0);
    }

    #[test]
    fn equal_rates_are_not_key() {
        let k = keyness(5, 50, 1000, 10_000);
        close(k.g2, 0.0);
        close(k.p, 1.0);
        close(k.log_ratio, 0.0);
        close(k.pct_diff, 0.0);
    }
}
