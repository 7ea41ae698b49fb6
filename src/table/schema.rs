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

/// Columns of `refrain phrases`. `first`, `last` and `peak_period` appear when some document
/// is dated. (Descriptions fit one line of `--help`; the notes below hold the details.)
pub const PHRASES: &[ColumnDoc] = &[
    col("phrase", "display form: the most frequent surface form counted under the key"),
    col("key", "normalised key: the Snowball stems of the words"),
    col("n", "number of words"),
    col("count", "all occurrences in the corpus"),
    col("independent", "occurrences not inside a longer reported phrase (O'Donnell 2011)"),
    col("parent", "the longer reported phrase holding most of its occurrences; empty if none"),
    col("per_million", "count per million word tokens of the corpus"),
    col("docs", "number of documents that contain it (range)"),
    col("doc_share", "docs divided by the number of documents"),
    col("dp", "Gries' DP_norm over documents: 0 = spread like the corpus, 1 = in one"),
    col("g2", "signed log-likelihood 2 Σ O ln(O/E), < 0 when O11 < E11 (Dunning 1993)"),
    col("mi", "mutual information log2(O11/E11) (Church & Hanks 1990)"),
    col("t", "t-score (O11 − E11)/√O11 (Church et al. 1991)"),
    col("logdice", "logDice 14 + log2(2·O11/(R1 + C1)) (Rychlý 2008)"),
    col("scp", "SCP_f: f² / mean over cuts of f(X)·f(Y), in (0, 1] (da Silva & Lopes 1999)"),
    col("first", "date of the earliest document containing it (at that date's precision)"),
    col("last", "date of the latest document containing it"),
    col("peak_period", "month (YYYY-MM) of its highest rate per million; YYYY if years only"),
];

/// Details of [`PHRASES`] for `--help`.
pub const PHRASES_NOTES: &str = "\
Candidates: n-grams passing --min-count, --min-docs and --min-per-million, inside a sentence,
with no stop word at an edge (--stopword-edges keep allows them).
--overlap maximal, from the longest down: a candidate is dropped when 80% or more of its
occurrences lie inside longer reported phrases. At the longest length counted, a phrase is
dropped when 80% or more of its occurrences start one word after the same window (not starting
with a stop word): it continues a longer formula, shown by its first window.
Association: cutting a phrase into X + Y gives the table O11 = count of the phrase, R1 = count
of X, C1 = count of Y, N = word tokens, E11 = R1·C1/N (Evert 2005). Bigrams have one cut (X
and Y are the words); g2, mi, t and logdice of longer phrases are the smallest over the n − 1
cuts (the weakest joint).
peak_period: months when every dated document has a month, else years (e.g. a corpus dated by
year only); undated documents take no part.
Frames (--frames): left part, one open slot, right part (3 to 6 words), at least 2 fillers;
with --overlap maximal a frame is left out when its top filler takes 80% or more of the slot
(it is a phrase) or a longer frame with the same slot holds 80% or more of its occurrences.
Formulaicity (--per-doc): formula occurrences are placed longest first, then leftmost, without
overlap; covered words / words.
Counts below about 5 are noisy.
";

/// Columns of `refrain phrases --frames`.
pub const FRAMES: &[ColumnDoc] = &[
    col("frame", "the frame in display forms, `*` marking the open slot"),
    col("key", "normalised key of the frame"),
    col("n", "number of words, the slot included (3 to 6)"),
    col("count", "occurrences, whatever fills the slot"),
    col("docs", "number of documents that contain it"),
    col("fillers", "number of distinct words (keys) seen in the slot"),
    col("top_fillers", "the five most frequent fillers with their counts (`party 12; army 3`)"),
    col("entropy", "slot entropy −Σ p log2 p over the fillers' shares, in bits"),
    col("fixedness", "share of the most frequent filler"),
];

/// Columns of `refrain phrases --per-doc`.
pub const FORMULAICITY: &[ColumnDoc] = &[
    col("id", "document id"),
    col("title", "document title"),
    col("date", "document date at its precision (YYYY-MM-DD, YYYY-MM or YYYY)"),
    col("tokens", "word tokens of the document"),
    col("covered", "tokens covered by formulas, placed longest first without overlap"),
    col("formulas", "formula occurrences placed"),
    col("formulaicity", "covered / tokens"),
];

/// Render column docs as an aligned list for `--help`.
pub fn help_list(columns: &[ColumnDoc]) -> String {
    let width = columns.iter().map(|c| c.name.len()).max().unwrap_or(0);
    columns.iter().map(|c| format!("  {:width$}  {}\n", c.name, c.doc)).collect()
}
