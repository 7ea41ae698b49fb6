//! Exact tallies of u64 keys over many passes, in a bounded number of entries.
//!
//! Keys are grouped (one group per frame split) and sharded by a hash of the key: shard `s`
//! owns the hashes whose top bits are `s`, so segments' candidates are added shard by shard in
//! parallel. A shard tallies only the keys whose hash lies in its current range `lo..hi`;
//! when it holds more than its share of entries, it halves the range and forgets the keys of
//! the upper half (their occurrences so far are lost, so they are counted from the start
//! in a later pass). A pass over the whole corpus thus leaves every kept key with all of its
//! occurrences; [`Tally::finish_pass`] hands those over and moves each shard's range on
//! until every hash has been covered. With room for every key, one pass does.

use rayon::prelude::*;

use crate::collections::{HashMap, new_map};

/// Number of shards (a power of two).
const SHARDS: usize = 64;

/// Estimated bytes per tallied entry: a 16-byte slot and its control byte in a table that is
/// between 7/16 and 7/8 full, and the old table while it grows. Maps give their room back
/// whenever entries leave them (a range shrinks, a group is taken, a pass ends), so a
/// shard's tables hold at most about this much per entry of its cap.
pub const ENTRY_BYTES: u64 = 48;

/// Hash of (group, key): where the key falls among shards and ranges. Must send every key
/// that a later step needs whole (a frame and all of its fillers) to the same hash.
pub type HashFn = fn(u32, u64) -> u64;

/// Tallies of values `V` by (group, key); see the module doc.
pub struct Tally<V> {
    shards: Vec<Shard<V>>,
    /// Entries a shard may hold.
    cap: usize,
    hash: HashFn,
    /// Per shard, the entries of the current segment on their way in.
    pending: Vec<Vec<(u32, u64, V)>>,
}

/// A copy of the tallied ranges of hashes, shard by shard.
pub struct Ranges {
    range: Vec<(u128, u128)>,
    hash: HashFn,
}

impl Ranges {
    /// Is (group, key) tallied?
    pub fn holds(&self, group: u32, key: u64) -> bool {
        let h = (self.hash)(group, key) as u128;
        let (lo, hi) = self.range[(h >> (64 - SHARDS.trailing_zeros())) as usize];
        lo <= h && h < hi
    }
}

struct Shard<V> {
    /// The hashes tallied in this pass (`hi` > `lo`); `end` is the end of the shard's hashes.
    lo: u128,
    hi: u128,
    end: u128,
    /// One map per group.
    maps: Vec<HashMap<u64, V>>,
    len: usize,
}

impl<V: Copy + Send> Tally<V> {
    /// A tally of `groups` groups in about `bytes` bytes (at least one entry per shard).
    pub fn new(groups: usize, bytes: u64, hash: HashFn) -> Self {
        let width = (1u128 << 64) / SHARDS as u128;
        let cap = (bytes / ENTRY_BYTES / SHARDS as u64).clamp(1, usize::MAX as u64) as usize;
        let shards = (0..SHARDS as u128)
            .map(|s| Shard {
                lo: s * width,
                hi: (s + 1) * width,
                end: (s + 1) * width,
                maps: (0..groups).map(|_| new_map()).collect(),
                len: 0,
            })
            .collect();
        let pending = (0..SHARDS).map(|_| Vec::new()).collect();
        Tally { shards, cap, hash, pending }
    }

    /// The hashes tallied now: a key outside them need not be counted in this pass (ranges
    /// only shrink within a pass).
    pub fn ranges(&self) -> Ranges {
        Ranges { range: self.shards.iter().map(|s| (s.lo, s.hi)).collect(), hash: self.hash }
    }

    /// Queue `value` for (group, key) if its hash is tallied in this pass.
    pub fn push(&mut self, group: u32, key: u64, value: V) {
        let h = (self.hash)(group, key) as u128;
        let s = (h >> (64 - SHARDS.trailing_zeros())) as usize;
        let shard = &self.shards[s];
        if shard.lo <= h && h < shard.hi {
            self.pending[s].push((group, key, value));
        }
    }

