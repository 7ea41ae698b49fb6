//! Writing output files safely: every file is written to a temporary name in the destination
//! folder and renamed into place, so a reader never sees half a file and a failed run leaves
//! nothing behind. Destinations that are not regular files (`/dev/null`, `/dev/stdout`, a FIFO)
//! are written in place, and a symbolic link keeps pointing where it did.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Write a file atomically: `fill` writes the content into a temporary file beside `path`,
/// which is then renamed to `path`. If `fill` fails, the temporary file is removed.
///
/// The destination folder must exist; a missing folder is reported as an error that names it.
/// A destination that exists and is not a regular file or folder (a device such as `/dev/null`,
/// a FIFO) is written in place: renaming over it would replace the device with a plain file
/// (a `-o /dev/null` once turned a machine's `/dev/null` into a file that later programs read
/// back as input). A symbolic link is followed, so the file it names is replaced, not the link.
///
/// Errors of the writing itself (creating the temporary file, flushing, renaming) say
/// "cannot write `path`: …" and never name the temporary file, which the user never asked for
/// and which no longer exists; errors `fill` returns are passed on unchanged.
pub fn write_atomic<F>(path: &Path, fill: F) -> io::Result<()>
where
    F: FnOnce(&mut dyn Write) -> io::Result<()>,
{
    write_atomic_as(path, path, fill)
}

/// [`write_atomic`] to `path`, naming `shown` in error messages: a report's files are written
/// into its hidden staging folder, but the user knows them by their place in the report.
pub fn write_atomic_as<F>(path: &Path, shown: &Path, fill: F) -> io::Result<()>
where
    F: FnOnce(&mut dyn Write) -> io::Result<()>,
{
    if let Ok(meta) = fs::metadata(path) {
        let special = !meta.is_file() && !meta.is_dir();
        if special || (names_a_descriptor(path) && meta.is_file()) {
            return write_in_place(path, shown, fill);
        }
    }
    let path = &resolve_link(path);
    let dir = folder_of(path);
    if !dir.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!(
                "cannot write `{}`: folder `{}` does not exist",
                shown.display(),
                folder_of(shown).display()
            ),
        ));
    }
    let cannot = |what: &str, e: io::Error| cannot_write(shown, what, e);
    let mut tmp = crate::interrupt::temp_file(|| {
        tempfile::Builder::new().prefix(".refrain-").suffix(".tmp").tempfile_in(dir)
    })
    .map_err(|e| cannot(&format!("cannot create a file in `{}`", folder_of(shown).display()), e))?;
    // Renamed into place or removed (when `fill` fails), it is no longer the handler's.
    let _forget = Forget(tmp.path().to_path_buf());
    readable_by_all(tmp.as_file()).map_err(|e| cannot("cannot set its permissions", e))?;
    {
        let mut buf = io::BufWriter::new(tmp.as_file_mut());
        fill(&mut buf)?;
        buf.flush().map_err(|e| cannot("", e))?;
    }
    tmp.persist(path).map_err(|e| cannot("cannot move it into place", e.error))?;
    Ok(())
}

/// Unregisters a temporary file from [`crate::interrupt`] when dropped.
struct Forget(PathBuf);

impl Drop for Forget {
    fn drop(&mut self) {
        crate::interrupt::forget(&self.0);
    }
}

/// The folder a file is in (`.` for a bare name).
fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// "cannot write `shown`: what (reason)", with the operating system's reason stripped of
/// the path tempfile appends (the temporary file's) and of the `(os error N)` code.
fn cannot_write(shown: &Path, what: &str, e: io::Error) -> io::Error {
    let reason = os_reason(&e);
    let text = if what.is_empty() {
        format!("cannot write `{}`: {reason}", shown.display())
    } else {
        format!("cannot write `{}`: {what} ({reason})", shown.display())
    };
    io::Error::new(e.kind(), text)
}

/// The operating system's words for an I/O error, without a path or an error code (tempfile
/// appends ` at path "…"`, the temporary file's, to the OS text).
pub fn os_reason(e: &io::Error) -> String {
    let text = match e.raw_os_error() {
        Some(code) => io::Error::from_raw_os_error(code).to_string(),
        None => e.to_string(),
    };
    let end = [" (os error ", " at path "].iter().filter_map(|m| text.find(m)).min();
    text[..end.unwrap_or(text.len())].to_string()
}

/// Write straight into an existing special file; there is nothing to rename over.
fn write_in_place<F>(path: &Path, shown: &Path, fill: F) -> io::Result<()>
where
    F: FnOnce(&mut dyn Write) -> io::Result<()>,
{
    let file = fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(path)
        .map_err(|e| cannot_write(shown, "", e))?;
    let mut buf = io::BufWriter::new(file);
    fill(&mut buf)?;
    buf.flush().map_err(|e| cannot_write(shown, "", e))
}

