//! Writing a report folder whole or not at all: files go into a hidden temporary folder beside
//! the destination, which is renamed into place once everything is written. A failed run
//! removes the temporary folder and leaves any earlier report untouched.

use std::io;
use std::path::{Path, PathBuf};

/// A report folder being written.
#[derive(Debug)]
pub struct Staging {
    tmp: tempfile::TempDir,
    dest: PathBuf,
}

impl Staging {
    /// Start writing the folder `dest`: its parent folders are created; `dest` itself may
    /// exist only as an earlier report (a folder holding `manifest.json`) or an empty folder,
    /// which the new report replaces.
    pub fn new(dest: &Path) -> io::Result<Staging> {
        if dest.exists() && !replaceable(dest) {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!(
                    "`{}` exists and is not a refrain report (no manifest.json): choose another \
                     folder with -o",
                    dest.display()
                ),
            ));
        }
        let parent = parent_of(dest);
        std::fs::create_dir_all(parent)?;
        let name = dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let tmp =
            tempfile::Builder::new().prefix(&format!(".{name}.partial-")).tempdir_in(parent)?;
        Ok(Staging { tmp, dest: dest.to_path_buf() })
    }

    /// The temporary folder to write into.
    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    /// The destination.
    pub fn dest(&self) -> &Path {
        &self.dest
    }

    /// Move the finished folder into place, replacing an earlier report of the same name.
    pub fn commit(self) -> io::Result<()> {
        let Staging { tmp, dest } = self;
        set_mode(tmp.path())?;
        let parent = parent_of(&dest);
        let built = tmp.keep();
        let result = (|| {
            if dest.exists() {
                // Move the old report aside first: a rename onto a non-empty folder fails.
                let old = tempfile::Builder::new().prefix(".refrain-old-").tempdir_in(parent)?;
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
        result
    }
}

fn parent_of(dest: &Path) -> &Path {
    match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// An empty folder or an earlier report may be replaced.
fn replaceable(dest: &Path) -> bool {
    dest.is_dir()
        && (dest.join("manifest.json").is_file()
            || std::fs::read_dir(dest).map(|mut d| d.next().is_none()).unwrap_or(false))
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

    #[test]
    fn written_whole_and_replaced_whole() {
        let root = tempfile::tempdir().unwrap();
        let dest = root.path().join("reports").join("kcna");
        let s = Staging::new(&dest).unwrap();
        std::fs::write(s.path().join("manifest.json"), "{}").unwrap();
        std::fs::write(s.path().join("a.csv"), "1").unwrap();
        // Nothing is visible under the destination's name before the commit.
        assert!(!dest.exists());
        s.commit().unwrap();
        assert_eq!(entries(&dest), ["a.csv", "manifest.json"]);
        // A second report replaces the first entirely.
        let s = Staging::new(&dest).unwrap();
        std::fs::write(s.path().join("manifest.json"), "{}").unwrap();
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
}
