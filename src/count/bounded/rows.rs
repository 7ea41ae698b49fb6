//! Rows of the bounded counter, their order, sorted runs on disk and the k-way merge.
//!
//! A [`Row`] is a reported n-gram with its numbers and its display form as surface ids (the
//! key of every word follows from its surface). Rows sort by a [`SortKey`] that mirrors
//! [`crate::count::RowOrder`] exactly: the primary measure, then count (largest first), then
//! the key's words in the byte order of their strings, a phrase before its extensions, which
//! is the byte order of the space-joined key (words hold no character below the space).
//!
//! A run file is a sequence of rows in sort order: `n` (u8), count, docs, variants (u32),
//! DP_norm (f64 bits), then `n` surface ids (u32), little-endian. The ids are this run's
//! vocabulary's: runs live and die inside one process, in its temporary folder.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};

use crate::budget::TempSpace;
use crate::count::RowOrder;

/// Longest n-gram counted.
pub const MAX_N: usize = 8;

/// One reported n-gram.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Row {
    /// Length.
    pub n: u8,
    /// Occurrences.
    pub count: u32,
    /// Documents holding it.
    pub docs: u32,
    /// Distinct surface forms.
    pub variants: u32,
    /// DP_norm (NaN when undefined).
    pub dp: f64,
    /// Surface ids of the display form (`n` of them).
    pub display: [u32; MAX_N],
}

impl Row {
    /// The display form's surface ids.
    pub fn words(&self) -> &[u32] {
        &self.display[..self.n as usize]
    }
}

/// What ordering needs to know about the vocabulary.
#[derive(Clone, Copy)]
pub struct Ranks<'a> {
    /// Key id of each surface id.
    pub surface_keys: &'a [u32],
    /// Rank of each key id in the byte order of key strings.
    pub key_rank: &'a [u32],
    /// Rank of each surface id in the byte order of surface strings.
    pub surface_rank: &'a [u32],
}

/// Where a row sorts; compared field by field.
///
/// For [`RowOrder::Phrase`] the words are the display phrase's and the count is left out:
/// display phrases are unique (a surface n-gram has one key), so they order rows alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct SortKey {
    /// Documents (complemented) or DP bits (NaN last); 0 for the other orders.
    primary: u64,
    /// Count, complemented: largest first.
    count: u32,
    /// The key's (or display phrase's) word ranks + 1, zero-padded: a phrase sorts before
    /// its extensions.
    words: [u32; MAX_N],
}

impl SortKey {
    /// The key of `row` in `order`.
    pub fn of(row: &Row, order: RowOrder, r: Ranks) -> SortKey {
        let words = match order {
            RowOrder::Phrase => {
                let mut words = [0u32; MAX_N];
                for (i, &s) in row.words().iter().enumerate() {
                    words[i] = r.surface_rank[s as usize] + 1;
                }
                words
            }
            _ => key_words(row, r),
        };
        let (primary, count) = match order {
            RowOrder::Count => (0, !row.count),
            RowOrder::Phrase => (0, 0),
            RowOrder::Docs => (!(row.docs as u64), !row.count),
            RowOrder::Dp if row.dp.is_nan() => (u64::MAX, !row.count),
            RowOrder::Dp => (row.dp.to_bits(), !row.count),
        };
        SortKey { primary, count, words }
    }
}

/// The ranks + 1 of a row's key words, zero-padded: compared as arrays, the byte order of
/// the space-joined keys (a phrase before its extensions), as the counter in memory orders
/// its keys across all lengths.
pub fn key_words(row: &Row, r: Ranks) -> [u32; MAX_N] {
    let mut words = [0u32; MAX_N];
    for (i, &s) in row.words().iter().enumerate() {
        words[i] = r.key_rank[r.surface_keys[s as usize] as usize] + 1;
    }
    words
}

/// Bytes a row holds while it waits to be sorted (itself, then its key and index).
pub const ROW_BYTES: u64 =
    (std::mem::size_of::<Row>() + std::mem::size_of::<(SortKey, u32)>()) as u64;

/// The order of `rows` (indices) in `order`, the first `limit` of them.
pub fn sorted_order(rows: &[Row], order: RowOrder, r: Ranks, limit: Option<usize>) -> Vec<u32> {
    use rayon::prelude::*;
    let mut keyed: Vec<(SortKey, u32)> = rows
        .par_iter()
        .enumerate()
        .map(|(i, row)| (SortKey::of(row, order, r), i as u32))
        .collect();
    if let Some(k) = limit.filter(|&k| k < keyed.len()) {
        if k > 0 {
            keyed.select_nth_unstable_by(k - 1, |a, b| a.0.cmp(&b.0));
        }
        keyed.truncate(k);
    }
    keyed.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    keyed.into_iter().map(|(_, i)| i).collect()
}

/// Sort rows in `order` and keep the first `limit`.
pub fn sort_rows(rows: &mut Vec<Row>, order: RowOrder, r: Ranks, limit: Option<usize>) {
    let order = sorted_order(rows, order, r, limit);
    *rows = order.into_iter().map(|i| rows[i as usize]).collect();
}

