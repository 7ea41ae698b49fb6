//! Words counted in two passes over the segments with dense arrays, and the windows of the
//! n-grams counted: how many fall in each bucket.

use std::io;

use super::rows::{MAX_N, Row};
use super::sided::{Emit, SideCounts};
use super::{BUCKET_BITS, Input, READ_AHEAD, WINDOW_BYTES, WORD_BYTES, bucket};
use crate::count::blocks::NONE;
use crate::count::blocks::{BLOCK_WORDS, blocks_of, dense_groups};
use crate::count::dispersion::{DpAccumulator, Parts};
use crate::count::spilled::RawSegment;
use crate::count::{CountOptions, EdgePolicy};

use rayon::prelude::*;

use crate::progress::Progress;

/// Windows of one bucket.
#[derive(Debug, Clone, Copy, Default)]
pub struct Bucket {
    /// Windows starting in it.
    pub windows: u64,
    /// Words in those windows.
    pub words: u64,
}

impl Bucket {
    /// Bytes its windows need while counted.
    pub fn bytes(&self) -> u64 {
        self.windows * WINDOW_BYTES + self.words * WORD_BYTES
    }
}

/// The words' rows and what the n-gram passes need.
pub struct Words<E> {
    /// Reported words (unsorted).
    pub rows: Vec<E>,
    /// Key ids that survived.
    pub alive: Vec<bool>,
    /// Windows per bucket.
    pub buckets: Vec<Bucket>,
    /// Bytes held by the dense arrays while n-grams are counted.
    pub bytes: u64,
}

/// Per-key tallies.
struct Tally {
    count: Vec<u32>,
    docs: Vec<u32>,
    surface_count: Vec<u32>,
    /// Counts per side (empty unless documents have sides).
    sides: Vec<SideCounts>,
}

impl Tally {
    fn new(keys: usize, surfaces: usize, sided: bool) -> Tally {
        let sides = if sided { vec![SideCounts::default(); keys] } else { Vec::new() };
        Tally { count: vec![0; keys], docs: vec![0; keys], surface_count: vec![0; surfaces], sides }
    }

    /// Count one occurrence of surface `s` (key `key`) in document `doc`; true when it is the
    /// key's first in the document (`last` holds each key's last document).
    #[inline]
    fn add(&mut self, key: usize, s: u32, doc: u32, last: &mut [u32]) -> bool {
        self.count[key] += 1;
        self.surface_count[s as usize] += 1;
        let first = last[key] != doc;
        if first {
            last[key] = doc;
            self.docs[key] += 1;
        }
        first
    }

    /// Add another tally (counts add up: a document lies in one segment).
    fn merge(mut self, other: Tally) -> Tally {
        let pairs = [
            (&mut self.count, other.count),
            (&mut self.docs, other.docs),
            (&mut self.surface_count, other.surface_count),
        ];
        for (a, b) in pairs {
            a.iter_mut().zip(b).for_each(|(a, b)| *a += b);
        }
        self.sides.iter_mut().zip(other.sides).for_each(|(a, b)| a.merge(&b));
        self
    }
}

/// Count words (with their counts per side when `of_doc` gives the side of every document),
/// then find DP and the windows.
pub fn count<E: Emit>(
    input: &Input,
    options: &CountOptions,
    of_doc: Option<&[u32]>,
    progress: &Progress,
) -> io::Result<Words<E>> {
    let keys = input.ranks.key_rank.len();
    let surfaces = input.ranks.surface_rank.len();
    let skeys = input.ranks.surface_keys;
    let spilled = input.spilled;
    let sided = of_doc.is_some();
    let t = (0..spilled.segment_count())
        .into_par_iter()
        .try_fold(
            || (Tally::new(keys, surfaces, sided), vec![NONE; keys]),
            |(mut t, mut last), k| -> io::Result<_> {
                let seg = spilled.raw_segment(k)?;
                progress.inc(super::STEPS_PER_SEGMENT);
                // Two loops, so that counting without sides pays nothing for them.
                match of_doc {
                    None => for_each_word(&seg, |s, doc| {
                        t.add(skeys[s as usize] as usize, s, doc, &mut last);
                    }),
                    Some(of_doc) => for_each_word(&seg, |s, doc| {
                        let key = skeys[s as usize] as usize;
                        let first = t.add(key, s, doc, &mut last);
                        t.sides[key].add(of_doc[doc as usize], first);
                    }),
                }
                Ok((t, last))
            },
        )
        .map(|r| r.map(|(t, _)| t))
        .try_reduce(|| Tally::new(keys, surfaces, sided), |a, b| Ok(a.merge(b)))?;
    let alive: Vec<bool> = (0..keys)
        .map(|k| t.count[k] >= options.min_count && t.docs[k] >= options.min_docs)
        .collect();
    let (dp, buckets) = second_pass(input, options, &alive, &t.count, progress)?;
    let rows = word_rows(input, options, &alive, &t, &dp);
    let side_bytes = t.sides.len() * std::mem::size_of::<SideCounts>();
    let bytes = (keys * 6 + surfaces * 4 + buckets.len() * 16 + side_bytes) as u64;
    Ok(Words { rows, alive, buckets, bytes })
}

/// Call `f(surface, document)` for every word of a segment.
fn for_each_word(seg: &RawSegment, mut f: impl FnMut(u32, u32)) {
    let mut at = 0;
    for (d, &len) in seg.lens.iter().enumerate() {
        let doc = (seg.first_doc + d) as u32;
        for &id in &seg.ids[at..at + len as usize] {
            f(id & !RawSegment::START, doc);
        }
        at += len as usize;
    }
}

