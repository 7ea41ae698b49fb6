//! One segment's walk: the counted parts at every position, and the frames and fillers found
//! there, counted with the partitioned counter of [`crate::count::blocks`].
//!
//! Everything here looks at one segment only. That is exact because a frame never crosses a
//! sentence, a document's first word starts a sentence, and a segment holds whole documents
//! (see [`super::frames_in_segments`]); and a frame's documents are counted per segment and
//! summed, which counts each document once since it lies in one segment.

use std::borrow::Borrow;
use std::ops::Range;

use rayon::prelude::*;

use super::reader::Slots;
use super::tally::Ranges;
use crate::collections::HashMap;
use crate::count::blocks::{BLOCK_WORDS, Candidates, NONE, blocks, count_keys};
use crate::count::{EdgePolicy, NgramFinder, TokenIndex, VocabFacts};

/// Frames with a left part of `a` words and a right part of `b` words.
#[derive(Debug, Clone, Copy)]
pub struct Split {
    pub a: usize,
    pub b: usize,
}

/// What every segment's walk needs.
pub struct Walk<'a> {
    pub finder: &'a NgramFinder<'a>,
    pub facts: &'a VocabFacts<'a>,
    pub edges: EdgePolicy,
    /// The splits counted; a split's number is its group in the tallies.
    pub splits: Vec<Split>,
    /// Longest part counted (the finder's levels permitting).
    pub depth: usize,
}

/// One segment with the ids of its parts.
pub struct Segment<T> {
    index: T,
    /// `parts[k - 1][i]`: id of the k-gram at position i (see [`part_ids`]).
    parts: Vec<Vec<u32>>,
    blocks: Vec<Range<usize>>,
}

impl<T: Borrow<TokenIndex>> Segment<T> {
    /// The segment's parts: `depth` arrays of one u32 per word.
    pub fn new(index: T, walk: &Walk) -> Self {
        let parts = part_ids(index.borrow(), walk.finder, walk.depth);
        let blocks = blocks(index.borrow(), BLOCK_WORDS);
        Segment { index, parts, blocks }
    }

    fn index(&self) -> &TokenIndex {
        self.index.borrow()
    }
}

