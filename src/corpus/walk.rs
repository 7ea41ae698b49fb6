//! Turning PATH arguments into a list of inputs: files as given, folders walked recursively.
//!
//! Inside a folder, hidden folders (`.git`) are not entered, and hidden files (`.DS_Store`,
//! macOS `._x` files) and files of unknown format (`README`, `LICENSE.upstream`) are left out
//! with an `unsupported format` [`Problem`] so the run summary counts them. Files whose name
//! matches an exclusion pattern (by default the documentation files that travel with corpora:
//! `README*`, `SOURCE.md`, `LICENSE*`, …) are left out with an `excluded` problem. Special
//! files (FIFOs, devices, sockets, and links to them) are never read: reading a FIFO waits for
//! a writer forever and a link to `/dev/zero` never ends, so a walk skips them with a
//! `special file` problem and a PATH naming one is an error. A folder holding a refrain
//! report (its `manifest.json` says so) is left out with a `refrain report` problem: its
//! tables are not corpus text. A file reached twice (named twice, or inside a folder named
//! too, or through a link) is read once, with a `duplicate` problem. The files of one folder
//! argument are sorted by the bytes of their paths, so the order never depends on the file
//! system.

use std::fs::Metadata;
use std::path::{Path, PathBuf};

use super::format;
use super::{CorpusError, Input, Problem};
use crate::collections::{HashMap, HashSet, new_map, new_set};

/// The inputs named by `paths`: no paths → the bundled sample; `-` → stdin; a file → itself
/// (an unknown extension is read as plain text); a folder → its supported files, recursively.
///
/// A path that does not exist, or names a special file (FIFO, device, socket), is an error;
/// problems inside folders (unsupported and special files, unreadable subfolders, excluded
/// names, report folders) and files reached twice are returned beside the inputs. `exclude`
/// holds file-name patterns (`*` any run of characters, `?` one character, case-insensitive)
/// that leave files found inside folders out; files named directly are always read.
pub fn list_inputs(
    paths: &[PathBuf],
    exclude: &[String],
) -> Result<(Vec<Input>, Vec<Problem>), CorpusError> {
    if paths.is_empty() {
        return Ok((vec![Input::Sample], Vec::new()));
    }
    let exclude: Vec<Vec<char>> =
        exclude.iter().map(|p| p.to_lowercase().chars().collect()).collect();
    let mut inputs = Vec::new();
    let mut problems = Vec::new();
    let mut seen = Seen { first: new_map() };
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input::Stdin);
            continue;
        }
        let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => CorpusError::NotFound { path: path.clone() },
            _ => CorpusError::Inaccessible { path: path.clone(), message: e.to_string() },
        })?;
        if let Some(what) = special_kind(&meta) {
            return Err(CorpusError::Special { path: path.clone(), what });
        }
        if !meta.is_dir() {
            seen.add(path.clone(), &meta, &mut inputs, &mut problems);
            continue;
        }
        let mut walker =
            Walker { files: Vec::new(), problems: Vec::new(), dirs: new_set(), exclude: &exclude };
        walker.walk(path);
        walker.files.sort_by(|a, b| {
            a.0.as_os_str().as_encoded_bytes().cmp(b.0.as_os_str().as_encoded_bytes())
        });
        walker.problems.sort_by(|a, b| a.path.cmp(&b.path));
        problems.extend(walker.problems);
        for (file, meta) in walker.files {
            seen.add(file, &meta, &mut inputs, &mut problems);
        }
    }
    Ok((inputs, problems))
}

/// File names left out of folder walks by default: documentation that travels with corpora.
pub const DEFAULT_EXCLUDES: &[&str] =
    &["README*", "SOURCE.md", "LICENSE*", "COPYING*", "CHANGELOG*", "NOTICE*"];

/// What a special file is (`None` for regular files and folders): these are never read.
pub fn special_kind(meta: &Metadata) -> Option<&'static str> {
    if meta.is_file() || meta.is_dir() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if t.is_socket() {
            return Some("a socket");
        }
        if t.is_char_device() || t.is_block_device() {
            return Some("a device");
        }
    }
    Some("not a regular file")
}

/// The identity of a file on disk, whatever path reaches it.
#[cfg(unix)]
fn file_id(_path: &Path, meta: &Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn file_id(path: &Path, _meta: &Metadata) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(unix)]
type FileId = (u64, u64);
#[cfg(not(unix))]
type FileId = PathBuf;

/// The files listed so far, by identity: a file reached a second time is listed once.
struct Seen {
    first: HashMap<FileId, PathBuf>,
}

impl Seen {
    fn add(
        &mut self,
        path: PathBuf,
        meta: &Metadata,
        inputs: &mut Vec<Input>,
        out: &mut Vec<Problem>,
    ) {
        match self.first.entry(file_id(&path, meta)) {
            hashbrown::hash_map::Entry::Occupied(first) => out.push(Problem::skipped(
                &path.display().to_string(),
                None,
                "duplicate",
                format!("the same file as `{}`, which is read once", first.get().display()),
            )),
            hashbrown::hash_map::Entry::Vacant(slot) => {
                slot.insert(path.clone());
                inputs.push(Input::File(path));
            }
        }
    }
}

