//! `refrain freq`: the frequency table of terms and n-grams.

use std::time::Instant;

use anyhow::Result;

use super::args::{FreqArgs, SortBy};
use super::chart::{self, ChartOut};
use super::{Context, grouped, settings, summary};
use crate::analysis::Vocabulary;
use crate::budget::Budget;
use crate::chart::Chart;
use crate::count::bounded::Row;
use crate::count::{self, NgramCounts, RowData, RowOrder, VocabFacts, WordLists};
use crate::figure::{self, BarSpec, HeatmapSpec};
use crate::pipeline::AnalyzedCorpus;
use crate::progress::trace;
use crate::query::Query;
use crate::table::{self, Chunked, Frame, Table, TextColumn, Values};

/// Run `freq`.
pub fn run(args: &FreqArgs, ctx: &Context) -> Result<()> {
    if args.partial {
        return super::merge::write_partial(args, ctx);
    }
    let dest = settings::destination(&args.output)?;
    let chart_out = ChartOut::from_args(&args.chart)?;
    let mut options = settings::pipeline(&args.corpus, "freq")?;
    // Counting a token index on disk writes plain rows (a bar chart from the first ones), or
    // with --by a frame of the top rows found per group.
    options.may_spill = true;
    let count_options = settings::count(&args.count);
    let corpus = ctx.read(&args.corpus.paths, &options)?;
    if corpus.spilled.is_some() {
        let grouped =
            Grouped { args, ctx, options: &count_options, dest: &dest, chart: &chart_out };
        return match &args.by {
            Some(by) => grouped.run_spilled(&corpus, by, &options.budget),
            None => {
                let out = Out { dest: &dest, chart: &chart_out };
                run_spilled(args, ctx, &corpus, &count_options, out, &options.budget)
            }
        };
    }
    // Group first: a grouping that cannot be made should fail before the counting.
    let groups = args.by.as_deref().map(|by| grouped::assign(ctx, &corpus, by)).transpose()?;
    let ranked = RankedCounts::noted(&corpus, &count_options, ctx);
    let started = Instant::now();
    if let Some(groups) = &groups {
        let grouped =
            Grouped { args, ctx, options: &count_options, dest: &dest, chart: &chart_out };
        let rows = ranked.rows(row_order(args.sort), Some(grouped.top()));
        let tally = grouped::count_rows(&corpus, &ranked.counts, &rows, groups, false)?;
        trace(started, || format!("counted {} rows in {} groups", rows.len(), groups.len()));
        let frame = grouped::freq_frame(&corpus, &ranked.counts, &rows, groups, &tally)?;
        return grouped.write(groups, &frame);
    }
    let rows = count::ordered_row_data(&ranked.counts, row_order(args.sort), dest.top);
    trace(started, || format!("ordered {} rows", rows.len()));
    let words = WordLists::new(&ranked.counts);
    let rows_table = freq_rows(&corpus.vocab, &ranked.counts, &words, &rows);
    if chart_out.is_none() {
        // Without a chart the table is written as it is made, chunk by chunk.
        table::write_chunked(&rows_table, dest.format, &dest.output)?;
        trace(started, || "wrote the table".into());
    } else {
        let frame = rows_table.frame()?;
        trace(started, || "built the frame".into());
        let png = chart::maybe(&chart_out, || bar_chart(args, &count_options, &frame))?;
        table::write(&frame, dest.format, &dest.output)?;
        trace(started, || "wrote the table".into());
        chart::write(png, ctx)?;
        std::mem::forget(frame);
    }
    drop(rows_table);
    // Freeing millions of small allocations takes longer than everything after counting;
    // the process ends here, and the system reclaims the memory at once.
    std::mem::forget((corpus, ranked, rows, words));
    Ok(())
}

