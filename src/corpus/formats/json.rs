//! JSON (`.json`): an array of records, an object holding one, or a single record.
//!
//! - `[{…}, {…}]`: one record per object (kcna.kp); strings in the array are texts; `null`
//!   entries and other values are problems naming the record number.
//! - `{date, url, articles: [{title, url, content}, …]}` (kcna.co.jp): an object without a
//!   text field holding an array of objects. Each record inherits the parent's scalar fields
//!   (so every article gets the day's `date`); the record's own fields win (the article's
//!   `url` over the day page's). Such containers may nest.
//! - `{text: …}`: an object with a text field is one document.
//!
//! A file that is not valid JSON as a whole but whose first line is (JSON Lines saved as
//! `.json`) is read as JSON Lines.

use serde_json::{Map, Value};

use super::Parsed;
use crate::corpus::record::{Field, FieldKind, Location, Record, TEXT_FIELDS};
use crate::corpus::{Problem, ReadOptions};

/// Parse a `.json` file.
pub fn parse(text: &str, source: &str, opts: &ReadOptions, problems: &mut Vec<Problem>) -> Parsed {
    match serde_json::from_str::<Value>(text) {
        Ok(value) => parse_value(value, source, opts, problems),
        Err(_) if super::jsonl::first_line_is_json(text) => {
            super::jsonl::parse(text, source, opts, problems)
        }
        Err(e) => {
            problems.push(malformed(source, &e));
            Parsed::default()
        }
    }
}

/// The problem for a JSON syntax error, with serde_json's line and column.
pub fn malformed(source: &str, e: &serde_json::Error) -> Problem {
    let location = format!("line {}, column {}", e.line(), e.column());
    Problem::skipped(source, Some(location), "malformed JSON", e.to_string())
}

/// Records from a parsed top-level value.
pub fn parse_value(
    value: Value,
    source: &str,
    opts: &ReadOptions,
    problems: &mut Vec<Problem>,
) -> Parsed {
    let mut c = Collector { opts, source, problems, records: Vec::new(), count: 0, line: None };
    let multi = c.top(value);
    Parsed { records: c.records, multi }
}

/// Walks a JSON value, numbering records as they are found.
pub(super) struct Collector<'a> {
    pub opts: &'a ReadOptions,
    pub source: &'a str,
    pub problems: &'a mut Vec<Problem>,
    pub records: Vec<Record>,
    /// Entries seen so far in record arrays (the number of the last one).
    pub count: usize,
    /// For JSON Lines: the line being read (problems then name the line).
    pub line: Option<u64>,
}

impl Collector<'_> {
    /// A top-level value; returns whether it held several records.
    pub fn top(&mut self, value: Value) -> bool {
        match value {
            Value::Array(items) => {
                self.entries(items, &[]);
                true
            }
            Value::Object(map) if has_text(&map, self.opts) => {
                self.count += 1;
                let fields = scalar_fields(map);
                self.push(fields);
                false
            }
            Value::Object(map) => match take_record_array(map) {
                Some((items, parent)) => {
                    self.entries(items, &parent);
                    true
                }
                None => {
                    self.count += 1;
                    let message = format!(
                        "an object with none of the fields {} and no array of records",
                        text_names(self.opts)
                    );
                    self.problem("record without text", message);
                    false
                }
            },
            other => {
                self.count += 1;
                self.problem(
                    "not a record",
                    format!("expected an array or an object, found {}", kind(&other)),
                );
                false
            }
        }
    }

    fn entries(&mut self, items: Vec<Value>, inherited: &[Field]) {
        for item in items {
            self.entry(item, inherited);
        }
    }

    fn entry(&mut self, item: Value, inherited: &[Field]) {
        match item {
            Value::Object(map) if !has_text(&map, self.opts) && has_record_array(&map) => {
                if let Some((items, own)) = take_record_array(map) {
                    self.entries(items, &inherit(own, inherited));
                }
            }
            Value::Object(map) => {
                self.count += 1;
                self.push(inherit(scalar_fields(map), inherited));
            }
            Value::String(s) => {
                self.count += 1;
                self.push(inherit(vec![Field::text("text", s)], inherited));
            }
            Value::Null => {
                self.count += 1;
                self.problem("null record", "the entry is null".to_string());
            }
            other => {
                self.count += 1;
                self.problem("not a record", format!("expected an object, found {}", kind(&other)));
            }
        }
    }

    fn location(&self) -> Location {
        match self.line {
            Some(line) => Location::Line(line),
            None => Location::Record(self.count),
        }
    }

    fn push(&mut self, fields: Vec<Field>) {
        let location = self.location();
        self.records.push(Record::new(fields, self.count, location));
    }

    fn problem(&mut self, kind: &'static str, message: String) {
        let location = self.location().describe();
        self.problems.push(Problem::skipped(self.source, location, kind, message));
    }
}

