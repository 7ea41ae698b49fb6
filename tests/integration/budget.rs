//! `--memory`, `REFRAIN_MEMORY` and `--temp-dir`: bad values and unusable folders refused
//! before any work (exit 2, nothing written at `-o`), good ones leaving the output unchanged;
//! and the tiny file systems the disk-full tests use.

use std::path::Path;
use std::process::Output;

use crate::util::{TestDir, TinyFs, refrain};

/// Every command that reads a corpus, with what it needs besides (a phrase, a reference).
const CORPUS_COMMANDS: [&[&str]; 7] = [
    &["freq"],
    &["phrases"],
    &["trend", "party"],
    &["keyness", "--split", "2000"],
    &["kwic", "party"],
    &["docs"],
    &["report"],
];

/// `refrain freq ARGS -o OUT` on the bundled sample, without `REFRAIN_MEMORY`.
fn freq_to(out: &Path, args: &[&str]) -> Output {
    refrain()
        .env_remove("REFRAIN_MEMORY")
        .arg("freq")
        .args(args)
        .arg("-o")
        .arg(out)
        .output()
        .unwrap()
}

/// The run failed with exit status 2, said `expected`, and wrote nothing at `out`.
fn assert_refused(run: &Output, out: &Path, expected: &str) {
    let err = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{err}");
    assert!(err.contains(expected), "expected {expected:?} in:\n{err}");
    assert!(!out.exists(), "{} was written", out.display());
}

#[test]
fn malformed_memory_values_are_refused_with_the_accepted_forms() {
    let dir = TestDir::new();
    let out = dir.join("out.csv");
    let forms = "write bytes, or a number with K, M, G or T (KiB, MiB, GiB, TiB; powers of 1024)";
    let cases = [
        ("--memory=3X", "`3X` is not a size: "),
        ("--memory=-1", "`-1` is not a size: "),
        ("--memory=", "an empty value is not a size: "),
        ("--memory=3GB", "`3GB`: GB may mean powers of 1000 or of 1024"),
        ("--memory=1.5", "`1.5`: a number of bytes is whole"),
    ];
    for (arg, expected) in cases {
        let run = freq_to(&out, &[arg]);
        assert_refused(&run, &out, expected);
        assert_refused(&run, &out, "for '--memory <SIZE>'");
        if !arg.ends_with("3GB") && !arg.ends_with("1.5") {
            assert_refused(&run, &out, forms);
        }
    }
    // A negative number given as the next argument is taken as the value, not as a flag.
    assert_refused(&freq_to(&out, &["--memory", "-1"]), &out, "`-1` is not a size: ");
    assert_refused(&freq_to(&out, &["--memory=3GB"]), &out, "write `3G` or `3GiB`");
}

