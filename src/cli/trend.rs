//! `refrain trend`: given phrases, or the top K n-grams, per period: count, rate with its 95%
//! interval, documents, and spikes; or (`--summary`) one row per phrase.

use anyhow::{Result, bail};

use super::args::{OutputArgs, TrendArgs};
use super::chart::{self, ChartOut};
use super::freq::RankedCounts;
use super::{Context, grouped, settings, spilled};
use crate::chart::Chart;
use crate::count::RowOrder;
use crate::figure::{self, TrendSpec};
use crate::group::{self, GroupCounts, Groups};
use crate::pipeline::AnalyzedCorpus;
use crate::query::{self, Query};
use crate::select::date_text;
use crate::stats::rate::{IntervalCache, SpikeRule, spikes};
use crate::table::{self, Frame, Table, TextColumn, Values};

/// Phrases followed when neither phrases nor `--top` are given.
const DEFAULT_TOP: usize = 10;

/// The phrases followed and their counts per group.
pub struct Series {
    /// Display form of each phrase.
    pub phrases: Vec<String>,
    /// Keys of each phrase.
    pub keys: Vec<String>,
    /// Words in each phrase.
    pub n: Vec<usize>,
    /// Counts per phrase and group, with first and last dates.
    pub tally: GroupCounts,
}

/// Run `trend`.
pub fn run(args: &TrendArgs, ctx: &Context) -> Result<()> {
    let (paths, phrases) = settings::paths_and_phrases(&args.corpus.paths)?;
    if !phrases.is_empty() && args.top.is_some() {
        bail!("give phrases or --top K, not both");
    }
    let dest = settings::destination(&OutputArgs {
        format: args.format,
        output: args.output.clone(),
        top: None,
    })?;
    if args.baseline == 0 {
        bail!("--baseline must be at least 1 period");
    }
    let chart_out = ChartOut::from_args(&args.chart)?;
    let mut options = settings::pipeline(&args.corpus, "trend")?;
    // Over the budget, phrases are found segment by segment in a token index on disk, and
    // --top's rows come from the bounded counter.
    options.may_spill = true;
    let corpus = ctx.read(&paths, &options)?;
    if let Some(spilled) = &corpus.spilled {
        spilled::note(ctx, spilled, &options.budget);
    }
    let by = args.by.clone().unwrap_or_else(|| default_by(ctx, &corpus));
    let groups = grouped::assign(ctx, &corpus, &by)?;
    let series = if !phrases.is_empty() {
        phrase_series(ctx, &corpus, &groups, &phrases, args.exact)?
    } else if corpus.spilled.is_some() {
        top_series_spilled(ctx, &corpus, &groups, args, &options.budget)?
    } else {
        top_series(ctx, &corpus, &groups, args)?
    };
    let rule = SpikeRule { window: args.baseline, threshold: args.spike_z, ..SpikeRule::default() };
    let periods = period_frame(&series, &groups, &rule)?;
    let png = chart::maybe(&chart_out, || {
        let name = crate::report::corpus_name(&paths);
        let title = format!("Frequency by {} — {name}", super::freq::by_name(&groups));
        let spec = TrendSpec { title, period: None, value: None, series: None };
        Ok(Chart::Trend(figure::trend(&periods, &spec)?))
    })?;
    let frame = if args.summary {
        Frame::from_table(summary_table(&series, &groups, &rule))?
    } else {
        periods
    };
    table::write(&frame, dest.format, &dest.output)?;
    chart::write(png, ctx)
}

/// The grouping when `--by` is not given: decades for a corpus dated over more than
/// [`group::DECADE_SPAN`] years (said on stderr), else months.
fn default_by(ctx: &Context, corpus: &AnalyzedCorpus) -> String {
    match group::decades_for(&corpus.docs) {
        Some((first, last)) => {
            ctx.note(&format!(
                "--by decade: the documents are dated {first} to {last}, more than {} years \
                 (--by year or --by century to choose)",
                group::DECADE_SPAN
            ));
            "decade".into()
        }
        None => "month".into(),
    }
}

/// Count given phrases (matched through the analyser) per group.
pub fn phrase_series(
    ctx: &Context,
    corpus: &AnalyzedCorpus,
    groups: &Groups,
    phrases: &[String],
    exact: bool,
) -> Result<Series> {
    let queries: Vec<Query> = phrases
        .iter()
        .map(|p| Query::parse(p, &corpus.analyzer, &corpus.vocab, exact))
        .collect::<Result<_, _>>()?;
    for q in queries.iter().filter(|q| !q.can_match()) {
        ctx.note(&format!("`{}` does not occur in the corpus (keys: {})", q.text, q.keys));
    }
    let tally = tally_queries(corpus, &queries, groups)?;
    Ok(Series {
        phrases: queries.iter().map(|q| q.text.clone()).collect(),
        keys: queries.iter().map(|q| q.keys.clone()).collect(),
        n: queries.iter().map(Query::len).collect(),
        tally,
    })
}

