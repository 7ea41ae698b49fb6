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
//! The corpus is walked segment by segment ([`walk`]; a token index on disk is read back from
//! its files), so that only one segment's arrays are held at a time, and the segments' counts
//! are summed in a [`tally`], in as many passes as its memory requires: one pass counts the
//! frames, a second their fillers ([`reader`]). A corpus in memory is the case of one
//! segment, walked once: its counts are final as they come, so they skip the tally, and it is
//! counted split by split, each split's fillers finding their frames in the ids its count
//! left.
//!
//! Slot statistics: entropy H = −Σ p_k log₂ p_k over the fillers' shares p_k (0 when one filler
//! takes the slot; log₂ k for k equally common fillers), and fixedness = share of the most
//! frequent filler (Fletcher's phrase-frames; Gries' slot entropy).

mod reader;
mod tally;
mod walk;

use std::borrow::Borrow;
use std::io;
use std::ops::RangeInclusive;

use self::reader::{Reader, Slots, collect};
use self::tally::Tally;
use self::walk::{Split, Walk};
use super::{Gram, Overlap};
use crate::collections::{HashMap, new_map};
use crate::count::spilled::SegmentIndex;
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

/// Every reported frame of `options.lengths` in a corpus in memory, unordered: the corpus as
/// the one segment of [`frames_in_segments`], with room for every tally.
pub fn frames(
    index: &TokenIndex,
    finder: &NgramFinder,
    facts: &VocabFacts,
    options: &FrameOptions,
) -> Vec<Frame> {
    let whole = || std::iter::once(Ok::<_, io::Error>(index));
    find(whole, finder, facts, options, u64::MAX, Rounds::EachSplit)
        .expect("an index in memory reads without error")
}

/// Every reported frame of `options.lengths` in a corpus read as segments, unordered; the
/// same frames as [`frames`] over the whole index.
///
/// Each call of `segments` must yield the corpus's segments once more (any order will do);
/// a run reads them twice (frames, then fillers), more often when the frames' tallies
/// outgrow `tally_bytes` (each further pass counts the frames whose hashes did not fit; see
/// [`tally`]). A segment is walked in at most about 100 bytes per word (its index, the ids
/// of its parts of up to 4 words, the partitioned counter's buffers and the candidates on
/// their way to the tally); beyond that the run holds the tallies (about `tally_bytes`,
/// at least 64 entries), the kept frames, their fillers and a u32 per surface id.
///
/// Segments must hold whole documents ([`crate::count::spilled::SpillWriter`] cuts a segment
/// only after a document's last word): a frame never leaves its sentence, so never its
/// segment, and its documents, counted per segment, are summed without counting any twice.
pub fn frames_in_segments<I>(
    segments: impl Fn() -> I,
    finder: &NgramFinder,
    facts: &VocabFacts,
    options: &FrameOptions,
    tally_bytes: u64,
) -> io::Result<Vec<Frame>>
where
    I: Iterator<Item = io::Result<SegmentIndex>>,
{
    let indexes = || segments().map(|s| s.map(|s| s.index));
    find(indexes, finder, facts, options, tally_bytes, Rounds::AllSplits)
}

/// In what order the splits are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rounds {
    /// Each split's frames, then its fillers: for a corpus walked once, so that only one
    /// split's counts are held at a time and its fillers find their frames in the ids its
    /// count left.
    EachSplit,
    /// Every split's frames in one pass, then every split's fillers in another: for a corpus
    /// read from disk, as few passes as can be.
    AllSplits,
}

/// [`frames_in_segments`] over anything that lends token indexes.
fn find<F, I, T>(
    segments: F,
    finder: &NgramFinder,
    facts: &VocabFacts,
    options: &FrameOptions,
    tally_bytes: u64,
    rounds: Rounds,
) -> io::Result<Vec<Frame>>
where
    F: Fn() -> I,
    I: Iterator<Item = io::Result<T>>,
    T: Borrow<TokenIndex>,
{
    let Some(walk) = plan(finder, facts, options) else {
        return Ok(Vec::new());
    };
    let all: Vec<u32> = (0..walk.splits.len() as u32).collect();
    let rounds: Vec<&[u32]> = match rounds {
        Rounds::EachSplit => all.chunks(1).collect(),
        Rounds::AllSplits => vec![&all],
    };
    let mut reader = Reader::new(segments);
    let mut out = Vec::new();
    for round in rounds {
        let (mut found, kept) = count_frames(&mut reader, &walk, round, options, tally_bytes)?;
        if !found.is_empty() {
            fill(&mut reader, &walk, round, &kept, &mut found, tally_bytes)?;
        }
        out.extend(found.into_iter().filter(|f| f.fillers.len() >= 2));
    }
    if options.overlap == Overlap::Maximal {
        out = maximal(out, finder);
    }
    Ok(out)
}

/// The splits (a, b) of the frame lengths whose parts were counted; `None` when there is
/// none.
fn plan<'a>(
    finder: &'a NgramFinder,
    facts: &'a VocabFacts,
    options: &FrameOptions,
) -> Option<Walk<'a>> {
    let longest = (*options.lengths.end()).min(6);
    let shortest = (*options.lengths.start()).max(3);
    let depth = longest.saturating_sub(2).min(finder.counts().levels.len());
    let splits: Vec<Split> = (shortest..=longest)
        .flat_map(|n| (1..n - 1).map(move |a| Split { a, b: n - 1 - a }))
        .filter(|s| s.a <= depth && s.b <= depth)
        .collect();
    let edges = options.edges;
    (!splits.is_empty()).then_some(Walk { finder, facts, edges, splits, depth })
}

