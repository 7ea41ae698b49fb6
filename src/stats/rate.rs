//! Rates over time: the confidence interval of a count, and the spike score of a period
//! against the periods before it.
//!
//! # Confidence interval: exact Poisson (Garwood 1936)
//!
//! A phrase's count in a period is modelled as a Poisson count (a rare event among many word
//! tokens). Its 95% interval is Garwood's exact one: lower = ½·χ²(0.025; 2c), upper =
//! ½·χ²(0.975; 2c + 2), equivalently gamma quantiles with shapes c and c + 1. It was chosen
//! over Wilson's score interval because (1) it is exact: its coverage is never below 95%,
//! where Wilson's dips below it for small counts; (2) it is defined and sensible for a count
//! of 0 (upper bound 3.689), which matters in zero-filled periods; (3) for rates of a few per
//! million, the binomial proportion behind Wilson is a Poisson count to many decimals anyway,
//! so nothing is lost. The interval of the rate is the interval of the count × 10⁶ / tokens.
//!
//! # Spike score: a conditional binomial test against a rolling baseline
//!
//! For period t with count c₁ in N₁ tokens, the baseline is the W calendar periods before it
//! (pooled: c₀ occurrences in N₀ tokens; empty periods add nothing). If the rate did not
//! change, then given c = c₀ + c₁, c₁ is binomial with c trials and probability
//! q = N₁ / (N₀ + N₁), and z = (c₁ − c·q) / √(c·q·(1 − q)). Unlike a z-score of rates
//! against the baseline's standard deviation, this is defined when the baseline is all zeros
//! (a formula that is new in period t: exactly the case worth flagging) and it weighs periods
//! by their size. z is missing when the baseline holds no tokens (the first periods, or after
//! a gap in the corpus), and 0 when the phrase occurs neither in t nor in the baseline.

use super::special::gamma_p_inv;

/// The exact (Garwood) two-sided interval for the mean of a Poisson count `count`, at
/// `confidence` (e.g. 0.95), in count units.
pub fn garwood(count: u64, confidence: f64) -> (f64, f64) {
    let alpha = 1.0 - confidence;
    let c = count as f64;
    let lower = if count == 0 { 0.0 } else { gamma_p_inv(c, alpha / 2.0) };
    let upper = gamma_p_inv(c + 1.0, 1.0 - alpha / 2.0);
    (lower, upper)
}

/// Garwood intervals for many counts, computed once per distinct count (a panel of periods
/// holds mostly small, repeated counts).
#[derive(Debug, Default)]
pub struct IntervalCache {
    small: Vec<Option<(f64, f64)>>,
}

/// Counts below this are cached; larger ones are computed each time (they are rare).
const CACHED_COUNTS: usize = 4096;

impl IntervalCache {
    /// An empty cache.
    pub fn new() -> Self {
        IntervalCache { small: vec![None; CACHED_COUNTS] }
    }

    /// The 95% Garwood interval of `count`.
    pub fn get(&mut self, count: u64) -> (f64, f64) {
        match self.small.get_mut(count as usize) {
            Some(Some(v)) => *v,
            Some(slot) => *slot.insert(garwood(count, 0.95)),
            None => garwood(count, 0.95),
        }
    }
}

/// How spikes are found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpikeRule {
    /// Baseline: this many periods before the current one.
    pub window: usize,
    /// A spike needs z at least this.
    pub threshold: f64,
    /// A spike needs at least this many occurrences in the period (smaller counts are noise).
    pub min_count: u64,
}

impl Default for SpikeRule {
    fn default() -> Self {
        SpikeRule { window: 12, threshold: 3.0, min_count: 5 }
    }
}

