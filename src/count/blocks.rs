//! Parallel counting of u64 keys: scatter by block, count by partition.
//!
//! Counting a million distinct keys in one hash table is slow because the table does not fit
//! in the processor's caches. So counting runs in two parallel phases:
//!
//! 1. *Scatter*: the corpus is cut into blocks of whole documents of about [`BLOCK_WORDS`]
//!    words; each worker walks a block and appends every (key, position, document) to one of
//!    [`PARTITIONS`] buffers chosen by a hash of the key.
//! 2. *Count*: each partition is counted by one worker in a hash table small enough to stay in
//!    cache, reading its buffers in block order, so positions arrive in corpus order and
//!    document frequencies need no per-document set (a "last document seen" per key suffices).
//!
//! A key lives in exactly one partition, so partitions need no merge: candidates are numbered
//! partition by partition, in order of first appearance. Block cuts and the partition count
//! depend only on the corpus, never on the number of threads, so ids and every sum computed
//! from them are the same with 1 thread or 16.

use std::ops::Range;

use rayon::prelude::*;

use super::TokenIndex;
use super::dispersion::{DpAccumulator, Parts};
use crate::collections::{HashMap, map_with_capacity};

/// "No id here": the position holds no candidate, or the candidate did not survive.
pub const NONE: u32 = u32::MAX;

/// Target block size in words for the scatter phase.
pub const BLOCK_WORDS: usize = 1 << 18;

/// Number of partitions of the key space (a power of two).
pub const PARTITIONS: usize = 64;

/// Cut the documents of `index` into blocks of about `target` words (document ranges).
pub fn blocks(index: &TokenIndex, target: usize) -> Vec<Range<usize>> {
    blocks_of(&index.doc_start, target)
}

/// [`blocks`] of documents given by their start positions (`docs + 1` entries, the total
/// length last).
pub fn blocks_of(doc_start: &[u32], target: usize) -> Vec<Range<usize>> {
    let docs = doc_start.len() - 1;
    let mut out = Vec::new();
    let mut first = 0;
    for d in 0..docs {
        let words = doc_start[d + 1] as usize - doc_start[first] as usize;
        if words >= target {
            out.push(first..d + 1);
            first = d + 1;
        }
    }
    if first < docs || out.is_empty() {
        out.push(first..docs);
    }
    out
}

/// Counts of u64 keys; index `j` is candidate `j` (partition by partition, then in order of
/// first appearance).
#[derive(Debug, Default)]
pub struct Candidates {
    /// The key of each candidate.
    pub keys: Vec<u64>,
    /// Occurrences of each candidate.
    pub count: Vec<u32>,
    /// Documents containing each candidate.
    pub docs: Vec<u32>,
    /// DP_norm of each candidate (empty unless asked for; NaN for candidates below the
    /// thresholds of the [`DpSpec`]).
    pub dp: Vec<f64>,
    /// Corpus position of each candidate's first occurrence (dense counts only; empty for
    /// partitioned ones).
    pub first_pos: Vec<u32>,
}

/// Dispersion wanted from a count: over these parts, for candidates that reach both thresholds
/// (the others are dropped by the caller, so their DP would be wasted work).
#[derive(Debug, Clone, Copy)]
pub struct DpSpec<'a> {
    /// The documents as parts.
    pub parts: &'a Parts,
    /// Minimum count.
    pub min_count: u32,
    /// Minimum number of documents.
    pub min_docs: u32,
}

impl DpSpec<'_> {
    fn wanted(&self, count: u32, docs: u32) -> bool {
        count >= self.min_count && docs >= self.min_docs
    }
}

