//! Issue 11: words glued across a missing space, decades and centuries, the report's ranking
//! of formulas by coverage, and dates printed alike in every command.

use std::path::Path;

use crate::util::{TestDir, csv_rows, row, run_ok};

/// Three documents, dated 1789 and 1850 (years only) and 2021-01-20 (a day). Each holds
/// "kappa lambda" 4 times, "golf hotel india juliet kilo" twice and "party cells work" once,
/// in 4 × 2 + 2 × 5 + 3 = 21 words.
fn long_corpus() -> TestDir {
    let dir = TestDir::new();
    let text = "Kappa lambda. Kappa lambda. Kappa lambda. Kappa lambda. Golf hotel india juliet \
                kilo. Golf hotel india juliet kilo. Party cells work.";
    for name in ["1789-washington", "1850-taylor", "2021-01-20-biden"] {
        dir.write(&format!("c/{name}.txt"), text);
    }
    dir
}

fn corpus(dir: &TestDir) -> String {
    dir.join("c").to_str().unwrap().to_string()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn glued_sentences_decades_and_abbreviations_make_the_right_words() {
    let dir = TestDir::new();
    let file = dir.write(
        "t.txt",
        "We thank our families.There is hope in the 1980's and the 1980s. The U.S. grew by 3.5 \
         percent, e.g. at kcna.kp at 3 p.m. The D.P.R.K. said so. In the 1980’s it grew.",
    );
    let f = file.to_str().unwrap();
    let args = ["freq", "--no-stem", "--stopword-edges", "keep", "--format", "csv", f];
    let (out, err) = run_ok(&args);
    let words: Vec<String> = csv_rows(&out).into_iter().map(|r| r["phrase"].clone()).collect();
    for w in ["families", "there", "1980's", "1980s", "u.s", "3.5", "e.g", "kcna.kp", "p.m"] {
        assert!(words.iter().any(|x| x == w), "{w} missing from {words:?}");
    }
    assert!(words.iter().any(|x| x == "d.p.r.k"), "{words:?}");
    assert!(!words.iter().any(|x| x == "s" || x.contains("families.")), "{words:?}");
    // The curly apostrophe makes the same surface form: "1980's" twice.
    let rows = csv_rows(&out);
    assert_eq!(row(&rows, "phrase", "1980's")["count"], "2");
    // Five sentences: the glued one is two.
    assert!(err.contains("in 5 sentences"), "{err}");
    // No bigram crosses the glued sentence end.
    let (out, _) =
        run_ok(&["freq", "-n", "2", "--no-stem", "--stopword-edges", "keep", "--format", "csv", f]);
    assert!(!out.contains("families there"), "{out}");
    assert!(out.contains("there is"), "{out}");
}

/// The surface forms (`--no-stem`) counted in `file`, stop words included, with their counts.
fn word_counts(file: &Path) -> Vec<(String, String)> {
    let f = file.to_str().unwrap();
    let (out, _) =
        run_ok(&["freq", "--no-stem", "--stopwords", "none", "--top", "100", "--format", "csv", f]);
    csv_rows(&out).into_iter().map(|r| (r["phrase"].clone(), r["count"].clone())).collect()
}

fn words(counts: &[(String, String)]) -> Vec<&str> {
    counts.iter().map(|(w, _)| w.as_str()).collect()
}

#[test]
fn glued_sentence_ends_before_one_letter_and_all_capital_words() {
    let dir = TestDir::new();
    let file = dir.write(
        "t.txt",
        "Our families.A new day. It ended.I came. We won.OK then. The U.S.A and kcna.kp stay.",
    );
    let counts = word_counts(&file);
    let words = words(&counts);
    for w in ["families", "a", "ended", "i", "won", "ok", "u.s.a", "kcna.kp"] {
        assert!(words.contains(&w), "{w} missing from {words:?}");
    }
    assert!(
        !words.iter().any(|w| ["families.", "ended.", "won."].iter().any(|g| w.starts_with(g)))
    );
    // Seven sentences: each glued one is two.
    let (_, err) = run_ok(&["freq", file.to_str().unwrap()]);
    assert!(err.contains("in 7 sentences"), "{err}");
}

#[test]
fn apostrophe_stand_ins_make_no_word_s() {
    let dir = TestDir::new();
    // `´`, `` ` ``, and a badly encoded "’" (GB2312 A1 AE read as UTF-8: two invalid bytes,
    // repaired to U+FFFD U+FFFD, as in data/inaugural/2005-Bush.txt).
    let mut text = "The New Year\u{b4}s day. Today`s news. I don`t know. ".as_bytes().to_vec();
    text.extend_from_slice(b"America\xa1\xa6s future. America's past.");
    let file = dir.write("t.txt", text);
    let counts = word_counts(&file);
    let words = words(&counts);
    assert!(!words.iter().any(|w| ["s", "t"].contains(w)), "{words:?}");
    for w in ["year's", "today's", "don't"] {
        assert!(words.contains(&w), "{w} missing from {words:?}");
    }
    // The repaired one is counted with the one written with `'`.
    assert!(counts.contains(&("america's".into(), "2".into())), "{counts:?}");
    // Without cleaning (no NFKC), the same words.
    let f = file.to_str().unwrap();
    let (out, _) = run_ok(&[
        "freq",
        "--clean",
        "none",
        "--no-stem",
        "--stopwords",
        "none",
        "--format",
        "csv",
        f,
    ]);
    let raw: Vec<String> = csv_rows(&out).into_iter().map(|r| r["phrase"].clone()).collect();
    assert!(raw.contains(&"year's".to_string()) && !raw.contains(&"s".to_string()), "{raw:?}");
}

#[test]
fn the_bundled_inaugural_corpus_has_no_word_s() {
    let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/data/inaugural");
    let (out, _) = run_ok(&["freq", corpus, "--top", "3000", "--format", "csv"]);
    let rows = csv_rows(&out);
    assert!(rows.len() > 2000, "{}", rows.len());
    assert!(!rows.iter().any(|r| r["phrase"] == "s" || r["key"] == "s"));
    // `grep -oi "america['’]s"` finds 29; 2005-Bush.txt adds 8 "America\u{FFFD}\u{FFFD}s"
    // (bytes A1 A6 repaired).
    let (out, _) = run_ok(&["freq", corpus, "--no-stem", "--top", "3000", "--format", "csv"]);
    assert_eq!(row(&csv_rows(&out), "phrase", "america's")["count"], "37");
}

#[test]
fn trend_follows_a_long_corpus_by_decade_and_says_so() {
    let dir = long_corpus();
    let (out, err) = run_ok(&["trend", &corpus(&dir), "kappa lambda", "--format", "csv"]);
    assert!(err.contains("--by decade: the documents are dated 1789 to 2021"), "{err}");
    // The same advice as report's.
    assert!(err.contains("(--by year or --by century to choose)"), "{err}");
    assert!(err.contains("grouped into 25 decades (1780s … 2020s), 22 of them without documents"));
    let rows = csv_rows(&out);
    assert_eq!(rows.len(), 25);
    let first = row(&rows, "period", "1780s");
    // 4 in 21 words: 4 / 21 × 10⁶ = 190476.190476.
    assert_eq!((first["count"].as_str(), first["tokens"].as_str()), ("4", "21"));
    assert_eq!(first["per_million"], "190476.190476");
    // A decade without documents: zero-filled; no rate and no z (not 0).
    let empty = row(&rows, "period", "1790s");
    assert_eq!((empty["count"].as_str(), empty["tokens"].as_str()), ("0", "0"));
    assert_eq!((empty["per_million"].as_str(), empty["z"].as_str()), ("", ""));
    // The 1850s against the 1780s…1840s: 4 of 21 against 4 of 21, z = 0.
    assert_eq!(row(&rows, "period", "1850s")["z"].parse::<f64>().unwrap(), 0.0);
    // --by year keeps years (1789 … 2021: 233 of them).
    let (out, err) =
        run_ok(&["trend", &corpus(&dir), "kappa lambda", "--by", "year", "--format", "csv"]);
    assert!(!err.contains("--by decade"), "{err}");
    assert_eq!(csv_rows(&out).len(), 233);
}

#[test]
fn freq_by_century_is_zero_filled() {
    let dir = long_corpus();
    let args =
        ["freq", &corpus(&dir), "-n", "2", "--top", "1", "--by", "century", "--format", "csv"];
    let (out, _) = run_ok(&args);
    let rows = csv_rows(&out);
    let periods: Vec<(&str, &str)> =
        rows.iter().map(|r| (r["period"].as_str(), r["tokens"].as_str())).collect();
    assert_eq!(periods, [("1700s", "21"), ("1800s", "21"), ("1900s", "0"), ("2000s", "21")]);
}

#[test]
fn phrases_sort_by_coverage_puts_the_long_formula_first() {
    let dir = long_corpus();
    let base = ["phrases", "--min-count", "2", "--format", "csv"];
    let (out, _) = run_ok(&[&base[..], &[&corpus(&dir)]].concat());
    // By count, the bigram (12) comes first ...
    assert_eq!(csv_rows(&out)[0]["phrase"], "kappa lambda");
    // ... by coverage, the 5-word formula: 6 × 5 = 30 words against 12 × 2 = 24.
    let (out, _) = run_ok(&[&base[..], &["--sort", "coverage", &corpus(&dir)]].concat());
    let rows = csv_rows(&out);
    let order: Vec<&str> = rows.iter().map(|r| r["phrase"].as_str()).collect();
    assert_eq!(order, ["golf hotel india juliet kilo", "kappa lambda", "party cells work"]);
}

#[test]
fn report_ranks_formulas_by_coverage_and_picks_decades() {
    let dir = long_corpus();
    let out = dir.join("rep");
    let (_, err) = run_ok(&["report", "-o", out.to_str().unwrap(), &corpus(&dir)]);
    assert!(err.contains("trends: the documents are dated 1789 to 2021"), "{err}");
    // The same advice as trend's.
    assert!(err.contains("(--by year or --by century to choose)"), "{err}");
    assert!(err.contains("the top 3 formulas in 25 decades"), "{err}");
    let md = read(&out.join("summary.md"));
    assert!(md.contains("Trends by decade: the documents are dated 1789 to 2021"), "{md}");
    assert!(md.contains("Ranked by the words they cover"), "{md}");
    assert!(md.contains("| phrase | words_covered | n | count | independent |"), "{md}");
    assert!(md.contains("| golf hotel india juliet kilo | 30 | 5 | 6 | 6 |"), "{md}");
    assert!(md.contains("`charts/top-phrases.png`: Top formulas by words covered"), "{md}");
    let phrases = csv_rows(&read(&out.join("phrases.csv")));
    let order: Vec<&str> = phrases.iter().map(|r| r["phrase"].as_str()).collect();
    assert_eq!(order, ["golf hotel india juliet kilo", "kappa lambda", "party cells work"]);
    let trends = csv_rows(&read(&out.join("trends.csv")));
    let periods: Vec<&str> = trends
        .iter()
        .filter(|r| r["phrase"] == "kappa lambda")
        .map(|r| r["period"].as_str())
        .collect();
    assert_eq!((periods.len(), periods[0], periods[24]), (25, "1780s", "2020s"));
    // The manifest records the period chosen, not "auto".
    let manifest: serde_json::Value =
        serde_json::from_str(&read(&out.join("manifest.json"))).unwrap();
    assert_eq!(manifest["resolved"]["by"], "decade");
}

#[test]
fn dates_known_to_the_year_print_alike_in_every_command() {
    let dir = long_corpus();
    let c = corpus(&dir);
    let (out, _) = run_ok(&["docs", &c, "--format", "csv"]);
    let dates: Vec<String> = csv_rows(&out).into_iter().map(|r| r["date"].clone()).collect();
    assert_eq!(dates, ["1789", "1850", "2021-01-20"]);
    let (out, _) = run_ok(&["kwic", &c, "kappa lambda", "--format", "csv"]);
    assert_eq!(csv_rows(&out)[0]["date"], "1789");
    let (out, _) = run_ok(&["phrases", &c, "--min-count", "2", "--format", "csv"]);
    let rows = csv_rows(&out);
    let kl = row(&rows, "phrase", "kappa lambda");
    assert_eq!((kl["first"].as_str(), kl["last"].as_str()), ("1789", "2021-01-20"));
    let (out, _) =
        run_ok(&["trend", &c, "kappa lambda", "--by", "year", "--summary", "--format", "csv"]);
    let rows = csv_rows(&out);
    assert_eq!(
        (rows[0]["first_date"].as_str(), rows[0]["last_date"].as_str()),
        ("1789", "2021-01-20")
    );
}
