//! `refrain report`: the whole analysis of a corpus as a folder a person opens.
//!
//! # Brief overview
//!
//! [`build`] reads and analyses the corpus once ([`crate::pipeline`]), counts its words and
//! n-grams of 1 to 8 words once ([`crate::count`]), and computes every table from that one
//! count: terms (1-grams) and n-grams (2..5) as `freq` writes them, formulas and phrase-frames
//! as `phrases` does, the top formulas per period as `trend` does (dated corpora), and keyness
//! as `keyness` does (with `--reference` or `--split`). It calls the commands' own functions
//! (`cli::freq`, `cli::phrases`, `cli::trend`, `cli::keyness`), so a report's tables are the
//! commands' tables. Charts come from the tables through [`crate::figure`].
//!
//! The folder is assembled in a hidden temporary folder beside its destination ([`folder`]) and
//! renamed into place when every file is written, so a failed run never leaves half a report.
//! Besides the tables it holds `summary.md` ([`markdown`]), `index.html` ([`html`]: one
//! self-contained page, every piece of corpus text escaped) and `manifest.json`
//! ([`manifest`]: version, options, corpus fingerprint ([`fingerprint`]), counts, timings).
//! Every file but the manifest (which records timings) is the same, byte for byte, for the
//! same input and options, whatever the number of threads. The manifest's marker and file
//! list are how later runs recognise the folder: walks leave it out of a corpus, and a new
//! report replaces it only when it holds nothing but the listed files. An interrupted run
//! removes its temporary folder (`interrupt`); a killed one is swept by the next run.

pub mod build;
mod charts;
pub mod context;
pub mod fingerprint;
pub mod folder;
pub mod html;
pub mod manifest;
pub mod markdown;
pub mod model;
mod sections;
pub mod stage;
pub mod view;

use std::path::{Path, PathBuf};

pub use build::{ReportOptions, build};
pub use model::Report;

/// A short name for the corpus at `paths`, for report folders and chart titles: `sample` for
/// no path, `stdin` for `-`, the file stem or folder name of one path, and for many paths the
/// name of their common folder followed by the common start of their file names
/// (`juche/2017-01-01_juche.json …` → `juche-2017`). Only letters, digits, `-`, `_` and `.`
/// are kept.
pub fn corpus_name(paths: &[PathBuf]) -> String {
    let raw = match paths {
        [] => "sample".to_string(),
        [p] if p.as_os_str() == "-" => "stdin".to_string(),
        [p] => own_name(p, p.is_file()),
        many => {
            let parent = common_parent(many);
            let folder = parent.as_deref().map(|p| own_name(p, false)).unwrap_or_default();
            let stems: Vec<String> = many
                .iter()
                .map(|p| {
                    p.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
                })
                .collect();
            let prefix = common_prefix(&stems);
            let prefix = prefix.trim_end_matches(|c: char| !c.is_alphanumeric());
            match (folder.is_empty(), prefix.chars().count() >= 2) {
                (false, true) => format!("{folder}-{prefix}"),
                (false, false) => folder,
                (true, true) => prefix.to_string(),
                (true, false) => "corpus".to_string(),
            }
        }
    };
    sanitize(&raw)
}

/// The name of one path: its file stem (for a file) or its name, resolving `.` and `..`.
fn own_name(p: &Path, file: bool) -> String {
    let named = |p: &Path| {
        if file { p.file_stem() } else { p.file_name() }.map(|s| s.to_string_lossy().into_owned())
    };
    named(p)
        .or_else(|| p.canonicalize().ok().and_then(|c| named(&c)))
        .unwrap_or_else(|| "corpus".to_string())
}

/// The deepest folder holding all of `paths` (by their components as written), if they name
/// one.
fn common_parent(paths: &[PathBuf]) -> Option<PathBuf> {
    let mut common: Vec<std::path::Component> = paths[0].parent()?.components().collect();
    for p in &paths[1..] {
        let parts: Vec<_> = p.parent()?.components().collect();
        let same = common.iter().zip(&parts).take_while(|(a, b)| a == b).count();
        common.truncate(same);
    }
    let path: PathBuf = common.iter().collect();
    (!path.as_os_str().is_empty()).then_some(path)
}

fn common_prefix(items: &[String]) -> String {
    let first = &items[0];
    let mut end = first.len();
    for s in &items[1..] {
        end = first
            .char_indices()
            .zip(s.chars())
            .take_while(|((_, a), b)| a == b)
            .last()
            .map_or(0, |((i, a), _)| i + a.len_utf8())
            .min(end);
    }
    first[..end].to_string()
}

/// Keep letters, digits, `-`, `_` and `.`; anything else becomes `-`; no leading dot.
fn sanitize(raw: &str) -> String {
    let mut out = String::new();
    for c in raw.chars() {
        let keep = c.is_alphanumeric() || matches!(c, '-' | '_' | '.');
        let c = if keep { c } else { '-' };
        if !(c == '-' && out.ends_with('-')) {
            out.push(c);
        }
    }
    let out = out.trim_matches(|c| c == '-' || c == '.').to_string();
    if out.is_empty() { "corpus".to_string() } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(paths: &[&str]) -> String {
        corpus_name(&paths.iter().map(PathBuf::from).collect::<Vec<_>>())
    }

    #[test]
    fn names_of_inputs() {
        assert_eq!(name(&[]), "sample");
        assert_eq!(name(&["-"]), "stdin");
        assert_eq!(name(&["../shared/corpora/inaugural"]), "inaugural");
        assert_eq!(name(&["../shared/corpora/inaugural/"]), "inaugural");
        assert_eq!(
            name(&["c/kcna/juche/2017-01-01_juche.json", "c/kcna/juche/2017-12-31_juche.json"]),
            "juche-2017"
        );
        assert_eq!(name(&["a/x.txt", "b/y.txt"]), "corpus");
        assert_eq!(name(&["New Year 2019 <script>"]), "New-Year-2019-script");
        assert_eq!(name(&["신년사"]), "신년사");
        assert_eq!(name(&["..."]), "corpus");
    }
}
