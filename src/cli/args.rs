//! Command-line definitions (clap derive). Doc comments are the help texts; no logic here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::table::Format;

/// Find the phrases a body of text keeps repeating, count them properly, follow them through
/// time, and chart them.
///
/// PATH is a file or a folder (read recursively, in sorted order), `-` for stdin; with no PATH
/// the bundled sample (a KCNA article) is analysed. Formats: .txt .md .html .htm .json .jsonl
/// .ndjson .csv .tsv .parquet, and .gz of any of them.
///
/// Inside folders, hidden files, unknown formats, special files (FIFOs, devices, sockets) and
/// folders holding a refrain report are skipped and counted; a file reached twice is read once.
/// A PATH naming a special file is an error. Files over --max-file-size are skipped.
///
/// Exit status: 0 on success (unreadable or malformed inputs are skipped, reported on stderr
/// and counted in the run summary); 2 on an error (unknown option, missing PATH, output that
/// cannot be written or that would overwrite an input, a --memory below 64M, a --temp-dir that
/// cannot be written, a full disk, out of memory).
#[derive(Debug, Parser)]
#[command(name = "refrain", version, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Worker threads (default: all cores; at most 4 per core, more is lowered with a note).
    /// Output is identical for any number.
    #[arg(short = 'j', long, global = true, value_name = "N")]
    pub threads: Option<usize>,
    /// Quieter stderr: `-q` hides progress bars and the run summary (warnings about the input
    /// and errors still appear); `-qq` hides the warnings too, as --silent does.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub quiet: u8,
    /// Print nothing on stderr but errors: no progress bars, no summary, no warnings (the same
    /// as `-qq`). Skipped and repaired inputs are still skipped and repaired.
    #[arg(long, global = true)]
    pub silent: bool,
    /// Write CSV and TSV text cells exactly as they are. By default a text cell that starts
    /// with `=`, `+`, `-`, `@`, a tab or a carriage return is written with a `'` in front, so
    /// that a spreadsheet shows it as text instead of running it as a formula (ids, titles and
    /// metadata come from the corpus). Numbers are never changed.
    #[arg(long, global = true)]
    pub raw_cells: bool,
    /// Report every input problem on stderr, not only the first ten.
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Frequency table of terms and n-grams: how often, how widely, how evenly.
    #[command(after_long_help = freq_columns())]
    Freq(FreqArgs),
    /// How phrases rise and fall over time: count, rate with its confidence interval, and
    /// spikes, per period.
    #[command(
        after_long_help = trend_columns(),
        override_usage = "refrain trend [OPTIONS] [PATH]... [PHRASE]...\n       refrain trend [OPTIONS] [PATH]... --top K"
    )]
    Trend(TrendArgs),
    /// What distinguishes a target from a reference: keywords and key phrases, both ways.
    #[command(after_long_help = keyness_columns())]
    Keyness(KeynessArgs),
    /// Every occurrence of a phrase in its context (keyword in context).
    #[command(
        after_long_help = kwic_columns(),
        override_usage = "refrain kwic [OPTIONS] [PATH]... PHRASE"
    )]
    Kwic(KwicArgs),
    /// Formulas: recurring phrases that are not just fragments of longer ones, with independent
    /// counts, parents, association, spread, phrase-frames (--frames) and formulaicity
    /// (--per-doc).
    #[command(after_long_help = phrases_columns())]
    Phrases(PhrasesArgs),
    /// The documents as read: id, source, title, date and size of each.
    #[command(after_long_help = docs_columns())]
    Docs(DocsArgs),
    /// Draw a PNG chart from a table that freq, phrases, trend or keyness wrote (CSV, TSV or
    /// Parquet), e.g. after filtering it.
    #[command(after_long_help = CHART_HELP)]
    Chart(ChartCommandArgs),
    /// The whole analysis of a corpus as a folder to open: tables, charts, summary.md,
    /// index.html and manifest.json, from one pass over the corpus.
    #[command(after_long_help = REPORT_HELP)]
    Report(ReportArgs),
    /// The freq table from partial counts (`freq --partial`) of shards of a corpus: the same
    /// bytes as `refrain freq` over all the shards' documents.
    #[command(after_long_help = merge_help())]
    Merge(MergeArgs),
}

const CHART_HELP: &str = "Charts and the columns they read:\n  \
    bar      the first rows (all of a table of up to 50 rows, else 20): `phrase` (or `frame`, \
    `id`), `count` (or --value), with `docs` as notes\n  \
    trend    a line per phrase (all of up to 10, else the first 8): `phrase`, `period` (or the \
    group column), `per_million` (or --value), with `ci_low`/`ci_high` as a band for up to 4 \
    lines\n  \
    heatmap  phrases × periods (all of up to 40 phrases, else 25): `phrase`, `period`, \
    `per_million` (or --value)\n  \
    zipf     rank–frequency per n: `n`, `count`\n  \
    keyness  the first target and last reference rows (15 each): `phrase`, `log_ratio` (or \
    --measure), sides from `g2`, notes from `a` and `b`\n\n\
    Periods without documents (empty `per_million`) are gaps; when they are more than half of \
    the periods they are left out.";

