//! Tables: the only module that uses Polars.
//!
//! # Brief overview
//!
//! Commands build a [`Table`]: named, typed columns with no Polars types, so that the rest of
//! the crate never sees Polars. [`Frame`] turns it into a Polars `DataFrame`, where sorting,
//! limiting, grouping and joining happen, and [`export`] writes a frame as an aligned terminal
//! table, CSV, TSV, JSON or Parquet, to stdout or atomically to a file. [`schema`] documents
//! every column of every table refrain writes; the `--help` texts are built from it.

pub mod export;
pub mod frame;
pub mod input;
pub mod schema;
mod terminal;

pub use export::{Format, Output, write};
pub use frame::{Frame, SortKey};

use chrono::NaiveDate;

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

/// The values of one column.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    /// Text.
    Str(Vec<String>),
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

    /// Number of rows.
    pub fn height(&self) -> usize {
        self.columns.first().map_or(0, |(_, v)| v.len())
    }
}
