//! Reading tables: record files (Parquet) for the corpus reader, and tables that refrain wrote
//! ([`read_table`], for `refrain chart`), through Polars.
//!
//! The corpus module must not depend on Polars, so this module turns a Parquet file into a
//! plain [`RecordTable`]: column names plus rows of optional string cells. Every scalar column
//! is rendered as text (dates as `YYYY-MM-DD`, integers in decimal); nested columns (lists,
//! structs) are left out, like nested JSON values.

use std::io::Cursor;
use std::path::Path;

use polars::prelude::*;
use polars_io::SerReader;
use polars_io::parquet::metadata::FileMetadataRef;
use polars_io::parquet::read::ParquetReader;

use super::{Frame, TableError};

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

/// Read a table that refrain (or a user) wrote, CSV, TSV or Parquet (by extension; any other
/// extension is read as CSV), into a [`Frame`]. CSV cells are read as text, so that labels
/// such as `2016` or `007` stay as written; [`Frame::floats`] parses numbers when asked.
pub fn read_table(path: &Path) -> Result<Frame, TableError> {
    if !path.is_file() {
        let e = std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("`{}` is not a file", path.display()),
        );
        return Err(TableError::Io(e));
    }
    let mut df = super::join::read_any(path).map_err(|e| match e {
        TableError::Polars(m) => TableError::Polars(format!("reading `{}`: {m}", path.display())),
        other => other,
    })?;
    unguard_text(&mut df);
    Ok(Frame { df })
}

/// Undo the `'` that refrain's CSV/TSV writer puts before a text cell starting like a formula
/// (`= + - @`, tab, CR; see `--raw-cells`), so a table read back (`refrain chart --input`)
/// shows the cell as it was counted. Only a `'` followed by one of those characters is taken
/// off: that is exactly what the writer adds.
fn unguard_text(df: &mut DataFrame) {
    let guarded = |s: &str| {
        s.len() > 1 && s.as_bytes()[0] == b'\'' && super::delimited::starts_formula(s.as_bytes()[1])
    };
    let names: Vec<PlSmallStr> = df
        .columns()
        .iter()
        .filter(|c| c.str().is_ok_and(|ca| ca.iter().flatten().any(guarded)))
        .map(|c| c.name().clone())
        .collect();
    for name in names {
        let Ok(column) = df.column(&name) else { continue };
        let Ok(ca) = column.str() else { continue };
        let plain: StringChunked = ca
            .iter()
            .map(|v| v.map(|s| if guarded(s) { &s[1..] } else { s }))
            .collect::<StringChunked>()
            .with_name(name.clone());
        let _ = df.replace(&name, plain.into_series().into());
    }
}

/// Read a Parquet file from disk.
pub fn read_parquet(path: &Path) -> Result<RecordTable, InputError> {
    let file = std::fs::File::open(path)?;
    let df = guarded(|| ParquetReader::new(file).finish())?;
    Ok(to_records(&df))
}

/// Read Parquet from memory (e.g. a decompressed `.parquet.gz`, or stdin).
pub fn read_parquet_bytes(bytes: Vec<u8>) -> Result<RecordTable, InputError> {
    let df = guarded(|| ParquetReader::new(Cursor::new(bytes)).finish())?;
    Ok(to_records(&df))
}

/// A Parquet file on disk read a bounded batch of rows at a time (a large file is read in
/// pieces, `corpus::pieces`): each batch holds about the bytes asked for, estimated from the
/// row groups' uncompressed sizes, and its rows are those the whole file gives in that range.
pub struct ParquetBatches {
    path: std::path::PathBuf,
    metadata: FileMetadataRef,
    /// Rows per batch.
    per_batch: usize,
    /// The first row of the next batch.
    next: usize,
}

impl ParquetBatches {
    /// Read the file's metadata; batches of about `bytes` of (uncompressed) data.
    pub fn open(path: &Path, bytes: u64) -> Result<Self, InputError> {
        let mut reader = ParquetReader::new(std::fs::File::open(path)?);
        let metadata = guarded_metadata(|| reader.get_metadata().cloned())?;
        let data: usize = metadata.row_groups.iter().map(|g| g.total_byte_size()).sum();
        let rows = metadata.num_rows;
        let per_row = (data / rows.max(1)).max(1) as u64;
        let per_batch = (bytes / per_row).clamp(1, usize::MAX as u64) as usize;
        Ok(ParquetBatches { path: path.to_path_buf(), metadata, per_batch, next: 0 })
    }

