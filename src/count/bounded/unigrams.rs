//! Words counted in two passes over the segments with dense arrays, and the windows of the
//! n-grams counted: how many fall in each bucket.

use std::io;

use super::rows::{MAX_N, Row};
use super::{BUCKET_BITS, Input, WINDOW_BYTES, WORD_BYTES, bucket};
use crate::count::blocks::NONE;
use crate::count::dispersion::Parts;
use crate::count::{CountOptions, EdgePolicy, TokenIndex};

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
pub struct Words {
    /// Reported words (unsorted).
    pub rows: Vec<Row>,
    /// Key ids that survived.
    pub alive: Vec<bool>,
    /// Windows per bucket.
    pub buckets: Vec<Bucket>,
    /// Bytes held by the dense arrays while n-grams are counted.
    pub bytes: u64,
}

/// Per-key tallies in corpus order.
struct Tally {
    count: Vec<u32>,
    docs: Vec<u32>,
    last: Vec<u32>,
    surface_count: Vec<u32>,
}

/// Count words, then find DP and the windows.
pub fn count(input: &Input, options: &CountOptions) -> io::Result<Words> {
    let keys = input.ranks.key_rank.len();
    let surfaces = input.ranks.surface_rank.len();
    let mut t = Tally {
        count: vec![0; keys],
        docs: vec![0; keys],
        last: vec![NONE; keys],
        surface_count: vec![0; surfaces],
    };
    for seg in input.spilled.segments(input.ranks.surface_keys) {
        let seg = seg?;
        for_each_word(&seg.index, seg.first_doc, |k, s, doc| {
            t.count[k as usize] += 1;
            t.surface_count[s as usize] += 1;
            if t.last[k as usize] != doc {
                t.last[k as usize] = doc;
                t.docs[k as usize] += 1;
            }
        });
    }
    let alive: Vec<bool> = (0..keys)
        .map(|k| t.count[k] >= options.min_count && t.docs[k] >= options.min_docs)
        .collect();
    let (dp, buckets) = second_pass(input, options, &alive, &t.count)?;
    let rows = word_rows(input, options, &alive, &t, &dp);
    let bytes = (keys * 6 + surfaces * 4 + buckets.len() * 16) as u64;
    Ok(Words { rows, alive, buckets, bytes })
}

/// Call `f(key, surface, document)` for every word of a segment.
fn for_each_word(index: &TokenIndex, first_doc: usize, mut f: impl FnMut(u32, u32, u32)) {
    for d in 0..index.doc_count() {
        let doc = (first_doc + d) as u32;
        for i in index.doc_range(d) {
            f(index.keys[i], index.surfaces[i], doc);
        }
    }
}

/// Call `f(position, words)` for every window of a segment: a position where a surviving word
/// is followed in its sentence by another, with the number of surviving words from there to
/// the end of the sentence or the first word that did not survive, at most `max_n`.
pub fn for_each_window(
    index: &TokenIndex,
    alive: &[bool],
    max_n: usize,
    mut f: impl FnMut(usize, usize),
) {
    let len = index.len();
    let mut end = len;
    for i in (0..len).rev() {
        if !alive[index.keys[i] as usize] {
            end = i;
            continue;
        }
        if i + 1 < len && index.sentence_start[i + 1] {
            end = i + 1;
        }
        let m = (end - i).min(max_n);
        if m >= 2 {
            f(i, m);
        }
    }
}

/// DP_norm of every surviving word, and the windows per bucket.
fn second_pass(
    input: &Input,
    options: &CountOptions,
    alive: &[bool],
    count: &[u32],
) -> io::Result<(Vec<f64>, Vec<Bucket>)> {
    let keys = alive.len();
    let parts = Parts::from_lengths(&input.spilled.doc_len);
    let want_dp = options.min_n == 1 && parts.is_some();
    let (mut acc, mut in_doc, mut last) = (vec![0f64; keys], vec![0u32; keys], vec![NONE; keys]);
    let lens = &input.spilled.doc_len;
    let mut buckets = vec![Bucket::default(); 1 << BUCKET_BITS];
    for seg in input.spilled.segments(input.ranks.surface_keys) {
        let seg = seg?;
        if let (true, Some(parts)) = (want_dp, &parts) {
            for_each_word(&seg.index, seg.first_doc, |k, _, doc| {
                let k = k as usize;
                if !alive[k] {
                    return;
                }
                if last[k] != doc {
                    if last[k] != NONE {
                        acc[k] += parts.term(in_doc[k], count[k], lens[last[k] as usize] as usize);
                    }
                    (last[k], in_doc[k]) = (doc, 0);
                }
                in_doc[k] += 1;
            });
        }
        if options.max_n >= 2 {
            let idx = &seg.index;
            for_each_window(idx, alive, options.max_n.min(MAX_N), |i, m| {
                let b = &mut buckets[bucket(idx.keys[i], idx.keys[i + 1])];
                b.windows += 1;
                b.words += m as u64;
            });
        }
    }
    let dp = (0..keys)
        .map(|k| match (&parts, last[k]) {
            (Some(parts), d) if want_dp && d != NONE => {
                let term = parts.term(in_doc[k], count[k], lens[d as usize] as usize);
                parts.finish(acc[k] + term)
            }
            _ => f64::NAN,
        })
        .collect();
    Ok((dp, buckets))
}

/// The reported words: display form (most frequent surface, ties to the smaller string) and
/// variants.
fn word_rows(
    input: &Input,
    options: &CountOptions,
    alive: &[bool],
    t: &Tally,
    dp: &[f64],
) -> Vec<Row> {
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
            Row {
                n: 1,
                count: t.count[k],
                docs: t.docs[k],
                variants: variants[k],
                dp: dp[k],
                display,
            }
        })
        .collect()
}
