//! `refrain docs`: the documents as read, one row each, to check what the readers made of a
//! corpus (ids, titles, dates, sizes) before analysing it.

use anyhow::Result;

use super::args::DocsArgs;
use super::{Context, settings, spilled};
use crate::pipeline::AnalyzedCorpus;
use crate::table::{self, Frame, Table, Values};

/// Run `docs`.
pub fn run(args: &DocsArgs, ctx: &Context) -> Result<()> {
    let dest = settings::destination(&args.output)?;
    let mut options = settings::pipeline(&args.corpus, "docs")?;
    // Only the word count of each document is needed: a token index on disk has it.
    options.may_spill = true;
    let corpus = ctx.read(&args.corpus.paths, &options)?;
    if let Some(spilled) = &corpus.spilled {
        spilled::note(ctx, spilled, &options.budget);
    }
    let frame = Frame::from_table(docs_table(&corpus))?.sort_limit(&[], dest.top)?;
    table::write(&frame, dest.format, &dest.output)?;
    Ok(())
}

fn date(d: &crate::corpus::Document) -> Option<String> {
    d.date.map(|x| crate::select::date_text(x, crate::group::precision(d)))
}

/// One row per analysed document, in corpus order (columns: `table::schema::DOCS`).
pub fn docs_table(corpus: &AnalyzedCorpus) -> Table {
    let meta = |key: &str| -> Values {
        Values::OptStr(corpus.docs.iter().map(|d| d.meta.get(key).cloned()).collect())
    };
    let words = match &corpus.spilled {
        Some(spilled) => spilled.doc_len.iter().map(|&n| n as i64).collect(),
        None => (0..corpus.docs.len()).map(|d| corpus.index.doc_len(d) as i64).collect(),
    };
    Table::new()
        .with("id", Values::Str(corpus.docs.iter().map(|d| d.id.clone()).collect()))
        .with("source", Values::Str(corpus.docs.iter().map(|d| d.source.clone()).collect()))
        .with("title", Values::OptStr(corpus.docs.iter().map(|d| d.title.clone()).collect()))
        // At its precision, as every command prints dates: `1790`, not `1790-01-01`.
        .with("date", Values::OptStr(corpus.docs.iter().map(date).collect()))
        .with("date_precision", meta("date_precision"))
        .with("words", Values::Int(words))
        .with(
            "removed_chars",
            Values::Int(corpus.docs.iter().map(|d| d.removed.chars as i64).collect()),
        )
        .with("place", meta("place"))
        .with("agency", meta("agency"))
}
