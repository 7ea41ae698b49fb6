//! JSON Lines (`.jsonl`, `.ndjson`): one JSON value per line. A malformed line is a problem
//! naming the line; the rest of the file is still read. Blank lines are skipped.

use serde_json::Value;

use super::Parsed;
use super::json::Collector;
use crate::corpus::record::Record;
use crate::corpus::{Problem, ReadOptions};

/// Parse a JSON Lines file.
pub fn parse(text: &str, source: &str, opts: &ReadOptions, problems: &mut Vec<Problem>) -> Parsed {
    let records = parse_lines(text, 1, &mut 0, source, opts, problems);
    Parsed { records, multi: true }
}

/// The records of the lines of `text`, the first of which is line `first_line` of its file;
/// `count` is the number of entries seen before them (record numbers go on from it). A large
/// file is parsed a piece of whole lines at a time ([`crate::corpus::pieces`]).
pub fn parse_lines(
    text: &str,
    first_line: u64,
    count: &mut usize,
    source: &str,
    opts: &ReadOptions,
    problems: &mut Vec<Problem>,
) -> Vec<Record> {
    let mut c =
        Collector { opts, source, problems, records: Vec::new(), count: *count, line: None };
    for (i, line) in text.split('\n').enumerate() {
        let line_no = first_line + i as u64;
        if line.trim().is_empty() {
            continue;
        }
        c.line = Some(line_no);
        match serde_json::from_str::<Value>(line) {
            // An object is a record (or a container of records); an array's entries are records.
            Ok(value) => {
                c.top(value);
            }
            Err(e) => {
                let location = format!("line {line_no}, column {}", e.column());
                c.problems.push(Problem::skipped(
                    source,
                    Some(location),
                    "malformed JSON",
                    e.to_string(),
                ));
            }
        }
    }
    *count = c.count;
    c.records
}

/// Whether the first non-blank line is a complete JSON object (the file is JSON Lines even if
/// named `.json`, or stdin).
pub fn first_line_is_json(text: &str) -> bool {
    let Some(first) = text.lines().find(|l| !l.trim().is_empty()) else { return false };
    matches!(serde_json::from_str::<Value>(first), Ok(Value::Object(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_line_is_reported_and_the_rest_read() {
        let mut problems = Vec::new();
        let text =
            "{\"text\": \"one\", \"id\": \"a\"}\n{\"text\": \"two\"\n\n{\"text\": \"three\"}\r\n";
        let p = parse(text, "x.jsonl", &ReadOptions::default(), &mut problems);
        assert!(p.multi);
        let lines: Vec<_> = p.records.iter().map(|r| (r.number, r.location.to_string())).collect();
        assert_eq!(lines, [(1, "line 1".to_string()), (2, "line 4".to_string())]);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].kind, "malformed JSON");
        assert_eq!(problems[0].location.as_deref(), Some("line 2, column 14"));
    }

    #[test]
    fn sniffing() {
        assert!(first_line_is_json("\n{\"a\": 1}\n{\"a\": 2}"));
        assert!(!first_line_is_json("{\n  \"a\": 1\n}"));
        assert!(!first_line_is_json("plain"));
    }
}
