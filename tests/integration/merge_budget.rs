//! `refrain merge` within its memory budget: rows that pass held or written to sorted runs
//! give `freq`'s bytes; a budget too small, a missing `--temp-dir` and a partial out of key
//! order are refused before anything is written; Ctrl-C leaves no temporary files and an
//! earlier output as it was (docs/partials.md, "Memory").

use std::path::{Path, PathBuf};
use std::process::Stdio;

use crate::util::{TestDir, refrain};

const INAUGURAL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/inaugural");

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Run refrain with `args` and `env`; stdout and stderr, after checking it succeeded.
fn ok(args: &[&str], env: &[(&str, &str)]) -> (Vec<u8>, String) {
    let out = refrain().args(args).envs(env.iter().copied()).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "refrain {args:?} failed:\n{stderr}");
    (out.stdout, stderr)
}

/// Run refrain with `args`, which must fail with exit status 2; its stderr.
fn fails(args: &[&str]) -> String {
    let out = refrain().args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "refrain {args:?}: {stderr}");
    stderr
}

/// The inaugural addresses cut into 3 shards (round robin) under `dir`, and their partials
/// counted with `-n 1..3`: the corpus folder and the partials' folder.
fn shards_and_partials(dir: &TestDir) -> (PathBuf, PathBuf) {
    let root = dir.join("corpus");
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(INAUGURAL).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    for (i, f) in files.iter().enumerate() {
        let shard = root.join(format!("s{}", i % 3));
        std::fs::create_dir_all(&shard).unwrap();
        std::fs::copy(f, shard.join(f.file_name().unwrap())).unwrap();
    }
    let parts = dir.join("parts");
    std::fs::create_dir_all(&parts).unwrap();
    for k in 0..3 {
        let out = parts.join(format!("p{k}.parquet"));
        let shard = root.join(format!("s{k}"));
        ok(&["-q", "freq", "--partial", "-n", "1..3", "-o", s(&out), s(&shard)], &[]);
    }
    (root, parts)
}

/// The number in "N sorted run(s)" on stderr (0 when the rows were all held).
fn runs(stderr: &str) -> usize {
    stderr
        .split("sorted run(s)")
        .next()
        .filter(|_| stderr.contains("sorted run(s)"))
        .and_then(|head| head.split_whitespace().last())
        .map_or(0, |n| n.parse().unwrap())
}

#[test]
fn many_sorted_runs_give_the_bytes_of_freq() {
    let dir = TestDir::new();
    let (root, parts) = shards_and_partials(&dir);
    let temp = TestDir::new();
    for args in [
        vec!["-n", "1..3", "--format", "csv"],
        vec!["-n", "1..3", "--min-count", "2", "--sort", "dp", "--format", "tsv"],
        vec!["-n", "2..3", "--sort", "phrase", "--format", "csv", "--top", "3000"],
        vec!["-n", "1", "--min-docs", "3", "--sort", "docs", "--format", "json"],
        // Parquet streamed a row group at a time: the bytes of freq's table written at once.
        vec!["-n", "1..2", "--format", "parquet"],
        vec!["-n", "2", "--by", "decade", "--top", "50", "--format", "csv"],
    ] {
        let mut freq = vec!["-q", "freq"];
        freq.extend(&args);
        freq.push(s(&root));
        let mut merge = vec!["merge", "--temp-dir", s(temp.path())];
        merge.extend(&args);
        merge.push(s(&parts));
        let (whole, _) = ok(&freq, &[]);
        // At most 200 rows held: the thousands of rows that pass go to disk in many runs.
        let (merged, stderr) = ok(&merge, &[("REFRAIN_MERGE_RUN_ROWS", "200")]);
        assert!(whole.len() > 1000, "{args:?}: the table has rows");
        assert!(whole == merged, "{args:?}: merge with runs differs from freq");
        if !args.contains(&"--top") {
            assert!(runs(&stderr) >= 10, "{args:?}: {stderr}");
        }
        let left: Vec<_> = std::fs::read_dir(temp.path()).unwrap().collect();
        assert!(left.is_empty(), "{args:?}: temporary files left: {left:?}");
    }
}

