//! Dates: parsing a record's date field and guessing a date from a file or folder name.
//!
//! Every date comes with a [`Precision`], because a year-only date (`1790-Washington.txt`)
//! must not be plotted as if it were the 1st of January.

use std::path::Path;
use std::sync::LazyLock;

use chrono::{DateTime, Datelike, NaiveDate};
use regex::Regex;

/// How much of a date is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Precision {
    /// Only the year (the date is January 1st of it).
    Year,
    /// Year and month (the date is the 1st of the month).
    Month,
    /// The exact day.
    Day,
}

impl Precision {
    /// The value stored in `meta["date_precision"]`.
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Year => "year",
            Precision::Month => "month",
            Precision::Day => "day",
        }
    }
}

/// A date and how much of it is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateGuess {
    /// The date (missing parts are the first month / first day).
    pub date: NaiveDate,
    /// How much of `date` is real.
    pub precision: Precision,
}

impl DateGuess {
    /// A day-precise date, if it exists.
    pub fn from_ymd(y: i32, m: u32, d: u32) -> Option<Self> {
        Self::day(y, m, d)
    }

    fn day(y: i32, m: u32, d: u32) -> Option<Self> {
        Some(DateGuess { date: NaiveDate::from_ymd_opt(y, m, d)?, precision: Precision::Day })
    }
    fn month(y: i32, m: u32) -> Option<Self> {
        Some(DateGuess { date: NaiveDate::from_ymd_opt(y, m, 1)?, precision: Precision::Month })
    }
    fn year(y: i32) -> Option<Self> {
        Some(DateGuess { date: NaiveDate::from_ymd_opt(y, 1, 1)?, precision: Precision::Year })
    }

    /// Refine a year- or month-precise date with a month and day from a KCNA dateline.
    /// A day-precise date is kept; a month-precise one only when the months agree.
    pub fn refine(self, month: u32, day: u32) -> Self {
        let fits = match self.precision {
            Precision::Day => false,
            Precision::Month => self.date.month() == month,
            Precision::Year => true,
        };
        match fits.then(|| DateGuess::day(self.date.year(), month, day)).flatten() {
            Some(better) => better,
            None => self,
        }
    }
}

/// How a date value was written: a calendar date, or a bare epoch timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateKind {
    /// Written as a date (`2017-12-24`, `December 24, 2017`, `20171224`, `2017`).
    Calendar,
    /// Seconds or milliseconds since 1970, read in UTC. Calendar dates are preferred over
    /// these, because a timestamp's day depends on a time zone that the file does not state.
    Epoch,
}

/// Parse a date field value. Accepted: `YYYY-MM-DD` (also with `/` or `.`, and with a time
/// after it), `YYYY-MM`, `YYYY`, `YYYYMMDD`, epoch seconds or milliseconds, `Month D, YYYY`,
/// `Mon. D YYYY` and `D Month YYYY`.
pub fn parse_date(value: &str) -> Option<(DateGuess, DateKind)> {
    let s = value.trim();
    if s.is_empty() {
        return None;
    }
    if s.bytes().all(|b| b.is_ascii_digit()) || (s.starts_with('-') && s.len() > 1) {
        return parse_digits(s);
    }
    if let Some(guess) = parse_numeric_date(s) {
        return Some((guess, DateKind::Calendar));
    }
    parse_month_name_date(s).map(|g| (g, DateKind::Calendar))
}

/// All digits: a year, a `YYYYMMDD` date, or an epoch timestamp.
fn parse_digits(s: &str) -> Option<(DateGuess, DateKind)> {
    let n: i64 = s.parse().ok()?;
    let calendar = match s.len() {
        4 => DateGuess::year(n as i32),
        8 => DateGuess::day((n / 10_000) as i32, (n / 100 % 100) as u32, (n % 100) as u32),
        _ => None,
    };
    if let Some(g) = calendar {
        return Some((g, DateKind::Calendar));
    }
    // Timestamps: milliseconds from 10^11 up (1973 in ms; year 5138 in seconds), else seconds.
    let dt = if n.unsigned_abs() >= 100_000_000_000 {
        DateTime::from_timestamp_millis(n)?
    } else {
        DateTime::from_timestamp(n, 0)?
    };
    let guess = DateGuess { date: dt.date_naive(), precision: Precision::Day };
    Some((guess, DateKind::Epoch))
}

