//! Partitions of buckets, their windows collected in one pass over the segments, and every
//! bucket counted level by level into rows.

use std::io;
use std::ops::Range;

use rayon::prelude::*;

use super::rows::{MAX_N, Row};
use super::sided::{Emit, SideCounts};
use super::unigrams::{Bucket, for_each_window};
use super::{Collect, Input, READ_AHEAD, bucket};
use crate::collections::{HashMap, map_with_capacity};
use crate::count::blocks::NONE;
use crate::count::dispersion::{DpAccumulator, Parts};
use crate::count::spilled::RawSegment;
use crate::count::{CountOptions, EdgePolicy};

/// Bytes a window of a bucket being counted may need besides its own arrays (ids, candidates,
/// hash maps and the rows it makes, for the largest bucket on every thread at once).
pub const COUNTING_BYTES: u64 = 160;

/// How a partition plan shares the memory left for n-grams.
#[derive(Debug)]
pub struct Plan {
    /// Consecutive buckets counted together, one pass over the segments each.
    pub parts: Vec<Range<usize>>,
    /// Bytes of rows held before a run is written.
    pub row_bytes: u64,
    /// Buckets are counted in parallel in groups of about this many windows, whose rows go
    /// to the sink together.
    pub group_windows: u64,
}

/// Share `avail` bytes between the windows of a partition, the buckets being counted (at
/// `per_window` bytes a window: [`COUNTING_BYTES`], more when rows carry their sides) and the
/// rows waiting to be sorted; fails with the smallest `avail` that works.
pub fn plan(
    buckets: &[Bucket],
    avail: u64,
    group_windows: u64,
    per_window: u64,
) -> Result<Plan, u64> {
    let largest = buckets.iter().map(Bucket::bytes).max().unwrap_or(0);
    let most = buckets.iter().map(|b| b.windows).max().unwrap_or(0);
    // A group being counted holds at most its windows, or the largest bucket's; groups are
    // never larger than the largest bucket, so that this share does not grow with the budget
    // (the smallest budget named must work).
    let group_windows = group_windows.min(most.max(1 << 10));
    let counting = most.max(group_windows) * per_window;
    let rest = avail.saturating_sub(counting);
    // Half for the windows, half for the rows; each must hold the largest bucket's.
    if rest / 2 < largest {
        return Err(counting + 2 * largest);
    }
    let cap = rest / 2;
    let mut parts = Vec::new();
    let (mut start, mut bytes) = (0, 0u64);
    for (b, bucket) in buckets.iter().enumerate() {
        if bytes + bucket.bytes() > cap && b > start {
            parts.push(start..b);
            (start, bytes) = (b, 0);
        }
        bytes += bucket.bytes();
    }
    if bytes > 0 {
        parts.push(start..buckets.len());
    }
    Ok(Plan { parts, row_bytes: rest - cap, group_windows })
}

/// The windows of a partition, grouped by bucket, each bucket in position order. The buffers
/// are kept from one partition to the next (fresh gigabyte buffers cost a page fault per
/// 4 KB every time).
#[derive(Default)]
pub struct Windows {
    /// Surface ids of all windows' words.
    words: Vec<u32>,
    /// Start of each window in `words` (one more at the end).
    start: Vec<u32>,
    /// Document of each window.
    doc: Vec<u32>,
    /// Windows of each bucket of the partition (one more at the end).
    bucket_start: Vec<usize>,
}

impl Windows {
    /// Room for the windows of the buckets `sizes`; returns where each bucket's words start.
    fn lay_out(&mut self, sizes: &[Bucket]) -> Vec<usize> {
        self.bucket_start.clear();
        let mut word_start = Vec::with_capacity(sizes.len());
        let (mut w, mut x) = (0usize, 0usize);
        for b in sizes {
            self.bucket_start.push(w);
            word_start.push(x);
            w += b.windows as usize;
            x += b.words as usize;
        }
        self.bucket_start.push(w);
        for (v, len) in [(&mut self.words, x), (&mut self.start, w + 1), (&mut self.doc, w)] {
            if len > v.capacity() {
                // Growing in place would hold the old buffer and the new one at once.
                *v = Vec::new();
            }
            v.clear();
            v.resize(len, 0);
        }
        self.start[w] = x as u32;
        word_start
    }
}

