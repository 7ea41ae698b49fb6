//! Commands over a corpus whose token index went to disk (a memory budget smaller than the
//! corpus needs): `docs`, `trend` (phrases and --top), `kwic` and `freq --by` print the same
//! bytes as with the corpus in memory, on real text.

use std::path::{Path, PathBuf};

use crate::util::{TestDir, csv_rows, refrain};

/// The inaugural addresses in the repository (about 880 KB of text: 14 × that is far over
/// [`SMALL`]).
pub(crate) fn inaugural() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/inaugural")
}

/// A budget that forces the inaugural addresses to disk and still holds the bounded
/// counter's tables for them.
pub(crate) const SMALL: &str = "64M";

/// A budget for the bounded counter (`trend --top`) on the larger shared corpora in a debug
/// build, whose program alone takes 50 MB.
pub(crate) const MEDIUM: &str = "192M";

/// No practical limit.
pub(crate) const UNLIMITED: &str = "1000G";

/// The shared corpora (read only), if this machine has them.
pub(crate) fn shared(name: &str) -> Option<PathBuf> {
    let root = std::env::var_os("REFRAIN_CORPORA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora"));
    let alt = Path::new("/work/shared/corpora").join(name);
    let path = root.join(name);
    match (path.exists(), alt.exists()) {
        (true, _) => Some(path),
        (false, true) => Some(alt),
        _ => {
            eprintln!("shared corpus `{name}` not found: its comparison is not run");
            None
        }
    }
}

/// Run `refrain` with `args` under the memory budget `memory`: (stdout bytes, stderr).
pub(crate) fn run_with(memory: &str, args: &[&str]) -> (Vec<u8>, String) {
    let mut cmd = refrain();
    cmd.env("REFRAIN_MEMORY", memory).args(args);
    if memory != UNLIMITED {
        // The budget is real; the small corpora are sent to disk all the same.
        cmd.env("REFRAIN_FORCE_SPILL", "1");
    }
    let out = cmd.output().expect("run refrain");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "refrain {args:?} with {memory} failed:\n{stderr}");
    (out.stdout, stderr)
}

/// Run `args` with no practical limit and with `budget`; the second must spill, and both must
/// print the same bytes. Returns stdout.
pub(crate) fn same_output(budget: &str, args: &[&str]) -> String {
    let (memory, err) = run_with(UNLIMITED, args);
    assert!(!err.contains("token index on disk"), "the unlimited run spilled:\n{err}");
    let (disk, err) = run_with(budget, args);
    assert!(err.contains("token index on disk"), "refrain {args:?} did not spill:\n{err}");
    let (memory, disk) = (String::from_utf8(memory).unwrap(), String::from_utf8(disk).unwrap());
    assert_eq!(disk, memory, "refrain {args:?}: the spilled run printed other bytes");
    memory
}

/// [`same_output`], of more than a header.
pub(crate) fn same_bytes(budget: &str, args: &[&str]) -> String {
    let out = same_output(budget, args);
    assert!(out.lines().count() > 2, "refrain {args:?} printed almost nothing:\n{out}");
    out
}

#[test]
fn docs_counts_words_from_the_index_on_disk() {
    let corpus = inaugural();
    let out = same_bytes(SMALL, &["docs", corpus.to_str().unwrap(), "--format", "csv"]);
    let rows = csv_rows(&out);
    assert_eq!(rows.len(), 59);
    let words: u64 = rows.iter().map(|r| r["words"].parse::<u64>().unwrap()).sum();
    // The reading summary's count of the same corpus.
    assert_eq!(words, 137_851);
    same_bytes(SMALL, &["docs", corpus.to_str().unwrap(), "--top", "5"]);
}

#[test]
fn trend_of_phrases_on_disk() {
    let c = inaugural();
    let c = c.to_str().unwrap();
    let out = same_bytes(
        SMALL,
        &["trend", c, "freedom", "the people", "we must", "--by", "decade", "--format", "csv"],
    );
    // Every phrase gets a row per decade, 1780s … 2020s.
    assert_eq!(csv_rows(&out).len(), 3 * 25);
    same_bytes(
        SMALL,
        &["trend", c, "liberty", "* of the", "--exact", "--summary", "--format", "csv"],
    );
    same_bytes(SMALL, &["trend", c, "union", "--by", "year", "--baseline", "3"]);
}

