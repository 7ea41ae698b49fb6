//! `refrain kwic`: every occurrence of a phrase with its left and right context.
//!
//! Contexts are cut from the cleaned document text through the byte offsets of the words
//! (so they are never cut inside a character), never reach past the document's first or last
//! word, and show whitespace as single spaces, except that a paragraph break (or a title's
//! end) inside a context is shown as ` ¶ `.

use anyhow::{Result, bail};

use super::args::{KwicArgs, KwicSort, OutputArgs};
use super::summary::count;
use super::{Context, settings};
use crate::count::ranks;
use crate::pipeline::AnalyzedCorpus;
use crate::progress::trace;
use crate::query::{self, Match, Query};
use crate::select::date_text;
use crate::table::{self, Frame, Table, TextColumn, Values};

/// Run `kwic`.
pub fn run(args: &KwicArgs, ctx: &Context) -> Result<()> {
    let (paths, words) = settings::paths_and_phrases(&args.corpus.paths)?;
    if words.is_empty() {
        bail!(
            "kwic needs a PHRASE (after the PATHs), e.g. refrain kwic corpus/ \"party policies\""
        );
    }
    let phrase = words.join(" ");
    let dest = settings::destination(&OutputArgs {
        format: args.format,
        output: args.output.clone(),
        top: None,
    })?;
    let mut options = settings::pipeline(&args.corpus, "kwic")?;
    options.keep_text = true;
    options.keep_spans = true;
    let corpus = ctx.read(&paths, &options)?;
    let started = std::time::Instant::now();
    let query = Query::parse(&phrase, &corpus.analyzer, &corpus.vocab, args.exact)?;
    let mut matches = query::find_all(&corpus.index, std::slice::from_ref(&query));
    trace(started, || format!("found {} matches", matches.len()));
    let docs = matches.iter().map(|m| m.doc).collect::<std::collections::BTreeSet<_>>().len();
    ctx.note(&format!(
        "found `{}` (keys: {}) {} in {}",
        query.text,
        query.keys,
        count(matches.len() as u64, "time", "times"),
        count(docs as u64, "document", "documents")
    ));
    sort(&mut matches, args.sort, &corpus, query.len(), args.window);
    if let Some(limit) = args.limit {
        matches.truncate(limit);
    }
    let frame = Frame::from_table(lines(&corpus, &matches, query.len(), args.window))?;
    table::write(&frame, dest.format, &dest.output)?;
    trace(started, || "wrote the lines".into());
    Ok(())
}

/// Order the matches (they arrive in corpus order, which breaks every tie).
fn sort(matches: &mut [Match], by: KwicSort, corpus: &AnalyzedCorpus, n: usize, window: usize) {
    match by {
        KwicSort::Doc => {}
        KwicSort::Date => {
            // Undated documents last.
            matches.sort_by_key(|m| {
                corpus.docs[m.doc as usize].date.map_or((1, None), |d| (0, Some(d)))
            });
        }
        KwicSort::Left | KwicSort::Right => {
            let vocab = &corpus.vocab;
            let rank = ranks(vocab.surface_count(), |s| vocab.surface(s));
            let keyed: Vec<Vec<u32>> = matches
                .iter()
                .map(|m| {
                    let (left, right) = context_words(corpus, m, n, window);
                    let words: Vec<usize> =
                        if by == KwicSort::Left { left.rev().collect() } else { right.collect() };
                    words.iter().map(|&i| rank[corpus.index.surfaces[i] as usize]).collect()
                })
                .collect();
            let mut order: Vec<usize> = (0..matches.len()).collect();
            order.sort_by(|&a, &b| keyed[a].cmp(&keyed[b]));
            let sorted: Vec<Match> = order.iter().map(|&i| matches[i]).collect();
            matches.copy_from_slice(&sorted);
        }
    }
}

/// Corpus positions of the context words left and right of a match, inside its document.
fn context_words(
    corpus: &AnalyzedCorpus,
    m: &Match,
    n: usize,
    window: usize,
) -> (std::ops::Range<usize>, std::ops::Range<usize>) {
    let doc = corpus.index.doc_range(m.doc as usize);
    let (start, end) = (m.pos as usize, m.pos as usize + n);
    (start.saturating_sub(window).max(doc.start)..start, end..(end + window).min(doc.end))
}

