//! `refrain freq`: known answers on the bundled seed article, filters, formats, determinism.

use crate::util::{TestDir, csv_rows, refrain, row, run_ok};

#[test]
fn seed_article_known_answers() {
    // Counted by hand in the seed article (data/sample/seed.txt): "party cells" 10 times and
    // "party cell" 3 times ("party cell chairpersons"); "party policies" 6 times.
    let (out, _) = run_ok(&["freq", "-n", "2", "--format", "csv"]);
    let rows = csv_rows(&out);
    let cells = row(&rows, "phrase", "party cells");
    assert_eq!(cells["key"], "parti cell");
    assert_eq!(cells["count"], "13");
    assert_eq!(cells["variants"], "2");
    assert_eq!(cells["docs"], "1");
    let policies = row(&rows, "key", "parti polici");
    assert_eq!(policies["phrase"], "party policies");
    assert_eq!(policies["count"], "6");
    // Stop words never start or end an n-gram by default.
    assert!(
        rows.iter().all(|r| !r["phrase"].starts_with("the ") && !r["phrase"].ends_with(" the"))
    );

    let (out, _) = run_ok(&["freq", "-n", "2", "--no-stem", "--format", "csv"]);
    let rows = csv_rows(&out);
    assert_eq!(row(&rows, "phrase", "party cells")["count"], "10");
    assert_eq!(row(&rows, "phrase", "party cell")["count"], "3");
}

#[test]
fn per_million_and_filters() {
    let dir = TestDir::new();
    dir.write("a.txt", "Red fox runs. Red fox sleeps.");
    dir.write("b.txt", "The red fox is quick.");
    dir.write("c.txt", "Blue bird.");
    let p = dir.path().to_str().unwrap();
    let (out, _) = run_ok(&["freq", "-n", "1..2", "--min-count", "2", "--format", "csv", p]);
    let rows = csv_rows(&out);
    // 13 words; "red fox": 3 times in 2 of 3 documents: 3 / 13 × 10⁶ = 230769.230769.
    let rf = row(&rows, "phrase", "red fox");
    assert_eq!((rf["count"].as_str(), rf["docs"].as_str()), ("3", "2"));
    assert_eq!(rf["per_million"], "230769.230769");
    assert_eq!(rf["doc_share"], "0.666667");
    assert!(rows.iter().all(|r| r["count"].parse::<u32>().unwrap() >= 2));
    let (out, _) = run_ok(&["freq", "--min-docs", "2", "--top", "1", "--format", "csv", p]);
    let rows = csv_rows(&out);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["phrase"], "fox");
}

#[test]
fn every_output_format_from_the_extension() {
    let dir = TestDir::new();
    let input = dir.write("in.txt", "Party cells and party cells. The party cells!");
    for ext in ["csv", "tsv", "json", "parquet", "txt"] {
        let out = dir.join(&format!("out.{ext}"));
        run_ok(&["freq", "-n", "2", "-o", out.to_str().unwrap(), input.to_str().unwrap()]);
        let bytes = std::fs::read(&out).unwrap();
        match ext {
            "csv" => assert!(
                bytes.starts_with(b"phrase,key,n,count,per_million,docs,doc_share,dp,variants\n")
            ),
            "tsv" => assert!(bytes.starts_with(b"phrase\tkey\tn\tcount")),
            "json" => {
                let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                assert_eq!(v[0]["phrase"], "party cells");
                assert_eq!(v[0]["count"], 3);
            }
            "parquet" => assert!(bytes.starts_with(b"PAR1") && bytes.ends_with(b"PAR1")),
            _ => assert!(String::from_utf8(bytes).unwrap().contains("party cells")),
        }
    }
}