impl Walk<'_> {
    /// Count the frames of each split in `round` in `seg` (only those `wanted` holds, if
    /// any): `take(split number, counts)`, the candidates' keys being (left id << 32 | right
    /// id); `slot` gets each position's candidate (of the last split).
    pub fn frames<T: Borrow<TokenIndex>>(
        &self,
        seg: &Segment<T>,
        (round, wanted): (&[u32], Option<&Ranges>),
        slot: &mut [u32],
        mut take: impl FnMut(u32, Candidates),
    ) {
        let (index, parts) = (seg.index(), &seg.parts[..]);
        for &g in round {
            let split = self.splits[g as usize];
            // Frames whose hashes this pass does not tally are left out at once.
            let key_at = |i| {
                let key = self.key_at(index, parts, split, i)?;
                wanted.is_none_or(|r| r.holds(g, key)).then_some(key)
            };
            take(g, count_keys(index, &seg.blocks, key_at, slot));
        }
    }

    /// Count the fillers of the kept frames of each split in `round` (`kept[split]`: frame
    /// key → frame number) in `seg` by surface form: `take(split number, counts, key_of)`,
    /// the candidates' keys being (frame number << 32 | surface id), and `key_of[s]` the key
    /// of every surface id `s` seen in a slot so far.
    pub fn fillers<T: Borrow<TokenIndex>>(
        &self,
        seg: &Segment<T>,
        round: &[u32],
        kept: &[HashMap<u64, u32>],
        slots: &mut Slots,
        key_of: &mut Vec<u32>,
        mut take: impl FnMut(u32, Candidates, &[u32]),
    ) {
        let (index, parts) = (seg.index(), &seg.parts[..]);
        for &g in round {
            let (split, kept) = (self.splits[g as usize], &kept[g as usize]);
            if kept.is_empty() {
                continue;
            }
            let fills = match slots.cached.take() {
                // The frames' count left each position's candidate: one lookup per candidate.
                Some((h, keys)) if h == g => {
                    let frame: Vec<u32> =
                        keys.iter().map(|k| kept.get(k).copied().unwrap_or(NONE)).collect();
                    let slot = &slots.frames;
                    let frame_at = |i: usize| {
                        let f = *frame.get(slot[i] as usize)?;
                        (f != NONE).then_some(f)
                    };
                    self.count_fillers(seg, split, frame_at, &mut slots.fillers)
                }
                _ => {
                    let frame_at = |i| kept.get(&self.key_at(index, parts, split, i)?).copied();
                    self.count_fillers(seg, split, frame_at, &mut slots.fillers)
                }
            };
            // A surface id always has the same key: take it from any position holding it.
            for i in (0..index.len()).filter(|&i| slots.fillers[i] != NONE) {
                let s = index.surfaces[i + split.a] as usize;
                if s >= key_of.len() {
                    key_of.resize(s + 1, NONE);
                }
                key_of[s] = index.keys[i + split.a];
            }
            take(g, fills, key_of);
        }
    }

    /// Count (frame number, surface id in the slot) where `frame_at` finds a kept frame.
    fn count_fillers<T: Borrow<TokenIndex>>(
        &self,
        seg: &Segment<T>,
        split: Split,
        frame_at: impl Fn(usize) -> Option<u32> + Sync,
        fslot: &mut [u32],
    ) -> Candidates {
        let index = seg.index();
        let filler_at =
            |i: usize| Some((frame_at(i)? as u64) << 32 | index.surfaces[i + split.a] as u64);
        count_keys(index, &seg.blocks, filler_at, fslot)
    }

    /// The key of the frame of `split` at position `i` (left part id, right part id), if any.
    fn key_at(
        &self,
        index: &TokenIndex,
        parts: &[Vec<u32>],
        split: Split,
        i: usize,
    ) -> Option<u64> {
        let Split { a, b } = split;
        let (left, right) = (&parts[a - 1], &parts[b - 1]);
        let j = i + a + 1;
        if j + b > index.len() || left[i] == NONE || right[j] == NONE {
            return None;
        }
        if index.sentence_start[i + a] || index.sentence_start[j] {
            return None;
        }
        let (l, r) = (left[i], right[j]);
        if self.edges == EdgePolicy::Drop {
            let levels = &self.finder.counts().levels;
            let first = levels[a - 1].first[l as usize] as usize;
            let last = levels[b - 1].last[r as usize] as usize;
            if self.facts.key_stop[first] || self.facts.key_stop[last] {
                return None;
            }
        }
        Some((l as u64) << 32 | r as u64)
    }
}

/// For k = 1..=`longest`, `ids[k - 1][i]` is the id of the k-gram at position i, or `NONE`
/// (`longest` must not exceed the finder's levels).
fn part_ids(index: &TokenIndex, finder: &NgramFinder, longest: usize) -> Vec<Vec<u32>> {
    let len = index.len();
    let mut ids: Vec<Vec<u32>> = Vec::new();
    let words: Vec<u32> = (0..len)
        .into_par_iter()
        .map(|i| finder.find(&index.keys[i..i + 1]).unwrap_or(NONE))
        .collect();
    ids.push(words);
    for k in 2..=longest {
        let below = &ids[k - 2];
        let level: Vec<u32> = (0..len)
            .into_par_iter()
            .map(|i| {
                let j = i + k - 1;
                if below[i] == NONE || j >= len || index.sentence_start[j] {
                    return NONE;
                }
                finder.extend(k, below[i], index.keys[j]).unwrap_or(NONE)
            })
            .collect();
        ids.push(level);
    }
    ids
}
