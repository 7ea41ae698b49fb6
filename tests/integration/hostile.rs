//! Hostile input that once took quadratic time: 200,000-character runs of what one stage
//! handled character by character with a search of the rest of the text each time.
//!
//! No time is asserted (the machine's speed is not the test's business). The runs are long
//! enough instead: at 40,000 characters these took 17 to over 60 seconds in a release build,
//! so quadratic code would take 25 times that here, many minutes, and the test would hang
//! in CI rather than pass. Linear code reads all five in about a second in a debug build.

use refrain::pipeline::{PipelineOptions, run};

use crate::util::TestDir;

const RUN: usize = 200_000;

#[test]
fn long_runs_are_read_and_analysed() {
    let runs = [
        // One letter and 200,000 combining accents (NFKC in the cleaning stage).
        ("accents", format!("a{}", "\u{301}".repeat(RUN))),
        // Comment openers without a `-->` (HTML remnants in plain text).
        ("comments", "<!--".repeat(RUN / 4)),
        // Right-to-left overrides, full stops, question marks (sentence boundaries).
        ("overrides", "\u{202e}".repeat(RUN)),
        ("stops", ".".repeat(RUN)),
        ("questions", "?".repeat(RUN)),
    ];
    let dir = TestDir::new();
    for (name, run) in &runs {
        dir.write(&format!("{name}.txt"), format!("Omega ran. {run}\nOmega ran."));
    }
    let corpus = run(&[dir.path().to_path_buf()], &PipelineOptions::default()).unwrap();
    let s = &corpus.summary;
    assert_eq!(s.documents, 5);
    // "Omega ran" twice in each; the accented "a" is one word of 400,000 bytes and more,
    // left out as overlong; nothing else is a word.
    assert_eq!(s.words, 5 * 4);
    assert_eq!(s.overlong_words, 1);
    // Nothing looked like markup: the comments never close.
    assert!(s.removed.is_empty(), "{:?}", s.removed);
}