/// Write rows to a new run file in `space`, in the order of `order` (indices).
pub fn write_run(space: &TempSpace, rows: &[Row], order: &[u32]) -> io::Result<RunFile> {
    let (file, path) = space.create("run")?;
    let mut w = BufWriter::with_capacity(1 << 20, file);
    let mut buf = Vec::with_capacity(64);
    for row in order.iter().map(|&i| &rows[i as usize]) {
        buf.clear();
        encode(row, &mut buf);
        w.write_all(&buf)?;
    }
    w.flush()?;
    let bytes = w.get_ref().metadata()?.len();
    Ok(RunFile { path, rows: order.len(), bytes })
}

/// Append `row` to `buf` in the run format.
#[inline]
pub fn encode(row: &Row, buf: &mut Vec<u8>) {
    buf.push(row.n);
    for v in [row.count, row.docs, row.variants] {
        buf.extend_from_slice(&v.to_le_bytes());
    }
    buf.extend_from_slice(&row.dp.to_bits().to_le_bytes());
    for &s in row.words() {
        buf.extend_from_slice(&s.to_le_bytes());
    }
}

/// Read one row in the run format from `r`.
#[inline]
pub fn decode(r: &mut impl Read) -> io::Result<Row> {
    let mut head = [0u8; 21];
    r.read_exact(&mut head)?;
    let u = |i: usize| u32::from_le_bytes(head[i..i + 4].try_into().expect("4 bytes"));
    let n = head[0];
    if n == 0 || n as usize > MAX_N {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "run file damaged"));
    }
    let dp = f64::from_bits(u64::from_le_bytes(head[13..21].try_into().expect("8 bytes")));
    let mut words = [0u8; 4 * MAX_N];
    r.read_exact(&mut words[..4 * n as usize])?;
    let mut display = [0u32; MAX_N];
    for (i, d) in display.iter_mut().take(n as usize).enumerate() {
        *d = u32::from_le_bytes(words[4 * i..4 * i + 4].try_into().expect("4 bytes"));
    }
    Ok(Row { n, count: u(1), docs: u(5), variants: u(9), dp, display })
}

/// A run written to disk.
#[derive(Debug, Clone)]
pub struct RunFile {
    /// Its path in the temporary folder.
    pub path: std::path::PathBuf,
    /// Rows in it.
    pub rows: usize,
    /// Its size.
    pub bytes: u64,
}

/// Rows read back from a run file, in order.
pub struct RunReader {
    r: BufReader<File>,
    left: usize,
}

impl RunReader {
    /// Open `run`.
    pub fn open(run: &RunFile) -> io::Result<RunReader> {
        let r = BufReader::with_capacity(1 << 16, File::open(&run.path)?);
        Ok(RunReader { r, left: run.rows })
    }

    /// The next row, if any.
    pub fn next_row(&mut self) -> io::Result<Option<Row>> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        decode(&mut self.r).map(Some)
    }
}

/// Where counted rows go: held until they pass their share of the budget, then sorted and
/// written to a run; at the end, the sorted sources for the merge.
pub struct Sink<'a> {
    space: &'a TempSpace,
    order: RowOrder,
    ranks: Ranks<'a>,
    limit: Option<usize>,
    /// Rows held at most.
    cap: usize,
    pending: Vec<Row>,
    runs: Vec<RunFile>,
    /// Rows reported, per n (index n − 1), before `--top`.
    pub distinct: Vec<u64>,
}

impl<'a> Sink<'a> {
    /// A sink holding at most `bytes` of rows before it writes a run.
    pub fn new(
        space: &'a TempSpace,
        order: RowOrder,
        ranks: Ranks<'a>,
        limit: Option<usize>,
        bytes: u64,
    ) -> Self {
        let cap = (bytes / ROW_BYTES).max(1) as usize;
        let distinct = vec![0; MAX_N];
        Sink { space, order, ranks, limit, cap, pending: Vec::new(), runs: Vec::new(), distinct }
    }

    /// Take `rows`.
    pub fn add(&mut self, rows: Vec<Row>) -> io::Result<()> {
        for r in &rows {
            self.distinct[r.n as usize - 1] += 1;
        }
        if !self.pending.is_empty() && self.pending.len() + rows.len() > self.cap {
            self.flush()?;
        }
        if self.pending.is_empty() && rows.len() >= self.cap {
            self.pending = rows;
            return self.flush();
        }
        grow(&mut self.pending, rows.len(), self.cap);
        self.pending.extend(rows);
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        let order = sorted_order(&self.pending, self.order, self.ranks, self.limit);
        self.runs.push(write_run(self.space, &self.pending, &order)?);
        self.pending.clear();
        Ok(())
    }

