//! Parquet (`.parquet`): one record per row, read through `crate::table::input` (the only
//! place Polars is used); every cell arrives as text.

use super::Parsed;
use crate::corpus::record::{Field, FieldKind, Location, Record};
use crate::table::input::RecordTable;

/// Records from a table; null cells are left out of their record.
pub fn parse(table: RecordTable) -> Parsed {
    Parsed { records: records(table, 0), multi: true }
}

/// The records of a table whose first row is row `first` (0-based) of its file (a large file
/// is read a batch of rows at a time).
pub fn records(table: RecordTable, first: usize) -> Vec<Record> {
    let RecordTable { columns, integer, rows } = table;
    rows.into_iter()
        .enumerate()
        .map(|(i, row)| {
            let fields = row
                .into_iter()
                .zip(columns.iter().zip(&integer))
                .filter_map(|(cell, (key, &int))| {
                    let kind = if int { FieldKind::Integer } else { FieldKind::Text };
                    cell.map(|value| Field { key: key.clone(), value, kind })
                })
                .collect();
            let number = first + i + 1;
            Record::new(fields, number, Location::Record(number))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_become_records() {
        let table = RecordTable {
            columns: vec!["text".into(), "date".into()],
            integer: vec![false, true],
            rows: vec![
                vec![Some("a".into()), Some("1703376000000".into())],
                vec![Some("b".into()), None],
            ],
        };
        let p = parse(table);
        assert_eq!(p.records.len(), 2);
        assert_eq!(p.records[0].fields[1].kind, FieldKind::Integer);
        assert_eq!(p.records[1].fields.len(), 1);
        assert_eq!(p.records[1].location, Location::Record(2));
    }
}