impl Candidates {
    /// Number of candidates.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// True when there is none.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// One occurrence of a key, on its way to its partition: 20 bytes (packed, because the
/// scatter writes one per position of the corpus and every later pass reads them back).
///
/// While a partition is counted, `key` and `skey` are replaced by the occurrence's candidate
/// indices, and at the end by the ids the candidates got ([`NONE`] for dropped ones).
#[derive(Clone, Copy)]
#[repr(C, packed(4))]
struct Hit {
    key: u64,
    /// The occurrence's surface key, counted within the key's partition when asked for.
    skey: u64,
    doc: u32,
}

/// Which partition a key belongs to (Fibonacci hashing: the top bits of key × 2⁶⁴/φ).
fn partition(key: u64) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - PARTITIONS.trailing_zeros())) as usize
}

/// The surface keys counted beside the keys by [`count_partitioned`].
#[derive(Debug, Default)]
pub struct SurfaceCandidates {
    /// The surface key of each surface candidate.
    pub keys: Vec<u64>,
    /// Occurrences.
    pub count: Vec<u32>,
    /// The key candidate every occurrence of it belongs to.
    pub owner: Vec<u32>,
}

/// Which candidates of a partitioned count get ids: those with at least `min_count`
/// occurrences in at least `min_docs` documents.
#[derive(Debug, Clone, Copy)]
pub struct Keep {
    /// Minimum count.
    pub min_count: u32,
    /// Minimum number of documents.
    pub min_docs: u32,
}

impl Keep {
    /// Every candidate.
    pub const ALL: Keep = Keep { min_count: 0, min_docs: 0 };

    fn keeps(&self, count: u32, docs: u32) -> bool {
        count >= self.min_count && docs >= self.min_docs
    }
}

/// Count the keys that `key_at(position)` yields.
///
/// On return `slot[i]` holds the candidate index of position `i`, or [`NONE`] where `key_at`
/// gave nothing. `slot` must be as long as the index. Candidates come partition by partition,
/// each partition's in order of first appearance; `first_pos` and `dp` are left empty.
pub fn count_keys<F>(
    index: &TokenIndex,
    blocks: &[Range<usize>],
    key_at: F,
    slot: &mut [u32],
) -> Candidates
where
    F: Fn(usize) -> Option<u64> + Sync,
{
    let pair_at = |i: usize| key_at(i).map(|k| (k, 0));
    let mut pool = HitPool::default();
    let counted = count_partitioned(index, blocks, pair_at, false, Keep::ALL, None, &mut pool);
    counted.write_ids(index, blocks, slot, None);
    concat(counted.release(&mut pool))
}

/// Scatter buffers kept from one count to the next: each level of the n-gram counter scatters
/// about as many occurrences as the one before, and fresh buffers would cost page faults and
/// zeroing for every level (a tenth of the counting time).
#[derive(Default)]
pub struct HitPool {
    /// `[block][partition]`.
    buffers: Vec<Vec<Vec<Hit>>>,
    /// `[block]`: the partition of each position of the block, [`NO_PARTITION`] where there
    /// is no key.
    routes: Vec<Vec<u8>>,
}

/// Route of a position without a key.
const NO_PARTITION: u8 = u8::MAX;

/// One partition's counts: every candidate, and the partition-local id of those kept.
#[derive(Debug, Default)]
pub struct PartCounts {
    /// Key candidates in order of first appearance (`first_pos` empty; `dp` filled for kept
    /// candidates when dispersion was asked for, NaN for the others).
    pub keys: Candidates,
    /// Surface candidates in order of first appearance (empty unless surfaces were counted);
    /// `owner` is a local key candidate index.
    pub surfaces: SurfaceCandidates,
    /// Local id of each key candidate: 0, 1, … over the kept ones in candidate order, or
    /// [`NONE`].
    pub key_ids: Vec<u32>,
    /// Local id of each surface candidate whose owner is kept, or [`NONE`].
    pub surface_ids: Vec<u32>,
    /// Number of kept key candidates.
    pub kept: usize,
    /// Number of kept surface candidates.
    pub surfaces_kept: usize,
}

/// Counts per partition, with the hits that produced them (each now holding its local ids):
/// kept candidates get ids partition by partition ([`Partitioned::write_ids`]).
pub struct Partitioned {
    /// Per partition: its candidates and their local ids.
    pub parts: Vec<PartCounts>,
    by_partition: Vec<Vec<Vec<Hit>>>,
    routes: Vec<Vec<u8>>,
}

