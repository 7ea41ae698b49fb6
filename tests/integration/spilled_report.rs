//! `report` over a corpus whose token index went to disk: every table, chart and page of the
//! report folder is the same bytes as with the corpus in memory (the manifest differs only
//! in its timings and the folder's path), with or without a reference, whatever the threads.

use std::path::Path;

use crate::spilled::{MEDIUM, UNLIMITED, inaugural, shared};
use crate::util::{TestDir, random_words, refrain};

/// Run `report` with `args` into `out` under `memory` (sent to disk unless unlimited);
/// returns stderr.
fn report(memory: &str, out: &Path, args: &[&str]) -> String {
    let mut cmd = refrain();
    cmd.env("REFRAIN_MEMORY", memory).arg("report").args(args).arg("-o").arg(out);
    if memory != UNLIMITED {
        cmd.env("REFRAIN_FORCE_SPILL", "1");
    }
    let done = cmd.output().expect("run refrain");
    let stderr = String::from_utf8_lossy(&done.stderr).into_owned();
    assert!(done.status.success(), "report {args:?} under {memory} failed:\n{stderr}");
    stderr
}

/// The files of a report folder (relative paths, sorted).
fn files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in walk(dir) {
        out.push(entry.strip_prefix(dir).unwrap().to_string_lossy().into_owned());
    }
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() { out.extend(walk(&path)) } else { out.push(path) }
    }
    out
}

/// The manifest without what differs between two runs: timings and the folder's path.
fn manifest(dir: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.join("manifest.json")).unwrap();
    let mut m: serde_json::Value = serde_json::from_str(&text).unwrap();
    let o = m.as_object_mut().unwrap();
    assert!(o.remove("timings_seconds").is_some(), "no timings in {text}");
    o["options"].as_object_mut().unwrap().remove("output");
    m
}

/// Make the report of `args` in memory and under `budget` on disk, in folders of the same
/// name (the name is the report's title); every file must be the same bytes, the manifest
/// the same but for timings. Returns the folder made on disk, and its stderr.
fn same_report(dir: &TestDir, budget: &str, args: &[&str]) -> (std::path::PathBuf, String) {
    let (memory, disk) = (dir.path().join("a/rep"), dir.path().join("b/rep"));
    let _ = std::fs::remove_dir_all(dir.path().join("a"));
    let _ = std::fs::remove_dir_all(dir.path().join("b"));
    let err = report(UNLIMITED, &memory, args);
    assert!(!err.contains("token index on disk"), "the unlimited run spilled:\n{err}");
    let err = report(budget, &disk, args);
    assert!(err.contains("token index on disk"), "report {args:?} did not spill:\n{err}");
    let names = files(&memory);
    assert_eq!(files(&disk), names, "report {args:?}: other files");
    assert!(names.len() >= 10, "{names:?}");
    for name in names.iter().filter(|n| *n != "manifest.json") {
        let (a, b) = (std::fs::read(memory.join(name)), std::fs::read(disk.join(name)));
        assert!(a.unwrap() == b.unwrap(), "report {args:?}: {name} differs on disk");
    }
    assert_eq!(manifest(&disk), manifest(&memory), "report {args:?}: manifests differ");
    (disk, err)
}

#[test]
fn report_on_disk_equals_report_in_memory() {
    let dir = TestDir::new();
    let corpus = inaugural();
    let corpus = corpus.to_str().unwrap();
    let (disk, _) = same_report(&dir, MEDIUM, &[corpus, "--split", "1950-01-01"]);
    for f in ["keyness.csv", "trends.csv", "frames.csv", "charts/trend.png"] {
        assert!(disk.join(f).exists(), "{f} missing");
    }
    // The contexts were cut from the addresses read again: one of them is on the page.
    let page = std::fs::read_to_string(disk.join("summary.md")).unwrap();
    assert!(page.contains("**united states**"), "{page}");
    // Fewer rows and decades: other code paths (a --top, other periods).
    same_report(&dir, MEDIUM, &[corpus, "--top", "5", "--by", "decade", "--min-count", "5"]);
}

