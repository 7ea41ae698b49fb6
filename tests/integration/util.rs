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

/// The `refrain` binary, with a clean environment and no progress bars. `REFRAIN_MEMORY` is
/// passed on when set, so that `REFRAIN_MEMORY=64M cargo test` runs every test under a small
/// memory budget (the output must not change).
pub fn refrain() -> Command {
    let mut cmd = Command::cargo_bin("refrain").expect("binary built");
    cmd.env_clear().env("PATH", std::env::var_os("PATH").unwrap_or_default());
    if let Some(memory) = std::env::var_os("REFRAIN_MEMORY") {
        cmd.env("REFRAIN_MEMORY", memory);
    }
    cmd
}

/// A tmpfs of a few kilobytes mounted on a new folder, unmounted when dropped: a disk that
/// fills up, or (read-only) one that cannot be written, even by root. Mounting needs root
/// (CAP_SYS_ADMIN): where it is not permitted the test panics with the reason rather than
/// passing without testing anything.
pub struct TinyFs {
    dir: TestDir,
}

impl TinyFs {
    /// A writable tmpfs of `size` (`mount -o size=`: `64k`, `1m`).
    pub fn new(size: &str) -> Self {
        Self::mount(&format!("size={size}"))
    }

    /// A read-only tmpfs.
    pub fn read_only() -> Self {
        Self::mount("ro,size=64k")
    }

    /// A tmpfs of `size` already full (see [`TinyFs::fill`]).
    pub fn full(size: &str) -> Self {
        let fs = Self::new(size);
        fs.fill("filler");
        fs
    }

    fn mount(options: &str) -> Self {
        let dir = TestDir::new();
        let out = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", options, "refrain-test"])
            .arg(dir.path())
            .output();
        match out {
            Ok(out) if out.status.success() => TinyFs { dir },
            Ok(out) => panic!(
                "cannot mount a tmpfs (-o {options}) on {}: {}; this test needs root with \
                 CAP_SYS_ADMIN (mount -t tmpfs)",
                dir.path().display(),
                String::from_utf8_lossy(&out.stderr).trim()
            ),
            Err(e) => panic!("cannot run `mount` to make a tmpfs: {e}; this test needs it"),
        }
    }

    /// The mount point.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Path of `name` on the file system.
    pub fn join(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Write file `name` until the file system is full: the next write of data fails with "no
    /// space left on device" (a folder, which takes no data block, can still be made).
    pub fn fill(&self, name: &str) {
        use std::io::Write;
        let mut file = std::fs::File::create(self.join(name)).expect("create the filler");
        let block = [0u8; 4096];
        loop {
            match file.write(&block) {
                Ok(0) => panic!("the tmpfs took no bytes without saying it was full"),
                Ok(_) => continue,
                Err(e) if e.kind() == std::io::ErrorKind::StorageFull => return,
                Err(e) => panic!("filling the tmpfs failed otherwise: {e}"),
            }
        }
    }
}

impl Drop for TinyFs {
    /// Unmount before the (then empty) mount point is removed; lazily if it is still busy.
    fn drop(&mut self) {
        let umount = |args: &[&str]| {
            std::process::Command::new("umount")
                .args(args)
                .arg(self.dir.path())
                .status()
                .is_ok_and(|s| s.success())
        };
        if !umount(&[]) && !umount(&["-l"]) {
            eprintln!("warning: could not unmount the test tmpfs {}", self.dir.path().display());
        }
    }
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

/// Pseudo-random words over a vocabulary of `vocabulary` words ("waaa", "wbaa", …) from a
/// linear congruential generator seeded with `seed`: the same words every time.
pub fn random_words(seed: u64, vocabulary: usize) -> impl FnMut() -> String {
    let mut state = seed;
    move || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let n = (state >> 33) as usize % vocabulary;
        let letters: String =
            (0..3).map(|k| (b'a' + (n / 26usize.pow(k) % 26) as u8) as char).collect();
        format!("w{letters}")
    }
}
