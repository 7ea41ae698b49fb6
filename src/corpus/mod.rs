//! Corpus input: turns paths into [`Document`]s.
//!
//! This module owns everything between the user's PATH arguments and clean document text:
//! walking folders, detecting formats (`.txt .md .html .htm .json .jsonl .ndjson .csv .tsv
//! .parquet`, each optionally `.gz`), picking the text/title/date/id fields of records,
//! cleaning (HTML remnants, KCNA datelines and end marks, footers, a title printed twice before
//! a dateline, line-end hyphenation, hard-wrapped lines, NFKC; every removal counted), and
//! dating documents. It never panics and never
//! aborts a run on one bad input: every problem becomes a [`Problem`] that names the file and,
//! where there is one, the line or record.
//!
//! Nothing here tokenises or counts; the output is plain owned text plus metadata.
//!
//! Entry points: [`list_inputs`] turns PATH arguments into [`Input`]s, [`read_input`] reads
//! one of them (safe to call from many threads at once), [`detect_language`] tells English
//! from Spanish (KCNA) for `--only-lang`.
//!
//! Layout: `walk` (PATH → inputs), `format` (extension → format), `read` (one input →
//! documents), `pieces` (one large record file read a piece at a time), `decode` (bytes →
//! text: gzip, binary and UTF-8 checks), `formats/*` (one file
//! per input format, each producing [`record::Record`]s), `record` (picking text, title, date,
//! id and metadata out of a record), `clean/*` (text cleaning), `dates`, `lang`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::NaiveDate;

pub mod clean;
pub mod dates;
mod decode;
mod error;
pub mod format;
mod formats;
pub mod lang;
mod pieces;
mod read;
pub mod record;
mod walk;

#[cfg(test)]
mod real_data_tests;

pub use dates::{DateGuess, Precision};
pub use error::CorpusError;
pub use lang::{detect_language, document_language};
pub use pieces::{PieceReader, streams};
pub use read::{DEFAULT_MAX_FILE_BYTES, StdinAhead, read_input};
pub use walk::{DEFAULT_EXCLUDES, list_inputs, special_kind};

/// The bundled sample corpus (the seed KCNA article), read as a `.txt` file with source
/// `<sample>` when no PATH is given.
pub const SAMPLE_TEXT: &str = include_str!("../../data/sample/seed.txt");

/// One document: an article, a speech, a record of a JSON/CSV file, or a whole text file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Document {
    /// Stable identifier: the `--id-field` value, else the file stem, with `#N` (1-based record
    /// number) appended for files that hold several records.
    pub id: String,
    /// The path the document was read from (`-` for stdin, `<sample>` for the bundled sample).
    pub source: String,
    /// Title or headline, when the input has one.
    pub title: Option<String>,
    /// Publication date from a record field, the file name, or a KCNA dateline (in that order).
    pub date: Option<NaiveDate>,
    /// Other metadata, ordered: remaining scalar record fields (inherited from parent objects),
    /// `place` and `agency` from a dateline, `url`, and so on.
    pub meta: BTreeMap<String, String>,
    /// Cleaned text. Paragraphs are separated by a blank line (`"\n\n"`); hard-wrapped lines are
    /// already joined. When the document has a title, the text begins with the title as its own
    /// paragraph, so that the title is counted but no n-gram crosses from title into body.
    /// With [`CleanMode::None`] it is the text as decoded (line endings normalised, no title
    /// prepended).
    pub text: String,
    /// What cleaning removed from the document (nothing with [`CleanMode::None`]).
    pub removed: clean::Removed,
}

/// How to clean text (`--clean`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CleanMode {
    /// KCNA cleaning where a KCNA dateline is seen, generic cleaning otherwise.
    #[default]
    Auto,
    /// Always apply KCNA cleaning (datelines, ` -0-` end marks, glued leader names, footers).
    Kcna,
    /// Only decode bytes: no HTML stripping, unwrapping or normalisation.
    None,
}

/// Options for reading a corpus; `None` fields are detected from the records.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Record field holding the text (default: first of text/content/body/story_text/…).
    pub text_field: Option<String>,
    /// Record field holding the title (default: title/headline).
    pub title_field: Option<String>,
    /// Record field holding the date (default: date/date_str/published).
    pub date_field: Option<String>,
    /// Record field holding the id (default: id, else file stem + record number).
    pub id_field: Option<String>,
    /// Cleaning mode.
    pub clean: CleanMode,
    /// Files (and decompressed `.gz` content) larger than this are skipped as `too large`
    /// (`--max-file-size`; `None`: [`DEFAULT_MAX_FILE_BYTES`]).
    pub max_file_bytes: Option<u64>,
    /// Standard input, when the pipeline read it ahead to know its size.
    pub stdin: StdinAhead,
}

impl ReadOptions {
    /// The size cap of one input.
    pub fn max_bytes(&self) -> u64 {
        self.max_file_bytes.unwrap_or(DEFAULT_MAX_FILE_BYTES)
    }
}

/// One input to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A file found on disk (directly named or found while walking a folder).
    File(PathBuf),
    /// Standard input (`-`); its format is sniffed from the content.
    Stdin,
    /// The sample corpus compiled into the binary.
    Sample,
}

/// What was done about a problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Action {
    /// The input (file or record) was left out of the analysis.
    Skipped,
    /// The input was used after a repair (e.g. invalid UTF-8 decoded lossily).
    Repaired,
}

/// A problem found while reading; reported on stderr and counted in the run summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file concerned (`-` for stdin).
    pub path: String,
    /// Where in the file, e.g. `line 12` or `record 7`, when known.
    pub location: Option<String>,
    /// Short, stable category used to group counts in the summary, e.g. `empty file`,
    /// `invalid UTF-8`, `malformed JSON`, `record without text`, `binary file`.
    pub kind: &'static str,
    /// Human-readable detail.
    pub message: String,
    /// Skipped or repaired.
    pub action: Action,
}

impl Problem {
    /// A problem about which the input (file or record) was left out.
    pub fn skipped(
        path: &str,
        location: Option<String>,
        kind: &'static str,
        message: String,
    ) -> Self {
        Problem { path: path.to_string(), location, kind, message, action: Action::Skipped }
    }

    /// A problem that was repaired; the input was used.
    pub fn repaired(
        path: &str,
        location: Option<String>,
        kind: &'static str,
        message: String,
    ) -> Self {
        Problem { path: path.to_string(), location, kind, message, action: Action::Repaired }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let verb = match self.action {
            Action::Skipped => "skipped",
            Action::Repaired => "repaired",
        };
        write!(f, "{}", self.path)?;
        if let Some(loc) = &self.location {
            write!(f, ", {loc}")?;
        }
        write!(f, ": {}: {} ({verb})", self.kind, self.message)
    }
}

/// The documents and problems from one input.
#[derive(Debug, Default)]
pub struct ReadResult {
    /// Documents in file order.
    pub docs: Vec<Document>,
    /// Problems in file order.
    pub problems: Vec<Problem>,
}