/// Scatter the keys (and, with `surfaces`, the surface keys) that `key_at` yields, count every
/// partition, and number the candidates that `keep` keeps; with `dp`, their DP_norm too.
pub fn count_partitioned<F>(
    index: &TokenIndex,
    blocks: &[Range<usize>],
    key_at: F,
    surfaces: bool,
    keep: Keep,
    dp: Option<&Parts>,
    pool: &mut HitPool,
) -> Partitioned
where
    F: Fn(usize) -> Option<(u64, u64)> + Sync,
{
    pool.buffers.resize_with(blocks.len(), Vec::new);
    pool.buffers.truncate(blocks.len());
    pool.routes.resize_with(blocks.len(), Vec::new);
    pool.routes.truncate(blocks.len());
    pool.buffers
        .par_iter_mut()
        .zip(pool.routes.par_iter_mut())
        .zip(blocks.par_iter())
        .for_each(|((buffers, route), docs)| scatter(index, docs.clone(), &key_at, buffers, route));
    let mut by_partition = transpose(std::mem::take(&mut pool.buffers), PARTITIONS);
    let parts = by_partition
        .par_iter_mut()
        .map(|hits| count_partition(index, hits, surfaces, keep, dp))
        .collect();
    Partitioned { parts, by_partition, routes: std::mem::take(&mut pool.routes) }
}

impl Partitioned {
    /// Give every position the id its candidate got: kept candidates are numbered partition
    /// by partition (partition `p`'s local id plus the kept candidates of the partitions
    /// before it); [`NONE`] where there is no candidate or it was not kept. `sslot` likewise
    /// for surface candidates.
    ///
    /// Block by block in parallel, walking the block's positions in order and taking each
    /// one's next hit from the partition its route names: positions and every partition's
    /// hits are read in order, so the writes are sequential, with no random access.
    pub fn write_ids(
        &self,
        index: &TokenIndex,
        blocks: &[Range<usize>],
        slot: &mut [u32],
        sslot: Option<&mut [u32]>,
    ) {
        let bases = prefix_sums(self.parts.iter().map(|p| p.kept));
        let sbases = prefix_sums(self.parts.iter().map(|p| p.surfaces_kept));
        let mut slots = split_by_block(index, blocks, slot);
        let mut sslots = match sslot {
            Some(s) => split_by_block(index, blocks, s).into_iter().map(Some).collect(),
            None => (0..blocks.len()).map(|_| None).collect::<Vec<_>>(),
        };
        let (hits, routes) = (&self.by_partition, &self.routes);
        slots.par_iter_mut().zip(sslots.par_iter_mut()).enumerate().for_each(|(b, (out, sout))| {
            let streams: Vec<&[Hit]> = hits.iter().map(|part| part[b].as_slice()).collect();
            match sout {
                Some(sout) => gather(&routes[b], &streams, &bases, &sbases, out, Some(sout)),
                None => gather(&routes[b], &streams, &bases, &sbases, out, None),
            }
        });
    }

    /// Give the scatter buffers back to the pool; returns the counts.
    pub fn release(self, pool: &mut HitPool) -> Vec<PartCounts> {
        let blocks = self.routes.len();
        pool.buffers = transpose(self.by_partition, blocks);
        pool.routes = self.routes;
        self.parts
    }
}

