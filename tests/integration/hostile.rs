//! Hostile input that once took quadratic time: 200,000-character runs of what one stage
//! handled character by character with a search of the rest of the text each time.
//!
//! Each run goes through the built binary with a timeout. The timeout is a hang guard, not a
//! speed measurement: it sits far above the linear time (each run takes about a second in a
//! debug build, on a busy machine too), while quadratic code takes many minutes here (at
//! 40,000 characters these took 17 to over 60 seconds in a release build, and 200,000 is 25
//! times that), so a regression fails the test instead of hanging CI. The criterion group
//! `hostile` in benches/pipeline.rs watches the speed itself.

use std::time::Duration;

use crate::util::{TestDir, csv_rows, refrain};

const RUN: usize = 200_000;

/// Far above the linear time, far below the quadratic one (see the module comment).
const HANG_GUARD: Duration = Duration::from_secs(120);

/// Run `refrain docs` on `path` with `--clean clean`; return the one document's row and stderr.
fn docs(path: &str, clean: &str) -> (std::collections::BTreeMap<String, String>, String) {
    let out = refrain()
        .args(["docs", "--format", "csv", "--clean", clean, path])
        .timeout(HANG_GUARD)
        .output()
        .expect("run refrain");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "refrain docs --clean {clean} {path} failed or hung:\n{stderr}");
    let mut rows = csv_rows(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(rows.len(), 1, "{path}");
    (rows.remove(0), stderr)
}

#[test]
fn long_runs_are_read_and_analysed() {
    // (name, run, characters cleaning removes, clean modes): only the overrides are removed
    // (as invisible characters); with `--clean none` they reach the sentence and word
    // segmenters, which must be linear on them too.
    let runs = [
        // One letter and 200,000 combining accents (NFKC in the cleaning stage).
        ("accents", format!("a{}", "\u{301}".repeat(RUN)), 0, &["auto"][..]),
        // Comment openers without a `-->` (HTML remnants in plain text): nothing is markup.
        ("comments", "<!--".repeat(RUN / 4), 0, &["auto"]),
        // Right-to-left overrides, full stops, question marks (sentence boundaries).
        ("overrides", "\u{202e}".repeat(RUN), RUN, &["auto", "none"]),
        ("stops", ".".repeat(RUN), 0, &["auto"]),
        ("questions", "?".repeat(RUN), 0, &["auto"]),
    ];
    let dir = TestDir::new();
    for (name, run, removed, modes) in &runs {
        let path = dir.write(&format!("{name}.txt"), format!("Omega ran. {run}\nOmega ran."));
        for clean in *modes {
            let (row, err) = docs(path.to_str().unwrap(), clean);
            // "Omega ran" twice; the accented "a" is one word of 400,000 bytes and more, left
            // out as overlong; nothing else is a word.
            assert_eq!(row["words"], "4", "{name} --clean {clean}");
            let removed = if *clean == "none" { 0 } else { *removed };
            assert_eq!(row["removed_chars"], removed.to_string(), "{name} --clean {clean}");
            let overlong = err.contains("left out 1 words longer than 100 bytes");
            assert_eq!(overlong, *name == "accents", "{name}: {err}");
        }
    }
}
