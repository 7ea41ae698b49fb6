//! Writing a report folder whole or not at all: files go into a hidden temporary folder beside
//! the destination, which is renamed into place once everything is written. A failed run
//! removes the temporary folder and leaves any earlier report untouched; an interrupted one
//! removes it too ([`crate::interrupt`]), and a run that was killed outright (SIGKILL, or out of
//! memory: the allocator's `_exit` cannot run destructors) leaves it for the next report written
//! in the same folder to sweep, whatever that report's name ([`sweep_stale`]).
//!
//! An existing destination is replaced only when it is empty or when its `manifest.json` is
//! refrain's and lists every file the folder holds: a folder with any other file (a web
//! project's `manifest.json`, a note the user added to an old report) is never deleted.

use std::io;
use std::path::{Path, PathBuf};

use super::manifest::{files_under, is_report_folder, listed_files};
use crate::fsutil::os_reason;
use crate::interrupt;

/// A report folder being written.
#[derive(Debug)]
pub struct Staging {
    tmp: Option<tempfile::TempDir>,
    dest: PathBuf,
}

impl Staging {
    /// Start writing the folder `dest`: its parent folders are created; `dest` itself may
    /// exist only as an earlier report (see [`check_replaceable`]) or an empty folder, which
    /// the new report replaces. Temporary folders that killed runs left in the parent folder
    /// are removed ([`sweep_stale`]). Errors name `dest`, never the temporary folder.
    pub fn new(dest: &Path) -> io::Result<Staging> {
        check_replaceable(dest)?;
        let parent = parent_of(dest);
        create_parent(dest, parent)?;
        sweep_stale(parent);
        let name = dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let prefix = format!(".{name}.partial-{}-", std::process::id());
        let cannot = |e: io::Error| {
            let why = format!("cannot create a folder in `{}`", parent.display());
            cannot_create(dest, &format!("{why} ({})", os_reason(&e)), e.kind())
        };
        let tmp = interrupt::temp_dir(|| {
            tempfile::Builder::new().prefix(&prefix).rand_bytes(RANDOM_LEN).tempdir_in(parent)
        })
        .map_err(cannot)?;
        std::fs::write(tmp.path().join(MARKER), MARKER_TEXT).map_err(cannot)?;
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

    /// Write the report's file `rel` (a path inside the report) atomically; errors name it by
    /// its place in the destination, not in the hidden temporary folder.
    pub fn write_with<F>(&self, rel: &str, fill: F) -> io::Result<()>
    where
        F: FnOnce(&mut dyn io::Write) -> io::Result<()>,
    {
        crate::fsutil::write_atomic_as(&self.path().join(rel), &self.dest.join(rel), fill)
    }

    /// Write the bytes of the report's file `rel` (see [`Staging::write_with`]).
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        crate::fsutil::write_bytes_atomic_as(&self.path().join(rel), &self.dest.join(rel), bytes)
    }

    /// Create the folder `rel` inside the report.
    pub fn create_dir(&self, rel: &str) -> io::Result<()> {
        std::fs::create_dir(self.path().join(rel)).map_err(|e| {
            let shown = self.dest.join(rel);
            cannot_create(&shown, &os_reason(&e), e.kind())
        })
    }

    /// The report's files so far, relative to its folder (what its manifest lists): the
    /// marker that makes the temporary folder recognisable as refrain's is not one of them.
    pub fn files(&self) -> io::Result<Vec<String>> {
        let mut files = files_under(self.path())?;
        files.retain(|f| f != MARKER);
        Ok(files)
    }

