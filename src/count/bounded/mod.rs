//! The bounded counter: exact n-gram counts of a corpus whose token index is on disk
//! ([`SpilledIndex`]), in a fixed memory budget, as sorted rows.
//!
//! # How it counts
//!
//! 1. **Words** ([`unigrams`]): two passes over the segments with dense arrays over the
//!    vocabulary give every word's count, documents, DP_norm and surface forms, and the words
//!    that survive `--min-count`/`--min-docs` (an n-gram can only survive if all its words do).
//! 2. **Buckets**: the second pass also finds every *window*: a position whose word and the
//!    next survived, with the words that follow in its sentence, up to `max_n`, as long as
//!    they survived. Windows are put in 65,536 buckets by a hash of their first two keys and
//!    counted per bucket. Every n-gram (n ≥ 2) starting at a window's position lies in that
//!    window, so all occurrences of an n-gram fall in one bucket.
//! 3. **Partitions** ([`windows`]): consecutive buckets are grouped into partitions whose
//!    windows fit the budget; each partition is one more pass over the segments that keeps
//!    only its windows, in position order. Each bucket is then counted on its own, level by
//!    level (an n-gram is counted where its (n−1)-gram prefix survived: exact pruning),
//!    buckets in parallel, into rows with count, documents, DP_norm, display form and variants.
//! 4. **Runs and merge** ([`rows`]): each partition's rows are sorted in the output order and
//!    written to a run file; a k-way merge of the runs (and of the words' rows) gives the rows
//!    in order, `--top` applied, the same bytes as the in-memory counter once formatted.
//!
//! Nothing depends on the number of partitions or threads: every number of a row comes from
//! all of its n-gram's occurrences, visited in corpus order, and the order of rows is total.

pub mod rows;
pub mod sided;
mod unigrams;
mod windows;

use std::io;

use crate::count::spilled::SpilledIndex;
use crate::count::{CountOptions, RowOrder};

pub use rows::{Merge, Ranks, Row, RunFile, Source};
pub use sided::{Emit, Place, SideCounts, Sided, SidedCounted, SidedMerge};

/// What the bounded counter needs besides the index.
pub struct Input<'a> {
    /// The token index on disk.
    pub spilled: &'a SpilledIndex,
    /// Vocabulary facts for ordering (and the key of each surface).
    pub ranks: Ranks<'a>,
    /// Is key id `k` a stop word?
    pub key_stop: &'a [bool],
}

/// Why counting stopped.
#[derive(Debug, thiserror::Error)]
pub enum BoundedError {
    /// Reading or writing the temporary files failed.
    #[error("{0}")]
    Io(#[from] io::Error),
    /// The budget cannot hold the windows of the largest bucket.
    #[error("the memory budget is too small for this corpus: the smallest budget that works is {}", crate::budget::show(*need))]
    TooSmall {
        /// The smallest budget that works, in bytes.
        need: u64,
    },
}

/// The counted rows, ready to merge, and what it took.
pub struct Counted<'a> {
    /// The rows in order.
    pub merge: Merge<'a>,
    /// Rows reported before `--top` (per n: index n − 1).
    pub distinct: Vec<u64>,
    /// Partitions counted (passes over the segments after the first two).
    pub partitions: usize,
    /// Run files written, and their bytes.
    pub runs: usize,
    /// Bytes of run files.
    pub run_bytes: u64,
}

/// Bytes a window holds in its partition's arrays (start and document), and per word.
const WINDOW_BYTES: u64 = 8;
const WORD_BYTES: u64 = 4;
/// Bytes of the budget kept for what is not counted: the segment being read, the merge's
/// buffers, the table being written.
const FIXED_BYTES: u64 = 48 << 20;

/// Count `input` as `options` say, in `budget` bytes of working memory, rows in `order`, at
/// most `limit`.
pub fn count<'a>(
    input: &Input<'a>,
    options: &CountOptions,
    order: RowOrder,
    limit: Option<usize>,
    budget: u64,
) -> Result<Counted<'a>, BoundedError> {
    count_in(input, options, order, limit, Limits::of(budget))
}

