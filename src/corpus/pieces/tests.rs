//! Reading in pieces against the brute force, reading the file whole ([`read_input`]): the
//! same documents and problems for random files and random piece sizes.

use std::io::Write;

use proptest::prelude::*;

use super::*;
use crate::corpus::{Action, Document};

/// The documents and problems of every piece of `path`, in pieces of `piece` bytes, and the
/// number of pieces.
fn pieces_of(path: &Path, opts: &ReadOptions, piece: u64) -> (Vec<Document>, Vec<Problem>, usize) {
    let mut reader = PieceReader::open(path, opts, piece);
    let (mut docs, mut problems, mut pieces) = (Vec::new(), Vec::new(), 0);
    while !reader.done() {
        let read = reader.next_piece();
        docs.extend(read.docs);
        problems.extend(read.problems);
        pieces += 1;
    }
    (docs, problems, pieces)
}

/// Write `bytes` as `name` (gzipped when `gzip`, the name then ending in `.gz`) in `dir`.
fn write(dir: &Path, name: &str, bytes: &[u8], gzip: bool) -> PathBuf {
    if !gzip {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        return path;
    }
    let path = dir.join(format!("{name}.gz"));
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(bytes).unwrap();
    std::fs::write(&path, gz.finish().unwrap()).unwrap();
    path
}

/// Whether the pieces of `path` give what reading it whole gives; the number of pieces.
fn same_as_whole(path: &Path, opts: &ReadOptions, piece: u64) -> Result<usize, TestCaseError> {
    let whole = read_input(&Input::File(path.to_path_buf()), opts);
    let (docs, problems, pieces) = pieces_of(path, opts, piece);
    prop_assert_eq!(problems, whole.problems);
    prop_assert_eq!(docs, whole.docs);
    Ok(pieces)
}

fn word() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["party", "cells", "Juche", "été", "연설문", "a,b", "x\ty", "Kim"])
}

fn words() -> impl Strategy<Value = String> {
    prop::collection::vec(word(), 1..6).prop_map(|w| w.join(" "))
}

