//! `refrain trend` and `refrain freq --by`: known answers on dated texts the test writes.

use crate::util::{TestDir, csv_rows, refrain, row, run_ok};

/// Four dated documents and one undated. "party cell(s)": twice in 2016-01-05 (9 words with
/// 2016-01-20), once in 2016-03-02 (4 words), once in a document dated only to 2016, once in
/// the undated one.
fn dated_corpus() -> TestDir {
    let dir = TestDir::new();
    dir.write("c/2016-01-05_a.txt", "Party cells work. The party cells grow.");
    dir.write("c/2016-01-20_b.txt", "Nothing here.");
    dir.write("c/2016-03-02_c.txt", "A party cell met.");
    dir.write("c/2016_d.txt", "Party cells everywhere.");
    dir.write("c/undated.txt", "Party cells.");
    dir
}

#[test]
fn trend_by_month_counts_rates_intervals_and_zero_filled_months() {
    let dir = dated_corpus();
    let c = dir.join("c");
    let (out, err) =
        run_ok(&["trend", c.to_str().unwrap(), "party cell", "--by", "month", "--format", "csv"]);
    // The year-only and undated documents are left out of months, and said to be.
    assert!(
        err.contains("grouped into 3 months (2016-01 … 2016-03), 1 of them without documents"),
        "{err}"
    );
    assert!(err.contains("2 documents: 1 undated, 1 dated less precisely than a month"), "{err}");
    let rows = csv_rows(&out);
    assert_eq!(rows.len(), 3);
    let jan = row(&rows, "period", "2016-01");
    // 2 in 7 + 2 = 9 words: 2 / 9 × 10⁶ = 222222.222222. Garwood interval of 2 (SciPy:
    // chi2.ppf(0.025, 4)/2 = 0.242209, chi2.ppf(0.975, 6)/2 = 7.224688) × 10⁶ / 9.
    assert_eq!((jan["count"].as_str(), jan["tokens"].as_str()), ("2", "9"));
    assert_eq!(jan["per_million"], "222222.222222");
    assert_eq!(jan["ci_low"], "26912.14206");
    assert_eq!(jan["ci_high"], "802743.074192");
    assert_eq!(
        (jan["docs"].as_str(), jan["phrase"].as_str(), jan["key"].as_str()),
        ("1", "party cell", "parti cell")
    );
    // February holds no document: a row with 0 tokens and no rate, not a missing row.
    let feb = row(&rows, "period", "2016-02");
    assert_eq!(
        (feb["count"].as_str(), feb["tokens"].as_str(), feb["per_million"].as_str()),
        ("0", "0", "")
    );
    let mar = row(&rows, "period", "2016-03");
    // 1 in 4 words; Garwood interval of 1: 0.025318 and 5.571643 × 10⁶ / 4.
    assert_eq!((mar["count"].as_str(), mar["per_million"].as_str()), ("1", "250000.0"));
    assert_eq!(
        (mar["ci_low"].as_str(), mar["ci_high"].as_str()),
        ("6329.451996", "1392910.847735")
    );
    // No baseline before January; March's baseline is January (and empty February):
    // c = 3, q = 4/13, z = (1 − 3·4/13)/√(3·4/13·9/13) = 0.0769…/0.7992… = 0.096225.
    assert_eq!(jan["z"], "");
    assert_eq!(mar["z"], "0.096225");
    assert!(rows.iter().all(|r| r["spike"] == "false"));

    // By year, the year-only document counts: 2 + 1 + 1 in 9 + 4 + 3 = 16 words.
    let (out, _) =
        run_ok(&["trend", c.to_str().unwrap(), "party cell", "--by", "year", "--format", "csv"]);
    let rows = csv_rows(&out);
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0]["count"].as_str(), rows[0]["tokens"].as_str(), rows[0]["docs"].as_str()),
        ("4", "16", "3")
    );
}