/// The ids of one block's positions, in order, each taken from the next hit of the
/// partition its route names (`bases`, `sbases`: the first id of each partition).
///
/// Branch-free in the common case: a position without a key reads a fixed "no id" hit
/// through an extra partition whose cursor never moves, and a dropped candidate's id is
/// chosen, not branched to; a mispredicted branch per position cost more than the loads.
fn gather(
    route: &[u8],
    streams: &[&[Hit]],
    bases: &[u32],
    sbases: &[u32],
    out: &mut [u32],
    mut sout: Option<&mut &mut [u32]>,
) {
    const NO_HIT: [Hit; 1] = [Hit { key: NONE as u64, skey: NONE as u64, doc: NONE }];
    let mut from: [&[Hit]; PARTITIONS + 1] = [&NO_HIT; PARTITIONS + 1];
    from[..PARTITIONS].copy_from_slice(streams);
    let mut base = [0u32; PARTITIONS + 1];
    base[..PARTITIONS].copy_from_slice(bases);
    let mut sbase = [0u32; PARTITIONS + 1];
    sbase[..PARTITIONS].copy_from_slice(sbases);
    let global = |base: u32, local: u64| {
        let id = local as u32;
        if id == NONE { NONE } else { base.wrapping_add(id) }
    };
    let mut cursor = [0usize; PARTITIONS + 1];
    for (i, &p) in route.iter().enumerate() {
        let q = (p as usize).min(PARTITIONS);
        let hit = from[q][cursor[q]];
        // 64 streams are more than the processor's prefetchers follow: ask for the line a
        // few hits ahead in this one, so that it is there when the stream gets to it.
        prefetch(from[q].as_ptr().wrapping_add(cursor[q] + PREFETCH_HITS));
        cursor[q] += usize::from(q < PARTITIONS);
        out[i] = global(base[q], hit.key);
        if let Some(s) = sout.as_deref_mut() {
            s[i] = global(sbase[q], hit.skey);
        }
    }
}

/// How far ahead in a partition's stream [`scatter`] and [`gather`] ask for hits (about four
/// cache lines).
const PREFETCH_HITS: usize = 12;

/// Ask the processor to start loading the cache line at `p`.
fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        // SAFETY: prefetching is a hint; it never faults, whatever the address.
        unsafe { _mm_prefetch(p.cast::<i8>(), _MM_HINT_T0) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// Split `slot` into the position ranges of `blocks`.
fn split_by_block<'a>(
    index: &TokenIndex,
    blocks: &[Range<usize>],
    slot: &'a mut [u32],
) -> Vec<&'a mut [u32]> {
    let mut out = Vec::with_capacity(blocks.len());
    let mut rest = slot;
    for b in blocks {
        let len = index.doc_start[b.end] as usize - index.doc_start[b.start] as usize;
        let (mine, tail) = std::mem::take(&mut rest).split_at_mut(len);
        out.push(mine);
        rest = tail;
    }
    out
}

/// Start of each part when parts of these lengths are laid end to end.
fn prefix_sums(lengths: impl Iterator<Item = usize>) -> Vec<u32> {
    let mut at = 0u32;
    lengths
        .map(|len| {
            let start = at;
            at += len as u32;
            start
        })
        .collect()
}

/// Count ids below `ids` that `id_at(position)` yields, with plain arrays instead of hashing
/// (for words, whose ids are dense). Candidates come in id order; the rest is as
/// [`count_keys`].
///
/// The blocks are gathered into at most [`DENSE_GROUPS`] groups (fixed by the corpus, not by
/// the thread count), counted in parallel into arrays of their own and summed; dispersion
/// terms are summed per group and the group sums added in group order, so every result is
/// the same whatever the number of threads.
pub fn count_dense<F>(
    index: &TokenIndex,
    blocks: &[Range<usize>],
    ids: usize,
    id_at: F,
    slot: &mut [u32],
    dp: Option<DpSpec>,
) -> Candidates
where
    F: Fn(usize) -> Option<u32> + Sync,
{
    let groups = dense_groups(blocks, ids);
    let mut slots = split_by_block(index, &groups, slot);
    let tallies: Vec<Tally> = slots
        .par_iter_mut()
        .zip(groups.par_iter())
        .map(|(out, docs)| tally(index, docs.clone(), ids, &id_at, out))
        .collect();
    let (count, docs, first_pos) = merge_tallies(&tallies, ids);
    drop(tallies);
    let mut compact = vec![NONE; ids];
    let mut out = Candidates::default();
    for k in (0..ids).filter(|&k| count[k] > 0) {
        compact[k] = out.keys.len() as u32;
        out.keys.push(k as u64);
        out.count.push(count[k]);
        out.docs.push(docs[k]);
        out.first_pos.push(first_pos[k]);
    }
    slots.par_iter_mut().for_each(|out| {
        for s in out.iter_mut().filter(|s| **s != NONE) {
            *s = compact[*s as usize];
        }
    });
    if let Some(spec) = dp {
        let partial: Vec<Vec<f64>> = slots
            .par_iter()
            .zip(groups.par_iter())
            .map(|(ids, docs)| dense_dp_terms(index, spec.parts, docs.clone(), ids, &out.count))
            .collect();
        out.dp = (0..out.len())
            .map(|j| {
                if !spec.wanted(out.count[j], out.docs[j]) {
                    return f64::NAN;
                }
                spec.parts.finish(partial.iter().map(|p| p[j]).sum())
            })
            .collect();
    }
    out
}