    /// The runs written (and the rows still held, sorted) as sources for the merge.
    pub fn finish(mut self) -> io::Result<(Vec<Source>, Vec<RunFile>)> {
        let mut sources = Vec::new();
        if !self.runs.is_empty() && !self.pending.is_empty() {
            self.flush()?;
        }
        for run in &self.runs {
            sources.push(Source::Disk(RunReader::open(run)?));
        }
        if !self.pending.is_empty() {
            sort_rows(&mut self.pending, self.order, self.ranks, self.limit);
            sources.push(Source::Memory(std::mem::take(&mut self.pending).into_iter()));
        }
        Ok((sources, self.runs))
    }
}

/// Make room in `held` for `more` items, doubling up to `cap` items at most. Not the whole
/// `cap` at once: a budget larger than the machine's memory (a user may give one) would ask
/// for more address space than the system grants. Large vectors grow by `mremap`, without a
/// copy held beside the old one.
pub fn grow<T>(held: &mut Vec<T>, more: usize, cap: usize) {
    let need = held.len() + more;
    if need > held.capacity() {
        let room = need.max(held.capacity() * 2).max(1 << 12).min(cap.max(need));
        held.reserve_exact(room - held.len());
    }
}

impl super::Collect<Row> for Sink<'_> {
    fn add(&mut self, rows: Vec<Row>) -> io::Result<()> {
        Sink::add(self, rows)
    }
}

/// A sorted source of rows for the merge: rows still in memory, or a run on disk.
pub enum Source {
    /// Rows in memory, in order.
    Memory(std::vec::IntoIter<Row>),
    /// A run file.
    Disk(RunReader),
}

impl Source {
    fn next_row(&mut self) -> io::Result<Option<Row>> {
        match self {
            Source::Memory(rows) => Ok(rows.next()),
            Source::Disk(r) => r.next_row(),
        }
    }
}

struct Head {
    key: SortKey,
    row: Row,
    source: usize,
}

impl PartialEq for Head {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Head {}
impl PartialOrd for Head {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Head {
    // Reversed: `BinaryHeap` is a max-heap and the merge wants the smallest key first.
    fn cmp(&self, other: &Self) -> Ordering {
        other.key.cmp(&self.key).then(other.source.cmp(&self.source))
    }
}

/// The k-way merge of sorted sources into one sorted stream of rows.
pub struct Merge<'a> {
    sources: Vec<Source>,
    heap: BinaryHeap<Head>,
    order: RowOrder,
    ranks: Ranks<'a>,
}

impl<'a> Merge<'a> {
    /// Merge `sources`, each sorted in `order`.
    pub fn new(mut sources: Vec<Source>, order: RowOrder, ranks: Ranks<'a>) -> io::Result<Self> {
        let mut heap = BinaryHeap::with_capacity(sources.len());
        for (source, s) in sources.iter_mut().enumerate() {
            if let Some(row) = s.next_row()? {
                heap.push(Head { key: SortKey::of(&row, order, ranks), row, source });
            }
        }
        Ok(Merge { sources, heap, order, ranks })
    }

    /// The next row in order.
    pub fn next_row(&mut self) -> io::Result<Option<Row>> {
        let Some(Head { row, source, .. }) = self.heap.pop() else {
            return Ok(None);
        };
        if let Some(next) = self.sources[source].next_row()? {
            let key = SortKey::of(&next, self.order, self.ranks);
            self.heap.push(Head { key, row: next, source });
        }
        Ok(Some(row))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(n: u8, count: u32, words: &[u32]) -> Row {
        let mut display = [0; MAX_N];
        display[..words.len()].copy_from_slice(words);
        Row { n, count, docs: count, variants: 1, dp: f64::NAN, display }
    }

    #[test]
    fn runs_read_back_and_merge_in_order() {
        // Surface = key; ranks: 0 "b" 1, 1 "a" 0, 2 "c" 2.
        let (keys, rank) = ([0, 1, 2], [1, 0, 2]);
        let ranks = Ranks { surface_keys: &keys, key_rank: &rank, surface_rank: &rank };
        let space = TempSpace::new(None).unwrap();
        let mut a = vec![row(1, 3, &[0]), row(2, 3, &[1, 0]), row(1, 1, &[2])];
        let mut b = vec![row(1, 3, &[1]), row(2, 2, &[2, 2]), row(2, 1, &[1, 2])];
        sort_rows(&mut a, RowOrder::Count, ranks, None);
        sort_rows(&mut b, RowOrder::Count, ranks, None);
        let run = write_run(&space, &a, &(0..a.len() as u32).collect::<Vec<_>>()).unwrap();
        let sources =
            vec![Source::Disk(RunReader::open(&run).unwrap()), Source::Memory(b.into_iter())];
        let mut merge = Merge::new(sources, RowOrder::Count, ranks).unwrap();
        let mut got = Vec::new();
        while let Some(r) = merge.next_row().unwrap() {
            got.push(r.words().to_vec());
        }
        // Count 3: a < "a b" < b; then "c c" (2); then count 1: "a c" < c.
        assert_eq!(got, [vec![1], vec![1, 0], vec![0], vec![2, 2], vec![1, 2], vec![2]]);
    }
}
