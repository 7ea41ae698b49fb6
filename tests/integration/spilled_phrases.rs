//! `phrases` over a corpus whose token index went to disk: the counted n-grams are rebuilt
//! from the bounded counter's rows and the corpus is walked a segment at a time, and every
//! table is the same bytes as with the corpus in memory; a budget too small for the counted
//! n-grams stops the run before it writes anything. `--frames` walks the segments the same way.

use crate::spilled::{MEDIUM, inaugural, run_with, same_bytes, shared};
use crate::util::{TestDir, csv_rows, refrain};

#[test]
fn phrases_on_disk_equal_phrases_in_memory() {
    let corpus = inaugural();
    let corpus = corpus.to_str().unwrap();
    let out = same_bytes(MEDIUM, &["phrases", corpus, "--format", "csv"]);
    // Cross-checked by hand against the in-memory run: the most frequent formula.
    let rows = csv_rows(&out);
    assert_eq!(rows[0]["phrase"], "united states", "{out}");
    assert_eq!((rows[0]["count"].as_str(), rows[0]["independent"].as_str()), ("159", "91"));
    assert!(rows.iter().any(|r| r["phrase"] == "fellow citizens"), "{out}");
    for args in [
        &["-n", "2..5", "--min-count", "2", "--score", "independent"][..],
        &["--score", "g2", "--top", "40", "--format", "json"],
        &["--overlap", "none", "--stopword-edges", "keep", "--min-docs", "1"],
        &["-n", "3..8", "--min-per-million", "20", "--score", "dp"],
    ] {
        same_bytes(MEDIUM, &[&["phrases", corpus][..], args].concat());
    }
}

#[test]
fn formulaicity_and_groups_on_disk() {
    let corpus = inaugural();
    let corpus = corpus.to_str().unwrap();
    let out = same_bytes(MEDIUM, &["phrases", corpus, "--per-doc", "--format", "csv"]);
    assert_eq!(csv_rows(&out).len(), 59, "one row per address");
    let by = ["phrases", corpus, "--by", "year", "--top", "5", "--format", "csv"];
    let out = same_bytes(MEDIUM, &by);
    assert!(csv_rows(&out).iter().any(|r| r["phrase"] == "united states"), "{out}");
    same_bytes(MEDIUM, &["phrases", corpus, "--by", "doc", "--top", "3", "--score", "mi"]);
}

#[test]
fn frames_on_disk_equal_frames_in_memory() {
    let corpus = inaugural();
    let corpus = corpus.to_str().unwrap();
    let out = same_bytes(MEDIUM, &["phrases", corpus, "--frames", "--format", "csv"]);
    let rows = csv_rows(&out);
    assert!(rows.iter().all(|r| r["frame"].contains(" * ")), "{out}");
    let keep = ["--frames", "--stopword-edges", "keep", "--overlap", "none", "-n", "3..5"];
    same_bytes(MEDIUM, &[&["phrases", corpus][..], &keep].concat());
    if let Some(kp) = shared("kcna_kp") {
        same_bytes(MEDIUM, &["phrases", kp.to_str().unwrap(), "--frames", "--top", "200"]);
    }
}

#[test]
fn phrases_on_disk_whatever_the_threads() {
    let corpus = inaugural();
    let corpus = corpus.to_str().unwrap();
    let one = run_with(MEDIUM, &["-j1", "phrases", corpus, "-n", "2..6"]).0;
    let two = run_with(MEDIUM, &["-j2", "phrases", corpus, "-n", "2..6"]).0;
    assert!(!one.is_empty());
    assert_eq!(one, two, "-j1 and -j2 printed other bytes");
}

#[test]
fn a_budget_too_small_for_the_counted_phrases_names_the_one_needed() {
    let dir = TestDir::new();
    let out_path = dir.path().join("phrases.csv");
    let texts = dir.path().join("texts");
    std::fs::create_dir(&texts).unwrap();
    // Every n-gram seen once is kept: 800,000 random words of a 5,000-word vocabulary make
    // about 3.2 million n-grams of 1 to 4 words, more than 128M holds once rebuilt, while
    // the bounded counter needs less.
    let mut text = String::new();
    let mut x: u64 = 12345;
    for doc in 0..40 {
        for _ in 0..20_000 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            text.push_str(&format!("w{} ", (x >> 33) % 5000));
        }
        std::fs::write(texts.join(format!("d{doc}.txt")), &text).unwrap();
        text.clear();
    }
    let out = refrain()
        .env("REFRAIN_FORCE_SPILL", "1")
        .args(["phrases", "--memory", "128M", "--min-count", "1", "--min-docs", "1"])
        .args(["--stopword-edges", "keep", "-n", "2..4", "-o"])
        .arg(&out_path)
        .arg(&texts)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("too small for these phrases"), "{err}");
    assert!(err.contains("--min-count"), "{err}");
    assert!(!out_path.exists(), "a refused run wrote its output");
}

#[test]
fn shared_corpora_phrases_on_disk() {
    if let Some(kp) = shared("kcna_kp") {
        let kp = kp.to_str().unwrap();
        same_bytes(MEDIUM, &["phrases", kp, "--format", "csv"]);
        same_bytes(MEDIUM, &["phrases", kp, "--by", "month", "--top", "5", "-n", "2..4"]);
    }
    if let Some(ko) = shared("nk_newyear_ko") {
        same_bytes(MEDIUM, &["phrases", ko.to_str().unwrap(), "-n", "2..6"]);
    }
}
