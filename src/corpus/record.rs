//! Records: the common shape every input format is read into, and the choice of a record's
//! text, title, date and id fields that turns it into a [`Document`].
//!
//! Field names are matched case-insensitively; the first default name present wins:
//! text `text content body story_text article speech`, title `title headline`,
//! date `date date_str published pubdate datetime`, id `id doc_id uuid`. A field named by an
//! option (`--text-field` …) replaces the defaults; when a record lacks it, the record is
//! a [`Problem`] (skipped for the text, used without the field otherwise). Remaining scalar
//! fields become metadata under their lower-cased names. Field options apply to records
//! (JSON, JSON Lines, CSV, TSV, Parquet) only: a plain text or HTML file is one document whose
//! text is the file, whatever `--text-field` names, so a mixed corpus keeps its text files.

use std::fmt;

use super::clean::{Cleaned, clean_document};
use super::dates::{DateGuess, DateKind, parse_date};
use super::{Document, Problem, ReadOptions};

/// Default names of the text field, in order of preference.
pub const TEXT_FIELDS: &[&str] = &["text", "content", "body", "story_text", "article", "speech"];
/// Default names of the title field.
pub const TITLE_FIELDS: &[&str] = &["title", "headline"];
/// Default names of the date field.
pub const DATE_FIELDS: &[&str] = &["date", "date_str", "published", "pubdate", "datetime"];
/// Default names of the id field.
pub const ID_FIELDS: &[&str] = &["id", "doc_id", "uuid"];

/// What kind of value a field held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// A string.
    Text,
    /// An integer (may be an epoch timestamp).
    Integer,
    /// Another scalar: a float or a boolean.
    Other,
    /// A list of strings, joined as paragraphs (only usable as the text).
    TextList,
}

/// One field of a record, its value rendered as text.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The name as written in the file.
    pub key: String,
    /// The value as text.
    pub value: String,
    /// What the value was.
    pub kind: FieldKind,
}

impl Field {
    /// A string field.
    pub fn text(key: impl Into<String>, value: impl Into<String>) -> Self {
        Field { key: key.into(), value: value.into(), kind: FieldKind::Text }
    }
}

/// Where a record is in its file, for problem messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// The whole file (single-document formats).
    File,
    /// The N-th record (1-based) of a JSON array.
    Record(usize),
    /// A line (1-based) of a JSON Lines or CSV file.
    Line(u64),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::File => Ok(()),
            Location::Record(n) => write!(f, "record {n}"),
            Location::Line(n) => write!(f, "line {n}"),
        }
    }
}

impl Location {
    /// The location for a [`Problem`].
    pub fn describe(self) -> Option<String> {
        (self != Location::File).then(|| self.to_string())
    }
}

/// A record read from a file, before it becomes a document.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Fields in file order: the record's own, then those inherited from parent objects.
    pub fields: Vec<Field>,
    /// 1-based record number in the file (used in ids: `stem#N`).
    pub number: usize,
    /// Where it is, for problems.
    pub location: Location,
    /// The text came from an HTML page and is already free of markup.
    pub markup_done: bool,
    /// The record is a whole text or HTML file (its fields were not named by the user), so
    /// the field options do not apply to it.
    pub whole_file: bool,
}

impl Record {
    /// A record with the given fields.
    pub fn new(fields: Vec<Field>, number: usize, location: Location) -> Self {
        Record { fields, number, location, markup_done: false, whole_file: false }
    }

    /// The record of a whole text or HTML file.
    pub fn whole_file(fields: Vec<Field>) -> Self {
        Record { whole_file: true, ..Record::new(fields, 1, Location::File) }
    }

    /// The index of a field, by case-insensitive name.
    pub fn find(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.key.eq_ignore_ascii_case(name))
    }

    /// Whether the record has a non-empty text field (named by `opts` or a default).
    pub fn has_text(&self, opts: &ReadOptions) -> bool {
        matches!(self.pick(opts.text_field.as_deref(), TEXT_FIELDS), Pick::Found(i) if !self.fields[i].value.trim().is_empty())
    }

    fn pick(&self, option: Option<&str>, defaults: &[&str]) -> Pick {
        match option {
            Some(name) => self.find(name).map_or(Pick::Missing, Pick::Found),
            None => defaults.iter().find_map(|d| self.find(d)).map_or(Pick::Absent, Pick::Found),
        }
    }
}

/// The outcome of looking for a field.
enum Pick {
    Found(usize),
    /// The field named by an option is not in the record.
    Missing,
    /// No default name is present.
    Absent,
}

/// What a record needs from its file to become a document.
#[derive(Debug, Clone)]
pub struct SourceInfo {
    /// The path as displayed (`-` for stdin, `<sample>` for the sample).
    pub display: String,
    /// The id of a single-document file; the prefix of `stem#N` ids otherwise.
    pub stem: String,
    /// A date from the file or folder name.
    pub path_date: Option<DateGuess>,
    /// Whether the file holds records (`stem#N` ids) rather than one document.
    pub multi: bool,
}