impl Limits {
    /// The shares of `budget`, with what the process holds already (vocabulary, documents,
    /// the program) counted as spent: the budget is a promise about the resident set.
    pub fn of(budget: u64) -> Limits {
        crate::budget::release_freed_memory();
        let held = crate::budget::resident_bytes().unwrap_or(0);
        let fixed = held + FIXED_BYTES.min(budget / 4);
        // Groups of buckets counted at once take an eighth of the budget at most.
        let group_windows =
            (budget.saturating_sub(fixed) / 8 / windows::COUNTING_BYTES).clamp(1 << 10, 1 << 18);
        let fixed_at_most = held + FIXED_BYTES;
        Limits { budget, fixed, fixed_at_most, group_windows }
    }
}

/// What takes the counted rows as they come, bucket group by bucket group: the sorted runs of
/// plain rows ([`rows::Sink`]) or of rows with their sides ([`sided::SidedSink`]).
pub trait Collect<E> {
    /// Take `rows`.
    fn add(&mut self, rows: Vec<E>) -> io::Result<()>;
}

/// How the budget is shared.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The whole budget.
    pub budget: u64,
    /// The part kept for what is not counted (including what the process holds already).
    pub fixed: u64,
    /// The most that part can be at a larger budget.
    pub fixed_at_most: u64,
    /// Windows counted in parallel at once (their tables and rows are held together).
    pub group_windows: u64,
}

/// [`count`] with the budget's shares given (tests force tiny partitions with it).
pub fn count_in<'a>(
    input: &Input<'a>,
    options: &CountOptions,
    order: RowOrder,
    limit: Option<usize>,
    limits: Limits,
) -> Result<Counted<'a>, BoundedError> {
    let space = input.spilled.space();
    let make = |bytes| rows::Sink::new(space, order, input.ranks, limit, bytes);
    let (sink, partitions) = count_into::<Row, _>(input, options, None, limits, make)?;
    let distinct = sink.distinct[..options.max_n].to_vec();
    let (sources, runs) = sink.finish()?;
    let run_bytes = runs.iter().map(|r| r.bytes).sum();
    let merge = Merge::new(sources, order, input.ranks)?;
    Ok(Counted { merge, distinct, partitions, runs: runs.len(), run_bytes })
}

/// Count `input` as `options` say, each row with its counts per side when `of_doc` gives
/// every document's side, into the sink `make(bytes)` makes to hold `bytes` of rows; returns
/// the sink and the number of partitions counted.
fn count_into<E: Emit, S: Collect<E>>(
    input: &Input,
    options: &CountOptions,
    of_doc: Option<&[u32]>,
    limits: Limits,
    make: impl FnOnce(u64) -> S,
) -> Result<(S, usize), BoundedError> {
    let started = std::time::Instant::now();
    // Each pass over the segments is a step: two for the words, then per partition one to
    // collect its windows and one (in proportion) to count its buckets.
    let segments = input.spilled.segment_count() as u64 * STEPS_PER_SEGMENT;
    let progress = crate::progress::Progress::with_eta("counting", 2 * segments);
    let words = unigrams::count::<E>(input, options, of_doc, &progress)?;
    crate::progress::trace(started, || "counted the words".into());
    // The dense arrays and the words' rows stay; the rest of the budget is for n-grams.
    let reserved = words.bytes + limits.fixed;
    let avail = limits.budget.saturating_sub(reserved);
    let per_window =
        windows::COUNTING_BYTES + if of_doc.is_some() { sided::COUNTING_BYTES } else { 0 };
    let plan = if options.max_n >= 2 {
        windows::plan(&words.buckets, avail, limits.group_windows, per_window).map_err(|need| {
            // At the budget named, the fixed share is at most FIXED_BYTES; what the
            // process holds may differ a little from one run to the next.
            let need = reserved - limits.fixed + limits.fixed.max(limits.fixed_at_most) + need;
            BoundedError::TooSmall { need: need + need / 16 + (8 << 20) }
        })?
    } else {
        windows::Plan { parts: Vec::new(), row_bytes: avail, group_windows: 0 }
    };
    let mut sink = make(plan.row_bytes);
    if options.min_n == 1 {
        sink.add(words.rows)?;
    }
    progress.set_length((2 + 2 * plan.parts.len() as u64) * segments);
    let mut buffers = windows::Windows::default();
    let cx = windows::Partition {
        input,
        options,
        alive: &words.alive,
        sizes: &words.buckets,
        group: plan.group_windows,
        of_doc,
        progress: &progress,
    };
    for part in &plan.parts {
        windows::count_partition(&cx, part, &mut buffers, &mut sink)?;
    }
    progress.finish();
    Ok((sink, plan.parts.len()))
}