/// Call `f(position, words, document)` for every window of a segment, in position order: a
/// position where a surviving word is followed in its sentence by another, with the number of
/// surviving words from there to the end of the sentence or the first word that did not
/// survive, at most `max_n`. Positions and documents are the segment's own.
pub fn for_each_window(
    seg: &RawSegment,
    surface_keys: &[u32],
    alive: &[bool],
    max_n: usize,
    mut f: impl FnMut(usize, usize, usize),
) {
    let ids = &seg.ids;
    let lives = |i: usize| alive[surface_keys[(ids[i] & !RawSegment::START) as usize] as usize];
    let mut pos = 0;
    for (d, &len) in seg.lens.iter().enumerate() {
        let end = pos + len as usize;
        let mut i = pos;
        while i < end {
            if !lives(i) {
                i += 1;
                continue;
            }
            let stretch = i;
            i += 1;
            while i < end && ids[i] & RawSegment::START == 0 && lives(i) {
                i += 1;
            }
            for j in stretch..i.saturating_sub(1) {
                f(j, (i - j).min(max_n), d);
            }
        }
        pos = end;
    }
}

/// DP_norm of every surviving word (its terms added in corpus order), and the windows per
/// bucket.
fn second_pass(
    input: &Input,
    options: &CountOptions,
    alive: &[bool],
    count: &[u32],
    progress: &Progress,
) -> io::Result<(Vec<f64>, Vec<Bucket>)> {
    let keys = alive.len();
    let spilled = input.spilled;
    let skeys = input.ranks.surface_keys;
    let parts = Parts::from_lengths(&spilled.doc_len);
    let want_dp = options.min_n == 1 && parts.is_some();
    let mut dp = DpAccumulator::grouped(keys, dense_group_of_docs(&spilled.doc_len, keys));
    let lens = &spilled.doc_len[..];
    let mut buckets = vec![Bucket::default(); 1 << BUCKET_BITS];
    let max_n = options.max_n.min(MAX_N);
    let all: Vec<usize> = (0..spilled.segment_count()).collect();
    for ahead in all.chunks(READ_AHEAD) {
        // Read and histogram in parallel; DP terms in corpus order below.
        let read: Vec<(RawSegment, Vec<Bucket>)> = ahead
            .par_iter()
            .map(|&k| -> io::Result<_> {
                let seg = spilled.raw_segment(k)?;
                let mut local = Vec::new();
                if max_n >= 2 {
                    local = vec![Bucket::default(); 1 << BUCKET_BITS];
                    for_each_window(&seg, skeys, alive, max_n, |i, m, _| {
                        let (a, b) =
                            (seg.ids[i] & !RawSegment::START, seg.ids[i + 1] & !RawSegment::START);
                        let b = &mut local[bucket(skeys[a as usize], skeys[b as usize])];
                        b.windows += 1;
                        b.words += m as u64;
                    });
                }
                Ok((seg, local))
            })
            .collect::<io::Result<_>>()?;
        progress.inc(ahead.len() as u64 * super::STEPS_PER_SEGMENT);
        for (seg, local) in read {
            for (b, l) in buckets.iter_mut().zip(&local) {
                b.windows += l.windows;
                b.words += l.words;
            }
            let Some(parts) = parts.as_ref().filter(|_| want_dp) else { continue };
            for_each_word(&seg, |s, doc| {
                let k = skeys[s as usize] as usize;
                if alive[k] {
                    dp.add(lens, parts, count, k, doc);
                }
            });
        }
    }
    let dp = match parts.filter(|_| want_dp) {
        Some(parts) => dp.finish(lens, &parts, count),
        None => vec![f64::NAN; keys],
    };
    Ok((dp, buckets))
}

/// The group of each document among the counter's groups of blocks in memory
/// ([`dense_groups`] of `keys` ids): the words' DP terms are summed as they are there.
fn dense_group_of_docs(doc_len: &[u32], keys: usize) -> Vec<u32> {
    let mut starts = Vec::with_capacity(doc_len.len() + 1);
    let mut at = 0u32;
    starts.push(0);
    for &len in doc_len {
        // u32 as in memory; past 4 G words only the rounding of the sums could differ.
        at = at.saturating_add(len);
        starts.push(at);
    }
    let mut of_doc = vec![0u32; doc_len.len()];
    for (g, docs) in dense_groups(&blocks_of(&starts, BLOCK_WORDS), keys).into_iter().enumerate() {
        of_doc[docs].fill(g as u32);
    }
    of_doc
}

/// The reported words: display form (most frequent surface, ties to the smaller string) and
/// variants.
fn word_rows<E: Emit>(
    input: &Input,
    options: &CountOptions,
    alive: &[bool],
    t: &Tally,
    dp: &[f64],
) -> Vec<E> {
    let keys = alive.len();
    let r = &input.ranks;
    let (mut best, mut variants) = (vec![NONE; keys], vec![0u32; keys]);
    for (s, &c) in t.surface_count.iter().enumerate() {
        let k = r.surface_keys[s] as usize;
        if c == 0 || !alive[k] {
            continue;
        }
        variants[k] += 1;
        let b = best[k];
        let better = b == NONE
            || c > t.surface_count[b as usize]
            || (c == t.surface_count[b as usize] && r.surface_rank[s] < r.surface_rank[b as usize]);
        if better {
            best[k] = s as u32;
        }
    }
    (0..keys)
        .filter(|&k| alive[k] && best[k] != NONE)
        .filter(|&k| options.edges == EdgePolicy::Keep || !input.key_stop[k])
        .map(|k| {
            let mut display = [0; MAX_N];
            display[0] = best[k];
            let row = Row {
                n: 1,
                count: t.count[k],
                docs: t.docs[k],
                variants: variants[k],
                dp: dp[k],
                display,
            };
            E::emit(row, t.sides.get(k).copied().unwrap_or_default())
        })
        .collect()
}
