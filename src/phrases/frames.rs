//! Phrase-frames: n-grams with one open slot inside ("implementing the * policies").
//!
//! A frame of length n (3..=6) is a left part of a ≥ 1 words, a slot, and a right part of
//! b ≥ 1 words (a + 1 + b = n), all inside one sentence. Its count is the number of places
//! where the left part is followed, one word later, by the right part, whatever word fills the
//! slot; its fillers are the words found in the slot. A frame occurs no more often, and in no
//! more documents, than either of its parts, so a frame passing `--min-count`/`--min-docs` is
//! made of two counted n-grams: frames are keyed by (left id, right id) for each (a, b) and
//! counted exactly with the partitioned counter of [`crate::count::blocks`], then their
//! fillers are counted the same way. A frame is reported when it passes the thresholds, has at
//! least two distinct fillers (counted by key), and, under `--stopword-edges drop`, neither
//! starts nor ends with a stop word.
//!
//! Slot statistics: entropy H = −Σ p_k log₂ p_k over the fillers' shares p_k (0 when one filler
//! takes the slot; log₂ k for k equally common fillers), and fixedness = share of the most
//! frequent filler (Fletcher's phrase-frames; Gries' slot entropy).

use std::ops::RangeInclusive;

use rayon::prelude::*;

use super::{Gram, Overlap};
use crate::collections::HashMap;
use crate::count::blocks::{BLOCK_WORDS, NONE, blocks, count_keys};
use crate::count::{EdgePolicy, NgramFinder, TokenIndex, VocabFacts};

/// What frames to find.
#[derive(Debug, Clone)]
pub struct FrameOptions {
    /// Frame lengths (within 3..=6).
    pub lengths: RangeInclusive<usize>,
    /// Minimum occurrences.
    pub min_count: u32,
    /// Minimum documents.
    pub min_docs: u32,
    /// Stop words at the frame's edges.
    pub edges: EdgePolicy,
    /// `Maximal`: leave out frames that are mostly one phrase or mostly inside a longer frame.
    pub overlap: Overlap,
}

/// One word in a frame's slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Filler {
    /// Key id.
    pub key: u32,
    /// Surface id shown: the most frequent surface form of the key in this slot.
    pub surface: u32,
    /// Occurrences in the slot.
    pub count: u32,
}

/// A phrase-frame and its fillers.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    /// Left part.
    pub left: Gram,
    /// Right part.
    pub right: Gram,
    /// Occurrences.
    pub count: u32,
    /// Documents containing it.
    pub docs: u32,
    /// Fillers, most frequent first (ties by surface string).
    pub fillers: Vec<Filler>,
}

impl Frame {
    /// Number of words including the slot.
    pub fn n(&self) -> usize {
        self.left.0 + 1 + self.right.0
    }

    /// Slot entropy in bits.
    pub fn entropy(&self) -> f64 {
        entropy(self.fillers.iter().map(|f| f.count))
    }

    /// Share of the most frequent filler.
    pub fn fixedness(&self) -> f64 {
        let top = self.fillers.first().map_or(0, |f| f.count);
        top as f64 / self.count as f64
    }
}

/// Shannon entropy in bits of a distribution given by counts.
pub fn entropy(counts: impl Iterator<Item = u32> + Clone) -> f64 {
    let total: f64 = counts.clone().map(|c| c as f64).sum();
    let h: f64 = counts
        .filter(|&c| c > 0)
        .map(|c| {
            let p = c as f64 / total;
            -p * p.log2()
        })
        .sum();
    h.max(0.0)
}

/// Every reported frame of `options.lengths` in the corpus, unordered.
pub fn frames(
    index: &TokenIndex,
    finder: &NgramFinder,
    facts: &VocabFacts,
    options: &FrameOptions,
) -> Vec<Frame> {
    let longest = (*options.lengths.end()).min(6);
    let shortest = (*options.lengths.start()).max(3);
    if shortest > longest || index.is_empty() {
        return Vec::new();
    }
    let parts = part_ids(index, finder, longest - 2);
    let blocks = blocks(index, BLOCK_WORDS);
    let cx = Ctx { index, finder, facts, options, parts: &parts, blocks: &blocks };
    let mut slot = vec![NONE; index.len()];
    let mut out = Vec::new();
    for n in shortest..=longest {
        for a in 1..n - 1 {
            out.extend(Split { a, b: n - 1 - a }.frames(&cx, &mut slot));
        }
    }
    if options.overlap == Overlap::Maximal {
        out = maximal(out, finder);
    }
    out
}

