//! Cleaning (`--clean auto`, the default) keeps body text: a repeated plain-text line is text,
//! and everything cleaning does remove is counted, per document (`docs`' `removed_chars`) and
//! in the run summary.

use crate::util::{TestDir, csv_rows, row, run_ok};

/// The count of the 1-gram `phrase` in `freq`'s CSV for the file `path`.
fn count(path: &str, phrase: &str) -> String {
    let (out, _) = run_ok(&["freq", "--format", "csv", path]);
    row(&csv_rows(&out), "phrase", phrase)["count"].clone()
}

#[test]
fn repeated_lines_are_counted_every_time() {
    let dir = TestDir::new();
    // A speech that opens with the same sentence twice (it was taken for a title printed
    // twice, and one copy was dropped).
    let speech = dir.write("speech.txt", "I have a dream today.\n\nI have a dream today.\n");
    assert_eq!(count(speech.to_str().unwrap(), "dream"), "2");
    // A poem's refrain.
    let poem =
        dir.write("poem.txt", "Hold fast to dreams\nHold fast to dreams\nFor if dreams die\n");
    assert_eq!(count(poem.to_str().unwrap(), "hold"), "2");
    // Five identical lines were counted 4 times.
    let five = dir.write("five.txt", "Alpha beta gamma delta. Omega ran.\n".repeat(5));
    assert_eq!(count(five.to_str().unwrap(), "omega"), "5");
    // Nothing was removed from any of them, and the summary has nothing to say about it.
    let (out, err) = run_ok(&["docs", "--format", "csv", dir.path().to_str().unwrap()]);
    let rows = csv_rows(&out);
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|r| r["removed_chars"] == "0"), "{rows:?}");
    assert!(!err.contains("removed:"), "{err}");
}

#[test]
fn removals_are_counted_per_document_and_in_the_summary() {
    // The bundled seed article: its title twice (once in <nobr><strong> markup, 4 tags, 30
    // characters), then the dateline (28 characters without spaces) and two footer lines at
    // the end (23 and 46). The second copy of the title (66) goes too: it stands between the
    // start and the dateline, where the body has not begun.
    let (out, err) = run_ok(&["docs", "--format", "csv"]);
    let rows = csv_rows(&out);
    let seed = row(&rows, "id", "seed");
    assert_eq!(seed["removed_chars"], (30 + 66 + 28 + 23 + 46).to_string());
    assert_eq!(
        seed["title"],
        "Kim Jong Un Makes Closing Address at 5th Conference of Cell Chairpersons of WPK"
    );
    assert!(
        err.contains(
            "refrain: removed: 1 dateline, 2 footers, 1 title copy, 4 markup tags (193 characters)\n"
        ),
        "{err}"
    );
    let (help, _) = run_ok(&["docs", "--help"]);
    assert!(help.contains("removed_chars"), "{help}");
}

/// Bidi controls and direction marks are not part of a word: with cleaning (which removes and
/// counts them) and without (`--clean none`), `great` is one row, counted 6 times.
#[test]
fn direction_marks_do_not_split_words() {
    let dir = TestDir::new();
    dir.write(
        "a.txt",
        "We praise the \u{202e}great\u{202c} leader today. The \u{2067}great\u{2069} leader \
         rules. The great leader rules.",
    );
    dir.write("b.txt", "The great\u{200e} leader. The \u{200f}great\u{61c} and great\u{202a}.");
    let path = dir.path().to_str().unwrap();
    for clean in ["auto", "kcna", "none"] {
        let (out, err) = run_ok(&["freq", "--format", "csv", "--clean", clean, path]);
        let rows = csv_rows(&out);
        let great: Vec<_> = rows.iter().filter(|r| r["phrase"].contains("great")).collect();
        assert_eq!(great.len(), 1, "--clean {clean}: {great:?}");
        assert_eq!((great[0]["phrase"].as_str(), great[0]["count"].as_str()), ("great", "6"));
        if clean == "none" {
            assert!(!err.contains("removed:"), "{err}");
        } else {
            // 4 + 4 marks, 8 characters.
            assert!(
                err.contains("refrain: removed: 8 invisible characters (8 characters)\n"),
                "--clean {clean}: {err}"
            );
        }
    }
}

/// A plain line twice before a dateline is body text: nothing shows it is a heading (no
/// markup, no title field), so both copies are counted and nothing is removed. (One copy was
/// removed as a "title copy", with the dateline.)
#[test]
fn a_plain_line_twice_before_a_dateline_is_counted_twice() {
    let dir = TestDir::new();
    let path = dir.write(
        "march.txt",
        "We shall overcome today.\nWe shall overcome today.\n\
         Pyongyang, May 3 (KCNA) -- The people marched.\n",
    );
    let path = path.to_str().unwrap();
    assert_eq!(count(path, "overcome"), "2");
    let (out, err) = run_ok(&["docs", "--format", "csv", path]);
    assert_eq!(csv_rows(&out)[0]["removed_chars"], "0");
    assert!(!err.contains("removed:"), "{err}");
}
