//! `refrain kwic`: every occurrence of a phrase with its left and right context.
//!
//! Contexts are cut from the cleaned document text through the byte offsets of the words
//! (so they are never cut inside a character), never reach past the document's first or last
//! word, and show whitespace as single spaces, except that a paragraph break (or a title's
//! end) inside a context is shown as ` ¶ `.

use std::ops::Range;

use anyhow::{Result, bail};

use super::args::{KwicArgs, KwicSort, OutputArgs};
use super::summary::count;
use super::{Context, settings, spilled};
use crate::corpus::{self, Document, Input};
use crate::count::spilled::SpilledIndex;
use crate::count::{TokenIndex, ranks};
use crate::pipeline::{AnalyzedCorpus, PipelineOptions};
use crate::progress::trace;
use crate::query::{self, Match, Query};
use crate::reread::Rereader;
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
    // A corpus over the budget keeps neither its text nor its word offsets: matches are found
    // in its token index on disk, and the documents whose lines are printed are read again
    // from their files. Standard input cannot be read twice, so a corpus with it is held in
    // memory (and refused when over the budget).
    (options.keep_text, options.keep_spans) = (true, true);
    options.may_spill = !paths.iter().any(|p| p.as_os_str() == "-");
    let corpus = ctx.read(&paths, &options)?;
    let started = std::time::Instant::now();
    let query = Query::parse(&phrase, &corpus.analyzer, &corpus.vocab, args.exact)?;
    if let Some(on_disk) = &corpus.spilled {
        let (inputs, _) = corpus::list_inputs(&paths, &options.exclude)?;
        write_reread(args, ctx, (&corpus, on_disk), &query, (&inputs, &options), &dest)?;
    } else {
        let frame = Frame::from_table(memory_lines(args, ctx, &corpus, &query))?;
        table::write(&frame, dest.format, &dest.output)?;
    }
    trace(started, || "wrote the lines".into());
    Ok(())
}

/// Say how many matches there are, in how many documents.
fn note_found(ctx: &Context, query: &Query, matches: u64, docs: u64) {
    ctx.note(&format!(
        "found `{}` (keys: {}) {} in {}",
        query.text,
        query.keys,
        count(matches, "time", "times"),
        count(docs, "document", "documents")
    ));
}

/// The lines of a corpus held in memory, with its text and word offsets.
fn memory_lines(args: &KwicArgs, ctx: &Context, corpus: &AnalyzedCorpus, query: &Query) -> Table {
    let started = std::time::Instant::now();
    let mut matches = query::find_all(&corpus.index, std::slice::from_ref(query));
    trace(started, || format!("found {} matches", matches.len()));
    let docs = matches.iter().map(|m| m.doc).collect::<std::collections::BTreeSet<_>>().len();
    note_found(ctx, query, matches.len() as u64, docs as u64);
    sort(&mut matches, &Sorter::new(args.sort, corpus, query.len(), args.window), corpus);
    if let Some(limit) = args.limit {
        matches.truncate(limit);
    }
    lines(corpus, &matches, query.len(), args.window)
}

/// A match of a spilled corpus, waiting for its context.
struct Hit {
    /// What orders it ([`Sorter::key`]), then `seq`.
    key: Vec<u32>,
    /// Its rank in corpus order.
    seq: u64,
    /// Corpus document.
    doc: u32,
    /// Position of its first word in the document.
    word: u32,
}

/// The lines to print, kept while the matches arrive in corpus order: with `--limit`, once
/// there are twice as many as it prints (and at least [`PRUNE_AT`]), they are ordered and cut
/// to the limit, so memory holds about two limits of lines, not every match.
struct Best {
    hits: Vec<Hit>,
    limit: Option<usize>,
    prune_at: usize,
}

/// Lines kept before ordering them to cut them to `--limit` (sorting more rarely is cheaper).
const PRUNE_AT: usize = 1 << 16;

