//! `freq` over the memory budget: the token index on disk, sorted runs, the merge, and what
//! happens when the disk fills up or the run is interrupted. `REFRAIN_FORCE_SPILL=1` sends a
//! small corpus down the bounded path; the budget itself is real.

use std::path::Path;
use std::process::Stdio;

use super::util::{TestDir, TinyFs, random_words, refrain};

const INAUGURAL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/inaugural");

/// `freq` on `corpus` with `args`; with `memory`, the bounded path under that budget.
fn freq(corpus: &Path, memory: Option<&str>, args: &[&str]) -> (Vec<u8>, String) {
    let mut cmd = refrain();
    cmd.arg("freq").args(args).arg(corpus);
    if let Some(m) = memory {
        cmd.args(["--memory", m]).env("REFRAIN_FORCE_SPILL", "1");
    }
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "freq {args:?} --memory {memory:?} failed:\n{stderr}");
    (out.stdout, stderr)
}

/// The number of sorted runs the summary reports.
pub(crate) fn runs(stderr: &str) -> usize {
    let line = stderr.lines().find(|l| l.contains("sorted run(s)")).expect("a spilled run");
    let before = &line[..line.find(" sorted run(s)").unwrap()];
    before.rsplit(' ').next().unwrap().parse().unwrap()
}

/// A corpus of `files` files of pseudo-random sentences over a vocabulary of 3,000 words
/// (a linear congruential generator, so the same bytes every time): nearly every 3-, 4- and
/// 5-gram occurs once, so a table of all of them is far larger than the corpus.
fn random_corpus(dir: &TestDir, files: usize, sentences: usize) {
    let mut word = random_words(0x2545_f491_4f6c_dd1d, 3000);
    for f in 0..files {
        let mut text = String::new();
        for _ in 0..sentences {
            let words: Vec<String> = (0..12).map(|_| word()).collect();
            text.push_str(&words.join(" "));
            text.push_str(". ");
        }
        dir.write(&format!("doc{f:03}.txt"), text);
    }
}

#[test]
fn a_budget_that_forces_many_runs_gives_the_bytes_of_an_unlimited_run() {
    // About 4 MB and 800,000 words: some 3 million rows, against the 128M budget's share
    // for rows (a few tens of megabytes once the program and the vocabulary are held).
    let dir = TestDir::new();
    random_corpus(&dir, 12, 5_500);
    let args = ["-n", "1..5", "--stopword-edges", "keep", "--format", "csv"];
    let (whole, _) = freq(dir.path(), None, &args);
    let (bounded, stderr) = freq(dir.path(), Some("128M"), &args);
    assert!(runs(&stderr) >= 10, "{stderr}");
    assert!(stderr.contains("token index on disk"), "{stderr}");
    assert!(whole.len() > 100_000_000, "the unlimited table is the real one");
    assert!(whole == bounded, "the bounded table differs");
}

#[test]
fn every_order_limit_and_format_survives_the_merge() {
    for args in [
        vec!["-n", "2..4", "--sort", "docs", "--top", "500", "--format", "tsv"],
        vec!["-n", "1..3", "--sort", "dp", "--min-count", "3", "--format", "csv"],
        vec!["-n", "3", "--sort", "phrase", "--min-docs", "2", "--format", "json"],
        vec!["-n", "1", "--format", "csv"],
        vec!["-n", "2..8", "--min-count", "2", "--top", "40", "--format", "table"],
    ] {
        let (whole, _) = freq(INAUGURAL.as_ref(), None, &args);
        let (bounded, stderr) = freq(INAUGURAL.as_ref(), Some("192M"), &args);
        assert!(stderr.contains("token index on disk"), "{args:?}: {stderr}");
        assert!(whole == bounded, "{args:?}: the bounded table differs");
    }
}

