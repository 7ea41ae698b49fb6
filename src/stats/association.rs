//! Association measures of a pair of units (two words, or the two parts of a phrase) from a
//! 2×2 contingency table, and the fair SCP glue of a whole phrase.
//!
//! Notation of Evert (2005), *The Statistics of Word Cooccurrences*: O11 is how often the pair
//! occurs, R1 how often its first part occurs, C1 how often its second part occurs, N the
//! sample size. The table is O11, O12 = R1 − O11, O21 = C1 − O11, O22 = N − R1 − C1 + O11;
//! expected counts E_ij = R_i·C_j / N. Logarithms are natural unless marked, and 0·ln 0 = 0.
//!
//! The marginals are unigram (or part) counts over the whole corpus, so a pair of identical,
//! adjacent parts ("very very") can make O22 negative; such a cell is set to 0 and the row,
//! column and grand totals are taken from the cells, so the table stays a table.

/// A 2×2 contingency table of a pair.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Contingency {
    /// O11, O12, O21, O22.
    o: [f64; 4],
    /// E11, E12, E21, E22.
    e: [f64; 4],
}

impl Contingency {
    /// The table of a pair seen `o11` times, whose first part is seen `r1` times and second part
    /// `c1` times, among `n` units.
    pub fn new(o11: f64, r1: f64, c1: f64, n: f64) -> Self {
        let o = [o11, r1 - o11, c1 - o11, n - r1 - c1 + o11].map(|x| x.max(0.0));
        let (r1, r2) = (o[0] + o[1], o[2] + o[3]);
        let (c1, c2) = (o[0] + o[2], o[1] + o[3]);
        let n = r1 + r2;
        let e = [r1 * c1 / n, r1 * c2 / n, r2 * c1 / n, r2 * c2 / n];
        Contingency { o, e }
    }

    /// Signed log-likelihood G² = 2 Σ O_ij ln(O_ij / E_ij), negative when O11 < E11
    /// (Dunning 1993).
    pub fn g2(&self) -> f64 {
        let g: f64 = self
            .o
            .iter()
            .zip(&self.e)
            .filter(|(o, _)| **o > 0.0)
            .map(|(o, e)| o * (o / e).ln())
            .sum::<f64>()
            * 2.0;
        // Rounding can leave a tiny negative sum when O = E.
        let g = g.max(0.0);
        if self.o[0] < self.e[0] { -g } else { g }
    }

    /// Pointwise mutual information, log₂(O11 / E11) (Church & Hanks 1990).
    pub fn mi(&self) -> f64 {
        (self.o[0] / self.e[0]).log2()
    }

    /// t-score (O11 − E11) / √O11 (Church et al. 1991).
    pub fn t(&self) -> f64 {
        (self.o[0] - self.e[0]) / self.o[0].sqrt()
    }

    /// logDice = 14 + log₂(2·O11 / (R1 + C1)) (Rychlý 2008).
    pub fn log_dice(&self) -> f64 {
        let (r1, c1) = (self.o[0] + self.o[1], self.o[0] + self.o[2]);
        14.0 + (2.0 * self.o[0] / (r1 + c1)).log2()
    }
}

/// Symmetric conditional probability with fair dispersion point normalisation (da Silva &
/// Lopes 1999, LocalMaxs): SCP_f = f² / Avp, Avp = the mean over the n − 1 binary splits of
/// f(left part)·f(right part). With probabilities p = f/N the N cancels, so counts do. It lies
/// in (0, 1], and is 1 when the phrase's parts never occur without each other.
pub fn scp_fair(f: f64, splits: &[(f64, f64)]) -> f64 {
    let avp = splits.iter().map(|(x, y)| x * y).sum::<f64>() / splits.len() as f64;
    f * f / avp
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values printed by `tests/data/association.py`, an independent implementation from the
    /// textbook formulas: (O11, R1, C1, N) → G², MI, t, logDice.
    const PYTHON: &[([f64; 4], [f64; 4])] = &[
        (
            [30.0, 100.0, 60.0, 10000.0],
            [203.53135638172952, 5.643856189774724, 5.367681063550628, 12.584962500721156],
        ),
        (
            [2.0, 800.0, 900.0, 10000.0],
            [-138.53551261092778, -5.169925001442312, -49.49747468305832, 5.268680968974936],
        ),
        (
            [5.0, 5.0, 8.0, 680.0],
            [48.504681898623424, 6.409390936137702, 2.209761295411557, 13.62148837674627],
        ),
        (
            [3.0, 4.0, 4.0, 5.0],
            [-0.505343078431412, -0.09310940439148147, -0.11547005383792526, 13.584962500721156],
        ),
        // O22 = 4 − 4 − 4 + 3 = −1 is set to 0: the same table as the case above.
        (
            [3.0, 4.0, 4.0, 4.0],
            [-0.505343078431412, -0.09310940439148147, -0.11547005383792526, 13.584962500721156],
        ),
    ];

    #[test]
    fn agrees_with_the_python_reference() {
        for ([o11, r1, c1, n], want) in PYTHON {
            let t = Contingency::new(*o11, *r1, *c1, *n);
            let got = [t.g2(), t.mi(), t.t(), t.log_dice()];
            for (g, w) in got.iter().zip(want) {
                assert!((g - w).abs() < 1e-9, "{o11} {r1} {c1} {n}: {got:?} vs {want:?}");
            }
        }
    }

    #[test]
    fn by_hand() {
        // O11 = 10, R1 = C1 = 20, N = 40: E11 = 20·20/40 = 10 = O11, so no association:
        // G² = 0, MI = 0, t = 0; logDice = 14 + log2(20/40) = 13.
        let t = Contingency::new(10.0, 20.0, 20.0, 40.0);
        assert!(t.g2().abs() < 1e-12 && t.mi().abs() < 1e-12 && t.t().abs() < 1e-12);
        assert!((t.log_dice() - 13.0).abs() < 1e-12);
    }

    #[test]
    fn scp_by_hand_and_python() {
        // A phrase seen 4 times whose single split has parts seen 4 and 4 times: 16/16 = 1.
        assert_eq!(scp_fair(4.0, &[(4.0, 4.0)]), 1.0);
        // f = 6, splits (10·8 + 20·6 + 9·12)/3 = 308/3: 36·3/308 (python: 0.35064935064935066).
        assert!(
            (scp_fair(6.0, &[(10.0, 8.0), (20.0, 6.0), (9.0, 12.0)]) - 0.35064935064935066).abs()
                < 1e-12
        );
    }
}
