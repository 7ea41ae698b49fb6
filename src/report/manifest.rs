//! `manifest.json`: what made the report, from what, and how long it took: refrain's
//! version, the options as given and as resolved, the corpus fingerprint, the counts of
//! documents, words and table rows, what was skipped, and the time of each stage.
//!
//! It is also how refrain knows its own reports: the `generator` marker says a folder is a
//! report (folder walks leave such folders out of a corpus), and `files` lists every file the
//! report wrote (relative, `/`-separated, the manifest included), so that a later report
//! replaces the folder only when it holds nothing else.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use serde_json::{Value, json};

use super::build::ReportOptions;
use super::fingerprint::Fingerprint;
use super::model::Report;
use super::stage::Timings;
use crate::pipeline::Summary;

/// The marker of refrain's manifests (its `generator` field).
pub const GENERATOR: &str = "refrain report";

/// The manifest's file name.
pub const FILE: &str = "manifest.json";

/// A manifest larger than this is not one of refrain's (it lists a few dozen files).
const MAX_BYTES: u64 = 16 << 20;

/// The manifest as pretty-printed JSON. `files` are the report's other files, relative to its
/// folder; the manifest lists them and itself.
pub fn render(
    r: &Report,
    options: &ReportOptions,
    fingerprint: Option<&Fingerprint>,
    summary: &Summary,
    timings: &Timings,
    files: &[String],
) -> String {
    let mut listed: Vec<&str> = files.iter().map(String::as_str).chain([FILE]).collect();
    listed.sort_unstable();
    listed.dedup();
    let mut problems: BTreeMap<&str, usize> = BTreeMap::new();
    for p in &summary.problems {
        *problems.entry(p.kind).or_default() += 1;
    }
    let tables: serde_json::Map<String, Value> =
        r.tables.iter().map(|t| (t.file.to_string(), json!(t.view.total))).collect();
    let stages: serde_json::Map<String, Value> = timings
        .stages
        .iter()
        .map(|(name, s)| (name.clone(), json!((s * 1000.0).round() / 1000.0)))
        .collect();
    let value = json!({
        "generator": GENERATOR,
        "refrain_version": r.version,
        "name": r.name,
        "options": options.given,
        "resolved": {
            "min_count": r.thresholds.0,
            "min_docs": r.thresholds.1,
            "ngrams": "2..5",
            "phrases": "2..8",
            "stopword_edges": "drop",
            "by": r.periods,
            "chart_size": [options.size.width, options.size.height],
        },
        "corpus": {
            "paths": options.paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
            "reference": options.reference.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
            "fingerprint": fingerprint,
            "inputs": r.facts.inputs,
            "documents": r.facts.documents,
            "words": r.facts.words,
            "sentences": r.facts.sentences,
            "dated_documents": r.facts.dated,
            "first_date": r.facts.first_date,
            "last_date": r.facts.last_date,
        },
        "skipped": {
            "documents_in_other_languages": summary.skipped_language,
            "problems": problems,
            "documents_without_words": summary.documents_without_words,
        },
        "tables": tables,
        "charts": r.charts.iter().map(|c| format!("charts/{}", c.file)).collect::<Vec<_>>(),
        "notes": r.notes,
        "timings_seconds": stages,
        "files": listed,
    });
    let mut s = serde_json::to_string_pretty(&value).expect("JSON values always serialise");
    s.push('\n');
    s
}

/// Whether `dir` holds a report refrain wrote (a `manifest.json` with refrain's marker).
pub fn is_report_folder(dir: &Path) -> bool {
    read(dir).is_some_and(|m| m.get("generator").and_then(Value::as_str) == Some(GENERATOR))
}

/// The files refrain's manifest in `dir` lists, or `None` when `dir` holds no manifest of
/// refrain's with a file list (reports of refrain before 0.1 listed none).
pub fn listed_files(dir: &Path) -> Option<Vec<String>> {
    let manifest = read(dir)?;
    if manifest.get("generator").and_then(Value::as_str) != Some(GENERATOR) {
        return None;
    }
    let files = manifest.get("files")?.as_array()?;
    files.iter().map(|f| f.as_str().map(str::to_string)).collect()
}

/// The manifest of `dir` as JSON, if it is a readable regular file of sane size.
fn read(dir: &Path) -> Option<Value> {
    let path = dir.join(FILE);
    let meta = std::fs::metadata(&path).ok()?;
    if !meta.is_file() || meta.len() > MAX_BYTES {
        return None;
    }
    serde_json::from_slice(&std::fs::read(&path).ok()?).ok()
}

/// Every file under `dir` (links not followed; folders themselves are not listed), relative to
/// it with `/` separators, sorted.
pub fn files_under(dir: &Path) -> io::Result<Vec<String>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder)? {
            let entry = entry?;
            if entry.file_type()?.is_dir() {
                stack.push(entry.path());
            } else {
                let path = entry.path();
                let relative = path.strip_prefix(dir).unwrap_or(&path);
                let parts: Vec<String> = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.push(parts.join("/"));
            }
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_refrain_manifests_with_a_file_list_are_reports() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!is_report_folder(dir.path()) && listed_files(dir.path()).is_none());
        std::fs::write(dir.path().join(FILE), r#"{"name": "my-web-app", "files": ["a"]}"#).unwrap();
        assert!(!is_report_folder(dir.path()) && listed_files(dir.path()).is_none());
        std::fs::write(dir.path().join(FILE), r#"{"generator": "refrain report"}"#).unwrap();
        assert!(is_report_folder(dir.path()) && listed_files(dir.path()).is_none());
        std::fs::write(
            dir.path().join(FILE),
            r#"{"generator": "refrain report", "files": ["charts/x.png", "manifest.json"]}"#,
        )
        .unwrap();
        assert_eq!(listed_files(dir.path()).unwrap(), ["charts/x.png", "manifest.json"]);
    }

    #[test]
    fn files_under_lists_nested_files_relative() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("charts/empty")).unwrap();
        std::fs::write(dir.path().join("charts/b.png"), "").unwrap();
        std::fs::write(dir.path().join("a.csv"), "").unwrap();
        assert_eq!(files_under(dir.path()).unwrap(), ["a.csv", "charts/b.png"]);
    }
}
