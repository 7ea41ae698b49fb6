//! `refrain keyness`: a, b, c, d and the measures worked by hand, in the three comparisons.

use crate::util::{TestDir, csv_rows, refrain, row, run_ok};

/// The target (PRK) has 3 words, the reference (the rest) 9.
fn speeches() -> TestDir {
    let dir = TestDir::new();
    dir.write("u/PRK_70_2015.txt", "Imperialists imperialists peace.");
    dir.write("u/USA_70_2015.txt", "Peace peace peace peace development.");
    dir.write("u/FRA_70_2015.txt", "Peace development development imperialists.");
    dir
}

#[test]
fn where_selection_against_the_rest() {
    let dir = speeches();
    let u = dir.join("u");
    let (out, err) = run_ok(&[
        "keyness",
        u.to_str().unwrap(),
        "--name-pattern",
        r"(?P<iso>[A-Z]{3})_(?P<session>\d+)_",
        "--where",
        "iso=PRK",
        "--format",
        "csv",
    ]);
    assert!(
        err.contains(
            "target (--where): 1 document of 3 words; reference (the rest): 2 documents of 9 words"
        ),
        "{err}"
    );
    let rows = csv_rows(&out);
    // Sorted by signed G²: the target's keyword first, then the reference's, strongest last.
    assert_eq!(
        rows.iter().map(|r| r["phrase"].as_str()).collect::<Vec<_>>(),
        ["imperialists", "peace", "development"]
    );

    // imperialists: a = 2, b = 1, c = 3, d = 9, N = 12; E₁ = 3·3/12 = 0.75, E₂ = 9·3/12 = 2.25;
    // G² = 2[2 ln(2/0.75) + 1 ln(1/2.25)] = 2[1.961659 − 0.810930] = 2.301457;
    // p = chi2.sf(2.301457, 1) = 0.129253 (SciPy); BIC = 2.301457 − ln 12 = −0.18345;
    // Log Ratio = log₂((2/3)/(1/9)) = log₂ 6 = 2.584963; %DIFF = 100 (2/3 − 1/9)/(1/9) = 500.
    let imp = row(&rows, "phrase", "imperialists");
    let got: Vec<&str> = ["a", "b", "c", "d", "g2", "p", "bic", "log_ratio", "pct_diff"]
        .iter()
        .map(|k| imp[*k].as_str())
        .collect();
    assert_eq!(got, ["2", "1", "3", "9", "2.301457", "0.129253", "-0.18345", "2.584963", "500.0"]);
    assert_eq!(
        (imp["pm_target"].as_str(), imp["pm_reference"].as_str()),
        ("666666.666667", "111111.111111")
    );
    assert_eq!((imp["docs_target"].as_str(), imp["docs_reference"].as_str()), ("1", "1"));

    // peace: a = 1, b = 5; E₁ = 1.5, E₂ = 4.5; G² = 2[ln(1/1.5) + 5 ln(5/4.5)] = 0.242675,
    // negative since 1/3 < 5/9; Log Ratio = log₂ 0.6 = −0.736966; %DIFF = −40.
    let peace = row(&rows, "phrase", "peace");
    assert_eq!(
        (peace["g2"].as_str(), peace["log_ratio"].as_str(), peace["pct_diff"].as_str()),
        ("-0.242675", "-0.736966", "-40.0")
    );
    // development: a = 0, b = 3: G² = 2 · 3 ln(3/2.25) = 1.726092, negative; Log Ratio with
    // the zero taken as 0.5: log₂((0.5/3)/(3/9)) = −1; %DIFF = −100.
    let dev = row(&rows, "phrase", "development");
    assert_eq!(
        (dev["g2"].as_str(), dev["log_ratio"].as_str(), dev["pct_diff"].as_str()),
        ("-1.726092", "-1.0", "-100.0")
    );

    // --measure log-ratio, --top 1: one keyword of each side.
    let (out, _) = run_ok(&[
        "keyness",
        u.to_str().unwrap(),
        "--name-pattern",
        r"(?P<iso>[A-Z]{3})_",
        "--where",
        "iso=PRK",
        "--measure",
        "log-ratio",
        "--top",
        "1",
        "--format",
        "csv",
    ]);
    let rows = csv_rows(&out);
    assert_eq!(
        rows.iter().map(|r| r["phrase"].as_str()).collect::<Vec<_>>(),
        ["imperialists", "development"]
    );
    // --min-count 3 holds on either side: imperialists (2, 1) goes, peace (1, 5) stays.
    let (out, _) = run_ok(&[
        "keyness",
        u.to_str().unwrap(),
        "--name-pattern",
        r"(?P<iso>[A-Z]{3})_",
        "--where",
        "iso=PRK",
        "--min-count",
        "3",
        "--format",
        "csv",
    ]);
    let rows = csv_rows(&out);
    assert_eq!(
        rows.iter().map(|r| r["phrase"].as_str()).collect::<Vec<_>>(),
        ["peace", "development"]
    );
}