/// A budget far larger than this machine's memory (a user may give one) is a limit, not an
/// amount to reserve: the run over the token index on disk takes what it needs.
#[test]
fn a_budget_larger_than_the_machine_is_not_reserved() {
    let corpus = Path::new(INAUGURAL);
    let (memory, _) = freq(corpus, None, &["-n", "1..3", "--memory", "1000G"]);
    let (disk, err) = freq(corpus, Some("1000G"), &["-n", "1..3"]);
    assert!(err.contains("token index on disk"), "{err}");
    assert_eq!(disk, memory);
    let keyness = |spill: bool| {
        let mut cmd = refrain();
        cmd.args(["keyness", "--split", "1900", "--memory", "1000G", INAUGURAL]);
        if spill {
            cmd.env("REFRAIN_FORCE_SPILL", "1");
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    };
    assert_eq!(keyness(true), keyness(false));
}

#[test]
fn a_file_too_large_to_read_within_the_budget_is_refused_with_the_budget_it_needs() {
    // A file is read and analysed whole: 12 MB of text need about six times that.
    let dir = TestDir::new();
    let mut text = random_text(11, 12 << 20);
    text.truncate(12 << 20);
    let big = dir.write("corpus/big.txt", &text);
    dir.write("corpus/small.txt", "a small file of a few words.");
    let out_path = dir.join("out.csv");
    let run = |memory: &str| {
        refrain()
            .args(["freq", "--memory", memory, "-o"])
            .arg(&out_path)
            .arg(dir.join("corpus"))
            .env("REFRAIN_FORCE_SPILL", "1")
            .output()
            .unwrap()
    };
    let refused = run("64M");
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(2), "{stderr}");
    let named = format!("`{}` (12M) is read and analysed whole", big.display());
    assert!(stderr.contains(&named), "{stderr}");
    assert!(!out_path.exists(), "nothing is written");
    let at = stderr.find("run with `--memory ").expect("the budget it needs") + 19;
    let need = &stderr[at..at + stderr[at..].find('`').unwrap()];
    let worked = run(need);
    assert!(worked.status.success(), "{need}: {}", String::from_utf8_lossy(&worked.stderr));
    assert!(String::from_utf8_lossy(&worked.stderr).contains("token index on disk"));
}