impl Best {
    fn new(limit: Option<usize>, prune_at: usize) -> Self {
        Best { hits: Vec::new(), limit, prune_at }
    }

    fn push(&mut self, hit: Hit) {
        self.hits.push(hit);
        if let Some(limit) = self.limit
            && self.hits.len() > limit.saturating_mul(2).max(self.prune_at)
        {
            self.order();
        }
    }

    fn order(&mut self) {
        self.hits.sort_by(|a, b| a.key.cmp(&b.key).then(a.seq.cmp(&b.seq)));
        if let Some(limit) = self.limit {
            self.hits.truncate(limit);
        }
    }

    /// The lines in print order.
    fn finish(mut self) -> Vec<Hit> {
        self.order();
        self.hits
    }
}

/// Matches ordered into the lines to print, as they arrive, part after part in corpus order.
struct Collect {
    sorter: Sorter,
    best: Best,
    /// Matches seen, and the documents holding them.
    matches: u64,
    docs: u64,
    last_doc: Option<u32>,
}

impl Collect {
    /// Add `matches` of `index`, whose first document is corpus document `first_doc`.
    fn add(
        &mut self,
        corpus: &AnalyzedCorpus,
        index: &TokenIndex,
        first_doc: usize,
        matches: &[Match],
    ) {
        for m in matches {
            let doc = (first_doc + m.doc as usize) as u32;
            self.docs += u64::from(self.last_doc != Some(doc));
            self.last_doc = Some(doc);
            let key = self.sorter.key(index, m, corpus.docs[doc as usize].date);
            let word = m.pos - index.doc_start[m.doc as usize];
            self.best.push(Hit { key, seq: self.matches, doc, word });
            self.matches += 1;
        }
    }
}

/// Lines written a chunk at a time when they are in corpus or date order (the lines of a
/// document are then together, so each document is read again about once).
const LINES_PER_CHUNK: usize = 4096;

/// The lines of a corpus without its text, written as they are made: matches are found and
/// ordered ([`reread_hits`]), then the documents of each chunk of lines are read again for
/// their contexts. CSV and TSV are written chunk after chunk.
fn write_reread(
    args: &KwicArgs,
    ctx: &Context,
    (corpus, on_disk): (&AnalyzedCorpus, &SpilledIndex),
    query: &Query,
    (inputs, options): (&[Input], &PipelineOptions),
    dest: &settings::Destination,
) -> Result<()> {
    let hits = reread_hits(args, ctx, (corpus, on_disk), query, options)?;
    let reader = Rereader::new(corpus, &on_disk.doc_len, inputs, options);
    // In word order the lines of a document are spread over all of them: one chunk.
    let size = match args.sort {
        KwicSort::Doc | KwicSort::Date => LINES_PER_CHUNK,
        KwicSort::Left | KwicSort::Right => hits.len(),
    };
    let mut chunks = hits.chunks(size.max(1));
    let next = || -> Result<Option<Table>> {
        let Some(part) = chunks.next() else { return Ok(None) };
        reread_table(corpus, &reader, part, (query.len(), args.window)).map(Some)
    };
    let header = table_of(std::iter::empty());
    table::write_stream(header, dest.format, &dest.output, next).map_err(|e| match e {
        table::StreamError::Source(e) => e,
        table::StreamError::Table(e) => e.into(),
    })
}

/// The matches of a corpus whose token index is on disk, found a segment at a time, as the
/// lines to print in order.
fn reread_hits(
    args: &KwicArgs,
    ctx: &Context,
    (corpus, on_disk): (&AnalyzedCorpus, &SpilledIndex),
    query: &Query,
    options: &PipelineOptions,
) -> Result<Vec<Hit>> {
    let sorter = Sorter::new(args.sort, corpus, query.len(), args.window);
    let best = Best::new(args.limit, PRUNE_AT);
    let mut collect = Collect { sorter, best, matches: 0, docs: 0, last_doc: None };
    spilled::note(ctx, on_disk, &options.budget);
    let keys = corpus.vocab.surface_keys();
    for found in query::find_spilled(on_disk, keys, std::slice::from_ref(query)) {
        let found = found.map_err(|e| spilled::read_failure(&e, on_disk))?;
        let segment = &found.segment;
        collect.add(corpus, &segment.index, segment.first_doc, &found.matches);
    }
    note_found(ctx, query, collect.matches, collect.docs);
    Ok(collect.best.finish())
}

