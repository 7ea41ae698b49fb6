//! Fixtures: a temporary folder to write corpora into, and the `refrain` command.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// A temporary folder that is removed when dropped.
pub struct TestDir {
    dir: tempfile::TempDir,
}

impl TestDir {
    /// A new empty folder.
    pub fn new() -> Self {
        TestDir { dir: tempfile::tempdir().expect("temp dir") }
    }

    /// The folder's path.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Path of `name` inside the folder.
    pub fn join(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Write `content` to `name` (creating parent folders) and return its path.
    pub fn write(&self, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let path = self.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create folder");
        }
        std::fs::write(&path, content).expect("write file");
        path
    }
}

/// The `refrain` binary, with a clean environment and no progress bars.
pub fn refrain() -> Command {
    let mut cmd = Command::cargo_bin("refrain").expect("binary built");
    cmd.env_clear().env("PATH", std::env::var_os("PATH").unwrap_or_default());
    cmd
}

/// Run `refrain` with `args`, expect success, and return (stdout, stderr).
pub fn run_ok(args: &[&str]) -> (String, String) {
    let out = refrain().args(args).output().expect("run refrain");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "refrain {args:?} failed:\n{stderr}");
    (stdout, stderr)
}

/// Parse CSV text into rows of fields keyed by the header.
pub fn csv_rows(text: &str) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().expect("header").clone();
    reader
        .records()
        .map(|r| {
            let r = r.expect("record");
            headers.iter().zip(r.iter()).map(|(h, v)| (h.to_string(), v.to_string())).collect()
        })
        .collect()
}

/// The row whose `column` equals `value`.
pub fn row<'a>(
    rows: &'a [std::collections::BTreeMap<String, String>],
    column: &str,
    value: &str,
) -> &'a std::collections::BTreeMap<String, String> {
    rows.iter()
        .find(|r| r.get(column).map(String::as_str) == Some(value))
        .unwrap_or_else(|| panic!("no row with {column} = {value}"))
}
