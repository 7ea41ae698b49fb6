//! Grouping documents: by calendar period, by document, or by a metadata column; and counting
//! phrases per group.
//!
//! # Brief overview
//!
//! [`GroupBy`] is the user's `--by`. [`assign`] puts every document in at most one group and
//! returns [`Groups`]: the labels in output order, the group of each document, and each
//! group's tokens and documents. Calendar periods run without gaps from the period of the
//! first placed document to that of the last, so a period without documents is a group with
//! 0 tokens (charts then show a gap, not a fall). A document is placed in a period only when
//! its date is precise enough: `--by month` needs a month, so a document dated only to the
//! year is left out (and counted in [`LeftOut`]) rather than piled into January; `--by year`
//! (and `decade`, `century`) takes any date. Undated documents are left out of every calendar
//! grouping. A corpus dated over more than [`DECADE_SPAN`] years is followed by decade when
//! the user names no period ([`decades_for`]).
//!
//! [`counts`] tallies phrases per group: counted n-grams through [`crate::count::NgramFinder`]
//! ([`count_ngrams`]), or query matches ([`count_matches`]); both give a dense
//! rows × groups table of counts and documents ([`GroupCounts`]).

pub mod counts;
pub mod period;

use std::fmt::Write as _;

pub use counts::{DocDate, GroupCounts, NgramTally, count_matches, count_ngrams, doc_dates};
pub use period::PeriodKind;

pub use crate::count::DocLengths;

use crate::corpus::{Document, Precision};
use crate::select;

/// "In no group".
pub const NONE: u32 = u32::MAX;

/// What to group by (`--by`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupBy {
    /// Calendar periods.
    Period(PeriodKind),
    /// Each document on its own, in corpus order.
    Doc,
    /// The values of a metadata column (or `title`, `source`, `id`, …; see
    /// [`crate::select::field`]).
    Column(String),
}

impl GroupBy {
    /// `century`, `decade`, `year`, `quarter`, `month`, `week`, `day`, `doc`, or any other
    /// name as a column.
    pub fn parse(s: &str) -> GroupBy {
        match s.to_ascii_lowercase().as_str() {
            "century" => GroupBy::Period(PeriodKind::Century),
            "decade" => GroupBy::Period(PeriodKind::Decade),
            "year" => GroupBy::Period(PeriodKind::Year),
            "quarter" => GroupBy::Period(PeriodKind::Quarter),
            "month" => GroupBy::Period(PeriodKind::Month),
            "week" => GroupBy::Period(PeriodKind::Week),
            "day" => GroupBy::Period(PeriodKind::Day),
            "doc" => GroupBy::Doc,
            _ => GroupBy::Column(s.to_string()),
        }
    }

    /// The name of the output column holding the group: `period`, `doc`, or the column's name.
    pub fn column_name(&self) -> &str {
        match self {
            GroupBy::Period(_) => "period",
            GroupBy::Doc => "doc",
            GroupBy::Column(c) => c,
        }
    }

    /// Whether groups follow each other in time (calendar periods; documents in corpus order),
    /// so that a rolling baseline makes sense.
    pub fn is_sequence(&self) -> bool {
        !matches!(self, GroupBy::Column(_))
    }
}

/// Documents that could not be placed in a group.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LeftOut {
    /// Without a date (calendar groupings).
    pub undated: usize,
    /// Dated less precisely than the period needs (a year-only date with `--by month`).
    pub too_coarse: usize,
    /// Without a value in the grouping column.
    pub no_value: usize,
}

impl LeftOut {
    /// All documents left out.
    pub fn total(&self) -> usize {
        self.undated + self.too_coarse + self.no_value
    }
}

/// Documents in groups.
#[derive(Debug, Clone)]
pub struct Groups {
    /// What the groups are.
    pub by: GroupBy,
    /// Group labels in output order.
    pub labels: Vec<String>,
    /// First day of each group, for calendar periods (empty otherwise).
    pub starts: Vec<chrono::NaiveDate>,
    /// Group of each document ([`NONE`] when left out).
    pub of_doc: Vec<u32>,
    /// Word tokens in each group.
    pub tokens: Vec<u64>,
    /// Documents in each group.
    pub docs: Vec<u32>,
    /// Documents that are in no group, and why.
    pub left_out: LeftOut,
}

