//! `keyness` over a token index on disk: every n-gram counted with its counts per side by the
//! bounded counter, placed where the table in memory puts it (target keywords first, then
//! equal rates, then reference keywords, each by the measure, ties by key), sorted in runs
//! on disk and written as the merge gives it. With `--top` the runs keep only the K first and
//! K last rows of their own; with `--chart` the bars' rows are kept aside as they pass.

use std::collections::VecDeque;
use std::time::Instant;

use anyhow::Result;

use super::{Comparison, KeynessColumns, Measure, chart_measure, keyness_chart, side, value};
use crate::budget::Budget;
use crate::cli::args::KeynessArgs;
use crate::cli::chart::{self, ChartOut};
use crate::cli::freq::{WordOrder, join};
use crate::cli::{Context, settings, spilled, summary};
use crate::count::CountOptions;
use crate::count::bounded::{self, Place, Sided, SidedCounted};
use crate::figure::DEFAULT_PER_SIDE;
use crate::group::Groups;
use crate::pipeline::AnalyzedCorpus;
use crate::stats::keyness::{Keyness, keyness};
use crate::table::{self, Frame, Table, TableError};

/// Rows per table written at once.
const CHUNK: usize = 1 << 12;

/// What a run over a spilled corpus needs besides the corpus.
pub struct OnDisk<'a> {
    pub args: &'a KeynessArgs,
    pub ctx: &'a Context,
    pub comparison: &'a Comparison,
    pub options: &'a CountOptions,
}

impl OnDisk<'_> {
    /// Count, sort and write the keyness table of `corpus` (token index on disk) between
    /// the two sides of `groups`, and its chart.
    pub fn run(
        &self,
        corpus: &AnalyzedCorpus,
        groups: &Groups,
        dest: &settings::Destination,
        chart_out: &Option<ChartOut>,
        budget: &Budget,
    ) -> Result<()> {
        let on_disk = corpus.spilled.as_ref().expect("a spilled corpus");
        spilled::note(self.ctx, on_disk, budget);
        let words = WordOrder::of(&corpus.vocab);
        let input = words.bounded(&corpus.vocab, on_disk);
        let totals = (groups.tokens[0], groups.tokens[1]);
        let (options, measure) = (self.options, self.args.measure);
        let started = Instant::now();
        let place = |s: &Sided| place(s, options, measure, totals);
        let mut counted = bounded::count_sided(
            &input,
            options,
            &groups.of_doc,
            place,
            self.args.top,
            budget.bytes,
        )
        .map_err(|e| spilled::bounded_failure(e, budget))?;
        self.note_counting(&counted, started);
        if counted.kept[0] + counted.kept[2] == 0 {
            // No row has a side: the chart fails as in memory, before anything is written.
            let empty = Frame::from_table(KeynessColumns::default().table(totals))?;
            chart::maybe(chart_out, || keyness_chart(self.args, self.comparison, &empty))?;
        }
        let mut bars = Bars::new(chart_measure(measure));
        let all: u64 = counted.kept.iter().sum();
        let progress = crate::progress::Progress::with_eta("writing", all);
        let vocab = &corpus.vocab;
        let keys = vocab.surface_keys();
        let next = || -> std::io::Result<Option<Table>> {
            let mut columns = KeynessColumns::default();
            while columns.k.len() < CHUNK {
                let Some((_, s)) = counted.merge.next_row()? else { break };
                let k = score(&s, totals);
                let words = s.row.words();
                let phrase = join(words.iter().map(|&w| vocab.surface(w)));
                let key = join(words.iter().map(|&w| vocab.key(keys[w as usize])));
                bars.offer(&s, &k, &phrase, &key);
                columns.push(phrase, key, s.row.n as usize, counts(&s), &k);
            }
            progress.inc(columns.k.len() as u64);
            Ok((!columns.k.is_empty()).then(|| columns.table(totals)))
        };
        let header = KeynessColumns::default().table(totals);
        table::write_stream(header, dest.format, &dest.output, next)
            .map_err(|e| spilled::write_failure(e, budget))?;
        progress.finish();
        let png = chart::maybe(chart_out, || {
            keyness_chart(self.args, self.comparison, &bars.frame(totals)?)
        })?;
        chart::write(png, self.ctx)
    }

    /// Say on stderr what the counting took.
    fn note_counting(&self, counted: &SidedCounted, started: Instant) {
        let o = self.options;
        let per_n: Vec<(usize, u64)> =
            (o.min_n..=o.max_n).map(|n| (n, counted.distinct[n - 1])).collect();
        self.ctx.note(&summary::counting_per_n(&per_n, started.elapsed().as_secs_f64()));
        self.ctx.note(&format!(
            "n-grams counted in {} partition(s), {} sorted run(s) ({}) merged\n",
            counted.partitions,
            counted.runs,
            crate::budget::show(counted.run_bytes),
        ));
    }
}