/// Under `--overlap maximal`, a frame is left out when
///
/// - its most frequent filler takes 80% or more of the slot (fixedness ≥ 0.8): it is that
///   phrase with a few variants ("kim * un" is "kim jong un"), and the phrase is reported by
///   `phrases`;
/// - or, deciding from the longest frames down, a longer reported frame with the same slot
///   ("kim il sung * kim" for "sung * kim") has 80% or more of its occurrences. Every
///   occurrence of the longer frame holds one of the shorter at the same slot, so this share
///   is exact.
fn maximal(frames: Vec<Frame>, finder: &NgramFinder) -> Vec<Frame> {
    let counts = finder.counts();
    let at: HashMap<(usize, u32, usize, u32), usize> = frames
        .iter()
        .enumerate()
        .map(|(i, f)| ((f.left.0, f.left.1, f.right.0, f.right.1), i))
        .collect();
    let mut order: Vec<usize> = (0..frames.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(frames[i].n()));
    let mut reported = vec![false; frames.len()];
    // The largest count of a reported longer frame around each frame.
    let mut inside: Vec<u32> = vec![0; frames.len()];
    for i in order {
        let f = &frames[i];
        let fixed = f.fillers.first().is_some_and(|t| t.count as u64 * 5 >= f.count as u64 * 4);
        let absorbed = inside[i] as u64 * 5 >= f.count as u64 * 4;
        if fixed || absorbed {
            continue;
        }
        reported[i] = true;
        for (left, right) in sub_frames(counts, finder, f) {
            if let Some(&j) = at.get(&(left.0, left.1, right.0, right.1)) {
                inside[j] = inside[j].max(f.count);
            }
        }
    }
    frames.into_iter().zip(reported).filter(|(_, r)| *r).map(|(f, _)| f).collect()
}

/// The shorter frames with the same slot inside `f`: its left part cut from the left, its
/// right part cut from the right (at least one word each, not both uncut).
fn sub_frames(
    counts: &crate::count::NgramCounts,
    finder: &NgramFinder,
    f: &Frame,
) -> Vec<(Gram, Gram)> {
    let left = counts.key_words(f.left.0, f.left.1);
    let mut rights = vec![f.right];
    for b in (1..f.right.0).rev() {
        let (_, id) = *rights.last().expect("starts non-empty");
        rights.push((b, counts.levels[b].prefix[id as usize]));
    }
    let mut out = Vec::new();
    for cut in 0..f.left.0 {
        let l = if cut == 0 { Some(f.left.1) } else { finder.find(&left[cut..]) };
        let Some(l) = l else { continue };
        for (k, &r) in rights.iter().enumerate() {
            if cut > 0 || k > 0 {
                out.push(((f.left.0 - cut, l), r));
            }
        }
    }
    out
}

