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

/// Columns of `refrain freq --by` (the group column is `period`, `doc` or the metadata
/// column's name).
pub const FREQ_BY: &[ColumnDoc] = &[
    col("phrase", "display form: the most frequent surface form counted under the key"),
    col("key", "normalised key"),
    col("n", "number of words"),
    col(
        "period",
        "the group: a period (2016, 2016-Q2, 2016-03, 2016-W05, 2016-03-05), a document id, \
         or a value of the --by column (then named after it)",
    ),
    col("count", "occurrences in the group (0 when the phrase is absent from it)"),
    col(
        "per_million",
        "count per million word tokens of the group; empty when the group has no tokens",
    ),
    col("docs", "documents of the group that contain it"),
    col("doc_share", "docs divided by the group's documents; empty when it has none"),
    col("tokens", "word tokens in the group (all documents of the group)"),
];

/// Columns of a partial (`refrain freq --partial`; docs/partials.md): one row per document,
/// then one per n-gram; the columns of the other kind are null.
pub const PARTIAL: &[ColumnDoc] = &[
    col("kind", "`document` or `ngram`"),
    col("doc", "document: its number in this partial (0, 1, …)"),
    col("doc_id", "document: its id"),
    col("source", "document: the path it was read from"),
    col("title", "document: its title (may be null)"),
    col("date", "document: its date, YYYY-MM-DD (may be null; precision in meta)"),
    col("meta", "document: its metadata, a JSON object of strings"),
    col("words", "document: its words"),
    col("key", "n-gram: the keys of its words joined by a space"),
    col("n", "n-gram: number of words"),
    col("count", "n-gram: occurrences in the shard"),
    col("docs", "n-gram: documents of the shard holding it"),
    col("surfaces", "n-gram: its surface forms (list)"),
    col("surface_counts", "n-gram: occurrences of each surface form (list)"),
    col("doc_list", "n-gram: the `doc` numbers holding it, increasing (list)"),
    col("doc_counts", "n-gram: its occurrences in each of them (list)"),
];

/// Columns of `refrain trend` (one row per phrase and period).
pub const TREND: &[ColumnDoc] = &[
    col("phrase", "the phrase as given, or the display form of a top n-gram"),
    col("key", "the keys matched (surface forms with --exact; * for a wildcard)"),
    col("n", "number of words"),
    col("period", "the period (or document, or --by column value; then named after it)"),
    col("count", "occurrences in the period"),
    col("tokens", "word tokens in the period"),
    col("per_million", "count per million tokens of the period; empty when it has no tokens"),
    col("ci_low", "lower bound of the 95% interval of per_million (exact Poisson, Garwood)"),
    col("ci_high", "upper bound of the 95% interval of per_million"),
    col("docs", "documents of the period that contain it"),
    col(
        "z",
        "spike score: conditional binomial z of the period's count against the --baseline \
         periods before it; empty, not 0, when the period has no words or no baseline (or for \
         --by COLUMN)",
    ),
    col("spike", "true when z ≥ --spike-z and count ≥ 5"),
];

/// Columns of `refrain trend --summary` (one row per phrase).
pub const TREND_SUMMARY: &[ColumnDoc] = &[
    col("phrase", "the phrase as given, or the display form of a top n-gram"),
    col("key", "the keys matched"),
    col("n", "number of words"),
    col("count", "occurrences in all periods"),
    col("docs", "documents that contain it"),
    col("first_period", "first period in which it occurs; empty when it never does"),
    col("last_period", "last period in which it occurs"),
    col("first_date", "date of the earliest document containing it, at that document's precision"),
    col("last_date", "date of the latest document containing it"),
    col("lifespan", "periods from first_period to last_period, both included"),
    col("active", "periods in which it occurs"),
    col("peak_period", "period of the highest per_million (the earliest on ties)"),
    col("peak_count", "count in the peak period"),
    col("peak_per_million", "per_million in the peak period"),
    col("spikes", "periods flagged as spikes"),
];

/// Columns of `refrain keyness`.
pub const KEYNESS: &[ColumnDoc] = &[
    col("phrase", "display form"),
    col("key", "normalised key"),
    col("n", "number of words"),
    col("a", "occurrences in the target"),
    col("b", "occurrences in the reference"),
    col("c", "word tokens of the target"),
    col("d", "word tokens of the reference"),
    col("pm_target", "a per million target tokens"),
    col("pm_reference", "b per million reference tokens"),
    col("docs_target", "target documents that contain it"),
    col("docs_reference", "reference documents that contain it"),
    col(
        "g2",
        "log-likelihood G² (Rayson's two-term form), negative when relatively more frequent \
         in the reference",
    ),
    col("p", "p-value of |G²| (χ², 1 degree of freedom); tiny values print as 0"),
    col("bic", "|G²| − ln(c + d): > 2 positive, > 6 strong, > 10 very strong evidence"),
    col(
        "log_ratio",
        "log2 of the ratio of relative frequencies (+1 = twice as frequent in the target); \
         a count of 0 is taken as 0.5",
    ),
    col("pct_diff", "%DIFF: 100 (a/c − b/d) / (b/d); empty when b = 0"),
];

/// Columns of `refrain kwic`.
pub const KWIC: &[ColumnDoc] = &[
    col("doc", "document id"),
    col("title", "document title, when it has one"),
    col("date", "document date at its known precision (2016, 2016-03 or 2016-03-05)"),
    col("left", "up to --window words before the match, as written"),
    col("match", "the match as written"),
    col("right", "up to --window words after the match, as written"),
    col("word", "position of the match's first word in its document (1 = first word)"),
];

/// Columns of `refrain docs`.
pub const DOCS: &[ColumnDoc] = &[
    col(
        "id",
        "document id: the id field, else the file stem (with #N for the N-th record of a file)",
    ),
    col("source", "the file it was read from (- for stdin, <sample> for the bundled sample)"),
    col("title", "title or headline, when there is one"),
    col(
        "date",
        "date from a record field, the file name, or a KCNA dateline (in that order), at its \
         precision: 1790 (month and day unknown), 1790-03 (day unknown) or 1790-03-04",
    ),
    col("date_precision", "day, month or year: how much of the date the source gave"),
    col("words", "word tokens counted in the document (title included)"),
    col(
        "removed_chars",
        "characters cleaning removed (markup, datelines, footers, ...; not spaces)",
    ),
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