/// The kwic table (columns in `table::schema::KWIC` order).
fn lines(corpus: &AnalyzedCorpus, matches: &[Match], n: usize, window: usize) -> Table {
    let mut doc = TextColumn::with_capacity(matches.len());
    let (mut left, mut mid, mut right) = (
        TextColumn::with_capacity(matches.len()),
        TextColumn::with_capacity(matches.len()),
        TextColumn::with_capacity(matches.len()),
    );
    let (mut title, mut date, mut word) = (vec![], vec![], vec![]);
    for m in matches {
        let d = &corpus.docs[m.doc as usize];
        let text = d.text.as_str();
        let span = |i: usize| corpus.spans[i];
        let (l, r) = context_words(corpus, m, n, window);
        let (first, last) = (m.pos as usize, m.pos as usize + n - 1);
        let piece = |a: u32, b: u32| flatten(&text[a as usize..b as usize]);
        left.push(
            if l.is_empty() { String::new() } else { piece(span(l.start).0, span(first).0) }
                .trim_end(),
        );
        mid.push(&piece(span(first).0, span(last).1));
        right.push(
            if r.is_empty() { String::new() } else { piece(span(last).1, span(r.end - 1).1) }
                .trim_start(),
        );
        doc.push(&d.id);
        title.push(d.title.clone());
        date.push(d.date.map(|x| date_text(x, crate::group::precision(d))));
        word.push((first - corpus.index.doc_range(m.doc as usize).start + 1) as i64);
    }
    Table::new()
        .with("doc", Values::Text(doc))
        .with("title", Values::OptStr(title))
        .with("date", Values::OptStr(date))
        .with("left", Values::Text(left))
        .with("match", Values::Text(mid))
        .with("right", Values::Text(right))
        .with("word", Values::Int(word))
}

/// Whitespace runs become one space, or ` ¶ ` when they hold a paragraph break (two line
/// breaks).
pub fn flatten(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut run: Option<usize> = None; // line breaks in the current whitespace run
    for c in s.chars() {
        if c.is_whitespace() {
            *run.get_or_insert(0) += usize::from(c == '\n');
            continue;
        }
        if let Some(breaks) = run.take() {
            out.push_str(if breaks >= 2 { " ¶ " } else { " " });
        }
        out.push(c);
    }
    if let Some(breaks) = run {
        out.push_str(if breaks >= 2 { " ¶ " } else { " " });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corpus(texts: &[&str]) -> AnalyzedCorpus {
        crate::pipeline::test_corpus(texts)
    }

    fn kwic(c: &AnalyzedCorpus, q: &str, window: usize) -> Vec<(String, String, String)> {
        let query = Query::parse(q, &c.analyzer, &c.vocab, false).unwrap();
        let matches = query::find_all(&c.index, std::slice::from_ref(&query));
        let t = lines(c, &matches, query.len(), window);
        let col = |name: &str| match &t.columns.iter().find(|(n, _)| n == name).unwrap().1 {
            Values::Text(v) => v.iter().map(String::from).collect::<Vec<_>>(),
            _ => unreachable!(),
        };
        let (l, m, r) = (col("left"), col("match"), col("right"));
        l.into_iter().zip(m).zip(r).map(|((l, m), r)| (l, m, r)).collect()
    }

    fn line(l: &str, m: &str, r: &str) -> (String, String, String) {
        (l.into(), m.into(), r.into())
    }

    #[test]
    fn contexts_stop_at_document_edges() {
        let c = corpus(&["Party cells lead. The party cells, always.", "Party cells end"]);
        let got = kwic(&c, "party cell", 3);
        assert_eq!(
            got,
            [
                // At the start of a document: no left context.
                line("", "Party cells", "lead. The party"),
                line("cells lead. The", "party cells", ", always"),
                // The second document's context never reaches into the first.
                line("", "Party cells", "end"),
            ]
        );
    }

    #[test]
    fn multibyte_text_and_paragraphs() {
        // Hangul and accented words: contexts are cut at word offsets, never inside a character.
        let text = "조선로동당 만세! Señor Kim’s party cells\n\nwere praised.\nÉlan vital.";
        let c = corpus(&[text]);
        let got = kwic(&c, "party cells", 3);
        assert_eq!(got, [line("만세! Señor Kim’s", "party cells", "¶ were praised. Élan")]);
        let got = kwic(&c, "party cells", 4);
        assert_eq!(got[0].0, "조선로동당 만세! Señor Kim’s");
        let got = kwic(&c, "만세", 1);
        assert_eq!(got, [line("조선로동당", "만세", "! Señor")]);
    }

    #[test]
    fn flatten_whitespace() {
        assert_eq!(flatten("a \t b\nc\n\n d"), "a b c ¶ d");
        assert_eq!(flatten(" x "), " x ");
    }

    #[test]
    fn sorts_by_left_and_right_words() {
        let c = corpus(&["b party z. a party y. b party x."]);
        let query = Query::parse("party", &c.analyzer, &c.vocab, false).unwrap();
        let mut m = query::find_all(&c.index, std::slice::from_ref(&query));
        sort(&mut m, KwicSort::Left, &c, 1, 2);
        assert_eq!(m.iter().map(|m| m.pos).collect::<Vec<_>>(), [4, 1, 7]);
        sort(&mut m, KwicSort::Right, &c, 1, 2);
        assert_eq!(m.iter().map(|m| m.pos).collect::<Vec<_>>(), [7, 4, 1]);
    }
}
