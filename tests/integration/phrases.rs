//! `refrain phrases` end to end, on small corpora the tests write (answers worked by hand).

use std::path::Path;

use assert_cmd::Command;

fn refrain() -> Command {
    Command::cargo_bin("refrain").expect("the refrain binary")
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).expect("write a test file");
}

/// Two dated documents: "alpha beta gamma delta" 5 times in all, "beta gamma" 3 more times.
/// a: 7 words in January 2017, b: 22 words in March 2017.
fn two_documents() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "2017-01-05_a.txt", "Alpha beta gamma delta. Beta gamma. Omega.\n");
    write(
        dir.path(),
        "2017-03-02_b.txt",
        "Alpha beta gamma delta. Beta gamma. Alpha beta gamma delta. Alpha beta gamma delta. \
         Beta gamma. Alpha beta gamma delta. Omega zeta.\n",
    );
    dir
}

fn csv_rows(out: &[u8]) -> Vec<Vec<String>> {
    let text = String::from_utf8(out.to_vec()).expect("UTF-8 output");
    text.lines().map(|l| l.split(',').map(str::to_string).collect()).collect()
}

#[test]
fn formulas_independent_counts_parents_and_spread() {
    let dir = two_documents();
    let out =
        refrain().args(["phrases", "-q", "--format", "csv"]).arg(dir.path()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rows = csv_rows(&out.stdout);
    assert_eq!(
        rows[0].join(","),
        "phrase,key,n,count,independent,parent,per_million,docs,doc_share,dp,g2,mi,t,logdice,scp,\
         first,last,peak_period"
    );
    // By count: "beta gamma" 8 (5 inside the 4-gram: 62.5% < 80%, kept with 3 of its own),
    // then the 4-gram 5; its 3-gram and 2-gram parts are wholly inside it and dropped.
    // Peaks: the 4-gram is 1 of 7 words in January and 4 of 22 in March (higher); "beta
    // gamma" 2 of 7 in January (higher) and 6 of 22 in March.
    let pick = |r: &Vec<String>| [0, 2, 3, 4, 5, 7, 15, 16, 17].map(|i| r[i].clone()).join("|");
    assert_eq!(
        pick(&rows[1]),
        "beta gamma|2|8|3|alpha beta gamma delta|2|2017-01-05|2017-03-02|2017-01"
    );
    assert_eq!(pick(&rows[2]), "alpha beta gamma delta|4|5|5||2|2017-01-05|2017-03-02|2017-03");
    assert_eq!(rows.len(), 3);

    // --overlap none reports all six candidates; the same rows in every output format.
    let none = refrain()
        .args(["phrases", "-q", "--overlap", "none", "--format", "tsv"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(none.stdout).unwrap().lines().count(), 7);
    // Outputs go beside the corpus: one inside the folder being read is refused (issue 11).
    let outputs = tempfile::tempdir().expect("temp dir");
    for ext in ["json", "parquet", "csv"] {
        let file = outputs.path().join(format!("out.{ext}"));
        refrain().args(["phrases", "-q", "-o"]).arg(&file).arg(dir.path()).assert().success();
        assert!(std::fs::metadata(&file).unwrap().len() > 100, "{ext}");
    }
}

#[test]
fn formulaicity_of_two_documents() {
    // a: "alpha beta gamma delta" (4) + "beta gamma" (2) of 7 words = 6/7; b: 4 × 4 + 2 × 2 =
    // 20 of 22 words. The "beta gamma" inside each 4-gram is not placed again. b first.
    let dir = two_documents();
    let out = refrain()
        .args(["phrases", "-q", "--per-doc", "--format", "csv"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let rows = csv_rows(&out.stdout);
    assert_eq!(rows[0].join(","), "id,title,date,tokens,covered,formulas,formulaicity");
    assert_eq!(rows[1].join(","), "2017-03-02_b,,2017-03-02,22,20,6,0.909091");
    assert_eq!(rows[2].join(","), "2017-01-05_a,,2017-01-05,7,6,2,0.857143");
}

#[test]
fn frames_with_fillers_3_1_1() {
    // "implementing * policies" 5 times: great 3, new 1, old 1. Entropy −(.6 log2 .6 +
    // 2 · .2 log2 .2) = 1.370951 bits, fixedness 0.6.
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "speech.txt",
        "Implementing great policies. Implementing new policies. Implementing great policies. \
         Implementing old policies. Implementing great policies.\n",
    );
    let out = refrain()
        .args(["phrases", "-q", "--frames", "--format", "tsv"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "frame\tkey\tn\tcount\tdocs\tfillers\ttop_fillers\tentropy\tfixedness");
    assert_eq!(
        lines[1],
        "implementing * policies\timplement * polici\t3\t5\t1\t3\tgreat 3; new 1; old 1\t1.370951\t0.6"
    );
    assert_eq!(lines.len(), 2);
}

#[test]
fn phrases_need_two_words() {
    let out = refrain().args(["phrases", "-q", "-n", "1..3"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least two words"));
}

#[test]
fn formulas_by_month_with_empty_months() {
    // January: "alpha beta gamma delta" once (7 words); February: no document; March: 4 times
    // (22 words). "beta gamma" (1 + 2 alone) stays a formula too, parent the 4-gram.
    let dir = two_documents();
    let out = refrain()
        .args([
            "phrases",
            "--by",
            "month",
            "--min-count",
            "2",
            "--min-docs",
            "1",
            "--format",
            "csv",
        ])
        .arg(dir.path())
        .output()
        .expect("run refrain");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rows = csv_rows(&out.stdout);
    assert_eq!(rows[0].join(","), "phrase,key,n,period,count,per_million,docs,doc_share,tokens");
    let formula: Vec<String> = rows[1..]
        .iter()
        .filter(|r| r[0] == "alpha beta gamma delta")
        .map(|r| format!("{} {} {} {}", r[3], r[4], r[5], r[8]))
        .collect();
    // 1 / 7 × 10⁶ = 142857.142857; 4 / 22 × 10⁶ = 181818.181818.
    assert_eq!(
        formula,
        ["2017-01 1 142857.142857 7", "2017-02 0  0", "2017-03 4 181818.181818 22"]
    );
}

#[test]
fn a_formula_at_the_length_cap_after_a_window_ending_on_a_stop_word_is_reported() {
    // Issue 11. The 9-word sentence is longer than the cap (8): its windows are "alpha … golf
    // the" (ends on a stop word: can never be reported) and "bravo … the hotel". The second
    // must not be dropped as the continuation of the first: it is the first reportable window
    // of the formula. "alpha … golf" (7) lies inside no reported phrase and stays too;
    // "golf the hotel" is inside the 8-gram 3 times of 6.
    let dir = tempfile::tempdir().expect("temp dir");
    for name in ["a1.txt", "a2.txt", "a3.txt"] {
        write(dir.path(), name, "Alpha bravo charlie delta echo foxtrot golf the hotel.\n");
    }
    write(dir.path(), "b.txt", "We saw golf the hotel today.\nThey like golf the hotel too.\n");
    write(dir.path(), "c.txt", "Golf the hotel again.\n");
    let out = refrain()
        .args(["phrases", "-q", "-n", "2..8", "--min-count", "2", "--format", "csv"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // Compared in phrase order, whatever the row order.
    let mut rows: Vec<String> = csv_rows(&out.stdout)[1..]
        .iter()
        .map(|r| [0, 2, 3, 4, 5, 7].map(|i| r[i].clone()).join("|"))
        .collect();
    rows.sort();
    assert_eq!(
        rows,
        [
            "alpha bravo charlie delta echo foxtrot golf|7|3|3||3",
            "bravo charlie delta echo foxtrot golf the hotel|8|3|3||3",
            "golf the hotel|3|6|3|bravo charlie delta echo foxtrot golf the hotel|5",
        ]
    );
}
