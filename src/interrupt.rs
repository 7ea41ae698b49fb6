//! Removing temporary files and folders when the run is interrupted (SIGINT, SIGTERM).
//!
//! Outputs are written under hidden temporary names and renamed into place: a file as
//! `.refrain-XXXX.tmp` beside its destination ([`crate::fsutil`]), a report into a
//! `.NAME.partial-PID-XXXX` folder ([`crate::report::folder`]). A run stopped by Ctrl-C or
//! `kill` would leave them behind (one can hold tens of megabytes). While such a file or folder
//! exists it is registered here; the first time one is registered, a thread starts that waits
//! for SIGINT or SIGTERM, removes everything registered, and then ends the process the way the
//! signal would have (so the shell sees "interrupted"). The signal handler itself only wakes
//! that thread (signal-hook's self-pipe), so nothing unsafe runs in it. Report folders of runs
//! killed outright (SIGKILL, running out of memory, power loss) are swept by the next report
//! instead ([`crate::report::folder::sweep_stale`]).

use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once};

/// The temporary files and folders to remove if the run is interrupted.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Make a temporary folder with `make` and remove it (recursively) if the run is interrupted
/// before [`forget`] is called. The handler is in place before the folder exists, and the
/// folder is registered under the same lock the handler takes, so a signal arriving at any
/// moment finds it.
pub fn temp_dir(
    make: impl FnOnce() -> std::io::Result<tempfile::TempDir>,
) -> std::io::Result<tempfile::TempDir> {
    register(make, tempfile::TempDir::path)
}

/// Make a temporary file with `make` and remove it if the run is interrupted before
/// [`forget`] is called (registered under the handler's lock, as [`temp_dir`]).
pub fn temp_file(
    make: impl FnOnce() -> std::io::Result<tempfile::NamedTempFile>,
) -> std::io::Result<tempfile::NamedTempFile> {
    register(make, tempfile::NamedTempFile::path)
}

/// Make something with `make` under the handler's lock and register its `path`.
fn register<T>(
    make: impl FnOnce() -> std::io::Result<T>,
    path: impl Fn(&T) -> &Path,
) -> std::io::Result<T> {
    install();
    let mut pending = PENDING.lock().unwrap_or_else(|e| e.into_inner());
    let made = make()?;
    pending.push(path(&made).to_path_buf());
    Ok(made)
}

/// `path` is gone or has been renamed into place: an interruption leaves it alone.
pub fn forget(path: &Path) {
    PENDING.lock().unwrap_or_else(|e| e.into_inner()).retain(|p| p != path);
}

/// Whether `path` is registered (for tests of the modules that register paths).
#[cfg(test)]
pub(crate) fn is_pending(path: &Path) -> bool {
    PENDING.lock().unwrap_or_else(|e| e.into_inner()).iter().any(|p| p == path)
}

/// Start the thread that waits for SIGINT and SIGTERM (once per process).
fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        #[cfg(unix)]
        {
            use signal_hook::consts::{SIGINT, SIGTERM};
            let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
                return; // No handler: the stale folders are swept by the next run.
            };
            let spawned =
                std::thread::Builder::new().name("refrain-signals".into()).spawn(move || {
                    if let Some(signal) = signals.forever().next() {
                        clean_up();
                        let _ = signal_hook::low_level::emulate_default_handler(signal);
                        std::process::exit(128 + signal);
                    }
                });
            drop(spawned);
        }
    });
}

/// Remove everything registered. The main thread may still be writing into a folder, so a
/// folder that is not empty after a removal (a file created meanwhile) is tried again.
fn clean_up() {
    let pending = PENDING.lock().unwrap_or_else(|e| e.into_inner());
    for path in pending.iter() {
        remove(path);
    }
    // Holding the lock until the process ends keeps the main thread from forgetting a folder
    // (and renaming it into place) halfway through.
    std::mem::forget(pending);
}

/// Remove a registered file or folder (a folder again while files still appear in it).
fn remove(path: &Path) {
    for _ in 0..20 {
        match std::fs::symlink_metadata(path) {
            Ok(meta) if meta.is_dir() => drop(std::fs::remove_dir_all(path)),
            Ok(_) => drop(std::fs::remove_file(path)),
            Err(_) => return,
        }
        if std::fs::symlink_metadata(path).is_err() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_and_folders_are_removed_and_absent_ones_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(".refrain-x.tmp");
        let folder = dir.path().join(".rep.partial-1-abcdef");
        std::fs::write(&file, "half a table").unwrap();
        std::fs::create_dir_all(folder.join("charts")).unwrap();
        std::fs::write(folder.join("charts/a.png"), "png").unwrap();
        for path in [&file, &folder, &dir.path().join("never-made")] {
            remove(path);
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
