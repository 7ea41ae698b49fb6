//! Which period labels to show on a crowded time axis.
//!
//! When the labels do not all fit, every k-th one is shown, with k chosen from the steps that
//! suit the period's kind (months: 1, 2, 3, 4, 6, 12, … so that the labels fall on the same
//! months every year) and the first label put on a "round" period (January, Q1, a year divisible
//! by k) when one exists.

/// The kind of a period label, recognised from its form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// "2016"
    Year(i32),
    /// "2016-03"
    Month(i32, u32),
    /// "2016-Q2"
    Quarter(i32, u32),
    /// Anything else: days, weeks, metadata values.
    Other,
}

fn kind(label: &str) -> Kind {
    let year = |s: &str| (s.len() == 4).then(|| s.parse::<i32>().ok()).flatten();
    match label.split_once('-') {
        None => year(label).map_or(Kind::Other, Kind::Year),
        Some((y, rest)) => {
            let Some(y) = year(y) else { return Kind::Other };
            if let Some(q) = rest.strip_prefix('Q').and_then(|q| q.parse().ok())
                && (1..=4).contains(&q)
            {
                return Kind::Quarter(y, q);
            }
            match rest.parse::<u32>() {
                Ok(m) if rest.len() == 2 && (1..=12).contains(&m) => Kind::Month(y, m),
                _ => Kind::Other,
            }
        }
    }
}

/// The strides that suit a kind, smallest first; beyond the list, multiples of its last entry.
fn strides(kind: Kind) -> &'static [usize] {
    match kind {
        Kind::Year(_) => &[1, 2, 5, 10, 20, 25, 50, 100],
        Kind::Month(..) => &[1, 2, 3, 4, 6, 12, 24, 36, 60, 120],
        Kind::Quarter(..) => &[1, 2, 4, 8, 20, 40],
        Kind::Other => &[1, 2, 3, 4, 5, 7, 10, 14, 20, 25, 50, 100],
    }
}

/// Whether a label is a natural place to start counting with stride `k`.
fn is_round(kind: Kind, k: usize) -> bool {
    let k = k as i32;
    match kind {
        Kind::Year(y) => y % k == 0,
        Kind::Month(_, m) if k <= 12 => (m as i32 - 1) % k == 0,
        Kind::Month(y, m) => m == 1 && y % (k / 12).max(1) == 0,
        Kind::Quarter(_, q) if k <= 4 => (q as i32 - 1) % k == 0,
        Kind::Quarter(y, q) => q == 1 && y % (k / 4).max(1) == 0,
        Kind::Other => true,
    }
}

/// The indices of the labels to show when each label needs `need` pixels and neighbouring
/// periods are `spacing` pixels apart.
pub(crate) fn shown(labels: &[String], spacing: f32, need: f32) -> Vec<usize> {
    if labels.is_empty() {
        return Vec::new();
    }
    if !(spacing > 0.0 && need.is_finite()) {
        return vec![0];
    }
    let kinds: Vec<Kind> = labels.iter().map(|l| kind(l)).collect();
    let list = strides(kinds[0]);
    let last = *list.last().unwrap_or(&1);
    let mut candidates = list.iter().copied().chain((2..).map(|m| m * last));
    let k = candidates.find(|&k| k as f32 * spacing >= need).unwrap_or(1);
    let start = (0..k.min(labels.len())).find(|&i| is_round(kinds[i], k)).unwrap_or(0);
    (start..labels.len()).step_by(k).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn kinds_are_recognised() {
        assert_eq!(kind("2016"), Kind::Year(2016));
        assert_eq!(kind("2016-03"), Kind::Month(2016, 3));
        assert_eq!(kind("2016-Q2"), Kind::Quarter(2016, 2));
        assert_eq!(kind("2016-03-05"), Kind::Other);
        assert_eq!(kind("2016-W05"), Kind::Other);
        assert_eq!(kind("speech"), Kind::Other);
    }

    #[test]
    fn all_shown_when_they_fit() {
        let l = labels(&["2012", "2013", "2014"]);
        assert_eq!(shown(&l, 100.0, 50.0), vec![0, 1, 2]);
    }

    #[test]
    fn years_thin_to_round_years() {
        let l: Vec<String> = (2011..2031).map(|y| y.to_string()).collect();
        // Room for every other label: start on the even year.
        assert_eq!(shown(&l, 30.0, 50.0), (1..20).step_by(2).collect::<Vec<_>>());
        // Room for every fifth: 2015, 2020, 2025, 2030.
        assert_eq!(shown(&l, 12.0, 50.0), vec![4, 9, 14, 19]);
    }

    #[test]
    fn months_thin_to_quarters_and_januaries() {
        let l: Vec<String> =
            (2012..2016).flat_map(|y| (1..=12).map(move |m| format!("{y}-{m:02}"))).collect();
        let l = l[1..].to_vec(); // starts in February
        let q = shown(&l, 20.0, 55.0); // stride 3: April, July, October, January
        assert_eq!(l[q[0]], "2012-04");
        assert_eq!(l[q[1]], "2012-07");
        let y = shown(&l, 5.0, 55.0); // stride 12: every January
        assert!(y.iter().all(|&i| l[i].ends_with("-01")), "{y:?}");
    }

    #[test]
    fn very_long_axes_use_multiples() {
        let l: Vec<String> = (0..3000).map(|i| format!("d{i}")).collect();
        let s = shown(&l, 0.1, 50.0);
        assert!(s.len() >= 2 && (s[1] - s[0]) as f32 * 0.1 >= 50.0);
    }
}
