//! Writing a report folder whole or not at all: files go into a hidden temporary folder beside
//! the destination, which is renamed into place once everything is written. A failed run
//! removes the temporary folder and leaves any earlier report untouched; an interrupted one
//! removes it too ([`super::interrupt`]), and a run that was killed outright leaves it for the
//! next run of the same destination to sweep ([`sweep_stale`]).
//!
//! An existing destination is replaced only when it is empty or when its `manifest.json` is
//! refrain's and lists every file the folder holds: a folder with any other file (a web
//! project's `manifest.json`, a note the user added to an old report) is never deleted.

use std::io;
use std::path::{Path, PathBuf};

use super::interrupt;
use super::manifest::{files_under, is_report_folder, listed_files};

/// A report folder being written.
#[derive(Debug)]
pub struct Staging {
    tmp: Option<tempfile::TempDir>,
    dest: PathBuf,
}

impl Staging {
    /// Start writing the folder `dest`: its parent folders are created; `dest` itself may
    /// exist only as an earlier report (see [`check_replaceable`]) or an empty folder, which
    /// the new report replaces. Temporary folders that killed runs left for `dest` are removed.
    pub fn new(dest: &Path) -> io::Result<Staging> {
        check_replaceable(dest)?;
        let parent = parent_of(dest);
        std::fs::create_dir_all(parent)?;
        let name = dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        sweep_stale(parent, &name);
        let prefix = format!(".{name}.partial-{}-", std::process::id());
        let tmp =
            interrupt::temp_dir(|| tempfile::Builder::new().prefix(&prefix).tempdir_in(parent))?;
        Ok(Staging { tmp: Some(tmp), dest: dest.to_path_buf() })
    }

    /// The temporary folder to write into.
    pub fn path(&self) -> &Path {
        self.tmp.as_ref().expect("present until commit").path()
    }

    /// The destination.
    pub fn dest(&self) -> &Path {
        &self.dest
    }

    /// Move the finished folder into place, replacing an earlier report of the same name
    /// (checked again: files may have been added to it while this report was made).
    pub fn commit(mut self) -> io::Result<()> {
        let tmp = self.tmp.take().expect("present until commit");
        let dest = self.dest.clone();
        check_replaceable(&dest)?;
        set_mode(tmp.path())?;
        let parent = parent_of(&dest);
        let built = tmp.keep();
        let result = (|| {
            if dest.exists() {
                // Move the old report aside first: a rename onto a non-empty folder fails.
                let name = dest.file_name().map(|n| n.to_string_lossy().into_owned());
                let old = tempfile::Builder::new()
                    .prefix(&format!(".{}.old-{}-", name.unwrap_or_default(), std::process::id()))
                    .tempdir_in(parent)?;
                let old_path = old.path().join("report");
                std::fs::rename(&dest, &old_path)?;
                std::fs::rename(&built, &dest)?;
                drop(old); // removes the old report
            } else {
                std::fs::rename(&built, &dest)?;
            }
            Ok(())
        })();
        if result.is_err() {
            let _ = std::fs::remove_dir_all(&built);
        }
        interrupt::forget(&built);
        result
    }
}

impl Drop for Staging {
    /// A report that is not committed leaves nothing behind.
    fn drop(&mut self) {
        if let Some(tmp) = self.tmp.take() {
            let path = tmp.path().to_path_buf();
            drop(tmp);
            interrupt::forget(&path);
        }
    }
}

fn parent_of(dest: &Path) -> &Path {
    match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// How many unlisted files an error names before saying "and N more".
const NAMED: usize = 5;

/// `dest` may be written when it does not exist, is an empty folder, or holds an earlier
/// report: a `manifest.json` refrain wrote (its `generator` marker) listing every file the
/// folder holds. Anything else is refused with a message saying why, and nothing is deleted.
pub fn check_replaceable(dest: &Path) -> io::Result<()> {
    let refuse = |why: String| {
        Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("`{}` {why} choose another folder with -o", dest.display()),
        ))
    };
    let Ok(meta) = std::fs::metadata(dest) else { return Ok(()) };
    if !meta.is_dir() {
        return refuse("exists and is not a folder:".into());
    }
    let present = files_under(dest)?;
    if present.is_empty() {
        return Ok(());
    }
    let Some(listed) = listed_files(dest) else {
        if is_report_folder(dest) {
            return refuse(
                "is a report of an older refrain whose manifest.json does not list its files, so \
                 refrain cannot tell what else the folder holds: delete it yourself or"
                    .into(),
            );
        }
        return refuse(
            "exists and is not a refrain report (no manifest.json of refrain's listing its files):"
                .into(),
        );
    };
    let unlisted: Vec<&String> = present.iter().filter(|f| !listed.contains(f)).collect();
    if unlisted.is_empty() {
        return Ok(());
    }
    let mut named: Vec<String> = unlisted.iter().take(NAMED).map(|f| format!("`{f}`")).collect();
    if unlisted.len() > NAMED {
        named.push(format!("and {} more", unlisted.len() - NAMED));
    }
    refuse(format!(
        "holds files the earlier report did not write ({}), which refrain never deletes:",
        named.join(", ")
    ))
}