/// Why documents could not be grouped at all.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum GroupError {
    /// No document has a date precise enough for the period.
    #[error(
        "--by {period}: no document can be placed in a {period} ({undated} undated, {coarse} \
         dated less precisely); dates come from a record field, the file or folder name, a \
         KCNA dateline, --name-pattern groups (year, month, day, date) or a --meta column"
    )]
    NoDates {
        /// The period's name.
        period: &'static str,
        /// Documents without a date.
        undated: usize,
        /// Documents dated too coarsely.
        coarse: usize,
    },
    /// No document has a value in the column.
    #[error(
        "--by {column}: no document has a `{column}` value (known columns: {known}; periods: \
         century, decade, year, quarter, month, week, day; doc)"
    )]
    NoColumn {
        /// The column asked for.
        column: String,
        /// Columns that documents do have.
        known: String,
    },
    /// The table of counts would be too large.
    #[error(
        "{rows} phrases × {groups} groups is too many cells to count at once; keep fewer \
         phrases (--top) or use longer periods"
    )]
    TooLarge {
        /// Phrases.
        rows: usize,
        /// Groups.
        groups: usize,
    },
}

/// Put each document of `docs` (with word counts `index`) in a group.
pub fn assign(
    docs: &[Document],
    index: &(impl DocLengths + ?Sized),
    by: &GroupBy,
) -> Result<Groups, GroupError> {
    match by {
        GroupBy::Period(kind) => by_period(docs, index, *kind),
        GroupBy::Doc => {
            let labels = docs.iter().map(|d| d.id.clone()).collect();
            let of_doc = (0..docs.len() as u32).collect();
            Ok(Groups::new(by.clone(), labels, of_doc, index))
        }
        GroupBy::Column(column) => by_column(docs, index, column),
    }
}

fn by_period(
    docs: &[Document],
    index: &(impl DocLengths + ?Sized),
    kind: PeriodKind,
) -> Result<Groups, GroupError> {
    let mut left_out = LeftOut::default();
    let numbers: Vec<Option<i64>> = docs
        .iter()
        .map(|d| {
            let Some(date) = d.date else {
                left_out.undated += 1;
                return None;
            };
            if precision(d) < kind.needs() {
                left_out.too_coarse += 1;
                return None;
            }
            Some(kind.number(date))
        })
        .collect();
    let (Some(&first), Some(&last)) =
        (numbers.iter().flatten().min(), numbers.iter().flatten().max())
    else {
        return Err(GroupError::NoDates {
            period: kind.name(),
            undated: left_out.undated,
            coarse: left_out.too_coarse,
        });
    };
    let labels = (first..=last).map(|p| kind.label(p)).collect();
    let of_doc = numbers.iter().map(|p| p.map_or(NONE, |p| (p - first) as u32)).collect();
    let mut groups = Groups::new(GroupBy::Period(kind), labels, of_doc, index);
    groups.starts = (first..=last).map(|p| kind.start(p)).collect();
    groups.left_out = left_out;
    Ok(groups)
}

/// A corpus whose dated documents span more than this many years is followed by decade when
/// no period is asked for (`trend`, `report`): by year it would make hundreds of thin periods.
pub const DECADE_SPAN: i32 = 60;

/// The first and last year of the dated documents of `docs` when they lie more than
/// [`DECADE_SPAN`] years apart (a corpus to follow by decade), else `None`.
pub fn decades_for(docs: &[Document]) -> Option<(i32, i32)> {
    use chrono::Datelike;
    let years = docs.iter().filter_map(|d| d.date).map(|d| d.year());
    let (first, last) = years.fold(None, |span: Option<(i32, i32)>, y| {
        Some(span.map_or((y, y), |(a, b)| (a.min(y), b.max(y))))
    })?;
    (last - first > DECADE_SPAN).then_some((first, last))
}