#[test]
fn stdin_is_read_with_a_dash() {
    let out = refrain()
        .args(["freq", "-n", "3", "--format", "csv", "-"])
        .write_stdin("implementing the party policies and implementing the party policies")
        .output()
        .unwrap();
    assert!(out.status.success());
    let rows = csv_rows(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(row(&rows, "phrase", "implementing the party")["count"], "2");
}

/// A corpus big enough to be cut into several blocks and chunks.
fn big_corpus(dir: &TestDir) {
    let words = ["party", "cells", "the", "revolution", "policies", "socialist", "power", "of"];
    let mut seed = 7u64;
    for d in 0..40 {
        let mut text = String::new();
        for s in 0..200 {
            for _ in 0..(5 + s % 7) {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                text.push_str(words[(seed >> 33) as usize % words.len()]);
                text.push(' ');
            }
            text.push_str(". ");
        }
        dir.write(&format!("d{d:02}.txt"), text);
    }
}

#[test]
fn output_is_identical_with_one_and_two_threads() {
    let dir = TestDir::new();
    big_corpus(&dir);
    let p = dir.path().to_str().unwrap();
    let (one, _) = run_ok(&["-j", "1", "freq", "-n", "1..4", "--format", "csv", p]);
    let (two, _) = run_ok(&["-j", "2", "freq", "-n", "1..4", "--format", "csv", p]);
    assert_eq!(one, two);
    assert!(one.lines().count() > 100);
}

#[test]
fn non_ascii_paths_and_phrases() {
    let dir = TestDir::new();
    let f = dir.write(
        "연설문 1.txt",
        "조선로동당 만세! 조선로동당 만세! Kimilsungist-Kimjongilist party.",
    );
    let (out, _) = run_ok(&["freq", "-n", "2", "--format", "csv", f.to_str().unwrap()]);
    let rows = csv_rows(&out);
    assert_eq!(row(&rows, "phrase", "조선로동당 만세")["count"], "2");
    assert_eq!(row(&rows, "phrase", "kimilsungist-kimjongilist party")["count"], "1");
}

#[test]
fn summary_goes_to_stderr_and_data_to_stdout() {
    let (out, err) = run_ok(&["freq", "--top", "3", "--format", "csv"]);
    assert_eq!(out.lines().count(), 4);
    assert!(err.contains("read 1 input: 1 document"), "{err}");
    let (_, err) = run_ok(&["-q", "freq", "--top", "3"]);
    assert!(err.is_empty(), "{err}");
}

/// `-o /dev/stdout` writes into the stream (a pipe here) instead of renaming a file over it.
#[cfg(target_os = "linux")]
#[test]
fn output_to_dev_stdout_goes_to_the_stream() {
    let (out, _) =
        run_ok(&["freq", "-n", "2", "--top", "2", "-o", "/dev/stdout", "--format", "csv"]);
    let rows = csv_rows(&out);
    assert_eq!(rows.len(), 2, "{out}");
    assert_eq!(rows[0]["phrase"], "party cells");
}

#[test]
fn files_from_reads_the_listed_paths_before_the_given_ones() {
    let dir = TestDir::new();
    let a = dir.write("in/a b.txt", "The party policies. The party policies again.");
    let b = dir.write("in/b.txt", "The party policies and the party cells.");
    let c = dir.write("c.txt", "Party cells, party cells.");
    let direct = |paths: &[&std::path::Path]| {
        let mut cmd = refrain();
        cmd.args(["freq", "-n", "1..2", "--format", "csv"]).args(paths);
        cmd.output().unwrap()
    };
    let expected = direct(&[&a, &b, &c]);
    assert!(expected.status.success());
    // Listed: a and b (CRLF, a blank line); given: c. Read in that order, as if all were given.
    let list = dir.write("list.txt", format!("{}\r\n\n{}\n", a.display(), b.display()));
    let out = refrain()
        .args(["freq", "-n", "1..2", "--format", "csv", "--files-from"])
        .arg(&list)
        .arg(&c)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.stdout, expected.stdout);
    assert!(String::from_utf8_lossy(&out.stderr).contains("read 3 inputs"));
    // The list from standard input.
    let out = refrain()
        .args(["freq", "-n", "1..2", "--format", "csv", "--files-from", "-"])
        .arg(&c)
        .write_stdin(format!("{}\n{}\n", a.display(), b.display()))
        .output()
        .unwrap();
    assert_eq!(out.stdout, expected.stdout);
}

#[test]
fn files_from_names_a_missing_path_and_its_line() {
    let dir = TestDir::new();
    let a = dir.write("a.txt", "Some text here.");
    let list =
        dir.write("list.txt", format!("{}\n{}\n", a.display(), dir.join("gone.txt").display()));
    let out = refrain().args(["freq", "--files-from"]).arg(&list).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("list.txt`, line 2: `") && err.contains("gone.txt` does not exist"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
    let empty = dir.write("empty.txt", "\n\n");
    let out = refrain().args(["freq", "--files-from"]).arg(&empty).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("names no file"));
    let out = refrain().args(["freq", "--files-from", "-", "-"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot also be a PATH"));
}