/// Whether an object has the text field (named by the option, else a default) with a value.
fn has_text(map: &Map<String, Value>, opts: &ReadOptions) -> bool {
    let named = |k: &str| match &opts.text_field {
        Some(name) => k.eq_ignore_ascii_case(name),
        None => TEXT_FIELDS.iter().any(|d| k.eq_ignore_ascii_case(d)),
    };
    map.iter().any(|(k, v)| named(k) && !v.is_null())
}

fn text_names(opts: &ReadOptions) -> String {
    opts.text_field.clone().unwrap_or_else(|| TEXT_FIELDS.join(", "))
}

/// An array of objects (with `null` holes): records.
fn is_record_array(v: &Value) -> bool {
    matches!(v, Value::Array(a) if a.iter().any(Value::is_object) && a.iter().all(|x| x.is_object() || x.is_null()))
}

/// An array with nothing but `null`s, or nothing at all: a record array whose records are
/// missing (a kcna.co.jp day without articles, or with only `null` entries).
fn is_hollow_array(v: &Value) -> bool {
    matches!(v, Value::Array(a) if a.iter().all(Value::is_null))
}

fn has_record_array(map: &Map<String, Value>) -> bool {
    map.values().any(is_record_array)
}

/// Split an object into its record array (the first array of objects, else the first hollow
/// array) and its scalar fields.
fn take_record_array(mut map: Map<String, Value>) -> Option<(Vec<Value>, Vec<Field>)> {
    let key = map
        .iter()
        .find(|(_, v)| is_record_array(v))
        .or_else(|| map.iter().find(|(_, v)| is_hollow_array(v)))
        .map(|(k, _)| k.clone())?;
    let Some(Value::Array(items)) = map.shift_remove(&key) else { return None };
    Some((items, scalar_fields(map)))
}

/// A record's own fields followed by the inherited ones it does not have.
fn inherit(mut own: Vec<Field>, inherited: &[Field]) -> Vec<Field> {
    for f in inherited {
        if !own.iter().any(|o| o.key.eq_ignore_ascii_case(&f.key)) {
            own.push(f.clone());
        }
    }
    own
}