/// The bar chart of the freq table `frame` (or of its first rows: it draws all of up to
/// [`figure::MAX_ROWS_ALL`] rows, else the first [`figure::DEFAULT_BARS`]).
fn bar_chart(
    args: &FreqArgs,
    options: &count::CountOptions,
    frame: &Frame,
) -> Result<Chart, figure::FigureError> {
    let title = format!("Most frequent {} — {}", ngrams_name(options), name(args));
    let spec = BarSpec { title, label: None, value: None, rows: None };
    Ok(Chart::Bar(figure::bar(frame, &spec)?))
}

/// Where plain `freq` writes: the table, and the bar chart if asked for.
#[derive(Clone, Copy)]
struct Out<'a> {
    dest: &'a settings::Destination,
    chart: &'a Option<ChartOut>,
}

/// Rows of the table made and written at once over a token index on disk.
const SPILLED_CHUNK: usize = 1 << 14;

/// `freq` over a token index on disk: the bounded counter's rows, merged from sorted runs,
/// written a chunk at a time. The bar chart is drawn from the first chunk before anything is
/// written, as in memory: it shows the first rows only.
fn run_spilled(
    args: &FreqArgs,
    ctx: &Context,
    corpus: &AnalyzedCorpus,
    options: &count::CountOptions,
    out: Out,
    budget: &crate::budget::Budget,
) -> Result<()> {
    let started = Instant::now();
    let spilled = corpus.spilled.as_ref().expect("a spilled corpus");
    let vocab = &corpus.vocab;
    super::spilled::note(ctx, spilled, budget);
    let words = WordOrder::of(vocab);
    let order = row_order(args.sort);
    let dest = out.dest;
    let mut counted =
        super::spilled::count(&|l| ctx.note(l), corpus, &words, options, order, dest.top, budget)?;
    let totals = (spilled.words, spilled.doc_count() as u64);
    let mut left = dest.top.unwrap_or(usize::MAX);
    let all: u64 = counted.distinct[options.min_n - 1..options.max_n].iter().sum();
    let progress = crate::progress::Progress::with_eta("writing", all.min(left as u64));
    let mut chunk = || -> std::io::Result<Vec<Row>> {
        let mut rows = Vec::new();
        while rows.len() < SPILLED_CHUNK && left > 0 {
            match counted.merge.next_row()? {
                Some(row) => rows.push(row),
                None => break,
            }
            left -= 1;
        }
        progress.inc(rows.len() as u64);
        Ok(rows)
    };
    let mut first = Some(chunk().map_err(|e| budget.spill_error(e))?);
    let png = chart::maybe(out.chart, || {
        // One row more than a chart draws whole: the chart sees whether there are more.
        let rows = first.as_deref().unwrap_or_default();
        let shown = &rows[..rows.len().min(figure::MAX_ROWS_ALL + 1)];
        bar_chart(args, options, &Frame::from_table(spilled_table(vocab, shown, totals))?)
    })?;
    let next = || -> std::io::Result<Option<Table>> {
        let rows = match first.take() {
            Some(rows) => rows,
            None => chunk()?,
        };
        Ok((!rows.is_empty()).then(|| spilled_table(vocab, &rows, totals)))
    };
    let header = spilled_table(vocab, &[], totals);
    table::write_stream(header, dest.format, &dest.output, next)
        .map_err(|e| super::spilled::write_failure(e, budget))?;
    trace(started, || "counted and wrote the table".into());
    chart::write(png, ctx)
}

/// `freq --by`: what its table needs besides the rows and their counts per group.
struct Grouped<'a> {
    args: &'a FreqArgs,
    ctx: &'a Context,
    options: &'a count::CountOptions,
    dest: &'a settings::Destination,
    chart: &'a Option<ChartOut>,
}