/// Turn a record into a document; problems go to `problems`. `None` when the record has no
/// usable text.
pub fn to_document(
    rec: Record,
    src: &SourceInfo,
    opts: &ReadOptions,
    problems: &mut Vec<Problem>,
) -> Option<Document> {
    let defaults;
    let opts = if rec.whole_file {
        defaults = ReadOptions {
            text_field: None,
            title_field: None,
            date_field: None,
            id_field: None,
            ..opts.clone()
        };
        &defaults
    } else {
        opts
    };
    let loc = rec.location;
    let mut report = |kind: &'static str, message: String, skipped: bool| {
        let p = if skipped { Problem::skipped } else { Problem::repaired };
        problems.push(p(&src.display, loc.describe(), kind, message));
    };
    let mut used = Vec::with_capacity(4);

    let text_idx = match rec.pick(opts.text_field.as_deref(), TEXT_FIELDS) {
        Pick::Found(i) if !rec.fields[i].value.trim().is_empty() => i,
        Pick::Found(i) => {
            return skip(&mut report, format!("field `{}` is empty", rec.fields[i].key));
        }
        Pick::Missing => {
            return skip(
                &mut report,
                format!("no field `{}`", opts.text_field.as_deref().unwrap_or_default()),
            );
        }
        Pick::Absent => {
            return skip(&mut report, format!("none of the fields {}", TEXT_FIELDS.join(", ")));
        }
    };
    used.push(text_idx);
    let title = optional(&rec, opts.title_field.as_deref(), TITLE_FIELDS, &mut used, &mut report);
    let id = optional(&rec, opts.id_field.as_deref(), ID_FIELDS, &mut used, &mut report)
        .map(|i| rec.fields[i].value.trim().to_string())
        .filter(|id| !id.is_empty())
        .unwrap_or_else(|| {
            if src.multi { format!("{}#{}", src.stem, rec.number) } else { src.stem.clone() }
        });
    let field_date = record_date(&rec, opts, &mut used, &mut report);

    let title = title.map(|i| rec.fields[i].value.as_str());
    let cleaned = clean_document(&rec.fields[text_idx].value, title, opts.clean, rec.markup_done);
    if cleaned.text.trim().is_empty() {
        report("empty document", "nothing left after cleaning".to_string(), true);
        return None;
    }
    Some(assemble(rec, &used, id, field_date.or(src.path_date), cleaned, src))
}

