//! Phrases × groups tables (`freq --by`), shared by the commands that group counted n-grams.
//!
//! Every selected phrase gets one row per group, in group order, zeros included: a period in
//! which a phrase does not occur is a row with count 0, never a missing row.

use anyhow::Result;

use super::Context;
use crate::count::{NgramCounts, NgramFinder};
use crate::group::{self, DocDate, GroupBy, GroupCounts, Groups};
use crate::pipeline::AnalyzedCorpus;
use crate::table::{Frame, Table, TextColumn, Values};

/// Phrases written by `freq --by` when `--top` is not given: every phrase gets a row per
/// group, so all phrases of a corpus would make hundreds of millions of rows.
pub const DEFAULT_TOP: usize = 100;

/// Output column names that a group column must not take.
const TAKEN: &[&str] =
    &["phrase", "key", "n", "count", "per_million", "docs", "doc_share", "tokens", "ci_low"];

/// Group the corpus' documents by `by` and note the grouping on stderr. The words per group
/// come from the token index, or from the word counts of a token index on disk.
pub fn assign(ctx: &Context, corpus: &AnalyzedCorpus, by: &str) -> Result<Groups> {
    let by = GroupBy::parse(by);
    let groups = match &corpus.spilled {
        Some(spilled) => group::assign(&corpus.docs, spilled.doc_len.as_slice(), &by)?,
        None => group::assign(&corpus.docs, &corpus.index, &by)?,
    };
    ctx.note(&groups.describe());
    Ok(groups)
}

/// The name of the group column: `period`, `doc`, or the metadata column's name (prefixed
/// with `by_` if it would clash with another output column).
pub fn group_column(groups: &Groups) -> String {
    let name = groups.column();
    if TAKEN.contains(&name) { format!("by_{name}") } else { name.to_string() }
}

/// Count `rows` of `counts` in each group, with the first and last date of each when `dates`
/// (in the token index in memory, or a segment at a time in one on disk).
pub fn count_rows(
    corpus: &AnalyzedCorpus,
    counts: &NgramCounts,
    rows: &[(usize, u32)],
    groups: &Groups,
    dates: bool,
) -> Result<GroupCounts> {
    let finder = NgramFinder::for_rows(counts, corpus.vocab.key_count(), rows);
    let dates: Option<Vec<Option<DocDate>>> = dates.then(|| group::doc_dates(&corpus.docs));
    let Some(spilled) = &corpus.spilled else {
        return Ok(group::count_ngrams(&finder, &corpus.index, groups, rows, dates.as_deref())?);
    };
    // On disk: the same scan, a segment at a time.
    let tally = group::NgramTally::new(&finder, groups, rows, dates.as_deref())?;
    for segment in spilled.segments(corpus.vocab.surface_keys()) {
        let segment = segment.map_err(|e| super::spilled::read_failure(&e, spilled))?;
        tally.add(segment.first_doc, &segment.index);
    }
    Ok(tally.finish())
}

/// The display form and key of each row.
pub fn row_labels(
    corpus: &AnalyzedCorpus,
    counts: &NgramCounts,
    rows: &[(usize, u32)],
) -> (Vec<String>, Vec<String>) {
    let vocab = &corpus.vocab;
    rows.iter()
        .map(|&(n, id)| {
            let display = counts.display_words(n, id);
            let keys = counts.key_words(n, id);
            let phrase: Vec<&str> = display.iter().map(|&s| vocab.surface(s)).collect();
            let key: Vec<&str> = keys.iter().map(|&k| vocab.key(k)).collect();
            (phrase.join(" "), key.join(" "))
        })
        .unzip()
}

/// The `freq --by` table: per row and group, count, per_million, docs, doc_share, tokens
/// (columns in `table::schema::FREQ_BY` order).
pub fn freq_frame(
    corpus: &AnalyzedCorpus,
    counts: &NgramCounts,
    rows: &[(usize, u32)],
    groups: &Groups,
    tally: &GroupCounts,
) -> Result<Frame> {
    let (phrases, keys) = row_labels(corpus, counts, rows);
    let n: Vec<usize> = rows.iter().map(|r| r.0).collect();
    labelled_frame(&RowLabels { phrases: &phrases, keys: &keys, n: &n }, groups, tally)
}

/// What the `freq --by` table says of each of its rows, in row order.
pub struct RowLabels<'a> {
    /// Display forms.
    pub phrases: &'a [String],
    /// Keys, words joined by spaces.
    pub keys: &'a [String],
    /// Words per row.
    pub n: &'a [usize],
}

/// The `freq --by` table of rows given by their labels, counted per group in `tally` (one
/// tally row per label, in the same order): what [`freq_frame`] writes for counts in memory,
/// and `freq` writes for the bounded counter's rows of a token index on disk.
pub fn labelled_frame(labels: &RowLabels, groups: &Groups, tally: &GroupCounts) -> Result<Frame> {
    let RowLabels { phrases, keys, n: sizes } = *labels;
    let column = group_column(groups);
    let indexed: Vec<usize> = (0..phrases.len()).collect();
    let frame = Frame::from_tables_par(&indexed, 64, |chunk| {
        let cells = chunk.len() * groups.len();
        let (mut phrase, mut key) =
            (TextColumn::with_capacity(cells), TextColumn::with_capacity(cells));
        let mut label = TextColumn::with_capacity(cells);
        let (mut n, mut count, mut pm, mut docs, mut share, mut tokens) =
            (vec![], vec![], vec![], vec![], vec![], vec![]);
        for &r in chunk {
            for g in 0..groups.len() {
                let c = tally.count_of(r)[g];
                let d = tally.docs_of(r)[g];
                phrase.push(&phrases[r]);
                key.push(&keys[r]);
                label.push(&groups.labels[g]);
                n.push(sizes[r] as i64);
                count.push(c as i64);
                pm.push(rate(c as u64, groups.tokens[g]));
                docs.push(d as i64);
                share.push(if groups.docs[g] == 0 {
                    f64::NAN
                } else {
                    d as f64 / groups.docs[g] as f64
                });
                tokens.push(groups.tokens[g] as i64);
            }
        }
        Table::new()
            .with("phrase", Values::Text(phrase))
            .with("key", Values::Text(key))
            .with("n", Values::Int(n))
            .with(&column, Values::Text(label))
            .with("count", Values::Int(count))
            .with("per_million", Values::Float(pm))
            .with("docs", Values::Int(docs))
            .with("doc_share", Values::Float(share))
            .with("tokens", Values::Int(tokens))
    })?;
    Ok(frame)
}

/// Occurrences per million tokens; NaN (written as missing) when there are no tokens.
pub fn rate(count: u64, tokens: u64) -> f64 {
    if tokens == 0 { f64::NAN } else { count as f64 * 1e6 / tokens as f64 }
}