/// A document's date precision (`meta["date_precision"]`; a date without it counts as a day).
pub fn precision(doc: &Document) -> Precision {
    match doc.meta.get("date_precision").map(String::as_str) {
        Some("year") => Precision::Year,
        Some("month") => Precision::Month,
        _ => Precision::Day,
    }
}

fn by_column(
    docs: &[Document],
    index: &(impl DocLengths + ?Sized),
    column: &str,
) -> Result<Groups, GroupError> {
    let values: Vec<Option<String>> = docs
        .iter()
        .map(|d| select::field(d, column).map(|v| v.into_owned()).filter(|v| !v.is_empty()))
        .collect();
    let mut labels: Vec<String> = values.iter().flatten().cloned().collect();
    labels.sort_by(|a, b| label_order(a, b));
    labels.dedup();
    if labels.is_empty() {
        return Err(GroupError::NoColumn {
            column: column.to_string(),
            known: select::known_columns(docs).join(", "),
        });
    }
    let of_doc = values
        .iter()
        .map(|v| match v {
            Some(v) => labels.binary_search_by(|l| label_order(l, v)).map_or(NONE, |g| g as u32),
            None => NONE,
        })
        .collect();
    let mut groups = Groups::new(GroupBy::Column(column.to_string()), labels, of_doc, index);
    groups.left_out.no_value = values.iter().filter(|v| v.is_none()).count();
    Ok(groups)
}

/// Column values in numeric order when both are integers (sessions 9 before 10), else by bytes.
fn label_order(a: &str, b: &str) -> std::cmp::Ordering {
    match (a.parse::<i64>(), b.parse::<i64>()) {
        (Ok(x), Ok(y)) => x.cmp(&y).then_with(|| a.cmp(b)),
        (Ok(_), Err(_)) => std::cmp::Ordering::Less,
        (Err(_), Ok(_)) => std::cmp::Ordering::Greater,
        _ => a.cmp(b),
    }
}

impl Groups {
    /// Groups with these labels and this assignment; tokens and documents are summed from
    /// `index`.
    pub fn new(
        by: GroupBy,
        labels: Vec<String>,
        of_doc: Vec<u32>,
        index: &(impl DocLengths + ?Sized),
    ) -> Self {
        let mut tokens = vec![0u64; labels.len()];
        let mut docs = vec![0u32; labels.len()];
        for (d, &g) in of_doc.iter().enumerate() {
            if g != NONE {
                tokens[g as usize] += index.words_in(d) as u64;
                docs[g as usize] += 1;
            }
        }
        Groups {
            by,
            labels,
            starts: Vec::new(),
            of_doc,
            tokens,
            docs,
            left_out: LeftOut::default(),
        }
    }

    /// Number of groups.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// True when there are no groups.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The name of the output column holding the group label.
    pub fn column(&self) -> &str {
        self.by.column_name()
    }

