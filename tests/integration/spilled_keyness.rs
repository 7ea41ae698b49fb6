//! `keyness` and `freq --chart` (without `--by`) over a corpus whose token index went to disk:
//! the same table bytes, in every format, and the same PNG bytes as with the corpus in memory,
//! for any `-j`; on the inaugural addresses, on shared corpora and on a generated corpus large
//! enough to sort its rows in several runs.

use std::path::PathBuf;

use crate::spill::runs as runs_merged;
use crate::spilled::{UNLIMITED, inaugural, run_with, shared};
use crate::util::{TestDir, csv_rows, refrain};

/// A budget for the bounded counter in a debug build (whose program alone takes 50 MB).
const BUDGET: &str = "128M";

/// Run `args` in memory, then on disk with each `-j` of `threads` (the bounded counter at
/// `budget`): every run prints the same bytes, of more than a header. Returns stdout and the
/// last spilled run's stderr.
fn same_bytes(budget: &str, threads: &[&str], args: &[&str]) -> (String, String) {
    let (memory, err) = run_with(UNLIMITED, args);
    assert!(!err.contains("token index on disk"), "the unlimited run spilled:\n{err}");
    let memory = String::from_utf8(memory).unwrap();
    assert!(memory.lines().count() > 2, "refrain {args:?} printed almost nothing:\n{memory}");
    let mut last = String::new();
    for j in threads {
        let (disk, err) = run_with(budget, &[&["-j", j][..], args].concat());
        assert!(err.contains("token index on disk"), "refrain {args:?} did not spill:\n{err}");
        let disk = String::from_utf8(disk).unwrap();
        assert_eq!(disk, memory, "refrain -j {j} {args:?}: the spilled run printed other bytes");
        last = err;
    }
    (memory, last)
}

#[test]
fn keyness_on_disk_prints_the_table_in_memory() {
    let c = inaugural();
    let c = c.to_str().unwrap();
    // 1953 is dated to its year only: it holds the split, and is on neither side.
    let (out, err) =
        same_bytes(BUDGET, &["1", "2"], &["keyness", c, "--split", "1953-06", "--format", "csv"]);
    assert!(err.contains("left out 1 document"), "{err}");
    assert_eq!(csv_rows(&out).len(), 5407);
    same_bytes(
        BUDGET,
        &["2"],
        &[
            "keyness",
            c,
            "--split",
            "1900",
            "-n",
            "1..3",
            "--measure",
            "log-ratio",
            "--format",
            "tsv",
        ],
    );
    same_bytes(BUDGET, &["1"], &["keyness", c, "--split", "1900", "--top", "10", "-n", "2..4"]);
    let bic = ["keyness", c, "--split", "1900", "--measure", "bic", "--top", "25"];
    same_bytes(BUDGET, &["2"], &[&bic[..], &["--format", "json"]].concat());
    let pct = ["keyness", c, "--split", "1861", "--measure", "pct-diff", "--min-count", "3"];
    same_bytes(BUDGET, &["2"], &[&pct[..], &["--min-docs", "2", "--format", "csv"]].concat());
    let selected = ["keyness", c, "--where", "date=1861", "-n", "1..2", "--top", "30"];
    same_bytes(BUDGET, &["1"], &[&selected[..], &["--format", "table"]].concat());
}

#[test]
fn keyness_on_disk_against_a_reference() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(inaugural())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    let name = |p: &PathBuf| p.file_name().unwrap().to_string_lossy().into_owned();
    let target: Vec<String> = files
        .iter()
        .filter(|p| name(p).as_str() >= "1990")
        .map(|p| p.to_str().unwrap().to_string())
        .collect();
    let reference: Vec<String> = files
        .iter()
        .filter(|p| name(p).as_str() < "1830")
        .map(|p| p.to_str().unwrap().to_string())
        .collect();
    let mut args: Vec<&str> = vec!["keyness"];
    args.extend(target.iter().map(String::as_str));
    args.push("--reference");
    args.extend(reference.iter().map(String::as_str));
    args.extend(["-n", "1..2", "--stopword-edges", "keep", "--format", "csv"]);
    let (out, _) = same_bytes(BUDGET, &["1", "2"], &args);
    // Independently: a and b are the phrase's counts in `freq` of each side alone.
    let rows = csv_rows(&out);
    let freq = |paths: &[String]| {
        let mut a = vec!["freq", "-n", "1..2", "--stopword-edges", "keep", "--min-count", "1"];
        a.extend(paths.iter().map(String::as_str));
        a.extend(["--format", "csv"]);
        let out = refrain().args(&a).output().unwrap();
        csv_rows(&String::from_utf8(out.stdout).unwrap())
            .into_iter()
            .map(|r| (r["key"].clone(), (r["count"].clone(), r["docs"].clone())))
            .collect::<std::collections::HashMap<_, _>>()
    };
    let (t, r) = (freq(&target), freq(&reference));
    let zero = ("0".to_string(), "0".to_string());
    for row in rows.iter().take(300).chain(rows.iter().rev().take(300)) {
        let (a, da) = t.get(&row["key"]).unwrap_or(&zero);
        let (b, db) = r.get(&row["key"]).unwrap_or(&zero);
        assert_eq!((&row["a"], &row["docs_target"]), (a, da), "{}", row["key"]);
        assert_eq!((&row["b"], &row["docs_reference"]), (b, db), "{}", row["key"]);
    }
}