/// The kwic table of `hits`, their documents read again by `reader`.
fn reread_table(
    corpus: &AnalyzedCorpus,
    reader: &Rereader,
    hits: &[Hit],
    n_window: (usize, usize),
) -> Result<Table> {
    let contexts = reread_contexts(reader, hits, n_window)?;
    let rows = hits
        .iter()
        .zip(contexts)
        .map(|(hit, context)| (&corpus.docs[hit.doc as usize], hit.word as usize, context));
    Ok(table_of(rows))
}

/// The contexts of `hits` (`n` words each, `window` words each side), cut from their
/// documents read again by `rereader`.
fn reread_contexts(
    rereader: &Rereader,
    hits: &[Hit],
    (n, window): (usize, usize),
) -> Result<Vec<[String; 3]>> {
    let mut wanted: Vec<usize> = hits.iter().map(|h| h.doc as usize).collect();
    wanted.sort_unstable();
    wanted.dedup();
    // The hits of each wanted document, by their index in `hits`.
    let mut of_doc: Vec<Vec<usize>> = vec![Vec::new(); wanted.len()];
    for (h, hit) in hits.iter().enumerate() {
        let w = wanted.binary_search(&(hit.doc as usize)).expect("a wanted document");
        of_doc[w].push(h);
    }
    let cut_doc = |d: usize, doc: &crate::reread::Reread| {
        let w = wanted.binary_search(&d).expect("a wanted document");
        let cut_hit =
            |&h: &usize| (h, cut(&doc.text, &doc.spans, hits[h].word as usize, n, window));
        of_doc[w].iter().map(cut_hit).collect::<Vec<_>>()
    };
    let mut contexts: Vec<Option<[String; 3]>> = vec![None; hits.len()];
    for (_, cuts) in rereader.map(&wanted, cut_doc)? {
        for (h, context) in cuts {
            contexts[h] = Some(context);
        }
    }
    Ok(contexts.into_iter().map(|c| c.expect("every printed document was read again")).collect())
}

/// What orders kwic lines: a sequence of numbers per match, compared in order, ties broken by
/// corpus order. The same for a corpus in memory and one on disk, so both print the same lines.
struct Sorter {
    by: KwicSort,
    /// Rank of each surface id in byte order (for `left` and `right`).
    rank: Vec<u32>,
    n: usize,
    window: usize,
}

impl Sorter {
    fn new(by: KwicSort, corpus: &AnalyzedCorpus, n: usize, window: usize) -> Self {
        let vocab = &corpus.vocab;
        let rank = match by {
            KwicSort::Left | KwicSort::Right => ranks(vocab.surface_count(), |s| vocab.surface(s)),
            KwicSort::Doc | KwicSort::Date => Vec::new(),
        };
        Sorter { by, rank, n, window }
    }

    /// The key of match `m` of `index` (the corpus's, or a segment's), in a document dated
    /// `date`.
    fn key(&self, index: &TokenIndex, m: &Match, date: Option<chrono::NaiveDate>) -> Vec<u32> {
        match self.by {
            KwicSort::Doc => Vec::new(),
            // Undated documents last.
            KwicSort::Date => match date {
                Some(d) => {
                    use chrono::Datelike;
                    vec![0, (d.num_days_from_ce() as i64 - i32::MIN as i64) as u32]
                }
                None => vec![1],
            },
            KwicSort::Left | KwicSort::Right => {
                let (left, right) = context_words(index, m, self.n, self.window);
                let rank = |i: usize| self.rank[index.surfaces[i] as usize];
                if self.by == KwicSort::Left {
                    left.rev().map(rank).collect()
                } else {
                    right.map(rank).collect()
                }
            }
        }
    }
}

