//! The report folder as a neighbour of the user's files (issue 11 B2, B7, B8): refrain
//! replaces only its own reports, never deletes a file it did not write, does not read its
//! reports back as corpus text, and leaves no temporary folder behind when interrupted.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::util::{TestDir, refrain, run_ok};

/// Names in a folder, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn small_corpus(dir: &TestDir) -> String {
    for (i, t) in
        ["Party cells stand firm today.", "The party cells stand firm.", "Party cells stand."]
            .iter()
            .enumerate()
    {
        dir.write(&format!("in/{i}.txt"), t);
    }
    dir.join("in").to_str().unwrap().to_string()
}

fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap()
}

/// B2: a folder with someone else's manifest.json is not a report: nothing is deleted.
#[test]
fn a_folder_with_a_foreign_manifest_is_never_replaced() {
    let dir = TestDir::new();
    let corpus = small_corpus(&dir);
    dir.write("site/manifest.json", r#"{"name": "my app", "start_url": "/"}"#);
    dir.write("site/index.html", "<p>my page</p>");
    let site = dir.join("site");
    let out = refrain().args(["report", "-o", site.to_str().unwrap(), &corpus]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a refrain report"));
    assert_eq!(names(&site), ["index.html", "manifest.json"]);
    assert_eq!(std::fs::read_to_string(site.join("index.html")).unwrap(), "<p>my page</p>");
}

/// B2: a report is replaced by the next one; once the user adds a file to it, it is not.
#[test]
fn a_report_is_replaced_only_while_it_holds_only_its_own_files() {
    let dir = TestDir::new();
    let corpus = small_corpus(&dir);
    let rep = dir.join("rep");
    let r = rep.to_str().unwrap();
    run_ok(&["report", "-q", "--min-count", "2", "-o", r, &corpus]);
    let listed = manifest(&rep)["files"].as_array().unwrap().clone();
    assert!(
        listed.iter().any(|f| f == "manifest.json") && listed.iter().any(|f| f == "index.html")
    );
    assert!(listed.iter().any(|f| f.as_str().unwrap().starts_with("charts/")), "{listed:?}");
    run_ok(&["report", "-q", "--min-count", "3", "-o", r, &corpus]);
    assert_eq!(manifest(&rep)["resolved"]["min_count"], 3);
    dir.write("rep/my notes.md", "mine");
    let out = refrain().args(["report", "-o", r, &corpus]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("`my notes.md`") && err.contains("never deletes"), "{err}");
    assert_eq!(std::fs::read_to_string(rep.join("my notes.md")).unwrap(), "mine");
    assert_eq!(manifest(&rep)["resolved"]["min_count"], 3);
    assert_eq!(names(dir.path()), ["in", "rep"], "no temporary folder left");
}

/// B7: `report -o in/rep in` run twice reads the same documents both times.
#[test]
fn a_report_inside_its_corpus_is_not_read_back() {
    let dir = TestDir::new();
    let corpus = small_corpus(&dir);
    let rep = dir.join("in/rep");
    let r = rep.to_str().unwrap();
    run_ok(&["report", "-q", "--min-count", "2", "-o", r, &corpus]);
    assert_eq!(manifest(&rep)["corpus"]["documents"], 3);
    let (_, err) = run_ok(&["report", "--min-count", "2", "-o", r, &corpus]);
    assert_eq!(manifest(&rep)["corpus"]["documents"], 3);
    assert_eq!(manifest(&rep)["corpus"]["fingerprint"]["files"], 3);
    assert!(err.lines().any(|l| l.contains("rep") && l.contains("refrain report")), "{err}");
    let (_, err) = run_ok(&["freq", "-q", &corpus]);
    assert!(!err.contains("no documents"), "{err}");
}

/// B8: a report interrupted by SIGINT removes its temporary folder; one left by a killed run
/// (its process gone) is swept by the next run.
#[cfg(unix)]
#[test]
fn an_interrupted_report_leaves_nothing_behind() {
    let dir = TestDir::new();
    let words = ["party", "cells", "stand", "firm", "people", "army", "unit", "power", "today"];
    let mut text = String::new();
    for i in 0..400_000usize {
        text.push_str(words[(i * 7 + i / 9) % words.len()]);
        text.push_str(if i % 12 == 11 { ".\n" } else { " " });
    }
    for f in 0..4 {
        dir.write(&format!("in/{f}.txt"), &text);
    }
    let out = dir.join("out");
    std::fs::create_dir(&out).unwrap();
    let rep = out.join("rep");
    let bin = assert_cmd::cargo::cargo_bin("refrain");
    let mut child = std::process::Command::new(bin)
        .args(["report", "-q", "-o"])
        .arg(&rep)
        .arg(dir.join("in"))
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while !names(&out).iter().any(|n| n.starts_with(".rep.partial-")) {
        assert!(started.elapsed() < Duration::from_secs(60), "no temporary folder appeared");
        assert!(child.try_wait().unwrap().is_none(), "the report ended before it was interrupted");
        std::thread::sleep(Duration::from_millis(5));
    }
    // SAFETY: sends SIGINT to the child started above.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGINT);
    }
    let status = child.wait().unwrap();
    assert!(!status.success(), "{status:?}");
    assert!(names(&out).is_empty(), "left behind: {:?}", names(&out));

    let stale = out.join(".rep.partial-2147483646-abcdef");
    std::fs::create_dir(&stale).unwrap();
    std::fs::write(stale.join(".refrain-partial"), "").unwrap();
    std::fs::write(stale.join("terms.csv"), "x").unwrap();
    dir.write("small/a.txt", "Party cells stand firm.");
    run_ok(&["report", "-q", "-o", rep.to_str().unwrap(), dir.join("small").to_str().unwrap()]);
    assert_eq!(names(&out), ["rep"]);
}

/// A temporary folder as a killed run leaves it (a report stopped by running out of memory,
/// which exits with `_exit` and cannot clean up): refrain's marker file and a table.
fn plant_partial(parent: &Path, name: &str) {
    let d = parent.join(name);
    std::fs::create_dir(&d).unwrap();
    std::fs::write(d.join(".refrain-partial"), "").unwrap();
    std::fs::write(d.join("terms.csv"), "phrase,count\nparty,3\n").unwrap();
}

/// B8 (review): the sweep at the start of a report removes the stale temporary folders of
/// reports of any name in the destination's folder (process gone), but not those of a live
/// process, nor a folder of the same pattern that refrain's marker does not identify.
#[cfg(unix)]
#[test]
fn a_report_sweeps_stale_temporary_folders_of_every_name() {
    let dir = TestDir::new();
    let corpus = small_corpus(&dir);
    let out = dir.join("out");
    std::fs::create_dir(&out).unwrap();
    let dead = ".killed.partial-2147483646-Ab12cd";
    let live = format!(".other.partial-{}-Ab12cd", std::process::id());
    let mine = ".notes.partial-2147483646-Ab12cd";
    plant_partial(&out, dead);
    plant_partial(&out, &live);
    std::fs::create_dir(out.join(mine)).unwrap();
    std::fs::write(out.join(mine).join("draft.md"), "mine").unwrap();
    run_ok(&["report", "-q", "-o", out.join("rep").to_str().unwrap(), &corpus]);
    let mut want = vec![mine.to_string(), live, "rep".to_string()];
    want.sort();
    assert_eq!(names(&out), want);
    assert_eq!(std::fs::read_to_string(out.join(mine).join("draft.md")).unwrap(), "mine");
}

/// An interrupted table output leaves neither its temporary `.refrain-*.tmp` file nor a half
/// file at `-o` (the file is registered with the interrupt handler while it is written).
#[cfg(unix)]
#[test]
fn an_interrupted_table_output_leaves_nothing_behind() {
    let dir = TestDir::new();
    // Every 1..5-gram of random-looking words is written: millions of rows, seconds of writing
    // in a debug build, so the temporary file is there long enough to be seen.
    let mut text = String::new();
    let mut x: u64 = 7;
    for i in 0..600_000usize {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        text.push_str(&format!("w{}", (x >> 33) % 50_000));
        text.push_str(if i % 15 == 14 { ".\n" } else { " " });
    }
    dir.write("in/a.txt", &text);
    let out = dir.join("out");
    std::fs::create_dir(&out).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("refrain");
    let mut child = std::process::Command::new(bin)
        .args(["freq", "-q", "-n", "1..5", "--format", "csv", "-o"])
        .arg(out.join("table.csv"))
        .arg(dir.join("in"))
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while !names(&out).iter().any(|n| n.starts_with(".refrain-")) {
        assert!(started.elapsed() < Duration::from_secs(120), "no temporary file appeared");
        assert!(child.try_wait().unwrap().is_none(), "freq ended before it was interrupted");
        std::thread::sleep(Duration::from_millis(2));
    }
    // SAFETY: sends SIGINT to the child started above.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGINT);
    }
    let status = child.wait().unwrap();
    assert!(!status.success(), "{status:?}");
    assert!(names(&out).is_empty(), "left behind: {:?}", names(&out));
}