#[test]
fn a_budget_too_small_names_the_smallest_that_works() {
    let dir = TestDir::new();
    let out = dir.join("out.csv");
    let smallest = "the smallest budget that works is 64M";
    for (value, shown) in
        [("10M", "10M"), ("0", "0"), ("65535K", "65535K"), ("67108863", "67108863")]
    {
        let run = freq_to(&out, &["--memory", value]);
        assert_refused(
            &run,
            &out,
            &format!("'{value}' for '--memory <SIZE>': {shown} is too small"),
        );
        assert_refused(&run, &out, smallest);
    }
    // The smallest budget itself works.
    let run = freq_to(&out, &["--memory", "64M"]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(out.exists());
    // Every command that reads a corpus has the option.
    for command in CORPUS_COMMANDS {
        let run = refrain().args(command).args(["--memory", "10M"]).output().unwrap();
        let err = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{command:?}: {err}");
        assert!(err.contains(smallest), "{command:?}: {err}");
    }
}

#[test]
fn the_environment_sets_the_budget_when_the_flag_is_absent() {
    let dir = TestDir::new();
    let out = dir.join("out.csv");
    let with_env = |value: &str, args: &[&str]| {
        refrain().env("REFRAIN_MEMORY", value).arg("freq").args(args).arg("-o").arg(&out).output()
    };
    let run = with_env("10M", &[]).unwrap();
    assert_refused(
        &run,
        &out,
        "refrain: error: REFRAIN_MEMORY=10M: 10M is too small: the smallest budget that works is \
         64M",
    );
    assert_refused(&with_env("3X", &[]).unwrap(), &out, "REFRAIN_MEMORY=3X: `3X` is not a size");
    // The flag wins over the variable, even a malformed one.
    let run = with_env("3X", &["--memory", "1G", "-q"]).unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(out.exists());
}

#[test]
fn an_unusable_temp_dir_is_refused_before_any_work() {
    let dir = TestDir::new();
    let out = dir.join("out.csv");
    let missing = dir.join("missing");
    let file = dir.write("a-file", "not a folder");
    let read_only = TinyFs::read_only();
    let full = TinyFs::full("64k");
    let cases = [
        (missing.clone(), format!("--temp-dir `{}` does not exist", missing.display())),
        (file.clone(), format!("--temp-dir `{}` is a file, not a folder", file.display())),
        (
            read_only.path().to_path_buf(),
            format!(
                "cannot write temporary files under `{}`: Read-only file system (os error 30); \
                 choose another folder with --temp-dir",
                read_only.path().display()
            ),
        ),
        (
            full.path().to_path_buf(),
            format!(
                "cannot write temporary files under `{}`: the disk is full (No space left on \
                 device (os error 28)); free space or choose another folder with --temp-dir",
                full.path().display()
            ),
        ),
        // Under /proc no folder can be made, by root either, though the mode says writable.
        ("/proc/sys".into(), "cannot write temporary files under `/proc/sys`: ".into()),
    ];
    for (temp, expected) in cases {
        let run = freq_to(&out, &["--memory", "1G", "--temp-dir", temp.to_str().unwrap()]);
        assert_refused(&run, &out, &format!("refrain: error: {expected}"));
    }
    // The probe left nothing on the full disk but its filler.
    let left: Vec<_> =
        std::fs::read_dir(full.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left, ["filler"]);
    // A previous output is left as it was.
    std::fs::write(&out, "earlier table\n").unwrap();
    let run = freq_to(&out, &["--temp-dir", missing.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "earlier table\n");
}

#[test]
fn an_unusable_system_temp_dir_is_only_a_warning() {
    let run = refrain()
        .env_remove("REFRAIN_MEMORY")
        .env("TMPDIR", "/nonexistent-refrain-tmp")
        .args(["freq", "--top", "1", "--format", "csv"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{err}");
    assert!(
        err.contains(
            "refrain: warning: the system's temporary folder `/nonexistent-refrain-tmp` does not \
             exist (only a run that outgrows --memory writes there; --temp-dir DIR chooses \
             another folder)"
        ),
        "{err}"
    );
    assert_eq!(String::from_utf8_lossy(&run.stdout).lines().count(), 2);
}

#[test]
fn a_budget_and_temp_dir_leave_the_output_unchanged_and_the_folder_empty() {
    let dir = TestDir::new();
    let temp = TestDir::new();
    let unlimited = dir.join("unlimited.csv");
    let budgeted = dir.join("budgeted.csv");
    let args = ["-n", "1..3", "-q"];
    assert!(freq_to(&unlimited, &args).status.success());
    let flags = ["--memory", "4G", "--temp-dir", temp.path().to_str().unwrap()];
    let run = freq_to(&budgeted, &[&args[..], &flags].concat());
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let (a, b) = (std::fs::read(&unlimited).unwrap(), std::fs::read(&budgeted).unwrap());
    assert!(a.len() > 1000, "the sample's table is {} bytes", a.len());
    assert_eq!(a, b);
    assert_eq!(std::fs::read_dir(temp.path()).unwrap().count(), 0);
    // The same through the environment, and on another command.
    let phrases = |env: Option<&str>| {
        let mut cmd = refrain();
        cmd.env_remove("REFRAIN_MEMORY");
        if let Some(value) = env {
            cmd.env("REFRAIN_MEMORY", value);
        }
        let run = cmd.args(["phrases", "--format", "csv", "-q"]).output().unwrap();
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        run.stdout
    };
    assert_eq!(phrases(None), phrases(Some("1.5G")));
}

#[test]
fn help_documents_the_budget_and_the_temporary_folder() {
    for command in CORPUS_COMMANDS {
        let run = refrain().arg(command[0]).arg("--help").output().unwrap();
        let help =
            String::from_utf8_lossy(&run.stdout).split_whitespace().collect::<Vec<_>>().join(" ");
        for needed in [
            "Resources: --memory <SIZE>",
            "[default: REFRAIN_MEMORY when set, else half of physical memory (MemTotal in \
             /proc/meminfo)]",
            "sorts what it found into runs on disk and merges them at the end",
            "the output is the same bytes as with unlimited memory",
            "Standard input (`-`) is read first, at most a sixth of the budget, and then counts \
             like a file",
            "A record file (JSON Lines, CSV, TSV, each maybe .gz, and Parquet) with more text \
             than a sixteenth of the budget is read a piece of about that size at a time",
            "one that needs more than the budget (about six times its size) stops the run \
             before reading, naming the budget it needs",
            "Not included: the program itself",
            "The smallest budget accepted is 64M",
            "--temp-dir <DIR>",
            "removed when the run ends, fails or is interrupted (Ctrl-C)",
        ] {
            assert!(help.contains(needed), "{} --help lacks {needed:?}", command[0]);
        }
    }
}

#[test]
fn tiny_file_systems_fill_up_refuse_writes_and_are_unmounted() {
    let mounted = |path: &Path| {
        let mounts = std::fs::read_to_string("/proc/self/mounts").unwrap();
        mounts.lines().any(|l| l.split(' ').nth(1) == Some(path.to_str().unwrap()))
    };
    let fs = TinyFs::new("64k");
    let path = fs.path().to_path_buf();
    assert!(mounted(&path));
    fs.fill("a");
    let size = std::fs::metadata(fs.join("a")).unwrap().len();
    assert!((32 << 10..=64 << 10).contains(&size), "the filler took {size} bytes of 64k");
    let e = std::fs::write(fs.join("b"), [0u8; 4096]).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(28), "{e}"); // ENOSPC
    drop(fs);
    assert!(!mounted(&path) && !path.exists());
    let read_only = TinyFs::read_only();
    let e = std::fs::create_dir(read_only.join("x")).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(30), "{e}"); // EROFS
}