/// For k = 1.., `ids[k - 1][i]` is the id of the k-gram at position i, or `NONE`.
fn part_ids(index: &TokenIndex, finder: &NgramFinder, longest: usize) -> Vec<Vec<u32>> {
    let len = index.len();
    let mut ids: Vec<Vec<u32>> = Vec::new();
    let words: Vec<u32> = (0..len)
        .into_par_iter()
        .map(|i| finder.find(&index.keys[i..i + 1]).unwrap_or(NONE))
        .collect();
    ids.push(words);
    for k in 2..=longest.min(finder.counts().levels.len()) {
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

/// Frames with a left part of `a` words and a right part of `b` words.
struct Split {
    a: usize,
    b: usize,
}

/// What the per-split counting needs.
struct Ctx<'a> {
    index: &'a TokenIndex,
    finder: &'a NgramFinder<'a>,
    facts: &'a VocabFacts<'a>,
    options: &'a FrameOptions,
    /// `parts[k - 1][i]`: id of the k-gram at position i (see [`part_ids`]).
    parts: &'a [Vec<u32>],
    blocks: &'a [std::ops::Range<usize>],
}

impl Split {
    /// The frames of this split that pass the thresholds and have two fillers or more.
    fn frames(&self, cx: &Ctx, slot: &mut [u32]) -> Vec<Frame> {
        if self.a > cx.parts.len() || self.b > cx.parts.len() {
            return Vec::new();
        }
        let (mut out, survivor) = self.count(cx, slot);
        if out.is_empty() {
            return out;
        }
        let fillers = self.fillers(cx, slot, &survivor, out.len());
        for (frame, forms) in out.iter_mut().zip(fillers) {
            frame.fillers = group_fillers(forms, cx.facts.surface_rank);
        }
        out.retain(|f| f.fillers.len() >= 2);
        out
    }

    /// The key of the frame at position `i` (left part id, right part id), if any.
    fn key_at(&self, cx: &Ctx, i: usize) -> Option<u64> {
        let (a, b, index) = (self.a, self.b, cx.index);
        let (left, right) = (&cx.parts[a - 1], &cx.parts[b - 1]);
        let j = i + a + 1;
        if j + b > index.len() || left[i] == NONE || right[j] == NONE {
            return None;
        }
        if index.sentence_start[i + a] || index.sentence_start[j] {
            return None;
        }
        let (l, r) = (left[i], right[j]);
        if cx.options.edges == EdgePolicy::Drop {
            let levels = &cx.finder.counts().levels;
            let first = levels[a - 1].first[l as usize] as usize;
            let last = levels[b - 1].last[r as usize] as usize;
            if cx.facts.key_stop[first] || cx.facts.key_stop[last] {
                return None;
            }
        }
        Some((l as u64) << 32 | r as u64)
    }

    /// Count the frames exactly; keep those passing `--min-count` and `--min-docs`. `slot[i]`
    /// gets the candidate index of the frame at i; the second result maps candidate indices to
    /// kept frames (or `NONE`).
    fn count(&self, cx: &Ctx, slot: &mut [u32]) -> (Vec<Frame>, Vec<u32>) {
        let found = count_keys(cx.index, cx.blocks, |i| self.key_at(cx, i), slot);
        let mut survivor = vec![NONE; found.len()];
        let mut out: Vec<Frame> = Vec::new();
        for (j, s) in survivor.iter_mut().enumerate() {
            if found.count[j] < cx.options.min_count || found.docs[j] < cx.options.min_docs {
                continue;
            }
            *s = out.len() as u32;
            let (l, r) = ((found.keys[j] >> 32) as u32, found.keys[j] as u32);
            out.push(Frame {
                left: (self.a, l),
                right: (self.b, r),
                count: found.count[j],
                docs: found.docs[j],
                fillers: Vec::new(),
            });
        }
        (out, survivor)
    }

    /// The fillers (key, surface, count) of each of the `kept` frames, counted by surface form
    /// with the same partitioned counter.
    fn fillers(
        &self,
        cx: &Ctx,
        slot: &[u32],
        survivor: &[u32],
        kept: usize,
    ) -> Vec<Vec<(u32, u32, u32)>> {
        let index = cx.index;
        let at = |i: usize| i + self.a;
        let frame_at = |i: usize| if slot[i] == NONE { NONE } else { survivor[slot[i] as usize] };
        let filler_at = |i: usize| {
            (frame_at(i) != NONE).then(|| (frame_at(i) as u64) << 32 | index.surfaces[at(i)] as u64)
        };
        let mut fslot = vec![NONE; index.len()];
        let fills = count_keys(index, cx.blocks, filler_at, &mut fslot);
        // A surface id always has the same key: take it from any position holding it.
        let mut key_of: HashMap<u32, u32> = HashMap::default();
        for i in (0..index.len()).filter(|&i| fslot[i] != NONE) {
            key_of.entry(index.surfaces[at(i)]).or_insert(index.keys[at(i)]);
        }
        let mut per_frame: Vec<Vec<(u32, u32, u32)>> = vec![Vec::new(); kept];
        for j in 0..fills.len() {
            let (f, s) = ((fills.keys[j] >> 32) as usize, fills.keys[j] as u32);
            per_frame[f].push((key_of[&s], s, fills.count[j]));
        }
        per_frame
    }
}

/// Merge surface fillers (key, surface, count) by key: the count is the sum, the surface shown
/// the most frequent (ties to the smaller string). Most frequent first, ties by surface string.
fn group_fillers(mut forms: Vec<(u32, u32, u32)>, surface_rank: &[u32]) -> Vec<Filler> {
    let rank = |s: u32| surface_rank[s as usize];
    forms
        .sort_unstable_by(|x, y| x.0.cmp(&y.0).then(y.2.cmp(&x.2)).then(rank(x.1).cmp(&rank(y.1))));
    let mut out: Vec<Filler> = Vec::new();
    for (key, surface, count) in forms {
        match out.last_mut() {
            Some(f) if f.key == key => f.count += count,
            _ => out.push(Filler { key, surface, count }),
        }
    }
    out.sort_unstable_by(|x, y| y.count.cmp(&x.count).then(rank(x.surface).cmp(&rank(y.surface))));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_and_fixedness_of_fillers_3_1_1() {
        // Shares .6, .2, .2: H = −(.6 log2 .6 + 2 · .2 log2 .2) = .6 · 0.736966 + .4 · 2.321928
        // = 0.442179 + 0.928771 = 1.370951 bits; fixedness = 3/5 = 0.6.
        let f = Frame {
            left: (1, 0),
            right: (1, 1),
            count: 5,
            docs: 1,
            fillers: vec![
                Filler { key: 0, surface: 0, count: 3 },
                Filler { key: 1, surface: 1, count: 1 },
                Filler { key: 2, surface: 2, count: 1 },
            ],
        };
        assert!((f.entropy() - 1.370950594454668).abs() < 1e-12, "{}", f.entropy());
        assert_eq!(f.fixedness(), 0.6);
        assert_eq!(entropy([4, 4].into_iter()), 1.0);
        assert_eq!(entropy([7].into_iter()), 0.0);
    }

    use crate::phrases::testkit::Kit;

    const A: u32 = 1;
    const B: u32 = 2;
    const X: u32 = 3;
    const Y: u32 = 4;
    const Z: u32 = 5;
    const Q: u32 = 6;

    /// Left words, right words, count, fillers as (word, count).
    type Found = (Vec<u32>, Vec<u32>, u32, Vec<(u32, u32)>);

    /// Every reported frame.
    fn found(sentences: &[&[u32]], overlap: Overlap) -> Vec<Found> {
        let kit = Kit::new(&[sentences], &[], 2, 4);
        let finder = NgramFinder::new(&kit.counts, 32);
        let facts =
            VocabFacts { key_stop: &kit.stop, key_rank: &kit.rank, surface_rank: &kit.rank };
        let options = FrameOptions {
            lengths: 3..=6,
            min_count: 2,
            min_docs: 1,
            edges: EdgePolicy::Drop,
            overlap,
        };
        let c = &kit.counts;
        let mut out: Vec<_> = frames(&kit.index, &finder, &facts, &options)
            .into_iter()
            .map(|f| {
                let fillers = f.fillers.iter().map(|x| (x.key, x.count)).collect();
                (
                    c.key_words(f.left.0, f.left.1),
                    c.key_words(f.right.0, f.right.1),
                    f.count,
                    fillers,
                )
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn a_frame_with_fillers_3_1_1() {
        // "A X B" three times, "A Y B", "A Z B": the frame A * B, 5 times; fillers X 3, Y 1,
        // Z 1 (Y and Z occur once: fillers need no threshold). No other frame has two fillers.
        let s: &[&[u32]] = &[&[A, X, B], &[A, Y, B], &[A, X, B], &[A, Z, B], &[A, X, B]];
        assert_eq!(
            found(s, Overlap::Maximal),
            [(vec![A], vec![B], 5, vec![(X, 3), (Y, 1), (Z, 1)])]
        );
    }

    #[test]
    fn a_frame_inside_a_longer_one_and_a_fixed_frame_are_left_out() {
        // With Q before every A: Q A * B holds every A * B (5 of 5 ≥ 80%), so only it remains;
        // with --overlap none both are reported.
        let s: &[&[u32]] =
            &[&[Q, A, X, B], &[Q, A, Y, B], &[Q, A, X, B], &[Q, A, Z, B], &[Q, A, X, B]];
        let fillers = vec![(X, 3), (Y, 1), (Z, 1)];
        assert_eq!(found(s, Overlap::Maximal), [(vec![Q, A], vec![B], 5, fillers.clone())]);
        assert_eq!(
            found(s, Overlap::None),
            [(vec![A], vec![B], 5, fillers.clone()), (vec![Q, A], vec![B], 5, fillers)]
        );
        // X fills 4 of 5 slots (fixedness 0.8): the frame is the phrase A X B.
        let s: &[&[u32]] = &[&[A, X, B], &[A, X, B], &[A, X, B], &[A, Y, B], &[A, X, B]];
        assert_eq!(found(s, Overlap::Maximal), []);
        assert_eq!(found(s, Overlap::None).len(), 1);
    }
}