const REPORT_HELP: &str = "The folder (reports/<name of the input> unless -o) holds:\n  \
    terms.csv, ngrams.csv (2..5), phrases.csv, frames.csv   the freq and phrases tables\n  \
    trends.csv          the top formulas per period (dated corpora)\n  \
    keyness.csv         with --reference or --split\n  \
    charts/*.png        top terms, top phrases, Zipf; trend and heatmap when dated; keyness\n  \
    summary.md          corpus size, dates, what was skipped, the top formulas in context\n  \
    index.html          one self-contained page with the tables and charts\n  \
    manifest.json       version, options, corpus fingerprint, counts, timings\n\n\
    The folder is written beside its destination and renamed into place when complete, so a \
    failed run never leaves half a report, and an interrupted one (Ctrl-C, SIGTERM) removes its \
    temporary folder; those of killed runs are removed by the next run. An existing folder is \
    replaced only when it is empty or an earlier report whose manifest.json lists every file \
    it holds: a folder with any other file is never replaced or deleted. Folder walks leave \
    report folders out of the corpus, so -o may point inside the corpus folder.\n\n\
    Works within the memory budget (--memory): over it, the corpus's words go to a token index \
    on disk; the n-grams are counted there (as `freq` does) and only those that reach the \
    thresholds are held (about 224 bytes each, as `phrases` does; when they do not fit, the run \
    stops before writing and names the budget they need); formulas, frames, trends and keyness \
    are found a segment at a time, and the formulas in context are cut from their documents \
    read again. Every file but manifest.json's timings is the same bytes as with unlimited \
    memory. A corpus on standard input (-) is held in memory whatever the budget.";

fn trend_columns() -> String {
    use crate::table::schema::{TREND, TREND_SUMMARY, help_list};
    format!(
        "Positional arguments that name existing files or folders (or `-`) are the corpus; the \
         others are phrases.\n\nOutput columns (one row per phrase and period):\n{}\nWith \
         --summary (one row per phrase):\n{}\nThe interval is Poisson-exact (Garwood): valid \
         for counts of 0 and never below 95% coverage. The spike z is a conditional binomial \
         test of the period against the pooled --baseline periods before it; a spike needs \
         z ≥ --spike-z and a count of at least 5. z is empty, not 0, when the period holds no \
         words (per_million and the interval are empty too) or has no baseline (the first \
         period); it is 0 when the phrase occurs neither in the period nor in its baseline.\n\n\
         Decades and centuries are named by their first year: the 1780s are 1780–1789, the \
         1700s 1700–1799. first_date and last_date are printed at the precision the source \
         gives, as in every command: 1790 when only the year is known (the day is unknown, not \
         the 1st of January), 1790-03 when only the month is.\n\n\
         Works within the memory budget (--memory): a corpus larger than it is followed from \
         its token index on disk (phrases found a segment at a time, --top rows counted by \
         sorted runs), with the same output.",
        help_list(TREND),
        help_list(TREND_SUMMARY)
    )
}

fn keyness_columns() -> String {
    use crate::table::schema::{KEYNESS, help_list};
    format!(
        "Target and reference: PATH vs --reference PATH...; or documents dated on or after \
         --split vs those before; or documents meeting --where vs the rest. Output columns:\n{}\n\
         Formulas (a, b = occurrences in target and reference; c, d = their tokens; N = c + d):\n  \
         G² = 2[a ln(a/E1) + b ln(b/E2)], E1 = c(a+b)/N, E2 = d(a+b)/N (Rayson & Garside 2000)\n  \
         BIC = |G²| − ln N (Wilson 2013)\n  Log Ratio = log2((a/c)/(b/d)), 0 counted as 0.5 \
         (Hardie 2014)\n  %DIFF = 100 (a/c − b/d)/(b/d) (Gabrielatos & Marchi 2011)\n\n\
         Works within the memory budget (--memory): over it, every n-gram is counted with its \
         counts on each side from the token index on disk, and the rows are sorted by side and \
         measure in runs on disk and merged, with the same output (table and chart).",
        help_list(KEYNESS)
    )
}

fn kwic_columns() -> String {
    use crate::table::schema::{KWIC, help_list};
    format!(
        "Positional arguments that name existing files or folders (or `-`) are the corpus; the \
         others form the phrase.\n\nOutput columns:\n{}\nContexts are cut from the cleaned \
         text at word boundaries; a paragraph break inside a context is shown as ¶.\n\n\
         Works within the memory budget (--memory): a corpus larger than it is searched in its \
         token index on disk, and only the documents of the printed lines are read again from \
         their files for their contexts, with the same output (standard input cannot be read \
         twice, so a corpus with `-` must fit the budget).",
        help_list(KWIC)
    )
}

fn docs_columns() -> String {
    format!(
        "Output columns:\n{}\nWorks within the memory budget (--memory): the words of a corpus \
         larger than it are counted from its token index on disk, with the same output.",
        crate::table::schema::help_list(crate::table::schema::DOCS)
    )
}

/// Options of `refrain docs`.
#[derive(Debug, Args)]
pub struct DocsArgs {
    /// Corpus selection and analysis.
    #[command(flatten)]
    pub corpus: CorpusArgs,
    /// Where and how to write the table.
    #[command(flatten)]
    pub output: OutputArgs,
}

fn freq_columns() -> String {
    format!(
        "Output columns:\n{}\nRows are sorted by --sort, ties by key. Counts below about 5 are \
         noisy.\n\nWorks within the memory budget (--memory): over it, n-grams are counted from \
         the token index on disk in partitions, sorted in runs and merged as they are written; \
         --chart draws the first rows. The output is the same.",
        crate::table::schema::help_list(crate::table::schema::FREQ)
    )
}