#[test]
fn trend_summary_and_top() {
    let dir = dated_corpus();
    let c = dir.join("c");
    let (out, _) = run_ok(&[
        "trend",
        c.to_str().unwrap(),
        "party cell",
        "Nothing",
        "bananas",
        "--by",
        "month",
        "--summary",
        "--format",
        "csv",
    ]);
    let rows = csv_rows(&out);
    let pc = row(&rows, "phrase", "party cell");
    assert_eq!((pc["count"].as_str(), pc["docs"].as_str()), ("3", "2"));
    assert_eq!((pc["first_period"].as_str(), pc["last_period"].as_str()), ("2016-01", "2016-03"));
    assert_eq!((pc["first_date"].as_str(), pc["last_date"].as_str()), ("2016-01-05", "2016-03-02"));
    assert_eq!((pc["lifespan"].as_str(), pc["active"].as_str()), ("3", "2"));
    // March's 1 in 4 words beats January's 2 in 9.
    assert_eq!((pc["peak_period"].as_str(), pc["peak_count"].as_str()), ("2016-03", "1"));
    let none = row(&rows, "phrase", "bananas");
    assert_eq!(
        (none["count"].as_str(), none["first_period"].as_str(), none["lifespan"].as_str()),
        ("0", "", "0")
    );

    // --top: the most frequent bigram over all documents is "party cells" (5 times).
    let (out, _) = run_ok(&[
        "trend",
        c.to_str().unwrap(),
        "--top",
        "1",
        "-n",
        "2",
        "--by",
        "year",
        "--format",
        "csv",
    ]);
    let rows = csv_rows(&out);
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0]["phrase"].as_str(), rows[0]["count"].as_str()), ("party cells", "4"));

    // Phrases and --top together make no sense.
    let out = refrain().args(["trend", c.to_str().unwrap(), "x", "--top", "2"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn freq_by_month_and_by_metadata_column() {
    let dir = dated_corpus();
    let c = dir.join("c");
    let (out, _) = run_ok(&[
        "freq",
        c.to_str().unwrap(),
        "-n",
        "2",
        "--by",
        "month",
        "--top",
        "1",
        "--format",
        "csv",
    ]);
    let rows = csv_rows(&out);
    let got: Vec<(&str, &str, &str, &str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["period"].as_str(),
                r["count"].as_str(),
                r["per_million"].as_str(),
                r["doc_share"].as_str(),
                r["tokens"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("2016-01", "2", "222222.222222", "0.5", "9"),
            ("2016-02", "0", "", "", "0"),
            ("2016-03", "1", "250000.0", "1.0", "4"),
        ]
    );
    assert!(rows.iter().all(|r| r["phrase"] == "party cells"));

    // A user's table of metadata, joined on the file stem; --where on one of its columns.
    let meta =
        dir.write("meta.csv", "file,desk\n2016-01-05_a,home\n2016-03-02_c,abroad\n2016_d,home\n");
    let args = |extra: &[&str]| {
        let mut v = vec![
            "freq",
            c.to_str().unwrap(),
            "--meta",
            meta.to_str().unwrap(),
            "--meta-key",
            "file",
        ];
        v.extend_from_slice(extra);
        v.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    };
    let a = args(&["-n", "2", "--by", "desk", "--top", "1", "--format", "csv"]);
    let (out, err) = run_ok(&a.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(err.contains("--meta has no row for 2 documents"), "{err}");
    let rows = csv_rows(&out);
    // Groups in byte order: abroad (4 words, 1), home (7 + 3 words, 2 + 1).
    assert_eq!(rows.iter().map(|r| r["desk"].as_str()).collect::<Vec<_>>(), ["abroad", "home"]);
    assert_eq!(row(&rows, "desk", "home")["count"], "3");
    assert_eq!(row(&rows, "desk", "home")["tokens"], "10");
    let a = args(&["-n", "2", "--where", "desk=HOME", "--format", "csv"]);
    let (out, err) = run_ok(&a.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(err.contains("--where left out 3 documents and kept 2"), "{err}");
    assert_eq!(row(&csv_rows(&out), "phrase", "party cells")["count"], "3");
}

#[test]
fn name_pattern_dates_and_where() {
    let dir = TestDir::new();
    dir.write("u/Session 70 - 2015/PRK_70_2015.txt", "Imperialists imperialists peace.");
    dir.write("u/Session 71 - 2016/PRK_71_2016.txt", "Peace and imperialists.");
    dir.write("u/Session 71 - 2016/USA_71_2016.txt", "Peace peace.");
    let u = dir.join("u");
    let pattern = r"(?P<iso>[A-Z]{3})_(?P<session>\d+)_(?P<year>\d{4})";
    let (out, err) = run_ok(&[
        "trend",
        u.to_str().unwrap(),
        "imperialist",
        "--name-pattern",
        pattern,
        "--where",
        "iso=PRK",
        "--by",
        "session",
        "--format",
        "csv",
    ]);
    assert!(err.contains("--where left out 1 document and kept 2"), "{err}");
    let rows = csv_rows(&out);
    assert_eq!(
        rows.iter().map(|r| (r["session"].as_str(), r["count"].as_str())).collect::<Vec<_>>(),
        [("70", "2"), ("71", "1")]
    );
    // `--where date=2016` on dates from the year group.
    let (out, _) = run_ok(&[
        "freq",
        u.to_str().unwrap(),
        "--name-pattern",
        pattern,
        "--where",
        "date=2016",
        "--format",
        "csv",
    ]);
    assert_eq!(row(&csv_rows(&out), "phrase", "peace")["count"], "3");
    // A bad pattern is an error before any reading.
    let out =
        refrain().args(["freq", u.to_str().unwrap(), "--name-pattern", "(x"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}
