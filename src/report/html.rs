//! `index.html`: the report as one self-contained page.
//!
//! Everything is inside the file: the style sheet, and the charts as PNG data URIs. The page
//! loads nothing and runs no script; a Content-Security-Policy says so to the browser
//! (`default-src 'none'`), so even a mistake here could not fetch or run anything. Every piece
//! of text that comes from the corpus or the command line (phrases, sentences, titles, ids,
//! names, file names) goes through [`escape`], which leaves no `<`, `>`, `&`, `"` or `'`
//! unescaped, and shows bidirectional controls (U+202A–U+202E, U+2066–U+2069) as a visible
//! `<U+202E>` instead of letting them reorder the page's text.

use std::fmt::Write as _;

use super::model::{Facts, InContext, Report, TableFile};
use crate::cli::summary::{count, thousands};

/// Escape text for HTML element content and quoted attribute values; bidirectional controls
/// become a visible `<U+202E>`, so that corpus text cannot spoof what is around it.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if crate::table::is_bidi_control(c) => {
                let _ = write!(out, "&lt;U+{:04X}&gt;", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Standard base64 (RFC 4648, with padding), for data URIs.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

const STYLE: &str = "\
:root{--ink:#1f1f1f;--muted:#5f5f5f;--rule:#dddddd;--band:#f6f6f3;--accent:#0072b2;--mark:#fde8a6}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans','Noto Sans KR',sans-serif;color:var(--ink);background:#fff}
main{max-width:1120px;margin:0 auto;padding:24px 20px 64px}
header{border-bottom:2px solid var(--ink);padding-bottom:12px;margin-bottom:8px}
h1{font-size:28px;margin:0 0 4px}
h2{font-size:22px;margin:40px 0 8px;padding-top:8px;border-top:1px solid var(--rule)}
nav+h2{border-top:0;margin-top:16px}
h3{font-size:17px;margin:24px 0 6px}
p{margin:6px 0}
.lede{color:var(--muted);margin:0}
nav{position:sticky;top:0;background:#fff;padding:8px 0;border-bottom:1px solid var(--rule);z-index:1}
nav a{margin-right:14px;color:var(--accent);text-decoration:none;white-space:nowrap}
nav a:hover{text-decoration:underline}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:8px 0}
dl.facts dt{color:var(--muted)}
dl.facts dd{margin:0;font-variant-numeric:tabular-nums}
ul.plain{margin:6px 0;padding-left:20px}
figure{margin:16px 0}
figure img{display:block;max-width:100%;height:auto;border:1px solid var(--rule)}
figcaption{color:var(--muted);font-size:14px;margin-top:4px}
.scroll{overflow-x:auto}
table{border-collapse:collapse;font-size:14px;margin:8px 0;min-width:50%}
th,td{padding:3px 10px;border-bottom:1px solid var(--rule);text-align:left;vertical-align:top}
th{font-weight:600;border-bottom:2px solid var(--ink);white-space:nowrap}
tbody tr:nth-child(even){background:var(--band)}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.date{white-space:nowrap;font-variant-numeric:tabular-nums}
td.gap{color:var(--muted);text-align:center}
.more{color:var(--muted);font-size:14px}
ol.contexts{padding-left:24px}
ol.contexts li{margin:10px 0}
.phrase{font-weight:600}
blockquote{margin:4px 0 0;padding:4px 12px;border-left:3px solid var(--rule);color:#333}
mark{background:var(--mark);padding:0 1px}
.source{color:var(--muted);font-size:13px}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:90%}
footer{margin-top:48px;color:var(--muted);font-size:13px;border-top:1px solid var(--rule);padding-top:8px}
";

/// The page.
pub fn render(r: &Report) -> String {
    let mut h = String::with_capacity(1 << 20);
    let name = escape(&r.name);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         img-src data:; style-src 'unsafe-inline'\">\n\
         <link rel=\"icon\" href=\"data:,\">\n\
         <title>refrain report: {name}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<main>\n"
    );
    let _ = write!(
        h,
        "<header>\n<h1>refrain report: {name}</h1>\n<p class=\"lede\">{}</p>\n</header>\n",
        escape(&lede(&r.facts))
    );
    nav(&mut h, r);
    corpus(&mut h, r);
    let chart = |h: &mut String, file: &str| {
        if let Some(c) = r.charts.iter().find(|c| c.file == file) {
            let _ = writeln!(
                h,
                "<figure><img src=\"data:image/png;base64,{}\" alt=\"{}\">\
                 <figcaption>{} (<code>charts/{}</code>)</figcaption></figure>",
                base64(&c.png),
                escape(&c.title),
                escape(&c.title),
                escape(&c.file)
            );
        }
    };
    for t in &r.tables {
        let _ = writeln!(h, "<h2 id=\"{}\">{}</h2>", anchor(t.file), escape(t.title));
        let _ = writeln!(h, "<p>{}</p>", inline_code(&escape(&t.about)));
        match t.file {
            "phrases.csv" => {
                chart(&mut h, "top-phrases.png");
                table(&mut h, t);
                in_context(&mut h, &r.in_context);
            }
            "terms.csv" => {
                chart(&mut h, "top-terms.png");
                table(&mut h, t);
            }
            "ngrams.csv" => {
                chart(&mut h, "zipf.png");
                table(&mut h, t);
            }
            "trends.csv" => {
                chart(&mut h, "trend.png");
                chart(&mut h, "heatmap.png");
                table(&mut h, t);
            }
            "keyness.csv" => {
                if let Some(super::model::Sides { target, reference, how }) = &r.comparison {
                    let _ = writeln!(
                        h,
                        "<p>Target: <b>{}</b>; reference: <b>{}</b>. {}</p>",
                        escape(target),
                        escape(reference),
                        escape(how)
                    );
                }
                chart(&mut h, "keyness.png");
                table(&mut h, t);
            }
            _ => table(&mut h, t),
        }
    }
    files(&mut h, r);
    let _ = write!(
        h,
        "<footer>Made by refrain {} (<code>refrain report</code>). Counts are on word stems, \
         shown in their most frequent form; n-grams never cross a sentence.</footer>\n\
         </main>\n</body>\n</html>\n",
        escape(r.version)
    );
    h
}

