//! The command-line interface: argument definitions ([`args`]), their resolution into
//! library settings ([`settings`]), the run summary ([`summary`]) and one thin module per
//! command. Commands never touch Polars or Plotters; they call `table` and `chart`.

pub mod args;
pub mod chart;
pub mod docs;
pub mod freq;
pub mod grouped;
pub mod keyness;
pub mod kwic;
pub mod merge;
pub mod phrases;
pub mod report;
pub mod settings;
pub mod spilled;
pub mod summary;
pub mod trend;

use std::path::PathBuf;

use anyhow::Result;

use crate::pipeline::{self, AnalyzedCorpus, PipelineOptions};
pub use args::Cli;

/// What every command shares: verbosity.
#[derive(Debug, Clone, Copy)]
pub struct Context {
    /// No summary on stderr (`-q`; also set by `-qq` and `--silent`).
    pub quiet: bool,
    /// List every input problem.
    pub verbose: bool,
}

impl Context {
    /// Read and analyse a corpus, printing problems and the reading summary.
    pub fn read(&self, paths: &[PathBuf], options: &PipelineOptions) -> Result<AnalyzedCorpus> {
        let corpus = pipeline::run(paths, options)?;
        summary::problems(&corpus.summary.problems, self.verbose);
        self.note(&summary::reading(&corpus.summary));
        if let Some(warning) = settings::no_documents(corpus.summary.documents, paths) {
            crate::progress::warn(warning);
        }
        Ok(corpus)
    }

    /// Print summary lines unless quiet.
    pub fn note(&self, text: &str) {
        if !self.quiet {
            summary::print(text);
        }
    }
}

/// Run the parsed command line.
pub fn run(mut cli: Cli) -> Result<()> {
    settings::read_files_from(&mut cli.command)?;
    settings::check_outputs(&cli.command)?;
    let level = match (cli.silent, cli.quiet) {
        (true, _) | (false, 2..) => crate::progress::Level::Silent,
        (false, 1) => crate::progress::Level::Quiet,
        (false, 0) => crate::progress::Level::Normal,
    };
    crate::progress::set_level(level);
    if let Some(asked) = cli.threads {
        let (n, note) = settings::threads(asked);
        if let Some(note) = note.filter(|_| level == crate::progress::Level::Normal) {
            eprintln!("refrain: note: {note}");
        }
        rayon::ThreadPoolBuilder::new().num_threads(n).build_global()?;
    }
    crate::table::set_cells(if cli.raw_cells {
        crate::table::Cells::Raw
    } else {
        crate::table::Cells::Neutralise
    });
    let ctx = Context { quiet: level != crate::progress::Level::Normal, verbose: cli.verbose };
    match &cli.command {
        args::Command::Freq(a) => freq::run(a, &ctx),
        args::Command::Trend(a) => trend::run(a, &ctx),
        args::Command::Keyness(a) => keyness::run(a, &ctx),
        args::Command::Kwic(a) => kwic::run(a, &ctx),
        args::Command::Docs(a) => docs::run(a, &ctx),
        args::Command::Phrases(a) => phrases::run(a, &ctx),
        args::Command::Chart(a) => chart::run(a, &ctx),
        args::Command::Report(a) => report::run(a, &ctx),
        args::Command::Merge(a) => merge::run(a, &ctx),
    }
}