#[test]
fn trend_of_the_top_rows_on_disk() {
    let c = inaugural();
    let c = c.to_str().unwrap();
    let out = same_bytes(MEDIUM, &["trend", c, "--top", "12", "-n", "1..3", "--format", "csv"]);
    assert_eq!(csv_rows(&out).len(), 12 * 25);
    same_bytes(
        MEDIUM,
        &["trend", c, "--top", "8", "-n", "2..4", "--stopword-edges", "keep", "--by", "year"],
    );
    same_bytes(MEDIUM, &["trend", c, "--top", "20", "-n", "2..3", "--summary", "--format", "csv"]);
}

// `freq --by` runs under MEDIUM: the bounded counter counts the resident set it finds as
// spent, and a debug build under load sometimes holds enough that SMALL is refused (it named
// 111M to 155M here); REFRAIN_FORCE_SPILL sends the corpus to disk all the same.

#[test]
fn freq_by_period_on_disk() {
    let c = inaugural();
    let c = c.to_str().unwrap();
    let out = same_bytes(MEDIUM, &["freq", c, "--by", "year", "--format", "csv"]);
    let rows = csv_rows(&out);
    // The default top 100 phrases, each with a row for every year from 1789 to 2021 (233,
    // years without an address included).
    const YEARS: usize = 2021 - 1789 + 1;
    assert_eq!(rows.len(), 100 * YEARS);
    // Independently: per phrase, the counts over the years add up to its count in plain
    // `freq`, and the years' words to the corpus's 137,851.
    let plain = refrain().args(["freq", c, "--top", "100", "--format", "csv"]).output().unwrap();
    let plain = csv_rows(&String::from_utf8(plain.stdout).unwrap());
    for (i, whole) in plain.iter().enumerate() {
        let years = &rows[i * YEARS..(i + 1) * YEARS];
        assert!(years.iter().all(|r| r["key"] == whole["key"]), "row order of {}", whole["key"]);
        let count: u64 = years.iter().map(|r| r["count"].parse::<u64>().unwrap()).sum();
        assert_eq!(count, whole["count"].parse::<u64>().unwrap(), "{}", whole["key"]);
        let tokens: u64 = years.iter().map(|r| r["tokens"].parse::<u64>().unwrap()).sum();
        assert_eq!(tokens, 137_851);
    }
    let out = same_bytes(
        MEDIUM,
        &["freq", c, "--by", "decade", "-n", "1..3", "--sort", "docs", "--top", "7"],
    );
    assert!(out.contains("1780s") && out.contains("2020s"), "{out}");
    same_bytes(
        MEDIUM,
        &[
            "freq", c, "--by", "decade", "-n", "2", "--sort", "phrase", "--top", "12", "--format",
            "csv",
        ],
    );
    same_bytes(
        MEDIUM,
        &[
            "freq", c, "--by", "decade", "-n", "1..3", "--sort", "dp", "--top", "9", "--format",
            "csv",
        ],
    );
}

#[test]
fn freq_by_doc_and_by_metadata_on_disk() {
    let c = inaugural();
    let c = c.to_str().unwrap();
    let args = ["freq", c, "--by", "doc", "-n", "2", "--stopword-edges", "keep", "--top", "5"];
    let out = same_bytes(MEDIUM, &[&args[..], &["--format", "csv"]].concat());
    assert_eq!(csv_rows(&out).len(), 5 * 59);
    let dir = TestDir::new();
    let mut meta = String::from("id,party\n");
    for entry in std::fs::read_dir(inaugural()).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let party = ["a", "b", "c"][stem.len() % 3];
        meta.push_str(&format!("{stem},{party}\n"));
    }
    let meta = dir.write("meta.csv", meta);
    let joined = ["--meta", meta.to_str().unwrap(), "--meta-key", "id"];
    let by = ["freq", c, "--by", "party", "-n", "1..3", "--top", "15", "--format", "csv"];
    let out = same_bytes(MEDIUM, &[&by[..], &joined].concat());
    assert_eq!(csv_rows(&out).len(), 15 * 3);
}