static NUMERIC_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d{4})(?:([-/.])(\d{1,2})(?:([-/.])(\d{1,2}))?)?(?:$|[T\s])").unwrap()
});

/// `YYYY-MM-DD…`, `YYYY/MM/DD`, `YYYY-MM`.
fn parse_numeric_date(s: &str) -> Option<DateGuess> {
    let c = NUMERIC_DATE.captures(s)?;
    let year: i32 = c[1].parse().ok()?;
    let month = c.get(3).map(|m| m.as_str().parse::<u32>().ok());
    let day = c.get(5).map(|m| m.as_str().parse::<u32>().ok());
    // The two separators must agree (`2017-12/24` is not a date).
    if let (Some(a), Some(b)) = (c.get(2), c.get(4))
        && a.as_str() != b.as_str()
    {
        return None;
    }
    match (month, day) {
        (Some(Some(m)), Some(Some(d))) => DateGuess::day(year, m, d),
        (Some(Some(m)), None) => DateGuess::month(year, m),
        // A bare year followed by a time or text is not a date we understand.
        (None, None) if s.len() == 4 => DateGuess::year(year),
        _ => None,
    }
}

/// `December 24, 2017`, `Dec. 24 2017`, `24 December 2017`.
fn parse_month_name_date(s: &str) -> Option<DateGuess> {
    let words: Vec<&str> =
        s.split(|c: char| c.is_whitespace() || c == ',').filter(|w| !w.is_empty()).collect();
    let num = |w: &str| w.trim_end_matches(['.', 's', 't', 'n', 'd', 'r', 'h']).parse::<u32>().ok();
    match words.as_slice() {
        [m, d, y, ..] if month_number(m).is_some() => {
            DateGuess::day(y.parse().ok()?, month_number(m)?, num(d)?)
        }
        [d, m, y, ..] if month_number(m).is_some() => {
            DateGuess::day(y.parse().ok()?, month_number(m)?, num(d)?)
        }
        _ => None,
    }
}

/// The number of an English month name or abbreviation (`Dec`, `Dec.`, `December`), or of a
/// Spanish month name (KCNA's Spanish service writes `24 de diciembre`).
pub fn month_number(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_lowercase();
    const EN: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    const ES: [&str; 12] = [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ];
    if let Some(i) = ES.iter().position(|m| *m == w || (w == "setiembre" && *m == "septiembre")) {
        return Some(i as u32 + 1);
    }
    // English: the full name, or an abbreviation of at least three letters ("Sept").
    let i = EN.iter().position(|m| w.len() >= 3 && m.starts_with(w.as_str()))?;
    Some(i as u32 + 1)
}

static NAME_DAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^0-9])(\d{4})([-_.])(\d{2})([-_.])(\d{2})(?:[^0-9]|$)").unwrap()
});
static NAME_COMPACT_DAY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[^0-9])(\d{4})(\d{2})(\d{2})(?:[^0-9]|$)").unwrap());
static NAME_MONTH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[^0-9])(\d{4})[-_.](\d{2})(?:[^0-9]|$)").unwrap());
static NAME_YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[^0-9])(\d{4})(?:[^0-9]|$)").unwrap());

/// A date from a file name (`1997-03-02_juche.json`, `20171224.txt`, `1790-Washington.txt`,
/// `PRK_69_2014.txt`), else from the name of the folder holding it (`Session 69 - 2014`).
/// Only the immediate folder is looked at: a year somewhere higher up a path (a user's
/// `2023-projects` folder) says nothing about the documents.
pub fn date_from_path(path: &Path) -> Option<DateGuess> {
    let stem = path.file_name()?.to_string_lossy();
    if let Some(g) = date_from_name(&stem) {
        return Some(g);
    }
    let parent = path.parent()?.file_name()?.to_string_lossy();
    date_from_name(&parent)
}

