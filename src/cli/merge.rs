//! `refrain freq --partial` (a shard's partial counts written as Parquet) and `refrain merge`
//! (partials summed into the freq table of all their documents); docs/partials.md.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context as _, Result, bail};

use super::args::{self, CleanArg, CorpusArgs, EdgesArg, FreqArgs, MergeArgs};
use super::freq::{RankedCounts, row_order};
use super::{Context, grouped, settings};
use crate::budget::Budget;
use crate::count::blocks::NONE;
use crate::group::{self, GroupBy, GroupCounts, Groups};
use crate::partial;
use crate::partial::merge::{self, CorpusOrder, MergeOptions, Merger};
use crate::partial::runs::{Sorted, Survivors};
use crate::partial::stream::{self, Plan};
use crate::pipeline::PipelineOptions;
use crate::progress::trace;
use crate::table::partial::{Columns, PartialReader};
use crate::table::{self, Format};

/// `freq --partial`: count every n-gram of the corpus (thresholds 1) and write the partial.
pub fn write_partial(args: &FreqArgs, ctx: &Context) -> Result<()> {
    let path = args.output.output.as_deref().context("--partial needs -o FILE.parquet")?;
    let format = args.output.format.or_else(|| Format::from_path(path));
    if format != Some(Format::Parquet) {
        bail!("--partial writes Parquet: give -o a .parquet file (not `{}`)", path.display());
    }
    settings::check_parent(path)?;
    // Held in memory: a shard over the budget is refused before reading, naming the budget.
    let options = settings::pipeline(&args.corpus, "freq --partial")?;
    let mut count = settings::count(&args.count);
    (count.min_count, count.min_docs) = (1, 1);
    let corpus = ctx.read(&args.corpus.paths, &options)?;
    let ranked = RankedCounts::noted(&corpus, &count, ctx);
    let started = Instant::now();
    let recorded = recorded_settings(&args.corpus, &options, &args.count);
    let shard = partial::Shard::new(&corpus, &ranked.counts, (count.min_n, count.max_n), recorded);
    trace(started, || format!("{} partial rows", shard.len()));
    table::partial::write_shard(path, &shard)?;
    trace(started, || "wrote the partial".into());
    ctx.note(&format!(
        "partial: {} documents, {} words, {} n-grams written to {}",
        shard.docs.len(),
        shard.words(),
        shard.len(),
        path.display()
    ));
    std::mem::forget(shard);
    std::mem::forget((corpus, ranked));
    Ok(())
}

