//! One large record file (JSON Lines, CSV, TSV, each maybe gzipped; Parquet) read in pieces of about a
//! given number of bytes, cut at record boundaries, so that a file larger than the memory
//! budget is never held whole. The pieces give exactly the documents and problems that
//! reading the file whole gives ([`super::read_input`]): the same ids, dates and texts, the
//! same problems with the same line and record numbers, in the same order.
//!
//! A first pass over the file (its survey) finds what whole reading reports before any record,
//! without holding the file: a size over the cap, gzip that is corrupt or too large, binary
//! content, invalid UTF-8 (one problem for the file, naming the first bad byte), an empty file.
//! Then the file is read again a piece at a time: whole lines for JSON Lines, rows found by the
//! csv crate (a quoted field may hold newlines) for CSV and TSV, a batch of rows for Parquet
//! (its survey reads every batch once, to find a corrupt page first). Line and record numbers carry
//! from one piece to the next. Whole reading reports the problems of turning records into
//! documents (missing fields, empty texts) after all those of parsing the file, so those wait
//! for the last piece.
//!
//! A file in UTF-16 is read whole: [`streams`] says so before reading, so that the pipeline
//! checks it against the budget like any file read whole.

use std::io::{self, BufRead, BufReader, Read};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;
use rayon::prelude::*;

use super::dates::date_from_path;
use super::decode::{self, Lossy, Utf8Scan};
use super::format::{self, FileKind, Format};
use super::formats::{csv::Rows, jsonl, parquet};
use super::read::{self as whole, open_regular, read_problem};
use super::record::{Record, SourceInfo, to_document};
use super::{Input, Problem, ReadOptions, ReadResult, read_input};
use crate::table::input::{InputError, ParquetBatches};

/// The size of the blocks read from disk and from a decompressor.
const BLOCK: usize = 1 << 20;

/// How much of the start of a file tells binary from text (as [`decode::looks_binary`] does).
const SNIFF_LEN: usize = 8192;

/// A file's text as a stream: decompressed, its byte-order mark skipped, invalid UTF-8 replaced.
type Content = Box<dyn BufRead + Send>;

/// Whether `path` is a record file that can be read in pieces: JSON Lines, CSV or TSV by its
/// name (maybe gzipped) and not UTF-16 (by its first bytes), or Parquet not gzipped (a
/// batch of rows is found by seeking). A text file that cannot be opened or decompressed
/// streams: its survey reports it without reading it whole.
pub fn streams(path: &Path) -> bool {
    let Some(kind) = format::detect(path) else { return false };
    match kind.format {
        Format::JsonLines | Format::Csv | Format::Tsv => match content_head(path) {
            Some((_, head)) => decode::utf16_bom(&head).is_none(),
            None => true,
        },
        Format::Parquet => !kind.gzip && content_head(path).is_some_and(|(gzip, _)| !gzip),
        Format::Text | Format::Html | Format::Json => false,
    }
}

/// Whether a file's content is gzip, and its first two bytes (decompressed).
fn content_head(path: &Path) -> Option<(bool, Vec<u8>)> {
    let (file, _) = open_regular(path).ok()?;
    let mut file = BufReader::new(file);
    let gzip = decode::is_gzip(file.fill_buf().ok()?);
    let content: Box<dyn Read> =
        if gzip { Box::new(MultiGzDecoder::new(file)) } else { Box::new(file) };
    let mut head = Vec::new();
    content.take(2).read_to_end(&mut head).ok()?;
    Some((gzip, head))
}

/// A Parquet file's batches of rows, after a first pass that reads them all (and drops them):
/// reading the file whole reports a corrupt page with no document, so it must be found before
/// any piece is given.
fn survey_parquet(
    path: &Path,
    source: &str,
    cap: u64,
    bytes: u64,
) -> Result<ParquetBatches, Problem> {
    let (_, len) = open_regular(path).map_err(|e| read_problem(source, &e))?;
    if len > cap {
        return Err(read_problem(source, &whole::too_large(len, cap)));
    }
    let malformed = |e: InputError| {
        let (kind, message) = ("malformed Parquet", e.to_string());
        Problem::skipped(source, None, kind, message)
    };
    let mut batches = ParquetBatches::open(path, bytes).map_err(malformed)?;
    while let Some(batch) = batches.next_batch() {
        batch.map_err(malformed)?;
    }
    ParquetBatches::open(path, bytes).map_err(malformed)
}

