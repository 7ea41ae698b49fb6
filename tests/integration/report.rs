//! `refrain report`, `refrain chart` and `--chart`: the report folder's files, escaping of
//! corpus text in the page, determinism, and charts from tables.

use std::path::Path;

use crate::util::{TestDir, csv_rows, refrain, run_ok};

const SCRIPT: &str = "<script>alert(1)</script>";
const IMG: &str = "\"><img src=x onerror=alert(1)>";

/// A small dated corpus over four months whose recurring sentences carry markup, with a title
/// and a file name that carry it too.
fn hostile_corpus(dir: &TestDir) -> String {
    let sentences = [
        format!(
            "The party cells must be strengthened {SCRIPT} in every unit of the army, he said."
        ),
        format!("All party cells {IMG} stand firm in the vanguard of the revolution today."),
        "The socialist power is built by the party cells and the people together.".to_string(),
    ];
    for (m, month) in ["01", "02", "03", "04"].iter().enumerate() {
        for day in 1..=3 {
            let text = sentences.iter().cycle().skip(day + m).take(3).cloned().collect::<Vec<_>>();
            dir.write(&format!("c/2016-{month}-{day:02}_news.txt"), text.join(" "));
        }
    }
    let record = serde_json::json!([{
        "title": format!("Party cells {SCRIPT}"),
        "date": "2016-02-15",
        "text": format!("Party cells of the army {IMG} stand firm. {}", sentences[2]),
    }]);
    dir.write("c/records.json", record.to_string());
    dir.write(&format!("c/{IMG}.txt"), sentences.join(" "));
    dir.path().join("c").to_str().unwrap().to_string()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Real tags of a page: every `<…>` (escaped text holds no `<`).
fn tags(html: &str) -> Vec<String> {
    html.split('<')
        .skip(1)
        .map(|t| t.split('>').next().unwrap_or("").to_ascii_lowercase())
        .collect()
}

/// A decoded PNG's width, height and number of distinct colours.
fn png_info(path: &Path) -> (u32, u32, usize) {
    let bytes = std::fs::read(path).unwrap();
    let mut reader = png::Decoder::new(bytes.as_slice()).read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    let mut colours: Vec<&[u8]> = buf.chunks_exact(3).collect();
    colours.sort_unstable();
    colours.dedup();
    (info.width, info.height, colours.len())
}

#[test]
fn report_escapes_corpus_text_and_writes_every_file() {
    let dir = TestDir::new();
    let corpus = hostile_corpus(&dir);
    let out = dir.join("reports/hostile");
    let (_, err) = run_ok(&[
        "report",
        "--clean",
        "none",
        "--min-count",
        "2",
        "--split",
        "2016-03-01",
        "-o",
        out.to_str().unwrap(),
        &corpus,
    ]);
    assert!(err.contains("report: phrases:") && err.contains("report: charts:"), "{err}");
    for file in [
        "terms.csv",
        "ngrams.csv",
        "phrases.csv",
        "frames.csv",
        "trends.csv",
        "keyness.csv",
        "summary.md",
        "index.html",
        "manifest.json",
    ] {
        assert!(out.join(file).is_file(), "missing {file}");
    }
    for chart in ["top-phrases", "top-terms", "zipf", "trend", "heatmap", "keyness"] {
        let (w, h, colours) = png_info(&out.join(format!("charts/{chart}.png")));
        assert_eq!((w, h), (1200, 800), "{chart}");
        assert!(colours > 50, "{chart}: {colours} colours");
    }

    // The markup is in the corpus the page shows (sentences, the title, the file name) ...
    let html = read(&out.join("index.html"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the script text is shown");
    assert!(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"), "the img text is shown");
    // ... and none of it became markup: no script element, no img but the charts, no handler.
    let tags = tags(&html);
    assert!(!html.to_ascii_lowercase().contains("<script"), "unescaped <script");
    assert!(tags.iter().all(|t| !t.contains("onerror") && !t.starts_with("script")), "{tags:?}");
    let imgs: Vec<&String> = tags.iter().filter(|t| t.starts_with("img ")).collect();
    assert_eq!(imgs.len(), 6, "one img per chart");
    assert!(imgs.iter().all(|t| t.starts_with("img src=\"data:image/png;base64,")), "{imgs:?}");
    // Nothing is loaded from elsewhere.
    for t in &tags {
        for attr in ["src=\"", "href=\""] {
            if let Some(i) = t.find(attr) {
                let value = &t[i + attr.len()..];
                assert!(
                    value.starts_with("data:") || value.starts_with('#'),
                    "external resource in <{t}>"
                );
            }
        }
    }
    // The summary escapes it too.
    let md = read(&out.join("summary.md"));
    assert!(!md.contains(SCRIPT) && md.contains("&lt;script&gt;"), "summary.md");

    // The tables are the commands' tables.
    let phrases = csv_rows(&read(&out.join("phrases.csv")));
    assert!(phrases.iter().any(|r| r["phrase"].contains("party cells")), "{phrases:?}");
    let trends = csv_rows(&read(&out.join("trends.csv")));
    let first = &trends[0]["phrase"];
    let periods: Vec<&str> =
        trends.iter().filter(|r| &r["phrase"] == first).map(|r| r["period"].as_str()).collect();
    assert_eq!(periods, ["2016-01", "2016-02", "2016-03", "2016-04"]);
    let keyness = read(&out.join("keyness.csv"));
    assert!(keyness.starts_with("phrase,key,n,a,b,c,d,"), "{keyness}");

    let manifest: serde_json::Value =
        serde_json::from_str(&read(&out.join("manifest.json"))).unwrap();
    assert_eq!(manifest["refrain_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(manifest["corpus"]["fingerprint"]["algorithm"], "blake3");
    assert_eq!(manifest["corpus"]["fingerprint"]["files"], 14);
    assert_eq!(manifest["corpus"]["documents"], 14);
    assert_eq!(manifest["resolved"]["min_count"], 2);
    assert_eq!(manifest["options"]["split"], "2016-03-01");
    assert!(manifest["timings_seconds"]["total"].as_f64().unwrap() > 0.0);
}

#[test]
fn report_is_the_same_for_any_thread_count_and_replaces_itself() {
    let dir = TestDir::new();
    let corpus = hostile_corpus(&dir);
    // The same folder name in two places: the name is in the titles.
    let (a, b) = (dir.join("one/r"), dir.join("two/r"));
    run_ok(&["-j", "1", "report", "--min-count", "2", "-o", a.to_str().unwrap(), &corpus]);
    run_ok(&["-j", "3", "report", "--min-count", "2", "-o", b.to_str().unwrap(), &corpus]);
    let files = |d: &Path| {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .chain(std::fs::read_dir(d.join("charts")).unwrap())
            .map(|e| e.unwrap().path().strip_prefix(d).unwrap().display().to_string())
            .collect();
        v.sort();
        v
    };
    assert_eq!(files(&a), files(&b));
    for f in files(&a) {
        if f != "manifest.json" && f != "charts" {
            assert!(
                std::fs::read(a.join(&f)).unwrap() == std::fs::read(b.join(&f)).unwrap(),
                "{f} differs"
            );
        }
    }
    // A second run replaces the report; a folder that is not a report is never replaced.
    run_ok(&["report", "--min-count", "5", "-o", a.to_str().unwrap(), &corpus]);
    let manifest: serde_json::Value =
        serde_json::from_str(&read(&a.join("manifest.json"))).unwrap();
    assert_eq!(manifest["resolved"]["min_count"], 5);
    let mine = dir.write("mine/notes.txt", "keep me");
    let out = refrain()
        .args(["report", "-o", mine.parent().unwrap().to_str().unwrap(), &corpus])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a refrain report"));
    assert_eq!(read(&mine), "keep me");
}

#[test]
fn report_of_the_sample_by_default() {
    let dir = TestDir::new();
    let out = refrain().current_dir(dir.path()).args(["-q", "report"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let html = read(&dir.join("reports/sample/index.html"));
    assert!(html.contains("party cells"));
    // Only the folder: no temporary folder left beside it.
    let left: Vec<_> = std::fs::read_dir(dir.join("reports")).unwrap().collect();
    assert_eq!(left.len(), 1);
}

#[test]
fn charts_from_commands_and_tables() {
    let dir = TestDir::new();
    let corpus = hostile_corpus(&dir);
    let png = dir.join("top.png");
    let table = dir.join("ngrams.csv");
    run_ok(&[
        "freq",
        "-n",
        "1..3",
        "--min-count",
        "2",
        "--chart",
        png.to_str().unwrap(),
        "--width",
        "640",
        "--height",
        "480",
        "-o",
        table.to_str().unwrap(),
        &corpus,
    ]);
    let (w, h, colours) = png_info(&png);
    assert_eq!((w, h), (640, 480));
    assert!(colours > 50);
    // Redraw the written table: Zipf, and bars of the first rows.
    let zipf = dir.join("zipf.png");
    run_ok(&["chart", "zipf", "--input", table.to_str().unwrap(), "-o", zipf.to_str().unwrap()]);
    assert_eq!(png_info(&zipf).0, 1200);
    let bar = dir.join("bar.png");
    run_ok(&[
        "chart",
        "bar",
        "-i",
        table.to_str().unwrap(),
        "-o",
        bar.to_str().unwrap(),
        "--top",
        "5",
    ]);
    assert!(png_info(&bar).2 > 50);
    // trend --chart and keyness --chart.
    let trend = dir.join("trend.png");
    run_ok(&[
        "trend",
        "--by",
        "month",
        "--chart",
        trend.to_str().unwrap(),
        &corpus,
        "party cells",
        "socialist power",
    ]);
    assert!(png_info(&trend).2 > 50);
    let key = dir.join("key.png");
    run_ok(&["keyness", "--split", "2016-03-01", "--chart", key.to_str().unwrap(), &corpus]);
    assert!(png_info(&key).2 > 50);
    // A table without the needed columns: a clear error naming them, exit 2, no file.
    let odd = dir.write("odd.csv", "word,freq\nparty,3\n");
    let bad = dir.join("bad.png");
    let out = refrain()
        .args(["chart", "zipf", "--input", odd.to_str().unwrap(), "-o", bad.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("needs the columns `n`, `count`; the table has `word`, `freq`"), "{err}");
    assert!(!bad.exists());
    // A chart that is not a PNG name is refused before any work.
    let out = refrain().args(["freq", "--chart", "top.jpg", &corpus]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("PNG"));
}