fn phrases_columns() -> String {
    use crate::table::schema::{FORMULAICITY, FRAMES, PHRASES, help_list};
    format!(
        "Output columns:\n{}\nWith --frames:\n{}\nWith --per-doc:\n{}\n{}\n\n{}",
        help_list(PHRASES),
        help_list(FRAMES),
        help_list(FORMULAICITY),
        crate::table::schema::PHRASES_NOTES,
        PHRASES_MEMORY
    )
}

/// How `phrases` keeps to the memory budget.
const PHRASES_MEMORY: &str = "Works within the memory budget (--memory): over it, the corpus's \
     words go to a token index on disk, the n-grams are counted there in partitions that fit \
     (as `freq` does), and only those that reach --min-count and --min-docs are held, about 224 \
     bytes each, with 5 bytes per word of the corpus for the walks that decide the formulas; \
     the table (and --per-doc, --by) is the same bytes as with unlimited memory. When those \
     n-grams do not fit the budget, the run stops before writing and names the budget they \
     need (or raise --min-count). --frames counts its parts the same way and then finds the \
     frames a segment at a time, in as many passes over the segments as its tallies need to \
     fit what the budget leaves (two when they fit at once).";

/// Options of `refrain freq`.
#[derive(Debug, Args)]
pub struct FreqArgs {
    /// Corpus selection and analysis.
    #[command(flatten)]
    pub corpus: CorpusArgs,
    /// What to count.
    #[command(flatten)]
    pub count: CountArgs,
    /// Where and how to write the table.
    #[command(flatten)]
    pub output: OutputArgs,
    /// Sort order of the rows.
    #[arg(long, value_enum, default_value_t = SortBy::Count, help_heading = "Output")]
    pub sort: SortBy,
    /// Count per group: `century`, `decade`, `year`, `quarter`, `month`, `week`, `day`
    /// (calendar periods, empty ones included; the 1780s are 1780–1789, the 1700s 1700–1799),
    /// `doc`, or a metadata column. Rows are phrase × group; the phrases are
    /// the top ones overall (--top, default 100). Over the memory budget, those rows come from
    /// the counter on disk and are found per group a segment at a time: the same table.
    #[arg(long, value_name = "PERIOD|COLUMN", help_heading = "Grouping")]
    pub by: Option<String>,
    /// A chart of the table.
    #[command(flatten)]
    pub chart: ChartArgs,
    /// Write partial counts instead of the table: a Parquet file (-o FILE.parquet, required)
    /// with every n-gram of -n lengths (count ≥ 1; --stopword-edges applied), its surface
    /// forms and its count in each document, and the documents (id, source, title, date,
    /// metadata, words); the settings in its metadata. `refrain merge` turns the partials of
    /// shards into the table of the whole corpus (columns: `refrain merge --help`;
    /// docs/partials.md). --min-count, --min-docs, --top, --sort, --by and --chart belong to
    /// the merge.
    #[arg(
        long,
        requires = "output",
        conflicts_with_all = ["min_count", "min_docs", "top", "sort", "by", "chart"],
        help_heading = "Output"
    )]
    pub partial: bool,
}

fn merge_help() -> String {
    format!(
        "PARTIAL is a file written by `refrain freq --partial`, or a folder: its .parquet files \
         (sorted, not in subfolders). The partials must have been made with the same settings \
         (refrain version, --lang, stemming, stop words, --clean, record fields, --only-lang, \
         -n, --stopword-edges), and hold each document once (by id and source); otherwise \
         nothing is written and the error names the setting or the document and the files. A \
         partial's n-gram rows must be in key order, word by word, as `freq --partial` writes \
         them (a partial out of order is refused, naming it).\n\n\
         Output columns (those of freq):\n{}\nRows are sorted by --sort, ties by key. With \
         --by, the columns of `freq --by`.\n\n\
         Partial file columns (one row per document, then one per n-gram; docs/partials.md):\n{}",
        crate::table::schema::help_list(crate::table::schema::FREQ),
        crate::table::schema::help_list(crate::table::schema::PARTIAL)
    )
}

/// Options of `refrain merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Partial files (`freq --partial`) or folders of them.
    #[arg(value_name = "PARTIAL", required = true)]
    pub partials: Vec<PathBuf>,
    /// N-gram lengths: `A..B` or `N`, within the partials' lengths [default: theirs].
    #[arg(short = 'n', long = "ngrams", value_name = "A..B", value_parser = parse_range)]
    pub ngrams: Option<(usize, usize)>,
    /// Keep n-grams occurring at least this many times in all the partials together.
    #[arg(long, value_name = "N", default_value_t = 1, help_heading = "Filters")]
    pub min_count: u32,
    /// Keep n-grams found in at least this many documents of all the partials together.
    #[arg(long, value_name = "N", default_value_t = 1, help_heading = "Filters")]
    pub min_docs: u32,
    /// Where and how to write the table.
    #[command(flatten)]
    pub output: OutputArgs,
    /// Sort order of the rows.
    #[arg(long, value_enum, default_value_t = SortBy::Count, help_heading = "Output")]
    pub sort: SortBy,
    /// Count per group, as `freq --by`: `century`, `decade`, `year`, `quarter`, `month`,
    /// `week`, `day`, `doc`, or a metadata column, from the documents' dates and metadata
    /// in the partials. Rows are phrase × group for the top phrases (--top, default 100),
    /// with the columns of `freq --by`.
    #[arg(long, value_name = "PERIOD|COLUMN", help_heading = "Grouping")]
    pub by: Option<String>,
    /// Working memory the merge may use, as for the other commands [default: REFRAIN_MEMORY
    /// when set, else half of physical memory]. The merge reads the partials' documents,
    /// then their n-gram rows one row group of each at a time, merged by key; the rows that
    /// pass the thresholds are held in what is left of the budget and, past it, sorted and
    /// written to temporary files (--temp-dir) merged when the table is written: the same
    /// table whatever the budget. A budget too small for the documents and one row group of
    /// each partial stops the merge before any row is read, naming the smallest that works.
    #[arg(
        long,
        value_name = "SIZE",
        value_parser = crate::cli::settings::parse_memory,
        help_heading = "Resources"
    )]
    pub memory: Option<u64>,
    /// Folder for the temporary files of a merge that outgrows --memory [default: the
    /// system's temporary folder, $TMPDIR or /tmp]. The merge works in a folder of its own
    /// there (refrain-XXXXXX), removed when it ends, fails or is interrupted (Ctrl-C). The
    /// folder must exist and be writable (checked before any work); a full disk stops the
    /// merge with an error naming it, and no output is written.
    #[arg(long, value_name = "DIR", help_heading = "Resources")]
    pub temp_dir: Option<PathBuf>,
}