/// A corpus of small text files around a JSON Lines file of 18 MB, a gzipped CSV file of 12 MB
/// of text and a Parquet file of 8 MB of text: under 64M a file read whole may hold at most
/// about 10 MB (six times its text and a batch of 4 MB beside it); all three are read in
/// pieces of about 4 MB. Some records are malformed, some
/// lack their text, and CSV texts hold quoted newlines, so that problems and line numbers
/// cross pieces.
fn large_record_files(dir: &TestDir) -> std::path::PathBuf {
    use std::io::Write;
    let mut word = random_words(0x9e37_79b9_7f4a_7c15, 3000);
    let mut text = |bytes: usize| {
        let mut text = word();
        while text.len() < bytes {
            text.push(' ');
            text.push_str(&word());
        }
        text + "."
    };
    dir.write("corpus/a.txt", text(3000));
    let mut jsonl = String::new();
    for i in 0.. {
        if jsonl.len() >= 18 << 20 {
            break;
        }
        let line = match i % 1000 {
            7 => "{\"text\": \"unclosed".to_string(),
            8 => format!("{{\"title\": \"without text {i}\"}}"),
            _ => format!(
                "{{\"id\": \"j{i}\", \"date\": \"20{:02}-01-01\", \"text\": \"{}\"}}",
                i % 20,
                text(2000)
            ),
        };
        jsonl.push_str(&line);
        jsonl.push('\n');
    }
    dir.write("corpus/b.jsonl", jsonl);
    dir.write("corpus/c.txt", text(3000));
    let mut csv = String::from("id,date,text\n");
    for i in 0.. {
        if csv.len() >= 12 << 20 {
            break;
        }
        match i % 500 {
            3 => csv.push_str("short,row\n"),
            _ => {
                let (first, second) = (text(900), text(900));
                let date = format!("19{:02}-05-01", i % 100);
                csv.push_str(&format!("c{i},{date},\"{first}\n\n{second}\"\n"));
            }
        }
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(csv.as_bytes()).unwrap();
    dir.write("corpus/d.csv.gz", gz.finish().unwrap());
    dir.write("corpus/e.txt", text(3000));
    let (mut ids, mut texts) = (Vec::new(), Vec::new());
    for i in 0..4000 {
        ids.push(format!("p{i}"));
        texts.push(if i % 700 == 5 { None } else { Some(text(2000)) });
    }
    let mut df = polars::df!("id" => ids, "text" => texts).unwrap();
    let file = std::fs::File::create(dir.join("corpus/f.parquet")).unwrap();
    polars_io::parquet::write::ParquetWriter::new(file)
        .with_row_group_size(Some(500))
        .finish(&mut df)
        .unwrap();
    dir.join("corpus")
}

/// The problem lines of a run's summary.
fn problem_lines(stderr: &str) -> Vec<&str> {
    let named = |l: &&str| ["b.jsonl, ", "d.csv.gz, ", "f.parquet, "].iter().any(|f| l.contains(f));
    stderr.lines().filter(named).collect()
}

#[test]
fn large_record_files_read_in_pieces_give_the_bytes_of_a_run_in_memory() {
    let dir = TestDir::new();
    let corpus = large_record_files(&dir);
    // Words only: n-grams would need more than 64M in a debug build (its program alone holds
    // 50 MB); the table's documents and dispersion check every document's words, in order.
    let args = ["-n", "1", "--format", "csv", "-v"];
    let (whole, whole_err) = freq(&corpus, None, &args);
    let (pieces, stderr) = freq(&corpus, Some("64M"), &args);
    assert!(stderr.contains("token index on disk"), "{stderr}");
    assert!(whole.len() > 100_000, "the table is a real one");
    assert!(whole == pieces, "the table read in pieces differs");
    assert_eq!(problem_lines(&stderr), problem_lines(&whole_err));
    // kwic reads the documents of its lines again, from the pieces of the files.
    let kwic = |memory: Option<&str>| {
        let mut cmd = refrain();
        cmd.args(["kwic", "--format", "csv"]).arg(&corpus).arg("waab");
        if let Some(m) = memory {
            // One thread: the pieces' documents and ids do not depend on the thread count.
            cmd.args(["--memory", m, "-j", "1"]).env("REFRAIN_FORCE_SPILL", "1");
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    };
    let lines = kwic(None);
    let from =
        |prefix: &str| String::from_utf8_lossy(&lines).lines().any(|l| l.starts_with(prefix));
    assert!(from("j") && from("c") && from("p"), "lines from the three large files");
    assert!(lines == kwic(Some("64M")), "kwic over pieces differs");
}

/// About `bytes` of pseudo-random words of a 3,000-word vocabulary, in sentences of twelve.
fn random_text(seed: u64, bytes: usize) -> String {
    let mut word = random_words(seed, 3000);
    let mut text = String::new();
    for i in 0.. {
        if text.len() >= bytes {
            break;
        }
        text.push_str(&word());
        text.push_str(if i % 12 == 11 { ". " } else { " " });
    }
    text
}

#[test]
fn standard_input_counts_in_the_estimate_and_goes_to_disk_over_the_budget() {
    // 5 MB on standard input: about 70M in memory, over a 64M budget. Its size used to be
    // unknown to the estimate, so it was held in memory whatever the budget.
    let text = random_text(5, 5 << 20);
    let run = |memory: &str| {
        let out = refrain()
            .args(["freq", "-n", "1..3", "--format", "csv", "--memory", memory, "-"])
            .write_stdin(text.clone())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "{stderr}");
        (out.stdout, stderr)
    };
    let (bounded, stderr) = run("64M");
    assert!(stderr.contains("token index on disk"), "{stderr}");
    let (whole, stderr) = run("1000G");
    assert!(!stderr.contains("token index on disk"), "{stderr}");
    assert!(whole.len() > 1000 && whole == bounded, "the bounded table differs");
}

#[test]
fn standard_input_too_large_for_the_budget_stops_the_run() {
    // 12 MB: more than a sixth of 64M, the most one input may hold.
    let out = refrain()
        .args(["freq", "--memory", "64M", "-"])
        .write_stdin(random_text(6, 12 << 20))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("standard input holds more than 11M"), "{stderr}");
    assert!(out.stdout.is_empty());
}

