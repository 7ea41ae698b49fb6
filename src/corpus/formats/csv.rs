//! CSV and TSV (`.csv`, `.tsv`): a header row, then one record per row.
//!
//! Rows may have a different number of fields than the header (the reader is flexible): such
//! a row is a problem naming its line, and is still used if it has its text field (repaired),
//! else left out (skipped).

use super::Parsed;
use crate::corpus::record::{Field, Location, Record};
use crate::corpus::{Problem, ReadOptions};

/// Parse delimited text (`b','` or `b'\t'`).
pub fn parse(
    text: &str,
    delimiter: u8,
    source: &str,
    opts: &ReadOptions,
    problems: &mut Vec<Problem>,
) -> Parsed {
    let mut records = Vec::new();
    if let Some(mut rows) = Rows::new(text.as_bytes(), delimiter, source, problems) {
        rows.read(u64::MAX, source, opts, problems, &mut records);
    }
    Parsed { records, multi: true }
}

/// The rows of a delimited stream after its header, read a run of them at a time (a large
/// file is read in pieces, [`crate::corpus::pieces`]): the row count carries over.
pub struct Rows<R> {
    reader: csv::Reader<R>,
    headers: csv::StringRecord,
    /// Rows read so far, malformed ones included (the next record's number is one more).
    count: usize,
}

impl<R: std::io::Read> Rows<R> {
    /// Read the header row of `input`; `None` (with a problem) when it is malformed.
    pub fn new(input: R, delimiter: u8, source: &str, problems: &mut Vec<Problem>) -> Option<Self> {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .has_headers(true)
            .from_reader(input);
        match reader.headers() {
            Ok(h) => Some(Rows { headers: h.clone(), reader, count: 0 }),
            Err(e) => {
                let location = Some("line 1".into());
                problems.push(Problem::skipped(source, location, "malformed CSV", e.to_string()));
                None
            }
        }
    }

    /// The bytes of the stream read so far.
    pub fn position(&self) -> u64 {
        self.reader.position().byte()
    }

    /// Read rows into `records` until the stream's byte position reaches `until` (the row
    /// that passes it is the last read); `false` when the stream is exhausted.
    pub fn read(
        &mut self,
        until: u64,
        source: &str,
        opts: &ReadOptions,
        problems: &mut Vec<Problem>,
        records: &mut Vec<Record>,
    ) -> bool {
        let mut row = csv::StringRecord::new();
        while self.position() < until {
            match self.reader.read_record(&mut row) {
                Ok(true) => {
                    self.count += 1;
                    if let Some(record) = self.record(&row, source, opts, problems) {
                        records.push(record);
                    }
                }
                Ok(false) => return false,
                Err(e) => {
                    self.count += 1;
                    let location = e.position().map(|p| format!("line {}", p.line()));
                    let message = e.to_string();
                    problems.push(Problem::skipped(source, location, "malformed CSV", message));
                }
            }
        }
        true
    }

    /// The record of a row (number `self.count`), or `None` when it is a short row without
    /// its text.
    fn record(
        &self,
        row: &csv::StringRecord,
        source: &str,
        opts: &ReadOptions,
        problems: &mut Vec<Problem>,
    ) -> Option<Record> {
        let headers = &self.headers;
        let line = row.position().map_or(0, |p| p.line());
        let fields = headers.iter().zip(row.iter()).map(|(k, v)| Field::text(k, v)).collect();
        let record = Record::new(fields, self.count, Location::Line(line));
        if row.len() != headers.len() {
            let message = format!("the row has {} fields, the header {}", row.len(), headers.len());
            let used = record.has_text(opts);
            let report = if used { Problem::repaired } else { Problem::skipped };
            problems.push(report(source, Some(format!("line {line}")), "malformed CSV", message));
            if !used {
                return None;
            }
        }
        Some(record)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Action;

    #[test]
    fn short_rows_are_reported_by_line() {
        let text = "id,date,text,speaker\na,2017-12-24,\"Multi\nline\",Kim\nb,2018-01-01\nc,2018-01-02,Only three\n";
        let mut problems = Vec::new();
        let p = parse(text, b',', "x.csv", &ReadOptions::default(), &mut problems);
        assert!(p.multi);
        let ids: Vec<_> =
            p.records.iter().map(|r| (r.fields[0].value.as_str(), r.number, r.location)).collect();
        assert_eq!(ids, [("a", 1, Location::Line(2)), ("c", 3, Location::Line(5))]);
        assert_eq!(p.records[0].fields[2].value, "Multi\nline");
        let found: Vec<_> =
            problems.iter().map(|p| (p.location.as_deref().unwrap(), p.action)).collect();
        assert_eq!(found, [("line 4", Action::Skipped), ("line 5", Action::Repaired)]);
        assert!(problems[0].message.contains("2 fields, the header 4"));
    }

    #[test]
    fn tsv() {
        let mut problems = Vec::new();
        let p = parse(
            "title\ttext\nT\tBody, with comma\n",
            b'\t',
            "x.tsv",
            &ReadOptions::default(),
            &mut problems,
        );
        assert_eq!(p.records[0].fields[1].value, "Body, with comma");
        assert!(problems.is_empty());
    }
}
