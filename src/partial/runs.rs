//! The merged rows that pass the thresholds, held within a share of the budget: past it they
//! are sorted in the table's order and written as a sorted run to the run's temporary folder,
//! and the runs and the rows still held are merged k ways when the table is written. With
//! `--top K` only the best K are kept, in memory while they fit.
//!
//! A run file is a sequence of rows: `n` (u8), count, docs, variants (u32), DP_norm (f64
//! bits), then the phrase, the key (u32 length, UTF-8 bytes) and the per-document counts (u32
//! length, then (document, count) u32 pairs), little-endian. Runs live and die inside one
//! process.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::PathBuf;

use rayon::prelude::*;

use super::merge::{MergedRow, compare};
use crate::budget::{Budget, TempSpace};
use crate::count::RowOrder;

/// Where the rows that pass go, and how much of them may be held.
pub struct Survivors {
    rows: Vec<MergedRow>,
    /// Bytes `rows` hold (as [`held`] counts them).
    held: usize,
    /// Bytes that may be held before a run is written.
    cap: usize,
    order: RowOrder,
    top: Option<usize>,
    budget: Budget,
    space: Option<TempSpace>,
    runs: Vec<PathBuf>,
    run_bytes: u64,
    /// Rows given.
    pub total: u64,
}

impl Survivors {
    /// Rows in `order`, at most `top`, held up to `cap` bytes (and `cap_rows` rows: tests
    /// make runs small this way), runs in a temporary folder of `budget`'s.
    pub fn new(
        order: RowOrder,
        top: Option<usize>,
        cap: usize,
        cap_rows: usize,
        budget: Budget,
    ) -> Self {
        // Reserved once: the list never grows (growing copies it, the old and the new at
        // once). A row is held as at least [`LEAST_HELD`] bytes, so no more rows than this fit
        // the share; the pages of the list are resident only as rows fill them, and a full
        // list is written as a run, so that a budget larger than the machine reserves no more
        // than [`MAX_ROWS`] rows' address space.
        let rows = (cap / LEAST_HELD + 1).min(cap_rows.max(1)).min(MAX_ROWS);
        let rows = Vec::with_capacity(rows);
        Survivors {
            rows,
            held: 0,
            cap,
            order,
            top,
            budget,
            space: None,
            runs: Vec::new(),
            run_bytes: 0,
            total: 0,
        }
    }

    /// Keep `row`; past the share, sort what is held and keep the best `top` of it, or write
    /// it as a run.
    pub fn push(&mut self, row: MergedRow) -> io::Result<()> {
        self.held += held(&row);
        self.rows.push(row);
        self.total += 1;
        if self.held > self.cap || self.rows.len() == self.rows.capacity() {
            self.sort();
            // With --top the best K of what is held may fit in half the share: no run.
            if self.held <= self.cap / 2 && self.rows.len() < self.rows.capacity() / 2 {
                return Ok(());
            }
            self.write_run()?;
        }
        Ok(())
    }

    /// Sort what is held, and keep the best `top` of it.
    fn sort(&mut self) {
        let order = self.order;
        self.rows.par_sort_unstable_by(|a, b| compare(a, b, order));
        if let Some(top) = self.top
            && self.rows.len() > top
        {
            self.rows.truncate(top);
            self.held = self.rows.iter().map(held).sum();
        }
    }

    /// Write the rows held, sorted, as a run, and let them go.
    fn write_run(&mut self) -> io::Result<()> {
        if self.space.is_none() {
            self.space = Some(self.budget.temp_space()?);
        }
        let space = self.space.as_ref().expect("made above");
        let (path, bytes) = write(space, self.rows.drain(..).map(Ok))?;
        self.runs.push(path);
        self.run_bytes += bytes;
        self.held = 0;
        Ok(())
    }

    /// Sorted runs written so far.
    pub fn runs(&self) -> usize {
        self.runs.len()
    }

    /// Bytes written to runs so far.
    pub fn run_bytes(&self) -> u64 {
        self.run_bytes
    }

    /// All rows given, in order (at most `top`): the runs and the rows held, merged.
    pub fn finish(mut self) -> io::Result<Sorted> {
        self.sort();
        while self.runs.len() > FAN_IN {
            self.merge_runs()?;
        }
        let held = std::mem::take(&mut self.rows);
        let mut sorted = Sorted::new(held, &self.runs, self.order, self.top)?;
        sorted.space = self.space;
        Ok(sorted)
    }

    /// Merge the first [`FAN_IN`] runs into one (at the end of the list), and remove them.
    fn merge_runs(&mut self) -> io::Result<()> {
        let some: Vec<PathBuf> = self.runs.drain(..FAN_IN).collect();
        let mut sorted = Sorted::new(Vec::new(), &some, self.order, self.top)?;
        let space = self.space.as_ref().expect("runs were written");
        let (path, _) = write(space, std::iter::from_fn(|| sorted.next_row().transpose()))?;
        drop(sorted);
        for path in &some {
            std::fs::remove_file(path)?;
        }
        self.runs.push(path);
        Ok(())
    }
}

/// Write `rows` (in order) as a run in `space`: its path and size.
fn write(
    space: &TempSpace,
    rows: impl Iterator<Item = io::Result<MergedRow>>,
) -> io::Result<(PathBuf, u64)> {
    let (file, path) = space.create("merged")?;
    let mut w = BufWriter::with_capacity(1 << 16, file);
    let (mut buf, mut bytes) = (Vec::new(), 0);
    for row in rows {
        buf.clear();
        encode(&row?, &mut buf);
        w.write_all(&buf)?;
        bytes += buf.len() as u64;
    }
    w.flush()?;
    Ok((path, bytes))
}