/// Count the matches of `queries` per group, with the first and last date of each. A token
/// index on disk is searched a segment at a time: only one segment's matches are held.
fn tally_queries(
    corpus: &AnalyzedCorpus,
    queries: &[Query],
    groups: &Groups,
) -> Result<GroupCounts> {
    let dates = group::doc_dates(&corpus.docs);
    let Some(on_disk) = &corpus.spilled else {
        let matches = query::find_all(&corpus.index, queries);
        let matches = matches.iter().map(|m| (m.doc, m.query));
        return Ok(group::count_matches(matches, queries.len(), groups, Some(&dates))?);
    };
    spilled::tally_queries(corpus, on_disk, queries, groups, Some(&dates))
}

/// Count the K most frequent n-grams per group.
fn top_series(
    ctx: &Context,
    corpus: &AnalyzedCorpus,
    groups: &Groups,
    args: &TrendArgs,
) -> Result<Series> {
    let options = settings::count(&args.count);
    let ranked = RankedCounts::noted(corpus, &options, ctx);
    let rows = ranked.rows(RowOrder::Count, Some(args.top.unwrap_or(DEFAULT_TOP)));
    row_series(corpus, &ranked.counts, &rows, groups)
}

/// [`top_series`] over a token index on disk: the top rows of the bounded counter (the same
/// rows as the counter in memory gives), followed as phrase queries that find exactly their
/// occurrences.
fn top_series_spilled(
    ctx: &Context,
    corpus: &AnalyzedCorpus,
    groups: &Groups,
    args: &TrendArgs,
    budget: &crate::budget::Budget,
) -> Result<Series> {
    let options = settings::count(&args.count);
    let top = args.top.unwrap_or(DEFAULT_TOP);
    let rows = spilled::top_rows(ctx, corpus, &options, RowOrder::Count, top, budget)?;
    spilled_row_series(corpus, &rows, groups)
}

/// Count rows of the bounded counter per group in a spilled corpus, with their first and last
/// dates (as [`row_series`] counts the rows of counts in memory).
pub fn spilled_row_series(
    corpus: &AnalyzedCorpus,
    rows: &[crate::count::bounded::Row],
    groups: &Groups,
) -> Result<Series> {
    let queries: Vec<Query> = rows.iter().map(|r| spilled::row_query(corpus, r)).collect();
    let tally = tally_queries(corpus, &queries, groups)?;
    Ok(Series {
        phrases: queries.iter().map(|q| q.text.clone()).collect(),
        keys: queries.iter().map(|q| q.keys.clone()).collect(),
        n: rows.iter().map(|r| r.n as usize).collect(),
        tally,
    })
}

/// Count the counted n-grams `rows` of `counts` per group, with their first and last dates.
pub fn row_series(
    corpus: &AnalyzedCorpus,
    counts: &crate::count::NgramCounts,
    rows: &[(usize, u32)],
    groups: &Groups,
) -> Result<Series> {
    let tally = grouped::count_rows(corpus, counts, rows, groups, true)?;
    let (phrases, keys) = grouped::row_labels(corpus, counts, rows);
    Ok(Series { phrases, keys, n: rows.iter().map(|r| r.0).collect(), tally })
}

/// z and spike flag of each group for `row` (NaN and false for unordered groups).
fn row_spikes(series: &Series, row: usize, groups: &Groups, rule: &SpikeRule) -> Vec<(f64, bool)> {
    if !groups.by.is_sequence() {
        return vec![(f64::NAN, false); groups.len()];
    }
    let counts: Vec<u64> = series.tally.count_of(row).iter().map(|&c| c as u64).collect();
    spikes(&counts, &groups.tokens, rule)
}