/// Order the matches (they arrive in corpus order, which breaks every tie).
fn sort(matches: &mut [Match], sorter: &Sorter, corpus: &AnalyzedCorpus) {
    if sorter.by == KwicSort::Doc {
        return;
    }
    let keyed: Vec<Vec<u32>> = matches
        .iter()
        .map(|m| sorter.key(&corpus.index, m, corpus.docs[m.doc as usize].date))
        .collect();
    let mut order: Vec<usize> = (0..matches.len()).collect();
    // A stable sort: equal keys stay in corpus order.
    order.sort_by(|&a, &b| keyed[a].cmp(&keyed[b]));
    let sorted: Vec<Match> = order.iter().map(|&i| matches[i]).collect();
    matches.copy_from_slice(&sorted);
}

/// Positions (in `index`) of the context words left and right of a match, inside its document.
fn context_words(
    index: &TokenIndex,
    m: &Match,
    n: usize,
    window: usize,
) -> (Range<usize>, Range<usize>) {
    let doc = index.doc_range(m.doc as usize);
    let (start, end) = (m.pos as usize, m.pos as usize + n);
    (start.saturating_sub(window).max(doc.start)..start, end..(end + window).min(doc.end))
}

/// Left context, match and right context of the `n` words from word `first` of a document,
/// cut from its `text` through its words' byte `spans`, at most `window` words each side.
fn cut(text: &str, spans: &[(u32, u32)], first: usize, n: usize, window: usize) -> [String; 3] {
    let last = first + n - 1;
    let (left, right) = (first.saturating_sub(window)..first, last + 1..(last + 1 + window));
    let right = right.start..right.end.min(spans.len());
    let piece = |a: u32, b: u32| flatten(&text[a as usize..b as usize]);
    let mut l =
        if left.is_empty() { String::new() } else { piece(spans[left.start].0, spans[first].0) };
    l.truncate(l.trim_end().len());
    let r =
        if right.is_empty() { String::new() } else { piece(spans[last].1, spans[right.end - 1].1) };
    let r = r.trim_start().to_string();
    [l, piece(spans[first].0, spans[last].1), r]
}

/// The kwic table of matches of a corpus held in memory.
fn lines(corpus: &AnalyzedCorpus, matches: &[Match], n: usize, window: usize) -> Table {
    let rows = matches.iter().map(|m| {
        let d = m.doc as usize;
        let range = corpus.index.doc_range(d);
        let first = m.pos as usize - range.start;
        let doc = &corpus.docs[d];
        (doc, first, cut(&doc.text, &corpus.spans[range], first, n, window))
    });
    table_of(rows)
}