/// What every partition is counted with.
pub struct Partition<'a> {
    /// The counter's input.
    pub input: &'a Input<'a>,
    /// What to count.
    pub options: &'a CountOptions,
    /// Key ids that survived as words.
    pub alive: &'a [bool],
    /// Windows per bucket.
    pub sizes: &'a [Bucket],
    /// Windows counted in parallel at once.
    pub group: u64,
    /// The side of every document, when rows carry their counts per side.
    pub of_doc: Option<&'a [u32]>,
    /// Advanced once per segment read.
    pub progress: &'a crate::progress::Progress,
}

/// Collect the windows of the buckets in `part` into `out`, reading segments in parallel and
/// placing their windows in corpus order.
fn collect(p: &Partition, part: &Range<usize>, out: &mut Windows) -> io::Result<()> {
    let Partition { input, options, alive, sizes, .. } = *p;
    let word_start = out.lay_out(&sizes[part.clone()]);
    let max_n = options.max_n.min(MAX_N);
    let spilled = input.spilled;
    // Buckets are placed by shards of consecutive buckets, in parallel: each shard owns its
    // part of the arrays, and takes its windows in corpus order.
    let buckets = part.len();
    let shard_of = |local: usize| local * SHARDS / buckets.max(1);
    let bounds: Vec<usize> = (0..=SHARDS).map(|t| (t * buckets).div_ceil(SHARDS)).collect();
    let mut shards = out.shards(&bounds, &word_start);
    let all: Vec<usize> = (0..spilled.segment_count()).collect();
    for ahead in all.chunks(READ_AHEAD) {
        let found: Vec<(RawSegment, Vec<Vec<[u32; 4]>>)> = ahead
            .par_iter()
            .map(|&k| segment_windows(input, alive, max_n, part, k, &shard_of))
            .collect::<io::Result<_>>()?;
        p.progress.inc(ahead.len() as u64 * super::STEPS_PER_SEGMENT);
        shards.par_iter_mut().enumerate().for_each(|(t, shard)| {
            for (seg, records) in &found {
                shard.place(seg, &records[t]);
            }
        });
    }
    Ok(())
}

/// Shards of consecutive buckets whose windows are placed in parallel.
const SHARDS: usize = 16;

/// One shard's share of a partition's arrays, and where its buckets' next windows go.
struct Shard<'a> {
    words: &'a mut [u32],
    start: &'a mut [u32],
    doc: &'a mut [u32],
    /// Where the shard's words and windows begin in the partition's arrays.
    word_base: usize,
    window_base: usize,
    /// First bucket of the shard, and the next window and word of each of its buckets.
    first_bucket: usize,
    next_window: Vec<usize>,
    next_word: Vec<usize>,
}

impl Windows {
    /// The arrays cut into shards at the bucket `bounds`.
    fn shards<'a>(&'a mut self, bounds: &[usize], word_start: &[usize]) -> Vec<Shard<'a>> {
        let total_words = self.words.len();
        let word_at = |b: usize| word_start.get(b).copied().unwrap_or(total_words);
        let (mut words, mut start, mut doc) =
            (self.words.as_mut_slice(), self.start.as_mut_slice(), self.doc.as_mut_slice());
        let mut out = Vec::with_capacity(bounds.len() - 1);
        for pair in bounds.windows(2) {
            let (b0, b1) = (pair[0], pair[1]);
            let (w0, w1) = (self.bucket_start[b0], self.bucket_start[b1]);
            let (x0, x1) = (word_at(b0), word_at(b1));
            let (head, tail) = std::mem::take(&mut words).split_at_mut(x1 - x0);
            words = tail;
            let (shead, stail) = std::mem::take(&mut start).split_at_mut(w1 - w0);
            start = stail;
            let (dhead, dtail) = std::mem::take(&mut doc).split_at_mut(w1 - w0);
            doc = dtail;
            out.push(Shard {
                words: head,
                start: shead,
                doc: dhead,
                word_base: x0,
                window_base: w0,
                first_bucket: b0,
                next_window: self.bucket_start[b0..b1].to_vec(),
                next_word: (b0..b1).map(word_at).collect(),
            });
        }
        out
    }
}