#[test]
fn words_dp_on_disk_is_the_same_double_as_in_memory() {
    // Three copies of the inaugural addresses: 413,553 words, two blocks of the counter in
    // memory, which adds the words' DP terms per group of blocks and then the groups' sums.
    // The bounded counter must add them the same way, or the doubles differ in their last
    // bits: `--sort dp` then orders near-ties otherwise, and Parquet (which keeps every bit)
    // differs.
    let dir = TestDir::new();
    for copy in ["a", "b", "c"] {
        for entry in std::fs::read_dir(INAUGURAL).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            dir.write(&format!("corpus/{copy}/{name}"), std::fs::read(&path).unwrap());
        }
    }
    let corpus = dir.join("corpus");
    let sorted = ["-n", "1", "--sort", "dp", "--format", "csv"];
    let (whole, _) = freq(&corpus, None, &sorted);
    let (bounded, _) = freq(&corpus, Some("256M"), &sorted);
    assert!(whole == bounded, "--sort dp orders the words otherwise on disk");
    let parquet = |name: &str, memory: Option<&str>| {
        let out = dir.join(name);
        let args = ["-n", "1..2", "--format", "parquet", "-o", out.to_str().unwrap()];
        freq(&corpus, memory, &args);
        std::fs::read(out).unwrap()
    };
    assert!(parquet("m.parquet", None) == parquet("d.parquet", Some("256M")), "other doubles");
}

#[test]
fn too_small_a_budget_names_the_smallest_that_works() {
    // One formula over and over puts all its windows in one bucket, which cannot be split.
    let dir = TestDir::new();
    let text = "of the people and of the party and of the nation. ".repeat(120_000);
    dir.write("formula.txt", &text);
    let out_path = dir.join("out.csv");
    let run = |memory: &str| {
        refrain()
            .args(["freq", "-n", "1..8", "--memory", memory, "-o"])
            .arg(&out_path)
            .arg(dir.join("formula.txt"))
            .env("REFRAIN_FORCE_SPILL", "1")
            .output()
            .unwrap()
    };
    let refused = run("64M");
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(2), "{stderr}");
    assert!(!out_path.exists(), "nothing is written");
    let at = stderr.find("the smallest budget that works is ").expect("the smallest budget");
    let need = stderr[at..].split_whitespace().nth(6).unwrap().trim_end_matches(['.', ')']);
    assert!(need.ends_with('M') || need.ends_with('G'), "{stderr}");
    let worked = run(need);
    assert!(worked.status.success(), "{need}: {}", String::from_utf8_lossy(&worked.stderr));
    let whole = refrain()
        .args(["freq", "-n", "1..8", "--format", "csv"])
        .arg(dir.join("formula.txt"))
        .output()
        .unwrap();
    assert_eq!(std::fs::read(&out_path).unwrap(), whole.stdout);
}