    /// The number of the first row of the next batch (0-based).
    pub fn position(&self) -> usize {
        self.next
    }

    /// Whether every batch was read (a file without rows gives one empty batch, its columns).
    pub fn finished(&self) -> bool {
        self.next >= self.metadata.num_rows && self.next > 0
    }

    /// The next batch of rows, `None` after the last.
    pub fn next_batch(&mut self) -> Option<Result<RecordTable, InputError>> {
        if self.finished() {
            return None;
        }
        let slice = (self.next, self.per_batch);
        self.next = (self.next + self.per_batch).max(1);
        let read = || {
            let mut reader = ParquetReader::new(std::fs::File::open(&self.path)?);
            reader.set_metadata(self.metadata.clone());
            guarded(|| reader.with_slice(Some(slice)).finish())
        };
        Some(read().map(|df| to_records(&df)))
    }
}

/// [`guarded`] for the reading of a file's metadata.
fn guarded_metadata(
    read: impl FnOnce() -> PolarsResult<FileMetadataRef>,
) -> Result<FileMetadataRef, InputError> {
    let mut metadata = None;
    guarded(|| {
        metadata = Some(read()?);
        Ok(DataFrame::empty())
    })?;
    Ok(metadata.expect("read"))
}

/// Run Polars' Parquet reader, turning its error, or its panic, into an [`InputError`].
/// polars-parquet 0.55 panics on some corrupted pages (an assertion on a dictionary page's
/// length, found by tests/fuzz) instead of returning an error; a corrupted file is bad input
/// to report, not an internal error.
fn guarded(read: impl FnOnce() -> PolarsResult<DataFrame>) -> Result<DataFrame, InputError> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)) {
        Ok(result) => result.map_err(|e| InputError::Parquet(e.to_string())),
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "the reader failed".into());
            Err(InputError::Parquet(format!("corrupted data ({message})")))
        }
    }
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

    #[test]
    fn a_guarded_cell_reads_back_as_written_before_the_guard() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, "phrase,count\n'=sum,3\n'plain,2\n'-x,1\n''@y,1\n").unwrap();
        let frame = read_table(&path).unwrap();
        let phrases: Vec<_> = frame.df.column("phrase").unwrap().str().unwrap().iter().collect();
        // Only a ' before = + - @ tab CR is the writer's; "'plain" and "''@y" are text.
        assert_eq!(phrases, [Some("=sum"), Some("'plain"), Some("-x"), Some("''@y")]);
    }

    #[test]
    fn tables_read_back_from_csv_and_parquet() {
        use crate::table::{Format, Output, Table, Values, write};
        let table = Table::new()
            .with("phrase", Values::Str(vec!["party cells".into(), "a, \"b\"".into()]))
            .with("period", Values::Str(vec!["2016".into(), "007".into()]))
            .with("count", Values::Int(vec![12, 3]))
            .with("per_million", Values::Float(vec![0.25, f64::NAN]));
        let frame = Frame::from_table(table).unwrap();
        let dir = tempfile::tempdir().unwrap();
        for name in ["t.csv", "t.parquet", "t.tsv"] {
            let path = dir.path().join(name);
            let format = Format::from_path(&path).unwrap();
            write(&frame, format, &Output::File(path.clone())).unwrap();
            let back = read_table(&path).unwrap();
            assert_eq!(back.column_names(), ["phrase", "period", "count", "per_million"]);
            assert_eq!(back.strings("phrase").unwrap(), ["party cells", "a, \"b\""], "{name}");
            assert_eq!(back.strings("period").unwrap(), ["2016", "007"], "{name}");
            assert_eq!(back.floats("count").unwrap(), [12.0, 3.0], "{name}");
            let pm = back.floats("per_million").unwrap();
            assert!(pm[0] == 0.25 && pm[1].is_nan(), "{name}: {pm:?}");
        }
        let e = read_table(&dir.path().join("missing.csv")).unwrap_err().to_string();
        assert!(e.contains("missing.csv"), "{e}");
    }

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
