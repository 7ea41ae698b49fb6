//! `manifest.json`: what made the report, from what, and how long it took: refrain's
//! version, the options as given and as resolved, the corpus fingerprint, the counts of
//! documents, words and table rows, what was skipped, and the time of each stage.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::build::ReportOptions;
use super::fingerprint::Fingerprint;
use super::model::Report;
use super::stage::Timings;
use crate::pipeline::Summary;

/// The manifest as pretty-printed JSON.
pub fn render(
    r: &Report,
    options: &ReportOptions,
    fingerprint: Option<&Fingerprint>,
    summary: &Summary,
    timings: &Timings,
) -> String {
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
        "generator": "refrain report",
        "refrain_version": r.version,
        "name": r.name,
        "options": options.given,
        "resolved": {
            "min_count": r.thresholds.0,
            "min_docs": r.thresholds.1,
            "ngrams": "2..5",
            "phrases": "2..8",
            "stopword_edges": "drop",
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
    });
    let mut s = serde_json::to_string_pretty(&value).expect("JSON values always serialise");
    s.push('\n');
    s
}
