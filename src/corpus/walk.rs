//! Turning PATH arguments into a list of inputs: files as given, folders walked recursively.
//!
//! Inside a folder, hidden folders (`.git`) are not entered, and hidden files (`.DS_Store`,
//! macOS `._x` files) and files of unknown format (`README`, `LICENSE.upstream`) are left out
//! with an `unsupported format` [`Problem`] so the run summary counts them. Files whose name
//! matches an exclusion pattern (by default the documentation files that travel with corpora:
//! `README*`, `SOURCE.md`, `LICENSE*`, …) are left out with an `excluded` problem. The files of
//! one folder argument are sorted by the bytes of their paths, so the order never depends on
//! the file system.

use std::path::{Path, PathBuf};

use super::format;
use super::{CorpusError, Input, Problem};
use crate::collections::{HashSet, new_set};

/// The inputs named by `paths`: no paths → the bundled sample; `-` → stdin; a file → itself
/// (an unknown extension is read as plain text); a folder → its supported files, recursively.
///
/// A path that does not exist is an error; problems inside folders (unsupported files,
/// unreadable subfolders, excluded names) are returned beside the inputs. `exclude` holds
/// file-name patterns (`*` any run of characters, `?` one character, case-insensitive) that
/// leave files found inside folders out; files named directly are always read.
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
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input::Stdin);
            continue;
        }
        let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => CorpusError::NotFound { path: path.clone() },
            _ => CorpusError::Inaccessible { path: path.clone(), source: e },
        })?;
        if !meta.is_dir() {
            inputs.push(Input::File(path.clone()));
            continue;
        }
        let mut walker =
            Walker { files: Vec::new(), problems: Vec::new(), seen: new_set(), exclude: &exclude };
        walker.walk(path);
        walker
            .files
            .sort_by(|a, b| a.as_os_str().as_encoded_bytes().cmp(b.as_os_str().as_encoded_bytes()));
        walker.problems.sort_by(|a, b| a.path.cmp(&b.path));
        inputs.extend(walker.files.into_iter().map(Input::File));
        problems.extend(walker.problems);
    }
    Ok((inputs, problems))
}

/// File names left out of folder walks by default: documentation that travels with corpora.
pub const DEFAULT_EXCLUDES: &[&str] =
    &["README*", "SOURCE.md", "LICENSE*", "COPYING*", "CHANGELOG*", "NOTICE*"];

struct Walker<'a> {
    /// The `--exclude` patterns, lower-cased, as characters.
    exclude: &'a [Vec<char>],
    files: Vec<PathBuf>,
    problems: Vec<Problem>,
    /// Canonical paths of folders already walked: a symlink loop is walked once.
    seen: HashSet<PathBuf>,
}

impl Walker<'_> {
    fn walk(&mut self, dir: &Path) {
        if let Ok(canonical) = dir.canonicalize()
            && !self.seen.insert(canonical)
        {
            return;
        }
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => return self.problem(dir, "unreadable folder", e.to_string()),
        };
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    self.problem(dir, "unreadable folder", e.to_string());
                    continue;
                }
            };
            let path = entry.path();
            let hidden = entry.file_name().as_encoded_bytes().starts_with(b".");
            // Follow symlinks: a link to a file is read like the file.
            match std::fs::metadata(&path) {
                Ok(m) if m.is_dir() && hidden => {}
                Ok(m) if m.is_dir() => self.walk(&path),
                Ok(_) if hidden => self.problem(&path, "unsupported format", "hidden file".into()),
                Ok(_) if self.excluded(&entry.file_name()) => {
                    self.problem(&path, "excluded", "file name matches --exclude".into())
                }
                Ok(_) if format::detect(&path).is_some() => self.files.push(path),
                Ok(_) => self.problem(&path, "unsupported format", "unknown file extension".into()),
                Err(e) => self.problem(&path, "unreadable file", e.to_string()),
            }
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