impl Grouped<'_> {
    /// How many phrases get rows (--top, else [`grouped::DEFAULT_TOP`], said on stderr).
    fn top(&self) -> usize {
        let top = self.dest.top.unwrap_or(grouped::DEFAULT_TOP);
        if self.dest.top.is_none() {
            self.ctx.note(&format!(
                "--by: writing the top {top} phrases, one row per group (--top N for more)"
            ));
        }
        top
    }

    /// `freq --by` over a token index on disk: the top rows of the bounded counter (the rows
    /// the counter in memory gives, in the same order), each found as a key query a segment at
    /// a time and counted per group; the table is the one written in memory.
    fn run_spilled(&self, corpus: &AnalyzedCorpus, by: &str, budget: &Budget) -> Result<()> {
        let spilled = corpus.spilled.as_ref().expect("a spilled corpus");
        super::spilled::note(self.ctx, spilled, budget);
        // Group first, as in memory: a grouping that cannot be made fails before the counting.
        let groups = grouped::assign(self.ctx, corpus, by)?;
        let top = self.top();
        let order = row_order(self.args.sort);
        let rows = super::spilled::top_rows(self.ctx, corpus, self.options, order, top, budget)?;
        let started = Instant::now();
        let queries: Vec<Query> =
            rows.iter().map(|r| super::spilled::row_query(corpus, r)).collect();
        let tally = super::spilled::tally_queries(corpus, spilled, &queries, &groups, None)?;
        trace(started, || format!("counted {} rows in {} groups", rows.len(), groups.len()));
        let phrases: Vec<String> = queries.iter().map(|q| q.text.clone()).collect();
        let keys: Vec<String> = queries.iter().map(|q| q.keys.clone()).collect();
        let n: Vec<usize> = rows.iter().map(|r| r.n as usize).collect();
        let labels = grouped::RowLabels { phrases: &phrases, keys: &keys, n: &n };
        let frame = grouped::labelled_frame(&labels, &groups, &tally)?;
        self.write(&groups, &frame)
    }

    /// Write the table, and its heatmap with --chart.
    fn write(&self, groups: &crate::group::Groups, frame: &Frame) -> Result<()> {
        let started = Instant::now();
        let png = chart::maybe(self.chart, || {
            let title = format!(
                "Top {} by {} — {}",
                ngrams_name(self.options),
                by_name(groups),
                name(self.args)
            );
            let spec = HeatmapSpec { title, period: None, value: None, rows: None };
            Ok(Chart::Heatmap(figure::heatmap(frame, &spec)?))
        })?;
        table::write(frame, self.dest.format, &self.dest.output)?;
        trace(started, || "wrote the table".into());
        chart::write(png, self.ctx)
    }
}

/// The freq table (columns as [`freq_table`]) of rows from the bounded counter.
fn spilled_table(vocab: &Vocabulary, rows: &[Row], totals: (u64, u64)) -> Table {
    let mut columns = FreqColumns::new(rows.len(), totals);
    let keys = vocab.surface_keys();
    for row in rows {
        columns.phrase.push_joined(row.words().iter().map(|&s| vocab.surface(s)), " ");
        columns.key.push_joined(row.words().iter().map(|&s| vocab.key(keys[s as usize])), " ");
        columns.push(row.n, row.count, row.docs, row.dp, row.variants);
    }
    columns.table()
}

fn name(args: &FreqArgs) -> String {
    crate::report::corpus_name(&args.corpus.paths)
}

/// "words", "2-grams" or "2–5-grams", for titles.
pub fn ngrams_name(options: &count::CountOptions) -> String {
    match (options.min_n, options.max_n) {
        (1, 1) => "words".into(),
        (1, b) => format!("words and n-grams (n ≤ {b})"),
        (a, b) if a == b => format!("{a}-grams"),
        (a, b) => format!("{a}–{b}-grams"),
    }
}

/// "year", "month", "document" or the column's name, for titles.
pub fn by_name(groups: &crate::group::Groups) -> String {
    match &groups.by {
        crate::group::GroupBy::Period(k) => k.name().to_string(),
        crate::group::GroupBy::Doc => "document".into(),
        crate::group::GroupBy::Column(c) => c.clone(),
    }
}

