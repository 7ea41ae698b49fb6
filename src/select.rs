//! Corpus selection, shared by every command: metadata captured from file names
//! (`--name-pattern`), metadata joined from a user's table (`--meta`, `--meta-key`), and the
//! choice of documents (`--where`).
//!
//! The pipeline calls [`Selection::prepare`] on each batch of documents right after reading
//! them, before language detection and analysis, so that documents left out by `--where` cost
//! nothing further and every later stage sees the enriched metadata.
//!
//! Columns ([`field`]): `id`, `title`, `source` (the path read), `date` (written at its known
//! precision: `2016`, `2016-03` or `2016-03-05`), any metadata key (record fields, dateline
//! `place`/`agency`, `--name-pattern` groups, `--meta` columns), `year` (a metadata `year`,
//! else the year of the date) and `file` (the file stem).
//!
//! Dates: a `--name-pattern` group or `--meta` column named `date` (any format a date field
//! may have), or `year` with optional `month` and `day`, dates the document. Such a date,
//! given by the user, replaces the one found automatically, except when the automatic date
//! is more precise and agrees with it (a `year` group does not blur a record's exact day).

use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use regex::Regex;

use crate::corpus::dates::{DateKind, parse_date};
use crate::corpus::{DateGuess, Document, Precision};
use crate::table::join::MetaTable;

/// Why a selection option is unusable.
#[derive(Debug, thiserror::Error)]
pub enum SelectError {
    /// The `--name-pattern` is not a regular expression.
    #[error("--name-pattern: {0}")]
    BadPattern(String),
    /// The `--name-pattern` captures nothing.
    #[error(
        "--name-pattern `{0}` has no named group such as (?P<year>\\d{{4}}): nothing to capture"
    )]
    NoGroups(String),
    /// A `--where` is not COLUMN=VALUE.
    #[error("--where `{0}`: expected COLUMN=VALUE or COLUMN!=VALUE")]
    BadCondition(String),
}

/// Metadata captured from file names by a regular expression with named groups.
#[derive(Debug)]
pub struct NamePattern {
    regex: Regex,
    names: Vec<String>,
}

impl NamePattern {
    /// Compile `pattern`; it must have at least one named group.
    pub fn new(pattern: &str) -> Result<Self, SelectError> {
        let regex = Regex::new(pattern).map_err(|e| SelectError::BadPattern(e.to_string()))?;
        let names: Vec<String> = regex.capture_names().flatten().map(String::from).collect();
        if names.is_empty() {
            return Err(SelectError::NoGroups(pattern.to_string()));
        }
        Ok(NamePattern { regex, names })
    }

    /// Search the file name of `doc.source`, else its whole path (so folder names can be
    /// captured too); store every group that took part in the match in `doc.meta`. Returns
    /// whether the pattern matched.
    pub fn apply(&self, doc: &mut Document) -> bool {
        let path = Path::new(&doc.source);
        let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
        let caps = self.regex.captures(&name).or_else(|| self.regex.captures(&doc.source));
        let Some(caps) = caps else { return false };
        let values: Vec<(String, String)> = self
            .names
            .iter()
            .filter_map(|n| caps.name(n).map(|m| (n.clone(), m.as_str().to_string())))
            .collect();
        let date = user_date(|k| values.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str()));
        doc.meta.extend(values);
        if let Some(g) = date {
            set_date(doc, g);
        }
        true
    }
}

/// One `--where` condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// The column.
    pub column: String,
    /// The value (compared without regard to case).
    pub value: String,
    /// `COLUMN!=VALUE`.
    pub negate: bool,
}

impl std::str::FromStr for Condition {
    type Err = SelectError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || SelectError::BadCondition(s.to_string());
        let (column, value, negate) = match s.split_once("!=") {
            Some((c, v)) => (c, v, true),
            None => {
                let (c, v) = s.split_once('=').ok_or_else(bad)?;
                (c, v, false)
            }
        };
        let column = column.trim();
        if column.is_empty() {
            return Err(bad());
        }
        Ok(Condition { column: column.to_string(), value: value.trim().to_string(), negate })
    }
}