/// "54,424 documents, 11,752,716 words, 1997-01-01 to 2018-12-31".
pub fn lede(f: &Facts) -> String {
    let mut s = format!(
        "{}, {}",
        count(f.documents as u64, "document", "documents"),
        count(f.words, "word", "words")
    );
    if let (Some(a), Some(b)) = (&f.first_date, &f.last_date) {
        let _ = write!(s, ", {a} to {b}");
    }
    s
}

fn anchor(file: &str) -> &str {
    file.trim_end_matches(".csv")
}

fn nav(h: &mut String, r: &Report) {
    h.push_str("<nav><a href=\"#corpus\">Corpus</a>");
    for t in &r.tables {
        let _ = write!(h, "<a href=\"#{}\">{}</a>", anchor(t.file), escape(t.title));
    }
    h.push_str("<a href=\"#files\">Files</a></nav>\n");
}

fn corpus(h: &mut String, r: &Report) {
    let f = &r.facts;
    h.push_str("<h2 id=\"corpus\">Corpus</h2>\n<dl class=\"facts\">\n");
    let mut row = |k: &str, v: String| {
        let _ = writeln!(h, "<dt>{}</dt><dd>{}</dd>", escape(k), escape(&v));
    };
    row("Inputs", thousands(f.inputs as u64));
    row("Documents", thousands(f.documents as u64));
    row("Words", thousands(f.words));
    row("Sentences", thousands(f.sentences));
    match (&f.first_date, &f.last_date) {
        (Some(a), Some(b)) => row(
            "Dates",
            format!(
                "{a} to {b} ({} of {} documents dated)",
                thousands(f.dated as u64),
                thousands(f.documents as u64)
            ),
        ),
        _ => row("Dates", "none".into()),
    }
    row(
        "Thresholds",
        format!(
            "at least {} in at least {}",
            count(r.thresholds.0 as u64, "occurrence", "occurrences"),
            count(r.thresholds.1 as u64, "document", "documents")
        ),
    );
    h.push_str("</dl>\n<h3>Reading</h3>\n<ul class=\"plain\">\n");
    for line in &r.reading {
        let _ = writeln!(h, "<li>{}</li>", escape(line));
    }
    for n in &r.notes {
        let _ = writeln!(h, "<li>{}</li>", escape(n));
    }
    h.push_str("</ul>\n");
}