/// The settings a partial records (docs/partials.md, "Key-value metadata"): everything that
/// changes which n-grams a text yields or how they are keyed.
pub fn recorded_settings(
    corpus: &CorpusArgs,
    options: &PipelineOptions,
    count: &super::args::CountArgs,
) -> BTreeMap<String, String> {
    let analyzer = &options.analyzer;
    let mut stop: Vec<&str> = analyzer.stopwords.iter().collect();
    stop.sort_unstable();
    let stop_name = match corpus.stopwords.as_str() {
        "auto" | "english" | "none" if stop.is_empty() => "none",
        "auto" | "english" => "english",
        _ => "list",
    };
    let hash = blake3::hash(stop.join("\n").as_bytes()).to_hex().to_string();
    let clean = match corpus.clean {
        CleanArg::Auto => "auto",
        CleanArg::Kcna => "kcna",
        CleanArg::None => "none",
    };
    let read = &options.read;
    let fields = [&read.text_field, &read.title_field, &read.date_field, &read.id_field]
        .map(|f| f.clone().unwrap_or_default())
        .join(";");
    let edges = match count.stopword_edges {
        EdgesArg::Drop => "drop",
        EdgesArg::Keep => "keep",
    };
    let (a, b) = count.ngrams;
    [
        ("refrain.version", env!("CARGO_PKG_VERSION").to_string()),
        ("refrain.lang", corpus.lang.to_ascii_lowercase()),
        ("refrain.stem", analyzer.stem.map_or("none".into(), |l| l.name().to_string())),
        ("refrain.stopwords", stop_name.to_string()),
        ("refrain.stopwords_hash", hash),
        ("refrain.clean", clean.to_string()),
        ("refrain.fields", fields),
        ("refrain.only_lang", options.only_lang.clone().unwrap_or_default()),
        ("refrain.ngrams", format!("{a}..{b}")),
        ("refrain.stopword_edges", edges.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// Run `merge`: the documents of every partial first (checked, ordered, grouped), then the
/// partials' n-gram rows merged k ways a row group at a time, the rows that pass held within
/// the budget or written to sorted runs, and the table written from their merge.
pub fn run(args: &MergeArgs, ctx: &Context) -> Result<()> {
    let dest = settings::destination(&args.output)?;
    let budget = settings::budget_of(args.memory, args.temp_dir.as_ref())?;
    let started = Instant::now();
    let files = partial_files(&args.partials)?;
    let mut readers = Vec::with_capacity(files.len());
    for file in &files {
        readers.push(PartialReader::open(file)?);
    }
    let first = readers.first().context("no partial given")?;
    let range = first.settings.get("refrain.ngrams").and_then(|r| args::parse_range(r).ok());
    let (min_n, max_n) = args.ngrams.or(range).unwrap_or((1, 1));
    let top = match &args.by {
        Some(_) => Some(by_top(ctx, dest.top)),
        None => dest.top,
    };
    let options = MergeOptions {
        min_n,
        max_n,
        min_count: args.min_count.max(1),
        min_docs: args.min_docs.max(1),
        order: row_order(args.sort),
        top,
    };
    let mut merger = Merger::new(options.clone());
    let mut bases = Vec::with_capacity(readers.len());
    for (file, reader) in files.iter().zip(&mut readers) {
        let docs = std::mem::take(&mut reader.docs);
        bases.push(merger.begin(file.clone(), reader.settings.clone(), docs)?);
    }
    trace(started, || format!("read the documents of {} partials", files.len()));
    // Group first, as freq does: a grouping that cannot be made fails before the rows.
    let by = args.by.as_deref().map(|by| Grouping::new(ctx, &merger, by)).transpose()?;
    let CorpusOrder { place, lens, .. } = merger.order();
    drop(merger);
    let (words, documents) = (lens.iter().map(|&l| l as u64).sum::<u64>(), lens.len() as u64);
    crate::budget::release_freed_memory();
    // The budget is checked before any n-gram row is read.
    let mut survivors = survivors(&readers, &options, &budget)?;
    let distinct = match Plan::needs_words(&options, &lens) {
        true => stream::distinct_words(readers.iter().map(|r| r.rows(Columns::Words)).collect())?,
        false => 0,
    };
    let plan = Plan::new(options.clone(), place, lens, distinct);
    let sources = bases.into_iter().zip(readers.iter().map(|r| r.rows(Columns::Rows))).collect();
    let keep_docs = by.is_some();
    stream::merge_rows(sources, &plan, |mut row| {
        if !keep_docs {
            // Only --by counts per document: the list would only weigh on the budget.
            row.per_doc = Vec::new();
        }
        survivors.push(row).map_err(|e| budget.spill_error(e))
    })?;
    drop(plan);
    let rows = survivors.total.min(top.map_or(u64::MAX, |t| t as u64));
    trace(started, || format!("merged {} rows, {} runs", survivors.total, survivors.runs()));
    ctx.note(&format!(
        "merged {} partials: {documents} documents, {words} words, {rows} rows",
        files.len()
    ));
    if survivors.runs() > 0 {
        ctx.note(&format!(
            "over the memory budget ({}): {} sorted run(s) ({}) merged\n",
            crate::budget::show(budget.bytes),
            survivors.runs(),
            crate::budget::show(survivors.run_bytes())
        ));
    }
    let sorted = survivors.finish().map_err(|e| budget.spill_error(e))?;
    write(sorted, by, &dest, (words, documents), &budget)?;
    trace(started, || "merged and wrote the table".into());
    Ok(())
}

/// Write the merged rows `sorted` (over a corpus of `totals`: words, documents): the table of
/// `--by`, or freq's table streamed a chunk at a time (CSV and TSV as they come).
fn write(
    mut sorted: Sorted,
    by: Option<Grouping>,
    dest: &settings::Destination,
    (words, documents): (u64, u64),
    budget: &Budget,
) -> Result<()> {
    if let Some(by) = by {
        let mut rows = Vec::new();
        while let Some(row) = sorted.next_row().map_err(|e| budget.spill_error(e))? {
            rows.push(row);
        }
        let frame = by.frame(&merge::Merged { rows, words, documents })?;
        return Ok(table::write(&frame, dest.format, &dest.output)?);
    }
    let totals = (words, documents);
    let next = || -> std::io::Result<Option<table::Table>> {
        let mut rows = Vec::new();
        while rows.len() < CHUNK {
            match sorted.next_row()? {
                Some(row) => rows.push(row),
                None => break,
            }
        }
        Ok((!rows.is_empty()).then(|| super::freq::merged_table(&rows, totals)))
    };
    let header = super::freq::merged_table(&[], totals);
    table::write_stream(header, dest.format, &dest.output, next)
        .map_err(|e| super::spilled::write_failure(e, budget))
}

/// Rows of the table made at once (the CSV writer serialises 8 such tables together): the
/// rows merged for writing stay within the working space.
const CHUNK: usize = 1 << 12;

/// The environment variable that caps the rows held before a sorted run is written (tests
/// force many runs with it on small partials).
pub const RUN_ROWS_ENV: &str = "REFRAIN_MERGE_RUN_ROWS";

/// Held rows before a run is written, at the least: a share smaller than this is a budget
/// too small to merge.
const MIN_SHARE: u64 = 4 << 20;

/// What the merge holds besides the partials' row groups and the rows that pass: the keys
/// summed and waiting to become rows ([`stream::PENDING_ENTRIES`] documents' counts at most),
/// the Parquet reader's own state, and, when the table is written, the runs' read buffers
/// and a window of the table. Measured: a merge of one partial that keeps no row peaks 35 MB
/// over the documents with one row group of 5.3 MB (16 MB of it counted below).
const WORKING: u64 = 32 << 20;

/// Bytes of a decoded row group per byte of its uncompressed size: the Arrow arrays, the
/// lists exploded beside them, and the file's pages mapped while they are decoded.
const DECODED_PER_BYTE: u64 = 3;

/// Where the rows that pass go: held in what the budget leaves once the documents (the
/// resident set now), one decoded row group of each partial and the [`WORKING`] bytes are
/// counted, past that in sorted runs. A budget that leaves less than [`MIN_SHARE`] is
/// refused, naming the smallest that works.
fn survivors(
    readers: &[PartialReader],
    options: &MergeOptions,
    budget: &Budget,
) -> Result<Survivors> {
    let spent = crate::budget::resident_bytes().unwrap_or(0);
    let groups: u64 = readers.iter().map(|r| r.largest_group() * DECODED_PER_BYTE).sum();
    let least = spent + groups + WORKING + MIN_SHARE;
    if budget.bytes < least {
        // Named with a margin (a twentieth, to 8 MiB up): the resident set moves a little
        // from one run to the next.
        let named = crate::budget::show((least * 21 / 20).div_ceil(8 << 20) * (8 << 20));
        bail!(
            "the memory budget of {} is too small to merge these {} partials: their documents \
             (and the program) hold {} and one row group of each takes about {}; the smallest \
             budget that works is {named} (--memory {named})",
            crate::budget::show(budget.bytes),
            readers.len(),
            crate::budget::show(spent),
            crate::budget::show(groups),
        );
    }
    let share = (budget.bytes - spent - groups - WORKING) as usize;
    crate::progress::trace(Instant::now(), || {
        let show = crate::budget::show;
        format!(
            "spent {}, row groups {}, rows' share {}",
            show(spent),
            show(groups),
            show(share as u64)
        )
    });
    let cap_rows = std::env::var(RUN_ROWS_ENV).ok().and_then(|v| v.parse().ok());
    let (order, top) = (options.order, options.top);
    Ok(Survivors::new(order, top, share, cap_rows.unwrap_or(usize::MAX), budget.clone()))
}

/// `merge --by`: the documents of all partials in corpus order, grouped.
struct Grouping {
    groups: Groups,
}

impl Grouping {
    /// Group the documents merged so far by `by` (said on stderr, as freq says it).
    fn new(ctx: &Context, merger: &Merger, by: &str) -> Result<Self> {
        let order = merger.order();
        let docs: Vec<_> = order.docs.iter().map(|&d| merger.docs()[d].document()).collect();
        let groups = group::assign(&docs, order.lens.as_slice(), &GroupBy::parse(by))?;
        ctx.note(&groups.describe());
        Ok(Grouping { groups })
    }

    /// The `freq --by` table of the merged rows: each row's per-document counts summed per
    /// group.
    fn frame(&self, merged: &merge::Merged) -> Result<table::Frame> {
        let g = self.groups.len();
        let rows = &merged.rows;
        let mut tally = GroupCounts {
            groups: g,
            count: vec![0; rows.len() * g],
            docs: vec![0; rows.len() * g],
            span: Vec::new(),
        };
        for (r, row) in rows.iter().enumerate() {
            for &(d, c) in &row.per_doc {
                let group = self.groups.of_doc[d as usize];
                if group != NONE {
                    tally.count[r * g + group as usize] += c;
                    tally.docs[r * g + group as usize] += 1;
                }
            }
        }
        let phrases: Vec<String> = rows.iter().map(|r| r.phrase.clone()).collect();
        let keys: Vec<String> = rows.iter().map(|r| r.key.clone()).collect();
        let n: Vec<usize> = rows.iter().map(|r| r.n as usize).collect();
        let labels = grouped::RowLabels { phrases: &phrases, keys: &keys, n: &n };
        grouped::labelled_frame(&labels, &self.groups, &tally)
    }
}

/// How many phrases `--by` writes: --top, else freq's default, said on stderr as freq says it.
fn by_top(ctx: &Context, top: Option<usize>) -> usize {
    top.unwrap_or_else(|| {
        let top = grouped::DEFAULT_TOP;
        ctx.note(&format!(
            "--by: writing the top {top} phrases, one row per group (--top N for more)"
        ));
        top
    })
}

/// The partial files `paths` name: files as given, folders' `.parquet` files in sorted order.
fn partial_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if !path.is_dir() {
            if !path.exists() {
                bail!("`{}`: no such file or folder", path.display());
            }
            files.push(path.clone());
            continue;
        }
        let mut found: Vec<PathBuf> = std::fs::read_dir(path)
            .with_context(|| format!("cannot read the folder `{}`", path.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && is_parquet(p))
            .collect();
        if found.is_empty() {
            bail!("`{}` holds no .parquet files (partials)", path.display());
        }
        found
            .sort_by(|a, b| a.as_os_str().as_encoded_bytes().cmp(b.as_os_str().as_encoded_bytes()));
        files.extend(found);
    }
    Ok(files)
}

fn is_parquet(path: &Path) -> bool {
    let hidden = path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.'));
    !hidden && path.extension().is_some_and(|e| e == "parquet" || e == "pq")
}