/// The number of partitions the bounded counter's summary reports.
fn partitions(stderr: &str) -> usize {
    let line = stderr.lines().find(|l| l.contains("partition(s)")).expect("a spilled run");
    let before = &line[..line.find(" partition(s)").unwrap()];
    before.rsplit(' ').next().unwrap().parse().unwrap()
}

/// Twelve dated files of pseudo-random sentences over 3,000 words (a linear congruential
/// generator: the same bytes every time), every seventh holding the same formula: about
/// 870,000 words whose n-grams the counter cannot hold at once under 96M, of which only
/// a few thousand are repeated.
fn random_corpus(dir: &TestDir) {
    let mut word = random_words(0x9e37_79b9_7f4a_7c15, 3000);
    for f in 0..12 {
        let mut text = String::new();
        for s in 0..5_500 {
            let mut words: Vec<String> = (0..12).map(|_| word()).collect();
            if s % 7 == 0 {
                words.insert(3, "the great leader of the working people".into());
            }
            text.push_str(&words.join(" "));
            text.push_str(". ");
        }
        dir.write(&format!("corpus/{}-doc.txt", 1990 + f), text);
    }
}

#[test]
fn report_on_disk_counted_in_partitions_and_on_shared_corpora() {
    let dir = TestDir::new();
    random_corpus(&dir);
    let corpus = dir.path().join("corpus");
    let (disk, err) = same_report(&dir, "96M", &[corpus.to_str().unwrap()]);
    assert!(partitions(&err) >= 2, "{err}");
    let phrases = std::fs::read_to_string(disk.join("phrases.csv")).unwrap();
    assert!(phrases.contains("\ngreat leader of the working people "), "{phrases}");
    if let Some(kp) = shared("kcna_kp") {
        same_report(&dir, MEDIUM, &[kp.to_str().unwrap(), "--split", "2024-07-01"]);
    }
    if let Some(ko) = shared("nk_newyear_ko") {
        same_report(&dir, MEDIUM, &[ko.to_str().unwrap()]);
    }
}

#[test]
fn report_on_disk_whatever_the_threads() {
    let dir = TestDir::new();
    let corpus = inaugural();
    let corpus = corpus.to_str().unwrap();
    let (one, two) = (dir.path().join("1/rep"), dir.path().join("2/rep"));
    report(MEDIUM, &one, &["-j1", corpus]);
    report(MEDIUM, &two, &["-j2", corpus]);
    for name in files(&one).iter().filter(|n| *n != "manifest.json") {
        let same = std::fs::read(one.join(name)).unwrap() == std::fs::read(two.join(name)).unwrap();
        assert!(same, "{name}: -j1 and -j2 differ");
    }
}

#[test]
fn report_with_a_reference_on_disk_equals_report_in_memory() {
    // The addresses of the 20th and 21st centuries against the earlier ones: keyness counted
    // over both, then the target's documents copied out of the token index on disk.
    let dir = TestDir::new();
    let root = inaugural();
    let (mut target, mut reference) = (Vec::new(), Vec::new());
    for entry in std::fs::read_dir(&root).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("19") || name.starts_with("20") {
            target.push(path.to_string_lossy().into_owned());
        } else if name.starts_with("17") || name.starts_with("18") {
            reference.push(path.to_string_lossy().into_owned());
        }
    }
    let mut args: Vec<&str> = target.iter().map(String::as_str).collect();
    args.push("--reference");
    args.extend(reference.iter().map(String::as_str));
    let (disk, err) = same_report(&dir, MEDIUM, &args);
    assert!(err.contains("31 documents of 65,994 words"), "{err}");
    let keyness = std::fs::read_to_string(disk.join("keyness.csv")).unwrap();
    assert!(keyness.lines().count() > 20, "{keyness}");
    let manifest = manifest(&disk);
    assert_eq!(manifest["corpus"]["documents"], 31, "only the target's documents: {manifest}");
}
