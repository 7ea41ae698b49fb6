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
    let mut out = Vec::new();
    let mut first = 0;
    for d in 0..index.doc_count() {
        let words = index.doc_start[d + 1] as usize - index.doc_start[first] as usize;
        if words >= target {
            out.push(first..d + 1);
            first = d + 1;
        }
    }
    if first < index.doc_count() || out.is_empty() {
        out.push(first..index.doc_count());
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
    /// Corpus position of each candidate's first occurrence.
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

/// One occurrence of a key, on its way to its partition.
#[derive(Clone, Copy)]
struct Hit {
    key: u64,
    /// The occurrence's surface key, counted within the key's partition when asked for.
    skey: u64,
    pos: u32,
    doc: u32,
}

/// Which partition a key belongs to (Fibonacci hashing: the top bits of key × 2⁶⁴/φ).
fn partition(key: u64) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - PARTITIONS.trailing_zeros())) as usize
}

/// The surface keys counted beside the keys by [`count_keys_and_surfaces`].
#[derive(Debug, Default)]
pub struct SurfaceCandidates {
    /// The surface key of each surface candidate.
    pub keys: Vec<u64>,
    /// Occurrences.
    pub count: Vec<u32>,
    /// The key candidate every occurrence of it belongs to.
    pub owner: Vec<u32>,
}

/// Count the keys that `key_at(position)` yields.
///
/// On return `slot[i]` holds the candidate index of position `i`, or [`NONE`] where `key_at`
/// gave nothing. `slot` must be as long as the index. With `dp`, each candidate's DP_norm
/// over documents is computed as well (see [`super::dispersion`]).
pub fn count_keys<F>(
    index: &TokenIndex,
    blocks: &[Range<usize>],
    key_at: F,
    slot: &mut [u32],
    dp: Option<DpSpec>,
) -> Candidates
where
    F: Fn(usize) -> Option<u64> + Sync,
{
    let pair_at = |i: usize| key_at(i).map(|k| (k, 0));
    count_keys_and_surfaces(index, blocks, pair_at, slot, None, dp, &mut HitPool::default()).0
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

/// [`count_keys`] where `key_at` also yields each occurrence's surface key, counted in the
/// same pass: a key's surface forms land in the key's partition, so they are counted there
/// with no second scatter. `sslot[i]` gets the surface candidate of position `i`.
pub fn count_keys_and_surfaces<F>(
    index: &TokenIndex,
    blocks: &[Range<usize>],
    key_at: F,
    slot: &mut [u32],
    sslot: Option<&mut [u32]>,
    dp: Option<DpSpec>,
    pool: &mut HitPool,
) -> (Candidates, SurfaceCandidates)
where
    F: Fn(usize) -> Option<(u64, u64)> + Sync,
{
    let counted = count_partitioned(index, blocks, key_at, sslot.is_some(), dp, pool);
    let bases = prefix_sums(counted.parts.iter().map(|(c, _)| c.keys.len()));
    let sbases = prefix_sums(counted.parts.iter().map(|(_, s)| s.keys.len()));
    let ids = |bases: &[u32], lens: Vec<usize>| -> Vec<Vec<u32>> {
        lens.iter().zip(bases).map(|(&len, &b)| (b..b + len as u32).collect()).collect()
    };
    let key_ids = ids(&bases, counted.parts.iter().map(|(c, _)| c.len()).collect());
    let surface_ids = ids(&sbases, counted.parts.iter().map(|(_, s)| s.keys.len()).collect());
    counted.write_ids(index, blocks, &key_ids, &surface_ids, slot, sslot);
    let parts = counted.release(pool);
    concat(parts, &bases)
}

/// Counts kept per partition, with the hits that produced them, before any id is given out:
/// the caller decides which candidates become which ids ([`Partitioned::write_ids`]).
pub struct Partitioned {
    /// Per partition: its key candidates and surface candidates (local indices; a surface's
    /// owner is a local key index).
    pub parts: Vec<(Candidates, SurfaceCandidates)>,
    by_partition: Vec<Vec<Vec<Hit>>>,
    routes: Vec<Vec<u8>>,
}

/// Scatter the keys (and surface keys) that `key_at` yields and count every partition.
pub fn count_partitioned<F>(
    index: &TokenIndex,
    blocks: &[Range<usize>],
    key_at: F,
    surfaces: bool,
    dp: Option<DpSpec>,
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
        .map(|hits| count_partition(index, hits, surfaces, dp))
        .collect();
    Partitioned { parts, by_partition, routes: std::mem::take(&mut pool.routes) }
}

impl Partitioned {
    /// Give every position the id its candidate got: `key_ids[p][j]` for local candidate `j`
    /// of partition `p` (and `surface_ids` likewise), [`NONE`] for positions without one.
    ///
    /// Block by block in parallel, walking the block's positions in order and taking each
    /// one's next hit from the partition its route names: positions and every partition's
    /// hits are read in order, so the writes are sequential, with no random access.
    pub fn write_ids(
        &self,
        index: &TokenIndex,
        blocks: &[Range<usize>],
        key_ids: &[Vec<u32>],
        surface_ids: &[Vec<u32>],
        slot: &mut [u32],
        sslot: Option<&mut [u32]>,
    ) {
        let mut slots = split_by_block(index, blocks, slot);
        let mut sslots = match sslot {
            Some(s) => split_by_block(index, blocks, s).into_iter().map(Some).collect(),
            None => (0..blocks.len()).map(|_| None).collect::<Vec<_>>(),
        };
        let (hits, routes) = (&self.by_partition, &self.routes);
        slots.par_iter_mut().zip(sslots.par_iter_mut()).enumerate().for_each(|(b, (out, sout))| {
            let mut cursor = [0usize; PARTITIONS];
            for (i, &p) in routes[b].iter().enumerate() {
                if p == NO_PARTITION {
                    out[i] = NONE;
                    if let Some(s) = sout.as_deref_mut() {
                        s[i] = NONE;
                    }
                    continue;
                }
                let p = p as usize;
                let hit = &hits[p][b][cursor[p]];
                cursor[p] += 1;
                out[i] = key_ids[p][hit.key as usize];
                if let Some(s) = sout.as_deref_mut() {
                    s[i] = surface_ids[p][hit.skey as usize];
                }
            }
        });
    }

    /// Give the scatter buffers back to the pool; returns the counts.
    pub fn release(self, pool: &mut HitPool) -> Vec<(Candidates, SurfaceCandidates)> {
        let blocks = self.routes.len();
        pool.buffers = transpose(self.by_partition, blocks);
        pool.routes = self.routes;
        self.parts
    }
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
/// for `ids` ids would grow past 256 MB).
fn dense_groups(blocks: &[Range<usize>], ids: usize) -> Vec<Range<usize>> {
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

/// Stack partition results in partition order (surface owners become global candidate ids).
fn concat(
    parts: Vec<(Candidates, SurfaceCandidates)>,
    bases: &[u32],
) -> (Candidates, SurfaceCandidates) {
    let total = parts.iter().map(|(c, _)| c.len()).sum();
    let with_dp = parts.iter().any(|(c, _)| !c.dp.is_empty());
    let mut out = Candidates {
        keys: Vec::with_capacity(total),
        count: Vec::with_capacity(total),
        docs: Vec::with_capacity(total),
        dp: Vec::with_capacity(if with_dp { total } else { 0 }),
        first_pos: Vec::with_capacity(total),
    };
    let mut surfaces = SurfaceCandidates::default();
    for ((c, s), &base) in parts.into_iter().zip(bases) {
        out.first_pos.extend(c.first_pos);
        out.keys.extend(c.keys);
        out.count.extend(c.count);
        out.docs.extend(c.docs);
        out.dp.extend(c.dp);
        surfaces.keys.extend(s.keys);
        surfaces.count.extend(s.count);
        surfaces.owner.extend(s.owner.into_iter().map(|o| o + base));
    }
    (out, surfaces)
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
                    parts[p].push(Hit { key, skey, pos: i as u32, doc: d as u32 });
                    route.push(p as u8);
                }
                None => route.push(NO_PARTITION),
            }
        }
    }
}