impl Condition {
    /// Does `doc` satisfy the condition (ignoring `negate`)? A document without the column
    /// never equals a value.
    fn equals(&self, doc: &Document) -> bool {
        let Some(v) = field(doc, &self.column) else { return false };
        if self.column == "date" {
            // A date matches a prefix that ends at a component boundary: `2016` matches
            // `2016-03-05`; `2016-03` does not match a date known only to the year.
            let want = self.value.as_str();
            return v.starts_with(want)
                && matches!(v.as_bytes().get(want.len()), None | Some(b'-'));
        }
        v.to_lowercase() == self.value.to_lowercase()
    }
}

/// All `--where` conditions: conditions on the same column with `=` are alternatives (any
/// may hold); everything else must hold together.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Where {
    /// The conditions in command-line order.
    pub conditions: Vec<Condition>,
}

impl Where {
    /// True when there is no condition.
    pub fn is_empty(&self) -> bool {
        self.conditions.is_empty()
    }

    /// Is `doc` selected?
    pub fn matches(&self, doc: &Document) -> bool {
        let mut columns: Vec<&str> = self.conditions.iter().map(|c| c.column.as_str()).collect();
        columns.dedup();
        columns.iter().all(|&column| {
            let mine = self.conditions.iter().filter(|c| c.column == column);
            let (neg, pos): (Vec<&Condition>, Vec<&Condition>) = mine.partition(|c| c.negate);
            (pos.is_empty() || pos.iter().any(|c| c.equals(doc)))
                && neg.iter().all(|c| !c.equals(doc))
        })
    }

    /// The conditions as the user wrote them, for messages.
    pub fn describe(&self) -> String {
        let parts: Vec<String> = self
            .conditions
            .iter()
            .map(|c| format!("{}{}{}", c.column, if c.negate { "!=" } else { "=" }, c.value))
            .collect();
        parts.join(" ")
    }
}

/// Everything `--name-pattern`, `--meta` and `--where` ask for.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// `--name-pattern`.
    pub name_pattern: Option<Arc<NamePattern>>,
    /// `--meta` (already read).
    pub meta: Option<Arc<MetaTable>>,
    /// `--where`.
    pub conditions: Where,
    /// Drop documents that fail `conditions` (false when a command compares the selection
    /// with the rest, as `keyness` does).
    pub filter: bool,
}

/// What the selection did, for the run summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SelectionReport {
    /// Documents whose name did not match `--name-pattern`.
    pub name_unmatched: usize,
    /// Documents for which `--meta` had no row.
    pub meta_unmatched: usize,
    /// Documents whose automatic date a user-given one (`--name-pattern`, `--meta`) replaced.
    pub redated: usize,
    /// Documents left out by `--where`.
    pub left_out: usize,
    /// Documents kept by `--where`.
    pub kept: usize,
    /// `--where` columns that no document had.
    pub unknown_columns: Vec<String>,
    /// Metadata joins that failed (the documents were used without the metadata).
    pub meta_failures: Vec<String>,
    /// Rows of the `--meta` table left out for an empty or repeated key.
    pub meta_duplicates: usize,
    /// `--where` columns seen on at least one document.
    seen_columns: Vec<String>,
}

impl Selection {
    /// True when the selection changes nothing.
    pub fn is_empty(&self) -> bool {
        self.name_pattern.is_none() && self.meta.is_none() && self.conditions.is_empty()
    }

    /// Enrich a batch of documents, then (when `filter`) keep those that meet `--where`.
    pub fn prepare(&self, mut docs: Vec<Document>, report: &mut SelectionReport) -> Vec<Document> {
        if self.is_empty() {
            return docs;
        }
        if let Some(p) = &self.name_pattern {
            for d in &mut docs {
                let before = d.date;
                report.name_unmatched += usize::from(!p.apply(d));
                report.redated += usize::from(before.is_some() && d.date != before);
            }
        }
        if let Some(meta) = &self.meta {
            self.join_meta(meta, &mut docs, report);
        }
        for c in &self.conditions.conditions {
            if !report.seen_columns.contains(&c.column)
                && docs.iter().any(|d| field(d, &c.column).is_some())
            {
                report.seen_columns.push(c.column.clone());
            }
        }
        if self.conditions.is_empty() || !self.filter {
            return docs;
        }
        let before = docs.len();
        docs.retain(|d| self.conditions.matches(d));
        report.left_out += before - docs.len();
        report.kept += docs.len();
        docs
    }

