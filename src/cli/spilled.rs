//! What the commands share when the corpus's token index is on disk
//! ([`AnalyzedCorpus::spilled`]): the summary line that says so, the messages for failures
//! of the temporary files, the top rows of the bounded counter as phrase queries, and the
//! matches of queries counted per group a segment at a time, and the counts and chains that
//! `phrases` analyses.

use std::time::Instant;

use anyhow::Result;

use super::freq::{RankedCounts, WordOrder};
use super::{Context, summary};
use crate::budget::Budget;
use crate::count::bounded::{self, BoundedError, Counted, Row};
use crate::count::from_rows::{FinderMaps, REBUILT_BYTES, Totals, rebuild};
use crate::count::spilled::SpilledIndex;
use crate::count::{CountOptions, EdgePolicy, NgramCounts, NgramFinder, RowOrder};
use crate::group::{self, DocDate, GroupCounts, Groups};
use crate::phrases::chains::Chains;
use crate::pipeline::AnalyzedCorpus;
use crate::query::{self, Query, Slot};

/// Say on stderr that the corpus was over the budget and its token index went to disk.
pub fn note(ctx: &Context, spilled: &SpilledIndex, budget: &Budget) {
    ctx.note(&on_disk_line(spilled, budget));
}

/// The line that says the corpus was over the budget and its token index went to disk.
pub fn on_disk_line(spilled: &SpilledIndex, budget: &Budget) -> String {
    format!(
        "over the memory budget ({}): token index on disk ({})\n",
        crate::budget::show(budget.bytes),
        crate::budget::show(spilled.disk_bytes()),
    )
}

/// A failure to read the token index back from its temporary folder.
pub fn read_failure(e: &std::io::Error, spilled: &SpilledIndex) -> anyhow::Error {
    anyhow::anyhow!(
        "cannot read the token index back from `{}`: {}",
        spilled.space().path().display(),
        crate::fsutil::os_reason(e)
    )
}

/// A bounded counter's failure as the message a user sees.
pub fn bounded_failure(e: BoundedError, budget: &Budget) -> anyhow::Error {
    match e {
        BoundedError::Io(e) => budget.spill_error(e),
        e @ BoundedError::TooSmall { .. } => anyhow::anyhow!("{e} (--memory)"),
    }
}

/// A table streamed from sorted runs that was not written: the runs' failure as
/// [`Budget::spill_error`] says it, or the writer's.
pub fn write_failure(
    e: crate::table::StreamError<std::io::Error>,
    budget: &Budget,
) -> anyhow::Error {
    match e {
        crate::table::StreamError::Source(e) => budget.spill_error(e),
        crate::table::StreamError::Table(e) => e.into(),
    }
}

/// The bounded counter over the spilled corpus: rows in `order`, at most `top`, with the
/// counting (distinct keys per n, partitions and runs) given to `note` (for stderr).
pub fn count<'a>(
    note: &dyn Fn(&str),
    corpus: &'a AnalyzedCorpus,
    words: &'a WordOrder,
    options: &CountOptions,
    order: RowOrder,
    top: Option<usize>,
    budget: &Budget,
) -> Result<Counted<'a>> {
    let started = Instant::now();
    let spilled = corpus.spilled.as_ref().expect("a spilled corpus");
    let input = words.bounded(&corpus.vocab, spilled);
    let counted = bounded::count(&input, options, order, top, budget.bytes)
        .map_err(|e| bounded_failure(e, budget))?;
    let per_n: Vec<(usize, u64)> =
        (options.min_n..=options.max_n).map(|n| (n, counted.distinct[n - 1])).collect();
    note(&summary::counting_per_n(&per_n, started.elapsed().as_secs_f64()));
    note(&format!(
        "n-grams counted in {} partition(s), {} sorted run(s) ({}) merged\n",
        counted.partitions,
        counted.runs,
        crate::budget::show(counted.run_bytes),
    ));
    Ok(counted)
}