/// a, b and the documents of each side.
fn counts(s: &Sided) -> [u32; 4] {
    let c = &s.sides;
    [c.count[0], c.count[1], c.docs[0], c.docs[1]]
}

/// The measures of a row between sides of `(c, d)` tokens.
fn score(s: &Sided, (c, d): (u64, u64)) -> Keyness {
    keyness(s.sides.count[0] as u64, s.sides.count[1] as u64, c, d)
}

/// Where a row goes in the table, as in memory: rows that reach `--min-count` and
/// `--min-docs` on neither side are left out; then target keywords (class 0), equal rates
/// (1), reference keywords (2), each by `measure`, largest first.
fn place(s: &Sided, o: &CountOptions, measure: Measure, totals: (u64, u64)) -> Option<Place> {
    let [a, b, da, db] = counts(s);
    if a.max(b) < o.min_count || da.max(db) < o.min_docs {
        return None;
    }
    let k = score(s, totals);
    let class = (1 - side(&k)) as u8;
    Some(Place { class, value: descending(value(&k, measure)) })
}

/// A number whose order as an integer is the reverse of `v`'s (never NaN) as a float, with
/// −0 and +0 equal (as they compare in memory).
fn descending(v: f64) -> u64 {
    let v = if v == 0.0 { 0.0 } else { v };
    let bits = v.to_bits();
    let ascending = if bits >> 63 == 1 { !bits } else { bits | 1 << 63 };
    !ascending
}

/// The rows the keyness chart draws, kept aside as the table is written: the first target
/// keywords and the last reference keywords that have a bar (as [`crate::figure::keyness`]
/// chooses them: a finite value and a side).
struct Bars {
    measure: Measure,
    target: Vec<Bar>,
    reference: VecDeque<Bar>,
}

/// A row kept for the chart, with its phrase and key.
type Bar = (Sided, String, String);

impl Bars {
    fn new(measure: Measure) -> Self {
        Bars { measure, target: Vec::new(), reference: VecDeque::new() }
    }

    /// Keep `s` (with its `phrase` and `key`) if it may be drawn.
    fn offer(&mut self, s: &Sided, k: &Keyness, phrase: &str, key: &str) {
        let raw = match self.measure {
            Measure::G2 => k.g2,
            Measure::Bic => k.bic.abs() * k.g2.signum(),
            Measure::LogRatio => k.log_ratio,
            Measure::PctDiff => k.pct_diff,
        };
        if !raw.is_finite() || k.g2 == 0.0 || k.g2.is_nan() {
            return;
        }
        let bar = || (*s, phrase.to_string(), key.to_string());
        if k.g2 > 0.0 {
            if self.target.len() < DEFAULT_PER_SIDE {
                self.target.push(bar());
            }
        } else {
            self.reference.push_back(bar());
            if self.reference.len() > DEFAULT_PER_SIDE {
                self.reference.pop_front();
            }
        }
    }

    /// The kept rows as a keyness table.
    fn frame(&self, totals: (u64, u64)) -> Result<Frame, TableError> {
        let mut columns = KeynessColumns::default();
        for (s, phrase, key) in self.target.iter().chain(&self.reference) {
            let k = score(s, totals);
            columns.push(phrase.clone(), key.clone(), s.row.n as usize, counts(s), &k);
        }
        Frame::from_table(columns.table(totals))
    }
}
