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
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            problems.push(Problem::skipped(
                source,
                Some("line 1".into()),
                "malformed CSV",
                e.to_string(),
            ));
            return Parsed::default();
        }
    };
    let mut records = Vec::new();
    for (i, row) in reader.records().enumerate() {
        let row = match row {
            Ok(row) => row,
            Err(e) => {
                let location = e.position().map(|p| format!("line {}", p.line()));
                problems.push(Problem::skipped(source, location, "malformed CSV", e.to_string()));
                continue;
            }
        };
        let line = row.position().map_or(0, |p| p.line());
        let fields = headers.iter().zip(row.iter()).map(|(k, v)| Field::text(k, v)).collect();
        let record = Record::new(fields, i + 1, Location::Line(line));
        if row.len() != headers.len() {
            let message = format!("the row has {} fields, the header {}", row.len(), headers.len());
            let used = record.has_text(opts);
            let report = if used { Problem::repaired } else { Problem::skipped };
            problems.push(report(source, Some(format!("line {line}")), "malformed CSV", message));
            if !used {
                continue;
            }
        }
        records.push(record);
    }
    Parsed { records, multi: true }
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
