//! The memory budget (`--memory`) and the temporary space (`--temp-dir`) of a run.
//!
//! A [`Budget`] says how many bytes of working memory a run may hold; the counting code keeps
//! its tables under it and writes what does not fit to sorted runs in a [`TempSpace`]: a
//! folder of its own under `--temp-dir` (default: the system's temporary folder), registered
//! with [`crate::interrupt`] so that Ctrl-C removes it, and removed when the run ends, whether
//! it succeeded or not. A failure to write there (a full disk above all) becomes a
//! [`SpillError`] that names the folder and the way out.

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

    /// The error to report for `e`, met while writing temporary files (see [`spill_error`]).
    pub fn spill_error(&self, e: io::Error) -> anyhow::Error {
        spill_error(&self.temp_parent(), e)
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

/// Memory the process holds now (resident set, Linux), or `None` where it cannot be read.
pub fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Give memory freed by one phase back to the system before the next, so that what the
/// budget is measured against (the resident set) holds only what is in use. glibc keeps
/// freed heap memory otherwise.
pub fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free heap pages to the system.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// A size for messages, rounded up (a budget shown is never less than the one meant):
/// `3.0G`, `512M`, `640K`.
pub fn show(bytes: u64) -> String {
    const G: u64 = 1 << 30;
    const M: u64 = 1 << 20;
    if bytes >= G {
        let tenths = (bytes as u128 * 10).div_ceil(G as u128);
        format!("{}.{}G", tenths / 10, tenths % 10)
    } else if bytes >= M {
        format!("{}M", bytes.div_ceil(M))
    } else {
        format!("{}K", bytes.div_ceil(1024))
    }
}

/// A run's own temporary folder, removed when dropped and on SIGINT/SIGTERM.
pub struct TempSpace {
    /// `None` only while it is being dropped (removed).
    dir: Option<tempfile::TempDir>,
    /// The folder's path, kept to forget it in [`crate::interrupt`] once it is removed.
    path: PathBuf,
    next: std::sync::atomic::AtomicU64,
}

impl TempSpace {
    /// Make `refrain-XXXXXX` under `parent` (the system's temporary folder if `None`).
    pub fn new(parent: Option<&Path>) -> io::Result<TempSpace> {
        let parent = parent.map_or_else(std::env::temp_dir, Path::to_path_buf);
        let dir = crate::interrupt::temp_dir(|| {
            tempfile::Builder::new().prefix("refrain-").tempdir_in(&parent)
        })?;
        let path = dir.path().to_path_buf();
        Ok(TempSpace { dir: Some(dir), path, next: Default::default() })
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A new file in the folder, named after `what` and a serial number.
    pub fn create(&self, what: &str) -> io::Result<(File, PathBuf)> {
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = self.path.join(format!("{what}-{n:06}"));
        let file = File::options().read(true).write(true).create_new(true).open(&path)?;
        Ok((file, path))
    }
}

impl Drop for TempSpace {
    /// Remove the folder, then forget it: in the other order a Ctrl-C between the two would
    /// find it no longer registered and leave it (and its runs, gigabytes) on disk. Dropping
    /// happens on every way out of the run, `?` included.
    fn drop(&mut self) {
        if let Some(dir) = self.dir.take()
            && let Err(e) = dir.close()
            && e.kind() != io::ErrorKind::NotFound
        {
            crate::progress::warn(format_args!(
                "could not remove the temporary folder `{}`: {e}; remove it by hand",
                self.path.display()
            ));
        }
        crate::interrupt::forget(&self.path);
    }
}

/// An I/O error met while writing temporary files, and the folder they go under (the one
/// `--temp-dir` chooses, not the run's own folder inside it: that is the one a user can change).
#[derive(Debug)]
pub struct SpillError {
    /// The folder temporary files go under.
    pub parent: PathBuf,
    /// What the system said.
    pub source: io::Error,
}

impl std::fmt::Display for SpillError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let dir = self.parent.display();
        let e = &self.source;
        match e.kind() {
            io::ErrorKind::StorageFull => write!(
                f,
                "cannot write temporary files under `{dir}`: the disk is full ({e}); free \
                 space or choose another folder with --temp-dir"
            ),
            io::ErrorKind::QuotaExceeded => write!(
                f,
                "cannot write temporary files under `{dir}`: the disk quota is exceeded ({e}); \
                 free space or choose another folder with --temp-dir"
            ),
            _ => write!(
                f,
                "cannot write temporary files under `{dir}`: {e}; choose another folder with \
                 --temp-dir"
            ),
        }
    }
}