/// What reading the file whole reports before its records.
enum Survey {
    /// The file is skipped with this problem.
    Skipped(Problem),
    /// UTF-16 text: read whole.
    Utf16,
    /// Text to read in pieces, with the invalid-UTF-8 problem if any.
    Text { gzip: bool, bom: bool, invalid: Option<Problem> },
}

/// One pass over the file at `path`, holding a block at a time.
fn survey(path: &Path, source: &str, named_gz: bool, cap: u64) -> Survey {
    scan(path, source, named_gz, cap).unwrap_or_else(Survey::Skipped)
}

fn scan(path: &Path, source: &str, named_gz: bool, cap: u64) -> Result<Survey, Problem> {
    let unreadable = |e: io::Error| read_problem(source, &e);
    let (file, len) = open_regular(path).map_err(unreadable)?;
    if len > cap {
        return Err(read_problem(source, &whole::too_large(len, cap)));
    }
    let mut file = BufReader::with_capacity(BLOCK, file);
    let gzip = decode::is_gzip(file.fill_buf().map_err(unreadable)?);
    if named_gz && !gzip {
        return Err(whole::not_gzip(source));
    }
    let mut content: Box<dyn Read> =
        if gzip { Box::new(MultiGzDecoder::new(file)) } else { Box::new(file) };
    let failed = |e: io::Error| if gzip { whole::gzip_problem(source, &e) } else { unreadable(e) };
    let (mut text, mut head, mut total) = (Utf8Scan::default(), Vec::new(), 0u64);
    let mut block = vec![0; BLOCK];
    loop {
        let n = read_block(&mut content, &mut block).map_err(failed)?;
        if n == 0 {
            break;
        }
        total += n as u64;
        if gzip && total > cap {
            return Err(whole::gzip_problem(source, &decode::gunzip_too_large(cap)));
        }
        if head.len() < SNIFF_LEN {
            head.extend_from_slice(&block[..n.min(SNIFF_LEN - head.len())]);
        }
        text.feed(&block[..n], false);
    }
    text.feed(&[], true);
    if decode::utf16_bom(&head).is_some() {
        return Ok(Survey::Utf16);
    }
    if decode::looks_binary(&head) {
        return Err(whole::binary_file(source));
    }
    let bom = head.starts_with(b"\xef\xbb\xbf");
    if !text.nonblank {
        return Err(whole::empty_file(source, total == if bom { 3 } else { 0 }));
    }
    Ok(Survey::Text { gzip, bom, invalid: text.problem(source) })
}

