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

/// Records whose ids and titles are spreadsheet formulas, and one whose title holds a
/// right-to-left override.
fn hostile_corpus() -> TestDir {
    let dir = TestDir::new();
    let records = [
        (r#"=HYPERLINK(\"http://evil.example\",\"click\")"#, "@SUM(1)"),
        ("+cmd|' /C calc'!A0", "-2+3"),
        ("plain", "Report \u{202e}fdp.exe"),
    ];
    let lines: String = records
        .iter()
        .map(|(id, title)| {
            format!(
                "{{\"id\": \"{id}\", \"title\": \"{title}\", \"text\": \"The party cells met. \
                 The party cells spoke. The party cells voted.\"}}\n"
            )
        })
        .collect();
    dir.write("corpus.jsonl", lines);
    dir
}

fn csv_of(args: &[&str], dir: &TestDir) -> String {
    let out = refrain().args(args).arg(dir.path()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The first two columns of every data row, parsed as a CSV reader (a spreadsheet) sees them.
fn first_cells(csv_text: &str) -> Vec<(String, String)> {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    reader.records().map(|r| r.unwrap()).map(|r| (r[0].to_string(), r[1].to_string())).collect()
}

#[test]
fn formula_cells_in_docs_and_kwic_csv_are_neutralised_unless_raw() {
    let dir = hostile_corpus();
    let ids = [r#"=HYPERLINK("http://evil.example","click")"#, "+cmd|' /C calc'!A0", "plain"];
    // Cleaning removes the right-to-left override from the third title (an invisible
    // character; see the next test for what output does with one that is kept).
    let titles = ["@SUM(1)", "-2+3", "Report fdp.exe"];
    let guarded = |s: &str| {
        if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_string() }
    };

    // docs: id, source, title, …
    // (id, title) of every row of a docs table.
    let id_titles = |csv: &str| -> Vec<(String, String)> {
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        reader.records().map(|r| r.unwrap()).map(|r| (r[0].to_string(), r[2].to_string())).collect()
    };
    let docs = csv_of(&["docs", "-q", "--format", "csv"], &dir);
    let rows = id_titles(&docs);
    let want: Vec<(String, String)> =
        ids.iter().zip(titles).map(|(i, t)| (guarded(i), guarded(t))).collect();
    assert_eq!(rows, want);
    assert!(
        docs.contains("\n\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\","),
        "{docs}"
    );
    let raw = csv_of(&["docs", "-q", "--format", "csv", "--raw-cells"], &dir);
    let rows = id_titles(&raw);
    let want: Vec<(String, String)> =
        ids.iter().zip(titles).map(|(i, t)| (i.to_string(), t.to_string())).collect();
    assert_eq!(rows, want);

    // kwic: doc, title, … (one row per occurrence: three per document), TSV too.
    for (format, sep) in [("csv", b','), ("tsv", b'\t')] {
        let kwic = csv_of(&["kwic", "-q", "--format", format, "party cells"], &dir);
        let rows: Vec<(String, String)> = csv::ReaderBuilder::new()
            .delimiter(sep)
            .from_reader(kwic.as_bytes())
            .records()
            .map(|r| r.unwrap())
            .map(|r| (r[0].to_string(), r[1].to_string()))
            .collect();
        let want: Vec<(String, String)> = ids
            .iter()
            .zip(titles)
            .flat_map(|(i, t)| std::iter::repeat_n((guarded(i), guarded(t)), 3))
            .collect();
        assert_eq!(rows, want, "{format}");
    }
    let raw = csv_of(&["kwic", "-q", "--raw-cells", "--format", "csv", "party cells"], &dir);
    assert_eq!(first_cells(&raw)[3], (ids[1].to_string(), titles[1].to_string()));
}

#[test]
fn a_bidi_override_in_a_title_is_shown_not_obeyed() {
    let dir = hostile_corpus();
    // Cleaning removes the override (counted as an invisible character); with `--clean none`
    // it reaches the output, which shows it rather than obeying it. The terminal table of
    // `docs`:
    let table = csv_of(&["docs", "-q"], &dir);
    assert!(table.contains("Report fdp.exe"), "{table}");
    let table = csv_of(&["docs", "-q", "--clean", "none"], &dir);
    assert!(table.contains("Report <U+202E>fdp.exe"), "{table}");
    assert!(!table.contains('\u{202e}'));
    // The report's page, where the top formulas are cited with their document's title.
    let titled = TestDir::new();
    let text = "The party cells met. The party cells spoke. The party cells voted.";
    let lines: String = (1..=3)
        .map(|i| format!("{{\"id\": \"d{i}\", \"title\": \"Report \u{202e}fdp.exe\", \"text\": \"{text}\"}}\n"))
        .collect();
    let corpus = titled.write("corpus.jsonl", lines);
    let out = titled.join("report");
    let result = refrain()
        .args(["report", "-q", "--clean", "none", "-o"])
        .arg(&out)
        .arg(&corpus)
        .output()
        .unwrap();
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(!html.contains('\u{202e}'), "a raw override in index.html");
    assert!(html.contains("Report &lt;U+202E&gt;fdp.exe"), "the title is not shown");
}
