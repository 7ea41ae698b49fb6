//! One sentence of context for a phrase: where the report shows a formula in use.
//!
//! The phrase's occurrences are found by its keys ([`crate::query::find_all`]); of those, the
//! first (in corpus order) whose sentence is of an ordinary length (8 to 40 words) and not
//! already shown for another phrase is chosen, so that "kim jong un" and "respected supreme
//! leader kim jong un" do not show the same sentence. The sentence is cut from the cleaned
//! document text at the words' byte offsets (it needs `keep_text` and `keep_spans`), with its
//! closing punctuation; a very long sentence is cut to 20 words on each side of the phrase.

use crate::collections::{HashSet, new_set};
use crate::pipeline::AnalyzedCorpus;
use crate::query::{self, Query, Slot};

/// A sentence shorter than this many words is a last resort (titles, fragments).
const MIN_WORDS: usize = 8;
/// A sentence longer than this many words is a last resort.
const MAX_WORDS: usize = 40;
/// Words kept on each side of the phrase in a sentence that is too long to show whole.
const SIDE_WORDS: usize = 20;

/// A phrase in one sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    /// The document (index into the corpus' documents).
    pub doc: usize,
    /// The sentence before the phrase (with "…" when cut).
    pub before: String,
    /// The phrase as written there.
    pub matched: String,
    /// The sentence after the phrase.
    pub after: String,
}

/// A context for each phrase given by its key ids (`None` when it cannot be found, or when the
/// corpus kept no text).
pub fn contexts(corpus: &AnalyzedCorpus, phrases: &[Vec<u32>]) -> Vec<Option<Context>> {
    if corpus.spans.len() != corpus.index.len() || phrases.is_empty() {
        return vec![None; phrases.len()];
    }
    let queries: Vec<Query> = phrases
        .iter()
        .map(|keys| Query {
            text: String::new(),
            slots: keys.iter().map(|&k| Slot::Key(k)).collect(),
            keys: String::new(),
        })
        .collect();
    let mut by_query: Vec<Vec<(usize, usize)>> = vec![Vec::new(); phrases.len()];
    for m in query::find_all(&corpus.index, &queries) {
        by_query[m.query as usize].push((m.doc as usize, m.pos as usize));
    }
    let mut used: HashSet<usize> = new_set();
    by_query
        .iter()
        .zip(phrases)
        .map(|(matches, keys)| {
            let sentence = |&(d, p): &(usize, usize)| (d, p, sentence_of(corpus, d, p));
            let candidates: Vec<_> = matches.iter().map(sentence).collect();
            let fresh = |s: &(usize, usize, (usize, usize))| !used.contains(&s.2.0);
            let ordinary = |s: &(usize, usize, (usize, usize))| {
                (MIN_WORDS..=MAX_WORDS).contains(&(s.2.1 - s.2.0))
            };
            let chosen = candidates
                .iter()
                .find(|s| fresh(s) && ordinary(s))
                .or_else(|| candidates.iter().find(|s| fresh(s)))
                .or(candidates.first())?;
            used.insert(chosen.2.0);
            Some(cut(corpus, chosen.0, chosen.1, keys.len(), chosen.2))
        })
        .collect()
}

/// The positions `start..end` of the sentence holding position `pos` of document `doc`.
fn sentence_of(corpus: &AnalyzedCorpus, doc: usize, pos: usize) -> (usize, usize) {
    let index = &corpus.index;
    let range = index.doc_range(doc);
    let mut start = pos;
    while start > range.start && !index.sentence_start[start] {
        start -= 1;
    }
    let mut end = pos + 1;
    while end < range.end && !index.sentence_start[end] {
        end += 1;
    }
    (start, end)
}

/// The text of the sentence `start..end` around the phrase of `n` words at `pos`.
fn cut(
    corpus: &AnalyzedCorpus,
    doc: usize,
    pos: usize,
    n: usize,
    (start, end): (usize, usize),
) -> Context {
    let text = corpus.docs[doc].text.as_str();
    let span = |i: usize| (corpus.spans[i].0 as usize, corpus.spans[i].1 as usize);
    let from = start.max(pos.saturating_sub(SIDE_WORDS));
    let to = end.min(pos + n + SIDE_WORDS);
    // The sentence's closing punctuation: what follows its last word up to a space (or the
    // next word).
    let limit = if to < corpus.index.doc_range(doc).end { span(to).0 } else { text.len() };
    let mut stop = span(to - 1).1;
    if to == end {
        let tail = &text[stop..limit];
        stop += tail.find(char::is_whitespace).unwrap_or(tail.len());
    }
    let (m0, m1) = (span(pos).0, span(pos + n - 1).1);
    let flat = crate::cli::kwic::flatten;
    let mut before = flat(&text[span(from).0..m0]);
    let mut after = flat(&text[m1..stop]);
    if from > start {
        before.insert_str(0, "… ");
    }
    if to < end {
        after.push_str(" …");
    }
    Context { doc, before, matched: flat(&text[m0..m1]), after }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corpus(texts: &[&str]) -> AnalyzedCorpus {
        crate::pipeline::test_corpus(texts)
    }

    fn keys(c: &AnalyzedCorpus, phrase: &str) -> Vec<u32> {
        let q = Query::parse(phrase, &c.analyzer, &c.vocab, false).unwrap();
        q.slots.iter().map(|s| if let Slot::Key(k) = s { *k } else { panic!() }).collect()
    }

    #[test]
    fn an_ordinary_sentence_with_its_full_stop() {
        let c = corpus(&[
            "Party cells.\n\nThe party cells must be strengthened in every unit of the army, he said. More text.",
        ]);
        let got = contexts(&c, &[keys(&c, "party cells")]);
        let ctx = got[0].as_ref().unwrap();
        // The two-word title is skipped for the ordinary sentence.
        assert_eq!(ctx.before, "The ");
        assert_eq!(ctx.matched, "party cells");
        assert_eq!(ctx.after, " must be strengthened in every unit of the army, he said.");
    }

    #[test]
    fn two_phrases_do_not_share_a_sentence_and_long_ones_are_cut() {
        let long = format!("Then {} kim jong un {}.", "word ".repeat(30), "more ".repeat(30));
        let text = format!(
            "Respected leader Kim Jong Un gave guidance at the farm in the morning today. {long}"
        );
        let c = corpus(&[&text]);
        let got =
            contexts(&c, &[keys(&c, "respected leader kim jong un"), keys(&c, "kim jong un")]);
        assert_eq!(got[0].as_ref().unwrap().before, "");
        let second = got[1].as_ref().unwrap();
        assert!(second.before.starts_with("… word"), "{second:?}");
        assert_eq!(second.before.split_whitespace().count(), 21);
        assert!(second.after.ends_with("more …"), "{second:?}");
        assert!(contexts(&c, &[keys(&c, "gave farm")])[0].is_none());
    }
}