    fn join_meta(&self, meta: &MetaTable, docs: &mut [Document], report: &mut SelectionReport) {
        let stems: Vec<String> =
            docs.iter().map(|d| crate::corpus::format::stem(Path::new(&d.source))).collect();
        let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
        let stems: Vec<&str> = stems.iter().map(String::as_str).collect();
        let rows = match meta.lookup(&ids, &stems) {
            Ok(rows) => rows,
            Err(e) => {
                report.meta_failures.push(e.to_string());
                return;
            }
        };
        for (doc, row) in docs.iter_mut().zip(rows) {
            let Some(values) = row else {
                report.meta_unmatched += 1;
                continue;
            };
            let pairs: Vec<(String, String)> = meta
                .columns
                .iter()
                .zip(values)
                .filter_map(|(c, v)| v.filter(|v| !v.is_empty()).map(|v| (c.clone(), v)))
                .collect();
            let date = user_date(|k| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str()));
            doc.meta.extend(pairs);
            if let Some(g) = date {
                report.redated += usize::from(set_date(doc, g));
            }
        }
    }

    /// Finish the report after the last batch: which `--where` columns no document had.
    pub fn finish(&self, report: &mut SelectionReport) {
        report.meta_duplicates = self.meta.as_ref().map_or(0, |m| m.duplicates);
        for c in &self.conditions.conditions {
            if !report.seen_columns.contains(&c.column)
                && !report.unknown_columns.contains(&c.column)
            {
                report.unknown_columns.push(c.column.clone());
            }
        }
    }
}

/// The value of column `name` for `doc` (see the module documentation for the columns).
pub fn field<'a>(doc: &'a Document, name: &str) -> Option<Cow<'a, str>> {
    match name {
        "id" => return Some(Cow::Borrowed(&doc.id)),
        "title" => return doc.title.as_deref().map(Cow::Borrowed),
        "source" => return Some(Cow::Borrowed(&doc.source)),
        "date" => return doc.date.map(|d| Cow::Owned(date_text(d, crate::group::precision(doc)))),
        _ => {}
    }
    if let Some(v) = doc.meta.get(name) {
        return Some(Cow::Borrowed(v));
    }
    match name {
        "year" => doc.date.map(|d| Cow::Owned(d.year().to_string())),
        "file" => Some(Cow::Owned(crate::corpus::format::stem(Path::new(&doc.source)))),
        _ => None,
    }
}

/// The columns documents have, sorted, for messages.
pub fn known_columns(docs: &[Document]) -> Vec<String> {
    let mut cols: Vec<String> = ["id", "source", "title"].iter().map(|s| s.to_string()).collect();
    if docs.iter().any(|d| d.date.is_some()) {
        cols.extend(["date".to_string(), "year".to_string()]);
    }
    let mut keys: Vec<&String> = docs.iter().flat_map(|d| d.meta.keys()).collect();
    keys.sort();
    keys.dedup();
    cols.extend(keys.into_iter().filter(|k| k.as_str() != "date_precision").cloned());
    cols.sort();
    cols.dedup();
    cols
}

/// A date written at its precision: `2016`, `2016-03`, `2016-03-05`.
pub fn date_text(date: NaiveDate, precision: Precision) -> String {
    match precision {
        Precision::Year => date.format("%Y").to_string(),
        Precision::Month => date.format("%Y-%m").to_string(),
        Precision::Day => date.format("%Y-%m-%d").to_string(),
    }
}