/// At most this many groups of blocks count words in parallel, each with its own arrays.
pub const DENSE_GROUPS: usize = 16;

/// Blocks gathered into at most [`DENSE_GROUPS`] document ranges (one, when per-group arrays
/// for `ids` ids would grow past 256 MB). Words' DP terms are summed per range, then the
/// ranges' sums in order: the bounded counter (`bounded::unigrams`) and `refrain merge`
/// (`partial::merge`) add them the same way.
pub fn dense_groups(blocks: &[Range<usize>], ids: usize) -> Vec<Range<usize>> {
    let wanted = if ids.saturating_mul(DENSE_GROUPS * 12) > 256 << 20 { 1 } else { DENSE_GROUPS };
    let per = blocks.len().div_ceil(wanted).max(1);
    blocks.chunks(per).map(|c| c[0].start..c[c.len() - 1].end).collect()
}

/// One group's counts, documents and first positions per id.
struct Tally {
    count: Vec<u32>,
    docs: Vec<u32>,
    first_pos: Vec<u32>,
}

fn tally<F>(index: &TokenIndex, docs: Range<usize>, ids: usize, id_at: &F, out: &mut [u32]) -> Tally
where
    F: Fn(usize) -> Option<u32>,
{
    let mut t = Tally { count: vec![0; ids], docs: vec![0; ids], first_pos: vec![NONE; ids] };
    let mut last_doc = vec![NONE; ids];
    let offset = index.doc_start[docs.start] as usize;
    for d in docs {
        for i in index.doc_range(d) {
            let Some(id) = id_at(i) else {
                out[i - offset] = NONE;
                continue;
            };
            let k = id as usize;
            if t.count[k] == 0 {
                t.first_pos[k] = i as u32;
            }
            t.count[k] += 1;
            if last_doc[k] != d as u32 {
                last_doc[k] = d as u32;
                t.docs[k] += 1;
            }
            out[i - offset] = id;
        }
    }
    t
}

/// Sum the groups' tallies (the first position is the earliest group's).
fn merge_tallies(tallies: &[Tally], ids: usize) -> (Vec<u32>, Vec<u32>, Vec<u32>) {
    let mut count = vec![0u32; ids];
    let mut docs = vec![0u32; ids];
    let mut first = vec![NONE; ids];
    for t in tallies {
        for k in 0..ids {
            count[k] += t.count[k];
            docs[k] += t.docs[k];
            if first[k] == NONE {
                first[k] = t.first_pos[k];
            }
        }
    }
    (count, docs, first)
}

/// One group's dispersion terms per candidate (see [`super::dispersion`]), from the candidate
/// of each of its positions, documents in order.
fn dense_dp_terms(
    index: &TokenIndex,
    parts: &Parts,
    docs: Range<usize>,
    ids: &[u32],
    count: &[u32],
) -> Vec<f64> {
    let mut acc = vec![0f64; count.len()];
    let mut in_doc = vec![0u32; count.len()];
    let mut touched: Vec<u32> = Vec::new();
    let offset = index.doc_start[docs.start] as usize;
    for d in docs {
        for i in index.doc_range(d) {
            let j = ids[i - offset];
            if j != NONE {
                if in_doc[j as usize] == 0 {
                    touched.push(j);
                }
                in_doc[j as usize] += 1;
            }
        }
        for j in touched.drain(..) {
            let j = j as usize;
            acc[j] += parts.term(in_doc[j], count[j], index.doc_len(d));
            in_doc[j] = 0;
        }
    }
    acc
}