/// Count `input` as `options` say, with the counts of every row on each side of `of_doc`
/// (the side of every document: 0, 1, or [`crate::group::NONE`] for neither), in `budget`
/// bytes of working memory; rows go where `place` puts them (`None`: left out), at most
/// `keep` of the first class and of the last (see [`sided::SidedSink`]).
pub fn count_sided<'a, F>(
    input: &Input<'a>,
    options: &CountOptions,
    of_doc: &[u32],
    place: F,
    keep: Option<usize>,
    budget: u64,
) -> Result<SidedCounted<'a>, BoundedError>
where
    F: Fn(&Sided) -> Option<Place> + Sync,
{
    count_sided_in(input, options, of_doc, place, keep, Limits::of(budget))
}

/// [`count_sided`] with the budget's shares given.
pub fn count_sided_in<'a, F>(
    input: &Input<'a>,
    options: &CountOptions,
    of_doc: &[u32],
    place: F,
    keep: Option<usize>,
    limits: Limits,
) -> Result<SidedCounted<'a>, BoundedError>
where
    F: Fn(&Sided) -> Option<Place> + Sync,
{
    let space = input.spilled.space();
    let make = |bytes| sided::SidedSink::new(space, input.ranks, place, keep, bytes);
    let (sink, partitions) = count_into::<Sided, _>(input, options, Some(of_doc), limits, make)?;
    let mut counted = sink.finish()?;
    counted.partitions = partitions;
    Ok(counted)
}

/// Segments read at once, in parallel, by the passes that visit them in corpus order.
const READ_AHEAD: usize = 2;

/// Progress steps per segment read (a pass over the segments is `segments × this` steps, so
/// that a corpus of one segment still moves the bar while its buckets are counted).
const STEPS_PER_SEGMENT: u64 = 64;

