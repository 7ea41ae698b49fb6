//! Rows with their counts on two sides of the corpus (`keyness`: a target and a reference,
//! every document on one side or on neither), sorted by a place the caller computes from
//! those counts, in sorted runs on disk and a k-way merge like the plain rows'.
//!
//! The counter finds the sides of an n-gram where it finds its count: every occurrence is
//! visited once, in corpus order, with its document (see [`super::windows`]), so the counts
//! and documents per side are exact, whatever the partitions.
//!
//! A [`Place`] is a class (0, 1 or 2) and a value; rows sort by class, then value (smallest
//! first), then key, the byte order of the key's words: a total order, since keys are unique.
//! With a limit K only the first K rows of class 0 and the last K of class 2 are kept (the K
//! strongest keywords of each side); each run keeps those of its own rows, which hold the
//! whole corpus's.
//!
//! A run of sided rows is a sequence of records in sort order: class (u8), value (u64), the
//! row as in [`super::rows`], then count and documents on side 0 and side 1 (u32 each),
//! little-endian.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};

use rayon::prelude::*;

use super::Collect;
use super::rows::{self, MAX_N, Ranks, Row, RunFile};
use crate::budget::TempSpace;

/// Bytes a window being counted needs besides [`super::windows::COUNTING_BYTES`] when rows
/// carry their sides: a candidate's and a survivor's counts per side, and the counts of the
/// rows it makes (about two a window: more levels, fewer survivors).
pub const COUNTING_BYTES: u64 = 4 * std::mem::size_of::<SideCounts>() as u64;

/// Occurrences and documents of an n-gram on each side.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SideCounts {
    /// Occurrences on side 0 and side 1.
    pub count: [u32; 2],
    /// Documents holding it on side 0 and side 1.
    pub docs: [u32; 2],
}

impl SideCounts {
    /// Count an occurrence in a document on `side` (anything but 0 or 1: on neither side);
    /// `first` when it is the first occurrence in its document.
    #[inline]
    pub fn add(&mut self, side: u32, first: bool) {
        if let Some(c) = self.count.get_mut(side as usize) {
            *c += 1;
            if first {
                self.docs[side as usize] += 1;
            }
        }
    }

    /// Add the counts of `other` (other documents).
    pub fn merge(&mut self, other: &SideCounts) {
        for s in 0..2 {
            self.count[s] += other.count[s];
            self.docs[s] += other.docs[s];
        }
    }
}

/// A counted row with its counts per side.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sided {
    /// The row over the whole corpus.
    pub row: Row,
    /// Its counts per side.
    pub sides: SideCounts,
}

/// What the counter makes of a row and its counts per side: the row alone, or both.
pub trait Emit: Send + Sized {
    /// The emitted item.
    fn emit(row: Row, sides: SideCounts) -> Self;
}

impl Emit for Row {
    #[inline]
    fn emit(row: Row, _: SideCounts) -> Row {
        row
    }
}

impl Emit for Sided {
    #[inline]
    fn emit(row: Row, sides: SideCounts) -> Sided {
        Sided { row, sides }
    }
}

/// Where a sided row sorts, before its key: its class (0, 1 or 2), then its value, smallest
/// first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Place {
    /// 0 first, 2 last; with a limit, class 1 is left out.
    pub class: u8,
    /// Smaller first within the class.
    pub value: u64,
}

/// The full sort key: the place, then the key's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    place: Place,
    words: [u32; MAX_N],
}

/// A placed row waiting to be sorted.
type Keyed = (Key, Sided);

/// Rows placed at once.
const PLACE_SLICE: usize = 1 << 14;

/// Bytes a placed row holds while it waits to be sorted.
pub const KEYED_BYTES: u64 = std::mem::size_of::<Keyed>() as u64;

/// Where counted sided rows go: placed as they come (rows without a place dropped), held
/// until they pass their share of the budget, then sorted, cut to the limit and written to a
/// run; at the end, the merge.
pub struct SidedSink<'a, F> {
    space: &'a TempSpace,
    ranks: Ranks<'a>,
    place: F,
    keep: Option<usize>,
    /// Rows held at most.
    cap: usize,
    pending: Vec<Keyed>,
    runs: Vec<RunFile>,
    /// Rows counted per n (index n − 1), placed or not.
    distinct: Vec<u64>,
    /// Rows kept per class (in the runs and the rows held).
    kept: [u64; 3],
}