#[test]
fn a_full_disk_while_spilling_stops_with_the_folder_named_and_writes_nothing() {
    // About 3 MB of token index and 100 MB of runs: a 1 MB disk fills up with the token
    // index, an 8 MB one with the runs.
    let corpus = TestDir::new();
    random_corpus(&corpus, 12, 5_500);
    for size in ["1m", "8m"] {
        let tiny = TinyFs::new(size);
        let dir = TestDir::new();
        let out = dir.join("out.csv");
        std::fs::write(&out, "an earlier table\n").unwrap();
        let run = refrain()
            .args(["freq", "-n", "1..5", "--stopword-edges", "keep", "--memory", "128M"])
            .arg("--temp-dir")
            .arg(tiny.path())
            .arg("-o")
            .arg(&out)
            .arg(corpus.path())
            .env("REFRAIN_FORCE_SPILL", "1")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{size}: {stderr}");
        assert!(stderr.contains(&tiny.path().display().to_string()), "{size}: {stderr}");
        assert!(stderr.contains("the disk is full"), "{size}: {stderr}");
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "an earlier table\n");
        let left: Vec<_> = std::fs::read_dir(tiny.path()).unwrap().collect();
        assert!(left.is_empty(), "{size}: temporary files left: {left:?}");
        let strays: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(strays.len(), 1, "{size}: a half-written table was left: {strays:?}");
    }
}

/// Send SIGINT to a child and wait for it.
fn interrupt(child: &mut std::process::Child) -> std::process::ExitStatus {
    // SAFETY: kill(2) on our own child's pid.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    child.wait().unwrap()
}

#[test]
fn ctrl_c_in_the_merge_removes_the_runs() {
    // Nobody reads stdout: once the pipe is full the run waits in the merge, runs on disk.
    let (temp, corpus) = (TestDir::new(), TestDir::new());
    random_corpus(&corpus, 12, 5_500);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_refrain"))
        .args(["freq", "-n", "1..5", "--stopword-edges", "keep", "--format", "csv"])
        .args(["--memory", "128M", "--temp-dir"])
        .arg(temp.path())
        .arg(corpus.path())
        .env("REFRAIN_FORCE_SPILL", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    // The first bytes of the table mean the counting is over and the merge has begun.
    let mut first = [0u8; 1];
    std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
    let runs = runs_in(temp.path());
    assert!(runs >= 10, "{runs} runs on disk while merging");
    let status = interrupt(&mut child);
    assert!(!status.success());
    let left: Vec<_> = std::fs::read_dir(temp.path()).unwrap().collect();
    assert!(left.is_empty(), "temporary files left after Ctrl-C: {left:?}");
}

/// Run files in the run's own folder under `parent`.
fn runs_in(parent: &Path) -> usize {
    std::fs::read_dir(parent)
        .unwrap()
        .flatten()
        .flat_map(|d| std::fs::read_dir(d.path()).into_iter().flatten().flatten())
        .filter(|f| f.file_name().to_string_lossy().starts_with("run-"))
        .count()
}

#[test]
fn ctrl_c_while_counting_leaves_an_earlier_output_untouched() {
    let temp = TestDir::new();
    let dir = TestDir::new();
    let out = dir.join("out.csv");
    std::fs::write(&out, "an earlier table\n").unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_refrain"))
        .args(["freq", "-n", "1..5", "--stopword-edges", "keep", "--memory", "128M"])
        .arg("--temp-dir")
        .arg(temp.path())
        .arg("-o")
        .arg(&out)
        .arg(INAUGURAL)
        .env("REFRAIN_FORCE_SPILL", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait for the first run on disk, then interrupt.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while runs_in(temp.path()) == 0 && std::time::Instant::now() < deadline {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let status = interrupt(&mut child);
    if status.success() {
        // The run finished before the signal: nothing to check about an interruption.
        assert_ne!(std::fs::read_to_string(&out).unwrap(), "an earlier table\n");
        return;
    }
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "an earlier table\n");
    let left: Vec<_> = std::fs::read_dir(temp.path()).unwrap().collect();
    assert!(left.is_empty(), "temporary files left after Ctrl-C: {left:?}");
    let strays: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .filter(|f| f.file_name() != "out.csv")
        .collect();
    assert!(strays.is_empty(), "a half-written table was left: {strays:?}");
}