impl Shard<'_> {
    /// Place a segment's windows of this shard, in order.
    fn place(&mut self, seg: &RawSegment, records: &[[u32; 4]]) {
        for &[local, doc, m, i] in records {
            let b = local as usize - self.first_bucket;
            let (m, i) = (m as usize, i as usize);
            let (win, at) = (self.next_window[b], self.next_word[b]);
            let words = seg.ids[i..i + m].iter().map(|&v| v & !RawSegment::START);
            let dest = &mut self.words[at - self.word_base..at - self.word_base + m];
            dest.iter_mut().zip(words).for_each(|(w, v)| *w = v);
            self.start[win - self.window_base] = at as u32;
            self.doc[win - self.window_base] = doc;
            self.next_window[b] += 1;
            self.next_word[b] += m;
        }
    }
}

/// Segment `k` and its windows that fall in `part`: bucket (within the partition), document,
/// words and position.
fn segment_windows(
    input: &Input,
    alive: &[bool],
    max_n: usize,
    part: &Range<usize>,
    k: usize,
    shard_of: &(dyn Fn(usize) -> usize + Sync),
) -> io::Result<(RawSegment, Vec<Vec<[u32; 4]>>)> {
    let seg = input.spilled.raw_segment(k)?;
    let skeys = input.ranks.surface_keys;
    let surface = |i: usize| seg.ids[i] & !RawSegment::START;
    let mut rec = vec![Vec::new(); SHARDS];
    for_each_window(&seg, skeys, alive, max_n, |i, m, d| {
        let b = bucket(skeys[surface(i) as usize], skeys[surface(i + 1) as usize]);
        if !part.contains(&b) {
            return;
        }
        let local = b - part.start;
        rec[shard_of(local)].push([local as u32, (seg.first_doc + d) as u32, m as u32, i as u32]);
    });
    Ok((seg, rec))
}

/// Count the n-grams (n ≥ 2) of one partition into rows.
pub fn count_partition<E: Emit>(
    p: &Partition,
    part: &Range<usize>,
    windows: &mut Windows,
    sink: &mut impl Collect<E>,
) -> io::Result<()> {
    let started = std::time::Instant::now();
    let (input, options, group_windows) = (p.input, p.options, p.group);
    collect(p, part, windows)?;
    let windows = &*windows;
    crate::progress::trace(started, || format!("collected {} windows", windows.doc.len()));
    let parts = Parts::from_lengths(&input.spilled.doc_len);
    let cx = Context { input, options, parts, windows, of_doc: p.of_doc };
    let buckets: Vec<Range<usize>> =
        windows.bucket_start.windows(2).map(|w| w[0]..w[1]).filter(|g| !g.is_empty()).collect();
    // Counting a partition's buckets is worth as many steps as reading the segments: the
    // share of its windows counted so far.
    let steps = p.input.spilled.segment_count() as u64 * super::STEPS_PER_SEGMENT;
    let total = windows.doc.len().max(1) as u64;
    let (mut counted, mut shown) = (0u64, 0u64);
    let mut group = 0;
    while group < buckets.len() {
        let mut end = group + 1;
        let mut size = buckets[group].len() as u64;
        while end < buckets.len() && size + (buckets[end].len() as u64) <= group_windows {
            size += buckets[end].len() as u64;
            end += 1;
        }
        let rows: Vec<E> = buckets[group..end]
            .par_iter()
            .flat_map_iter(|g| cx.count_bucket::<E>(g.clone()))
            .collect();
        sink.add(rows)?;
        group = end;
        counted += size;
        let now = steps * counted / total;
        p.progress.inc(now - shown);
        shown = now;
    }
    p.progress.inc(steps - shown);
    Ok(())
}

struct Context<'a> {
    input: &'a Input<'a>,
    options: &'a CountOptions,
    parts: Option<Parts>,
    windows: &'a Windows,
    of_doc: Option<&'a [u32]>,
}

/// One level's candidates in a bucket.
#[derive(Default)]
struct Candidates {
    count: Vec<u32>,
    docs: Vec<u32>,
    last: Vec<u32>,
    /// Counts per side (only when documents have sides).
    sides: Vec<SideCounts>,
}