impl<'a, F: Fn(&Sided) -> Option<Place> + Sync> SidedSink<'a, F> {
    /// A sink holding at most `bytes` of rows before it writes a run, keeping the first `keep`
    /// rows of class 0 and the last `keep` of class 2 when given.
    pub fn new(
        space: &'a TempSpace,
        ranks: Ranks<'a>,
        place: F,
        keep: Option<usize>,
        bytes: u64,
    ) -> Self {
        let cap = (bytes / KEYED_BYTES).max(1) as usize;
        SidedSink {
            space,
            ranks,
            place,
            keep,
            cap,
            pending: Vec::new(),
            runs: Vec::new(),
            distinct: vec![0; MAX_N],
            kept: [0; 3],
        }
    }

    /// Sort the rows held, keep those within the limit, and count them per class.
    fn sorted(&mut self) -> Vec<Keyed> {
        let mut rows = std::mem::take(&mut self.pending);
        rows.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        if let Some(k) = self.keep {
            let first = rows.iter().take_while(|r| r.0.place.class == 0).count();
            let last = rows.iter().rev().take_while(|r| r.0.place.class == 2).count();
            let tail = rows.len() - last.min(k);
            rows.drain(first.min(k)..tail);
        }
        for r in &rows {
            self.kept[r.0.place.class as usize] += 1;
        }
        rows
    }

    /// The sort key of each row, `None` for the rows left out.
    fn keys(&self, slice: &[Sided]) -> Vec<Option<Key>> {
        let (place, ranks) = (&self.place, self.ranks);
        slice
            .par_iter()
            .map(|s| {
                let place = place(s)?;
                assert!(place.class <= 2, "a class is 0, 1 or 2");
                Some(Key { place, words: rows::key_words(&s.row, ranks) })
            })
            .collect()
    }

    fn flush(&mut self) -> io::Result<()> {
        let rows = self.sorted();
        self.runs.push(write_run(self.space, &rows)?);
        // The buffer is kept for the next rows.
        self.pending = rows;
        self.pending.clear();
        Ok(())
    }

    /// The sorted rows: runs written and the rows still held, merged.
    pub fn finish(mut self) -> io::Result<SidedCounted<'a>> {
        if !self.runs.is_empty() && !self.pending.is_empty() {
            self.flush()?;
        }
        let mut sources = Vec::with_capacity(self.runs.len() + 1);
        for run in &self.runs {
            let r = BufReader::with_capacity(1 << 16, File::open(&run.path)?);
            sources.push(SidedSource::Disk { r, left: run.rows });
        }
        let held = self.sorted();
        if !held.is_empty() {
            sources.push(SidedSource::Memory(held.into_iter()));
        }
        // Each run kept the first and last K of its own rows: the merge keeps the whole's.
        let kept = match self.keep {
            Some(k) => [self.kept[0].min(k as u64), 0, self.kept[2].min(k as u64)],
            None => self.kept,
        };
        let skip = self.kept[2] - kept[2];
        let merge = SidedMerge::new(sources, self.ranks, kept, skip)?;
        let run_bytes = self.runs.iter().map(|r| r.bytes).sum();
        Ok(SidedCounted {
            merge,
            distinct: self.distinct,
            kept,
            partitions: 0,
            runs: self.runs.len(),
            run_bytes,
        })
    }
}

impl<F: Fn(&Sided) -> Option<Place> + Sync> Collect<Sided> for SidedSink<'_, F> {
    fn add(&mut self, rows: Vec<Sided>) -> io::Result<()> {
        for r in &rows {
            self.distinct[r.row.n as usize - 1] += 1;
        }
        // Placed a slice at a time, in parallel, into the rows held (whose room is counted in
        // the budget): a copy of all of a group's rows with their keys would not be.
        for slice in rows.chunks(PLACE_SLICE) {
            let keys = self.keys(slice);
            for (key, s) in keys.into_iter().zip(slice) {
                let Some(key) = key else { continue };
                if self.pending.len() >= self.cap {
                    self.flush()?;
                }
                super::rows::grow(&mut self.pending, 1, self.cap);
                self.pending.push((key, *s));
            }
        }
        Ok(())
    }
}

/// Write sorted placed rows to a new run file in `space`.
fn write_run(space: &TempSpace, rows: &[Keyed]) -> io::Result<RunFile> {
    let (file, path) = space.create("sided")?;
    let mut w = BufWriter::with_capacity(1 << 20, file);
    let mut buf = Vec::with_capacity(96);
    for (key, s) in rows {
        buf.clear();
        buf.push(key.place.class);
        buf.extend_from_slice(&key.place.value.to_le_bytes());
        rows::encode(&s.row, &mut buf);
        for v in [s.sides.count[0], s.sides.docs[0], s.sides.count[1], s.sides.docs[1]] {
            buf.extend_from_slice(&v.to_le_bytes());
        }
        w.write_all(&buf)?;
    }
    w.flush()?;
    let bytes = w.get_ref().metadata()?.len();
    Ok(RunFile { path, rows: rows.len(), bytes })
}