/// The scalar fields of an object, as text. Nulls, objects and arrays other than arrays of
/// strings (a text given as a list of paragraphs) are left out.
pub(super) fn scalar_fields(map: Map<String, Value>) -> Vec<Field> {
    let mut fields = Vec::with_capacity(map.len());
    for (key, value) in map {
        let (value, kind) = match value {
            Value::String(s) => (s, FieldKind::Text),
            Value::Number(n) if n.is_i64() || n.is_u64() => (n.to_string(), FieldKind::Integer),
            Value::Number(n) => (n.to_string(), FieldKind::Other),
            Value::Bool(b) => (b.to_string(), FieldKind::Other),
            Value::Array(items) if !items.is_empty() && items.iter().all(Value::is_string) => {
                let parts: Vec<String> =
                    items.into_iter().filter_map(|v| v.as_str().map(str::to_owned)).collect();
                (parts.join("\n\n"), FieldKind::TextList)
            }
            _ => continue,
        };
        fields.push(Field { key, value, kind });
    }
    fields
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(json: &str) -> (Parsed, Vec<Problem>) {
        let mut problems = Vec::new();
        let parsed = parse(json, "x.json", &ReadOptions::default(), &mut problems);
        (parsed, problems)
    }
    fn get<'a>(r: &'a Record, key: &str) -> Option<&'a str> {
        r.find(key).map(|i| r.fields[i].value.as_str())
    }

    #[test]
    fn kcna_cojp_day_file_inherits_parent_fields() {
        let (p, problems) = run(r#"{"date": "2017-12-24", "url": "day.html", "articles": [
                {"title": "A", "url": "a.html", "content": "Body A"},
                null,
                {"title": "B", "content": "Body B"}]}"#);
        assert!(p.multi);
        assert_eq!(p.records.len(), 2);
        let (a, b) = (&p.records[0], &p.records[1]);
        assert_eq!(
            (get(a, "date"), get(a, "url"), a.number),
            (Some("2017-12-24"), Some("a.html"), 1)
        );
        assert_eq!(
            (get(b, "date"), get(b, "url"), b.number),
            (Some("2017-12-24"), Some("day.html"), 3)
        );
        assert_eq!(problems.len(), 1);
        assert_eq!(
            (problems[0].kind, problems[0].location.as_deref()),
            ("null record", Some("record 2"))
        );
    }

    #[test]
    fn top_level_array_and_field_kinds() {
        let (p, problems) = run(
            r#"[{"headline": "H", "date": 1703376000000, "story_text": "T", "ok": true, "tags": ["a"], "n": {"x": 1}}, "plain text", 3]"#,
        );
        assert!(p.multi);
        let r = &p.records[0];
        assert_eq!(
            r.fields.iter().map(|f| (f.key.as_str(), f.kind)).collect::<Vec<_>>(),
            [
                ("headline", FieldKind::Text),
                ("date", FieldKind::Integer),
                ("story_text", FieldKind::Text),
                ("ok", FieldKind::Other),
                ("tags", FieldKind::TextList),
            ]
        );
        assert_eq!(get(&p.records[1], "text"), Some("plain text"));
        assert_eq!(
            (problems[0].kind, problems[0].location.as_deref()),
            ("not a record", Some("record 3"))
        );
    }

    #[test]
    fn single_object_and_empty_day() {
        let (p, problems) = run(r#"{"title": "T", "text": "Body", "id": 7}"#);
        assert!(!p.multi && problems.is_empty());
        assert_eq!(get(&p.records[0], "id"), Some("7"));
        let (p, problems) = run(r#"{"date": "2012-07-18", "url": "u", "articles": []}"#);
        assert!(p.records.is_empty() && problems.is_empty());
        let (p, problems) = run(r#"{"date": "2012-11-21", "url": "u", "articles": [null, null]}"#);
        assert!(p.records.is_empty());
        let found: Vec<_> = problems.iter().map(|p| (p.kind, p.location.as_deref())).collect();
        assert_eq!(found, [("null record", Some("record 1")), ("null record", Some("record 2"))]);
        let (_, problems) = run(r#"{"date": "2012-07-18"}"#);
        assert_eq!(problems[0].kind, "record without text");
    }

    #[test]
    fn malformed_json_names_line_and_column() {
        let (p, problems) = run("[\n  {\"text\": \"a\"},\n  {\"text\": \"b\",,}\n]");
        assert!(p.records.is_empty());
        assert_eq!(problems[0].kind, "malformed JSON");
        assert_eq!(problems[0].location.as_deref(), Some("line 3, column 16"));
    }

    #[test]
    fn json_lines_saved_as_json() {
        let (p, problems) = run("{\"text\": \"a\"}\n{\"text\": \"b\"}\n");
        assert_eq!(p.records.len(), 2);
        assert!(problems.is_empty());
    }
}