/// Turn per-block partition buffers into per-partition block buffers (moves, no copies).
fn transpose(rows: Vec<Vec<Vec<Hit>>>, columns: usize) -> Vec<Vec<Vec<Hit>>> {
    let mut out: Vec<Vec<Vec<Hit>>> = (0..columns).map(|_| Vec::new()).collect();
    for row in rows {
        for (c, hits) in row.into_iter().enumerate() {
            out[c].push(hits);
        }
    }
    out
}

/// Stack the partitions' key candidates in partition order.
fn concat(parts: Vec<PartCounts>) -> Candidates {
    let total = parts.iter().map(|p| p.keys.len()).sum();
    let mut out = Candidates {
        keys: Vec::with_capacity(total),
        count: Vec::with_capacity(total),
        docs: Vec::with_capacity(total),
        ..Default::default()
    };
    for part in parts {
        out.keys.extend(part.keys.keys);
        out.count.extend(part.keys.count);
        out.docs.extend(part.keys.docs);
    }
    out
}

fn scatter<F>(
    index: &TokenIndex,
    docs: Range<usize>,
    key_at: &F,
    parts: &mut Vec<Vec<Hit>>,
    route: &mut Vec<u8>,
) where
    F: Fn(usize) -> Option<(u64, u64)>,
{
    route.clear();
    // Room for an even spread over the partitions, so buffers rarely grow (and copy).
    let words = index.doc_start[docs.end] as usize - index.doc_start[docs.start] as usize;
    let room = words / PARTITIONS + words / (4 * PARTITIONS) + 16;
    parts.resize_with(PARTITIONS, Vec::new);
    for part in parts.iter_mut() {
        part.clear();
        part.reserve(room);
    }
    for d in docs {
        for i in index.doc_range(d) {
            match key_at(i) {
                Some((key, skey)) => {
                    let p = partition(key);
                    let part = &mut parts[p];
                    // As in `gather`: 64 streams, so fetch the line a few hits ahead.
                    prefetch(part.as_ptr().wrapping_add(part.len() + PREFETCH_HITS));
                    part.push(Hit { key, skey, doc: d as u32 });
                    route.push(p as u8);
                }
                None => route.push(NO_PARTITION),
            }
        }
    }
}

/// Count one partition's hits (in corpus order), number the candidates `keep` keeps, and
/// compute their DP_norm when `dp` is given. On return every hit holds the local ids of its
/// key and surface candidates ([`NONE`] for dropped ones).
fn count_partition(
    index: &TokenIndex,
    hits: &mut [Vec<Hit>],
    with_surfaces: bool,
    keep: Keep,
    dp: Option<&Parts>,
) -> PartCounts {
    if !with_surfaces {
        let keys = tally_keys(hits);
        return finish_partition(index, hits, keys, None, false, keep, dp);
    }
    let (mut keys, surfaces) = tally_surfaces(hits);
    if keep.min_docs > 1 {
        count_docs(hits, &surfaces.owner, &mut keys.docs);
        return finish_partition(index, hits, keys, Some(surfaces), false, keep, dp);
    }
    // Every candidate occurs in some document, so with a threshold of at most one document the
    // counts alone decide, and documents are counted in the last pass instead of one of
    // their own.
    let keep = Keep { min_docs: 0, ..keep };
    finish_partition(index, hits, keys, Some(surfaces), true, keep, dp)
}