/// One row per phrase and period (columns in `table::schema::TREND` order).
pub fn period_frame(series: &Series, groups: &Groups, rule: &SpikeRule) -> Result<Frame> {
    let column = grouped::group_column(groups);
    let rows: Vec<usize> = (0..series.phrases.len()).collect();
    let frame = Frame::from_tables_par(&rows, 16, |chunk| {
        let mut cache = IntervalCache::new();
        let cells = chunk.len() * groups.len();
        let mut phrase = TextColumn::with_capacity(cells);
        let mut key = TextColumn::with_capacity(cells);
        let mut label = TextColumn::with_capacity(cells);
        let (mut n, mut count, mut tokens, mut pm) = (vec![], vec![], vec![], vec![]);
        let (mut lo, mut hi, mut docs, mut z, mut spike) = (vec![], vec![], vec![], vec![], vec![]);
        for &r in chunk {
            let flags = row_spikes(series, r, groups, rule);
            for (g, &(zg, spiked)) in flags.iter().enumerate() {
                let c = series.tally.count_of(r)[g] as u64;
                let t = groups.tokens[g];
                phrase.push(&series.phrases[r]);
                key.push(&series.keys[r]);
                label.push(&groups.labels[g]);
                n.push(series.n[r] as i64);
                count.push(c as i64);
                tokens.push(t as i64);
                pm.push(grouped::rate(c, t));
                let (l, h) = if t == 0 { (f64::NAN, f64::NAN) } else { cache.get(c) };
                lo.push(l * 1e6 / t as f64);
                hi.push(h * 1e6 / t as f64);
                docs.push(series.tally.docs_of(r)[g] as i64);
                z.push(zg);
                spike.push(spiked);
            }
        }
        Table::new()
            .with("phrase", Values::Text(phrase))
            .with("key", Values::Text(key))
            .with("n", Values::Int(n))
            .with(&column, Values::Text(label))
            .with("count", Values::Int(count))
            .with("tokens", Values::Int(tokens))
            .with("per_million", Values::Float(pm))
            .with("ci_low", Values::Float(lo))
            .with("ci_high", Values::Float(hi))
            .with("docs", Values::Int(docs))
            .with("z", Values::Float(z))
            .with("spike", Values::Bool(spike))
    })?;
    Ok(frame)
}

/// One row per phrase (columns in `table::schema::TREND_SUMMARY` order).
pub fn summary_table(series: &Series, groups: &Groups, rule: &SpikeRule) -> Table {
    let rows = series.phrases.len();
    let label = |g: Option<usize>| g.map(|g| groups.labels[g].clone());
    let (mut count, mut docs, mut first, mut last) = (vec![], vec![], vec![], vec![]);
    let (mut first_date, mut last_date, mut lifespan, mut active) =
        (vec![], vec![], vec![], vec![]);
    let (mut peak, mut peak_count, mut peak_pm, mut spike_count) = (vec![], vec![], vec![], vec![]);
    for r in 0..rows {
        let c = series.tally.count_of(r);
        let present: Vec<usize> = (0..c.len()).filter(|&g| c[g] > 0).collect();
        let (f, l) = (present.first().copied(), present.last().copied());
        count.push(c.iter().map(|&x| x as i64).sum());
        docs.push(series.tally.docs_of(r).iter().map(|&x| x as i64).sum());
        first.push(label(f));
        last.push(label(l));
        let span = series.tally.span.get(r).copied().flatten();
        first_date.push(span.map(|(a, _)| date_text(a.0, a.1)));
        last_date.push(span.map(|(_, b)| date_text(b.0, b.1)));
        lifespan.push(f.zip(l).map_or(0, |(f, l)| (l - f + 1) as i64));
        active.push(present.len() as i64);
        let p = peak_group(c, &groups.tokens);
        peak.push(label(p));
        peak_count.push(p.map_or(0, |g| c[g] as i64));
        peak_pm.push(p.map_or(f64::NAN, |g| grouped::rate(c[g] as u64, groups.tokens[g])));
        spike_count.push(row_spikes(series, r, groups, rule).iter().filter(|s| s.1).count() as i64);
    }
    Table::new()
        .with("phrase", Values::Str(series.phrases.clone()))
        .with("key", Values::Str(series.keys.clone()))
        .with("n", Values::Int(series.n.iter().map(|&n| n as i64).collect()))
        .with("count", Values::Int(count))
        .with("docs", Values::Int(docs))
        .with("first_period", Values::OptStr(first))
        .with("last_period", Values::OptStr(last))
        .with("first_date", Values::OptStr(first_date))
        .with("last_date", Values::OptStr(last_date))
        .with("lifespan", Values::Int(lifespan))
        .with("active", Values::Int(active))
        .with("peak_period", Values::OptStr(peak))
        .with("peak_count", Values::Int(peak_count))
        .with("peak_per_million", Values::Float(peak_pm))
        .with("spikes", Values::Int(spike_count))
}

/// The group with the highest rate (the earliest on ties); none when the phrase never occurs.
fn peak_group(counts: &[u32], tokens: &[u64]) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for (g, (&c, &t)) in counts.iter().zip(tokens).enumerate() {
        if c == 0 || t == 0 {
            continue;
        }
        let r = c as f64 / t as f64;
        if best.is_none_or(|(_, b)| r > b) {
            best = Some((g, r));
        }
    }
    best.map(|(g, _)| g)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peak_is_the_highest_rate_earliest_on_ties() {
        // Rates: 2/100, 4/400 (lower despite the higher count), 0, 2/100 (tie: the first wins).
        assert_eq!(peak_group(&[2, 4, 0, 2], &[100, 400, 0, 100]), Some(0));
        assert_eq!(peak_group(&[0, 0], &[10, 10]), None);
    }
}