/// A date in a name, most precise pattern first. Years outside 1600–2100 are ignored, so
/// that `0042` or `9999` in a name is not taken for a year.
pub fn date_from_name(name: &str) -> Option<DateGuess> {
    let plausible = |y: &str| y.parse::<i32>().ok().filter(|y| (1600..=2100).contains(y));
    for c in NAME_DAY.captures_iter(name) {
        let (y, m, d) = (plausible(&c[1]), c[3].parse().ok(), c[5].parse().ok());
        if c[2] == c[4]
            && let Some(g) = DateGuess::day(y?, m?, d?)
        {
            return Some(g);
        }
    }
    for c in NAME_COMPACT_DAY.captures_iter(name) {
        if let Some(g) = DateGuess::day(plausible(&c[1])?, c[2].parse().ok()?, c[3].parse().ok()?) {
            return Some(g);
        }
    }
    for c in NAME_MONTH.captures_iter(name) {
        if let Some(g) = DateGuess::month(plausible(&c[1])?, c[2].parse().ok()?) {
            return Some(g);
        }
    }
    NAME_YEAR.captures_iter(name).find_map(|c| DateGuess::year(plausible(&c[1])?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }
    fn field(s: &str) -> Option<(String, &'static str, DateKind)> {
        parse_date(s).map(|(g, k)| (g.date.to_string(), g.precision.as_str(), k))
    }

    #[test]
    fn field_formats() {
        use DateKind::*;
        let day = |d: &str, k| Some((d.to_string(), "day", k));
        assert_eq!(field("2017-12-24"), day("2017-12-24", Calendar));
        assert_eq!(field(" 2017-12-24T10:15:00+09:00"), day("2017-12-24", Calendar));
        assert_eq!(field("2017-12-24 10:15"), day("2017-12-24", Calendar));
        assert_eq!(field("2017/12/24"), day("2017-12-24", Calendar));
        assert_eq!(field("20171224"), day("2017-12-24", Calendar));
        assert_eq!(field("1703376000000"), day("2023-12-24", Epoch));
        assert_eq!(field("1703376000"), day("2023-12-24", Epoch));
        assert_eq!(field("December 24, 2017"), day("2017-12-24", Calendar));
        assert_eq!(field("Dec. 24 2017"), day("2017-12-24", Calendar));
        assert_eq!(field("24 December 2017"), day("2017-12-24", Calendar));
        assert_eq!(field("2017-12"), Some(("2017-12-01".into(), "month", Calendar)));
        assert_eq!(field("2017"), Some(("2017-01-01".into(), "year", Calendar)));
    }

    #[test]
    fn bad_field_values() {
        for s in
            ["", "yesterday", "2017-13-01", "2017-02-30", "2017-12/24", "Juche 106", "12/24/2017"]
        {
            assert_eq!(field(s), None, "{s}");
        }
    }

    #[test]
    fn names() {
        let g = |s: &str| date_from_name(s).map(|g| (g.date.to_string(), g.precision.as_str()));
        assert_eq!(g("1997-03-02_juche"), Some(("1997-03-02".into(), "day")));
        assert_eq!(g("20171224"), Some(("2017-12-24".into(), "day")));
        assert_eq!(g("1790-Washington"), Some(("1790-01-01".into(), "year")));
        assert_eq!(g("PRK_69_2014"), Some(("2014-01-01".into(), "year")));
        assert_eq!(g("Session 69 - 2014"), Some(("2014-01-01".into(), "year")));
        assert_eq!(g("kcna_2017-12"), Some(("2017-12-01".into(), "month")));
        assert_eq!(g("1946"), Some(("1946-01-01".into(), "year")));
        assert_eq!(g("000_8222c110baf92679"), None);
        assert_eq!(g("report_0042"), None);
        assert_eq!(g("seed"), None);
    }

    #[test]
    fn path_falls_back_to_folder() {
        let p = Path::new("/x/2023-projects/Session 69 - 2014/PRK.txt");
        assert_eq!(date_from_path(p).unwrap().date, ymd("2014-01-01"));
        assert_eq!(date_from_path(Path::new("/x/2023-projects/a/b.txt")), None);
    }

    #[test]
    fn refine_with_dateline() {
        let year = DateGuess::year(2017).unwrap();
        assert_eq!(year.refine(12, 24), DateGuess::day(2017, 12, 24).unwrap());
        let month = DateGuess::month(2017, 12).unwrap();
        assert_eq!(month.refine(12, 24).precision, Precision::Day);
        assert_eq!(month.refine(11, 24), month);
        let day = DateGuess::day(2017, 12, 25).unwrap();
        assert_eq!(day.refine(12, 24), day);
        assert_eq!(year.refine(2, 30), year);
    }

    #[test]
    fn month_names() {
        assert_eq!(month_number("December"), Some(12));
        assert_eq!(month_number("DEC."), Some(12));
        assert_eq!(month_number("Sept"), Some(9));
        assert_eq!(month_number("diciembre"), Some(12));
        assert_eq!(month_number("Ma"), None);
        assert_eq!(month_number("Mmarch"), None);
    }
}