impl std::error::Error for SpillError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// The error to report for `e`, met while making or writing temporary files under `parent`
/// (a full disk or quota said in words, other errors with the system's reason).
pub fn spill_error(parent: &Path, e: io::Error) -> anyhow::Error {
    SpillError { parent: parent.to_path_buf(), source: e }.into()
}

/// Whether `e` says that the disk (or the user's quota on it) is full.
pub fn is_disk_full(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded)
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
    fn temp_space_is_registered_until_removed() {
        let parent = tempfile::tempdir().unwrap();
        let space = TempSpace::new(Some(parent.path())).unwrap();
        let path = space.path().to_path_buf();
        assert!(crate::interrupt::is_pending(&path));
        drop(space);
        assert!(!path.exists());
        assert!(!crate::interrupt::is_pending(&path));
    }

    /// A spill that fails half way (the error returned with `?`) leaves nothing behind.
    #[test]
    fn temp_space_is_removed_on_an_error_path() {
        use std::io::Write;
        fn spill(parent: &Path) -> io::Result<()> {
            let space = TempSpace::new(Some(parent))?;
            for _ in 0..3 {
                let (mut file, _) = space.create("run")?;
                file.write_all(b"sorted run")?;
            }
            std::fs::create_dir(space.path().join("merge"))?;
            std::fs::write(space.path().join("merge/part"), b"x")?;
            Err(io::Error::from_raw_os_error(libc::ENOSPC))
        }
        let parent = tempfile::tempdir().unwrap();
        let e = spill(parent.path()).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::StorageFull);
        assert_eq!(std::fs::read_dir(parent.path()).unwrap().count(), 0);
    }

    #[test]
    fn created_files_are_numbered_and_never_reused() {
        let parent = tempfile::tempdir().unwrap();
        let space = TempSpace::new(Some(parent.path())).unwrap();
        let (_, a) = space.create("run").unwrap();
        let (_, b) = space.create("run").unwrap();
        let (_, c) = space.create("merge").unwrap();
        let names: Vec<_> = [a, b, c].map(|p| p.file_name().unwrap().to_owned()).into();
        assert_eq!(names, ["run-000000", "run-000001", "merge-000002"]);
    }

    #[test]
    fn a_full_disk_is_said_in_words_with_the_folder_and_the_way_out() {
        let dir = Path::new("/big/scratch");
        let full = spill_error(dir, io::Error::from_raw_os_error(libc::ENOSPC)).to_string();
        assert_eq!(
            full,
            "cannot write temporary files under `/big/scratch`: the disk is full (No space \
             left on device (os error 28)); free space or choose another folder with --temp-dir"
        );
        let quota = spill_error(dir, io::Error::from_raw_os_error(libc::EDQUOT)).to_string();
        assert!(quota.contains("the disk quota is exceeded (Disk quota exceeded (os error 122))"));
        assert!(quota.contains("`/big/scratch`") && quota.contains("--temp-dir"));
        let denied = spill_error(dir, io::Error::from_raw_os_error(libc::EACCES)).to_string();
        assert_eq!(
            denied,
            "cannot write temporary files under `/big/scratch`: Permission denied (os error \
             13); choose another folder with --temp-dir"
        );
        assert!(is_disk_full(&io::Error::from_raw_os_error(libc::ENOSPC)));
        assert!(is_disk_full(&io::Error::from_raw_os_error(libc::EDQUOT)));
        assert!(!is_disk_full(&io::Error::from_raw_os_error(libc::EROFS)));
    }

    #[test]
    fn the_budget_names_its_folder_in_spill_errors() {
        let budget = Budget { bytes: MIN_BYTES, temp_dir: Some("/scratch".into()) };
        let e = budget.spill_error(io::Error::from_raw_os_error(libc::ENOSPC));
        assert!(e.to_string().starts_with("cannot write temporary files under `/scratch`: the"));
        assert!(e.downcast_ref::<SpillError>().is_some());
    }

    #[test]
    fn sizes_are_shown_short() {
        assert_eq!(show(3 << 30), "3.0G");
        assert_eq!(show(500 << 20), "500M");
        assert_eq!(show(1), "1K");
    }
}