/// The conditional binomial z of `count` in `tokens` against `base_count` in `base_tokens`
/// (see the module documentation). NaN when either side holds no tokens.
pub fn spike_z(count: u64, tokens: u64, base_count: u64, base_tokens: u64) -> f64 {
    if tokens == 0 || base_tokens == 0 {
        return f64::NAN;
    }
    let c = (count + base_count) as f64;
    if c == 0.0 {
        return 0.0;
    }
    let q = tokens as f64 / (tokens + base_tokens) as f64;
    (count as f64 - c * q) / (c * q * (1.0 - q)).sqrt()
}

/// The z of every period of a series against its rolling baseline, and its spike flag.
///
/// `counts[t]` and `tokens[t]` are the phrase's count and the corpus' tokens in period t, in
/// calendar order with empty periods present.
pub fn spikes(counts: &[u64], tokens: &[u64], rule: &SpikeRule) -> Vec<(f64, bool)> {
    let mut out = Vec::with_capacity(counts.len());
    let (mut base_c, mut base_n) = (0u64, 0u64);
    for t in 0..counts.len() {
        if t > rule.window {
            base_c -= counts[t - rule.window - 1];
            base_n -= tokens[t - rule.window - 1];
        }
        let z = spike_z(counts[t], tokens[t], base_c, base_n);
        out.push((z, z >= rule.threshold && counts[t] >= rule.min_count));
        base_c += counts[t];
        base_n += tokens[t];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(got: f64, want: f64) {
        assert!((got - want).abs() <= 1e-9 * want.abs().max(1.0), "got {got}, want {want}");
    }

    #[test]
    fn garwood_against_scipy() {
        // scipy.stats.chi2.ppf(0.025, 2c) / 2 and chi2.ppf(0.975, 2c + 2) / 2 (SciPy 1.17.1).
        let want = [
            (0, 0.0, 3.688_879_454_113_935_4),
            (1, 0.025_317_807_984_289_876, 5.571_643_390_938_898),
            (5, 1.623_486_390_118_420_7, 11.668_332_079_322_67),
            (81, 64.325_691_994_145_36, 100.675_604_180_129_04),
            (1000, 938.973_018_407_695_2, 1_063.952_136_016_302),
        ];
        let mut cache = IntervalCache::new();
        for (c, lo, hi) in want {
            let (l, h) = garwood(c, 0.95);
            close(l, lo);
            close(h, hi);
            assert_eq!(cache.get(c), (l, h));
        }
    }

    #[test]
    fn spike_z_by_hand() {
        // 20 in 1,000 tokens against 10 in 4,000: q = 1000/5000 = 0.2, c = 30,
        // expected 6, sd √(30 · 0.2 · 0.8) = √4.8 = 2.190890…, z = 14 / 2.190890 = 6.390096…
        close(spike_z(20, 1000, 10, 4000), 14.0 / 4.8f64.sqrt());
        assert!(spike_z(3, 1000, 0, 0).is_nan());
        assert!(spike_z(3, 0, 5, 100).is_nan());
        assert_eq!(spike_z(0, 1000, 0, 4000), 0.0);
        // New in this period: 5 against 0 in an equal baseline: c = 5, q = ½, z = 2.5/√1.25.
        close(spike_z(5, 100, 0, 100), 2.5 / 1.25f64.sqrt());
    }

    #[test]
    fn rolling_window_drops_old_periods() {
        let rule = SpikeRule { window: 2, threshold: 3.0, min_count: 5 };
        let counts = [1, 1, 0, 1, 30];
        let tokens = [100, 100, 0, 100, 100];
        let s = spikes(&counts, &tokens, &rule);
        assert!(s[0].0.is_nan(), "no baseline before the first period");
        // Period 2 has no tokens: z missing.
        assert!(s[2].0.is_nan());
        // Period 4's baseline is periods 2 and 3 only: 1 in 100. c = 31, q = ½:
        // z = (30 − 15.5) / √(31 · ¼) = 14.5 / 2.783882… = 5.208555…
        close(s[4].0, 14.5 / (31.0f64 * 0.25).sqrt());
        assert!(s[4].1);
        assert!(!s[3].1, "count 1 is below the spike minimum");
    }
}