    /// Move the finished folder into place, replacing an earlier report of the same name
    /// (checked again: files may have been added to it while this report was made).
    pub fn commit(mut self) -> io::Result<()> {
        let tmp = self.tmp.take().expect("present until commit");
        let dest = self.dest.clone();
        check_replaceable(&dest)?;
        let cannot = |e: io::Error| {
            io::Error::new(
                e.kind(),
                format!("cannot move the report into `{}`: {}", dest.display(), os_reason(&e)),
            )
        };
        set_mode(tmp.path()).map_err(cannot)?;
        std::fs::remove_file(tmp.path().join(MARKER)).map_err(cannot)?;
        let parent = parent_of(&dest);
        let built = tmp.keep();
        let result = (|| {
            if dest.exists() {
                // Move the old report aside first: a rename onto a non-empty folder fails.
                let name = dest.file_name().map(|n| n.to_string_lossy().into_owned());
                let old = tempfile::Builder::new()
                    .prefix(&format!(".{}.old-{}-", name.unwrap_or_default(), std::process::id()))
                    .rand_bytes(RANDOM_LEN)
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
        result.map_err(cannot)
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

/// Create the folders above `dest`. When one of them is a file, say which: the OS says only
/// "File exists" (or "Not a directory"), without naming anything.
fn create_parent(dest: &Path, parent: &Path) -> io::Result<()> {
    if let Some(file) = parent.ancestors().find(|a| a.is_file()) {
        let why = format!("`{}` is a file", file.display());
        return Err(cannot_create(dest, &why, io::ErrorKind::AlreadyExists));
    }
    std::fs::create_dir_all(parent).map_err(|e| cannot_create(dest, &os_reason(&e), e.kind()))
}

/// "cannot create the report folder `dest`: why".
fn cannot_create(dest: &Path, why: &str, kind: io::ErrorKind) -> io::Error {
    io::Error::new(kind, format!("cannot create the report folder `{}`: {why}", dest.display()))
}

/// The file in every temporary folder of a report being written: with the folder's name
/// (`.NAME.partial-PID-XXXXXX`) it shows that the folder is refrain's, so that a later run may
/// delete it once its process is gone. It is removed before the folder becomes the report.
const MARKER: &str = ".refrain-partial";
const MARKER_TEXT: &str = "a report refrain is writing; removed when it is done\n";

/// Random characters tempfile appends to the temporary folders' names.
const RANDOM_LEN: usize = 6;

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
    let present = files_under(dest).map_err(|e| {
        let text = format!("cannot read the folder `{}`: {}", dest.display(), os_reason(&e));
        io::Error::new(e.kind(), text)
    })?;
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

/// Remove the temporary folders that killed runs left in `parent`, whatever report they were
/// writing: a run killed outright (SIGKILL, a power cut, or out of memory, where the allocator
/// ends the process with `_exit` because it can allocate nothing more, not even to clean up)
/// cannot remove its own. A folder is removed only when all of these hold, so nothing of the
/// user's is ever touched:
/// - its name is exactly refrain's (`.NAME.partial-PID-XXXXXX` or `.NAME.old-PID-XXXXXX`, see
///   [`temporary_name`]) and it is a folder, not a link;
/// - no process with that PID exists (a run writing a report at this moment is left alone);
/// - its content is refrain's: a `.partial` folder is empty, holds refrain's marker file or
///   a manifest.json of refrain's; an `.old` folder is empty or holds only `report`, an earlier
///   report refrain moved aside (empty, or with refrain's manifest).
pub fn sweep_stale(parent: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some((kind, pid)) = temporary_name(&file_name.to_string_lossy()) else { continue };
        let path = entry.path();
        if entry.file_type().is_ok_and(|t| t.is_dir())
            && !process_alive(pid)
            && holds_only_refrains(&path, kind)
        {
            if kind == Temporary::Old {
                restore_old(parent, &file_name.to_string_lossy(), &path);
            }
            let _ = std::fs::remove_dir_all(path);
        }
    }
}

/// A run killed between moving the old report aside and renaming the new one in leaves the
/// destination missing and the old report in `.NAME.old-PID-…/report`: put it back rather
/// than sweep it away.
fn restore_old(parent: &Path, temporary: &str, dir: &Path) {
    let Some(name) = temporary.strip_prefix('.').and_then(|r| r.rsplit_once(".old-")) else {
        return;
    };
    let destination = parent.join(name.0);
    let old = dir.join("report");
    if std::fs::symlink_metadata(&destination).is_err() && old.is_dir() {
        let _ = std::fs::rename(old, destination);
    }
}

/// The two kinds of temporary folder: a report being written, an old one moved aside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Temporary {
    Partial,
    Old,
}

/// The kind and PID of a folder named as refrain names its temporary folders:
/// `.NAME.partial-PID-XXXXXX` or `.NAME.old-PID-XXXXXX`, where NAME is not empty, PID is
/// decimal and XXXXXX is tempfile's six random letters and digits. `None` for any other name.
fn temporary_name(name: &str) -> Option<(Temporary, u32)> {
    let rest = name.strip_prefix('.')?;
    let (rest, random) = rest.rsplit_once('-')?;
    if random.len() != RANDOM_LEN || !random.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let (rest, pid) = rest.rsplit_once('-')?;
    if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let pid = pid.parse().ok()?;
    let (kind, stem) = match (rest.strip_suffix(".partial"), rest.strip_suffix(".old")) {
        (Some(stem), _) => (Temporary::Partial, stem),
        (None, Some(stem)) => (Temporary::Old, stem),
        (None, None) => return None,
    };
    (!stem.is_empty()).then_some((kind, pid))
}

/// Whether the temporary folder `dir` holds only what refrain puts in one of its `kind`.
fn holds_only_refrains(dir: &Path, kind: Temporary) -> bool {
    let Ok(mut entries) = std::fs::read_dir(dir) else { return false };
    match kind {
        Temporary::Partial => {
            let marked = std::fs::symlink_metadata(dir.join(MARKER)).is_ok_and(|m| m.is_file());
            marked || is_report_folder(dir) || entries.next().is_none()
        }
        Temporary::Old => match (entries.next(), entries.next()) {
            (None, _) => true,
            (Some(Ok(only)), None) => {
                let report = only.path();
                only.file_name() == "report"
                    && only.file_type().is_ok_and(|t| t.is_dir())
                    && (is_report_folder(&report)
                        || std::fs::read_dir(&report).is_ok_and(|mut e| e.next().is_none()))
            }
            _ => false,
        },
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
        let mut files = s.files().unwrap();
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

    /// A temporary folder as a killed run leaves it: refrain's marker and a table.
    fn plant(root: &Path, name: &str) -> std::path::PathBuf {
        let d = root.join(name);
        std::fs::create_dir(&d).unwrap();
        std::fs::write(d.join(MARKER), MARKER_TEXT).unwrap();
        std::fs::write(d.join("x.csv"), "1").unwrap();
        d
    }

    /// B8: folders left by killed runs (process gone) are swept whatever report they were
    /// writing; a live run's are kept, and so is anything refrain's names and content do not
    /// both identify as its own.
    #[test]
    fn stale_temporary_folders_are_swept() {
        let root = tempfile::tempdir().unwrap();
        let dead = 2147483646;
        let me = std::process::id();
        plant(root.path(), &format!(".r.partial-{dead}-abcdef"));
        plant(root.path(), &format!(".other.partial-{dead}-Zz0912"));
        std::fs::create_dir(root.path().join(format!(".empty.partial-{dead}-abcdef"))).unwrap();
        // An old report moved aside: the folder holds only `report`, with refrain's manifest.
        let old = root.path().join(format!(".r.old-{dead}-abcdef/report"));
        std::fs::create_dir_all(&old).unwrap();
        std::fs::write(old.join("manifest.json"), r#"{"generator": "refrain report"}"#).unwrap();
        let kept = [
            format!(".r.partial-{me}-abcdef"),      // a live run's
            format!(".mine.partial-{dead}-abcdef"), // no marker: not shown to be refrain's
            format!(".r.partial-{dead}-abcdefg"),   // seven random characters
            format!(".r.partial-{dead}x-abcdef"),   // not a PID
            format!(".partial-{dead}-abcdef"),      // no NAME
            format!("r.partial-{dead}-abcdef"),     // not hidden
            format!(".r.partials-{dead}-abcdef"),   // another word
            format!(".r.old-{dead}-qwerty"),        // an .old folder with other content
        ];
        for name in &kept[..1] {
            plant(root.path(), name);
        }
        for name in &kept[1..] {
            std::fs::create_dir(root.path().join(name)).unwrap();
            std::fs::write(root.path().join(name).join("notes.md"), "mine").unwrap();
        }
        for name in &kept[2..7] {
            std::fs::write(root.path().join(name).join(MARKER), "").unwrap();
        }
        // Another old report moved aside whose destination was written: swept.
        let replaced = root.path().join(format!(".s.old-{dead}-abcdef/report"));
        std::fs::create_dir_all(&replaced).unwrap();
        std::fs::write(replaced.join("manifest.json"), r#"{"generator": "refrain report"}"#)
            .unwrap();
        std::fs::create_dir(root.path().join("s")).unwrap();
        let s = Staging::new(&root.path().join("q")).unwrap();
        drop(s);
        // `r` was lost between the two renames of its replacement: its old report is put back.
        let mut expected: Vec<String> = kept.to_vec();
        expected.extend(["r".to_string(), "s".to_string()]);
        expected.sort();
        assert_eq!(entries(root.path()), expected);
        assert!(root.path().join("r/manifest.json").is_file());
        assert!(std::fs::read_dir(root.path().join("s")).unwrap().next().is_none());
    }

    #[test]
    fn temporary_names() {
        assert_eq!(temporary_name(".a.b.partial-12-Ab3dE9"), Some((Temporary::Partial, 12)));
        assert_eq!(temporary_name(".rep.old-7-000000"), Some((Temporary::Old, 7)));
        for name in [".rep.old-7-00000", ".rep.old--000000", ".old-7-000000", "rep.old-7-000000"] {
            assert_eq!(temporary_name(name), None, "{name}");
        }
    }

    /// B9: a report folder under a file is refused with a message naming both.
    #[test]
    fn a_report_under_a_file_says_so() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join("a.txt"), "x").unwrap();
        let dest = root.path().join("a.txt").join("rep");
        let e = Staging::new(&dest).unwrap_err().to_string();
        let file = root.path().join("a.txt");
        let want = format!(
            "cannot create the report folder `{}`: `{}` is a file",
            dest.display(),
            file.display()
        );
        assert_eq!(e, want);
    }

    /// The marker is in the temporary folder, not in the report nor in its file list.
    #[test]
    fn the_marker_does_not_reach_the_report() {
        let root = tempfile::tempdir().unwrap();
        let dest = root.path().join("r");
        let s = Staging::new(&dest).unwrap();
        assert!(s.path().join(MARKER).is_file());
        s.write("a.csv", b"1").unwrap();
        assert_eq!(s.files().unwrap(), ["a.csv"]);
        finish(&s);
        s.commit().unwrap();
        assert_eq!(entries(&dest), ["a.csv", "manifest.json"]);
    }
}
