//! Reading one input into documents: bytes from disk, stdin or the bundled sample;
//! decompression; the format's parser; records turned into documents.
//!
//! [`read_input`] never fails and never panics on bad input: unreadable, binary, empty and
//! malformed files become [`Problem`]s. It holds no shared state, so any number of threads
//! may call it at once.
//!
//! Every input is read through a size cap ([`ReadOptions::max_file_bytes`], by default
//! [`DEFAULT_MAX_FILE_BYTES`]), decompressed `.gz` content included: a file over it is
//! skipped as `too large` instead of filling memory until the kernel kills the run (a link
//! to `/dev/zero` once grew to 24 GB). Special files (FIFOs, devices) are never opened:
//! opening a FIFO waits for a writer forever.

use std::io::{self, Read};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::{Arc, Mutex};

use super::dates::date_from_path;
use super::format::{self, FileKind, Format};
use super::formats::{self, Parsed};
use super::record::{SourceInfo, to_document};
use super::{Input, Problem, ReadOptions, ReadResult, SAMPLE_TEXT, decode};
use crate::table::input::read_parquet_bytes;

/// The default size cap of one input file (and of the decompressed content of a `.gz`):
/// 2 GiB. A text that size needs several times as much memory once analysed.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 2 << 30;

/// Read one input: its documents in file order and the problems met.
pub fn read_input(input: &Input, opts: &ReadOptions) -> ReadResult {
    let mut result = ReadResult::default();
    let source = match input {
        Input::File(path) => path.display().to_string(),
        Input::Stdin => "-".to_string(),
        Input::Sample => "<sample>".to_string(),
    };
    // A bug on one strange file must not end a run over thousands: report it instead.
    let outcome = catch_unwind(AssertUnwindSafe(|| read_any(input, &source, opts, &mut result)));
    if outcome.is_err() {
        result.problems.push(internal_error(&source));
    }
    result
}

/// The problem for an input whose reading panicked.
pub(super) fn internal_error(source: &str) -> Problem {
    let message = "reading this input panicked; please report it".into();
    Problem::skipped(source, None, "internal error", message)
}

fn read_any(input: &Input, source: &str, opts: &ReadOptions, out: &mut ReadResult) {
    match input {
        Input::File(path) => read_file(path, source, opts, out),
        Input::Stdin => {
            let cap = opts.max_bytes();
            let read = opts.stdin.take().unwrap_or_else(|| read_capped(io::stdin().lock(), cap, 0));
            let bytes = match read {
                Ok(bytes) => bytes,
                Err(e) => return out.problems.push(read_problem(source, &e)),
            };
            let src = SourceInfo {
                display: source.into(),
                stem: "stdin".into(),
                path_date: None,
                multi: false,
            };
            read_bytes(bytes, None, false, src, opts, out);
        }
        Input::Sample => {
            let src = SourceInfo {
                display: source.into(),
                stem: "seed".into(),
                path_date: None,
                multi: false,
            };
            let bytes = SAMPLE_TEXT.as_bytes().to_vec();
            read_bytes(bytes, Some(Format::Text), false, src, opts, out);
        }
    }
}

fn read_file(path: &Path, source: &str, opts: &ReadOptions, out: &mut ReadResult) {
    // A file named explicitly with an unknown extension is read as plain text.
    let kind = format::detect(path).unwrap_or(FileKind { format: Format::Text, gzip: false });
    let cap = opts.max_bytes();
    let bytes = match open_regular(path).and_then(|(f, len)| read_capped(f, cap, len)) {
        Ok(bytes) => bytes,
        Err(e) => return out.problems.push(read_problem(source, &e)),
    };
    let src = SourceInfo {
        display: source.to_string(),
        stem: format::stem(path),
        path_date: date_from_path(path),
        multi: false,
    };
    read_bytes(bytes, Some(kind.format), kind.gzip, src, opts, out);
}

