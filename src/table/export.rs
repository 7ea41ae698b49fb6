//! Writing frames: terminal table, CSV, TSV, JSON or Parquet; to stdout or atomically to a file.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use polars_io::parquet::write::ParquetWriter;

use super::{Chunked, Frame, Table, TableError, terminal};

/// Decimal places of real numbers in text formats (CSV, TSV, JSON).
pub const FLOAT_DECIMALS: usize = 6;

/// An output format (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// An aligned table for reading in a terminal.
    Table,
    /// Comma-separated values with a header row (RFC 4180 quoting).
    Csv,
    /// Tab-separated values with a header row.
    Tsv,
    /// A JSON array of objects, one per row.
    Json,
    /// Apache Parquet (zstd-compressed), with typed columns.
    Parquet,
}

impl Format {
    /// The format a file name implies: `.csv`, `.tsv`/`.tab`, `.json`, `.parquet`/`.pq`,
    /// `.txt` (table).
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "csv" => Format::Csv,
            "tsv" | "tab" => Format::Tsv,
            "json" => Format::Json,
            "parquet" | "pq" => Format::Parquet,
            "txt" => Format::Table,
            _ => return None,
        })
    }
}

/// Where a table goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// Standard output.
    Stdout,
    /// A file, written to a temporary name and renamed into place.
    File(PathBuf),
}

/// Write `frame` in `format` to `output`.
pub fn write(frame: &Frame, format: Format, output: &Output) -> Result<(), TableError> {
    write_with(output, |w| write_to(frame, format, w))
}

/// Write a chunked table in `format` to `output`: CSV and TSV straight from its chunks, a few
/// at a time; other formats through the whole frame.
pub fn write_chunked(table: &Chunked, format: Format, output: &Output) -> Result<(), TableError> {
    write_with(output, |w| write_chunked_to(table, format, w))
}

/// Write a chunked table in `format` to any writer (CSV and TSV from its chunks).
pub fn write_chunked_to(
    table: &Chunked,
    format: Format,
    w: &mut dyn Write,
) -> Result<(), TableError> {
    match format {
        Format::Csv | Format::Tsv => {
            let sep = if format == Format::Csv { b',' } else { b'\t' };
            super::delimited::write_chunked(table, sep, super::cells(), w)
        }
        _ => write_to(&table.frame()?, format, w),
    }
}

/// Why a streamed table was not written.
#[derive(Debug)]
pub enum StreamError<E> {
    /// The source of the tables failed (what `next` returned).
    Source(E),
    /// Writing failed.
    Table(TableError),
}

/// Write tables that arrive one after another (`next` gives `None` at the end) in `format`
/// to `output`: CSV and TSV as they come, under the header of `header`; JSON a table at a
/// time and Parquet a row group at a time (the same bytes as the whole table written at
/// once); the terminal table through one frame of them all. When `next` fails, its error comes back as it is
/// ([`StreamError::Source`]), and nothing is written to a file.
pub fn write_stream<E>(
    header: Table,
    format: Format,
    output: &Output,
    mut next: impl FnMut() -> Result<Option<Table>, E>,
) -> Result<(), StreamError<E>> {
    // The writers know only their own errors: the source's waits here while a placeholder
    // stops them.
    let mut failed = None;
    let mut next = || {
        next().map_err(|e| {
            failed = Some(e);
            TableError::Polars("the table's source failed".into())
        })
    };
    let written = write_with(output, |w| match format {
        Format::Csv | Format::Tsv => {
            let sep = if format == Format::Csv { b',' } else { b'\t' };
            super::delimited::write_stream(&header, sep, super::cells(), w, &mut next)
        }
        Format::Parquet => {
            let header = Frame::from_table(header)?;
            let mut parquet = ParquetGroups::new(w, &header.df)?;
            while let Some(t) = next()? {
                parquet.add(Frame::from_table(t)?.df)?;
            }
            parquet.finish()
        }
        Format::Json => {
            let mut json = terminal::JsonArray::default();
            while let Some(t) = next()? {
                json.rows(&Frame::from_table(t)?.df, w)?;
            }
            Ok(json.finish(w)?)
        }
        // The terminal table's columns are as wide as their widest cell: all rows at once.
        Format::Table => {
            let mut parts = vec![header];
            while let Some(t) = next()? {
                parts.push(t);
            }
            write_to(&Frame::from_table(Table::concat(parts))?, format, w)
        }
    });
    match failed {
        Some(e) => Err(StreamError::Source(e)),
        None => written.map_err(StreamError::Table),
    }
}

/// Run `fill` on standard output, or on a file written atomically.
fn write_with(
    output: &Output,
    fill: impl FnOnce(&mut dyn Write) -> Result<(), TableError>,
) -> Result<(), TableError> {
    match output {
        Output::Stdout => {
            let stdout = io::stdout();
            let mut lock = stdout.lock();
            fill(&mut lock)?;
            lock.flush()?;
            Ok(())
        }
        Output::File(path) => {
            let mut failure = None;
            let result = crate::fsutil::write_atomic(path, |w| {
                fill(w).map_err(|e| {
                    let msg = e.to_string();
                    failure = Some(e);
                    io::Error::other(msg)
                })
            });
            match (result, failure) {
                (Ok(()), _) => Ok(()),
                (Err(_), Some(e)) => Err(e),
                (Err(e), None) => Err(e.into()),
            }
        }
    }
}