/// Drawing the table as a chart too.
#[derive(Debug, Args)]
pub struct ChartArgs {
    /// Also draw the table as a PNG: bars of the top rows (a heatmap with --by, lines for
    /// trend, diverging bars for keyness).
    #[arg(long, value_name = "FILE.png", help_heading = "Chart")]
    pub chart: Option<PathBuf>,
    /// Chart width in pixels.
    #[arg(long, value_name = "PX", default_value_t = 1200, help_heading = "Chart")]
    pub width: u32,
    /// Chart height in pixels.
    #[arg(long, value_name = "PX", default_value_t = 800, help_heading = "Chart")]
    pub height: u32,
}

/// `refrain chart` kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ChartKind {
    /// Horizontal bars of the first rows.
    Bar,
    /// Lines by period.
    Trend,
    /// Rank–frequency on log–log axes, per n.
    Zipf,
    /// Phrases × periods.
    Heatmap,
    /// Diverging bars, target against reference.
    Keyness,
}

/// Options of `refrain chart`.
#[derive(Debug, Args)]
pub struct ChartCommandArgs {
    /// What to draw.
    #[arg(value_enum)]
    pub kind: ChartKind,
    /// The table to draw: CSV, TSV or Parquet as refrain wrote it.
    #[arg(long, short = 'i', value_name = "TABLE")]
    pub input: PathBuf,
    /// The PNG file to write (atomically).
    #[arg(long, short = 'o', value_name = "FILE.png")]
    pub output: PathBuf,
    /// Chart width in pixels.
    #[arg(long, value_name = "PX", default_value_t = 1200)]
    pub width: u32,
    /// Chart height in pixels.
    #[arg(long, value_name = "PX", default_value_t = 800)]
    pub height: u32,
    /// The title [default: from the chart kind and the table's file name].
    #[arg(long)]
    pub title: Option<String>,
    /// Rows (bar), lines (trend), phrases (heatmap) or bars per side (keyness) to draw.
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,
    /// The value column (bar: `count`; trend, heatmap: `per_million`), e.g. `per_million`,
    /// `docs`, `independent`.
    #[arg(long, value_name = "COLUMN")]
    pub value: Option<String>,
    /// The group column of trend and heatmap [default: `period`, else the column after `n`].
    #[arg(long, value_name = "COLUMN")]
    pub period: Option<String>,
    /// The keyness measure to draw.
    #[arg(long, value_enum, default_value_t = Measure::LogRatio)]
    pub measure: Measure,
    /// The names of the two sides of a keyness chart [default: target, reference].
    #[arg(long, value_names = ["TARGET", "REFERENCE"], num_args = 2)]
    pub sides: Vec<String>,
}

/// Options of `refrain report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Corpus selection and analysis.
    #[command(flatten)]
    pub corpus: CorpusArgs,
    /// The report folder [default: reports/<name of the input>, reports/sample for the sample].
    #[arg(short, long, value_name = "DIR", help_heading = "Output")]
    pub output: Option<PathBuf>,
    /// Keep phrases occurring at least this many times [default: 3, or once per million words
    /// when that is more].
    #[arg(long, value_name = "N", help_heading = "Filters")]
    pub min_count: Option<u32>,
    /// Keep phrases found in at least this many documents [default: 3, or the number of
    /// documents when there are fewer].
    #[arg(long, value_name = "N", help_heading = "Filters")]
    pub min_docs: Option<u32>,
    /// Periods of the trends: `century`, `decade`, `year`, `quarter`, `month`, `week`, `day`,
    /// or `auto` (months for a corpus spanning up to three years, decades for one spanning more
    /// than 60 years, else years; the choice is said on stderr and in summary.md).
    #[arg(long, value_name = "PERIOD", default_value = "auto", help_heading = "Report")]
    pub by: String,
    /// Rows of each table shown in index.html and summary.md (the CSV files hold all rows).
    #[arg(long, value_name = "N", default_value_t = 25, help_heading = "Report")]
    pub top: usize,
    /// Keyness against a reference corpus (files or folders).
    #[arg(long, value_name = "PATH", num_args = 1.., help_heading = "Comparison")]
    pub reference: Vec<PathBuf>,
    /// Keyness of the documents dated on or after DATE against those before.
    #[arg(long, value_name = "DATE", conflicts_with = "reference", help_heading = "Comparison")]
    pub split: Option<String>,
}

