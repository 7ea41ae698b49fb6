//! The run summary on stderr: what was read, what was skipped and why, what was counted.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::corpus::clean::Removed;
use crate::corpus::{Action, Problem};
use crate::count::NgramCounts;
use crate::pipeline::Summary;
use crate::select::SelectionReport;

/// How many problems are printed one by one before only counts are given (without -v).
const SHOWN_PROBLEMS: usize = 10;

/// Print the input problems: each (up to ten, or all with `verbose`), then counts by kind.
/// Files left out by `--exclude` are only counted, not listed, unless `verbose`.
pub fn problems(problems: &[Problem], verbose: bool) {
    let listed: Vec<&Problem> =
        problems.iter().filter(|p| verbose || p.kind != "excluded").collect();
    let problems = listed;
    let shown = if verbose { problems.len() } else { SHOWN_PROBLEMS.min(problems.len()) };
    for p in &problems[..shown] {
        crate::progress::warn(p);
    }
    if shown < problems.len() && crate::progress::warnings_enabled() {
        eprintln!("refrain: … {} more problems (-v lists them all)", problems.len() - shown);
    }
}

/// Format a number with thousands separators.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `n` with thousands separators and the singular or plural noun.
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// The summary lines of the reading stage.
pub fn reading(s: &Summary) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "read {}: {}, {} in {} ({:.2} s)",
        count(s.inputs as u64, "input", "inputs"),
        count(s.documents as u64, "document", "documents"),
        count(s.words, "word", "words"),
        count(s.sentences, "sentence", "sentences"),
        s.elapsed.as_secs_f64()
    );
    if !s.skipped_language.is_empty() {
        let total: usize = s.skipped_language.values().sum();
        let by: Vec<String> = s
            .skipped_language
            .iter()
            .map(|(l, n)| format!("{l} {}", thousands(*n as u64)))
            .collect();
        let _ = writeln!(
            out,
            "skipped {} documents in other languages ({})",
            thousands(total as u64),
            by.join(", ")
        );
    }
    let mut by_kind: BTreeMap<(&str, Action), usize> = BTreeMap::new();
    for p in &s.problems {
        *by_kind.entry((p.kind, p.action)).or_default() += 1;
    }
    for ((kind, action), n) in by_kind {
        let what = match action {
            Action::Skipped => "skipped",
            Action::Repaired => "repaired",
        };
        let _ = writeln!(out, "{what} {}: {kind}", thousands(n as u64));
    }
    if s.documents_without_words > 0 {
        let _ = writeln!(
            out,
            "{} documents hold no words",
            thousands(s.documents_without_words as u64)
        );
    }
    if s.overlong_words > 0 {
        let _ =
            writeln!(out, "left out {} words longer than 100 bytes", thousands(s.overlong_words));
    }
    if !s.removed.is_empty() {
        let _ = writeln!(out, "{}", removed(&s.removed));
    }
    if s.undated > 0 && s.undated < s.documents {
        let n = s.undated as u64;
        let _ = writeln!(out, "{} no date", count(n, "document has", "documents have"));
    }
    out.push_str(&selection(&s.selection));
    out
}

/// The line that says what cleaning removed: `removed: 12 datelines, 3 footers, 40 markup
/// tags (1,234 characters)`, non-zero kinds only.
pub fn removed(r: &Removed) -> String {
    let kinds: Vec<String> = r
        .kinds()
        .map(|(kind, n)| {
            let (one, many) = kind.names();
            count(n, one, many)
        })
        .collect();
    format!("removed: {} ({})", kinds.join(", "), count(r.chars, "character", "characters"))
}

/// The summary lines of `--name-pattern`, `--meta` and `--where`.
pub fn selection(r: &SelectionReport) -> String {
    let mut out = String::new();
    let docs = |n: usize| count(n as u64, "document", "documents");
    if r.name_unmatched > 0 {
        let _ =
            writeln!(out, "--name-pattern did not match the names of {}", docs(r.name_unmatched));
    }
    if r.meta_duplicates > 0 {
        let rows = count(r.meta_duplicates as u64, "row", "rows");
        let _ = writeln!(out, "--meta: ignored {rows} with an empty or repeated key");
    }
    if r.meta_unmatched > 0 {
        let _ = writeln!(out, "--meta has no row for {}", docs(r.meta_unmatched));
    }
    for e in &r.meta_failures {
        let _ = writeln!(out, "--meta: join failed, documents used without metadata: {e}");
    }
    if r.redated > 0 {
        let _ = writeln!(
            out,
            "dates from --name-pattern or --meta replaced the date of {}",
            docs(r.redated)
        );
    }
    if r.left_out > 0 || r.kept > 0 {
        let _ = writeln!(
            out,
            "--where left out {} and kept {}",
            docs(r.left_out),
            thousands(r.kept as u64)
        );
    }
    for c in &r.unknown_columns {
        let _ = writeln!(out, "--where: no document has a `{c}` value");
    }
    out
}

/// The summary line of the counting stage: distinct n-grams kept per n.
pub fn counting(c: &NgramCounts, min_n: usize, seconds: f64) -> String {
    let per_n: Vec<(usize, u64)> = c
        .levels
        .iter()
        .filter(|l| l.n >= min_n)
        .map(|l| (l.n, l.emitted.iter().filter(|&&e| e).count() as u64))
        .collect();
    counting_per_n(&per_n, seconds)
}

/// The counting line from (n, reported keys) pairs.
pub fn counting_per_n(per_n: &[(usize, u64)], seconds: f64) -> String {
    let per_n: Vec<String> =
        per_n.iter().map(|&(n, k)| format!("{n}-grams {}", thousands(k))).collect();
    format!("counted distinct keys: {} ({seconds:.2} s)\n", per_n.join(", "))
}

/// Print summary text line by line with the `refrain:` prefix.
pub fn print(text: &str) {
    for line in text.lines() {
        eprintln!("refrain: {line}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::clean::Kind;

    #[test]
    fn removed_line_lists_nonzero_kinds() {
        let mut r = Removed::default();
        r.add(Kind::Dateline, 12, "");
        r.add(Kind::Footer, 1, "© KCNA");
        r.add(Kind::MarkupTag, 1_040, "<b>");
        assert_eq!(
            removed(&r),
            "removed: 12 datelines, 1 footer, 1,040 markup tags (8 characters)"
        );
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