struct Walker<'a> {
    /// The `--exclude` patterns, lower-cased, as characters.
    exclude: &'a [Vec<char>],
    /// Files found, with their metadata (links followed).
    files: Vec<(PathBuf, Metadata)>,
    problems: Vec<Problem>,
    /// Canonical paths of folders already walked: a symlink loop is walked once.
    dirs: HashSet<PathBuf>,
}

impl Walker<'_> {
    fn walk(&mut self, dir: &Path) {
        if let Ok(canonical) = dir.canonicalize()
            && !self.dirs.insert(canonical)
        {
            return;
        }
        if crate::report::manifest::is_report_folder(dir) {
            return self.problem(
                dir,
                "refrain report",
                "a report refrain wrote (manifest.json); its tables are not corpus text".into(),
            );
        }
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => return self.problem(dir, "unreadable folder", e.to_string()),
        };
        for entry in entries {
            match entry {
                Ok(entry) => self.entry(&entry),
                Err(e) => self.problem(dir, "unreadable folder", e.to_string()),
            }
        }
    }

    /// One entry of a folder: walked, listed, or left out with a problem.
    fn entry(&mut self, entry: &std::fs::DirEntry) {
        let path = entry.path();
        let hidden = entry.file_name().as_encoded_bytes().starts_with(b".");
        // Follow symlinks: a link to a file is read like the file.
        let meta = match std::fs::metadata(&path) {
            Ok(m) => m,
            Err(e) => return self.problem(&path, "unreadable file", e.to_string()),
        };
        if meta.is_dir() {
            if !hidden {
                self.walk(&path);
            }
        } else if let Some(what) = special_kind(&meta) {
            self.problem(&path, "special file", format!("{what}, not a file to read"));
        } else if hidden {
            self.problem(&path, "unsupported format", "hidden file".into());
        } else if self.excluded(&entry.file_name()) {
            self.problem(&path, "excluded", "file name matches --exclude".into());
        } else if format::detect(&path).is_some() {
            self.files.push((path, meta));
        } else {
            self.problem(&path, "unsupported format", "unknown file extension".into());
        }
    }

    fn excluded(&self, name: &std::ffi::OsStr) -> bool {
        let name: Vec<char> = name.to_string_lossy().to_lowercase().chars().collect();
        self.exclude.iter().any(|p| glob_match(p, &name))
    }

    fn problem(&mut self, path: &Path, kind: &'static str, message: String) {
        self.problems.push(Problem::skipped(&path.display().to_string(), None, kind, message));
    }
}