/// Report a record without text (skipped); always `None`.
fn skip<T>(report: &mut impl FnMut(&'static str, String, bool), message: String) -> Option<T> {
    report("record without text", message, true);
    None
}

/// An optional field (title, id): the option's name, else the first default present.
fn optional(
    rec: &Record,
    option: Option<&str>,
    defaults: &[&str],
    used: &mut Vec<usize>,
    report: &mut impl FnMut(&'static str, String, bool),
) -> Option<usize> {
    match rec.pick(option, defaults) {
        Pick::Found(i) => {
            used.push(i);
            Some(i)
        }
        Pick::Missing => {
            report("missing field", format!("no field `{}`", option.unwrap_or_default()), false);
            None
        }
        Pick::Absent => None,
    }
}

/// The record's date. With `--date-field`, that field; otherwise the first default field
/// holding a calendar date, else the first holding an epoch timestamp (kcna.kp has both an
/// epoch `date` and a `date_str`; a timestamp's day depends on a time zone the file does not
/// state). A date field that is present but unreadable is reported.
fn record_date(
    rec: &Record,
    opts: &ReadOptions,
    used: &mut Vec<usize>,
    report: &mut impl FnMut(&'static str, String, bool),
) -> Option<DateGuess> {
    let candidates: Vec<usize> = match &opts.date_field {
        Some(name) => match rec.find(name) {
            Some(i) => vec![i],
            None => {
                report("missing field", format!("no field `{name}`"), false);
                return None;
            }
        },
        None => DATE_FIELDS.iter().filter_map(|d| rec.find(d)).collect(),
    };
    let parsed: Vec<(usize, Option<(DateGuess, DateKind)>)> =
        candidates.iter().map(|&i| (i, parse_date(&rec.fields[i].value))).collect();
    let best = parsed
        .iter()
        .find(|(_, p)| matches!(p, Some((_, DateKind::Calendar))))
        .or_else(|| parsed.iter().find(|(_, p)| p.is_some()));
    match best {
        Some(&(i, Some((guess, _)))) => {
            used.push(i);
            Some(guess)
        }
        _ => {
            if let Some(&(i, _)) = parsed.first() {
                let f = &rec.fields[i];
                report(
                    "unreadable date",
                    format!("field `{}`: {:?} is not a date", f.key, f.value),
                    false,
                );
            }
            None
        }
    }
}

/// Build the document: metadata from unused fields and the dateline, the date refined by the
/// dateline's month and day.
fn assemble(
    rec: Record,
    used: &[usize],
    id: String,
    date: Option<DateGuess>,
    cleaned: Cleaned,
    src: &SourceInfo,
) -> Document {
    let mut meta = std::collections::BTreeMap::new();
    for (i, f) in rec.fields.into_iter().enumerate() {
        if used.contains(&i) || f.kind == FieldKind::TextList || f.value.is_empty() {
            continue;
        }
        meta.entry(f.key.to_lowercase()).or_insert(f.value);
    }
    if let Some(t) = cleaned.displaced_title {
        meta.insert("record_title".to_string(), t);
    }
    let mut date = date;
    if let Some(d) = &cleaned.dateline {
        if let Some(place) = &d.place {
            meta.entry("place".to_string()).or_insert_with(|| place.clone());
        }
        if let Some(agency) = &d.agency {
            meta.entry("agency".to_string()).or_insert_with(|| agency.clone());
        }
        if let Some((m, day)) = d.month_day {
            meta.insert("dateline_month_day".to_string(), format!("{m:02}-{day:02}"));
            date = match date {
                Some(g) => Some(g.refine(m, day)),
                None => d.year.and_then(|y| DateGuess::from_ymd(y, m, day)),
            };
        }
    }
    if let Some(g) = date {
        meta.insert("date_precision".to_string(), g.precision.as_str().to_string());
    }
    Document {
        id,
        source: src.display.clone(),
        title: cleaned.title,
        date: date.map(|g| g.date),
        meta,
        text: cleaned.text,
        removed: cleaned.removed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(multi: bool) -> SourceInfo {
        SourceInfo { display: "f.json".into(), stem: "f".into(), path_date: None, multi }
    }
    fn int(key: &str, value: &str) -> Field {
        Field { key: key.into(), value: value.into(), kind: FieldKind::Integer }
    }
    fn build(fields: Vec<Field>, multi: bool) -> (Option<Document>, Vec<Problem>) {
        let mut problems = Vec::new();
        let rec = Record::new(fields, 3, Location::Record(3));
        (to_document(rec, &src(multi), &ReadOptions::default(), &mut problems), problems)
    }

    #[test]
    fn defaults_ids_and_meta() {
        let (doc, problems) = build(
            vec![
                Field::text("Headline", "H"),
                Field::text("story_text", "Body."),
                Field::text("Topic", "Top News"),
                Field::text("empty", ""),
                Field { key: "paras".into(), value: "a\n\nb".into(), kind: FieldKind::TextList },
            ],
            true,
        );
        let doc = doc.unwrap();
        assert!(problems.is_empty());
        assert_eq!(
            (doc.id.as_str(), doc.title.as_deref(), doc.text.as_str()),
            ("f#3", Some("H"), "H\n\nBody.")
        );
        assert_eq!(doc.meta.keys().collect::<Vec<_>>(), ["topic"]);
        let (doc, _) = build(vec![Field::text("text", "x"), int("ID", "42")], false);
        assert_eq!(doc.unwrap().id, "42");
        let (doc, _) = build(vec![Field::text("text", "x")], false);
        assert_eq!(doc.unwrap().id, "f");
    }

    #[test]
    fn calendar_date_preferred_over_epoch() {
        // kcna.kp: `date` is epoch milliseconds, `date_str` the calendar date.
        let (doc, _) = build(
            vec![
                Field::text("text", "x"),
                int("date", "1703343600000"),
                Field::text("date_str", "2023-12-24"),
            ],
            true,
        );
        let doc = doc.unwrap();
        assert_eq!(doc.date.unwrap().to_string(), "2023-12-24");
        assert_eq!(doc.meta.get("date").map(String::as_str), Some("1703343600000"));
        let (doc, _) = build(vec![Field::text("text", "x"), int("date", "1703343600000")], true);
        assert_eq!(doc.unwrap().date.unwrap().to_string(), "2023-12-23");
    }

    #[test]
    fn unreadable_date_is_reported_and_the_record_kept() {
        let (doc, problems) =
            build(vec![Field::text("text", "x"), Field::text("date", "Juche 106")], true);
        assert!(doc.unwrap().date.is_none());
        assert_eq!(
            (problems[0].kind, problems[0].action),
            ("unreadable date", crate::corpus::Action::Repaired)
        );
        assert_eq!(problems[0].location.as_deref(), Some("record 3"));
    }

    #[test]
    fn dateline_refines_a_year_and_needs_one() {
        let mut s = src(false);
        s.path_date = crate::corpus::dates::date_from_name("kcna_2017");
        let rec = Record::new(
            vec![Field::text("text", "Pyongyang, December 24 (KCNA) -- Text.")],
            1,
            Location::File,
        );
        let doc = to_document(rec.clone(), &s, &ReadOptions::default(), &mut Vec::new()).unwrap();
        assert_eq!(doc.date.unwrap().to_string(), "2017-12-24");
        assert_eq!(doc.meta.get("date_precision").map(String::as_str), Some("day"));
        let doc = to_document(rec, &src(false), &ReadOptions::default(), &mut Vec::new()).unwrap();
        assert_eq!((doc.date, doc.meta.get("date_precision")), (None, None));
        assert_eq!(doc.meta.get("dateline_month_day").map(String::as_str), Some("12-24"));
    }

    #[test]
    fn nothing_left_after_cleaning() {
        let (doc, problems) = build(vec![Field::text("text", "<p> </p> -0-")], true);
        assert!(doc.is_none());
        assert_eq!(problems[0].kind, "empty document");
    }
}