/// The kwic table (columns in `table::schema::KWIC` order) of (document, position of the
/// match's first word in it, contexts) rows.
fn table_of<'a>(rows: impl Iterator<Item = (&'a Document, usize, [String; 3])>) -> Table {
    let column = || TextColumn::with_capacity(rows.size_hint().0);
    let (mut doc, mut left, mut mid, mut right) = (column(), column(), column(), column());
    let (mut title, mut date, mut word) = (vec![], vec![], vec![]);
    for (d, first, [l, m, r]) in rows {
        left.push(&l);
        mid.push(&m);
        right.push(&r);
        doc.push(&d.id);
        title.push(d.title.clone());
        date.push(d.date.map(|x| date_text(x, crate::group::precision(d))));
        word.push(first as i64 + 1);
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
        sort(&mut m, &Sorter::new(KwicSort::Left, &c, 1, 2), &c);
        assert_eq!(m.iter().map(|m| m.pos).collect::<Vec<_>>(), [4, 1, 7]);
        sort(&mut m, &Sorter::new(KwicSort::Right, &c, 1, 2), &c);
        assert_eq!(m.iter().map(|m| m.pos).collect::<Vec<_>>(), [7, 4, 1]);
    }

    /// Lines whose contexts come from documents read again are the lines of the corpus held
    /// with its text, for every order and a limit.
    #[test]
    fn lines_read_again_equal_the_lines_kept_in_memory() {
        use clap::Parser;
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
        write("2016-01-02-a.txt", "Party cells lead. The party cells, always.\n\nParty cells end");
        write("b.txt", "b party z. a party y. b party x.");
        write("2015-05-05-c.txt", "조선로동당 만세! Señor Kim’s party cells\n\nwere praised.");
        let root = dir.path().to_path_buf();
        let path = root.to_str().unwrap();
        let ctx = Context { quiet: true, verbose: false };
        for (sort, limit) in [("doc", "9"), ("date", "4"), ("left", "3"), ("right", "9")] {
            let argv = ["refrain", "kwic", path, "party", "--sort", sort, "--limit", limit];
            let super::super::args::Command::Kwic(args) =
                super::super::Cli::try_parse_from(argv).unwrap().command
            else {
                unreachable!()
            };
            let mut options = settings::pipeline(&args.corpus, "kwic").unwrap();
            let (inputs, _) = corpus::list_inputs(std::slice::from_ref(&root), &[]).unwrap();
            // The corpus goes to disk, without its texts.
            (options.may_spill, options.force_spill) = (true, true);
            (options.keep_text, options.keep_spans) = (true, true);
            let plain = crate::pipeline::run(std::slice::from_ref(&root), &options).unwrap();
            let on_disk = plain.spilled.as_ref().expect("the corpus went to disk");
            assert!(plain.docs.iter().all(|d| d.text.is_empty()));
            let query = Query::parse("party", &plain.analyzer, &plain.vocab, false).unwrap();
            let hits = reread_hits(&args, &ctx, (&plain, on_disk), &query, &options).unwrap();
            let reader = Rereader::new(&plain, &on_disk.doc_len, &inputs, &options);
            let reread = reread_table(&plain, &reader, &hits, (1, args.window)).unwrap();
            (options.may_spill, options.budget) = (false, crate::budget::Budget::unlimited());
            let kept = crate::pipeline::run(std::slice::from_ref(&root), &options).unwrap();
            assert_eq!(reread, memory_lines(&args, &ctx, &kept, &query), "--sort {sort}");
            assert_eq!(reread.columns[0].1.len(), limit.parse::<usize>().unwrap().min(7));
        }
    }

    proptest::proptest! {
        /// Cutting the kept lines to the limit while they arrive keeps the lines a full sort
        /// of all of them would print, in the same order.
        #[test]
        fn pruning_keeps_the_lines_a_full_sort_prints(
            keys in proptest::collection::vec(proptest::collection::vec(0u32..4, 0..3), 0..200),
            limit in proptest::option::of(0usize..30),
            prune_at in 0usize..10,
        ) {
            let hit = |(seq, key): (usize, &Vec<u32>)| {
                Hit { key: key.clone(), seq: seq as u64, doc: seq as u32, word: 0 }
            };
            let mut best = Best::new(limit, prune_at);
            for h in keys.iter().enumerate().map(hit) {
                best.push(h);
            }
            let got: Vec<u64> = best.finish().iter().map(|h| h.seq).collect();
            let mut all: Vec<Hit> = keys.iter().enumerate().map(hit).collect();
            // A stable sort by key alone: ties stay in arrival order.
            all.sort_by(|a, b| a.key.cmp(&b.key));
            all.truncate(limit.unwrap_or(usize::MAX));
            let expected: Vec<u64> = all.iter().map(|h| h.seq).collect();
            proptest::prop_assert_eq!(got, expected);
        }
    }
}