/// Open a regular file (links followed), with its length; a special file is an error that
/// is not opened at all (opening a FIFO blocks until someone writes to it).
pub(super) fn open_regular(path: &Path) -> io::Result<(std::fs::File, u64)> {
    let meta = std::fs::metadata(path)?;
    if let Some(what) = super::walk::special_kind(&meta) {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("{what}, not read")));
    }
    Ok((std::fs::File::open(path)?, meta.len()))
}

/// Standard input read ahead of the corpus (by the pipeline, which must know its size before
/// it decides where the corpus goes); the first read of `-` takes it. Empty: `-` is read
/// from standard input when its turn comes.
#[derive(Clone, Default)]
pub struct StdinAhead(Arc<Mutex<Option<io::Result<Vec<u8>>>>>);

impl StdinAhead {
    /// Read standard input now, at most `cap` bytes (`max` being `--max-file-size`): its
    /// bytes (or the error, kept for the reader to report), or `None` when it holds more than
    /// `cap` < `max`.
    pub fn read(cap: u64, max: u64) -> Option<(StdinAhead, u64)> {
        let read = read_capped(io::stdin().lock(), cap.min(max), 0);
        let len = match &read {
            Ok(bytes) => bytes.len() as u64,
            Err(e) if e.kind() == io::ErrorKind::FileTooLarge && cap < max => return None,
            Err(_) => 0,
        };
        Some((StdinAhead(Arc::new(Mutex::new(Some(read)))), len))
    }

    fn take(&self) -> Option<io::Result<Vec<u8>>> {
        self.0.lock().map_or(None, |mut ahead| ahead.take())
    }
}

impl std::fmt::Debug for StdinAhead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StdinAhead")
    }
}

/// All of `reader`, or a `FileTooLarge` error once it passes `cap` bytes. `len` is the
/// expected length (0 when unknown), to allocate once.
fn read_capped(reader: impl Read, cap: u64, len: u64) -> io::Result<Vec<u8>> {
    if len > cap {
        return Err(too_large(len, cap));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    reader.take(cap.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(too_large(bytes.len() as u64, cap));
    }
    Ok(bytes)
}

pub(super) fn too_large(seen: u64, cap: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::FileTooLarge,
        format!("{seen} bytes or more, over the limit of {cap} bytes (--max-file-size)"),
    )
}

/// The problem for an input that could not be read.
pub(super) fn read_problem(source: &str, e: &io::Error) -> Problem {
    let kind = match e.kind() {
        io::ErrorKind::FileTooLarge => "too large",
        io::ErrorKind::InvalidInput => "special file",
        _ => "unreadable file",
    };
    Problem::skipped(source, None, kind, e.to_string())
}

/// Decompress, parse and convert. `format` is `None` for stdin, whose format is sniffed;
/// `named_gz` says the file's name ends in `.gz`, so its content must be gzip.
fn read_bytes(
    bytes: Vec<u8>,
    format: Option<Format>,
    named_gz: bool,
    mut src: SourceInfo,
    opts: &ReadOptions,
    out: &mut ReadResult,
) {
    let (docs_before, problems_before) = (out.docs.len(), out.problems.len());
    let problems = &mut out.problems;
    let bytes = if decode::is_gzip(&bytes) {
        match decode::gunzip(&bytes, opts.max_bytes()) {
            Ok(inner) => inner,
            Err(e) => return problems.push(gzip_problem(&src.display, &e)),
        }
    } else if named_gz {
        return problems.push(not_gzip(&src.display));
    } else {
        bytes
    };
    let parsed =
        if format == Some(Format::Parquet) || (format.is_none() && bytes.starts_with(b"PAR1")) {
            match read_parquet_bytes(bytes) {
                Ok(table) => formats::parquet::parse(table),
                Err(e) => {
                    return problems.push(Problem::skipped(
                        &src.display,
                        None,
                        "malformed Parquet",
                        e.to_string(),
                    ));
                }
            }
        } else {
            match decode_checked(bytes, &src.display, problems) {
                Some(text) => parse_text(text, format, &src.display, opts, problems),
                None => return,
            }
        };
    src.multi = parsed.multi;
    for record in parsed.records {
        if let Some(doc) = to_document(record, &src, opts, problems) {
            out.docs.push(doc);
        }
    }
    // A header-only CSV or an empty JSON array gave nothing: say so rather than lose it.
    if out.docs.len() == docs_before && out.problems.len() == problems_before {
        out.problems.push(no_records(&src.display));
    }
}