/// Run `args` with `--chart` in memory and on disk: the same table and the same PNG.
fn same_chart(args: &[&str]) {
    let dir = TestDir::new();
    let draw = |name: &str, memory: &str| {
        let path = dir.join(name);
        let (out, _) = run_with(memory, &[args, &["--chart", path.to_str().unwrap()]].concat());
        (out, std::fs::read(&path).expect("a chart"))
    };
    let (memory, drawn) = draw("memory.png", UNLIMITED);
    let (disk, drawn_on_disk) = draw("disk.png", BUDGET);
    assert_eq!(disk, memory, "{args:?}: the tables differ");
    assert!(drawn.starts_with(b"\x89PNG"));
    assert!(drawn == drawn_on_disk, "{args:?}: the charts differ");
}

#[test]
fn keyness_on_disk_draws_the_chart_in_memory() {
    let c = inaugural();
    let c = c.to_str().unwrap();
    // All rows: the chart's come first (target) and last (reference).
    same_chart(&["keyness", c, "--split", "1900", "--format", "csv"]);
    same_chart(&["keyness", c, "--split", "1900", "--top", "5", "-n", "2..3"]);
    // %DIFF is missing where b = 0: those rows have no bar, and later ones are drawn.
    same_chart(&["keyness", c, "--split", "1900", "--measure", "pct-diff", "--format", "csv"]);
    same_chart(&["keyness", c, "--split", "1900", "--measure", "bic", "--top", "40"]);
}

#[test]
fn freq_chart_on_disk_draws_the_chart_in_memory() {
    let c = inaugural();
    let c = c.to_str().unwrap();
    same_chart(&["freq", c, "--format", "csv"]);
    same_chart(&["-j", "1", "freq", c, "-n", "2..3", "--top", "30"]);
    // 50 rows are drawn whole, 51 as their first 20.
    same_chart(&["freq", c, "-n", "3", "--top", "50", "--format", "json"]);
    same_chart(&["-j", "2", "freq", c, "-n", "1..2", "--sort", "docs", "--top", "51"]);
    same_chart(&["freq", c, "-n", "4", "--min-count", "3", "--sort", "dp", "--format", "tsv"]);
}

#[test]
fn freq_chart_of_nothing_fails_on_disk_as_in_memory() {
    let c = inaugural();
    let dir = TestDir::new();
    for memory in [UNLIMITED, BUDGET] {
        let (png, out) = (dir.join("none.png"), dir.join("none.csv"));
        let mut cmd = refrain();
        cmd.env("REFRAIN_MEMORY", memory);
        if memory != UNLIMITED {
            cmd.env("REFRAIN_FORCE_SPILL", "1");
        }
        let args = ["freq", c.to_str().unwrap(), "-n", "8", "--min-count", "50", "-o"];
        let run = cmd.args(args).arg(&out).arg("--chart").arg(&png).output().unwrap();
        let err = String::from_utf8_lossy(&run.stderr);
        assert!(!run.status.success(), "{memory}: {err}");
        assert!(err.contains("nothing to draw"), "{memory}: {err}");
        assert!(!out.exists() && !png.exists(), "{memory}: something was written");
    }
}

