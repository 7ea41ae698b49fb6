//! `summary.md`: the report in brief, for reading in a terminal or on a code forge: the
//! corpus, what was skipped, the top formulas with a sentence each, the other tables' first
//! rows, and the files.
//!
//! Corpus text is escaped for Markdown ([`escape`]): the characters that would start markup
//! (`\ ` * _ [ ] # | < > &`) are escaped, so a sentence is shown as written, never rendered
//! as a link, a table cell boundary or HTML.

use std::fmt::Write as _;

use super::html::lede;
use super::model::{Report, TableFile};
use crate::cli::summary::{count, thousands};

/// "1 document" or "12 documents" from a formatted count.
pub fn docs(formatted: &str) -> String {
    let noun = if formatted == "1" { "document" } else { "documents" };
    format!("{formatted} {noun}")
}

/// Escape text for Markdown: backslash-escape markup characters; `<`, `>` and `&` become
/// HTML entities (which Markdown renders as the characters); bidi controls (U+202A–U+202E,
/// U+2066–U+2069) are shown as `<U+202E>`, never obeyed.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            // Shown, not obeyed, as in index.html: a bidi override would reorder what follows.
            c if crate::table::is_bidi_control(c) => {
                let _ = write!(out, "&lt;U+{:04X}&gt;", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// The summary.
pub fn render(r: &Report) -> String {
    let mut m = String::new();
    let _ = writeln!(m, "# refrain report: {}\n", escape(&r.name));
    let _ = writeln!(m, "{}.\n", escape(&lede(&r.facts)));
    let f = &r.facts;
    m.push_str("## Corpus\n\n");
    let _ = writeln!(
        m,
        "- {}, {}, {} in {}",
        count(f.inputs as u64, "input", "inputs"),
        count(f.documents as u64, "document", "documents"),
        count(f.words, "word", "words"),
        count(f.sentences, "sentence", "sentences")
    );
    match (&f.first_date, &f.last_date) {
        (Some(a), Some(b)) => {
            let _ = writeln!(
                m,
                "- dates: {a} to {b} ({} of {} dated)",
                thousands(f.dated as u64),
                thousands(f.documents as u64)
            );
        }
        _ => m.push_str("- no dates\n"),
    }
    let _ = writeln!(
        m,
        "- tables keep phrases with at least {} in at least {}",
        count(r.thresholds.0 as u64, "occurrence", "occurrences"),
        count(r.thresholds.1 as u64, "document", "documents")
    );
    m.push_str("\n### Reading\n\n");
    for line in r.reading.iter().chain(&r.notes) {
        let _ = writeln!(m, "- {}", escape(line));
    }
    if let Some(super::model::Sides { target, reference, how }) = &r.comparison {
        let _ = writeln!(
            m,
            "- keyness: {} against {} ({})",
            escape(target),
            escape(reference),
            escape(how)
        );
    }
    if !r.in_context.is_empty() {
        m.push_str("\n## The top formulas\n\n");
        m.push_str(
            "Ranked by the words they cover: independent count (occurrences outside longer \
             formulas) × number of words.\n\n",
        );
        for (k, i) in r.in_context.iter().enumerate() {
            let c = &i.context;
            let _ = writeln!(
                m,
                "{}. **{}**, {} times in {}:",
                k + 1,
                escape(&i.phrase),
                escape(&i.count),
                docs(&i.docs)
            );
            let _ = writeln!(
                m,
                "   > {}**{}**{}",
                escape(&c.before),
                escape(&c.matched),
                escape(&c.after)
            );
            let mut source = escape(&i.doc_id);
            if let Some(d) = &i.date {
                let _ = write!(source, ", {}", escape(d));
            }
            let _ = writeln!(m, "   >\n   > — {source}\n");
        }
    }
    for t in &r.tables {
        table(&mut m, t);
    }
    m.push_str("## Files\n\n");
    for t in &r.tables {
        let _ = writeln!(m, "- `{}`: {} rows", t.file, thousands(t.view.total as u64));
    }
    for c in &r.charts {
        let _ = writeln!(m, "- `charts/{}`: {}", c.file, escape(&c.title));
    }
    m.push_str("- `index.html`: the report as one page, with the charts\n");
    m.push_str("- `manifest.json`: version, options, corpus fingerprint, counts, timings\n");
    m
}

fn table(m: &mut String, t: &TableFile) {
    let v = &t.view;
    let _ = writeln!(m, "\n## {} (`{}`)\n", t.title, t.file);
    let _ = writeln!(m, "{}\n", t.about);
    if v.rows.is_empty() {
        m.push_str("(no rows)\n");
        return;
    }
    // Column names are refrain's own (no markup in them).
    let _ = writeln!(m, "| {} |", v.columns.join(" | "));
    let rule: Vec<&str> = v.numeric.iter().map(|&n| if n { "---:" } else { "---" }).collect();
    let _ = writeln!(m, "| {} |", rule.join(" | "));
    for row in &v.rows {
        let cells: Vec<String> = row.iter().map(|c| escape(c)).collect();
        let _ = writeln!(m, "| {} |", cells.join(" | "));
    }
    let _ =
        writeln!(m, "\n{} of {} rows.", thousands(v.rows.len() as u64), thousands(v.total as u64));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_escaped() {
        assert_eq!(
            escape("<script>a|b</script> *x* [l](u) `c`"),
            "&lt;script&gt;a\\|b&lt;/script&gt; \\*x\\* \\[l\\](u) \\`c\\`"
        );
    }

    #[test]
    fn bidi_controls_are_shown_not_obeyed() {
        assert_eq!(escape("abc\u{202E}fed\u{2066}x"), "abc&lt;U+202E&gt;fed&lt;U+2066&gt;x");
    }
}
