//! Removing a report's temporary folders when the run is interrupted (SIGINT, SIGTERM).
//!
//! A report is written into hidden `.NAME.partial-PID-XXXX` folders ([`super::folder`]); a run
//! stopped by Ctrl-C or `kill` would leave them behind (one can hold tens of megabytes). While
//! such a folder exists it is registered here; the first time one is registered, a thread
//! starts that waits for SIGINT or SIGTERM, removes every registered folder, and then ends the
//! process the way the signal would have (so the shell sees "interrupted"). The signal handler
//! itself only wakes that thread (signal-hook's self-pipe), so nothing unsafe runs in it.
//! Folders of runs killed outright (SIGKILL, power loss) are swept by the next run instead
//! ([`super::folder::sweep_stale`]).

use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once};

/// The temporary folders to remove if the run is interrupted.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Make a temporary folder with `make` and remove it (recursively) if the run is interrupted
/// before [`forget`] is called. The handler is in place before the folder exists, and the
/// folder is registered under the same lock the handler takes, so a signal arriving at any
/// moment finds it.
pub fn temp_dir(
    make: impl FnOnce() -> std::io::Result<tempfile::TempDir>,
) -> std::io::Result<tempfile::TempDir> {
    install();
    let mut pending = PENDING.lock().unwrap_or_else(|e| e.into_inner());
    let dir = make()?;
    pending.push(dir.path().to_path_buf());
    Ok(dir)
}

/// `path` is gone or has been renamed into place: an interruption leaves it alone.
pub fn forget(path: &Path) {
    PENDING.lock().unwrap_or_else(|e| e.into_inner()).retain(|p| p != path);
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

/// Remove every registered folder. The main thread may still be writing into one, so a
/// folder that is not empty after a removal (a file created meanwhile) is tried again.
fn clean_up() {
    let pending = PENDING.lock().unwrap_or_else(|e| e.into_inner());
    for path in pending.iter() {
        for _ in 0..20 {
            let _ = std::fs::remove_dir_all(path);
            if !path.exists() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }
    // Holding the lock until the process ends keeps the main thread from forgetting a folder
    // (and renaming it into place) halfway through.
    std::mem::forget(pending);
}