/// Options of `refrain trend`.
#[derive(Debug, Args)]
pub struct TrendArgs {
    /// Corpus selection and analysis.
    #[command(flatten)]
    pub corpus: CorpusArgs,
    /// What to count when no phrase is given (--top).
    #[command(flatten)]
    pub count: CountArgs,
    /// Follow the K most frequent n-grams (of -n lengths) instead of given phrases
    /// [default: 10 when no phrase is given].
    #[arg(long, value_name = "K", help_heading = "Phrases")]
    pub top: Option<usize>,
    /// Match phrases on surface forms (as written, ignoring case) instead of stems.
    #[arg(long, help_heading = "Phrases")]
    pub exact: bool,
    /// Periods: `century`, `decade`, `year`, `quarter`, `month`, `week`, `day` (empty periods
    /// included, with count 0); or `doc` or a metadata column [default: `decade` when the
    /// dated documents span more than 60 years (said on stderr), else `month`].
    #[arg(long, value_name = "PERIOD|COLUMN", help_heading = "Grouping")]
    pub by: Option<String>,
    /// Spike baseline: this many periods before each period.
    #[arg(long, value_name = "N", default_value_t = 12, help_heading = "Grouping")]
    pub baseline: usize,
    /// Spike threshold on the z score.
    #[arg(long, value_name = "Z", default_value_t = 3.0, help_heading = "Grouping")]
    pub spike_z: f64,
    /// Write one row per phrase (first and last attestation, peak, lifespan, spikes) instead
    /// of one per phrase and period.
    #[arg(long, help_heading = "Output")]
    pub summary: bool,
    /// Output format [default: from the -o extension, else table].
    #[arg(long, value_enum, help_heading = "Output")]
    pub format: Option<Format>,
    /// Write to FILE (atomically) instead of stdout; never an input, nor a file inside a
    /// folder being read.
    #[arg(short, long, value_name = "FILE", help_heading = "Output")]
    pub output: Option<PathBuf>,
    /// A chart of the rates by period.
    #[command(flatten)]
    pub chart: ChartArgs,
}

/// Options of `refrain keyness`.
#[derive(Debug, Args)]
pub struct KeynessArgs {
    /// Corpus selection and analysis (the target; also applied to --reference).
    #[command(flatten)]
    pub corpus: CorpusArgs,
    /// What to count (--min-count and --min-docs hold on either side).
    #[command(flatten)]
    pub count: CountArgs,
    /// Reference corpus: files or folders.
    #[arg(long, value_name = "PATH", num_args = 1.., help_heading = "Comparison")]
    pub reference: Vec<PathBuf>,
    /// Compare documents dated on or after DATE (the target) with those before it.
    #[arg(long, value_name = "DATE", conflicts_with = "reference", help_heading = "Comparison")]
    pub split: Option<String>,
    /// Sort by this measure, largest first (negative keywords last).
    #[arg(long, value_enum, default_value_t = Measure::G2, help_heading = "Output")]
    pub measure: Measure,
    /// Keep the K strongest keywords of each side: K of the target, then K of the reference.
    #[arg(long, value_name = "K", help_heading = "Output")]
    pub top: Option<usize>,
    /// Output format [default: from the -o extension, else table].
    #[arg(long, value_enum, help_heading = "Output")]
    pub format: Option<Format>,
    /// Write to FILE (atomically) instead of stdout; never an input, nor a file inside a
    /// folder being read.
    #[arg(short, long, value_name = "FILE", help_heading = "Output")]
    pub output: Option<PathBuf>,
    /// A chart of the strongest keywords of each side (Log Ratio, or --measure unless G²).
    #[command(flatten)]
    pub chart: ChartArgs,
}

/// Options of `refrain kwic`.
#[derive(Debug, Args)]
pub struct KwicArgs {
    /// Corpus selection and analysis.
    #[command(flatten)]
    pub corpus: CorpusArgs,
    /// Words of context on each side.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub window: usize,
    /// Match on surface forms (as written, ignoring case) instead of stems.
    #[arg(long)]
    pub exact: bool,
    /// Order of the lines: `doc` (corpus order), `date`, `left` (by the words before the
    /// match, nearest first) or `right` (by the words after it).
    #[arg(long, value_enum, default_value_t = KwicSort::Doc, help_heading = "Output")]
    pub sort: KwicSort,
    /// Keep only the first N lines (after sorting).
    #[arg(long, visible_alias = "top", value_name = "N", help_heading = "Output")]
    pub limit: Option<usize>,
    /// Output format [default: from the -o extension, else table].
    #[arg(long, value_enum, help_heading = "Output")]
    pub format: Option<Format>,
    /// Write to FILE (atomically) instead of stdout; never an input, nor a file inside a
    /// folder being read.
    #[arg(short, long, value_name = "FILE", help_heading = "Output")]
    pub output: Option<PathBuf>,
}

/// `keyness --measure`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Measure {
    /// Signed log-likelihood G².
    G2,
    /// BIC (sign of G²).
    Bic,
    /// Log Ratio (binary log of the ratio of relative frequencies).
    LogRatio,
    /// %DIFF.
    PctDiff,
}

/// `kwic --sort`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KwicSort {
    /// Corpus order.
    Doc,
    /// By document date (undated last), then corpus order.
    Date,
    /// By the words left of the match, nearest first.
    Left,
    /// By the words right of the match, nearest first.
    Right,
}

