//! Calendar periods: centuries, decades, years, quarters, months, ISO weeks and days, numbered
//! so that consecutive periods have consecutive numbers (which makes zero-filling a range
//! trivial), and labelled as the charts expect (`1700s`, `1780s`, `2016`, `2016-Q2`, `2016-03`,
//! `2016-W05`, `2016-03-05`). Decades and centuries are counted from years ending in 0 and 00
//! (the 1780s are 1780–1789, the 1700s are 1700–1799), as readers name them.

use chrono::{Datelike, Days, NaiveDate};

use crate::corpus::Precision;

/// A calendar period length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodKind {
    /// Centuries named by their first year: the 1700s are 1700–1799.
    Century,
    /// Decades named by their first year: the 1780s are 1780–1789.
    Decade,
    /// Calendar years.
    Year,
    /// Quarters (January–March is Q1).
    Quarter,
    /// Calendar months.
    Month,
    /// ISO weeks (Monday to Sunday, numbered within the ISO week-year).
    Week,
    /// Days.
    Day,
}

impl PeriodKind {
    /// The date precision a document needs to be placed in a period of this kind. A date known
    /// only to the year cannot be put in a month: it is left out rather than piled into January.
    pub fn needs(self) -> Precision {
        match self {
            PeriodKind::Century | PeriodKind::Decade | PeriodKind::Year => Precision::Year,
            PeriodKind::Quarter | PeriodKind::Month => Precision::Month,
            PeriodKind::Week | PeriodKind::Day => Precision::Day,
        }
    }

    /// The number of the period holding `date`; consecutive periods have consecutive numbers.
    pub fn number(self, date: NaiveDate) -> i64 {
        let y = date.year() as i64;
        let m = date.month0() as i64;
        match self {
            PeriodKind::Century => y.div_euclid(100),
            PeriodKind::Decade => y.div_euclid(10),
            PeriodKind::Year => y,
            PeriodKind::Quarter => y * 4 + m / 3,
            PeriodKind::Month => y * 12 + m,
            PeriodKind::Week => days(date).div_euclid(7),
            PeriodKind::Day => days(date),
        }
    }

    /// The label of period number `p`.
    pub fn label(self, p: i64) -> String {
        match self {
            PeriodKind::Century => format!("{}s", p * 100),
            PeriodKind::Decade => format!("{}s", p * 10),
            PeriodKind::Year => format!("{p}"),
            PeriodKind::Quarter => format!("{}-Q{}", p.div_euclid(4), p.rem_euclid(4) + 1),
            PeriodKind::Month => format!("{}-{:02}", p.div_euclid(12), p.rem_euclid(12) + 1),
            PeriodKind::Week => {
                let w = from_days(p * 7).iso_week();
                format!("{}-W{:02}", w.year(), w.week())
            }
            PeriodKind::Day => from_days(p).format("%Y-%m-%d").to_string(),
        }
    }

    /// The first day of period number `p`.
    pub fn start(self, p: i64) -> NaiveDate {
        let ym = |y: i64, m: i64| {
            NaiveDate::from_ymd_opt(y as i32, m as u32 + 1, 1).unwrap_or(NaiveDate::MIN)
        };
        match self {
            PeriodKind::Century => ym(p * 100, 0),
            PeriodKind::Decade => ym(p * 10, 0),
            PeriodKind::Year => ym(p, 0),
            PeriodKind::Quarter => ym(p.div_euclid(4), p.rem_euclid(4) * 3),
            PeriodKind::Month => ym(p.div_euclid(12), p.rem_euclid(12)),
            PeriodKind::Week => from_days(p * 7),
            PeriodKind::Day => from_days(p),
        }
    }

    /// The name used in messages (`month`).
    pub fn name(self) -> &'static str {
        match self {
            PeriodKind::Century => "century",
            PeriodKind::Decade => "decade",
            PeriodKind::Year => "year",
            PeriodKind::Quarter => "quarter",
            PeriodKind::Month => "month",
            PeriodKind::Week => "week",
            PeriodKind::Day => "day",
        }
    }

    /// The plural name used in messages (`centuries`).
    pub fn plural(self) -> &'static str {
        match self {
            PeriodKind::Century => "centuries",
            PeriodKind::Decade => "decades",
            PeriodKind::Year => "years",
            PeriodKind::Quarter => "quarters",
            PeriodKind::Month => "months",
            PeriodKind::Week => "weeks",
            PeriodKind::Day => "days",
        }
    }
}

