//! The one error that stops a run before reading starts: a PATH argument that cannot be used.
//! Everything that goes wrong while reading is a [`super::Problem`] instead.

use std::path::PathBuf;

/// A PATH argument that cannot be read at all.
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    /// The path does not exist.
    #[error("`{}`: no such file or folder", path.display())]
    NotFound {
        /// The path as given.
        path: PathBuf,
    },
    /// The path exists but cannot be inspected (e.g. permission denied on its folder).
    #[error("`{}`: {source}", path.display())]
    Inaccessible {
        /// The path as given.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
}