/// Options of `refrain phrases`.
#[derive(Debug, Args)]
pub struct PhrasesArgs {
    /// Corpus selection and analysis.
    #[command(flatten)]
    pub corpus: CorpusArgs,
    /// Which n-grams are candidates.
    #[command(flatten)]
    pub count: PhraseCountArgs,
    /// Candidates mostly inside longer formulas: `maximal` drops a candidate when 80% or more
    /// of its occurrences lie inside longer reported phrases (decided from the longest down);
    /// `none` reports every candidate.
    #[arg(long, value_enum, default_value_t = OverlapArg::Maximal, help_heading = "Phrases")]
    pub overlap: OverlapArg,
    /// Phrase-frames with one open slot ("implementing the * policies"), 3 to 6 words (within
    /// -n), with at least two distinct fillers, instead of phrases.
    #[arg(long, conflicts_with = "per_doc", help_heading = "Phrases")]
    pub frames: bool,
    /// One row per document: the share of its words covered by the formulas (formulaicity),
    /// instead of phrases.
    #[arg(long, help_heading = "Phrases")]
    pub per_doc: bool,
    /// Where and how to write the table.
    #[command(flatten)]
    pub output: OutputArgs,
    /// Sort order of the phrase rows (largest first; `dp` smallest first); ties by count, then
    /// key. `coverage` (independent × n, the words a formula covers) is the report's ranking.
    /// Frames are sorted by count, documents by formulaicity.
    #[arg(long, visible_alias = "sort", value_enum, default_value_t = ScoreArg::Count, help_heading = "Output")]
    pub score: ScoreArg,
    /// Count the formulas per group: `century`, `decade`, `year`, `quarter`, `month`, `week`,
    /// `day` (calendar periods, empty ones included), `doc`, or a metadata column. Rows are formula × group
    /// (the columns of `freq --by`); the formulas are the top ones overall (--top, default 100).
    #[arg(long, value_name = "PERIOD|COLUMN", conflicts_with_all = ["frames", "per_doc"], help_heading = "Grouping")]
    pub by: Option<String>,
    /// A chart of the top rows.
    #[command(flatten)]
    pub chart: ChartArgs,
}

/// The candidates of `refrain phrases` (lexical-bundle cut-offs).
#[derive(Debug, Args)]
pub struct PhraseCountArgs {
    /// Phrase lengths: `A..B` or `N` (2 ≤ A ≤ B ≤ 8).
    #[arg(short = 'n', long = "ngrams", value_name = "A..B", default_value = "2..8", value_parser = parse_range)]
    pub ngrams: (usize, usize),
    /// Keep phrases occurring at least this many times.
    #[arg(long, value_name = "N", default_value_t = 3, help_heading = "Filters")]
    pub min_count: u32,
    /// Keep phrases found in at least this many documents [default: 3, or the number of
    /// documents when there are fewer].
    #[arg(long, value_name = "N", help_heading = "Filters")]
    pub min_docs: Option<u32>,
    /// Keep phrases occurring at least this often per million words (turned into the smallest
    /// count that reaches it; the larger of this and --min-count applies).
    #[arg(long, value_name = "X", help_heading = "Filters")]
    pub min_per_million: Option<f64>,
    /// Phrases that start or end with a stop word: `drop` them or `keep` them.
    #[arg(long, value_enum, default_value_t = EdgesArg::Drop, help_heading = "Filters")]
    pub stopword_edges: EdgesArg,
}