/// Number a partition's kept candidates and give every hit its ids, computing the DP_norm of
/// the kept ones on the way. On entry each hit's `key` is its key candidate and, with
/// surfaces, its `skey` its surface candidate; but when documents are still to be counted
/// (`docs_pending`, only with surfaces), `key` is not set yet: the key candidate is the
/// surface's owner, and documents are counted in this pass.
fn finish_partition(
    index: &TokenIndex,
    hits: &mut [Vec<Hit>],
    mut keys: Candidates,
    surfaces: Option<SurfaceCandidates>,
    docs_pending: bool,
    keep: Keep,
    dp: Option<&Parts>,
) -> PartCounts {
    let (key_ids, kept) =
        number(keys.count.iter().zip(&keys.docs).map(|(&c, &d)| keep.keeps(c, d)));
    let with_surfaces = surfaces.is_some();
    let surfaces = surfaces.unwrap_or_default();
    let (surface_ids, surfaces_kept) =
        number(surfaces.owner.iter().map(|&j| key_ids[j as usize] != NONE));
    let mut acc = dp.map(|_| DpAccumulator::new(keys.len()));
    let mut last_doc = if docs_pending { vec![NONE; keys.len()] } else { Vec::new() };
    for hit in hits.iter_mut().flatten() {
        let j = if docs_pending {
            let j = surfaces.owner[hit.skey as usize] as usize;
            if last_doc[j] != hit.doc {
                last_doc[j] = hit.doc;
                keys.docs[j] += 1;
            }
            j
        } else {
            hit.key as usize
        };
        let id = key_ids[j];
        if let (Some(acc), Some(parts), true) = (&mut acc, dp, id != NONE) {
            acc.add(index, parts, &keys.count, j, hit.doc);
        }
        hit.key = id as u64;
        if with_surfaces {
            hit.skey = surface_ids[hit.skey as usize] as u64;
        }
    }
    if let (Some(acc), Some(parts)) = (acc, dp) {
        keys.dp = acc.finish(index, parts, &keys.count);
    }
    PartCounts { keys, surfaces, key_ids, surface_ids, kept, surfaces_kept }
}

/// Key candidates of a partition's hits, counted in one pass (each hit's key becomes its
/// candidate index).
fn tally_keys(hits: &mut [Vec<Hit>]) -> Candidates {
    let total: usize = hits.iter().map(Vec::len).sum();
    let mut map: HashMap<u64, u32> = map_with_capacity(total / 4 + 16);
    let mut out = Candidates::default();
    let mut last_doc: Vec<u32> = Vec::new();
    for hit in hits.iter_mut().flatten() {
        let j = *map.entry(hit.key).or_insert_with(|| {
            out.keys.push(hit.key);
            out.count.push(0);
            out.docs.push(0);
            last_doc.push(NONE);
            out.keys.len() as u32 - 1
        });
        out.count[j as usize] += 1;
        if last_doc[j as usize] != hit.doc {
            last_doc[j as usize] = hit.doc;
            out.docs[j as usize] += 1;
        }
        hit.key = j as u64;
    }
    out
}

/// Key and surface candidates of a partition's hits, with one hash lookup per hit: surfaces
/// are counted first; each distinct surface then finds its key (every occurrence of a surface
/// n-gram belongs to the same key n-gram), so keys are hashed once per surface, not per hit.
/// Keys come in order of first appearance all the same: a key's first occurrence is also the
/// first of its surface form. Each hit's `skey` becomes its surface candidate; documents are
/// not counted yet (`docs` is all zeros).
fn tally_surfaces(hits: &mut [Vec<Hit>]) -> (Candidates, SurfaceCandidates) {
    let total: usize = hits.iter().map(Vec::len).sum();
    // Room for as many surface forms as the map expects, so that these grow rarely.
    let room = total / 4 + 16;
    let mut smap: HashMap<u64, u32> = map_with_capacity(room);
    let mut surfaces = SurfaceCandidates {
        keys: Vec::with_capacity(room),
        count: Vec::with_capacity(room),
        owner: Vec::new(),
    };
    let mut key_of: Vec<u64> = Vec::with_capacity(room);
    for hit in hits.iter_mut().flatten() {
        let s = *smap.entry(hit.skey).or_insert_with(|| {
            surfaces.keys.push(hit.skey);
            surfaces.count.push(0);
            key_of.push(hit.key);
            surfaces.keys.len() as u32 - 1
        });
        surfaces.count[s as usize] += 1;
        hit.skey = s as u64;
    }
    drop(smap);
    let room = key_of.len() / 2 + 16;
    let mut map: HashMap<u64, u32> = map_with_capacity(room);
    let mut keys = Candidates {
        keys: Vec::with_capacity(room),
        count: Vec::with_capacity(room),
        ..Default::default()
    };
    surfaces.owner = key_of
        .iter()
        .zip(&surfaces.count)
        .map(|(&key, &n)| {
            let j = *map.entry(key).or_insert_with(|| {
                keys.keys.push(key);
                keys.count.push(0);
                keys.len() as u32 - 1
            });
            keys.count[j as usize] += n;
            j
        })
        .collect();
    keys.docs = vec![0; keys.len()];
    (keys, surfaces)
}