/// Match `name` against a pattern where `*` is any run of characters and `?` one character.
fn glob_match(p: &[char], n: &[char]) -> bool {
    // Classic two-pointer wildcard match with backtracking to the last `*`.
    let (mut i, mut j, mut star, mut mark) = (0, 0, None, 0);
    while j < n.len() {
        if i < p.len() && (p[i] == '?' || p[i] == n[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some(i);
            mark = j;
            i += 1;
        } else if let Some(s) = star {
            i = s + 1;
            mark += 1;
            j = mark;
        } else {
            return false;
        }
    }
    p[i..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Action;
    use std::fs;

    fn glob(pattern: &str, name: &str) -> bool {
        let chars = |s: &str| s.chars().collect::<Vec<_>>();
        glob_match(&chars(pattern), &chars(name))
    }

    fn names(inputs: &[Input], root: &Path) -> Vec<String> {
        inputs
            .iter()
            .map(|i| match i {
                Input::File(p) => p.strip_prefix(root).unwrap().display().to_string(),
                other => format!("{other:?}"),
            })
            .collect()
    }

    fn defaults() -> Vec<String> {
        DEFAULT_EXCLUDES.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn glob_patterns() {
        assert!(glob("readme*", "readme.upstream.txt"));
        assert!(glob("source.md", "source.md"));
        assert!(glob("*_69_*.txt", "prk_69_2014.txt"));
        assert!(glob("a?c", "abc"));
        assert!(!glob("a?c", "abbc"));
        assert!(!glob("source.md", "source.md.bak"));
        assert!(glob("*", ""));
    }

    #[test]
    fn documentation_files_are_excluded_by_default() {
        let dir = tempfile::tempdir().unwrap();
        for f in ["SOURCE.md", "README.upstream.txt", "speech.txt", "notes.md"] {
            fs::write(dir.path().join(f), "x").unwrap();
        }
        let (inputs, problems) = list_inputs(&[dir.path().to_path_buf()], &defaults()).unwrap();
        assert_eq!(names(&inputs, dir.path()), ["notes.md", "speech.txt"]);
        assert_eq!(problems.iter().filter(|p| p.kind == "excluded").count(), 2);
        let (inputs, _) = list_inputs(&[dir.path().to_path_buf()], &[]).unwrap();
        assert_eq!(inputs.len(), 4);
        let named = dir.path().join("SOURCE.md");
        let (inputs, _) = list_inputs(std::slice::from_ref(&named), &defaults()).unwrap();
        assert_eq!(inputs, [Input::File(named)]);
    }

    #[test]
    fn no_paths_means_sample_and_dash_means_stdin() {
        assert_eq!(list_inputs(&[], &[]).unwrap().0, vec![Input::Sample]);
        assert_eq!(list_inputs(&[PathBuf::from("-")], &[]).unwrap().0, vec![Input::Stdin]);
    }

    #[test]
    fn folder_walk_is_sorted_and_skips_hidden_and_unknown() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("b/c")).unwrap();
        fs::create_dir_all(root.join(".git")).unwrap();
        for f in [
            "b/c/z.txt",
            "b/a.json",
            "a.txt",
            "b.csv",
            "README",
            "LICENSE.upstream",
            ".DS_Store",
            ".git/x.txt",
            "연설문 1.txt",
        ] {
            fs::write(root.join(f), "x").unwrap();
        }
        let (inputs, problems) = list_inputs(&[root.to_path_buf()], &defaults()).unwrap();
        assert_eq!(
            names(&inputs, root),
            ["a.txt", "b.csv", "b/a.json", "b/c/z.txt", "연설문 1.txt"]
        );
        let skipped: Vec<_> = problems
            .iter()
            .map(|p| (p.path.rsplit('/').next().unwrap(), p.kind, p.action))
            .collect();
        assert_eq!(
            skipped,
            [
                (".DS_Store", "unsupported format", Action::Skipped),
                ("LICENSE.upstream", "excluded", Action::Skipped),
                ("README", "excluded", Action::Skipped)
            ]
        );
    }

    #[test]
    fn explicit_file_with_unknown_extension_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let readme = dir.path().join("README");
        fs::write(&readme, "hello").unwrap();
        let (inputs, problems) = list_inputs(std::slice::from_ref(&readme), &defaults()).unwrap();
        assert_eq!(inputs, [Input::File(readme)]);
        assert!(problems.is_empty());
    }

    #[test]
    fn empty_folder_gives_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (inputs, problems) = list_inputs(&[dir.path().to_path_buf()], &[]).unwrap();
        assert!(inputs.is_empty() && problems.is_empty());
    }

    #[test]
    fn missing_path_is_an_error_naming_it() {
        let err = list_inputs(&[PathBuf::from("/no/such/연설문")], &[]).unwrap_err();
        assert_eq!(err.to_string(), "`/no/such/연설문`: no such file or folder");
    }

    /// A file reached twice (named, inside a named folder, through a link) is listed once, at
    /// its first place, and each repeat is a `duplicate` problem.
    #[cfg(unix)]
    #[test]
    fn a_file_reached_twice_is_listed_once() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("c")).unwrap();
        let a = dir.path().join("c/a.txt");
        fs::write(&a, "x").unwrap();
        std::os::unix::fs::symlink(&a, dir.path().join("c/b.txt")).unwrap();
        let paths = [a.clone(), dir.path().join("c"), a.clone()];
        let (inputs, problems) = list_inputs(&paths, &[]).unwrap();
        assert_eq!(inputs, [Input::File(a)]);
        let kinds: Vec<_> = problems
            .iter()
            .map(|p| (p.path.rsplit('/').next().unwrap(), p.kind, p.action))
            .collect();
        assert_eq!(
            kinds,
            [
                ("a.txt", "duplicate", Action::Skipped),
                ("b.txt", "duplicate", Action::Skipped),
                ("a.txt", "duplicate", Action::Skipped)
            ]
        );
    }

    /// A folder holding refrain's manifest is left out with a problem; another program's
    /// manifest.json does not make a report.
    #[test]
    fn report_folders_are_left_out() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("rep/charts")).unwrap();
        fs::create_dir_all(dir.path().join("app")).unwrap();
        fs::write(dir.path().join("rep/manifest.json"), r#"{"generator": "refrain report"}"#)
            .unwrap();
        fs::write(dir.path().join("rep/summary.md"), "x").unwrap();
        fs::write(dir.path().join("app/manifest.json"), r#"{"name": "app"}"#).unwrap();
        fs::write(dir.path().join("app/notes.md"), "x").unwrap();
        let (inputs, problems) = list_inputs(&[dir.path().to_path_buf()], &[]).unwrap();
        assert_eq!(names(&inputs, dir.path()), ["app/manifest.json", "app/notes.md"]);
        assert_eq!(problems.len(), 1);
        assert_eq!((problems[0].kind, problems[0].path.ends_with("rep")), ("refrain report", true));
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loop_is_walked_once() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("a")).unwrap();
        fs::write(dir.path().join("a/x.txt"), "x").unwrap();
        std::os::unix::fs::symlink(dir.path(), dir.path().join("a/loop")).unwrap();
        let (inputs, _) = list_inputs(&[dir.path().to_path_buf()], &[]).unwrap();
        assert_eq!(names(&inputs, dir.path()), ["a/x.txt"]);
    }
}
