//! Reading record files (Parquet) for the corpus reader, through Polars.
//!
//! The corpus module must not depend on Polars, so this module turns a Parquet file into a
//! plain [`RecordTable`]: column names plus rows of optional string cells. Every scalar column
//! is rendered as text (dates as `YYYY-MM-DD`, integers in decimal); nested columns (lists,
//! structs) are left out, like nested JSON values.

use std::io::Cursor;
use std::path::Path;

use polars::prelude::*;
use polars_io::SerReader;
use polars_io::parquet::read::ParquetReader;

/// A table of records with every cell rendered as text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecordTable {
    /// Column names, in file order (nested columns are left out).
    pub columns: Vec<String>,
    /// For each column: whether it holds integers (so that the corpus reader may read it as an
    /// epoch timestamp).
    pub integer: Vec<bool>,
    /// Rows in file order; each has one cell per column, `None` for a null.
    pub rows: Vec<Vec<Option<String>>>,
}

/// Why a record file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// Polars could not read the file (not Parquet, truncated, unsupported encoding, …).
    #[error("cannot read Parquet: {0}")]
    Parquet(String),
    /// The file could not be opened.
    #[error("cannot open: {0}")]
    Io(#[from] std::io::Error),
}

/// Read a Parquet file from disk.
pub fn read_parquet(path: &Path) -> Result<RecordTable, InputError> {
    let file = std::fs::File::open(path)?;
    let df = ParquetReader::new(file).finish().map_err(|e| InputError::Parquet(e.to_string()))?;
    Ok(to_records(&df))
}

/// Read Parquet from memory (e.g. a decompressed `.parquet.gz`, or stdin).
pub fn read_parquet_bytes(bytes: Vec<u8>) -> Result<RecordTable, InputError> {
    let df = ParquetReader::new(Cursor::new(bytes))
        .finish()
        .map_err(|e| InputError::Parquet(e.to_string()))?;
    Ok(to_records(&df))
}

/// Render every non-nested column as strings and transpose to rows.
fn to_records(df: &DataFrame) -> RecordTable {
    let mut table = RecordTable::default();
    let mut cells: Vec<Vec<Option<String>>> = Vec::new();
    for column in df.columns() {
        let dtype = column.dtype();
        if dtype.is_nested() {
            continue;
        }
        // A column that cannot be shown as text (e.g. binary that is not UTF-8) is left out,
        // like a nested one: it cannot hold a document's text or date anyway.
        let Ok(strings) = column.cast(&DataType::String) else { continue };
        let Ok(ca) = strings.str() else { continue };
        table.columns.push(column.name().to_string());
        table.integer.push(dtype.is_integer());
        cells.push(ca.iter().map(|v| v.map(str::to_owned)).collect());
    }
    let height = df.height();
    table.rows =
        (0..height).map(|row| cells.iter_mut().map(|col| col[row].take()).collect()).collect();
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars_io::parquet::write::ParquetWriter;

    fn write_sample(path: &Path) {
        let mut df = df!(
            "headline" => ["First", "Second"],
            "story_text" => [Some("Body one."), None],
            "date" => [1_703_376_000_000i64, 1_704_067_200_000],
        )
        .unwrap();
        let days =
            df.column("date").unwrap().cast(&DataType::Datetime(TimeUnit::Milliseconds, None));
        let day = days.unwrap().cast(&DataType::Date).unwrap().with_name("day".into());
        df.with_column(day).unwrap();
        ParquetWriter::new(std::fs::File::create(path).unwrap()).finish(&mut df).unwrap();
    }

    #[test]
    fn reads_rows_as_strings() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.parquet");
        write_sample(&path);
        let t = read_parquet(&path).unwrap();
        assert_eq!(t.columns, ["headline", "story_text", "date", "day"]);
        assert_eq!(t.integer, [false, false, true, false]);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0][0].as_deref(), Some("First"));
        assert_eq!(t.rows[1][1], None);
        assert_eq!(t.rows[0][2].as_deref(), Some("1703376000000"));
        assert_eq!(t.rows[0][3].as_deref(), Some("2023-12-24"));
        let again = read_parquet_bytes(std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(again, t);
    }

    #[test]
    fn garbage_is_an_error() {
        let err = read_parquet_bytes(b"not parquet at all".to_vec()).unwrap_err();
        assert!(err.to_string().starts_with("cannot read Parquet"), "{err}");
    }
}
