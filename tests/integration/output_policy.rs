//! What refrain prints and how it writes text a spreadsheet or a terminal could misread:
//! `-q`/`-qq`/`--silent`, CSV/TSV cells that look like formulas, bidi controls.

use crate::util::{TestDir, refrain};

/// A corpus whose reading warns (invalid UTF-8, an empty file), and its folder.
fn corpus_with_warnings() -> TestDir {
    let dir = TestDir::new();
    dir.write("good.txt", "Party cells and party cells.");
    dir.write("latin1.txt", b"Party cells in caf\xe9 society.");
    dir.write("empty.txt", "");
    dir
}

fn stderr_of(args: &[&str], dir: &TestDir) -> (bool, String) {
    let out = refrain().args(args).arg(dir.path()).output().unwrap();
    (out.status.success(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn quiet_keeps_warnings_and_double_quiet_or_silent_drops_them() {
    let dir = corpus_with_warnings();
    let (ok, normal) = stderr_of(&["freq", "--format", "csv"], &dir);
    assert!(ok);
    assert!(normal.contains("refrain: warning:") && normal.contains("refrain: read 3 inputs"));
    let (ok, quiet) = stderr_of(&["freq", "-q", "--format", "csv"], &dir);
    assert!(ok);
    // -q: the two warnings and nothing else.
    let lines: Vec<&str> = quiet.lines().collect();
    assert_eq!(lines.len(), 2, "{quiet}");
    assert!(lines.iter().all(|l| l.starts_with("refrain: warning:")), "{quiet}");
    for silent in
        [&["freq", "-qq", "--format", "csv"][..], &["freq", "-q", "-q"], &["--silent", "freq"]]
    {
        let (ok, err) = stderr_of(silent, &dir);
        assert!(ok);
        assert_eq!(err, "", "{silent:?}");
    }
}

#[test]
fn silent_still_prints_errors() {
    let dir = TestDir::new();
    let missing = dir.join("nope");
    for flags in [&["-qq"][..], &["--silent"]] {
        let out = refrain().arg("freq").args(flags).arg(&missing).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.starts_with("refrain: error:") && err.contains("nope"), "{err}");
    }
}
