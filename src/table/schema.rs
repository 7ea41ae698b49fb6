//! The columns of every table refrain writes, with their meaning. `--help` texts and the README
//! are written from these descriptions; keep them in step.

/// A documented column.
#[derive(Debug, Clone, Copy)]
pub struct ColumnDoc {
    /// Column name as written in the header.
    pub name: &'static str,
    /// What it holds.
    pub doc: &'static str,
}

const fn col(name: &'static str, doc: &'static str) -> ColumnDoc {
    ColumnDoc { name, doc }
}

/// Columns of `refrain freq`.
pub const FREQ: &[ColumnDoc] = &[
    col(
        "phrase",
        "display form: the most frequent surface form counted under the key (lower case)",
    ),
    col("key", "normalised key: the Snowball stems of the words (surface forms with --no-stem)"),
    col("n", "number of words"),
    col("count", "occurrences in the corpus"),
    col("per_million", "count per million word tokens of the corpus"),
    col("docs", "number of documents that contain it (range)"),
    col("doc_share", "docs divided by the number of documents"),
    col(
        "dp",
        "Gries' DP_norm over documents: 0 = spread like the corpus, 1 = packed into one document; \
         empty when the corpus has fewer than two documents",
    ),
    col("variants", "number of distinct surface forms counted under the key"),
];

/// Columns of `refrain docs`.
pub const DOCS: &[ColumnDoc] = &[
    col(
        "id",
        "document id: the id field, else the file stem (with #N for the N-th record of a file)",
    ),
    col("source", "the file it was read from (- for stdin, <sample> for the bundled sample)"),
    col("title", "title or headline, when there is one"),
    col("date", "date from a record field, the file name, or a KCNA dateline (in that order)"),
    col("date_precision", "day, month or year: how much of the date the source gave"),
    col("words", "word tokens counted in the document (title included)"),
    col("place", "place of a KCNA dateline (e.g. Pyongyang)"),
    col("agency", "agency of a KCNA dateline as written (KCNA, ACNC for Spanish, ...)"),
];

/// Render column docs as an aligned list for `--help`.
pub fn help_list(columns: &[ColumnDoc]) -> String {
    let width = columns.iter().map(|c| c.name.len()).max().unwrap_or(0);
    columns.iter().map(|c| format!("  {:width$}  {}\n", c.name, c.doc)).collect()
}
