//! What a report shows: the corpus facts, the tables with their first rows, the formulas in
//! context and the charts ([`Report`]), as the page, the summary and the manifest render it.

use super::context::Context;
use super::view::View;
use crate::table::Frame;

/// Facts about the analysed corpus.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Facts {
    /// Inputs read (files, stdin, the sample).
    pub inputs: usize,
    /// Documents analysed.
    pub documents: usize,
    /// Word tokens.
    pub words: u64,
    /// Sentences.
    pub sentences: u64,
    /// Documents with a date.
    pub dated: usize,
    /// The earliest date, at its document's precision.
    pub first_date: Option<String>,
    /// The latest date.
    pub last_date: Option<String>,
}

/// A formula shown in context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InContext {
    /// The formula.
    pub phrase: String,
    /// Its occurrences.
    pub count: String,
    /// Documents containing it.
    pub docs: String,
    /// The document's id, title and date, and the sentence.
    pub doc_id: String,
    /// Title of the document.
    pub title: Option<String>,
    /// Date of the document.
    pub date: Option<String>,
    /// The sentence around the formula.
    pub context: Context,
}

/// A chart of the report.
#[derive(Debug, Clone)]
pub struct ChartFile {
    /// File name inside `charts/`.
    pub file: String,
    /// What it shows (the chart's title; the image's alternative text).
    pub title: String,
    /// The PNG.
    pub png: Vec<u8>,
}

/// A table of the report: its file, what it holds, and its first rows.
#[derive(Debug, Clone)]
pub struct TableFile {
    /// File name.
    pub file: &'static str,
    /// Section title.
    pub title: &'static str,
    /// One sentence on what it holds.
    pub about: String,
    /// The first rows.
    pub view: View,
}

/// Everything a report shows.
#[derive(Debug, Clone)]
pub struct Report {
    /// The corpus' name.
    pub name: String,
    /// refrain's version.
    pub version: &'static str,
    /// The corpus.
    pub facts: Facts,
    /// The reading summary: what was read, skipped or repaired, one line each.
    pub reading: Vec<String>,
    /// Minimum occurrences and documents of every table.
    pub thresholds: (u32, u32),
    /// Notes on what the report could not do (e.g. no trends for an undated corpus) or chose
    /// by itself (decades for a corpus spanning more than 60 years).
    pub notes: Vec<String>,
    /// The period of the trends (`month`, `year`, `decade`, …), as asked or as chosen; none
    /// when the report has no trends.
    pub periods: Option<&'static str>,
    /// The tables in page order.
    pub tables: Vec<TableFile>,
    /// The top formulas with a sentence each.
    pub in_context: Vec<InContext>,
    /// The charts in page order.
    pub charts: Vec<ChartFile>,
    /// The keyness comparison, when there is one.
    pub comparison: Option<Sides>,
}

/// The two sides of a keyness comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sides {
    /// The target's name.
    pub target: String,
    /// The reference's name.
    pub reference: String,
    /// How they were told apart, with their sizes.
    pub how: String,
}

/// The top formulas per period.
pub(super) struct Trends {
    /// One row per formula and period.
    pub(super) table: Frame,
    /// One row per formula.
    pub(super) summary: Frame,
    /// The period.
    pub(super) period: crate::group::PeriodKind,
    /// Number of periods.
    pub(super) periods: usize,
}

/// Frames computed by the stages, waiting to be written.
pub(super) struct Tables {
    pub(super) terms: Frame,
    pub(super) ngrams: Frame,
    pub(super) phrases: Frame,
    pub(super) frames: Frame,
    pub(super) trends: Option<Trends>,
    pub(super) keyness: Option<Frame>,
}