/// Whether `path` names an open descriptor (`/dev/stdout`, `/dev/fd/N`, `/proc/self/fd/N`).
/// It may lead to a regular file the shell opened (`> out`): renaming over that file would
/// detach the shell's descriptor from the name, so such paths are written in place. Other
/// files under `/dev` (a tmpfs such as `/dev/shm`) are still written atomically.
fn names_a_descriptor(path: &Path) -> bool {
    ["/dev/stdout", "/dev/stderr"].iter().any(|p| path == Path::new(p))
        || path.starts_with("/dev/fd")
        || path.starts_with("/proc")
}

/// The file a symbolic link names (the path itself when it is not a link, or when the link is
/// dangling and there is nothing better to write to).
fn resolve_link(path: &Path) -> PathBuf {
    let is_link = fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if is_link && let Ok(real) = fs::canonicalize(path) {
        return real;
    }
    path.to_path_buf()
}

/// tempfile creates files readable only by their owner (0600); outputs are ordinary files that
/// others may read, so give them the mode a plain `File::create` would (0644 before umask).
#[cfg(unix)]
fn readable_by_all(file: &std::fs::File) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn readable_by_all(_file: &std::fs::File) -> io::Result<()> {
    Ok(())
}

/// Write bytes atomically (see [`write_atomic`]).
pub fn write_bytes_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_bytes_atomic_as(path, path, bytes)
}

/// Write bytes atomically to `path`, naming `shown` in errors (see [`write_atomic_as`]);
/// every error, a failed write too, says "cannot write `shown`: …".
pub fn write_bytes_atomic_as(path: &Path, shown: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_as(path, shown, |w| w.write_all(bytes).map_err(|e| cannot_write(shown, "", e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.csv");
        write_bytes_atomic(&p, b"a\n").unwrap();
        write_bytes_atomic(&p, b"b\n").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"b\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn outputs_are_readable_by_others() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.csv");
        write_bytes_atomic(&p, b"a\n").unwrap();
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode & 0o444, 0o444, "{mode:o}");
    }

    #[test]
    fn failed_fill_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.csv");
        let r = write_atomic(&p, |w| {
            w.write_all(b"partial")?;
            Err(io::Error::other("boom"))
        });
        assert!(r.is_err());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_stays_a_link_and_its_target_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.csv");
        let link = dir.path().join("link.csv");
        std::fs::write(&real, b"old\n").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_bytes_atomic(&link, b"new\n").unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read(&real).unwrap(), b"new\n");
    }

    /// A FIFO stands for every special file (devices such as /dev/null are not made in tests):
    /// it must still be a FIFO afterwards, and a reader on it gets the bytes.
    #[cfg(unix)]
    #[test]
    fn a_special_file_is_written_in_place_not_replaced() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("mkfifo unavailable; skipped");
            return;
        }
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read(fifo).unwrap())
        };
        write_bytes_atomic(&fifo, b"through the pipe\n").unwrap();
        // Checked before joining: had the FIFO been renamed over, the reader would wait forever.
        assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
        assert_eq!(reader.join().unwrap(), b"through the pipe\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary left");
    }

    #[test]
    fn descriptor_paths() {
        for p in ["/dev/stdout", "/dev/stderr", "/dev/fd/1", "/proc/self/fd/3"] {
            assert!(names_a_descriptor(Path::new(p)), "{p}");
        }
        for p in ["/dev/shm/out.csv", "/tmp/out.csv", "out.csv", "/devices/out.csv"] {
            assert!(!names_a_descriptor(Path::new(p)), "{p}");
        }
    }

    /// B9: a folder where no file can be created (`/proc`) is named with the output the user
    /// gave, not with the temporary file refrain tried to create there.
    #[cfg(target_os = "linux")]
    #[test]
    fn an_unwritable_folder_names_the_output_not_the_temporary_file() {
        let e = write_bytes_atomic(Path::new("/proc/out.csv"), b"x").unwrap_err().to_string();
        assert!(
            e.starts_with("cannot write `/proc/out.csv`: cannot create a file in `/proc`"),
            "{e}"
        );
        assert!(!e.contains(".refrain-") && !e.contains("os error"), "{e}");
    }

    /// Errors name the path shown to the user (a report's file), not the staging path.
    #[test]
    fn errors_name_the_path_shown() {
        let dir = tempfile::tempdir().unwrap();
        let staged = dir.path().join(".rep.partial-1-abcdef").join("terms.csv");
        let e = write_bytes_atomic_as(&staged, Path::new("rep/terms.csv"), b"x").unwrap_err();
        let e = e.to_string();
        assert!(e.contains("`rep/terms.csv`") && !e.contains("partial"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn os_reasons_lose_their_codes_and_paths() {
        let e = io::Error::from_raw_os_error(libc::ENOENT);
        assert_eq!(os_reason(&e), "No such file or directory");
        let wrapped = io::Error::other("plain words");
        assert_eq!(os_reason(&wrapped), "plain words");
    }

    #[test]
    fn missing_folder_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("nope").join("out.csv");
        let e = write_bytes_atomic(&p, b"x").unwrap_err();
        assert!(e.to_string().contains("nope"), "{e}");
    }
}