/// Write `frame` in `format` to any writer.
pub fn write_to(frame: &Frame, format: Format, w: &mut dyn Write) -> Result<(), TableError> {
    let df = frame.df.clone();
    match format {
        Format::Table => terminal::write_table(&df, w)?,
        Format::Csv | Format::Tsv => {
            // Reals are rounded and printed in their shortest exact form ("0.5", "1.0",
            // "1e-6"): see `delimited`.
            let sep = if format == Format::Csv { b',' } else { b'\t' };
            super::delimited::write(&df, sep, super::cells(), w)?;
        }
        Format::Json => terminal::write_json(&df, w)?,
        Format::Parquet => {
            let mut parquet = ParquetGroups::new(w, &df)?;
            parquet.add(df)?;
            parquet.finish()?;
        }
    }
    Ok(())
}

/// Rows of a Parquet row group. A table is written a row group of this many rows at a time,
/// whole or streamed ([`write_stream`]): the same bytes either way, and a reader can take it
/// a row group at a time.
pub const PARQUET_GROUP_ROWS: usize = 1 << 16;

/// A Parquet file written a row group at a time from frames of any height.
struct ParquetGroups<'w> {
    writer: polars_io::parquet::write::BatchedWriter<&'w mut dyn Write>,
    /// Rows not yet written (fewer than a row group).
    pending: Option<polars::prelude::DataFrame>,
}

impl<'w> ParquetGroups<'w> {
    /// A file of the columns of `like`.
    fn new(w: &'w mut dyn Write, like: &polars::prelude::DataFrame) -> Result<Self, TableError> {
        Ok(ParquetGroups { writer: ParquetWriter::new(w).batched(like.schema())?, pending: None })
    }

    /// Add the rows of `df`, writing every full row group.
    fn add(&mut self, df: polars::prelude::DataFrame) -> Result<(), TableError> {
        let mut rows = match self.pending.take() {
            Some(mut pending) => {
                pending.vstack_mut(&df)?;
                pending
            }
            None => df,
        };
        while rows.height() >= PARQUET_GROUP_ROWS {
            self.write_group(rows.slice(0, PARQUET_GROUP_ROWS))?;
            rows = rows.slice(PARQUET_GROUP_ROWS as i64, rows.height() - PARQUET_GROUP_ROWS);
        }
        self.pending = (rows.height() > 0).then_some(rows);
        Ok(())
    }

    /// One row group: its columns in one chunk each (the writer makes a row group per chunk).
    fn write_group(&mut self, mut group: polars::prelude::DataFrame) -> Result<(), TableError> {
        group.rechunk_mut_par();
        self.writer.write_batch(&group)?;
        Ok(())
    }

    /// Write the last rows and the file's footer.
    fn finish(mut self) -> Result<(), TableError> {
        if let Some(rest) = self.pending.take() {
            self.write_group(rest)?;
        }
        self.writer.finish()?;
        Ok(())
    }
}