/// Count the documents of each key candidate from the hits, whose `skey` is their surface
/// candidate (`owner` gives its key); each hit's `key` becomes its key candidate.
fn count_docs(hits: &mut [Vec<Hit>], owner: &[u32], docs: &mut [u32]) {
    let mut last_doc = vec![NONE; docs.len()];
    for hit in hits.iter_mut().flatten() {
        let j = owner[hit.skey as usize];
        if last_doc[j as usize] != hit.doc {
            last_doc[j as usize] = hit.doc;
            docs[j as usize] += 1;
        }
        hit.key = j as u64;
    }
}

/// Number the items for which `kept` holds 0, 1, … in order ([`NONE`] for the others);
/// returns the numbers and how many were kept.
fn number(kept: impl Iterator<Item = bool>) -> (Vec<u32>, usize) {
    let mut next = 0u32;
    let ids = kept
        .map(|k| {
            if !k {
                return NONE;
            }
            next += 1;
            next - 1
        })
        .collect();
    (ids, next as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index_of(docs: &[&[u32]]) -> TokenIndex {
        let mut idx = TokenIndex::new();
        for d in docs {
            idx.push_doc(d.iter().map(|&k| (k, k, false)));
        }
        idx
    }

    #[test]
    fn blocks_hold_whole_documents() {
        let idx = index_of(&[&[1, 2, 3], &[4], &[5, 6], &[7]]);
        assert_eq!(blocks(&idx, 3), [0..1, 1..3, 3..4]);
        assert_eq!(blocks(&idx, 100), vec![(0..4)]);
        assert_eq!(blocks(&TokenIndex::new(), 3), vec![(0..0)]);
    }

    #[test]
    fn counts_and_docs_are_the_same_for_any_block_size() {
        let idx = index_of(&[&[1, 2, 1], &[2, 2], &[3, 1], &[1]]);
        for target in [1, 2, 3, 100] {
            let bl = blocks(&idx, target);
            let mut slot = vec![0; idx.len()];
            let c = count_keys(&idx, &bl, |i| Some(idx.keys[i] as u64), &mut slot);
            let mut got: Vec<_> =
                (0..c.len()).map(|j| (c.keys[j], c.count[j], c.docs[j])).collect();
            got.sort();
            assert_eq!(got, [(1, 4, 3), (2, 3, 2), (3, 1, 1)], "target {target}");
            for (i, &s) in slot.iter().enumerate() {
                assert_eq!(c.keys[s as usize], idx.keys[i] as u64);
            }
        }
    }

    #[test]
    fn positions_without_keys_get_none() {
        let idx = index_of(&[&[1, 2, 3]]);
        let mut slot = vec![0; 3];
        let c = count_keys(&idx, &blocks(&idx, 10), |i| (i != 1).then_some(9), &mut slot);
        assert_eq!((c.count[0], c.docs[0]), (2, 1));
        assert_eq!(slot, [0, NONE, 0]);
    }
}