#[test]
fn freq_by_draws_the_same_heatmap_on_disk() {
    let c = inaugural();
    let dir = TestDir::new();
    let png = |name: &str, memory: &str| {
        let path = dir.join(name);
        let args = ["freq", c.to_str().unwrap(), "--by", "decade", "--top", "10", "--chart"];
        let (out, _) = run_with(memory, &[&args[..], &[path.to_str().unwrap()]].concat());
        (out, std::fs::read(&path).expect("a chart"))
    };
    let (memory, drawn) = png("memory.png", UNLIMITED);
    let (disk, drawn_on_disk) = png("disk.png", MEDIUM);
    assert_eq!(disk, memory);
    assert!(drawn.starts_with(b"\x89PNG"));
    assert!(drawn == drawn_on_disk, "the heatmaps differ");
}

#[test]
fn kwic_rereads_the_printed_documents() {
    let c = inaugural();
    let c = c.to_str().unwrap();
    let out = same_bytes(SMALL, &["kwic", c, "freedom", "--format", "csv"]);
    assert!(out.contains(",freedom,"), "{out}");
    same_bytes(SMALL, &["kwic", c, "the", "people", "--sort", "left", "--format", "csv"]);
    same_bytes(SMALL, &["kwic", c, "we", "must", "--sort", "right", "--limit", "7"]);
    same_bytes(SMALL, &["kwic", c, "liberty", "--sort", "date", "--window", "9"]);
    same_bytes(SMALL, &["kwic", c, "government", "of", "the", "--exact", "--format", "tsv"]);
    // 10,195 lines, written in chunks of lines read again: the same bytes in every format.
    for format in ["csv", "json", "table"] {
        let out = same_bytes(SMALL, &["kwic", c, "the", "--format", format]);
        if format == "csv" {
            assert_eq!(out.lines().count(), 10_196);
        }
    }
    same_bytes(SMALL, &["kwic", c, "the", "--sort", "date", "--window", "2", "--format", "tsv"]);
    // Thousands of matches, 20 printed.
    same_bytes(SMALL, &["kwic", c, "the", "--sort", "right", "--limit", "20", "--format", "csv"]);
    // A phrase the corpus does not hold: the header alone, both ways.
    let none = same_output(SMALL, &["kwic", c, "party", "cells", "--format", "csv"]);
    assert_eq!(none, "doc,title,date,left,match,right,word\n");
}

/// The inaugural addresses cut into paragraph records of JSON Lines files, one per decade,
/// with a date (but every fifth), a title and a `part` field: many documents per file.
fn paragraph_records(dir: &TestDir) -> PathBuf {
    let mut files: Vec<PathBuf> = std::fs::read_dir(inaugural())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    let mut decades: std::collections::BTreeMap<String, String> = Default::default();
    for path in files {
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        let out = decades.entry(stem[..3].to_string()).or_default();
        for (i, paragraph) in text.split("\n\n").filter(|p| !p.trim().is_empty()).enumerate() {
            let mut record = serde_json::json!({
                "title": format!("{stem} ¶{}", i + 1),
                "part": if i % 2 == 0 { "even" } else { "odd" },
                "text": paragraph,
            });
            if i % 5 != 4 {
                record["date"] = format!("{}-03-04", &stem[..4]).into();
            }
            out.push_str(&record.to_string());
            out.push('\n');
        }
    }
    // Named without digits: a year in a file name would date its undated records.
    for (k, lines) in decades.values().enumerate() {
        dir.write(&format!("records/speeches-{}.jsonl", (b'a' + k as u8) as char), lines);
    }
    dir.join("records")
}

#[test]
fn kwic_rereads_records_of_many_document_files() {
    let dir = TestDir::new();
    let records = paragraph_records(&dir);
    let r = records.to_str().unwrap();
    let out = same_bytes(SMALL, &["kwic", r, "freedom", "--sort", "left", "--format", "csv"]);
    // Titles show the record each line was cut from.
    assert!(csv_rows(&out).iter().all(|row| row["title"].contains('¶')), "{out}");
    // Selection by a record field: the records left out are skipped when reading again too.
    same_bytes(SMALL, &["kwic", r, "the", "people", "--where", "part=odd", "--format", "csv"]);
    same_bytes(SMALL, &["docs", r, "--where", "part=even", "--format", "csv"]);
    same_bytes(SMALL, &["trend", r, "freedom", "liberty", "--by", "part", "--format", "csv"]);
    // Undated records: last by date, left out of the periods.
    let out = same_bytes(SMALL, &["kwic", r, "liberty", "--sort", "date", "--format", "csv"]);
    let rows = csv_rows(&out);
    let undated = rows.iter().position(|row| row["date"].is_empty()).expect("an undated line");
    assert!(rows[undated..].iter().all(|row| row["date"].is_empty()), "{out}");
    let out = same_output(SMALL, &["trend", r, "liberty", "--by", "decade", "--summary"]);
    assert!(out.contains("liberty"), "{out}");
}