/// The vocabulary's stop flags and the byte order of its keys and surface forms: what the
/// counters, in memory and on disk, filter and order rows by.
pub struct WordOrder {
    /// Is key id `k` a stop word?
    pub key_stop: Vec<bool>,
    /// Rank of each key id in byte order.
    pub key_rank: Vec<u32>,
    /// Rank of each surface id in byte order.
    pub surface_rank: Vec<u32>,
}

impl WordOrder {
    /// The order of `vocab`'s words.
    pub fn of(vocab: &Vocabulary) -> Self {
        WordOrder {
            key_stop: (0..vocab.key_count() as u32).map(|k| vocab.is_stop(k)).collect(),
            key_rank: count::ranks(vocab.key_count(), |k| vocab.key(k)),
            surface_rank: count::ranks(vocab.surface_count(), |s| vocab.surface(s)),
        }
    }

    /// As the counter in memory takes them.
    pub fn facts(&self) -> VocabFacts<'_> {
        VocabFacts {
            key_stop: &self.key_stop,
            key_rank: &self.key_rank,
            surface_rank: &self.surface_rank,
        }
    }

    /// As the bounded counter takes them, with the token index on disk it counts.
    pub fn bounded<'a>(
        &'a self,
        vocab: &'a Vocabulary,
        spilled: &'a crate::count::spilled::SpilledIndex,
    ) -> crate::count::bounded::Input<'a> {
        let ranks = crate::count::bounded::Ranks {
            surface_keys: vocab.surface_keys(),
            key_rank: &self.key_rank,
            surface_rank: &self.surface_rank,
        };
        crate::count::bounded::Input { spilled, ranks, key_stop: &self.key_stop }
    }
}

/// Counts together with the word order of their rows.
pub struct RankedCounts {
    /// The counts.
    pub counts: NgramCounts,
    /// The stop flags and ranks they were counted with.
    pub order: WordOrder,
}

impl RankedCounts {
    /// Count `corpus` as `options` say.
    pub fn new(corpus: &AnalyzedCorpus, options: &count::CountOptions) -> Self {
        let order = WordOrder::of(&corpus.vocab);
        let counts = count::count(&corpus.index, &order.facts(), options);
        RankedCounts { counts, order }
    }

    /// Count as [`RankedCounts::new`] does and say so in the run summary (distinct keys per
    /// n and the time taken).
    pub fn noted(corpus: &AnalyzedCorpus, options: &count::CountOptions, ctx: &Context) -> Self {
        let started = Instant::now();
        let ranked = RankedCounts::new(corpus, options);
        let seconds = started.elapsed().as_secs_f64();
        ctx.note(&summary::counting(&ranked.counts, options.min_n, seconds));
        ranked
    }

    /// Reported rows in `order`, at most `limit`.
    pub fn rows(&self, order: RowOrder, limit: Option<usize>) -> Vec<(usize, u32)> {
        count::ordered_rows(&self.counts, order, limit)
    }
}

/// The row order for `--sort`; ties always fall back to the key.
pub fn row_order(by: SortBy) -> RowOrder {
    match by {
        SortBy::Count => RowOrder::Count,
        SortBy::Docs => RowOrder::Docs,
        SortBy::Dp => RowOrder::Dp,
        SortBy::Phrase => RowOrder::Phrase,
    }
}

/// The freq table (columns in `table::schema::FREQ` order) for `rows`, in their order.
pub fn freq_frame(
    corpus: &AnalyzedCorpus,
    counts: &NgramCounts,
    rows: &[RowData],
) -> Result<Frame, table::TableError> {
    freq_rows(&corpus.vocab, counts, &WordLists::new(counts), rows).frame()
}

