//! One segment's walk: the counted parts at every position, and the frames and fillers found
//! there, counted with the partitioned counter of [`crate::count::blocks`] and queued into
//! the corpus-wide [`Tally`].
//!
//! Everything here looks at one segment only. That is exact because a frame never crosses a
//! sentence, a document's first word starts a sentence, and a segment holds whole documents
//! (see [`super::frames_in_segments`]); and a frame's documents are counted per segment and
//! summed, which counts each document once since it lies in one segment.

use std::ops::Range;

use rayon::prelude::*;

use super::tally::Tally;
use crate::collections::HashMap;
use crate::count::blocks::{BLOCK_WORDS, NONE, blocks, count_keys};
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
pub struct Segment<'a> {
    index: &'a TokenIndex,
    /// `parts[k - 1][i]`: id of the k-gram at position i (see [`part_ids`]).
    parts: Vec<Vec<u32>>,
    blocks: Vec<Range<usize>>,
}

impl<'a> Segment<'a> {
    /// The segment's parts: `depth` arrays of one u32 per word.
    pub fn new(index: &'a TokenIndex, walk: &Walk) -> Self {
        let parts = part_ids(index, walk.finder, walk.depth);
        Segment { index, parts, blocks: blocks(index, BLOCK_WORDS) }
    }
}

impl Walk<'_> {
    /// Count every split's frames in `seg` and queue (count, documents) by (split, frame key).
    pub fn frames(&self, seg: &Segment, slot: &mut [u32], tally: &mut Tally<(u32, u32)>) {
        for (g, split) in self.splits.iter().enumerate() {
            let found = count_keys(seg.index, &seg.blocks, |i| self.key_at(seg, *split, i), slot);
            for j in 0..found.len() {
                tally.push(g as u32, found.keys[j], (found.count[j], found.docs[j]));
            }
            tally.flush(|t, (c, d)| {
                t.0 += c;
                t.1 += d;
            });
        }
    }

    /// Count the fillers of the kept frames (`kept[split]`: frame key → frame number) in
    /// `seg` by surface form, and queue their counts by (frame number, surface id);
    /// `key_of[s]` gets the key of every surface id seen in a slot.
    pub fn fillers(
        &self,
        seg: &Segment,
        kept: &[HashMap<u64, u32>],
        slot: &mut [u32],
        key_of: &mut Vec<u32>,
        tally: &mut Tally<u32>,
    ) {
        let index = seg.index;
        for (split, kept) in self.splits.iter().zip(kept).filter(|(_, k)| !k.is_empty()) {
            let filler_at = |i: usize| {
                let frame = *kept.get(&self.key_at(seg, *split, i)?)?;
                Some((frame as u64) << 32 | index.surfaces[i + split.a] as u64)
            };
            let fills = count_keys(index, &seg.blocks, filler_at, slot);
            // A surface id always has the same key: take it from any position holding it.
            for i in (0..index.len()).filter(|&i| slot[i] != NONE) {
                let s = index.surfaces[i + split.a] as usize;
                if s >= key_of.len() {
                    key_of.resize(s + 1, NONE);
                }
                key_of[s] = index.keys[i + split.a];
            }
            for j in 0..fills.len() {
                tally.push(0, fills.keys[j], fills.count[j]);
            }
            tally.flush(|t, c| *t += c);
        }
    }

    /// The key of the frame of `split` at position `i` (left part id, right part id), if any.
    fn key_at(&self, seg: &Segment, split: Split, i: usize) -> Option<u64> {
        let (Split { a, b }, index) = (split, seg.index);
        let (left, right) = (&seg.parts[a - 1], &seg.parts[b - 1]);
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