/// A split's kept frames: frame key (left id << 32 | right id) → frame number.
type Kept = HashMap<u64, u32>;

/// The frames of the splits in `round` passing `--min-count` and `--min-docs`, split by split
/// and by key (whatever the segments, passes and threads), without fillers; and for each
/// split, its kept frames' keys and numbers.
fn count_frames<F, I, T>(
    reader: &mut Reader<F, T>,
    walk: &Walk,
    round: &[u32],
    options: &FrameOptions,
    tally_bytes: u64,
) -> io::Result<(Vec<Frame>, Vec<Kept>)>
where
    F: Fn() -> I,
    I: Iterator<Item = io::Result<T>>,
    T: Borrow<TokenIndex>,
{
    type Counted = Vec<(u32, u64, (u32, u32))>;
    let mut tally = Tally::new(walk.splits.len(), tally_bytes, frame_hash);
    let mut found: Counted = Vec::new();
    let passes = |&(c, d): &(u32, u32)| c >= options.min_count && d >= options.min_docs;
    let keep = |found: &mut Counted, counted: Counted| {
        found.extend(counted.into_iter().filter(|x| passes(&x.2)));
    };
    let sum = |t: &mut (u32, u32), (c, d): (u32, u32)| {
        t.0 += c;
        t.1 += d;
    };
    loop {
        reader.pass(walk, |seg, place, slots: &mut Slots| {
            let ranges = (!place.whole).then(|| tally.ranges());
            walk.frames(seg, (round, ranges.as_ref()), &mut slots.frames, |g, c| {
                let counts = (0..c.len()).map(|j| (c.keys[j], (c.count[j], c.docs[j])));
                let counts = (counts, passes);
                collect(&mut tally, place, g, counts, sum, |e| keep(&mut found, e));
                if place.whole {
                    slots.cached = Some((g, c.keys));
                }
            })
        })?;
        if tally.finish_pass(|e| keep(&mut found, e)) {
            break;
        }
    }
    found.sort_unstable_by_key(|&(g, key, _)| (g, key));
    let mut kept: Vec<Kept> = walk.splits.iter().map(|_| new_map()).collect();
    let frames = found
        .iter()
        .enumerate()
        .map(|(i, &(g, key, (count, docs)))| {
            kept[g as usize].insert(key, i as u32);
            let Split { a, b } = walk.splits[g as usize];
            let (left, right) = ((a, (key >> 32) as u32), (b, key as u32));
            Frame { left, right, count, docs, fillers: Vec::new() }
        })
        .collect();
    Ok((frames, kept))
}

/// Count the fillers of `frames` (numbered as in `kept`) and set them, grouped by key.
fn fill<F, I, T>(
    reader: &mut Reader<F, T>,
    walk: &Walk,
    round: &[u32],
    kept: &[Kept],
    frames: &mut [Frame],
    tally_bytes: u64,
) -> io::Result<()>
where
    F: Fn() -> I,
    I: Iterator<Item = io::Result<T>>,
    T: Borrow<TokenIndex>,
{
    // Grouped by split (a frame's number tells its split), hashed by frame: the fillers of
    // a frame are all handed over at once.
    let mut tally = Tally::new(walk.splits.len(), tally_bytes, filler_hash);
    let mut key_of: Vec<u32> = Vec::new();
    let rank = walk.facts.surface_rank;
    loop {
        reader.pass(walk, |seg, place, slots| {
            walk.fillers(seg, round, kept, slots, &mut key_of, |g, c, key_of| {
                let counts = ((0..c.len()).map(|j| (c.keys[j], c.count[j])), |_: &u32| true);
                let add = |t: &mut u32, c: u32| *t += c;
                collect(&mut tally, place, g, counts, add, |e| {
                    set_fillers(frames, e, key_of, rank)
                });
            })
        })?;
        if tally.finish_pass(|e| set_fillers(frames, e, &key_of, rank)) {
            return Ok(());
        }
    }
}

/// Give the frames whose fillers are in `counted` (group, frame number << 32 | surface id,
/// count), all of them, their fillers grouped by key.
fn set_fillers(
    frames: &mut [Frame],
    mut counted: Vec<(u32, u64, u32)>,
    key_of: &[u32],
    surface_rank: &[u32],
) {
    counted.sort_unstable_by_key(|e| e.1);
    for run in counted.chunk_by(|x, y| x.1 >> 32 == y.1 >> 32) {
        let forms = run.iter().map(|&(_, k, c)| (key_of[k as u32 as usize], k as u32, c));
        frames[(run[0].1 >> 32) as usize].fillers = group_fillers(forms.collect(), surface_rank);
    }
}

/// Where a frame (split `group`, key (left, right)) falls among the tallies' hashes.
fn frame_hash(group: u32, key: u64) -> u64 {
    tally::mix(key ^ (group as u64) << 59)
}

/// Where a filler (frame number, surface id) falls: by its frame alone.
fn filler_hash(_: u32, key: u64) -> u64 {
    tally::mix(key >> 32)
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
mod tests;