/// Reading and analysing the corpus.
#[derive(Debug, Args)]
pub struct CorpusArgs {
    /// Files or folders to read; `-` reads stdin; none reads the bundled sample.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Read more PATHs from FILE, one per line (`-`: standard input), read before the PATHs
    /// given on the command line: for lists too long for a command line, such as a shard of a
    /// large archive. Each line is a path as it is (spaces kept; relative to the current
    /// folder); blank lines are skipped; a path that does not exist is an error naming its line.
    #[arg(long, value_name = "FILE", help_heading = "Input")]
    pub files_from: Option<PathBuf>,
    /// Leave files whose name matches PATTERN out of folder walks (`*` and `?` wildcards,
    /// case-insensitive; repeatable; `--exclude none` reads everything). Files named on the
    /// command line are always read.
    #[arg(
        long,
        value_name = "PATTERN",
        default_values_t = crate::corpus::DEFAULT_EXCLUDES.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        help_heading = "Input"
    )]
    pub exclude: Vec<String>,
    /// Record field holding the text [default: text, content, body, story_text, …]. The field
    /// options apply to records (JSON, JSON Lines, CSV, TSV, Parquet); a .txt, .md or .html
    /// file is always one document.
    #[arg(long, value_name = "FIELD", help_heading = "Input")]
    pub text_field: Option<String>,
    /// Record field holding the title [default: title, headline].
    #[arg(long, value_name = "FIELD", help_heading = "Input")]
    pub title_field: Option<String>,
    /// Record field holding the date [default: date, date_str, published, …]. Dates print at
    /// the precision the source gives, in every command: `1790` when only the year is known
    /// (the day is unknown, never the 1st of January), `1790-03`, or `1790-03-04`.
    #[arg(long, value_name = "FIELD", help_heading = "Input")]
    pub date_field: Option<String>,
    /// Record field holding the document id [default: id, else file name and record number].
    #[arg(long, value_name = "FIELD", help_heading = "Input")]
    pub id_field: Option<String>,
    /// Text cleaning: `auto` applies KCNA cleaning (datelines, end marks, footers) where a KCNA
    /// dateline is seen. Cleaning removes only what is not body text (markup, datelines, end
    /// marks, footers, a title printed twice before a dateline when a copy carries markup or
    /// is the record's title, invisible characters such as direction marks and bidi
    /// controls); a repeated line is text. What it removed is counted in the run summary, and
    /// per document in `docs` (removed_chars). Words never hold direction marks, even with
    /// `none`.
    #[arg(long, value_enum, default_value_t = CleanArg::Auto, help_heading = "Input")]
    pub clean: CleanArg,
    /// Skip (and count) files larger than SIZE, and .gz files whose content is: bytes, or with
    /// a suffix K, M, G or T, or KiB, MiB, GiB, TiB (powers of 1024; any case), e.g. `500M`
    /// or `1.5G`.
    /// KB, MB, GB and TB are refused as ambiguous.
    #[arg(
        long,
        value_name = "SIZE",
        default_value = "2G",
        value_parser = crate::cli::settings::parse_size,
        help_heading = "Input"
    )]
    pub max_file_size: u64,
    /// Keep only documents detected to be in this language (ISO 639-1 code, e.g. `en`);
    /// skipped documents are counted in the summary.
    #[arg(long, value_name = "CODE", help_heading = "Input")]
    pub only_lang: Option<String>,
    /// Stemming language (any Snowball language: english, french, german, russian, spanish, …)
    /// or `none`. The stemmers are the Snowball 2.x algorithms as the rust-stemmers crate
    /// implements them; a hyphenated compound is stemmed on its last part only
    /// (`socialist-oriented` → `socialist-orient`), and words with a full stop inside (`u.s`)
    /// are kept whole. Text in scripts without a stemmer (Hangul) is counted unstemmed.
    #[arg(long, value_name = "LANG", default_value = "english", help_heading = "Analysis")]
    pub lang: String,
    /// Count surface forms instead of stems.
    #[arg(long, help_heading = "Analysis")]
    pub no_stem: bool,
    /// Stop words to mark: `english` (the Snowball list), `none`, or a UTF-8 text file with one
    /// word per line; `auto` is the English list when --lang is english, none otherwise.
    #[arg(long, value_name = "LIST", default_value = "auto", help_heading = "Analysis")]
    pub stopwords: String,
    /// Capture metadata from file names: a regular expression with named groups, searched in
    /// the file name, else in the whole path, e.g. `(?P<iso>[A-Z]{3})_(?P<session>\d+)_(?P<year>\d{4})`.
    /// Groups named `date`, or `year` (with `month`, `day`), date the document.
    #[arg(long, value_name = "REGEX", help_heading = "Selection")]
    pub name_pattern: Option<String>,
    /// Join a table of document metadata (CSV, TSV or Parquet) on the document id, else on the
    /// file stem. Its columns become metadata (for --where and --by); `date` or `year` columns
    /// date the documents.
    #[arg(long, value_name = "FILE", help_heading = "Selection")]
    pub meta: Option<PathBuf>,
    /// The --meta column holding document ids [default: `id`, else the first column].
    #[arg(long, value_name = "COLUMN", requires = "meta", help_heading = "Selection")]
    pub meta_key: Option<String>,
    /// Keep only documents whose COLUMN is VALUE (ignoring case; `COLUMN!=VALUE` excludes).
    /// Repeatable: values for one column are alternatives, different columns must all hold.
    /// Columns: id, title, source, file, date (`2016` matches any day of 2016), year, and any
    /// metadata.
    #[arg(long = "where", value_name = "COLUMN=VALUE", help_heading = "Selection")]
    pub where_: Vec<String>,
    /// Working memory the run may use: bytes, or a number with K, M, G or T (KiB … TiB, powers
    /// of 1024), e.g. `500M`, `1.5G`, `3G` [default: REFRAIN_MEMORY when set, else half of
    /// physical memory (MemTotal in /proc/meminfo)]. A corpus estimated to need more (14 times
    /// its size on disk, 15 for `report`, 18 for `phrases`, four times more for .gz files) is
    /// not held in memory: every command keeps its words in a token index on disk under
    /// --temp-dir and works from there within the budget (`freq` counts n-grams in partitions
    /// that fit, sorts what it found into runs on disk and merges them at the end; `phrases`
    /// and `report` then hold only the n-grams that reach their thresholds), and says so in
    /// the run summary; the output is the same bytes as with unlimited memory. A record file
    /// (JSON Lines, CSV, TSV, each maybe .gz, and Parquet) with more text than a sixteenth of
    /// the budget is read a piece of about that size at a time. Any other file (plain text,
    /// Markdown, HTML, JSON, UTF-16 text, .parquet.gz) is read and analysed whole: one that
    /// needs more than the budget (about six times its size) stops the run before reading,
    /// naming the budget it needs. Standard input (`-`)
    /// is read first, at most a sixth of the budget, and then counts like a file (`kwic` and
    /// `report` cannot read it twice, so they hold a corpus with it in memory, and refuse it
    /// over the budget).
    /// Not included: the program itself and its thread
    /// stacks (about 20 MB; figures in BENCHMARKS.md). The smallest budget accepted is 64M; a
    /// run that needs more for its largest group of n-grams says how much.
    #[arg(
        long,
        value_name = "SIZE",
        value_parser = crate::cli::settings::parse_memory,
        allow_negative_numbers = true,
        help_heading = "Resources"
    )]
    pub memory: Option<u64>,
    /// Folder for the temporary files of a run that outgrows --memory [default: the system's
    /// temporary folder, $TMPDIR or /tmp]. The run works in a folder of its own there
    /// (refrain-XXXXXX), removed when the run ends, fails or is interrupted (Ctrl-C). The
    /// folder must exist and be writable (checked before any work); a full disk stops the
    /// run with an error naming it, and no output is written.
    #[arg(long, value_name = "DIR", help_heading = "Resources")]
    pub temp_dir: Option<PathBuf>,
}