/// The first `top` rows in `order` of the bounded counter over the spilled corpus.
pub fn top_rows(
    ctx: &Context,
    corpus: &AnalyzedCorpus,
    options: &CountOptions,
    order: RowOrder,
    top: usize,
    budget: &Budget,
) -> Result<Vec<Row>> {
    let words = WordOrder::of(&corpus.vocab);
    let mut counted = count(&|l| ctx.note(l), corpus, &words, options, order, Some(top), budget)?;
    let mut rows = Vec::with_capacity(top.min(1 << 16));
    while rows.len() < top {
        match counted.merge.next_row().map_err(|e| budget.spill_error(e))? {
            Some(row) => rows.push(row),
            None => break,
        }
    }
    Ok(rows)
}

/// A counted row as a query that finds exactly its occurrences: one key slot per word (the
/// counter's n-grams are sequences of keys inside a sentence, as query matches are). The
/// text is the row's display form.
pub fn row_query(corpus: &AnalyzedCorpus, row: &Row) -> Query {
    let vocab = &corpus.vocab;
    let keys = vocab.surface_keys();
    let words = row.words();
    let text = super::freq::join(words.iter().map(|&s| vocab.surface(s)));
    let key_text = super::freq::join(words.iter().map(|&s| vocab.key(keys[s as usize])));
    let slots = words.iter().map(|&s| Slot::Key(keys[s as usize])).collect();
    Query { text, slots, keys: key_text }
}

/// Count the matches of `queries` per group in the token index on disk `spilled`, with the
/// first and last date of each when `dates` (one per document) are given. The segments are
/// searched one at a time: only one segment and its matches are held.
pub fn tally_queries(
    corpus: &AnalyzedCorpus,
    spilled: &SpilledIndex,
    queries: &[Query],
    groups: &Groups,
    dates: Option<&[Option<DocDate>]>,
) -> Result<GroupCounts> {
    let mut failed = None;
    let matches = query::find_spilled(spilled, corpus.vocab.surface_keys(), queries)
        .map_while(|found| found.map_err(|e| failed = Some(e)).ok())
        .flat_map(|found| found.doc_queries().collect::<Vec<_>>());
    let tally = group::count_matches(matches, queries.len(), groups, dates);
    if let Some(e) = failed {
        return Err(read_failure(&e, spilled));
    }
    Ok(tally?)
}

/// The counts `phrases` analyses, over the spilled corpus: the bounded counter's rows of
/// every surviving n-gram (n from 1, every edge kept) rebuilt into [`NgramCounts`] as the
/// counter in memory would make them under `options`, with the finder's maps. Only the
/// survivors are held, so the corpus may be larger than the budget; when the survivors
/// themselves are not, the run stops before rebuilding them and names the budget they need.
pub fn rebuilt_counts(
    note: &dyn Fn(&str),
    corpus: &AnalyzedCorpus,
    options: &CountOptions,
    budget: &Budget,
) -> Result<(RankedCounts, FinderMaps)> {
    let spilled = corpus.spilled.as_ref().expect("a spilled corpus");
    let order = WordOrder::of(&corpus.vocab);
    let all = CountOptions { min_n: 1, edges: EdgePolicy::Keep, ..*options };
    // What the run holds before counting (the program, vocabulary, documents) stays; the
    // counter's tables and the merge's buffers are gone before the analyses' peak.
    crate::budget::release_freed_memory();
    let held = crate::budget::resident_bytes().unwrap_or(0);
    let mut counted = count(note, corpus, &order, &all, RowOrder::Count, None, budget)?;
    let survivors: u64 = counted.distinct.iter().sum();
    let need = held + survivors * REBUILT_BYTES + spilled.words * CHAIN_BYTES;
    if need > budget.bytes {
        anyhow::bail!(
            "the memory budget is too small for these phrases: the {} n-grams that reach \
             --min-count {} are held in memory, which needs about {} (--memory; or raise \
             --min-count or --min-per-million)",
            summary::thousands(survivors),
            options.min_count,
            crate::budget::show(need),
        );
    }
    let started = Instant::now();
    let totals = Totals {
        words: spilled.words,
        documents: spilled.doc_count(),
        surface_keys: corpus.vocab.surface_keys(),
        distinct: &counted.distinct.clone(),
    };
    let rebuilt = rebuild(|| counted.merge.next_row(), &order.facts(), options, &totals)
        .map_err(|e| budget.spill_error(e))?;
    drop(counted);
    crate::progress::trace(started, || format!("rebuilt {survivors} n-grams"));
    Ok((RankedCounts { counts: rebuilt.counts, order }, rebuilt.maps))
}