/// Runs merged at once: more are first merged, [`FAN_IN`] at a time, into longer runs, so that
/// the files open together stay few.
const FAN_IN: usize = 64;

/// Bytes a held row takes: the row in the list, and its strings and its list as the
/// allocator gives them.
fn held(row: &MergedRow) -> usize {
    size_of::<MergedRow>()
        + chunk(row.phrase.len())
        + chunk(row.key.len())
        + chunk(row.per_doc.len() * 8)
}

/// Most rows held at once (1.5 GiB of rows without their strings).
const MAX_ROWS: usize = 1 << 24;

/// The least a held row takes ([`held`] of a row with one-letter strings and no list).
const LEAST_HELD: usize = size_of::<MergedRow>() + 2 * 32;

/// The memory a heap allocation of `len` bytes takes (glibc: 8 bytes of header, 16-byte
/// steps, 32 at least).
fn chunk(len: usize) -> usize {
    if len == 0 { 0 } else { (len + 8).div_ceil(16).max(2) * 16 }
}

/// The rows of [`Survivors`] in order, merged from its runs and the rows it held.
pub struct Sorted {
    heap: BinaryHeap<Head>,
    sources: Vec<Source>,
    left: usize,
    /// Removed (with the runs) when the rows have been read.
    space: Option<TempSpace>,
}

impl Sorted {
    /// The rows of `held` (sorted) and of `runs`, merged in `order`, at most `top`.
    fn new(
        held: Vec<MergedRow>,
        runs: &[PathBuf],
        order: RowOrder,
        top: Option<usize>,
    ) -> io::Result<Sorted> {
        let mut sources = Vec::with_capacity(runs.len() + 1);
        sources.push(Source::Held(held.into_iter()));
        for path in runs {
            sources.push(Source::Run(BufReader::with_capacity(1 << 16, File::open(path)?)));
        }
        let mut heap = BinaryHeap::with_capacity(sources.len());
        for (src, s) in sources.iter_mut().enumerate() {
            if let Some(row) = s.next()? {
                heap.push(Head { row, src, order });
            }
        }
        let left = top.unwrap_or(usize::MAX);
        Ok(Sorted { heap, sources, left, space: None })
    }

    /// The next row, or `None` after the last (or the `top`-th).
    pub fn next_row(&mut self) -> io::Result<Option<MergedRow>> {
        if self.left == 0 {
            return Ok(None);
        }
        let Some(Head { row, src, order }) = self.heap.pop() else {
            return Ok(None);
        };
        if let Some(next) = self.sources[src].next()? {
            self.heap.push(Head { row: next, src, order });
        }
        self.left -= 1;
        Ok(Some(row))
    }
}

enum Source {
    Held(std::vec::IntoIter<MergedRow>),
    Run(BufReader<File>),
}

impl Source {
    fn next(&mut self) -> io::Result<Option<MergedRow>> {
        match self {
            Source::Held(rows) => Ok(rows.next()),
            Source::Run(r) => decode(r),
        }
    }
}

/// A source's current row; the heap's top is the first in the table's order (then the first
/// source: rows of equal order are equal rows, which a merge never gives twice).
struct Head {
    row: MergedRow,
    src: usize,
    order: RowOrder,
}

impl Ord for Head {
    fn cmp(&self, other: &Self) -> Ordering {
        compare(&other.row, &self.row, self.order).then(other.src.cmp(&self.src))
    }
}

impl PartialOrd for Head {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Head {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Head {}

fn encode(row: &MergedRow, buf: &mut Vec<u8>) {
    buf.push(row.n);
    for v in [row.count, row.docs, row.variants] {
        buf.extend_from_slice(&v.to_le_bytes());
    }
    buf.extend_from_slice(&row.dp.to_bits().to_le_bytes());
    for text in [&row.phrase, &row.key] {
        buf.extend_from_slice(&(text.len() as u32).to_le_bytes());
        buf.extend_from_slice(text.as_bytes());
    }
    buf.extend_from_slice(&(row.per_doc.len() as u32).to_le_bytes());
    for &(d, c) in &row.per_doc {
        buf.extend_from_slice(&d.to_le_bytes());
        buf.extend_from_slice(&c.to_le_bytes());
    }
}

/// The next row of a run, or `None` at its end.
fn decode(r: &mut impl Read) -> io::Result<Option<MergedRow>> {
    let mut n = [0u8; 1];
    if r.read(&mut n)? == 0 {
        return Ok(None);
    }
    let mut u32s = [0u32; 3];
    for v in &mut u32s {
        *v = read_u32(r)?;
    }
    let mut dp = [0u8; 8];
    r.read_exact(&mut dp)?;
    let mut text = || -> io::Result<String> {
        let mut bytes = vec![0u8; read_u32(r)? as usize];
        r.read_exact(&mut bytes)?;
        String::from_utf8(bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    };
    let (phrase, key) = (text()?, text()?);
    let len = read_u32(r)? as usize;
    let mut per_doc = Vec::with_capacity(len);
    for _ in 0..len {
        per_doc.push((read_u32(r)?, read_u32(r)?));
    }
    let [count, docs, variants] = u32s;
    let dp = f64::from_bits(u64::from_le_bytes(dp));
    Ok(Some(MergedRow { phrase, key, n: n[0], count, docs, dp, variants, per_doc }))
}

fn read_u32(r: &mut impl Read) -> io::Result<u32> {
    let mut b = [0u8; 4];
    r.read_exact(&mut b)?;
    Ok(u32::from_le_bytes(b))
}