fn table(h: &mut String, t: &TableFile) {
    let v = &t.view;
    h.push_str("<div class=\"scroll\"><table>\n<thead><tr>");
    for (c, &num) in v.columns.iter().zip(&v.numeric) {
        let class = if num { " class=\"num\"" } else { "" };
        let _ = write!(h, "<th{class}>{}</th>", escape(c));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for row in &v.rows {
        h.push_str("<tr>");
        for ((cell, &num), column) in row.iter().zip(&v.numeric).zip(&v.columns) {
            let class = if num {
                " class=\"num\""
            } else if is_date_column(column) {
                " class=\"date\""
            } else {
                ""
            };
            let _ = write!(h, "<td{class}>{}</td>", escape(cell));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table></div>\n");
    let _ = writeln!(
        h,
        "<p class=\"more\">{} of {} rows; all of them in <code>{}</code>.</p>",
        thousands(v.rows.len() as u64),
        thousands(v.total as u64),
        escape(t.file)
    );
}

fn in_context(h: &mut String, items: &[InContext]) {
    if items.is_empty() {
        return;
    }
    h.push_str("<h3>The top formulas in context</h3>\n<ol class=\"contexts\">\n");
    for i in items {
        let c = &i.context;
        let mut source = escape(&i.doc_id);
        if let Some(t) = i.title.as_deref().filter(|t| !t.is_empty()) {
            let _ = write!(source, ", “{}”", escape(t));
        }
        if let Some(d) = &i.date {
            let _ = write!(source, ", {}", escape(d));
        }
        let _ = writeln!(
            h,
            "<li><span class=\"phrase\">{}</span> ({} times in {})\
             <blockquote>{}<mark>{}</mark>{}</blockquote><span class=\"source\">{}</span></li>",
            escape(&i.phrase),
            escape(&i.count),
            escape(&super::markdown::docs(&i.docs)),
            escape(&c.before),
            escape(&c.matched),
            escape(&c.after),
            source
        );
    }
    h.push_str("</ol>\n");
}

fn files(h: &mut String, r: &Report) {
    h.push_str("<h2 id=\"files\">Files</h2>\n<ul class=\"plain\">\n");
    for t in &r.tables {
        let _ = writeln!(
            h,
            "<li><code>{}</code>: {} rows</li>",
            escape(t.file),
            thousands(t.view.total as u64)
        );
    }
    for c in &r.charts {
        let _ =
            writeln!(h, "<li><code>charts/{}</code>: {}</li>", escape(&c.file), escape(&c.title));
    }
    h.push_str(
        "<li><code>summary.md</code>: this report in brief</li>\n\
         <li><code>manifest.json</code>: version, options, corpus fingerprint, counts, timings</li>\n\
         </ul>\n",
    );
}

/// Columns of dates and periods, kept on one line.
fn is_date_column(name: &str) -> bool {
    matches!(name, "first" | "last" | "peak_period" | "first_period" | "last_period" | "date")
}

/// Turn `` `x` `` spans of already escaped text into `<code>` elements.
fn inline_code(escaped: &str) -> String {
    let mut out = String::new();
    for (i, part) in escaped.split('`').enumerate() {
        if i % 2 == 1 {
            let _ = write!(out, "<code>{part}</code>");
        } else {
            out.push_str(part);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_markup_character() {
        assert_eq!(
            escape("<script>alert(1)</script> \"><img src=x onerror=alert(1)> & 'x'"),
            "&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x onerror=alert(1)&gt; \
             &amp; &#39;x&#39;"
        );
    }

    #[test]
    fn bidi_controls_are_shown_not_obeyed() {
        // Every override and isolate, each made visible; other right-to-left text is untouched.
        let controls: String = ('\u{202a}'..='\u{202e}').chain('\u{2066}'..='\u{2069}').collect();
        let shown = escape(&format!("a{controls}b שלום"));
        assert_eq!(
            shown,
            "a&lt;U+202A&gt;&lt;U+202B&gt;&lt;U+202C&gt;&lt;U+202D&gt;&lt;U+202E&gt;\
             &lt;U+2066&gt;&lt;U+2067&gt;&lt;U+2068&gt;&lt;U+2069&gt;b שלום"
        );
        assert!(!shown.chars().any(crate::table::is_bidi_control));
    }

    #[test]
    fn base64_matches_rfc_4648() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (input, want) in cases {
            assert_eq!(base64(input.as_bytes()), want, "{input}");
        }
        assert_eq!(base64(&[0xFF, 0xFE, 0x00]), "//4A");
    }

    #[test]
    fn code_spans() {
        assert_eq!(
            inline_code("see `refrain phrases --help`."),
            "see <code>refrain phrases --help</code>."
        );
    }
}