/// A date from user-given values: `date`, else `year` with optional `month` and `day`.
fn user_date<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Option<DateGuess> {
    if let Some(v) = get("date") {
        // A short number is not a timestamp a user meant (`42` would be 1970-01-01).
        let (g, kind) = parse_date(v)?;
        return (kind == DateKind::Calendar || v.trim().len() >= 9).then_some(g);
    }
    let year: i32 = get("year")?.trim().parse().ok()?;
    let month = get("month").and_then(|m| m.trim().parse::<u32>().ok());
    let day = get("day").and_then(|d| d.trim().parse::<u32>().ok());
    let (date, precision) = match (month, day) {
        (Some(m), Some(d)) => (NaiveDate::from_ymd_opt(year, m, d)?, Precision::Day),
        (Some(m), None) => (NaiveDate::from_ymd_opt(year, m, 1)?, Precision::Month),
        _ => (NaiveDate::from_ymd_opt(year, 1, 1)?, Precision::Year),
    };
    Some(DateGuess { date, precision })
}

/// Date `doc` with a user-given date (see the module documentation); true when the
/// document's date changed from an earlier one.
fn set_date(doc: &mut Document, g: DateGuess) -> bool {
    if let Some(old) = doc.date {
        let old_precision = crate::group::precision(doc);
        let agrees = match g.precision {
            Precision::Year => old.year() == g.date.year(),
            Precision::Month => old.year() == g.date.year() && old.month() == g.date.month(),
            Precision::Day => old == g.date,
        };
        if agrees && old_precision >= g.precision {
            return false;
        }
    }
    let changed = doc.date.is_some();
    doc.date = Some(g.date);
    doc.meta.insert("date_precision".into(), g.precision.as_str().into());
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(source: &str) -> Document {
        Document {
            id: crate::corpus::format::stem(Path::new(source)),
            source: source.into(),
            ..Default::default()
        }
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn name_pattern_captures_and_dates() {
        let p = NamePattern::new(r"(?P<iso>[A-Z]{3})_(?P<session>\d+)_(?P<year>\d{4})").unwrap();
        let mut d = doc("/c/Session 69 - 2014/PRK_69_2014.txt");
        assert!(p.apply(&mut d));
        assert_eq!(d.meta["iso"], "PRK");
        assert_eq!(d.meta["session"], "69");
        assert_eq!((d.date, d.meta["date_precision"].as_str()), (Some(day("2014-01-01")), "year"));
        let mut other = doc("/c/notes.txt");
        assert!(!p.apply(&mut other));
        assert!(other.meta.is_empty());
        // Folder names are searched when the file name does not match.
        let q = NamePattern::new(r"Session (?P<session>\d+)").unwrap();
        let mut d = doc("/c/Session 70 - 2015/X.txt");
        assert!(q.apply(&mut d));
        assert_eq!(d.meta["session"], "70");
        assert!(NamePattern::new("(").is_err());
        assert!(matches!(NamePattern::new(r"\d+"), Err(SelectError::NoGroups(_))));
    }

    #[test]
    fn user_dates_refine_but_never_blur() {
        let mut d = doc("/c/x.txt");
        d.date = Some(day("2017-12-24"));
        d.meta.insert("date_precision".into(), "day".into());
        // A year that agrees keeps the exact day.
        assert!(!set_date(
            &mut d,
            DateGuess { date: day("2017-01-01"), precision: Precision::Year }
        ));
        assert_eq!(d.date, Some(day("2017-12-24")));
        // A year that disagrees wins.
        assert!(set_date(
            &mut d,
            DateGuess { date: day("2016-01-01"), precision: Precision::Year }
        ));
        assert_eq!((d.date, d.meta["date_precision"].as_str()), (Some(day("2016-01-01")), "year"));
        let g = |pairs: &[(&str, &str)]| {
            user_date(|k| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| *v))
        };
        assert_eq!(g(&[("year", "1990"), ("month", "4")]).unwrap().precision, Precision::Month);
        assert_eq!(g(&[("date", "2001-02-03")]).unwrap().date, day("2001-02-03"));
        assert_eq!(g(&[("year", "x")]), None);
        assert_eq!(g(&[("year", "2001"), ("month", "13")]), None);
    }

    #[test]
    fn where_conditions() {
        let mut d = doc("/c/PRK_69_2014.txt");
        d.meta.insert("iso".into(), "PRK".into());
        d.date = Some(day("2014-09-25"));
        d.meta.insert("date_precision".into(), "month".into());
        let w = |list: &[&str]| Where {
            conditions: list.iter().map(|s| s.parse::<Condition>().unwrap()).collect(),
        };
        assert!(w(&["iso=prk"]).matches(&d));
        assert!(w(&["iso=USA", "iso=PRK"]).matches(&d), "same column: any");
        assert!(!w(&["iso=PRK", "year=2015"]).matches(&d), "different columns: all");
        assert!(w(&["year=2014", "iso!=USA"]).matches(&d));
        assert!(!w(&["iso!=PRK"]).matches(&d));
        assert!(w(&["date=2014"]).matches(&d));
        assert!(w(&["date=2014-09"]).matches(&d));
        assert!(!w(&["date=2014-09-25"]).matches(&d), "the day is not known");
        assert!(!w(&["date=201"]).matches(&d), "not at a boundary");
        assert!(w(&["id=PRK_69_2014", "file=prk_69_2014"]).matches(&d));
        assert!(!w(&["party=x"]).matches(&d), "a missing column equals nothing");
        assert!(w(&["party!=x"]).matches(&d));
        assert!("novalue".parse::<Condition>().is_err());
        assert!("=x".parse::<Condition>().is_err());
        assert_eq!(w(&["a=1", "b!=2"]).describe(), "a=1 b!=2");
    }

    #[test]
    fn prepare_filters_and_reports() {
        let sel = Selection {
            name_pattern: Some(Arc::new(NamePattern::new(r"(?P<iso>[A-Z]{3})_").unwrap())),
            meta: None,
            conditions: Where {
                conditions: vec!["iso=PRK".parse().unwrap(), "zz=1".parse().unwrap()],
            },
            filter: true,
        };
        let docs = vec![doc("/c/PRK_1.txt"), doc("/c/USA_1.txt"), doc("/c/readme.txt")];
        let mut report = SelectionReport::default();
        let kept = sel.prepare(docs, &mut report);
        assert!(kept.is_empty(), "zz is on no document, so nothing is selected");
        sel.finish(&mut report);
        assert_eq!((report.name_unmatched, report.left_out), (1, 3));
        assert_eq!(report.unknown_columns, ["zz"]);

        let sel =
            Selection { conditions: Where { conditions: vec!["iso=PRK".parse().unwrap()] }, ..sel };
        let mut report = SelectionReport::default();
        let kept = sel.prepare(vec![doc("/c/PRK_1.txt"), doc("/c/USA_1.txt")], &mut report);
        assert_eq!(kept.len(), 1);
        assert_eq!((report.left_out, report.kept), (1, 1));
        let keep_all = Selection { filter: false, ..sel };
        assert_eq!(keep_all.prepare(vec![doc("/c/USA_1.txt")], &mut report).len(), 1);
    }

    #[test]
    fn user_dates_that_replace_are_counted() {
        let sel = Selection {
            name_pattern: Some(Arc::new(NamePattern::new(r"_(?P<year>\d{4})").unwrap())),
            ..Selection::default()
        };
        let mut dated = doc("/c/1997-03-02_2001.txt");
        dated.date = Some(day("1997-03-02"));
        dated.meta.insert("date_precision".into(), "day".into());
        let mut agrees = doc("/c/x_2001.txt");
        agrees.date = Some(day("2001-05-05"));
        agrees.meta.insert("date_precision".into(), "day".into());
        let mut report = SelectionReport::default();
        let docs = sel.prepare(vec![dated, agrees, doc("/c/y_2002.txt")], &mut report);
        assert_eq!(report.redated, 1, "only the contradicted date counts");
        let dates: Vec<_> = docs.iter().map(|d| d.date.unwrap().to_string()).collect();
        assert_eq!(dates, ["2001-01-01", "2001-05-05", "2002-01-01"]);
    }

    #[test]
    fn known_columns_list() {
        let mut d = doc("/c/a.txt");
        d.meta.insert("party".into(), "x".into());
        d.meta.insert("date_precision".into(), "day".into());
        d.date = Some(day("2000-01-01"));
        assert_eq!(known_columns(&[d]), ["date", "id", "party", "source", "title", "year"]);
    }
}