    /// Add the queued values, shards in parallel: `merge(tallied, new)` where the key is
    /// already there.
    pub fn flush(&mut self, merge: impl Fn(&mut V, V) + Sync) {
        let (cap, hash) = (self.cap, self.hash);
        self.shards.par_iter_mut().zip(self.pending.par_iter_mut()).for_each(|(shard, queue)| {
            for (group, key, value) in queue.drain(..) {
                // The range may have shrunk since the value was queued.
                let h = hash(group, key) as u128;
                if h >= shard.hi {
                    continue;
                }
                let map = &mut shard.maps[group as usize];
                match map.get_mut(&key) {
                    Some(v) => merge(v, value),
                    None => {
                        map.insert(key, value);
                        shard.len += 1;
                        if shard.len > cap {
                            shard.shrink(cap, hash);
                        }
                    }
                }
            }
        });
    }

    /// Every tallied (`group`, key, value), now whole: only when no segment is left in the
    /// pass. Their room is freed; the ranges stay until [`Tally::finish_pass`].
    pub fn take_group(&mut self, group: u32) -> Vec<(u32, u64, V)> {
        let mut out = Vec::new();
        for shard in &mut self.shards {
            let map = &mut shard.maps[group as usize];
            shard.len -= map.len();
            out.extend(map.drain().map(|(k, v)| (group, k, v)));
            map.shrink_to_fit();
        }
        out
    }

    /// The end of a pass: hand every tallied (group, key, value) to `take`, shard by shard
    /// (each shard's entries in no particular order), and move on to the hashes not yet
    /// covered. Returns true when every hash has been covered.
    pub fn finish_pass(&mut self, mut take: impl FnMut(Vec<(u32, u64, V)>)) -> bool {
        for shard in &mut self.shards {
            let mut entries = Vec::with_capacity(shard.len);
            for (g, map) in shard.maps.iter_mut().enumerate() {
                // Fresh maps: the next pass may fill other groups than this one did.
                entries.extend(
                    std::mem::replace(map, new_map()).into_iter().map(|(k, v)| (g as u32, k, v)),
                );
            }
            take(entries);
            shard.len = 0;
            shard.lo = shard.hi;
            shard.hi = shard.end;
        }
        self.shards.iter().all(|s| s.lo >= s.end)
    }
}

impl<V> Shard<V> {
    /// Halve the range until the shard holds at most `cap` entries, or one hash is left.
    fn shrink(&mut self, cap: usize, hash: HashFn) {
        while self.len > cap && self.hi - self.lo >= 2 {
            self.hi = self.lo + (self.hi - self.lo) / 2;
            let hi = self.hi;
            for (g, map) in self.maps.iter_mut().enumerate() {
                map.retain(|&k, _| (hash(g as u32, k) as u128) < hi);
                map.shrink_to_fit();
            }
            self.len = self.maps.iter().map(|m| m.len()).sum();
        }
    }
}

/// A well-mixed 64-bit hash of a 64-bit value (the finaliser of SplitMix64), so that ranges
/// of hashes hold about as many keys as their width promises.
pub fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn by_key(_: u32, k: u64) -> u64 {
        mix(k)
    }

    /// Tally `keys` (each with value 1) in passes of at most `bytes`; the sums and passes.
    fn tally(keys: &[u64], bytes: u64) -> (Vec<(u64, u32)>, usize) {
        let mut t: Tally<u32> = Tally::new(1, bytes, by_key);
        let (mut out, mut passes) = (Vec::new(), 0);
        loop {
            passes += 1;
            for chunk in keys.chunks(7) {
                for &k in chunk {
                    t.push(0, k, 1);
                }
                t.flush(|a, b| *a += b);
            }
            if t.finish_pass(|e| out.extend(e.into_iter().map(|(_, k, v)| (k, v)))) {
                break;
            }
        }
        out.sort();
        (out, passes)
    }

    #[test]
    fn small_tallies_take_more_passes_and_count_the_same() {
        // Key k occurs k % 5 + 1 times among 2,000 keys of 400 distinct values.
        let keys: Vec<u64> =
            (0..400u64).flat_map(|k| std::iter::repeat_n(k, (k % 5 + 1) as usize)).collect();
        let want: Vec<(u64, u32)> = (0..400).map(|k| (k, (k % 5 + 1) as u32)).collect();
        let (all, one) = tally(&keys, u64::MAX);
        assert_eq!((all, one), (want.clone(), 1));
        // One entry per shard: 400 keys over 64 shards need several passes.
        let (few, passes) = tally(&keys, 0);
        assert_eq!(few, want);
        assert!(passes > 3, "{passes}");
    }
}
