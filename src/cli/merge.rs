//! `refrain freq --partial` (a shard's partial counts written as Parquet) and `refrain merge`
//! (partials summed into the freq table of all their documents); docs/partials.md.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context as _, Result, bail};

use super::args::{self, CleanArg, CorpusArgs, EdgesArg, FreqArgs, MergeArgs};
use super::freq::{RankedCounts, row_order};
use super::{Context, grouped, settings};
use crate::count::blocks::NONE;
use crate::group::{self, GroupBy, GroupCounts, Groups};
use crate::partial;
use crate::partial::merge::{self, MergeOptions, Merger};
use crate::pipeline::PipelineOptions;
use crate::progress::trace;
use crate::table::partial::PartialFile;
use crate::table::{self, Chunked, Format};

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

/// Run `merge`.
pub fn run(args: &MergeArgs, ctx: &Context) -> Result<()> {
    let dest = settings::destination(&args.output)?;
    let started = Instant::now();
    let mut files = partial_files(&args.partials)?.into_iter();
    // The first partial gives the default lengths; each is folded in and dropped as it is read.
    let first = files.next().context("no partial given")?;
    let partial = PartialFile::open(&first)?;
    let range = partial.settings.get("refrain.ngrams").and_then(|r| args::parse_range(r).ok());
    let (min_n, max_n) = args.ngrams.or(range).unwrap_or((1, 1));
    let top = match &args.by {
        Some(_) => Some(by_top(ctx, dest.top)),
        None => dest.top,
    };
    let mut merger = Merger::new(MergeOptions {
        min_n,
        max_n,
        min_count: args.min_count.max(1),
        min_docs: args.min_docs.max(1),
        order: row_order(args.sort),
        top,
    });
    let budget = settings::budget_bytes(args.memory)?;
    fold(&mut merger, first, partial, budget)?;
    let mut count = 1;
    for file in files {
        let partial = PartialFile::open(&file)?;
        fold(&mut merger, file, partial, budget)?;
        count += 1;
    }
    trace(started, || format!("read {count} partials"));
    // Group first, as freq does: a grouping that cannot be made fails before the rows.
    let by = args.by.as_deref().map(|by| Grouping::new(ctx, &merger, by)).transpose()?;
    let documents = merger.docs().len();
    let merged = merger.finish()?;
    ctx.note(&format!(
        "merged {count} partials: {documents} documents, {} words, {} rows",
        merged.words,
        merged.rows.len()
    ));
    if let Some(by) = by {
        let frame = by.frame(&merged)?;
        table::write(&frame, dest.format, &dest.output)?;
        trace(started, || "merged and wrote the table".into());
        return Ok(());
    }
    let totals = (merged.words, merged.documents);
    let rows = &merged.rows;
    let chunked = Chunked::new(rows.len(), 1 << 14, move |range| {
        super::freq::merged_table(&rows[range], totals)
    });
    table::write_chunked(&chunked, dest.format, &dest.output)?;
    trace(started, || "merged and wrote the table".into());
    Ok(())
}

/// Fold the partial opened from `file` into `merger`, a row at a time.
fn fold(merger: &mut Merger, file: PathBuf, partial: PartialFile, budget: u64) -> Result<()> {
    let PartialFile { ref settings, ref docs, .. } = partial;
    let base = merger.begin(file, settings.clone(), docs.clone())?;
    // The sums grow with the keys: the resident set is checked every GUARD_ROWS rows, and the
    // rest of the file is skipped once it passes the budget.
    let (mut rows, mut over) = (0u64, None);
    partial.each_row(|row| {
        if over.is_some() {
            return;
        }
        merger.fold(row, base);
        rows += 1;
        if rows % GUARD_ROWS == 0 {
            over = crate::budget::resident_bytes().filter(|&held| held > budget);
        }
    })?;
    over = over.or_else(|| crate::budget::resident_bytes().filter(|&held| held > budget));
    if let Some(held) = over {
        bail!(
            "merging these partials needs more than the memory budget of {} (it holds {} after \
             {} keys): the merge keeps the sums of every key until the end; run with a larger \
             --memory, or merge fewer or smaller partials",
            crate::budget::show(budget),
            crate::budget::show(held),
            merger.keys()
        );
    }
    Ok(())
}

/// Rows folded between two looks at the resident set.
const GUARD_ROWS: u64 = 1 << 16;

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