#[test]
fn reference_corpus_and_split_date() {
    let dir = speeches();
    dir.write("t/target.txt", "Imperialists imperialists peace.");
    let t = dir.join("t");
    let refs = [dir.join("u/USA_70_2015.txt"), dir.join("u/FRA_70_2015.txt")];
    let (out, _) = run_ok(&[
        "keyness",
        t.to_str().unwrap(),
        "--reference",
        refs[0].to_str().unwrap(),
        refs[1].to_str().unwrap(),
        "--format",
        "csv",
    ]);
    // The same numbers as the --where comparison.
    let rows = csv_rows(&out);
    let imp = row(&rows, "phrase", "imperialists");
    assert_eq!(
        (
            imp["a"].as_str(),
            imp["b"].as_str(),
            imp["c"].as_str(),
            imp["d"].as_str(),
            imp["g2"].as_str()
        ),
        ("2", "1", "3", "9", "2.301457")
    );

    // Before and after a date; the year-only document holds the split day and is left out.
    dir.write("s/2015-12-31_a.txt", "Old formula old formula.");
    dir.write("s/2016-06-01_b.txt", "New formula.");
    dir.write("s/2016_c.txt", "Other words entirely here.");
    let s = dir.join("s");
    let (out, err) =
        run_ok(&["keyness", s.to_str().unwrap(), "--split", "2016-03-01", "--format", "csv"]);
    assert!(err.contains("target (on or after --split): 1 document of 2 words; reference (before it): 1 document of 4 words"), "{err}");
    assert!(err.contains("left out 1 document:"), "{err}");
    let rows = csv_rows(&out);
    let new = row(&rows, "phrase", "new");
    assert_eq!((new["a"].as_str(), new["b"].as_str()), ("1", "0"));
    // Absent from the reference: %DIFF is missing, Log Ratio uses 0.5: log₂((1/2)/(0.5/4)) = 2.
    assert_eq!((new["pct_diff"].as_str(), new["log_ratio"].as_str()), ("", "2.0"));
    assert!(rows.iter().all(|r| r["phrase"] != "entirely"), "the left-out document counts nowhere");

    // Nothing to compare with is an error.
    let out = refrain().args(["keyness", s.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--reference"));
}

#[test]
fn same_bytes_with_one_or_two_threads() {
    let dir = speeches();
    let u = dir.join("u");
    let p = u.to_str().unwrap();
    for args in [
        vec![
            "keyness",
            p,
            "--name-pattern",
            r"(?P<iso>[A-Z]{3})_",
            "--where",
            "iso=PRK",
            "-n",
            "1..2",
        ],
        vec!["trend", p, "--top", "3", "--by", "doc"],
        vec!["kwic", p, "peace", "--sort", "left"],
    ] {
        let run = |j: &str| {
            let mut a = args.clone();
            a.extend(["--format", "csv", "-j", j]);
            run_ok(&a).0
        };
        assert_eq!(run("1"), run("2"), "{args:?}");
    }
}
