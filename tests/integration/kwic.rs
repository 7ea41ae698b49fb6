//! `refrain kwic`: contexts at document edges and across paragraphs, sorting, limits, formats.

use crate::util::{TestDir, csv_rows, run_ok};

fn articles() -> TestDir {
    let dir = TestDir::new();
    dir.write(
        "k/a.jsonl",
        concat!(
            r#"{"date": "2017-12-24", "title": "Cells", "text": "Party cells are the basic units. They strengthen the party cell."}"#,
            "\n",
            r#"{"date": "2016-05-01", "title": "Señor", "text": "조선로동당 party cells\n\nin Pyongyang."}"#,
            "\n",
            r#"{"text": "Undated party cells."}"#,
            "\n"
        ),
    );
    dir
}

#[test]
fn lines_in_corpus_order_with_edges_and_paragraphs() {
    let dir = articles();
    let k = dir.join("k");
    let (out, err) =
        run_ok(&["kwic", k.to_str().unwrap(), "party", "cell", "--window", "3", "--format", "csv"]);
    assert!(err.contains("found `party cell` (keys: parti cell) 4 times in 3 documents"), "{err}");
    let rows = csv_rows(&out);
    let got: Vec<(&str, &str, &str, &str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["doc"].as_str(),
                r["left"].as_str(),
                r["match"].as_str(),
                r["right"].as_str(),
                r["word"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            // The title is the first paragraph of the text: it shows in the left context.
            ("a#1", "Cells ¶", "Party cells", "are the basic", "2"),
            ("a#1", "They strengthen the", "party cell", "", "11"),
            ("a#2", "Señor ¶ 조선로동당", "party cells", "¶ in Pyongyang", "3"),
            ("a#3", "Undated", "party cells", "", "2"),
        ]
    );
    assert_eq!(rows[0]["date"], "2017-12-24");
    assert_eq!(rows[3]["date"], "");
}

#[test]
fn sort_limit_exact_and_formats() {
    let dir = articles();
    let k = dir.join("k");
    let p = k.to_str().unwrap();
    // By date: 2016 first, undated last; --limit after sorting.
    let (out, _) =
        run_ok(&["kwic", p, "party cells", "--sort", "date", "--limit", "2", "--format", "csv"]);
    let rows = csv_rows(&out);
    assert_eq!(rows.iter().map(|r| r["doc"].as_str()).collect::<Vec<_>>(), ["a#2", "a#1"]);
    // --exact: "party cell" as written is not "party cells".
    let (out, _) = run_ok(&["kwic", p, "party cell", "--exact", "--format", "csv"]);
    assert_eq!(csv_rows(&out).len(), 1);
    // A wildcard.
    let (out, _) = run_ok(&["kwic", p, "the * units", "--format", "csv"]);
    assert_eq!(csv_rows(&out)[0]["match"], "the basic units");
    // Every format.
    for ext in ["csv", "tsv", "json", "parquet", "txt"] {
        let out = dir.join(&format!("out.{ext}"));
        run_ok(&["kwic", p, "party cells", "-o", out.to_str().unwrap()]);
        let bytes = std::fs::read(&out).unwrap();
        match ext {
            "json" => {
                let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                assert_eq!(v[2]["left"], "Señor ¶ 조선로동당");
            }
            "parquet" => assert!(bytes.starts_with(b"PAR1")),
            _ => assert!(String::from_utf8(bytes).unwrap().contains("조선로동당")),
        }
    }
}