/// Count one partition's hits (in corpus order), writing the partition-local candidate index
/// of each hit to `slot`, and computing DP_norm when `parts` is given.
fn count_partition(
    index: &TokenIndex,
    hits: &mut [Vec<Hit>],
    surfaces_wanted: bool,
    dp: Option<DpSpec>,
) -> (Candidates, SurfaceCandidates) {
    let total: usize = hits.iter().map(Vec::len).sum();
    let mut map: HashMap<u64, u32> = map_with_capacity(total / 4 + 16);
    let mut out = Candidates::default();
    let mut surfaces = SurfaceCandidates::default();
    let mut smap: HashMap<u64, u32> =
        map_with_capacity(if surfaces_wanted { total / 4 + 16 } else { 0 });
    let mut last_doc: Vec<u32> = Vec::new();
    for hit in hits.iter_mut().flatten() {
        let j = *map.entry(hit.key).or_insert_with(|| {
            out.keys.push(hit.key);
            out.count.push(0);
            out.docs.push(0);
            out.first_pos.push(hit.pos);
            last_doc.push(NONE);
            out.keys.len() as u32 - 1
        });
        out.count[j as usize] += 1;
        if last_doc[j as usize] != hit.doc {
            last_doc[j as usize] = hit.doc;
            out.docs[j as usize] += 1;
        }
        if surfaces_wanted {
            let s = *smap.entry(hit.skey).or_insert_with(|| {
                surfaces.keys.push(hit.skey);
                surfaces.count.push(0);
                surfaces.owner.push(j);
                surfaces.keys.len() as u32 - 1
            });
            surfaces.count[s as usize] += 1;
            hit.skey = s as u64;
        }
        // The keys are no longer needed: keep the candidate indices for the dispersion pass
        // and the write-back.
        hit.key = j as u64;
    }
    drop(map);
    drop(smap);
    if let Some(spec) = dp {
        let wanted: Vec<bool> =
            out.count.iter().zip(&out.docs).map(|(&c, &d)| spec.wanted(c, d)).collect();
        out.dp = partition_dp(index, spec.parts, hits, &out.count, &wanted);
    }
    (out, surfaces)
}

/// DP_norm of every candidate of a partition, from its hits (keys replaced by candidate
/// indices), which arrive in corpus order.
fn partition_dp(
    index: &TokenIndex,
    parts: &Parts,
    hits: &[Vec<Hit>],
    count: &[u32],
    wanted: &[bool],
) -> Vec<f64> {
    let mut dp = DpAccumulator::new(count.len());
    for hit in hits.iter().flatten().filter(|h| wanted[h.key as usize]) {
        dp.add(index, parts, count, hit.key as usize, hit.doc);
    }
    dp.finish(index, parts, count)
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
            let c = count_keys(&idx, &bl, |i| Some(idx.keys[i] as u64), &mut slot, None);
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
        let c = count_keys(&idx, &blocks(&idx, 10), |i| (i != 1).then_some(9), &mut slot, None);
        assert_eq!((c.count[0], c.docs[0]), (2, 1));
        assert_eq!(slot, [0, NONE, 0]);
    }
}
