//! Tables: the only module that uses Polars.
//!
//! # Brief overview
//!
//! Commands build a [`Table`]: named, typed columns with no Polars types, so that the rest of
//! the crate never sees Polars. [`Frame`] turns it into a Polars `DataFrame`, where sorting,
//! limiting, grouping and joining happen, and [`export`] writes a frame as an aligned terminal
//! table, CSV, TSV, JSON or Parquet, to stdout or atomically to a file. A table of a million
//! rows can also be handed over [`Chunked`], as a way to make it a chunk of rows at a time:
//! CSV and TSV are then written straight from the chunks, a few at a time, and only the other
//! formats build the whole frame. [`schema`] documents
//! every column of every table refrain writes; the `--help` texts are built from it.
//!
//! Text from the corpus reaches other programs through these writers, so they hold the
//! hostile-text policy: CSV and TSV cells that a spreadsheet would run as formulas are
//! neutralised unless `--raw-cells` ([`Cells`], set once per run by [`set_cells`]), and the
//! terminal table shows bidirectional controls as visible escapes.

mod delimited;
pub mod export;
pub mod frame;
pub mod input;
pub mod join;
pub mod partial;
pub mod schema;
mod terminal;

pub use export::{Format, Output, StreamError, write, write_chunked, write_stream};
pub use frame::{Frame, SortKey};
pub use input::read_table;

use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::NaiveDate;

/// How CSV and TSV text cells that start like a spreadsheet formula (`=`, `+`, `-`, `@`, a tab
/// or a carriage return) are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Cells {
    /// With a `'` in front, so that a spreadsheet shows them as text (OWASP's advice against
    /// CSV injection). The default.
    #[default]
    Neutralise,
    /// As they are (`--raw-cells`), for programs that read the values themselves.
    Raw,
}

static RAW_CELLS: AtomicBool = AtomicBool::new(false);

/// Set how every CSV and TSV this process writes treats formula-like text cells (the command
/// line's `--raw-cells`; a report's tables follow it too).
pub fn set_cells(cells: Cells) {
    RAW_CELLS.store(cells == Cells::Raw, Ordering::Relaxed);
}

/// How CSV and TSV text cells are written in this process (see [`set_cells`]).
pub fn cells() -> Cells {
    if RAW_CELLS.load(Ordering::Relaxed) { Cells::Raw } else { Cells::Neutralise }
}

/// The bidi controls the terminal table and the HTML report show as `<U+202E>` instead of
/// obeying them ("Trojan Source"): the one definition, beside the other direction marks.
pub use crate::analysis::normalize::is_bidi_control;

/// Errors from the table layer, with Polars errors turned into text at this one place.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TableError {
    /// Polars failed (building, sorting, joining or writing a frame).
    #[error("table: {0}")]
    Polars(String),
    /// Writing failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// A column named by the caller does not exist.
    #[error("no column `{0}` in the table")]
    NoColumn(String),
}

impl From<polars::prelude::PolarsError> for TableError {
    fn from(e: polars::prelude::PolarsError) -> Self {
        TableError::Polars(e.to_string())
    }
}

/// Many strings in one buffer: building a million-row column this way costs two allocations
/// instead of a million.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextColumn {
    buf: String,
    ends: Vec<usize>,
}

impl TextColumn {
    /// An empty column with room for `rows` values of about 32 bytes (a phrase of a few words;
    /// growing the buffer later copies it).
    pub fn with_capacity(rows: usize) -> Self {
        TextColumn { buf: String::with_capacity(rows * 32), ends: Vec::with_capacity(rows) }
    }

    /// Append one value made of `parts` joined by `sep`.
    pub fn push_joined<'a>(&mut self, parts: impl IntoIterator<Item = &'a str>, sep: &str) {
        for (i, p) in parts.into_iter().enumerate() {
            if i > 0 {
                self.buf.push_str(sep);
            }
            self.buf.push_str(p);
        }
        self.ends.push(self.buf.len());
    }

    /// Append one value.
    pub fn push(&mut self, value: &str) {
        self.buf.push_str(value);
        self.ends.push(self.buf.len());
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Value `i`.
    pub fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.buf[start..self.ends[i]]
    }

    /// All values in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|i| self.get(i))
    }

    /// Append all values of `other`.
    pub fn append(&mut self, other: TextColumn) {
        let base = self.buf.len();
        self.buf.push_str(&other.buf);
        self.ends.extend(other.ends.into_iter().map(|e| e + base));
    }
}