/// What to count.
#[derive(Debug, Args)]
pub struct CountArgs {
    /// N-gram lengths: `A..B` or `N` (1 ≤ A ≤ B ≤ 8).
    #[arg(short = 'n', long = "ngrams", value_name = "A..B", default_value = "1", value_parser = parse_range)]
    pub ngrams: (usize, usize),
    /// Keep n-grams occurring at least this many times.
    #[arg(long, value_name = "N", default_value_t = 1, help_heading = "Filters")]
    pub min_count: u32,
    /// Keep n-grams found in at least this many documents.
    #[arg(long, value_name = "N", default_value_t = 1, help_heading = "Filters")]
    pub min_docs: u32,
    /// N-grams that start or end with a stop word: `drop` them (stop words then vanish from
    /// 1-gram lists) or `keep` them.
    #[arg(long, value_enum, default_value_t = EdgesArg::Drop, help_heading = "Filters")]
    pub stopword_edges: EdgesArg,
}

/// Where and how to write a table.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format [default: from the -o extension, else table].
    #[arg(long, value_enum, help_heading = "Output")]
    pub format: Option<Format>,
    /// Write to FILE (atomically) instead of stdout; never an input, nor a file inside a
    /// folder being read.
    #[arg(short, long, value_name = "FILE", help_heading = "Output")]
    pub output: Option<PathBuf>,
    /// Keep only the first N rows.
    #[arg(long, value_name = "N", help_heading = "Output")]
    pub top: Option<usize>,
}

/// `--clean`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CleanArg {
    /// KCNA cleaning where a KCNA dateline is seen, generic cleaning elsewhere.
    Auto,
    /// KCNA cleaning everywhere.
    Kcna,
    /// No cleaning beyond decoding.
    None,
}

/// `--stopword-edges`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EdgesArg {
    /// Drop n-grams that start or end with a stop word.
    Drop,
    /// Keep them.
    Keep,
}

/// `--sort`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortBy {
    /// Most frequent first.
    Count,
    /// Found in most documents first.
    Docs,
    /// Most evenly dispersed (lowest DP) first.
    Dp,
    /// Alphabetical by phrase.
    Phrase,
}

/// `--overlap`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OverlapArg {
    /// Report only formulas: drop candidates mostly inside longer formulas.
    Maximal,
    /// Report every candidate.
    None,
}

/// `--score` of `phrases`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScoreArg {
    /// Occurrences.
    Count,
    /// Occurrences outside longer formulas.
    Independent,
    /// independent × n: the word tokens of the corpus the phrase accounts for outside longer
    /// formulas (an 8-word formula met 12 times covers 96, a bigram met 40 times 80); the
    /// report's ranking.
    Coverage,
    /// Documents.
    Docs,
    /// DP_norm, most evenly spread first.
    Dp,
    /// Signed log-likelihood (weakest split).
    G2,
    /// Mutual information (weakest split).
    Mi,
    /// t-score (weakest split).
    T,
    /// logDice (weakest split).
    Logdice,
    /// Symmetric conditional probability, fair dispersion point normalisation.
    Scp,
}

/// Parse `A..B`, `A..=B` or `N` into an inclusive range of n-gram lengths.
pub fn parse_range(s: &str) -> Result<(usize, usize), String> {
    let (a, b) = match s.split_once("..") {
        Some((a, b)) => (a, b.trim_start_matches('=')),
        None => (s, s),
    };
    let num = |t: &str| t.trim().parse::<usize>().map_err(|_| format!("`{s}` is not N or A..B"));
    let (a, b) = (num(a)?, num(b)?);
    if a < 1 || b > 8 || a > b {
        return Err(format!("`{s}`: lengths must satisfy 1 ≤ A ≤ B ≤ 8"));
    }
    Ok((a, b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("1..3"), Ok((1, 3)));
        assert_eq!(parse_range("2..=5"), Ok((2, 5)));
        assert_eq!(parse_range("4"), Ok((4, 4)));
        assert!(parse_range("0..2").is_err());
        assert!(parse_range("3..2").is_err());
        assert!(parse_range("1..9").is_err());
        assert!(parse_range("x").is_err());
    }

    #[test]
    fn freq_flags_parse() {
        let cli = Cli::try_parse_from([
            "refrain",
            "freq",
            "-n",
            "2..5",
            "--min-count",
            "5",
            "--min-docs",
            "3",
            "-o",
            "x.csv",
            "--no-stem",
            "a",
            "b",
        ])
        .unwrap();
        let Command::Freq(f) = cli.command else { panic!("not freq") };
        assert_eq!(f.count.ngrams, (2, 5));
        assert_eq!((f.count.min_count, f.count.min_docs), (5, 3));
        assert!(f.corpus.no_stem);
        assert_eq!(f.corpus.paths.len(), 2);
    }

    #[test]
    fn unknown_option_fails() {
        assert!(Cli::try_parse_from(["refrain", "freq", "--bogus"]).is_err());
    }

    #[test]
    fn cli_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