/// Bytes of [`crate::phrases::chains::Chains`] per corpus word.
const CHAIN_BYTES: u64 = 5;

/// The chains of the spilled corpus, found a segment at a time.
pub fn chains<'a>(corpus: &AnalyzedCorpus, finder: &'a NgramFinder<'a>) -> Result<Chains<'a>> {
    let spilled = corpus.spilled.as_ref().expect("a spilled corpus");
    let segments = spilled.segments(corpus.vocab.surface_keys());
    Chains::from_segments(segments, &spilled.doc_len, finder).map_err(|e| read_failure(&e, spilled))
}

/// Counted n-gram `g` of `counts` as a query that finds exactly its occurrences (see
/// [`row_query`]).
pub fn gram_query(corpus: &AnalyzedCorpus, counts: &NgramCounts, (n, id): (usize, u32)) -> Query {
    let vocab = &corpus.vocab;
    let keys = counts.key_words(n, id);
    let text = super::freq::join(counts.display_words(n, id).into_iter().map(|s| vocab.surface(s)));
    let key_text = super::freq::join(keys.iter().map(|&k| vocab.key(k)));
    Query { text, slots: keys.into_iter().map(Slot::Key).collect(), keys: key_text }
}

/// The `--by` table of counted n-grams `rows` of `counts` (their display forms and keys as
/// labels), counted per group in the spilled corpus: what `grouped::freq_frame` makes in
/// memory.
pub fn grams_by(
    corpus: &AnalyzedCorpus,
    spilled: &SpilledIndex,
    counts: &NgramCounts,
    rows: &[(usize, u32)],
    groups: &Groups,
) -> Result<crate::table::Frame> {
    let queries: Vec<Query> = rows.iter().map(|&g| gram_query(corpus, counts, g)).collect();
    let tally = tally_queries(corpus, spilled, &queries, groups, None)?;
    let phrases: Vec<String> = queries.iter().map(|q| q.text.clone()).collect();
    let keys: Vec<String> = queries.iter().map(|q| q.keys.clone()).collect();
    let n: Vec<usize> = rows.iter().map(|g| g.0).collect();
    let labels = super::grouped::RowLabels { phrases: &phrases, keys: &keys, n: &n };
    super::grouped::labelled_frame(&labels, groups, &tally)
}

/// Bytes a segment takes while its frames are found (see
/// [`crate::phrases::frames::frames_in_segments`]: about 100 per word).
const FRAME_SEGMENT_BYTES: u64 = 100 * crate::count::spilled::SEGMENT_WORDS as u64;

/// The phrase-frames of the spilled corpus, found a segment at a time with `finder` (over
/// counts that hold every part, stop-word edges included), unordered; their tallies take
/// what the budget has left.
pub fn frames(
    corpus: &AnalyzedCorpus,
    ranked: &RankedCounts,
    finder: &NgramFinder,
    options: &crate::phrases::frames::FrameOptions,
    budget: &Budget,
) -> Result<Vec<crate::phrases::frames::Frame>> {
    let spilled = corpus.spilled.as_ref().expect("a spilled corpus");
    crate::budget::release_freed_memory();
    let held = crate::budget::resident_bytes().unwrap_or(0);
    let tally_bytes = budget.bytes.saturating_sub(held + FRAME_SEGMENT_BYTES) / 2;
    let keys = corpus.vocab.surface_keys();
    let facts = ranked.order.facts();
    crate::phrases::frames::frames_in_segments(
        || spilled.segments(keys),
        finder,
        &facts,
        options,
        tally_bytes,
    )
    .map_err(|e| read_failure(&e, spilled))
}

/// The finder of `ranked`, from the maps the rebuilding made when there are some.
pub fn finder_of<'a>(
    corpus: &AnalyzedCorpus,
    ranked: &'a RankedCounts,
    maps: Option<FinderMaps>,
) -> NgramFinder<'a> {
    match maps {
        Some(maps) => NgramFinder::from_maps(&ranked.counts, maps),
        None => NgramFinder::new(&ranked.counts, corpus.vocab.key_count()),
    }
}
