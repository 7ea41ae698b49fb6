//! The memory budget (`--memory`) and the temporary space (`--temp-dir`) of a run.
//!
//! A [`Budget`] says how many bytes of working memory a run may hold; the counting code keeps
//! its tables under it and writes what does not fit to sorted runs in a [`TempSpace`]: a
//! folder of its own under `--temp-dir` (default: the system's temporary folder), registered
//! with [`crate::interrupt`] so that Ctrl-C removes it, and removed when the run ends, whether
//! it succeeded or not.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

/// Share of physical memory used when `--memory` is not given (one half: the rest is left to
/// the system's page cache, which the spilled runs are read back through, and other programs).
pub const DEFAULT_SHARE: f64 = 0.5;

/// Used when physical memory cannot be read (no `/proc/meminfo`).
pub const FALLBACK_BYTES: u64 = 4 << 30;

/// The smallest budget that works: the vocabulary, the document table and the buffers of
/// one batch of files need about this much even for a small corpus.
pub const MIN_BYTES: u64 = 64 << 20;

/// How much working memory a run may use, and where it may spill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Budget {
    /// Bytes of working memory.
    pub bytes: u64,
    /// Folder under which the temporary folder is made (`None`: the system's).
    pub temp_dir: Option<PathBuf>,
}

impl Default for Budget {
    /// [`DEFAULT_SHARE`] of physical memory, temporary files in the system's folder.
    fn default() -> Self {
        Budget { bytes: default_bytes(), temp_dir: None }
    }
}

impl Budget {
    /// A budget of `bytes` with temporary files in the system's folder.
    pub fn of(bytes: u64) -> Self {
        Budget { bytes, temp_dir: None }
    }

    /// No limit: everything is held in memory (tests, library users).
    pub fn unlimited() -> Self {
        Budget { bytes: u64::MAX, temp_dir: None }
    }

    /// Make this run's temporary folder.
    pub fn temp_space(&self) -> io::Result<TempSpace> {
        TempSpace::new(self.temp_dir.as_deref())
    }

    /// The folder temporary files go under, for messages.
    pub fn temp_parent(&self) -> PathBuf {
        self.temp_dir.clone().unwrap_or_else(std::env::temp_dir)
    }
}

/// [`DEFAULT_SHARE`] of the machine's physical memory.
pub fn default_bytes() -> u64 {
    physical_memory().map_or(FALLBACK_BYTES, |m| (m as f64 * DEFAULT_SHARE) as u64)
}

/// Physical memory in bytes (`MemTotal` of `/proc/meminfo`).
pub fn physical_memory() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// A size for messages: `3.0G`, `512M`, `640K`.
pub fn show(bytes: u64) -> String {
    const G: u64 = 1 << 30;
    const M: u64 = 1 << 20;
    if bytes >= G {
        format!("{:.1}G", bytes as f64 / G as f64)
    } else if bytes >= M {
        format!("{}M", bytes.div_ceil(M))
    } else {
        format!("{}K", bytes.div_ceil(1024))
    }
}

/// A run's own temporary folder, removed when dropped and on SIGINT/SIGTERM.
pub struct TempSpace {
    dir: tempfile::TempDir,
    next: std::sync::atomic::AtomicU64,
}

impl TempSpace {
    /// Make `refrain-XXXXXX` under `parent` (the system's temporary folder if `None`).
    pub fn new(parent: Option<&Path>) -> io::Result<TempSpace> {
        let parent = parent.map_or_else(std::env::temp_dir, Path::to_path_buf);
        let dir = crate::interrupt::temp_dir(|| {
            tempfile::Builder::new().prefix("refrain-").tempdir_in(&parent)
        })?;
        Ok(TempSpace { dir, next: Default::default() })
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A new file in the folder, named after `what` and a serial number.
    pub fn create(&self, what: &str) -> io::Result<(File, PathBuf)> {
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = self.dir.path().join(format!("{what}-{n:06}"));
        let file = File::options().read(true).write(true).create_new(true).open(&path)?;
        Ok((file, path))
    }
}

impl Drop for TempSpace {
    fn drop(&mut self) {
        crate::interrupt::forget(self.dir.path());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_space_is_removed_when_dropped() {
        let parent = tempfile::tempdir().unwrap();
        let space = TempSpace::new(Some(parent.path())).unwrap();
        let (_, path) = space.create("run").unwrap();
        assert!(path.starts_with(parent.path()));
        assert!(path.exists());
        drop(space);
        assert_eq!(std::fs::read_dir(parent.path()).unwrap().count(), 0);
    }

    #[test]
    fn sizes_are_shown_short() {
        assert_eq!(show(3 << 30), "3.0G");
        assert_eq!(show(500 << 20), "500M");
        assert_eq!(show(1), "1K");
    }
}
