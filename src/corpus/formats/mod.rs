//! One file per input format; each turns decoded input into [`Record`]s.
//!
//! `text` and `html` give one record per file; `json`, `jsonl`, `csv` and `parquet` one per
//! record, row or line, with problems (malformed lines, short rows, `null` entries) reported
//! and the rest of the file still read.

pub mod csv;
pub mod html;
pub mod json;
pub mod jsonl;
pub mod parquet;
pub mod text;

use super::record::Record;

/// The records of one file.
#[derive(Debug, Default)]
pub struct Parsed {
    /// Records in file order.
    pub records: Vec<Record>,
    /// Whether the file holds records (ids `stem#N`) rather than a single document.
    pub multi: bool,
}