/// The bucket of a window starting with keys `a`, `b`.
fn bucket(a: u32, b: u32) -> usize {
    let h = ((a as u64) << 32 | b as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (h >> (64 - BUCKET_BITS)) as usize
}

/// Buckets are numbered by this many bits of a hash.
const BUCKET_BITS: u32 = 16;

#[cfg(test)]
pub(crate) mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::count::spilled::spill_index;
    use crate::count::{EdgePolicy, VocabFacts, ordered_row_data};

    /// Documents of sentences of surface ids; the key of surface `s` is `s / 2`, key 0 is a
    /// stop word (as in the level-wise counter's tests, whose index builder this uses).
    use crate::count::ngrams::tests::{Corpus, index_of};

    const SURFACES: u32 = 16;

    /// A row as comparable numbers: n, count, docs, variants, DP bits, display.
    type Flat = (u8, u32, u32, u32, u64, Vec<u32>);

    fn flat(n: u8, count: u32, docs: u32, variants: u32, dp: f64, display: Vec<u32>) -> Flat {
        let dp = if dp.is_nan() { u64::MAX } else { dp.to_bits() };
        (n, count, docs, variants, dp, display)
    }

    /// Ranks that are not the ids, so that order bugs show: byte order reverses the ids.
    fn ranks(len: u32) -> Vec<u32> {
        (0..len).rev().collect()
    }

    fn in_memory(corpus: &Corpus, o: &CountOptions, order: RowOrder) -> Vec<Flat> {
        let idx = index_of(corpus);
        let stop: Vec<bool> = (0..SURFACES / 2).map(|k| k == 0).collect();
        let (krank, srank) = (ranks(SURFACES / 2), ranks(SURFACES));
        let facts = VocabFacts { key_stop: &stop, key_rank: &krank, surface_rank: &srank };
        let c = crate::count::count(&idx, &facts, o);
        ordered_row_data(&c, order, None)
            .iter()
            .map(|r| {
                let display = c.surface_words(r.n as usize, r.display);
                flat(r.n, r.count, r.docs, r.variants, r.dp, display)
            })
            .collect()
    }

    /// The token index of `corpus` on disk.
    fn spill(corpus: &Corpus) -> crate::count::spilled::SpilledIndex {
        spill_index(&index_of(corpus))
    }

    fn bounded(corpus: &Corpus, o: &CountOptions, order: RowOrder, cap: u64) -> Vec<Flat> {
        let spilled = spill(corpus);
        let stop: Vec<bool> = (0..SURFACES / 2).map(|k| k == 0).collect();
        let (krank, srank) = (ranks(SURFACES / 2), ranks(SURFACES));
        let keys: Vec<u32> = (0..SURFACES).map(|s| s / 2).collect();
        let ranks = Ranks { surface_keys: &keys, key_rank: &krank, surface_rank: &srank };
        let input = Input { spilled: &spilled, ranks, key_stop: &stop };
        // The dense arrays and the bucket table take about a megabyte; `cap` is what is left.
        let limits =
            Limits { budget: (1 << 20) + 4096 + cap, fixed: 0, fixed_at_most: 0, group_windows: 4 };
        let mut counted = match count_in(&input, o, order, None, limits) {
            Ok(c) => c,
            // The smallest budget named must be more than the one refused, and must work.
            Err(BoundedError::TooSmall { need }) => {
                assert!(need > limits.budget, "{need} refused at {}", limits.budget);
                count_in(&input, o, order, None, Limits { budget: need, ..limits }).unwrap()
            }
            Err(e) => panic!("{e}"),
        };
        let mut out = Vec::new();
        while let Some(r) = counted.merge.next_row().unwrap() {
            out.push(flat(r.n, r.count, r.docs, r.variants, r.dp, r.words().to_vec()));
        }
        out
    }

    fn corpus_strategy() -> impl Strategy<Value = Corpus> {
        let sentence = prop::collection::vec(0u32..SURFACES, 0..10);
        let doc = prop::collection::vec(sentence, 0..5);
        prop::collection::vec(doc, 0..8)
    }

    fn options_strategy() -> impl Strategy<Value = CountOptions> {
        (1usize..=4, 0usize..=4, 1u32..=3, 1u32..=2, any::<bool>()).prop_map(
            |(min_n, extra, min_count, min_docs, keep)| CountOptions {
                min_n,
                max_n: (min_n + extra).min(8),
                min_count,
                min_docs,
                edges: if keep { EdgePolicy::Keep } else { EdgePolicy::Drop },
            },
        )
    }

    /// Any row order (the tests of other merges draw from it too).
    pub(crate) fn order_strategy() -> impl Strategy<Value = RowOrder> {
        prop_oneof![
            Just(RowOrder::Count),
            Just(RowOrder::Docs),
            Just(RowOrder::Dp),
            Just(RowOrder::Phrase)
        ]
    }

    proptest! {
        #[test]
        fn equals_the_in_memory_counter_for_any_budget(
            corpus in corpus_strategy(),
            o in options_strategy(),
            order in order_strategy(),
            cap in 600u64..20_000,
        ) {
            prop_assert_eq!(bounded(&corpus, &o, order, cap), in_memory(&corpus, &o, order));
        }
    }

    /// The place the sided tests sort by: classes and values that tie often, a row left out
    /// now and then; a function of all four counts per side.
    fn test_place(s: &Sided) -> Option<Place> {
        let c = s.sides.count;
        let d = s.sides.docs;
        if (c[0] + 2 * c[1] + s.row.count) % 7 == 3 {
            return None;
        }
        let class = ((c[0] + d[1]) % 3) as u8;
        Some(Place { class, value: (c[1] * 2 + d[0]) as u64 % 5 })
    }

    /// Brute force: occurrences and documents of the key n-gram `keys` per side, found by
    /// scanning every sentence (the key of surface `s` is `s / 2`).
    fn brute_sides(corpus: &Corpus, of_doc: &[u32], keys: &[u32]) -> SideCounts {
        let mut out = SideCounts::default();
        for (d, doc) in corpus.iter().enumerate() {
            let side = of_doc[d] as usize;
            let mut found = 0;
            for sentence in doc {
                let ks: Vec<u32> = sentence.iter().map(|s| s / 2).collect();
                found += ks.windows(keys.len()).filter(|w| *w == keys).count() as u32;
            }
            if side < 2 && found > 0 {
                out.count[side] += found;
                out.docs[side] += 1;
            }
        }
        out
    }

    /// The sided rows of the bounded counter at `cap`, keeping `keep`; and what the merge
    /// said it would give per class.
    fn sided(
        corpus: &Corpus,
        of_doc: &[u32],
        o: &CountOptions,
        keep: Option<usize>,
        cap: u64,
    ) -> (Vec<(Place, Flat, SideCounts)>, [u64; 3]) {
        let spilled = spill(corpus);
        let stop: Vec<bool> = (0..SURFACES / 2).map(|k| k == 0).collect();
        let (krank, srank) = (ranks(SURFACES / 2), ranks(SURFACES));
        let keys: Vec<u32> = (0..SURFACES).map(|s| s / 2).collect();
        let ranks = Ranks { surface_keys: &keys, key_rank: &krank, surface_rank: &srank };
        let input = Input { spilled: &spilled, ranks, key_stop: &stop };
        let limits =
            Limits { budget: (1 << 20) + 4096 + cap, fixed: 0, fixed_at_most: 0, group_windows: 4 };
        let run = |limits| count_sided_in(&input, o, of_doc, test_place, keep, limits);
        let mut counted = match run(limits) {
            Ok(c) => c,
            Err(BoundedError::TooSmall { need }) => run(Limits { budget: need, ..limits }).unwrap(),
            Err(e) => panic!("{e}"),
        };
        let mut out = Vec::new();
        while let Some((place, s)) = counted.merge.next_row().unwrap() {
            let r = s.row;
            out.push((
                place,
                flat(r.n, r.count, r.docs, r.variants, r.dp, r.words().to_vec()),
                s.sides,
            ));
        }
        (out, counted.kept)
    }

    /// The sided rows as they must be: the in-memory counter's rows, their sides by brute
    /// force, placed, sorted by place and key (the key ranks reverse the key ids), cut to
    /// `keep`.
    fn sided_expected(
        corpus: &Corpus,
        of_doc: &[u32],
        o: &CountOptions,
        keep: Option<usize>,
    ) -> Vec<(Place, Flat, SideCounts)> {
        let mut rows: Vec<(Place, Vec<u32>, Flat, SideCounts)> =
            in_memory(corpus, o, RowOrder::Count)
                .into_iter()
                .filter_map(|f| {
                    let keys: Vec<u32> = f.5.iter().map(|s| s / 2).collect();
                    let sides = brute_sides(corpus, of_doc, &keys);
                    let mut display = [0; rows::MAX_N];
                    display[..f.5.len()].copy_from_slice(&f.5);
                    let dp = if f.4 == u64::MAX { f64::NAN } else { f64::from_bits(f.4) };
                    let row = Row { n: f.0, count: f.1, docs: f.2, variants: f.3, dp, display };
                    let place = test_place(&Sided { row, sides })?;
                    let order: Vec<u32> = keys.iter().map(|k| SURFACES / 2 - 1 - k).collect();
                    Some((place, order, f, sides))
                })
                .collect();
        rows.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        if let Some(k) = keep {
            let first = rows.iter().filter(|r| r.0.class == 0).count().min(k);
            let last = rows.iter().filter(|r| r.0.class == 2).count().min(k);
            let len = rows.len();
            rows = rows
                .into_iter()
                .enumerate()
                .filter(|(i, _)| *i < first || *i >= len - last)
                .map(|(_, r)| r)
                .collect();
        }
        rows.into_iter().map(|(p, _, f, s)| (p, f, s)).collect()
    }

    fn sides_strategy() -> impl Strategy<Value = Vec<u32>> {
        prop::collection::vec(prop_oneof![Just(0u32), Just(1), Just(crate::group::NONE)], 8)
    }

    proptest! {
        #[test]
        fn sided_rows_have_their_counts_per_side_and_sort_by_place(
            corpus in corpus_strategy(),
            of_doc in sides_strategy(),
            o in options_strategy(),
            keep in prop::option::of(0usize..4),
            cap in 600u64..20_000,
        ) {
            let (got, kept) = sided(&corpus, &of_doc, &o, keep, cap);
            let want = sided_expected(&corpus, &of_doc, &o, keep);
            for class in 0..3u8 {
                let n = want.iter().filter(|r| r.0.class == class).count() as u64;
                prop_assert_eq!(kept[class as usize], n);
            }
            prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn tiny_budgets_make_many_runs() {
        let corpus: Corpus = (0..40)
            .map(|d| {
                (0..6)
                    .map(|s| (0..9).map(|i| (d * 7 + s * 3 + i * i) % SURFACES).collect())
                    .collect()
            })
            .collect();
        let o = CountOptions { min_n: 1, max_n: 5, edges: EdgePolicy::Keep, ..Default::default() };
        let spilled = spill(&corpus);
        let stop = vec![false; 8];
        let (krank, srank) = (ranks(8), ranks(16));
        let keys: Vec<u32> = (0..16).map(|s| s / 2).collect();
        let ranks = Ranks { surface_keys: &keys, key_rank: &krank, surface_rank: &srank };
        let input = Input { spilled: &spilled, ranks, key_stop: &stop };
        // Too small a budget names the smallest that works; that one spills many runs.
        let tiny = Limits { budget: 1 << 20, fixed: 0, fixed_at_most: 0, group_windows: 4 };
        let Err(BoundedError::TooSmall { need }) =
            count_in(&input, &o, RowOrder::Count, None, tiny)
        else {
            panic!("a megabyte cannot hold the dense arrays and a bucket")
        };
        assert!(
            count_in(&input, &o, RowOrder::Count, None, Limits { budget: need, ..tiny }).is_ok()
        );
        // The smallest budget that works, found by bisection, spills many runs.
        let (mut lo, mut hi) = (tiny.budget, need);
        while hi - lo > 64 {
            let mid = (lo + hi) / 2;
            match count_in(&input, &o, RowOrder::Count, None, Limits { budget: mid, ..tiny }) {
                Ok(_) => hi = mid,
                Err(_) => lo = mid,
            }
        }
        let counted =
            count_in(&input, &o, RowOrder::Count, None, Limits { budget: hi, ..tiny }).unwrap();
        assert!(counted.runs >= 10 && counted.partitions >= 10, "{} runs", counted.runs);
        assert_eq!(
            bounded(&corpus, &o, RowOrder::Count, 2000),
            in_memory(&corpus, &o, RowOrder::Count)
        );
    }
}