/// The problem for gzip content that could not be decompressed within the cap.
pub(super) fn gzip_problem(source: &str, e: &io::Error) -> Problem {
    let kind = match e.kind() {
        io::ErrorKind::FileTooLarge => "too large",
        _ => "corrupt gzip",
    };
    Problem::skipped(source, None, kind, e.to_string())
}

/// The problem for a file named `.gz` whose content is not gzip: reading it as text would
/// pass off whatever it is as the document.
pub(super) fn not_gzip(source: &str) -> Problem {
    let message = "the name ends in .gz but the content is not gzip-compressed; rename the file \
                   without .gz to read it as it is";
    Problem::skipped(source, None, "not gzip", message.into())
}

/// The problem for a file that is not text.
pub(super) fn binary_file(source: &str) -> Problem {
    Problem::skipped(source, None, "binary file", "not text (NUL or control bytes)".into())
}

/// The problem for a file that holds no text.
pub(super) fn empty_file(source: &str, empty: bool) -> Problem {
    let what = if empty { "the file is empty" } else { "the file holds only whitespace" };
    Problem::skipped(source, None, "empty file", what.into())
}

/// The problem for a file that holds nothing but text without records.
pub(super) fn no_records(source: &str) -> Problem {
    let message = "the file holds no records".to_string();
    Problem::skipped(source, None, "no records", message)
}

/// Bytes to text, or `None` (with a problem) for binary and empty files.
fn decode_checked(bytes: Vec<u8>, source: &str, problems: &mut Vec<Problem>) -> Option<String> {
    if decode::looks_binary(&bytes) {
        problems.push(binary_file(source));
        return None;
    }
    let text = decode::decode_text(bytes, source, problems);
    if text.trim().is_empty() {
        problems.push(empty_file(source, text.is_empty()));
        return None;
    }
    Some(text)
}

fn parse_text(
    text: String,
    format: Option<Format>,
    source: &str,
    opts: &ReadOptions,
    problems: &mut Vec<Problem>,
) -> Parsed {
    match format {
        Some(Format::Text) => formats::text::parse(text),
        Some(Format::Html) => formats::html::parse(&text),
        Some(Format::Json) => formats::json::parse(&text, source, opts, problems),
        Some(Format::JsonLines) => formats::jsonl::parse(&text, source, opts, problems),
        Some(Format::Csv) => formats::csv::parse(&text, b',', source, opts, problems),
        Some(Format::Tsv) => formats::csv::parse(&text, b'\t', source, opts, problems),
        Some(Format::Parquet) => unreachable!("Parquet is read from bytes"),
        None => sniff(text, source, opts, problems),
    }
}