/// A sorted source of placed rows: held in memory, or a run on disk.
enum SidedSource {
    Memory(std::vec::IntoIter<Keyed>),
    Disk { r: BufReader<File>, left: usize },
}

impl SidedSource {
    /// The next row and its place (the key's words are the merge's to compute).
    fn next_row(&mut self) -> io::Result<Option<(Place, Sided)>> {
        match self {
            SidedSource::Memory(rows) => Ok(rows.next().map(|(k, s)| (k.place, s))),
            SidedSource::Disk { left: 0, .. } => Ok(None),
            SidedSource::Disk { r, left } => {
                *left -= 1;
                let mut head = [0u8; 9];
                r.read_exact(&mut head)?;
                let value = u64::from_le_bytes(head[1..9].try_into().expect("8 bytes"));
                let place = Place { class: head[0], value };
                let row = rows::decode(r)?;
                let mut tail = [0u8; 16];
                r.read_exact(&mut tail)?;
                let u =
                    |i: usize| u32::from_le_bytes(tail[4 * i..4 * i + 4].try_into().expect("4"));
                let sides = SideCounts { count: [u(0), u(2)], docs: [u(1), u(3)] };
                Ok(Some((place, Sided { row, sides })))
            }
        }
    }
}

/// The counted sided rows, ready to merge, and what it took.
pub struct SidedCounted<'a> {
    /// The rows in order.
    pub merge: SidedMerge<'a>,
    /// Rows counted per n (index n − 1), before they were placed.
    pub distinct: Vec<u64>,
    /// Rows the merge gives, per class (within the limit).
    pub kept: [u64; 3],
    /// Partitions counted.
    pub partitions: usize,
    /// Run files written.
    pub runs: usize,
    /// Bytes of run files.
    pub run_bytes: u64,
}

/// The k-way merge of sorted sources of placed rows, which gives the rows within the limit:
/// the first K of class 0 and the last K of class 2 of all sources.
pub struct SidedMerge<'a> {
    /// Rows still to give per class.
    left: [u64; 3],
    /// Rows of class 2 to pass over before the last K.
    skip: u64,
    sources: Vec<SidedSource>,
    /// The smallest key first, ties to the earlier source.
    heap: BinaryHeap<Reverse<(Key, usize)>>,
    /// The head row of each source.
    heads: Vec<Option<Sided>>,
    ranks: Ranks<'a>,
}

impl<'a> SidedMerge<'a> {
    /// Merge `sources`, giving `give` rows of each class, after the first `skip` of class 2.
    fn new(
        mut sources: Vec<SidedSource>,
        ranks: Ranks<'a>,
        give: [u64; 3],
        skip: u64,
    ) -> io::Result<Self> {
        let mut heads = Vec::with_capacity(sources.len());
        for source in &mut sources {
            heads.push(source.next_row()?);
        }
        let mut merge = SidedMerge {
            left: give,
            skip,
            heap: BinaryHeap::with_capacity(sources.len()),
            heads: vec![None; sources.len()],
            sources,
            ranks,
        };
        for (i, head) in heads.into_iter().enumerate() {
            merge.push(head, i);
        }
        Ok(merge)
    }

    /// Make `head` the head row of source `i`.
    fn push(&mut self, head: Option<(Place, Sided)>, i: usize) {
        if let Some((place, s)) = head {
            let key = Key { place, words: rows::key_words(&s.row, self.ranks) };
            self.heap.push(Reverse((key, i)));
            self.heads[i] = Some(s);
        }
    }

    /// The next row in order, with its place.
    pub fn next_row(&mut self) -> io::Result<Option<(Place, Sided)>> {
        while let Some((place, row)) = self.next_merged()? {
            let class = place.class as usize;
            if class == 2 && self.skip > 0 {
                self.skip -= 1;
            } else if self.left[class] > 0 {
                self.left[class] -= 1;
                return Ok(Some((place, row)));
            } else if self.left == [0; 3] {
                break;
            }
        }
        Ok(None)
    }

    /// The next row of the sources, limit or not.
    fn next_merged(&mut self) -> io::Result<Option<(Place, Sided)>> {
        let Some(Reverse((key, i))) = self.heap.pop() else {
            return Ok(None);
        };
        let row = self.heads[i].take().expect("a head row for every key in the heap");
        let next = self.sources[i].next_row()?;
        self.push(next, i);
        Ok(Some((key.place, row)))
    }
}