/// A generated corpus: 2,000 JSON Lines records of 60 words drawn from 4,000 (Zipf-like),
/// dated one a day from 2000-01-01 (every seventh dated to its year only, every eleventh
/// undated), with a `desk` field.
fn generated(dir: &TestDir) -> PathBuf {
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut lines = String::new();
    let start = 730_120; // 2000-01-01 as days from 0001-01-01 (day 1, proleptic Gregorian).
    for i in 0..2000u64 {
        let mut text = String::new();
        for w in 0..60 {
            // Rank from a skewed draw: small ranks are frequent.
            let r = next() % 4000;
            let rank = r * r / 4000 * (next() % 4000) / 4000;
            text.push_str(&format!("w{rank}"));
            text.push_str(if w % 12 == 11 { ". " } else { " " });
        }
        let day = chrono_like(start + i);
        let date = match (i % 7, i % 11) {
            (_, 0) => None,
            (0, _) => Some(day[..4].to_string()),
            _ => Some(day),
        };
        let desk = ["home", "world", "sport"][(next() % 3) as usize];
        let mut record = serde_json::json!({
            "title": format!("record {i}"),
            "desk": desk,
            "text": text,
        });
        if let Some(date) = date {
            record["date"] = date.into();
        }
        lines.push_str(&record.to_string());
        lines.push('\n');
    }
    dir.write("records/news.jsonl", lines);
    dir.join("records")
}

/// The ISO date of day `n` counted from 0001-01-01 (day 1).
fn chrono_like(n: u64) -> String {
    let leap = |y: u64| (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400);
    let (mut y, mut left) = (1u64, n - 1);
    loop {
        let days = if leap(y) { 366 } else { 365 };
        if left < days {
            break;
        }
        left -= days;
        y += 1;
    }
    let months = [31, if leap(y) { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let mut m = 0;
    while left >= months[m] {
        left -= months[m];
        m += 1;
    }
    format!("{y:04}-{:02}-{:02}", m + 1, left + 1)
}

#[test]
fn keyness_on_disk_sorts_runs_of_a_generated_corpus() {
    assert_eq!(chrono_like(1), "0001-01-01");
    assert_eq!(chrono_like(730_120), "2000-01-01");
    assert_eq!(chrono_like(730_120 + 366 + 58), "2001-02-28");
    let dir = TestDir::new();
    let g = generated(&dir);
    let g = g.to_str().unwrap();
    let args =
        ["keyness", g, "--split", "2003-06", "-n", "1..5", "--min-count", "1", "--format", "csv"];
    let (out, err) =
        same_bytes(BUDGET, &["1", "2"], &[&args[..], &["--stopword-edges", "keep"]].concat());
    assert!(runs_merged(&err) >= 2, "the rows fitted in memory:\n{err}");
    assert!(err.contains("left out"), "{err}");
    assert!(csv_rows(&out).len() > 100_000);
    let top = ["keyness", g, "--split", "2003-06", "-n", "2..5", "--min-count", "1", "--top", "7"];
    let (_, err) = same_bytes(BUDGET, &["2"], &top);
    assert!(runs_merged(&err) >= 2, "the rows fitted in memory:\n{err}");
    let desk = ["keyness", g, "--where", "desk=sport", "-n", "1..3", "--measure", "bic"];
    same_bytes(BUDGET, &["1"], &[&desk[..], &["--format", "tsv"]].concat());
}

#[test]
fn keyness_on_disk_of_shared_corpora() {
    if let Some(kp) = shared("kcna_kp") {
        let kp = kp.to_str().unwrap();
        let args = ["keyness", kp, "--split", "2024-06", "-n", "1..3", "--format", "csv"];
        same_bytes(BUDGET, &["2"], &args);
        same_chart(&["keyness", kp, "--split", "2024-03", "--measure", "log-ratio", "--top", "12"]);
        same_chart(&["freq", kp, "-n", "2..3", "--top", "25"]);
    }
    if let Some(un) = shared("ungdc") {
        let un = un.to_str().unwrap();
        let pattern = r"(?P<iso>[A-Z]{3})_(?P<session>\d+)_(?P<year>\d{4})";
        let args = ["keyness", un, "--name-pattern", pattern, "--where", "iso=PRK"];
        let (_, err) = same_bytes(
            "192M",
            &["2"],
            &[&args[..], &["--top", "20", "-n", "1..2", "--format", "csv"]].concat(),
        );
        assert!(err.contains("partition(s)"), "{err}");
    }
}