    /// Summary lines for stderr: how many groups, how many are empty, what was left out.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        let what = match &self.by {
            GroupBy::Period(k) => k.plural().to_string(),
            GroupBy::Doc => "documents".into(),
            GroupBy::Column(c) => format!("values of `{c}`"),
        };
        let empty = self.docs.iter().filter(|&&d| d == 0).count();
        let _ = write!(out, "grouped into {} {what}", self.len());
        if let (Some(a), Some(b)) = (self.labels.first(), self.labels.last())
            && self.len() > 1
        {
            let _ = write!(out, " ({a} … {b})");
        }
        if empty > 0 {
            let _ = write!(out, ", {empty} of them without documents");
        }
        out.push('\n');
        let l = &self.left_out;
        if l.total() > 0 {
            let mut parts = Vec::new();
            if l.undated > 0 {
                parts.push(format!("{} undated", l.undated));
            }
            if l.too_coarse > 0 {
                let period = match &self.by {
                    GroupBy::Period(k) => k.name(),
                    _ => "period",
                };
                parts.push(format!("{} dated less precisely than a {period}", l.too_coarse));
            }
            if l.no_value > 0 {
                parts.push(format!("{} without a `{}` value", l.no_value, self.column()));
            }
            let _ = writeln!(
                out,
                "left out of the groups {} documents: {}",
                l.total(),
                parts.join(", ")
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::count::TokenIndex;

    pub(crate) fn doc(id: &str, date: Option<(&str, &str)>, words: usize) -> (Document, usize) {
        let mut d = Document { id: id.into(), ..Default::default() };
        if let Some((day, precision)) = date {
            d.date = NaiveDate::parse_from_str(day, "%Y-%m-%d").ok();
            d.meta.insert("date_precision".into(), precision.into());
        }
        (d, words)
    }

    pub(crate) fn corpus(items: Vec<(Document, usize)>) -> (Vec<Document>, TokenIndex) {
        let mut index = TokenIndex::new();
        let mut docs = Vec::new();
        for (d, words) in items {
            index.push_doc((0..words as u32).map(|w| (w, w, false)));
            docs.push(d);
        }
        (docs, index)
    }

    #[test]
    fn months_are_zero_filled_and_year_dates_left_out() {
        let (docs, index) = corpus(vec![
            doc("a", Some(("2016-01-05", "day")), 10),
            doc("b", Some(("2016-04-20", "day")), 20),
            doc("c", Some(("2016-04-01", "month")), 5),
            doc("d", Some(("2016-01-01", "year")), 7),
            doc("e", None, 3),
        ]);
        let g = assign(&docs, &index, &GroupBy::parse("month")).unwrap();
        assert_eq!(g.labels, ["2016-01", "2016-02", "2016-03", "2016-04"]);
        assert_eq!(g.of_doc, [0, 3, 3, NONE, NONE]);
        assert_eq!(g.tokens, [10, 0, 0, 25]);
        assert_eq!(g.docs, [1, 0, 0, 2]);
        assert_eq!(g.left_out, LeftOut { undated: 1, too_coarse: 1, no_value: 0 });
        assert_eq!(g.starts[1], NaiveDate::from_ymd_opt(2016, 2, 1).unwrap());
        let text = g.describe();
        assert!(
            text.contains("4 months (2016-01 … 2016-04), 2 of them without documents"),
            "{text}"
        );
        assert!(text.contains("2 documents: 1 undated, 1 dated less precisely than a month"));

        // By year, the year-only date is placed; weeks need days.
        let y = assign(&docs, &index, &GroupBy::parse("year")).unwrap();
        assert_eq!((y.labels.len(), y.tokens[0]), (1, 42));
        let w = assign(&docs, &index, &GroupBy::parse("week")).unwrap();
        assert_eq!(w.left_out.too_coarse, 2);
        assert_eq!(w.labels.first().unwrap(), "2016-W01");
        assert_eq!(w.labels.last().unwrap(), "2016-W16");
    }

    #[test]
    fn decades_are_zero_filled_and_chosen_for_long_spans() {
        let (docs, index) = corpus(vec![
            doc("washington", Some(("1789-04-30", "day")), 10),
            doc("adams", Some(("1797-03-04", "year")), 20),
            doc("lincoln", Some(("1861-03-04", "day")), 5),
            doc("biden", Some(("2021-01-20", "day")), 7),
            doc("undated", None, 3),
        ]);
        let g = assign(&docs, &index, &GroupBy::parse("decade")).unwrap();
        // 1780s … 2020s: 25 decades, of which 4 hold documents.
        assert_eq!(g.len(), 25);
        assert_eq!((g.labels[0].as_str(), g.labels[24].as_str()), ("1780s", "2020s"));
        assert_eq!(g.labels[8], "1860s");
        assert_eq!(g.of_doc, [0, 1, 8, 24, NONE]);
        assert_eq!(
            (g.tokens[0], g.tokens[1], g.tokens[2], g.tokens[8], g.tokens[24]),
            (10, 20, 0, 5, 7)
        );
        assert_eq!(g.docs.iter().filter(|&&d| d == 0).count(), 21);
        assert_eq!(g.left_out, LeftOut { undated: 1, too_coarse: 0, no_value: 0 });
        assert!(g.describe().contains("25 decades (1780s … 2020s), 21 of them without documents"));
        let c = assign(&docs, &index, &GroupBy::parse("Century")).unwrap();
        assert_eq!(c.labels, ["1700s", "1800s", "1900s", "2000s"]);
        assert_eq!(c.tokens, [30, 5, 0, 7]);
        assert_eq!(decades_for(&docs), Some((1789, 2021)));
        // 60 years apart is not more than 60.
        let (short, _) = corpus(vec![
            doc("a", Some(("1950-01-01", "year")), 1),
            doc("b", Some(("2010-12-31", "day")), 1),
        ]);
        assert_eq!(decades_for(&short), None);
        let (long, _) = corpus(vec![
            doc("a", Some(("1950-01-01", "year")), 1),
            doc("b", Some(("2011-01-01", "day")), 1),
        ]);
        assert_eq!(decades_for(&long), Some((1950, 2011)));
        assert_eq!(decades_for(&[]), None);
    }

    #[test]
    fn undated_corpus_is_an_error() {
        let (docs, index) =
            corpus(vec![doc("a", None, 3), doc("b", Some(("2016-01-01", "year")), 3)]);
        let e = assign(&docs, &index, &GroupBy::parse("day")).unwrap_err();
        assert_eq!(e, GroupError::NoDates { period: "day", undated: 1, coarse: 1 });
    }

    #[test]
    fn column_values_sort_numerically() {
        let mut items = Vec::new();
        for (id, session) in [("a", Some("10")), ("b", Some("9")), ("c", None), ("d", Some("10"))] {
            let (mut d, w) = doc(id, None, 4);
            if let Some(s) = session {
                d.meta.insert("session".into(), s.into());
            }
            items.push((d, w));
        }
        let (docs, index) = corpus(items);
        let g = assign(&docs, &index, &GroupBy::parse("session")).unwrap();
        assert_eq!(g.labels, ["9", "10"]);
        assert_eq!(g.of_doc, [1, 0, NONE, 1]);
        assert_eq!((g.tokens.as_slice(), g.left_out.no_value), ([4u64, 8].as_slice(), 1));
        assert_eq!(g.column(), "session");
        let e = assign(&docs, &index, &GroupBy::parse("party")).unwrap_err();
        assert!(e.to_string().contains("known columns: id, session, source, title"), "{e}");
    }

    #[test]
    fn by_doc_keeps_corpus_order() {
        let (docs, index) = corpus(vec![doc("z", None, 1), doc("a", None, 2)]);
        let g = assign(&docs, &index, &GroupBy::Doc).unwrap();
        assert_eq!(g.labels, ["z", "a"]);
        assert_eq!(g.tokens, [1, 2]);
        assert_eq!(g.column(), "doc");
    }

    #[test]
    fn word_counts_of_a_spilled_index_group_as_the_index_does() {
        let (docs, index) = corpus(vec![
            doc("a", Some(("2016-01-05", "day")), 10),
            doc("b", Some(("2016-04-20", "day")), 20),
            doc("c", None, 3),
            doc("d", Some(("2016-04-01", "month")), 5),
        ]);
        let lengths: Vec<u32> = vec![10, 20, 3, 5];
        for by in ["month", "year", "doc", "id"] {
            let from_index = assign(&docs, &index, &GroupBy::parse(by)).unwrap();
            let from_lengths = assign(&docs, lengths.as_slice(), &GroupBy::parse(by)).unwrap();
            assert_eq!(from_lengths.tokens, from_index.tokens, "{by}");
            assert_eq!(from_lengths.of_doc, from_index.of_doc, "{by}");
        }
        let g = assign(&docs, lengths.as_slice(), &GroupBy::parse("month")).unwrap();
        assert_eq!(g.tokens, [10, 0, 0, 25]);
    }
}