#[test]
fn too_small_a_budget_names_the_smallest_that_works() {
    let dir = TestDir::new();
    let (root, parts) = shards_and_partials(&dir);
    let out = dir.join("out.csv");
    let err = fails(&["merge", "-n", "1..3", "--memory", "64M", "-o", s(&out), s(&parts)]);
    assert!(err.contains("is too small to merge these 3 partials"), "{err}");
    assert!(!out.exists(), "nothing is written");
    let named = err.split("--memory ").last().unwrap().trim_end().trim_end_matches(')');
    assert!(named.ends_with('M'), "{err}");
    let args = ["-q", "merge", "-n", "1..3", "--memory", named, "--format", "csv", s(&parts)];
    let (merged, _) = ok(&args, &[]);
    let (whole, _) = ok(&["-q", "freq", "-n", "1..3", "--format", "csv", s(&root)], &[]);
    assert!(merged == whole, "the budget named works and gives freq's bytes");
}

#[test]
fn a_missing_temp_dir_is_refused_before_any_work() {
    let dir = TestDir::new();
    let missing = dir.join("no-such-folder");
    let out = dir.join("out.csv");
    // The partial need not even exist: the folder is checked first.
    let err = fails(&["merge", "--temp-dir", s(&missing), "-o", s(&out), s(&dir.join("x"))]);
    assert!(err.contains(&format!("--temp-dir `{}` does not exist", missing.display())), "{err}");
    assert!(!out.exists());
}

#[test]
fn a_partial_whose_rows_are_out_of_key_order_is_refused() {
    let dir = TestDir::new();
    let (_, parts) = shards_and_partials(&dir);
    let path = parts.join("p1.parquet");
    let mut partial = refrain::table::partial::read_partial(&path).unwrap();
    // Two rows far apart swapped: each file still holds each key once, with its sums.
    let last = partial.rows.len() - 1;
    partial.rows.swap(10, last);
    let bad = dir.join("bad.parquet");
    refrain::table::partial::write_partial(&bad, &partial).unwrap();
    let out = dir.join("out.csv");
    let first = parts.join("p0.parquet");
    let err = fails(&["merge", "-o", s(&out), s(&first), s(&bad)]);
    assert!(err.contains(s(&bad)) && err.contains("not in key order"), "{err}");
    assert!(!out.exists(), "nothing is written");
}

/// Send SIGINT to a child and wait for it.
fn interrupt(child: &mut std::process::Child) -> std::process::ExitStatus {
    // SAFETY: kill(2) on our own child's pid.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    child.wait().unwrap()
}

/// Run files in the merge's own folder under `parent`.
fn runs_in(parent: &Path) -> usize {
    std::fs::read_dir(parent)
        .unwrap()
        .flatten()
        .flat_map(|d| std::fs::read_dir(d.path()).into_iter().flatten().flatten())
        .count()
}

#[test]
fn ctrl_c_during_a_merge_leaves_no_temporary_files_and_an_earlier_output() {
    let dir = TestDir::new();
    let (_, parts) = shards_and_partials(&dir);
    let temp = TestDir::new();
    let out = dir.join("out.csv");
    std::fs::write(&out, "an earlier table\n").unwrap();
    // A run every 20 rows: thousands of runs, written while the partials are merged.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_refrain"))
        .args(["merge", "-n", "1..3", "--temp-dir", s(temp.path()), "-o", s(&out), s(&parts)])
        .env("REFRAIN_MERGE_RUN_ROWS", "20")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while runs_in(temp.path()) < 10 && std::time::Instant::now() < deadline {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let status = interrupt(&mut child);
    assert!(!status.success(), "the merge was interrupted with runs on disk");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "an earlier table\n");
    let left: Vec<_> = std::fs::read_dir(temp.path()).unwrap().collect();
    assert!(left.is_empty(), "temporary files left after Ctrl-C: {left:?}");
    let strays: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .filter(|f| f.path().is_file() && f.file_name() != "out.csv")
        .collect();
    assert!(strays.is_empty(), "a half-written table was left: {strays:?}");
}