/// Remove the temporary folders (`.NAME.partial-PID-…`, `.NAME.old-PID-…`) that earlier runs
/// writing the report `name` in `parent` left behind when they were killed: only those whose
/// process (PID) is gone, so a run writing the same report at this moment is left alone.
pub fn sweep_stale(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    let prefixes = [format!(".{name}.partial-"), format!(".{name}.old-")];
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let file_name = file_name.to_string_lossy();
        let Some(rest) = prefixes.iter().find_map(|p| file_name.strip_prefix(p.as_str())) else {
            continue;
        };
        let Some(pid) = rest.split_once('-').and_then(|(pid, _)| pid.parse::<u32>().ok()) else {
            continue;
        };
        if !process_alive(pid) && entry.file_type().is_ok_and(|t| t.is_dir()) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Whether a process with this id exists (a PID reused by another program counts as alive:
/// its folder is then kept, which is the safe mistake).
#[cfg(unix)]
fn process_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else { return false };
    if pid <= 0 {
        return true;
    }
    // SAFETY: signal 0 only checks whether the process exists and may be signalled.
    let ok = unsafe { libc::kill(pid, 0) } == 0;
    ok || io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

#[cfg(not(unix))]
fn process_alive(_pid: u32) -> bool {
    true
}

/// Temporary folders are private (0700); a report is an ordinary folder others may read.
#[cfg(unix)]
fn set_mode(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755))
}

#[cfg(not(unix))]
fn set_mode(_dir: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    /// Write refrain's manifest into a staged report, listing the files there.
    fn finish(s: &Staging) {
        let mut files = files_under(s.path()).unwrap();
        files.push("manifest.json".into());
        let manifest = serde_json::json!({"generator": "refrain report", "files": files});
        std::fs::write(s.path().join("manifest.json"), manifest.to_string()).unwrap();
    }

    #[test]
    fn written_whole_and_replaced_whole() {
        let root = tempfile::tempdir().unwrap();
        let dest = root.path().join("reports").join("kcna");
        let s = Staging::new(&dest).unwrap();
        std::fs::create_dir(s.path().join("charts")).unwrap();
        std::fs::write(s.path().join("charts/t.png"), "1").unwrap();
        std::fs::write(s.path().join("a.csv"), "1").unwrap();
        finish(&s);
        // Nothing is visible under the destination's name before the commit.
        assert!(!dest.exists());
        s.commit().unwrap();
        assert_eq!(entries(&dest), ["a.csv", "charts", "manifest.json"]);
        // A second report replaces the first entirely.
        let s = Staging::new(&dest).unwrap();
        finish(&s);
        s.commit().unwrap();
        assert_eq!(entries(&dest), ["manifest.json"]);
        assert_eq!(entries(&root.path().join("reports")), ["kcna"], "no temporary folder left");
    }

    #[test]
    fn a_failed_run_leaves_nothing() {
        let root = tempfile::tempdir().unwrap();
        let dest = root.path().join("r");
        {
            let s = Staging::new(&dest).unwrap();
            std::fs::write(s.path().join("half.csv"), "1").unwrap();
            // Dropped without commit, as when a later stage fails.
        }
        assert!(entries(root.path()).is_empty());
    }

    #[test]
    fn a_folder_that_is_not_a_report_is_kept() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join("notes.txt"), "mine").unwrap();
        let e = Staging::new(root.path()).unwrap_err().to_string();
        assert!(e.contains("not a refrain report"), "{e}");
        assert!(root.path().join("notes.txt").exists());
    }

    /// A web project's manifest.json is not refrain's: nothing is deleted.
    #[test]
    fn a_foreign_manifest_does_not_make_a_report() {
        let root = tempfile::tempdir().unwrap();
        let site = root.path().join("site");
        std::fs::create_dir(&site).unwrap();
        std::fs::write(site.join("manifest.json"), r#"{"name": "app", "icons": []}"#).unwrap();
        std::fs::write(site.join("index.html"), "<p>mine</p>").unwrap();
        let e = Staging::new(&site).unwrap_err().to_string();
        assert!(e.contains("not a refrain report"), "{e}");
        assert_eq!(entries(&site), ["index.html", "manifest.json"]);
    }

    /// An earlier report to which the user added a file is not replaced, at the start or (if
    /// the file appears during the run) at the commit.
    #[test]
    fn a_report_holding_unlisted_files_is_kept() {
        let root = tempfile::tempdir().unwrap();
        let dest = root.path().join("r");
        let s = Staging::new(&dest).unwrap();
        std::fs::write(s.path().join("a.csv"), "1").unwrap();
        finish(&s);
        s.commit().unwrap();
        std::fs::write(dest.join("my notes.md"), "mine").unwrap();
        let e = Staging::new(&dest).unwrap_err().to_string();
        assert!(e.contains("`my notes.md`") && e.contains("never deletes"), "{e}");
        std::fs::remove_file(dest.join("my notes.md")).unwrap();
        let s = Staging::new(&dest).unwrap();
        finish(&s);
        std::fs::write(dest.join("late.txt"), "mine").unwrap();
        let e = s.commit().unwrap_err().to_string();
        assert!(e.contains("`late.txt`"), "{e}");
        assert_eq!(entries(&dest), ["a.csv", "late.txt", "manifest.json"]);
        assert_eq!(entries(root.path()), ["r"], "the new report's folder is removed");
    }

    /// Folders left by a killed run (its process gone) are swept; a live run's are kept.
    #[test]
    fn stale_temporary_folders_are_swept() {
        let root = tempfile::tempdir().unwrap();
        let gone = root.path().join(".r.partial-2147483646-abcdef");
        let old = root.path().join(".r.old-2147483646-abcdef");
        let live = root.path().join(format!(".r.partial-{}-abcdef", std::process::id()));
        let other = root.path().join(".q.partial-2147483646-abcdef");
        for d in [&gone, &old, &live, &other] {
            std::fs::create_dir(d).unwrap();
            std::fs::write(d.join("x.csv"), "1").unwrap();
        }
        let s = Staging::new(&root.path().join("r")).unwrap();
        drop(s);
        let left = entries(root.path());
        let live_name = live.file_name().unwrap().to_string_lossy().into_owned();
        assert_eq!(left, [".q.partial-2147483646-abcdef".to_string(), live_name]);
    }
}