/// Monday 1969-12-29 is day 0, so that day numbers divided by 7 are Monday-to-Sunday weeks.
fn monday_epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1969, 12, 29).expect("valid date")
}

fn days(date: NaiveDate) -> i64 {
    (date - monday_epoch()).num_days()
}

fn from_days(d: i64) -> NaiveDate {
    let epoch = monday_epoch();
    let moved = if d >= 0 {
        epoch.checked_add_days(Days::new(d as u64))
    } else {
        epoch.checked_sub_days(Days::new(d.unsigned_abs()))
    };
    moved.unwrap_or(NaiveDate::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn labels_round_trip() {
        let date = d("2016-03-05");
        let cases = [
            (PeriodKind::Century, "2000s", "2000-01-01"),
            (PeriodKind::Decade, "2010s", "2010-01-01"),
            (PeriodKind::Year, "2016", "2016-01-01"),
            (PeriodKind::Quarter, "2016-Q1", "2016-01-01"),
            (PeriodKind::Month, "2016-03", "2016-03-01"),
            (PeriodKind::Week, "2016-W09", "2016-02-29"),
            (PeriodKind::Day, "2016-03-05", "2016-03-05"),
        ];
        for (kind, label, start) in cases {
            let p = kind.number(date);
            assert_eq!(kind.label(p), label, "{kind:?}");
            assert_eq!(kind.start(p), d(start), "{kind:?}");
        }
    }

    #[test]
    fn consecutive_numbers_across_boundaries() {
        let m = PeriodKind::Month;
        assert_eq!(m.number(d("2017-01-15")) - m.number(d("2016-12-31")), 1);
        assert_eq!(m.label(m.number(d("2016-12-31")) + 1), "2017-01");
        let q = PeriodKind::Quarter;
        assert_eq!(q.label(q.number(d("2016-12-31")) + 1), "2017-Q1");
        // ISO weeks: 2016-01-03 (a Sunday) is in week 53 of 2015; the next day starts 2016-W01.
        let w = PeriodKind::Week;
        assert_eq!(w.label(w.number(d("2016-01-03"))), "2015-W53");
        assert_eq!(w.number(d("2016-01-04")) - w.number(d("2016-01-03")), 1);
        assert_eq!(w.label(w.number(d("2016-01-04"))), "2016-W01");
        // Before 1970 and before the epoch Monday.
        assert_eq!(w.label(w.number(d("1946-01-01"))), "1946-W01");
        assert_eq!(PeriodKind::Day.label(PeriodKind::Day.number(d("1789-04-30"))), "1789-04-30");
        assert_eq!(q.label(q.number(d("1789-04-30"))), "1789-Q2");
    }

    #[test]
    fn decades_and_centuries() {
        let (dec, cen) = (PeriodKind::Decade, PeriodKind::Century);
        // 1789 is in the 1780s, 1790 starts the 1790s; 1799 ends the 1700s.
        assert_eq!(dec.label(dec.number(d("1789-04-30"))), "1780s");
        assert_eq!(dec.number(d("1790-01-01")) - dec.number(d("1789-12-31")), 1);
        assert_eq!(dec.label(dec.number(d("2021-01-20"))), "2020s");
        assert_eq!(dec.number(d("2021-01-20")) - dec.number(d("1789-04-30")), 24);
        assert_eq!(cen.label(cen.number(d("1799-12-31"))), "1700s");
        assert_eq!(cen.label(cen.number(d("1800-01-01"))), "1800s");
        assert_eq!(cen.start(cen.number(d("1865-03-04"))), d("1800-01-01"));
        assert_eq!(dec.start(dec.number(d("1865-03-04"))), d("1860-01-01"));
        assert_eq!((dec.needs(), cen.needs()), (Precision::Year, Precision::Year));
        assert_eq!((dec.plural(), cen.plural()), ("decades", "centuries"));
    }

    #[test]
    fn precision_needed() {
        assert_eq!(PeriodKind::Year.needs(), Precision::Year);
        assert_eq!(PeriodKind::Quarter.needs(), Precision::Month);
        assert_eq!(PeriodKind::Week.needs(), Precision::Day);
    }
}