/// The freq table for `rows`, made a chunk of rows at a time when it is written.
///
/// Chunks are made in parallel: looking up a million phrases is bound by memory latency, not
/// by computation.
pub fn freq_rows<'a>(
    vocab: &'a Vocabulary,
    counts: &'a NgramCounts,
    words: &'a WordLists,
    rows: &'a [RowData],
) -> Chunked<'a> {
    Chunked::new(rows.len(), 1 << 14, move |range| freq_table(vocab, counts, words, &rows[range]))
}

/// The freq table for `rows`, in their order.
pub fn freq_table(
    vocab: &Vocabulary,
    counts: &NgramCounts,
    words: &WordLists,
    rows: &[RowData],
) -> Table {
    let totals = (counts.words, counts.documents as u64);
    let mut columns = FreqColumns::new(rows.len(), totals);
    const AHEAD: usize = 8;
    for (i, row) in rows.iter().enumerate() {
        if let Some(next) = rows.get(i + AHEAD) {
            words.prefetch(next.n as usize, next.id, next.display);
        }
        let size = row.n as usize;
        let display = words.surfaces(size, row.display);
        columns.phrase.push_joined(display.iter().map(|&s| vocab.surface(s)), " ");
        columns.key.push_joined(words.keys(size, row.id).iter().map(|&k| vocab.key(k)), " ");
        columns.push(row.n, row.count, row.docs, row.dp, row.variants);
    }
    columns.table()
}

/// The freq table of rows merged from partials (`refrain merge`), over a corpus of
/// `totals` (words, documents).
pub fn merged_table(rows: &[crate::partial::merge::MergedRow], totals: (u64, u64)) -> Table {
    let mut columns = FreqColumns::new(rows.len(), totals);
    for row in rows {
        columns.phrase.push(&row.phrase);
        columns.key.push(&row.key);
        columns.push(row.n, row.count, row.docs, row.dp, row.variants);
    }
    columns.table()
}

/// The freq table's columns, filled a row at a time by the counter in memory and by the
/// bounded counter alike: the rates are computed here, once.
struct FreqColumns {
    phrase: TextColumn,
    key: TextColumn,
    n: Vec<i64>,
    count: Vec<i64>,
    per_million: Vec<f64>,
    docs: Vec<i64>,
    doc_share: Vec<f64>,
    dp: Vec<f64>,
    variants: Vec<i64>,
    /// Words and documents of the corpus (at least 1).
    total: f64,
    documents: f64,
}

impl FreqColumns {
    fn new(len: usize, (words, documents): (u64, u64)) -> Self {
        FreqColumns {
            phrase: TextColumn::with_capacity(len),
            key: TextColumn::with_capacity(len),
            n: Vec::with_capacity(len),
            count: Vec::with_capacity(len),
            per_million: Vec::with_capacity(len),
            docs: Vec::with_capacity(len),
            doc_share: Vec::with_capacity(len),
            dp: Vec::with_capacity(len),
            variants: Vec::with_capacity(len),
            total: words.max(1) as f64,
            documents: documents.max(1) as f64,
        }
    }

    /// The numbers of a row whose phrase and key have been pushed.
    fn push(&mut self, n: u8, count: u32, docs: u32, dp: f64, variants: u32) {
        self.n.push(n as i64);
        self.count.push(count as i64);
        self.per_million.push(count as f64 / self.total * 1e6);
        self.docs.push(docs as i64);
        self.doc_share.push(docs as f64 / self.documents);
        self.dp.push(dp);
        self.variants.push(variants as i64);
    }

    fn table(self) -> Table {
        Table::new()
            .with("phrase", Values::Text(self.phrase))
            .with("key", Values::Text(self.key))
            .with("n", Values::Int(self.n))
            .with("count", Values::Int(self.count))
            .with("per_million", Values::Float(self.per_million))
            .with("docs", Values::Int(self.docs))
            .with("doc_share", Values::Float(self.doc_share))
            .with("dp", Values::Float(self.dp))
            .with("variants", Values::Int(self.variants))
    }
}

/// Join words with single spaces (an n-gram's display form or key).
pub use crate::count::words::join;
