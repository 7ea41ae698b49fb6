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
    /// The operating system's message is part of this error's text, not a separate cause, so
    /// that it is printed once.
    #[error("`{}`: {message}", path.display())]
    Inaccessible {
        /// The path as given.
        path: PathBuf,
        /// What the operating system said.
        message: String,
    },
    /// The path names a FIFO, a device or a socket: reading one may never end.
    #[error(
        "`{}` is {what}, not a file or folder: refrain reads only regular files (use `-` and a \
         redirection for a pipe)",
        path.display()
    )]
    Special {
        /// The path as given.
        path: PathBuf,
        /// What it is.
        what: &'static str,
    },
    /// Writing the token index to the temporary folder failed (disk full, folder removed):
    /// the message names the folder (see [`crate::budget::spill_error`]).
    #[error("{message}")]
    Spill {
        /// The whole message.
        message: String,
    },
    /// The corpus is too large for the memory budget of a command that must hold it in
    /// memory (it reads standard input, which cannot be read twice, or `report --reference`).
    #[error(
        "`{command}` must hold this corpus in memory (it reads standard input, which cannot be \
         read twice, or compares with a --reference), and the corpus ({corpus}) needs about \
         {need} there, more than the memory budget of {budget}: run with `--memory {need}` or \
         more, or give standard input as a file"
    )]
    OverBudget {
        /// The command.
        command: String,
        /// The corpus's size on disk, shown.
        corpus: String,
        /// The budget it needs, shown.
        need: String,
        /// The budget it has, shown.
        budget: String,
    },
    /// One input file is too large to be read within the memory budget: a file that is not
    /// read in pieces (plain text, HTML, JSON, …) is read and analysed whole, even when the
    /// corpus goes to disk.
    #[error(
        "{file} ({size}) is read and analysed whole, which needs about {need}, more than the \
         memory budget of {budget}: run with `--memory {need}` or more, or split the file into \
         smaller ones (the budget holds for a corpus of any size, but not for one such file \
         larger than about a sixth of it; JSON Lines, CSV, TSV and Parquet files are read in \
         pieces)"
    )]
    FileOverBudget {
        /// The file (its path in backquotes, or "standard input").
        file: String,
        /// Its size on disk, shown.
        size: String,
        /// The budget it needs, shown.
        need: String,
        /// The budget it has, shown.
        budget: String,
    },
    /// Standard input holds more than one input may hold within the memory budget.
    #[error(
        "standard input holds more than {limit}, and an input is read and analysed whole, \
         which takes about six times its size: more than the memory budget of {budget}; save \
         it as several files, or run with a larger --memory"
    )]
    StdinOverBudget {
        /// The most an input may hold within the budget, shown.
        limit: String,
        /// The budget, shown.
        budget: String,
    },
}