/// Render `frame` in `format` into memory (tests, the report).
pub fn to_bytes(frame: &Frame, format: Format) -> Result<Vec<u8>, TableError> {
    let mut out = Vec::new();
    write_to(frame, format, &mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{Table, Values};

    fn frame() -> Frame {
        let t = Table::new()
            .with("phrase", Values::Str(vec!["party cells".into(), "a, \"b\"".into()]))
            .with("n", Values::Int(vec![2, 2]))
            .with("dp", Values::Float(vec![0.123_456_789, f64::NAN]))
            .with("date", Values::Date(vec![chrono::NaiveDate::from_ymd_opt(2017, 12, 24), None]));
        Frame::from_table(t).unwrap()
    }

    fn text(format: Format) -> String {
        String::from_utf8(to_bytes(&frame(), format).unwrap()).unwrap()
    }

    #[test]
    fn csv_quotes_and_rounds() {
        assert_eq!(
            text(Format::Csv),
            "phrase,n,dp,date\nparty cells,2,0.123457,2017-12-24\n\"a, \"\"b\"\"\",2,,\n"
        );
    }

    #[test]
    fn csv_floats_are_rounded_and_shortest() {
        let t = Table::new().with("x", Values::Float(vec![0.5, 250000.0, 1.0 / 3.0, 2.0e-7, 1e-6]));
        let out = to_bytes(&Frame::from_table(t).unwrap(), Format::Csv).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text, "x\n0.5\n250000.0\n0.333333\n0.0\n1e-6\n");
        // Exactly the rounded values, read back.
        let back: Vec<f64> = text.lines().skip(1).map(|l| l.parse().unwrap()).collect();
        assert_eq!(back, [0.5, 250000.0, 0.333333, 0.0, 0.000001]);
    }

    #[test]
    fn tsv() {
        assert_eq!(text(Format::Tsv).lines().next().unwrap(), "phrase\tn\tdp\tdate");
    }

    #[test]
    fn json_records() {
        let v: serde_json::Value = serde_json::from_str(&text(Format::Json)).unwrap();
        assert_eq!(v[0]["phrase"], "party cells");
        assert_eq!(v[0]["n"], 2);
        assert_eq!(v[0]["dp"], 0.123457);
        assert_eq!(v[0]["date"], "2017-12-24");
        assert!(v[1]["dp"].is_null() && v[1]["date"].is_null());
    }

    #[test]
    fn parquet_round_trips() {
        let bytes = to_bytes(&frame(), Format::Parquet).unwrap();
        let back = crate::table::input::read_parquet_bytes(bytes).unwrap();
        assert_eq!(back.columns, ["phrase", "n", "dp", "date"]);
        assert_eq!(back.rows[0][0].as_deref(), Some("party cells"));
    }

    #[test]
    fn format_from_extension() {
        assert_eq!(Format::from_path(Path::new("x.CSV")), Some(Format::Csv));
        assert_eq!(Format::from_path(Path::new("x.parquet")), Some(Format::Parquet));
        assert_eq!(Format::from_path(Path::new("x.xlsx")), None);
    }

    #[test]
    fn file_output_is_atomic_and_missing_folder_fails() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.csv");
        write(&frame(), Format::Csv, &Output::File(p.clone())).unwrap();
        assert!(std::fs::read_to_string(&p).unwrap().starts_with("phrase,n"));
        let bad = Output::File(dir.path().join("missing/t.csv"));
        let e = write(&frame(), Format::Csv, &bad).unwrap_err();
        assert!(e.to_string().contains("missing"), "{e}");
    }

    /// A table of `rows` rows with every kind of column, nulls and NaN included.
    fn big(rows: usize, from: usize) -> Table {
        let r = from..from + rows;
        Table::new()
            .with(
                "phrase",
                Values::Str(r.clone().map(|i| format!("w{} x{}", i % 977, i)).collect()),
            )
            .with("n", Values::Int(r.clone().map(|i| (i % 5) as i64).collect()))
            .with(
                "dp",
                Values::Float(
                    r.clone()
                        .map(|i| if i % 11 == 0 { f64::NAN } else { i as f64 / 7.0 })
                        .collect(),
                ),
            )
            .with(
                "date",
                Values::Date(
                    r.map(|i| {
                        chrono::NaiveDate::from_ymd_opt(2000 + (i % 20) as i32, 1, 1)
                            .filter(|_| i % 3 > 0)
                    })
                    .collect(),
                ),
            )
    }

    /// `total` rows streamed in tables of `chunk` rows to a file, its bytes.
    fn streamed(total: usize, chunk: usize, format: Format) -> Vec<u8> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t");
        let mut at = 0;
        let next = || -> Result<Option<Table>, std::convert::Infallible> {
            let n = chunk.min(total - at);
            at += n;
            Ok((n > 0).then(|| big(n, at - n)))
        };
        write_stream(big(0, 0), format, &Output::File(path.clone()), next).unwrap();
        std::fs::read(path).unwrap()
    }

    #[test]
    fn parquet_and_json_streamed_are_the_bytes_of_the_whole_table() {
        let total = 2 * PARQUET_GROUP_ROWS + 1234;
        let whole = Frame::from_table(big(total, 0)).unwrap();
        for format in [Format::Parquet, Format::Json] {
            let at_once = to_bytes(&whole, format).unwrap();
            for chunk in [1000, PARQUET_GROUP_ROWS, total] {
                assert!(
                    streamed(total, chunk, format) == at_once,
                    "{format:?} in chunks of {chunk}"
                );
            }
        }
        // Row groups of PARQUET_GROUP_ROWS rows, read back whole.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.parquet");
        std::fs::write(&path, to_bytes(&whole, Format::Parquet).unwrap()).unwrap();
        use polars_io::prelude::SerReader;
        let meta = polars_io::prelude::ParquetReader::new(std::fs::File::open(&path).unwrap())
            .get_metadata()
            .unwrap()
            .clone();
        let groups: Vec<usize> = meta.row_groups.iter().map(|g| g.num_rows()).collect();
        assert_eq!(groups, [PARQUET_GROUP_ROWS, PARQUET_GROUP_ROWS, 1234]);
        assert!(crate::table::read_table(&path).unwrap().df.equals_missing(&whole.df));
        // JSON: what serde_json prints for all the rows at once (the former writer).
        let json: serde_json::Value =
            serde_json::from_slice(&to_bytes(&whole, Format::Json).unwrap()).unwrap();
        let mut pretty = serde_json::to_vec_pretty(&json).unwrap();
        pretty.push(b'\n');
        assert!(pretty == to_bytes(&whole, Format::Json).unwrap());
        // No rows: an empty array, and a Parquet file of the columns with no row group.
        assert_eq!(streamed(0, 10, Format::Json), b"[]\n");
        let empty = to_bytes(&Frame::from_table(big(0, 0)).unwrap(), Format::Parquet).unwrap();
        assert!(streamed(0, 10, Format::Parquet) == empty);
    }
}
