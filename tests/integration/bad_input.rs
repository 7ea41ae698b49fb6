//! Bad input: every problem is reported with its file (and line or record), counted in the
//! summary, and never stops the run; errors that make a run meaningless exit with status 2
//! and write nothing.

use crate::util::{TestDir, csv_rows, refrain, row};

#[test]
fn missing_path_is_an_error_and_writes_nothing() {
    let dir = TestDir::new();
    let out = dir.join("out.csv");
    let missing = dir.join("nope");
    let result = refrain()
        .args(["freq", "-o", out.to_str().unwrap(), missing.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(result.status.code(), Some(2));
    let err = String::from_utf8_lossy(&result.stderr);
    assert!(err.contains("nope") && err.contains("no such file or folder"), "{err}");
    assert!(!out.exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn unknown_option_is_an_error() {
    let result = refrain().args(["freq", "--no-such-option"]).output().unwrap();
    assert_eq!(result.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&result.stderr).contains("--no-such-option"));
}

#[test]
fn output_into_a_missing_folder_is_an_error() {
    let dir = TestDir::new();
    let out = dir.join("missing/out.csv");
    let result = refrain().args(["freq", "-o", out.to_str().unwrap()]).output().unwrap();
    assert_eq!(result.status.code(), Some(2));
    let err = String::from_utf8_lossy(&result.stderr);
    assert!(err.contains("missing") && err.contains("does not exist"), "{err}");
}

#[test]
fn an_empty_folder_gives_an_empty_table() {
    let dir = TestDir::new();
    let result =
        refrain().args(["freq", "--format", "csv", dir.path().to_str().unwrap()]).output().unwrap();
    assert!(result.status.success());
    let out = String::from_utf8(result.stdout).unwrap();
    assert_eq!(out.lines().count(), 1, "header only: {out}");
    assert!(String::from_utf8_lossy(&result.stderr).contains("0 documents"));
}

#[test]
fn every_bad_file_is_reported_counted_and_skipped_or_repaired() {
    let dir = TestDir::new();
    dir.write("good.txt", "Party cells and party cells.");
    dir.write("empty.txt", "");
    dir.write("binary.txt", b"\x00\x01\x02PK\x03\x04\x00\x00\x00binary\x00junk".repeat(20));
    dir.write("latin1.txt", b"Party cells in caf\xe9 society.");
    dir.write("bom.txt", "\u{feff}Party cells with a mark.");
    dir.write("crlf.txt", "Party cells\r\nacross lines.\r\n\r\nParty cells again.\r\n");
    dir.write("broken.json", "[{\"text\": \"party cells\"},\n {\"text\": ");
    dir.write(
        "records.json",
        r#"[{"title": "no text here"}, {"text": "Party cells in a record."}]"#,
    );
    dir.write(
        "rows.csv",
        "title,text\nfirst,Party cells in a row.\nsecond\nthird,Party cells again.\n",
    );
    let result = refrain()
        .args(["freq", "-n", "2", "--format", "csv", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert!(result.status.success());
    let err = String::from_utf8_lossy(&result.stderr);
    for (file, kind) in [
        ("empty.txt", "empty file"),
        ("binary.txt", "binary file"),
        ("latin1.txt", "invalid UTF-8"),
        ("broken.json", "malformed JSON"),
        ("records.json, record 1", "record without text"),
        ("rows.csv, line 3", ""),
    ] {
        assert!(err.lines().any(|l| l.contains(file) && l.contains(kind)), "{file} {kind}:\n{err}");
    }
    assert!(err.contains("skipped 1: empty file"), "{err}");
    assert!(err.contains("repaired 1: invalid UTF-8"), "{err}");
    let rows = csv_rows(&String::from_utf8(result.stdout).unwrap());
    // good 2 + latin1 1 + bom 1 + crlf 2 + records 1 + rows.csv 2 (rows 1 and 3) = 9.
    assert_eq!(row(&rows, "phrase", "party cells")["count"], "9");
    // The BOM is not part of the first word, and CRLF lines were joined.
    assert!(rows.iter().all(|r| !r["phrase"].contains('\u{feff}')));
    assert_eq!(row(&rows, "phrase", "cells across")["count"], "1");
}

#[test]
fn a_fifty_megabyte_single_line_file_is_read() {
    let dir = TestDir::new();
    let sentence = "the party cells implement the party policies, ";
    let text = sentence.repeat(50_000_000 / sentence.len() + 1);
    let f = dir.write("huge.txt", &text);
    let result = refrain()
        .args(["freq", "-n", "2", "--top", "3", "--format", "csv", f.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
    let rows = csv_rows(&String::from_utf8(result.stdout).unwrap());
    let reps = (50_000_000 / sentence.len() + 1).to_string();
    assert_eq!(row(&rows, "phrase", "party cells")["count"], reps);
}
