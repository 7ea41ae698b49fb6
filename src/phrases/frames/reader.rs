//! Passes over the segments, and where their counts go: straight to the caller when one
//! segment is the whole corpus, otherwise into a [`Tally`].

use std::borrow::Borrow;
use std::io;

use super::tally::Tally;
use super::walk::{Segment, Walk};
use crate::count::TokenIndex;
use crate::count::blocks::NONE;

/// Reads the segments pass after pass; a corpus of one segment (the index in memory) is read
/// and walked once and kept for the passes after.
pub struct Reader<F, T> {
    segments: F,
    whole: Option<Segment<T>>,
    slots: Slots,
}

/// One segment's arrays of ids, one u32 per word each.
#[derive(Default)]
pub struct Slots {
    /// The frame candidate of each position, after a split's frames were counted.
    pub frames: Vec<u32>,
    /// The filler candidate of each position, after a split's fillers were counted.
    pub fillers: Vec<u32>,
    /// When `frames` holds the candidates of a split of the whole corpus: that split's
    /// number and the candidates' keys, so that its fillers need not look frames up again.
    pub cached: Option<(u32, Vec<u64>)>,
}

/// Where a segment stands in its pass.
#[derive(Debug, Clone, Copy)]
pub struct Place {
    /// No segment follows in this pass.
    pub last: bool,
    /// It is the whole corpus: its counts are the corpus's.
    pub whole: bool,
}

impl<F, I, T> Reader<F, T>
where
    F: Fn() -> I,
    I: Iterator<Item = io::Result<T>>,
    T: Borrow<TokenIndex>,
{
    /// Reads what each call of `segments` yields.
    pub fn new(segments: F) -> Self {
        Reader { segments, whole: None, slots: Slots::default() }
    }

    /// One pass: `visit` each non-empty segment, with its parts and its [`Slots`].
    pub fn pass(
        &mut self,
        walk: &Walk,
        mut visit: impl FnMut(&Segment<T>, Place, &mut Slots),
    ) -> io::Result<()> {
        if let Some(seg) = &self.whole {
            visit(seg, Place { last: true, whole: true }, &mut self.slots);
            return Ok(());
        }
        let mut segments = (self.segments)();
        let mut first = true;
        while let Some(index) = segments.next() {
            let index = index?;
            let len = index.borrow().len();
            if len == 0 {
                continue;
            }
            // Known from the iterator's size hint (exact for a spilled index's segments and
            // for one index in memory); without one, no segment is known to be the last.
            let last = segments.size_hint().1 == Some(0);
            let place = Place { last, whole: first && last };
            first = false;
            let seg = Segment::new(index, walk);
            let slots = &mut self.slots;
            for ids in [&mut slots.frames, &mut slots.fillers] {
                ids.clear();
                ids.resize(len, NONE);
            }
            slots.cached = None;
            visit(&seg, place, slots);
            if place.whole {
                self.whole = Some(seg);
            }
        }
        Ok(())
    }
}

/// Take one split's counts (key, value) of one segment: straight to `take` when the segment
/// is the whole corpus (only those `wanted`: the others are final, and unwanted); otherwise
/// into the tally, and when it is the pass's last segment, the split's tallies are whole:
/// handed to `take` at once, so that they free their room.
pub fn collect<V: Copy + Send>(
    tally: &mut Tally<V>,
    place: Place,
    group: u32,
    (counts, wanted): (impl Iterator<Item = (u64, V)>, impl Fn(&V) -> bool),
    merge: impl Fn(&mut V, V) + Sync,
    take: impl FnOnce(Vec<(u32, u64, V)>),
) {
    if place.whole {
        take(counts.filter(|(_, v)| wanted(v)).map(|(k, v)| (group, k, v)).collect());
        return;
    }
    for (key, value) in counts {
        tally.push(group, key, value);
    }
    tally.flush(merge);
    if place.last {
        take(tally.take_group(group));
    }
}