/// Fill `block` from `reader` (less only at the end).
fn read_block(reader: &mut impl Read, block: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < block.len() {
        match reader.read(&mut block[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// The file's text, read again after its survey.
fn open_content(path: &Path, gzip: bool, bom: bool, lossy: bool) -> io::Result<Content> {
    let (file, _) = open_regular(path)?;
    let mut raw: Box<dyn Read + Send> =
        if gzip { Box::new(MultiGzDecoder::new(BufReader::new(file))) } else { Box::new(file) };
    if bom {
        io::copy(&mut raw.by_ref().take(3), &mut io::sink())?;
    }
    // Decoding every block is only needed where the survey found invalid UTF-8.
    let raw: Box<dyn Read + Send> = if lossy { Box::new(Lossy::new(raw)) } else { raw };
    Ok(Box::new(BufReader::with_capacity(BLOCK, raw)))
}

/// Where the reading of a file is.
enum State {
    /// Not opened yet: the survey comes with the first piece.
    Start,
    /// JSON Lines: the next line's number and the entries seen so far.
    Lines { content: Content, line: u64, count: usize },
    /// CSV or TSV, after the header.
    Rows(Rows<Content>),
    /// Parquet.
    Table(ParquetBatches),
    /// Every piece was given.
    Done,
}

/// How a piece ended.
enum Step {
    /// More pieces follow.
    More,
    /// The file's records ended: the held-back problems follow, and the no-records check.
    Ended,
    /// The file was skipped (or read whole): nothing follows.
    Over,
}

/// Reads one record file a piece at a time ([`PieceReader::next_piece`] until
/// [`PieceReader::done`]).
pub struct PieceReader {
    path: PathBuf,
    kind: FileKind,
    src: SourceInfo,
    opts: ReadOptions,
    piece_bytes: u64,
    state: State,
    /// Problems turning records into documents, given with the last piece.
    deferred: Vec<Problem>,
    /// Documents and problems given so far.
    given: usize,
}

impl PieceReader {
    /// A reader of the file at `path` (one that [`streams`]) in pieces of about `piece_bytes`
    /// of text. Nothing is read until the first piece.
    pub fn open(path: &Path, opts: &ReadOptions, piece_bytes: u64) -> Self {
        let kind = format::detect(path).unwrap_or(FileKind { format: Format::Text, gzip: false });
        let src = SourceInfo {
            display: path.display().to_string(),
            stem: format::stem(path),
            path_date: date_from_path(path),
            multi: true,
        };
        PieceReader {
            path: path.to_path_buf(),
            kind,
            src,
            opts: opts.clone(),
            piece_bytes: piece_bytes.max(1),
            state: State::Start,
            deferred: Vec::new(),
            given: 0,
        }
    }

    /// Whether the last piece was given.
    pub fn done(&self) -> bool {
        matches!(self.state, State::Done)
    }

    /// The documents and problems of the next piece (nothing once [`PieceReader::done`]).
    pub fn next_piece(&mut self) -> ReadResult {
        let mut out = ReadResult::default();
        if self.done() {
            return out;
        }
        let step = catch_unwind(AssertUnwindSafe(|| self.piece(&mut out)));
        let step = step.unwrap_or_else(|_| {
            out.problems.push(whole::internal_error(&self.src.display));
            Step::Over
        });
        match step {
            Step::More => {}
            Step::Ended => {
                self.state = State::Done;
                out.problems.append(&mut self.deferred);
                // A header-only CSV gave nothing: say so rather than lose it.
                if self.given + out.docs.len() + out.problems.len() == 0 {
                    out.problems.push(whole::no_records(&self.src.display));
                }
            }
            Step::Over => self.state = State::Done,
        }
        self.given += out.docs.len() + out.problems.len();
        out
    }

    fn piece(&mut self, out: &mut ReadResult) -> Step {
        if let State::Start = self.state
            && let Some(step) = self.start(out)
        {
            return step;
        }
        let (display, opts) = (self.src.display.as_str(), &self.opts);
        let mut records = Vec::new();
        let read = match &mut self.state {
            State::Lines { content, line, count } => {
                let piece = lines(content, line, count, self.piece_bytes, display, opts, out);
                piece.map(|(piece, more)| {
                    records = piece;
                    more
                })
            }
            State::Rows(rows) => {
                let until = rows.position().saturating_add(self.piece_bytes);
                Ok(rows.read(until, display, opts, &mut out.problems, &mut records))
            }
            State::Table(batches) => {
                let first = batches.position();
                match batches.next_batch() {
                    Some(Ok(table)) => records = parquet::records(table, first),
                    Some(Err(e)) => {
                        let (kind, message) = ("malformed Parquet", e.to_string());
                        out.problems.push(Problem::skipped(display, None, kind, message));
                    }
                    None => {}
                }
                Ok(!batches.finished())
            }
            State::Start | State::Done => unreachable!("a piece is read from an open file"),
        };
        self.convert(records, out);
        match read {
            Ok(true) => Step::More,
            Ok(false) => Step::Ended,
            Err(e) => {
                out.problems.push(read_problem(&self.src.display, &e));
                Step::Ended
            }
        }
    }

    /// Survey and open the file; a step when it ends before any piece.
    fn start(&mut self, out: &mut ReadResult) -> Option<Step> {
        let cap = self.opts.max_bytes();
        if self.kind.format == Format::Parquet {
            match survey_parquet(&self.path, &self.src.display, cap, self.piece_bytes) {
                Ok(batches) => self.state = State::Table(batches),
                Err(problem) => {
                    out.problems.push(problem);
                    return Some(Step::Over);
                }
            }
            return None;
        }
        let (gzip, bom, invalid) = match survey(&self.path, &self.src.display, self.kind.gzip, cap)
        {
            Survey::Skipped(problem) => {
                out.problems.push(problem);
                return Some(Step::Over);
            }
            Survey::Utf16 => {
                *out = read_input(&Input::File(self.path.clone()), &self.opts);
                return Some(Step::Over);
            }
            Survey::Text { gzip, bom, invalid } => (gzip, bom, invalid),
        };
        let lossy = invalid.is_some();
        out.problems.extend(invalid);
        let content = match open_content(&self.path, gzip, bom, lossy) {
            Ok(content) => content,
            Err(e) => {
                out.problems.push(read_problem(&self.src.display, &e));
                return Some(Step::Ended);
            }
        };
        let delimiter = match self.kind.format {
            Format::Tsv => b'\t',
            Format::Csv => b',',
            _ => {
                self.state = State::Lines { content, line: 1, count: 0 };
                return None;
            }
        };
        match Rows::new(content, delimiter, &self.src.display, &mut out.problems) {
            Some(rows) => self.state = State::Rows(rows),
            None => return Some(Step::Ended),
        }
        None
    }

    /// Turn records into documents (in parallel: cleaning is most of the reading's work),
    /// holding their problems back for the last piece.
    fn convert(&mut self, records: Vec<Record>, out: &mut ReadResult) {
        let (src, opts) = (&self.src, &self.opts);
        let converted: Vec<_> = records
            .into_par_iter()
            .map(|record| {
                let mut problems = Vec::new();
                (to_document(record, src, opts, &mut problems), problems)
            })
            .collect();
        for (doc, problems) in converted {
            out.docs.extend(doc);
            self.deferred.extend(problems);
        }
    }
}

/// The records of the next piece of whole lines of JSON Lines (at least `piece_bytes` of them,
/// unless the file ends), and whether more follow.
fn lines(
    content: &mut Content,
    line: &mut u64,
    count: &mut usize,
    piece_bytes: u64,
    source: &str,
    opts: &ReadOptions,
    out: &mut ReadResult,
) -> io::Result<(Vec<Record>, bool)> {
    let mut bytes = Vec::with_capacity(piece_bytes.min(1 << 28) as usize);
    while (bytes.len() as u64) < piece_bytes {
        if content.read_until(b'\n', &mut bytes)? == 0 {
            break;
        }
    }
    let more = !content.fill_buf()?.is_empty();
    // The content is valid UTF-8 (repaired by `Lossy` where it was not), unless the file
    // changed since its survey.
    let text = String::from_utf8(bytes)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    // Lines are parsed in parallel parts; a part's record numbers go on from the entries of
    // the parts before it (problems name lines, which each part knows from its first).
    let parts = split_lines(&text, *line, (piece_bytes / 8).max(1) as usize);
    let parsed: Vec<_> = parts
        .into_par_iter()
        .map(|(part, first)| {
            let (mut problems, mut entries) = (Vec::new(), 0);
            let records =
                jsonl::parse_lines(part, first, &mut entries, source, opts, &mut problems);
            (records, problems, entries)
        })
        .collect();
    let mut records = Vec::new();
    for (part, problems, entries) in parsed {
        records.extend(part.into_iter().map(|r| Record { number: r.number + *count, ..r }));
        out.problems.extend(problems);
        *count += entries;
    }
    *line += memchr::memchr_iter(b'\n', text.as_bytes()).count() as u64;
    Ok((records, more))
}

/// `text` cut after a newline every `bytes` or so, each part with the number of its first line
/// (`first` for the first part).
fn split_lines(text: &str, first: u64, bytes: usize) -> Vec<(&str, u64)> {
    let mut parts = Vec::new();
    let (mut start, mut line) = (0, first);
    while start < text.len() {
        let end = match text.as_bytes().get(start + bytes..) {
            Some(rest) => {
                memchr::memchr(b'\n', rest).map_or(text.len(), |at| start + bytes + at + 1)
            }
            None => text.len(),
        };
        let part = &text[start..end];
        parts.push((part, line));
        line += memchr::memchr_iter(b'\n', part.as_bytes()).count() as u64;
        start = end;
    }
    parts
}

#[cfg(test)]
mod tests;