/// The values of one column.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    /// Text.
    Str(Vec<String>),
    /// Text, many values in one buffer.
    Text(TextColumn),
    /// Text that may be missing.
    OptStr(Vec<Option<String>>),
    /// Whole numbers.
    Int(Vec<i64>),
    /// Real numbers; NaN is written as a missing value.
    Float(Vec<f64>),
    /// Dates that may be missing.
    Date(Vec<Option<NaiveDate>>),
    /// Flags.
    Bool(Vec<bool>),
}

impl Values {
    /// Number of values.
    pub fn len(&self) -> usize {
        match self {
            Values::Str(v) => v.len(),
            Values::Text(v) => v.len(),
            Values::OptStr(v) => v.len(),
            Values::Int(v) => v.len(),
            Values::Float(v) => v.len(),
            Values::Date(v) => v.len(),
            Values::Bool(v) => v.len(),
        }
    }

    /// True when there are no values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Append the values of `other`, which must be of the same kind.
    fn append(&mut self, other: Values) {
        match (self, other) {
            (Values::Str(a), Values::Str(b)) => a.extend(b),
            (Values::Text(a), Values::Text(b)) => a.append(b),
            (Values::OptStr(a), Values::OptStr(b)) => a.extend(b),
            (Values::Int(a), Values::Int(b)) => a.extend(b),
            (Values::Float(a), Values::Float(b)) => a.extend(b),
            (Values::Date(a), Values::Date(b)) => a.extend(b),
            (Values::Bool(a), Values::Bool(b)) => a.extend(b),
            _ => panic!("appending columns of different kinds"),
        }
    }
}

/// A table of named columns of equal length, in output order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    /// (name, values) in output order.
    pub columns: Vec<(String, Values)>,
}

impl Table {
    /// An empty table.
    pub fn new() -> Self {
        Table::default()
    }

    /// Add a column (builder style).
    pub fn with(mut self, name: &str, values: Values) -> Self {
        self.columns.push((name.to_string(), values));
        self
    }

    /// Stack tables with the same columns (e.g. parts built in parallel), in order.
    pub fn concat(parts: Vec<Table>) -> Table {
        let mut parts = parts.into_iter();
        let Some(mut out) = parts.next() else { return Table::new() };
        for part in parts {
            for ((name, mine), (other_name, theirs)) in out.columns.iter_mut().zip(part.columns) {
                assert_eq!(*name, other_name, "stacking tables with different columns");
                mine.append(theirs);
            }
        }
        out
    }

    /// Number of rows.
    pub fn height(&self) -> usize {
        self.columns.first().map_or(0, |(_, v)| v.len())
    }
}

/// A table of `rows` rows made on demand, `chunk` rows at a time, by `make(range)` (which must
/// give the same columns for every range, an empty range included).
pub struct Chunked<'a> {
    rows: usize,
    chunk: usize,
    make: Box<dyn Fn(Range<usize>) -> Table + Sync + 'a>,
}

impl<'a> Chunked<'a> {
    /// The table of `rows` rows whose rows `range` `make` builds.
    pub fn new(
        rows: usize,
        chunk: usize,
        make: impl Fn(Range<usize>) -> Table + Sync + 'a,
    ) -> Self {
        Chunked { rows, chunk: chunk.max(1), make: Box::new(make) }
    }

    /// Number of rows.
    pub fn height(&self) -> usize {
        self.rows
    }

    /// The table of rows `range`.
    pub fn make(&self, range: Range<usize>) -> Table {
        (self.make)(range)
    }

    /// Number of chunks.
    pub fn chunks(&self) -> usize {
        self.rows.div_ceil(self.chunk)
    }

    /// The rows of chunk `k`.
    pub fn chunk_rows(&self, k: usize) -> Range<usize> {
        k * self.chunk..((k + 1) * self.chunk).min(self.rows)
    }

    /// The whole table as a frame, chunks made in parallel (each converted as soon as it is
    /// made, so the rows are never held twice).
    pub fn frame(&self) -> Result<Frame, TableError> {
        use rayon::prelude::*;
        if self.rows == 0 {
            // No rows still means a header: the columns come from an empty table.
            return Frame::from_table(self.make(0..0));
        }
        let frames: Vec<Frame> = (0..self.chunks())
            .into_par_iter()
            .map(|k| Frame::from_table(self.make(self.chunk_rows(k))))
            .collect::<Result<_, _>>()?;
        Frame::concat(frames)
    }
}