#[test]
fn kwic_and_trend_on_disk_with_joined_metadata() {
    let dir = TestDir::new();
    let mut meta = String::from("id,era\n");
    for entry in std::fs::read_dir(inaugural()).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let era = if stem.as_str() < "1900" { "old" } else { "new" };
        meta.push_str(&format!("{stem},{era}\n"));
    }
    let meta = dir.write("meta.csv", meta);
    let (c, m) = (inaugural(), meta.to_str().unwrap().to_string());
    let c = c.to_str().unwrap();
    let joined = ["--meta", m.as_str(), "--meta-key", "id"];
    let kwic = ["kwic", c, "freedom", "--where", "era=old", "--sort", "left", "--format", "csv"];
    let out = same_bytes(SMALL, &[&kwic[..], &joined].concat());
    let rows = csv_rows(&out);
    assert!(rows.iter().all(|r| r["doc"].as_str() < "1900"), "only documents before 1900:\n{out}");
    let trend =
        [&["trend", c, "freedom", "liberty", "--by", "era", "--format", "csv"][..], &joined];
    let out = same_bytes(SMALL, &trend.concat());
    assert_eq!(csv_rows(&out).len(), 4);
}

#[test]
fn kwic_refuses_to_spill_a_corpus_read_from_stdin() {
    // Six megabytes on disk: estimated over a 64M budget, so the corpus would go to disk.
    let dir = TestDir::new();
    let big = dir.write("big.txt", "Freedom rings from every hill. ".repeat(200_000));
    let out = refrain()
        .env("REFRAIN_MEMORY", SMALL)
        .args(["kwic", big.to_str().unwrap(), "-", "freedom"])
        .write_stdin("Freedom rings.")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("`kwic`") && err.contains("--memory"), "{err}");
}

#[test]
fn shared_corpora_on_disk() {
    if let Some(kp) = shared("kcna_kp") {
        let kp = kp.to_str().unwrap();
        same_bytes(SMALL, &["kwic", kp, "nuclear", "--sort", "left", "--limit", "40"]);
        same_bytes(SMALL, &["kwic", kp, "Kim", "Jong", "Un", "--sort", "date", "--format", "csv"]);
        same_bytes(SMALL, &["trend", kp, "nuclear", "sanctions", "--by", "month"]);
        same_bytes(MEDIUM, &["trend", kp, "--top", "10", "-n", "2..3", "--by", "month"]);
        let freq = ["freq", kp, "--by", "month", "-n", "2..3", "--sort", "docs", "--top", "10"];
        same_bytes(MEDIUM, &freq);
        same_bytes(SMALL, &["docs", kp, "--format", "csv"]);
    }
    if let Some(un) = shared("ungdc") {
        let un = un.to_str().unwrap();
        let pattern = r"(?P<iso>[A-Z]{3})_(?P<session>\d+)_(?P<year>\d{4})";
        let select = ["--name-pattern", pattern, "--where", "iso=PRK"];
        let kwic = [&["kwic", un, "nuclear", "--sort", "date", "--format", "csv"][..], &select];
        same_bytes(SMALL, &kwic.concat());
        // 31 MB of text is over MEDIUM by the estimate itself, not only by REFRAIN_FORCE_SPILL.
        let freq = ["freq", un, "--by", "year", "-n", "1..2", "--top", "10", "--format", "csv"];
        let out = same_bytes(MEDIUM, &freq);
        assert_eq!(csv_rows(&out).len(), 10 * 11, "10 phrases × the years 2014 … 2024");
    }
    if let Some(ko) = shared("nk_newyear_ko") {
        let ko = ko.to_str().unwrap();
        same_bytes(SMALL, &["kwic", ko, "인민", "--sort", "right", "--limit", "30"]);
        same_bytes(SMALL, &["trend", ko, "인민", "조국", "--by", "decade", "--format", "csv"]);
    }
}
