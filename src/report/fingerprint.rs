//! The corpus fingerprint of the manifest: a BLAKE3 hash of the input files' names (relative
//! to the PATH argument they were found under), sizes and bytes, so that two reports can be
//! told to come from the same corpus whatever folder it was copied to.
//!
//! Each file is hashed on its own (in parallel), and the fingerprint hashes the list of
//! (name, size, file hash) in input order: the same files give the same fingerprint on every
//! machine and with any number of threads.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use crate::corpus::{self, Input};

/// The fingerprint of a corpus.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fingerprint {
    /// The hash function.
    pub algorithm: &'static str,
    /// The hash, in hexadecimal.
    pub hash: String,
    /// Input files hashed.
    pub files: usize,
    /// Their total size in bytes.
    pub bytes: u64,
}

/// The fingerprint of the inputs at `paths` (walked as the reader walks them, with
/// `exclude`), or `None` when the corpus is read from stdin, which cannot be read twice.
pub fn fingerprint(paths: &[PathBuf], exclude: &[String]) -> Option<Fingerprint> {
    let mut named: Vec<(String, Option<PathBuf>)> = Vec::new();
    if paths.is_empty() {
        named.push(("<sample>".into(), None));
    }
    for root in paths {
        if root.as_os_str() == "-" {
            return None;
        }
        let (inputs, _) = corpus::list_inputs(std::slice::from_ref(root), exclude).ok()?;
        for input in inputs {
            if let Input::File(f) = input {
                named.push((relative_name(root, &f), Some(f)));
            }
        }
    }
    let hashed: Vec<(u64, blake3::Hash)> = named
        .par_iter()
        .map(|(_, path)| match path {
            None => {
                let bytes = corpus::SAMPLE_TEXT.as_bytes();
                (bytes.len() as u64, blake3::hash(bytes))
            }
            // An unreadable file is part of the corpus as it stands: hash its absence.
            Some(p) => std::fs::read(p)
                .map(|b| (b.len() as u64, blake3::hash(&b)))
                .unwrap_or((0, blake3::hash(b"<unreadable>"))),
        })
        .collect();
    let mut all = blake3::Hasher::new();
    for ((name, _), (size, hash)) in named.iter().zip(&hashed) {
        all.update(name.as_bytes());
        all.update(&[0]);
        all.update(&size.to_le_bytes());
        all.update(hash.as_bytes());
    }
    Some(Fingerprint {
        algorithm: "blake3",
        hash: all.finalize().to_hex().to_string(),
        files: named.len(),
        bytes: hashed.iter().map(|h| h.0).sum(),
    })
}

/// A file's name relative to the PATH argument it was found under (its own name when the
/// argument is the file), with `/` separators.
fn relative_name(root: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(root).ok().filter(|r| !r.as_os_str().is_empty());
    let rel = rel.unwrap_or_else(|| Path::new(file.file_name().unwrap_or(file.as_os_str())));
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corpus_in(dir: &Path, files: &[(&str, &str)]) {
        for (name, text) in files {
            let p = dir.join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
    }

    #[test]
    fn same_files_anywhere_same_fingerprint() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let files = [("x.txt", "party cells"), ("sub/y.txt", "socialist power")];
        corpus_in(a.path(), &files);
        corpus_in(b.path(), &files);
        let fa = fingerprint(&[a.path().to_path_buf()], &[]).unwrap();
        let fb = fingerprint(&[b.path().to_path_buf()], &[]).unwrap();
        assert_eq!(fa, fb);
        assert_eq!((fa.files, fa.bytes, fa.hash.len()), (2, 26, 64));
        // One changed byte, or a renamed file, changes it.
        std::fs::write(b.path().join("x.txt"), "party cellz").unwrap();
        assert_ne!(fingerprint(&[b.path().to_path_buf()], &[]).unwrap().hash, fa.hash);
        std::fs::rename(b.path().join("x.txt"), b.path().join("z.txt")).unwrap();
        std::fs::write(b.path().join("z.txt"), "party cells").unwrap();
        assert_ne!(fingerprint(&[b.path().to_path_buf()], &[]).unwrap().hash, fa.hash);
    }

    #[test]
    fn sample_and_stdin() {
        let s = fingerprint(&[], &[]).unwrap();
        assert_eq!((s.files, s.bytes), (1, corpus::SAMPLE_TEXT.len() as u64));
        assert_eq!(fingerprint(&[PathBuf::from("-")], &[]), None);
        assert_eq!(relative_name(Path::new("/c/k"), Path::new("/c/k/j/a.json")), "j/a.json");
        assert_eq!(relative_name(Path::new("/c/k/a.txt"), Path::new("/c/k/a.txt")), "a.txt");
    }
}