/// Stdin: JSON if it starts with `[` or `{` (else JSON Lines if its first line is JSON), and
/// plain text otherwise, or when neither parses.
fn sniff(text: String, source: &str, opts: &ReadOptions, problems: &mut Vec<Problem>) -> Parsed {
    if text.trim_start().starts_with(['[', '{']) {
        if let Ok(value) = serde_json::from_str(&text) {
            return formats::json::parse_value(value, source, opts, problems);
        }
        if formats::jsonl::first_line_is_json(&text) {
            return formats::jsonl::parse(&text, source, opts, problems);
        }
    }
    formats::text::parse(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{Action, Document, list_inputs};
    use std::fs;
    use std::path::PathBuf;

    /// Write `bytes` to `name` in a fresh folder and read it with default options.
    fn read_bytes_as(name: &str, bytes: &[u8]) -> (ReadResult, tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        fs::write(&path, bytes).unwrap();
        (read_input(&Input::File(path.clone()), &ReadOptions::default()), dir, path)
    }

    fn one_problem(r: &ReadResult) -> (&'static str, Action, Option<&str>) {
        assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
        let p = &r.problems[0];
        (p.kind, p.action, p.location.as_deref())
    }

    #[test]
    fn empty_and_whitespace_files() {
        for content in ["", " \n\t\r\n", "\u{feff}"] {
            let (r, _d, _) = read_bytes_as("empty.txt", content.as_bytes());
            assert!(r.docs.is_empty());
            assert_eq!(one_problem(&r), ("empty file", Action::Skipped, None));
        }
    }

    #[test]
    fn empty_folder_reads_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (inputs, problems) = list_inputs(&[dir.path().to_path_buf()], &[]).unwrap();
        assert!(inputs.is_empty() && problems.is_empty());
    }

    #[test]
    fn binary_file() {
        let (r, _d, path) = read_bytes_as("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR");
        assert!(r.docs.is_empty());
        assert_eq!(one_problem(&r), ("binary file", Action::Skipped, None));
        assert_eq!(r.problems[0].path, path.display().to_string());
    }

    #[test]
    fn invalid_utf8_is_read_lossily() {
        let (r, _d, path) = read_bytes_as("2005-Bush.txt", b"Freedom \xa1X liberty.\n");
        assert_eq!(one_problem(&r), ("invalid UTF-8", Action::Repaired, None));
        assert_eq!(r.problems[0].path, path.display().to_string());
        assert!(r.problems[0].message.contains("at byte 8"));
        assert_eq!(r.docs[0].text, "Freedom \u{fffd}X liberty.");
        assert_eq!(r.docs[0].date.unwrap().to_string(), "2005-01-01");
    }

    #[test]
    fn bom_and_crlf() {
        let (r, _d, _) =
            read_bytes_as("x.txt", "\u{feff}First line.\r\nSecond line.\r\n\r\nThird.".as_bytes());
        assert!(r.problems.is_empty());
        assert_eq!(r.docs[0].text, "First line.\n\nSecond line.\n\nThird.");
        let (r, _d, _) = read_bytes_as("x.json", "\u{feff}[{\"text\": \"a\\r\\nb\"}]".as_bytes());
        assert_eq!(r.docs[0].text, "a\n\nb");
    }

    #[test]
    fn malformed_json_names_file_line_and_column() {
        let (r, _d, path) =
            read_bytes_as("bad.json", b"{\n  \"articles\": [\n    {\"content\": \"x\"\n  ]\n}");
        assert!(r.docs.is_empty());
        assert_eq!(one_problem(&r), ("malformed JSON", Action::Skipped, Some("line 4, column 3")));
        assert_eq!(r.problems[0].path, path.display().to_string());
    }

    #[test]
    fn json_record_without_text_names_the_record() {
        let (r, _d, _) = read_bytes_as(
            "day.json",
            br#"{"date": "2017-12-24", "articles": [{"title": "A", "content": "Body."}, {"title": "B"}, {"title": "C", "content": "  "}]}"#,
        );
        assert_eq!(r.docs.len(), 1);
        let found: Vec<_> = r.problems.iter().map(|p| (p.kind, p.location.as_deref())).collect();
        assert_eq!(
            found,
            [("record without text", Some("record 2")), ("record without text", Some("record 3"))]
        );
    }

    #[test]
    fn csv_row_with_missing_field_names_the_line() {
        let (r, _d, _) = read_bytes_as(
            "speeches.csv",
            b"id,year,speech\nA,1990,Text A.\nB,1991\nC,1992,Text C.\n",
        );
        assert_eq!(r.docs.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(), ["A", "C"]);
        assert_eq!(one_problem(&r), ("malformed CSV", Action::Skipped, Some("line 3")));
        assert_eq!(r.docs[0].meta.get("year").map(String::as_str), Some("1990"));
    }

    #[test]
    fn fifty_megabyte_single_line() {
        let line = "the party and the revolution ".repeat(50 * 1024 * 1024 / 29);
        let (r, _d, _) = read_bytes_as("big.txt", line.as_bytes());
        assert!(r.problems.is_empty());
        assert_eq!(r.docs.len(), 1);
        assert_eq!(r.docs[0].text.len(), line.len() - 1);
    }

    #[test]
    fn non_ascii_path_and_text() {
        let (r, _d, path) =
            read_bytes_as("연설문 1.txt", "인민의 리익을 위하여.\n\n새해를 맞이하며.".as_bytes());
        assert!(r.problems.is_empty());
        let doc = &r.docs[0];
        assert_eq!(doc.id, "연설문 1");
        assert_eq!(doc.source, path.display().to_string());
        assert_eq!(doc.text, "인민의 리익을 위하여.\n\n새해를 맞이하며.");
    }

    #[test]
    fn gzipped_json_lines() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(
            b"{\"text\": \"One.\", \"date\": \"2020-05-01\"}\nnot json\n{\"text\": \"Two.\"}\n",
        )
        .unwrap();
        let (r, _d, _) = read_bytes_as("x.jsonl.gz", &gz.finish().unwrap());
        assert_eq!(r.docs.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(), ["x#1", "x#2"]);
        assert_eq!(one_problem(&r), ("malformed JSON", Action::Skipped, Some("line 2, column 2")));
        assert_eq!(r.docs[0].meta.get("date_precision").map(String::as_str), Some("day"));
        let (r, _d, _) = read_bytes_as("broken.txt.gz", &[0x1f, 0x8b, 8, 0, 0]);
        assert_eq!(one_problem(&r), ("corrupt gzip", Action::Skipped, None));
    }

    #[test]
    fn html_file() {
        let (r, _d, _) = read_bytes_as("page.htm", b"<html><head><title>T</title></head><body><h1>Head</h1><p>Para &amp; one.</p></body></html>");
        assert_eq!(r.docs[0].title.as_deref(), Some("Head"));
        assert_eq!(r.docs[0].text, "Head\n\nPara & one.");
    }

    #[test]
    fn parquet_file() {
        use polars::prelude::*;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kp.parquet");
        let mut df = df!("headline" => ["H"], "story_text" => ["Pyongyang, May 2 (KCNA) -- Body. -0-"], "date" => [1_714_608_000_000i64]).unwrap();
        polars_io::parquet::write::ParquetWriter::new(fs::File::create(&path).unwrap())
            .finish(&mut df)
            .unwrap();
        let r = read_input(&Input::File(path), &ReadOptions::default());
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        let d = &r.docs[0];
        assert_eq!((d.id.as_str(), d.text.as_str()), ("kp#1", "H\n\nBody."));
        assert_eq!(d.date.unwrap().to_string(), "2024-05-02");
        let (r, _d, _) = read_bytes_as("bad.parquet", b"PAR1 nonsense");
        assert_eq!(one_problem(&r).0, "malformed Parquet");
    }

    #[test]
    fn options_override_fields() {
        let opts = ReadOptions {
            text_field: Some("Speech".into()),
            title_field: Some("name".into()),
            date_field: Some("when".into()),
            id_field: Some("key".into()),
            ..Default::default()
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.jsonl");
        fs::write(&path, "{\"speech\": \"Hi there.\", \"name\": \"N\", \"when\": \"1999/12/31\", \"key\": \"k1\", \"text\": \"other\"}\n{\"speech\": \"Second.\"}\n").unwrap();
        let r = read_input(&Input::File(path), &opts);
        let d: &Document = &r.docs[0];
        assert_eq!(
            (d.id.as_str(), d.title.as_deref(), d.text.as_str()),
            ("k1", Some("N"), "N\n\nHi there.")
        );
        assert_eq!(d.date.unwrap().to_string(), "1999-12-31");
        assert_eq!(d.meta.get("text").map(String::as_str), Some("other"));
        assert_eq!(r.docs[1].id, "s#2");
        let missing: Vec<_> =
            r.problems.iter().map(|p| (p.kind, p.action, p.location.as_deref())).collect();
        assert_eq!(missing, [("missing field", Action::Repaired, Some("line 2")); 3]);
    }

    /// Field options name record fields; a text or HTML file is one document whatever they say.
    #[test]
    fn field_options_leave_text_files_whole() {
        let opts = ReadOptions {
            text_field: Some("body".into()),
            title_field: Some("name".into()),
            ..Default::default()
        };
        let dir = tempfile::tempdir().unwrap();
        let txt = dir.path().join("a.txt");
        fs::write(&txt, "Plain words here.").unwrap();
        let html = dir.path().join("p.html");
        fs::write(&html, "<title>T</title><p>Page words.</p>").unwrap();
        let r = read_input(&Input::File(txt), &opts);
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        assert_eq!(r.docs[0].text, "Plain words here.");
        let r = read_input(&Input::File(html), &opts);
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        assert_eq!(
            (r.docs[0].title.as_deref(), r.docs[0].text.as_str()),
            (Some("T"), "T\n\nPage words.")
        );
    }

    #[test]
    fn a_file_over_the_cap_is_skipped() {
        let opts = ReadOptions { max_file_bytes: Some(10), ..Default::default() };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        fs::write(&path, "exactly 10").unwrap();
        assert_eq!(read_input(&Input::File(path.clone()), &opts).docs.len(), 1);
        fs::write(&path, "eleven byte").unwrap();
        let r = read_input(&Input::File(path), &opts);
        assert!(r.docs.is_empty());
        assert_eq!(one_problem(&r), ("too large", Action::Skipped, None));
        assert!(r.problems[0].message.contains("limit of 10 bytes"), "{}", r.problems[0].message);
    }

    #[test]
    fn sample_is_the_seed_article() {
        let r = read_input(&Input::Sample, &ReadOptions::default());
        assert!(r.problems.is_empty());
        let d = &r.docs[0];
        assert_eq!((d.id.as_str(), d.source.as_str()), ("seed", "<sample>"));
        assert_eq!(
            d.title.as_deref(),
            Some("Kim Jong Un Makes Closing Address at 5th Conference of Cell Chairpersons of WPK")
        );
    }

    #[test]
    fn stdin_sniffing() {
        let opts = ReadOptions::default();
        let mut problems = Vec::new();
        let p = sniff("  [{\"text\": \"a\"}]".into(), "-", &opts, &mut problems);
        assert!(p.multi && p.records.len() == 1);
        let p = sniff("{\"text\": \"a\"}\n{\"text\": \"b\"}".into(), "-", &opts, &mut problems);
        assert_eq!(p.records.len(), 2);
        let p = sniff("{not json at all".into(), "-", &opts, &mut problems);
        assert!(!p.multi && p.records[0].fields[0].value == "{not json at all");
        assert!(problems.is_empty());
    }

    #[test]
    fn unreadable_file() {
        let r = read_input(&Input::File("/no/such/file.txt".into()), &ReadOptions::default());
        assert_eq!(one_problem(&r).0, "unreadable file");
    }

    #[test]
    fn many_threads_at_once() {
        use rayon::prelude::*;
        let inputs = vec![Input::Sample; 64];
        let texts: Vec<String> = inputs
            .par_iter()
            .map(|i| read_input(i, &ReadOptions::default()).docs.remove(0).text)
            .collect();
        assert!(texts.windows(2).all(|w| w[0] == w[1]));
    }
}