/// One line of a JSON Lines file: records (with or without a date and an id), blank lines,
/// malformed JSON, records without text, arrays of records, invalid UTF-8.
fn jsonl_line() -> impl Strategy<Value = Vec<u8>> {
    let record = (words(), any::<bool>(), prop::option::of(0u8..20)).prop_map(|(w, dated, id)| {
        let date = if dated { r#", "date": "2017-12-24""# } else { "" };
        let id = id.map(|i| format!(r#", "id": "r{i}""#)).unwrap_or_default();
        format!(r#"{{"text": "{}"{date}{id}}}"#, w.replace('\t', "\\t")).into_bytes()
    });
    prop_oneof![
        6 => record,
        1 => Just(Vec::new()),
        1 => Just(b" \t\r".to_vec()),
        1 => Just(br#"{"text": "unclosed"#.to_vec()),
        1 => Just(br#"{"title": "no text"}"#.to_vec()),
        1 => Just(br#"{"text": "   "}"#.to_vec()),
        1 => Just(br#"[{"text": "in an array"}, null, 3, "a string"]"#.to_vec()),
        1 => words().prop_map(|w| format!(r#"{{"text": "{w} BAD"}}"#).replace("BAD", "\u{0}")
            .into_bytes().into_iter().map(|b| if b == 0 { 0xff } else { b }).collect()),
    ]
}

/// A CSV row of `id, text, date` (or TSV): quoted fields holding newlines and delimiters,
/// empty texts, short and long rows, invalid UTF-8.
fn csv_row(tab: bool) -> impl Strategy<Value = Vec<u8>> {
    let d = if tab { "\t" } else { "," };
    let field = prop_oneof![
        4 => words().prop_map(|w| w.replace([',', '\t'], " ")),
        2 => words().prop_map(|w| format!("\"{w}\nsecond, line\"")),
        1 => Just(String::new()),
        1 => Just("\"quoted \"\"twice\"\"\"".to_string()),
    ];
    let row = (0u8..20, field, any::<bool>()).prop_map(move |(id, text, dated)| {
        let date = if dated { "2018-01-01" } else { "" };
        format!("r{id}{d}{text}{d}{date}").into_bytes()
    });
    prop_oneof![
        6 => row,
        1 => Just(Vec::new()),
        1 => Just(format!("short{d}").into_bytes()),
        1 => words().prop_map(move |w| format!("a{d}{w}{d}2019-02-03{d}extra").into_bytes()),
        1 => Just(format!("bad{d}\"caf\u{0}\"{d}").into_bytes().into_iter()
            .map(|b| if b == 0 { 0xe9 } else { b }).collect()),
    ]
}

/// Lines joined by `\n` or `\r\n`, maybe after a byte-order mark, maybe with a last newline.
fn file_of(lines: Vec<Vec<u8>>, crlf: bool, bom: bool, last_newline: bool) -> Vec<u8> {
    let mut bytes = if bom { b"\xef\xbb\xbf".to_vec() } else { Vec::new() };
    let end: &[u8] = if crlf { b"\r\n" } else { b"\n" };
    bytes.extend(lines.join(end));
    if last_newline {
        bytes.extend_from_slice(end);
    }
    bytes
}

/// Options with an id field named, so that records without one are problems of conversion
/// (held back to the last piece).
fn options(named_id: bool) -> ReadOptions {
    ReadOptions { id_field: named_id.then(|| "id".into()), ..Default::default() }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn json_lines_in_pieces_are_the_file_read_whole(
        lines in prop::collection::vec(jsonl_line(), 0..40),
        (crlf, bom, last, gzip, named_id) in any::<(bool, bool, bool, bool, bool)>(),
        piece in 1u64..400,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "r.jsonl", &file_of(lines, crlf, bom, last), gzip);
        prop_assert!(streams(&path));
        same_as_whole(&path, &options(named_id), piece)?;
    }

    #[test]
    fn csv_and_tsv_in_pieces_are_the_file_read_whole(
        tab in any::<bool>(),
        rows in prop::collection::vec(csv_row(false), 0..30),
        (crlf, bom, last, gzip, named_id) in any::<(bool, bool, bool, bool, bool)>(),
        piece in 1u64..400,
    ) {
        let (name, header) = if tab { ("r.tsv", "id\ttext\tdate") } else { ("r.csv", "id,text,date") };
        let rows: Vec<Vec<u8>> = rows
            .into_iter()
            .map(|r| if tab { r.into_iter().map(|b| if b == b',' { b'\t' } else { b }).collect() } else { r })
            .collect();
        let mut lines = vec![header.as_bytes().to_vec()];
        lines.extend(rows);
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir_path(&dir), name, &file_of(lines, crlf, bom, last), gzip);
        same_as_whole(&path, &options(named_id), piece)?;
    }

    /// Invalid UTF-8 found a block at a time is what decoding the whole finds.
    #[test]
    fn invalid_utf8_a_block_at_a_time_is_the_whole(
        bytes in prop::collection::vec(prop::sample::select(
            vec![b'a', b' ', b'\n', 0xe9, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80, 0xff, 0xef, 0xbb, 0xbf]
        ), 0..60),
        block in 1usize..8,
    ) {
        let mut scan = Utf8Scan::default();
        for chunk in bytes.chunks(block) {
            scan.feed(chunk, false);
        }
        scan.feed(&[], true);
        let mut problems = Vec::new();
        let whole = decode::decode_text(bytes.clone(), "x", &mut problems);
        prop_assert_eq!(scan.problem("x"), problems.pop());
        let trimmed = whole.trim().is_empty();
        prop_assert_eq!(scan.nonblank, !trimmed);
        // Decoded a block at a time, as the pieces read it.
        let mut lossy = Vec::new();
        Lossy::new(Trickle(&bytes, block)).read_to_end(&mut lossy).unwrap();
        prop_assert_eq!(String::from_utf8(lossy).unwrap(), String::from_utf8_lossy(&bytes));
    }
}

fn dir_path(dir: &tempfile::TempDir) -> &Path {
    dir.path()
}

/// A reader that gives at most so many bytes a call (blocks cut anywhere).
struct Trickle<'a>(&'a [u8], usize);

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.1.min(buf.len()).min(self.0.len());
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

#[test]
fn files_skipped_whole_are_skipped_the_same_way() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let opts = ReadOptions::default();
    let cases: [(&str, &[u8], bool); 8] = [
        ("empty.jsonl", b"", false),
        ("bom.jsonl", b"\xef\xbb\xbf", false),
        ("blank.jsonl", "\n \u{a0}\n\t\n".as_bytes(), false),
        ("blank.csv", b"  \n", true),
        ("header.csv", b"id,text\n", false),
        ("header.tsv", b"id\ttext\n\n", true),
        ("binary.jsonl", b"\x00\x01\x02{}", false),
        ("nul.csv", b"text\nok\x00", true),
    ];
    for (name, bytes, gzip) in cases {
        let path = write(d, name, bytes, gzip);
        let (docs, problems, pieces) = pieces_of(&path, &opts, 1);
        let whole = read_input(&Input::File(path.clone()), &opts);
        assert_eq!((&docs, &problems), (&whole.docs, &whole.problems), "{name}");
        assert!(docs.is_empty() && problems.len() == 1 && pieces <= 2, "{name}: {problems:?}");
    }
    // Named .gz, not gzip; over the size cap; corrupt gzip.
    let not_gz = write(d, "plain.jsonl.gz", b"{\"text\": \"a\"}\n", false);
    let big = write(d, "big.jsonl", b"{\"text\": \"eleven\"}\n", false);
    let capped = ReadOptions { max_file_bytes: Some(10), ..Default::default() };
    let mut corrupt = std::fs::read(write(d, "c.jsonl", b"{\"text\": \"a\"}\n", true)).unwrap();
    corrupt.truncate(corrupt.len() - 6);
    let corrupt_path = d.join("corrupt.jsonl.gz");
    std::fs::write(&corrupt_path, corrupt).unwrap();
    let gz_big = write(d, "gzbig.csv", b"text\nmore than ten bytes\n", true);
    for (path, opts, kind) in [
        (not_gz, &opts, "not gzip"),
        (big, &capped, "too large"),
        (corrupt_path, &opts, "corrupt gzip"),
        (gz_big, &capped, "too large"),
    ] {
        let (docs, problems, _) = pieces_of(&path, opts, 4);
        assert_eq!(problems, read_input(&Input::File(path.clone()), opts).problems);
        assert!(docs.is_empty());
        assert_eq!((problems.len(), problems[0].kind), (1, kind), "{}", path.display());
    }
}

#[test]
fn a_large_file_comes_in_many_pieces_with_numbers_carried_over() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for i in 1..=1000 {
        text.push_str(&format!("{{\"text\": \"Record number {i} of the file.\"}}\n"));
        if i % 100 == 0 {
            text.push_str("not json\n");
        }
    }
    let path = write(dir.path(), "many.jsonl", text.as_bytes(), false);
    let (docs, problems, pieces) = pieces_of(&path, &ReadOptions::default(), 4096);
    assert!(pieces >= 10, "{pieces} pieces");
    assert_eq!(docs.len(), 1000);
    assert_eq!(
        (docs[999].id.as_str(), docs[999].text.as_str()),
        ("many#1000", "Record number 1000 of the file.")
    );
    // Record 1000 is on line 1009 (nine bad lines before it, the tenth after).
    assert_eq!(problems.len(), 10);
    assert_eq!(problems[9].location.as_deref(), Some("line 1010, column 2"));
    assert_eq!(problems[9].action, Action::Skipped);
}

#[test]
fn utf16_files_are_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = vec![0xff, 0xfe];
    for unit in "text\nHello there.\n".encode_utf16() {
        bytes.extend(unit.to_le_bytes());
    }
    let path = write(dir.path(), "u.csv", &bytes, false);
    assert!(!streams(&path));
    let gz = write(dir.path(), "u.csv", &bytes, true);
    assert!(!streams(&gz));
    assert!(!streams(&write(dir.path(), "a.txt", b"text", false)));
    assert!(streams(&write(dir.path(), "a.ndjson", b"{}", false)));
    // Given to the piece reader anyway, it is read whole, in one piece.
    let (docs, problems, pieces) = pieces_of(&path, &ReadOptions::default(), 1);
    assert_eq!((docs.len(), problems.len(), pieces), (1, 0, 1));
    assert_eq!(docs[0].text, "Hello there.");
}

/// A Parquet file of these texts (`None`: a null cell) with ids and epoch dates, in row
/// groups of `group` rows.
fn parquet_file(dir: &Path, texts: &[Option<String>], group: usize) -> PathBuf {
    use polars::prelude::*;
    let ids: Vec<String> = (0..texts.len()).map(|i| format!("p{i}")).collect();
    let dates: Vec<i64> =
        (0..texts.len() as i64).map(|i| 1_700_000_000_000 + i * 86_400_000).collect();
    let mut df = df!("id" => ids, "story_text" => texts, "date" => dates).unwrap();
    let path = dir.join("t.parquet");
    polars_io::parquet::write::ParquetWriter::new(std::fs::File::create(&path).unwrap())
        .with_row_group_size(Some(group))
        .finish(&mut df)
        .unwrap();
    path
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn parquet_in_batches_of_rows_is_the_file_read_whole(
        texts in prop::collection::vec(prop::option::of(prop_oneof![
            4 => words(),
            1 => Just("  ".to_string()),
        ]), 0..60),
        group in 1usize..20,
        piece in 1u64..2000,
        named_id in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = parquet_file(dir.path(), &texts, group);
        prop_assert!(streams(&path));
        let opts = ReadOptions { id_field: named_id.then(|| "key".into()), ..Default::default() };
        same_as_whole(&path, &opts, piece)?;
    }
}

#[test]
fn parquet_comes_in_batches_and_a_corrupt_file_is_skipped_whole() {
    let dir = tempfile::tempdir().unwrap();
    let texts: Vec<Option<String>> =
        (0..500).map(|i| Some(format!("Row {i} of the table, with words."))).collect();
    let path = parquet_file(dir.path(), &texts, 50);
    let (docs, problems, pieces) = pieces_of(&path, &ReadOptions::default(), 2000);
    assert!(pieces >= 5, "{pieces} pieces");
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(docs.len(), 500);
    assert_eq!(
        (docs[499].id.as_str(), docs[499].date.unwrap().to_string().as_str()),
        ("p499", "2025-03-27")
    );
    // 1,700,000,000,000 ms is 2023-11-14 22:13 UTC; 499 days later is 2025-03-27.
    // A page damaged in the middle: reading whole gives one problem and no document.
    let mut bytes = std::fs::read(&path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle..middle + 64].fill(0xab);
    std::fs::write(&path, &bytes).unwrap();
    same_as_whole(&path, &ReadOptions::default(), 2000).unwrap();
    let (docs, problems, _) = pieces_of(&path, &ReadOptions::default(), 2000);
    assert!(docs.is_empty() && problems.len() == 1 && problems[0].kind == "malformed Parquet");
    // A file that is not Parquet at all.
    std::fs::write(&path, b"PAR1 and nothing else").unwrap();
    same_as_whole(&path, &ReadOptions::default(), 2000).unwrap();
    assert!(
        !streams(&write(dir.path(), "g.parquet", b"PAR1", true)),
        "gzipped Parquet is read whole"
    );
}
