//! Bad input: every problem is reported with its file (and line or record), counted in the
//! summary, and never stops the run; errors that make a run meaningless exit with status 2
//! and write nothing.

use crate::util::{TestDir, csv_rows, refrain, row, run_ok};

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

/// stderr of a finished run.
fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Issue 11 B1: `-o` naming an input (directly or through a link) or a file inside a folder
/// being read is refused with status 2, and the input is left as it was.
#[test]
fn an_output_that_would_overwrite_an_input_is_refused() {
    let dir = TestDir::new();
    let text = "Party cells and party cells.";
    let k = dir.write("k.txt", text);
    dir.write("corpus/a.txt", text);
    let corpus = dir.join("corpus");
    let k_s = k.to_str().unwrap();
    let out = refrain().args(["freq", "-o", k_s, "--format", "csv", k_s]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("refusing to write") && stderr(&out).contains("an input"));
    #[cfg(unix)]
    {
        let link = dir.join("link.csv");
        std::os::unix::fs::symlink(&k, &link).unwrap();
        let out = refrain().args(["docs", "-o", link.to_str().unwrap(), k_s]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    }
    let inside = corpus.join("out.csv");
    let c = corpus.to_str().unwrap();
    let out = refrain().args(["freq", "-o", inside.to_str().unwrap(), c]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("lies inside"), "{}", stderr(&out));
    let chart = corpus.join("top.png");
    let out = refrain().args(["freq", "--chart", chart.to_str().unwrap(), c]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let meta = dir.write("meta.csv", "id,x\na,1\n");
    let m = meta.to_str().unwrap();
    let out = refrain().args(["kwic", "--meta", m, "-o", m, c, "party"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&k).unwrap(), text);
    assert_eq!(std::fs::read_to_string(&meta).unwrap(), "id,x\na,1\n");
    assert!(!inside.exists() && !chart.exists());
    // An output beside the corpus is fine.
    let beside = dir.join("out.csv");
    run_ok(&["freq", "-o", beside.to_str().unwrap(), c]);
    assert!(beside.exists());
}

/// Issue 11 B1: a report folder that is, or holds, an input is refused.
#[test]
fn a_report_folder_that_holds_an_input_is_refused() {
    let dir = TestDir::new();
    dir.write("corpus/a.txt", "Party cells and party cells.");
    let c = dir.join("corpus");
    for out in [c.clone(), dir.path().to_path_buf()] {
        let r = refrain()
            .args(["report", "-o", out.to_str().unwrap(), c.to_str().unwrap()])
            .output()
            .unwrap();
        assert_eq!(r.status.code(), Some(2), "{}", stderr(&r));
        assert!(stderr(&r).contains("refusing to write the report"), "{}", stderr(&r));
    }
    assert_eq!(std::fs::read_to_string(c.join("a.txt")).unwrap(), "Party cells and party cells.");
}

/// Issue 11 B3: FIFOs and links to devices inside a folder are skipped and named; named as
/// PATH they are refused at once; `-` still reads stdin.
#[cfg(unix)]
#[test]
fn special_files_are_skipped_or_refused_never_read() {
    let dir = TestDir::new();
    dir.write("c/a.txt", "Party cells and party cells.");
    let fifo = dir.join("c/pipe.txt");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    std::os::unix::fs::symlink("/dev/zero", dir.join("c/zero.txt")).unwrap();
    let timeout = std::time::Duration::from_secs(60);
    let c = dir.join("c");
    let out = refrain()
        .args(["freq", "-n", "2", "--format", "csv", c.to_str().unwrap()])
        .timeout(timeout)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    for name in ["pipe.txt", "zero.txt"] {
        assert!(err.lines().any(|l| l.contains(name) && l.contains("special file")), "{err}");
    }
    assert!(err.contains("FIFO") && err.contains("a device"), "{err}");
    assert!(err.contains("skipped 2: special file"), "{err}");
    let rows = csv_rows(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(row(&rows, "phrase", "party cells")["count"], "2");
    for path in [fifo.to_str().unwrap(), "/dev/zero"] {
        let out = refrain().args(["freq", path]).timeout(timeout).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{path}: {}", stderr(&out));
        assert!(stderr(&out).contains("not a file or folder"), "{}", stderr(&out));
    }
    let out = refrain()
        .args(["freq", "-n", "2", "--format", "csv", "-"])
        .write_stdin("Party cells and party cells.")
        .timeout(timeout)
        .output()
        .unwrap();
    let rows = csv_rows(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(row(&rows, "phrase", "party cells")["count"], "2");
}

/// Issue 11 B3: a file, or a `.gz`'s content, over --max-file-size is skipped and counted.
#[test]
fn files_over_the_size_cap_are_skipped() {
    use std::io::Write;
    let dir = TestDir::new();
    dir.write("c/small.txt", "Party cells and party cells.");
    dir.write("c/big.txt", "party cells ".repeat(100));
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all("party cells ".repeat(1000).as_bytes()).unwrap();
    let gz = gz.finish().unwrap();
    assert!(gz.len() < 1000, "{} bytes", gz.len());
    dir.write("c/bomb.txt.gz", gz);
    let c = dir.join("c");
    let out = refrain()
        .args(["freq", "-n", "2", "--format", "csv", "--max-file-size", "1K"])
        .arg(&c)
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = stderr(&out);
    assert!(err.lines().any(|l| l.contains("big.txt") && l.contains("too large")), "{err}");
    assert!(err.lines().any(|l| l.contains("bomb.txt.gz") && l.contains("too large")), "{err}");
    assert!(err.contains("skipped 2: too large"), "{err}");
    let rows = csv_rows(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(row(&rows, "phrase", "party cells")["count"], "2");
    let bad = refrain().args(["freq", "--max-file-size", "lots"]).arg(&c).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

/// Issue 11 B6: `--text-field` applies to records; plain text files stay documents.
#[test]
fn text_field_does_not_drop_text_files() {
    let dir = TestDir::new();
    dir.write("c/speech.txt", "Party cells stand firm.");
    dir.write("c/notes.md", "Party cells again.");
    dir.write(
        "c/records.jsonl",
        "{\"body\": \"Party cells in a record.\", \"text\": \"other words\"}\n",
    );
    let c = dir.join("c");
    let (out, err) = run_ok(&[
        "freq",
        "-n",
        "2",
        "--text-field",
        "body",
        "--format",
        "csv",
        c.to_str().unwrap(),
    ]);
    assert!(err.contains("3 documents"), "{err}");
    let rows = csv_rows(&out);
    assert_eq!(row(&rows, "phrase", "party cells")["count"], "3");
    assert!(rows.iter().all(|r| r["phrase"] != "other words"));
}

/// Issue 11 B9: the same file named twice (or inside a folder named too) is read once, with a
/// warning.
#[test]
fn a_file_given_twice_is_counted_once() {
    let dir = TestDir::new();
    let a = dir.write("c/a.txt", "Party cells and party cells.");
    let (a, c) = (a.to_str().unwrap(), dir.join("c"));
    let (out, err) = run_ok(&["freq", "-n", "2", "--format", "csv", a, a, c.to_str().unwrap()]);
    assert_eq!(row(&csv_rows(&out), "phrase", "party cells")["count"], "2");
    assert!(err.contains("skipped 2: duplicate"), "{err}");
    assert!(err.lines().any(|l| l.contains("a.txt") && l.contains("read once")), "{err}");
}

/// Issue 11 B9: a `.gz` that is not gzip is a problem naming the file, not text.
#[test]
fn a_gz_that_is_not_gzip_is_reported() {
    let dir = TestDir::new();
    dir.write("c/a.txt", "Party cells and party cells.");
    dir.write("c/fake.txt.gz", "Party cells hidden in plain text.");
    let c = dir.join("c");
    let (out, err) = run_ok(&["freq", "-n", "2", "--format", "csv", c.to_str().unwrap()]);
    assert_eq!(row(&csv_rows(&out), "phrase", "party cells")["count"], "2");
    assert!(err.lines().any(|l| l.contains("fake.txt.gz") && l.contains("not gzip")), "{err}");
}

/// Issue 11 B9: a run that finds no document says so (and still exits 0).
#[test]
fn an_empty_folder_is_warned_about() {
    let dir = TestDir::new();
    let (_, err) = run_ok(&["docs", dir.path().to_str().unwrap()]);
    assert!(err.contains("warning: no documents"), "{err}");
    dir.write("notes.docx", "not a corpus format");
    let (_, err) = run_ok(&["freq", "-q", dir.path().to_str().unwrap()]);
    assert!(err.contains("warning: no documents"), "{err}");
}

/// Issue 11 B9: a binary or non-UTF-8 stop-word list is an error naming it.
#[test]
fn a_binary_stopword_list_is_refused() {
    let dir = TestDir::new();
    let text = dir.write("a.txt", "Party cells.");
    let exe = dir.write("prog", b"\x7fELF\x02\x01\x01\x00\x00\x00\x00");
    let latin = dir.write("stop.txt", b"the\ncaf\xe9\n");
    let mut lists = vec![exe, latin];
    if std::path::Path::new("/bin/ls").is_file() {
        lists.push("/bin/ls".into());
    }
    for list in lists {
        let out = refrain().args(["freq", "--stopwords"]).arg(&list).arg(&text).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", list.display());
        let err = stderr(&out);
        assert!(err.contains(&list.display().to_string()), "{err}");
        assert!(err.contains("binary") || err.contains("not UTF-8"), "{err}");
    }
}

/// Issue 11 B9: `-o afile/x.csv` says `afile` is a file; an OS message is printed once.
#[test]
fn error_messages_say_what_is_wrong_once() {
    let dir = TestDir::new();
    let file = dir.write("afile", "x");
    let out = refrain().args(["freq", "-o"]).arg(file.join("x.csv")).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("is a file, not a folder"), "{}", stderr(&out));
    let out = refrain().args(["freq", "--chart"]).arg(file.join("x.png")).output().unwrap();
    assert!(stderr(&out).contains("is a file, not a folder"), "{}", stderr(&out));
    let out = refrain().arg("freq").arg(file.join("sub")).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.matches("Not a directory").count(), 1, "{err}");
}

/// Issue 11 B9: `-j` is capped (20,000 threads once took a minute on two files).
#[test]
fn huge_thread_counts_are_capped() {
    let dir = TestDir::new();
    let a = dir.write("a.txt", "Party cells and party cells.");
    let b = dir.write("b.txt", "More party cells.");
    let out = refrain()
        .args(["-j", "20000", "freq", "-n", "2", "--format", "csv"])
        .args([&a, &b])
        .timeout(std::time::Duration::from_secs(30))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("-j 20000 lowered to"), "{}", stderr(&out));
    let rows = csv_rows(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(row(&rows, "phrase", "party cells")["count"], "3");
}

/// Issue 11 B5: running out of memory (under `ulimit -v`) is a clear error with status 2, not
/// an abort (status 134).
#[cfg(target_os = "linux")]
#[test]
fn out_of_memory_is_a_clear_error() {
    let dir = TestDir::new();
    // 3 million words drawn from 50,000: nearly every 2..5-gram is new, so counting needs far
    // more than the 100 MB the limit leaves beside the binary.
    let mut state = 12345u64;
    let mut text = String::with_capacity(24_000_000);
    for i in 0..3_000_000u32 {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        text.push_str(&format!("w{} ", (state >> 33) % 50_000));
        if i % 20 == 19 {
            text.push_str(".\n");
        }
    }
    let corpus = dir.write("big.txt", text);
    let bin = assert_cmd::cargo::cargo_bin("refrain");
    let binary_kb = std::fs::metadata(&bin).unwrap().len() / 1024;
    let limit = binary_kb + 100 * 1024;
    let script = format!(
        "ulimit -v {limit}; exec \"$0\" -j 2 freq -q -n 1..5 --format csv \"$1\" > /dev/null"
    );
    let out = std::process::Command::new("bash")
        .args(["-c", &script])
        .arg(&bin)
        .arg(&corpus)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("refrain: error: out of memory"), "{err}");
}

/// The `refrain` binary, for a run whose standard input is a file (assert_cmd's Command
/// takes only bytes on stdin).
#[cfg(unix)]
fn bin() -> std::path::PathBuf {
    assert_cmd::cargo::cargo_bin("refrain")
}

/// Issue 11 B1 (review): standard input redirected from the output file (`-o k2.txt - <
/// k2.txt`) or from a file of the report folder being replaced is refused with status 2, and
/// the file keeps its text.
#[cfg(unix)]
#[test]
fn an_output_that_is_the_file_on_stdin_is_refused() {
    let dir = TestDir::new();
    let text = "Party cells and party cells.";
    let k2 = dir.write("k2.txt", text);
    let out = std::process::Command::new(bin())
        .args(["freq", "--format", "csv", "-o"])
        .arg(&k2)
        .arg("-")
        .stdin(std::fs::File::open(&k2).unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("refusing to write") && err.contains("standard input"), "{err}");
    assert_eq!(std::fs::read_to_string(&k2).unwrap(), text);
    // A link to the file is the same file.
    let link = dir.join("link.csv");
    std::os::unix::fs::symlink(&k2, &link).unwrap();
    let out = std::process::Command::new(bin())
        .args(["freq", "--format", "csv", "-o"])
        .arg(&link)
        .arg("-")
        .stdin(std::fs::File::open(&k2).unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&k2).unwrap(), text);
    // Another file on stdin is read as usual.
    let other = dir.join("other.csv");
    let out = std::process::Command::new(bin())
        .args(["freq", "-q", "--format", "csv", "-o"])
        .arg(&other)
        .arg("-")
        .stdin(std::fs::File::open(&k2).unwrap())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let rows = csv_rows(&std::fs::read_to_string(&other).unwrap());
    assert_eq!(row(&rows, "phrase", "party")["count"], "2");
    // A report would replace the folder holding the file on stdin.
    dir.write("in/a.txt", text);
    let rep = dir.join("rep");
    run_ok(&["report", "-q", "-o", rep.to_str().unwrap(), dir.join("in").to_str().unwrap()]);
    let terms = std::fs::read(rep.join("terms.csv")).unwrap();
    let out = std::process::Command::new(bin())
        .args(["report", "-q", "-o"])
        .arg(&rep)
        .arg("-")
        .stdin(std::fs::File::open(rep.join("terms.csv")).unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("refusing to write the report") && err.contains("`terms.csv`"), "{err}");
    assert_eq!(std::fs::read(rep.join("terms.csv")).unwrap(), terms);
}

/// Issue 11 B9 (review): errors name the output the user gave and say what is wrong, not the
/// OS's bare words nor the temporary file refrain tried to create.
#[test]
fn output_errors_name_the_output_and_the_cause() {
    let dir = TestDir::new();
    let a = dir.write("a.txt", "Party cells.");
    let b = dir.write("b.txt", "Party cells stand.");
    let rep = a.join("rep");
    let out = refrain().args(["report", "-q", "-o"]).arg(&rep).arg(&b).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let want = format!(
        "refrain: error: cannot create the report folder `{}`: `{}` is a file\n",
        rep.display(),
        a.display()
    );
    assert_eq!(stderr(&out), want);
    #[cfg(target_os = "linux")]
    {
        let out = refrain().args(["freq", "-q", "-o", "/proc/out.csv"]).arg(&b).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(
            stderr(&out),
            "refrain: error: cannot write `/proc/out.csv`: cannot create a file in `/proc` \
             (No such file or directory)\n"
        );
        let out = refrain().args(["report", "-q", "-o", "/proc/rep"]).arg(&b).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = stderr(&out);
        assert!(err.starts_with("refrain: error: cannot create the report folder `/proc/rep`"));
        assert!(!err.contains("partial") && !err.contains("os error"), "{err}");
    }
}

/// Issue 11 (review): `--max-file-size` takes exactly the units `--help` lists (K, M, G, T,
/// KiB…, powers of 1024); `10MB`, which some read as 10,000,000 bytes, is refused.
#[test]
fn max_file_size_takes_only_the_documented_units() {
    let dir = TestDir::new();
    let a = dir.write("a.txt", "Party cells and party cells.");
    let out = refrain().args(["freq", "--max-file-size", "10MB"]).arg(&a).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("`10M` or `10MiB`") && err.contains("powers of 1024"), "{err}");
    let help = refrain().args(["freq", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout).into_owned();
    assert!(help.contains("K, M, G or T, or KiB, MiB, GiB, TiB"), "{help}");
    // 1KiB = 1024 bytes: a file of 1,025 bytes is skipped, one of 1,024 is read.
    let line = "party cells ".repeat(85); // 1,020 bytes
    dir.write("c/over.txt", format!("{line}abcde"));
    dir.write("c/at.txt", format!("{line}abcd"));
    let (out, err) = run_ok(&[
        "freq",
        "--format",
        "csv",
        "--max-file-size",
        "1KiB",
        dir.join("c").to_str().unwrap(),
    ]);
    assert!(err.lines().any(|l| l.contains("over.txt") && l.contains("too large")), "{err}");
    let rows = csv_rows(&out);
    assert_eq!(row(&rows, "phrase", "party")["count"], "85");
}