impl Candidates {
    fn add(
        &mut self,
        map: &mut HashMap<u64, u32>,
        key: u64,
        doc: u32,
        of_doc: Option<&[u32]>,
    ) -> u32 {
        let next = self.count.len() as u32;
        let c = *map.entry(key).or_insert(next);
        if c == next {
            self.count.push(0);
            self.docs.push(0);
            self.last.push(NONE);
            if of_doc.is_some() {
                self.sides.push(SideCounts::default());
            }
        }
        let j = c as usize;
        self.count[j] += 1;
        let first = self.last[j] != doc;
        if first {
            self.last[j] = doc;
            self.docs[j] += 1;
        }
        if let Some(of_doc) = of_doc {
            self.sides[j].add(of_doc[doc as usize], first);
        }
        c
    }
}

impl Context<'_> {
    fn words(&self, w: usize) -> &[u32] {
        let ws = self.windows;
        &ws.words[ws.start[w] as usize..ws.start[w + 1] as usize]
    }

    fn key(&self, s: u32) -> u32 {
        self.input.ranks.surface_keys[s as usize]
    }

    /// Count one bucket's windows level by level.
    fn count_bucket<E: Emit>(&self, g: Range<usize>) -> Vec<E> {
        let len = g.len();
        // Id of the surviving (n−1)-gram, and of its surface n-gram, in each window.
        let mut slots = Slots { ids: vec![NONE; len], sids: vec![NONE; len] };
        let mut rows = Vec::new();
        for n in 2..=self.options.max_n.min(MAX_N) {
            let survivors = self.level(&g, n, &mut slots, &mut rows);
            if survivors == 0 {
                break;
            }
        }
        rows
    }

    /// Count level `n` of a bucket: `slots` move from level n−1 to level n, reported
    /// survivors are added to `rows`; returns the number of survivors.
    fn level<E: Emit>(
        &self,
        g: &Range<usize>,
        n: usize,
        slots: &mut Slots,
        rows: &mut Vec<E>,
    ) -> usize {
        let ids = &slots.ids;
        let docs = &self.windows.doc[g.clone()];
        let mut map = map_with_capacity(g.len().min(1 << 16));
        let mut cands = Candidates::default();
        let mut cand_of = vec![NONE; g.len()];
        for (w, slot) in cand_of.iter_mut().enumerate() {
            let words = self.words(g.start + w);
            if words.len() < n || (n > 2 && ids[w] == NONE) {
                continue;
            }
            let head = if n == 2 { self.key(words[0]) } else { ids[w] };
            let key = (head as u64) << 32 | self.key(words[n - 1]) as u64;
            *slot = cands.add(&mut map, key, docs[w], self.of_doc);
        }
        drop(map);
        let o = self.options;
        let mut survivor = vec![NONE; cands.count.len()];
        let mut kept = Level::default();
        for (j, s) in survivor.iter_mut().enumerate() {
            if cands.count[j] >= o.min_count && cands.docs[j] >= o.min_docs {
                *s = kept.count.len() as u32;
                kept.count.push(cands.count[j]);
                kept.docs.push(cands.docs[j]);
                if let Some(&sides) = cands.sides.get(j) {
                    kept.sides.push(sides);
                }
            }
        }
        self.surfaces(g, n, (&cand_of, &survivor), slots, &mut kept);
        if n >= o.min_n {
            self.report(g, n, &slots.ids, &kept, rows);
        }
        kept.count.len()
    }

    /// Move `slots` to level `n` (`cand_of` each window's candidate, `survivor` each
    /// candidate's survivor id) and count the surface n-grams of the survivors.
    fn surfaces(
        &self,
        g: &Range<usize>,
        n: usize,
        (cand_of, survivor): (&[u32], &[u32]),
        slots: &mut Slots,
        kept: &mut Level,
    ) {
        let Slots { ids, sids } = slots;
        let mut smap = map_with_capacity(kept.count.len().min(1 << 16));
        for w in 0..g.len() {
            let c = cand_of[w];
            let id = if c == NONE { NONE } else { survivor[c as usize] };
            ids[w] = id;
            if id == NONE {
                sids[w] = NONE;
                continue;
            }
            let words = self.words(g.start + w);
            let head = if n == 2 { words[0] } else { sids[w] };
            let skey = (head as u64) << 32 | words[n - 1] as u64;
            let next = kept.surface_count.len() as u32;
            let sc = *smap.entry(skey).or_insert(next);
            if sc == next {
                kept.surface_count.push(0);
                kept.surface_owner.push(id);
                kept.surface_window.push(w as u32);
            }
            kept.surface_count[sc as usize] += 1;
            sids[w] = sc;
        }
    }

    /// Rows of the reported survivors of level `n`.
    fn report<E: Emit>(
        &self,
        g: &Range<usize>,
        n: usize,
        ids: &[u32],
        kept: &Level,
        rows: &mut Vec<E>,
    ) {
        let survivors = kept.count.len();
        // One window of each survivor (the display form's), for its words.
        let (mut best, mut variants) = (vec![NONE; survivors], vec![0u32; survivors]);
        let r = &self.input.ranks;
        for sc in 0..kept.surface_count.len() {
            let k = kept.surface_owner[sc] as usize;
            variants[k] += 1;
            let b = best[k];
            let better = b == NONE || {
                let (c, cb) = (kept.surface_count[sc], kept.surface_count[b as usize]);
                c > cb || (c == cb && self.surface_less(g, n, kept, sc, b as usize, r))
            };
            if better {
                best[k] = sc as u32;
            }
        }
        let emitted: Vec<bool> = (0..survivors)
            .map(|k| {
                let w = kept.surface_window[best[k] as usize] as usize;
                let words = &self.words(g.start + w)[..n];
                self.options.edges == EdgePolicy::Keep
                    || !(self.input.key_stop[self.key(words[0]) as usize]
                        || self.input.key_stop[self.key(words[n - 1]) as usize])
            })
            .collect();
        let dp = self.dp(g, ids, kept, &emitted);
        for k in (0..survivors).filter(|&k| emitted[k]) {
            let w = kept.surface_window[best[k] as usize] as usize;
            let mut display = [0; MAX_N];
            display[..n].copy_from_slice(&self.words(g.start + w)[..n]);
            let row = Row {
                n: n as u8,
                count: kept.count[k],
                docs: kept.docs[k],
                variants: variants[k],
                dp: dp[k],
                display,
            };
            rows.push(E::emit(row, kept.sides.get(k).copied().unwrap_or_default()));
        }
    }

    /// Is surface n-gram `a` before `b` in the byte order of their strings?
    fn surface_less(
        &self,
        g: &Range<usize>,
        n: usize,
        kept: &Level,
        a: usize,
        b: usize,
        r: &super::Ranks,
    ) -> bool {
        let wa = &self.words(g.start + kept.surface_window[a] as usize)[..n];
        let wb = &self.words(g.start + kept.surface_window[b] as usize)[..n];
        let rank = |s: &u32| r.surface_rank[*s as usize];
        wa.iter().map(rank).lt(wb.iter().map(rank))
    }

    /// DP_norm of the reported survivors, visiting their windows in corpus order.
    fn dp(&self, g: &Range<usize>, ids: &[u32], kept: &Level, emitted: &[bool]) -> Vec<f64> {
        let survivors = kept.count.len();
        let Some(parts) = &self.parts else {
            return vec![f64::NAN; survivors];
        };
        let lens = &self.input.spilled.doc_len[..];
        let docs = &self.windows.doc[g.clone()];
        let mut dp = DpAccumulator::new(survivors);
        for (w, &id) in ids.iter().enumerate() {
            if id != NONE && emitted[id as usize] {
                dp.add(lens, parts, &kept.count, id as usize, docs[w]);
            }
        }
        dp.finish(lens, parts, &kept.count)
    }
}

/// Per window of a bucket: the id of its surviving n-gram at the current level, and of that
/// n-gram's surface form (`NONE` once the window's n-gram did not survive).
struct Slots {
    ids: Vec<u32>,
    sids: Vec<u32>,
}

/// The survivors of one level of a bucket.
#[derive(Default)]
struct Level {
    count: Vec<u32>,
    docs: Vec<u32>,
    /// Counts per side (only when documents have sides).
    sides: Vec<SideCounts>,
    surface_count: Vec<u32>,
    surface_owner: Vec<u32>,
    /// A window holding each surface n-gram (its first).
    surface_window: Vec<u32>,
}
