//! One sentence of context for a phrase: where the report shows a formula in use.
//!
//! The phrase's occurrences are found by its keys ([`crate::query::find_all`]); of those, the
//! first (in corpus order) whose sentence is of an ordinary length (8 to 40 words) and not
//! already shown for another phrase is chosen, so that "kim jong un" and "respected supreme
//! leader kim jong un" do not show the same sentence. The sentence is cut from the cleaned
//! document text at the words' byte offsets, with its closing punctuation; a very long
//! sentence is cut to 20 words on each side of the phrase.
//!
//! In memory the text and offsets are the corpus's (`keep_text` and `keep_spans`). Over the
//! memory budget the token index is searched a segment at a time, each phrase keeping only
//! the few candidates the choice can reach, and the chosen documents are read again from
//! their files ([`crate::reread`]).

use crate::collections::{HashSet, new_set};
use crate::count::TokenIndex;
use crate::pipeline::AnalyzedCorpus;
use crate::query::{self, Query, Slot};
use crate::reread::{RereadError, Rereader};

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
/// corpus kept no text), from the corpus in memory.
pub fn contexts(corpus: &AnalyzedCorpus, phrases: &[Vec<u32>]) -> Vec<Option<Context>> {
    if corpus.spans.len() != corpus.index.len() || phrases.is_empty() {
        return vec![None; phrases.len()];
    }
    let mut found = Candidates::new(phrases.len());
    found.add(0, &corpus.index, &query::find_all(&corpus.index, &queries(phrases)));
    found
        .choose()
        .into_iter()
        .zip(phrases)
        .map(|(chosen, keys)| {
            let c = chosen?;
            let range = corpus.index.doc_range(c.doc);
            let text = corpus.docs[c.doc].text.as_str();
            Some(cut(text, &corpus.spans[range], c, keys.len()))
        })
        .collect()
}

/// [`contexts`] for a corpus whose token index is on disk: the segments searched one at a
/// time, the chosen documents read again by `reader`.
pub fn contexts_spilled(
    corpus: &AnalyzedCorpus,
    phrases: &[Vec<u32>],
    reader: &Rereader,
) -> Result<Vec<Option<Context>>, SpilledContextError> {
    let spilled = corpus.spilled.as_ref().expect("a spilled corpus");
    let queries = queries(phrases);
    let mut found = Candidates::new(phrases.len());
    for segment in query::find_spilled(spilled, corpus.vocab.surface_keys(), &queries) {
        let s = segment.map_err(SpilledContextError::Read)?;
        found.add(s.segment.first_doc, &s.segment.index, &s.matches);
    }
    let chosen = found.choose();
    let mut wanted: Vec<usize> = chosen.iter().flatten().map(|c| c.doc).collect();
    wanted.sort_unstable();
    wanted.dedup();
    let cuts = reader.map(&wanted, |d, doc| {
        let here = chosen.iter().zip(phrases).filter(|(c, _)| c.is_some_and(|c| c.doc == d));
        here.map(|(c, keys)| cut(&doc.text, &doc.spans, c.expect("chosen"), keys.len()))
            .collect::<Vec<Context>>()
    })?;
    // Back in the phrases' order: the cuts of a document follow the phrases' order too.
    let mut cuts: Vec<std::vec::IntoIter<Context>> =
        cuts.into_iter().map(|(_, c)| c.into_iter()).collect();
    Ok(chosen
        .iter()
        .map(|c| {
            let c = c.as_ref()?;
            let at = wanted.binary_search(&c.doc).expect("a wanted document");
            cuts[at].next()
        })
        .collect())
}

/// Why the contexts of a corpus on disk could not be made.
#[derive(Debug, thiserror::Error)]
pub enum SpilledContextError {
    /// A segment of the token index could not be read back.
    #[error(transparent)]
    Read(std::io::Error),
    /// A chosen document could not be read again.
    #[error(transparent)]
    Reread(#[from] RereadError),
}

/// Queries of key slots, one per phrase.
fn queries(phrases: &[Vec<u32>]) -> Vec<Query> {
    phrases
        .iter()
        .map(|keys| Query {
            text: String::new(),
            slots: keys.iter().map(|&k| Slot::Key(k)).collect(),
            keys: String::new(),
        })
        .collect()
}

/// An occurrence of a phrase: its document, its first word and its sentence's words
/// `start..end` (both counted from the document's first word).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Candidate {
    doc: usize,
    pos: usize,
    sentence: (usize, usize),
}

impl Candidate {
    fn ordinary(&self) -> bool {
        (MIN_WORDS..=MAX_WORDS).contains(&(self.sentence.1 - self.sentence.0))
    }
}

/// Each phrase's candidates in corpus order, only as many as the choice can reach: the first
/// occurrence in each sentence (the others share its sentence), and of those the first
/// `keep` ordinary ones and the first `keep` of any length, `keep` being one more than the
/// sentences the other phrases can take.
struct Candidates {
    keep: usize,
    per_phrase: Vec<Vec<Candidate>>,
}

impl Candidates {
    fn new(phrases: usize) -> Self {
        Candidates { keep: phrases, per_phrase: vec![Vec::new(); phrases] }
    }

    /// Add the matches in `index` (document numbers from `first_doc` in the corpus).
    fn add(&mut self, first_doc: usize, index: &TokenIndex, matches: &[query::Match]) {
        for m in matches {
            let list = &mut self.per_phrase[m.query as usize];
            let start = index.doc_start[m.doc as usize] as usize;
            let (s0, s1) = sentence_of(index, m.doc as usize, m.pos as usize);
            let c = Candidate {
                doc: first_doc + m.doc as usize,
                pos: m.pos as usize - start,
                sentence: (s0 - start, s1 - start),
            };
            let same = |x: &Candidate| x.doc == c.doc && x.sentence == c.sentence;
            if list.last().is_some_and(same) {
                continue;
            }
            let ordinary = list.iter().filter(|x| x.ordinary()).count();
            if list.len() < self.keep || (c.ordinary() && ordinary < self.keep) {
                list.push(c);
            }
        }
    }

    /// The chosen occurrence of each phrase, in order: the first whose sentence is ordinary
    /// and not taken by an earlier phrase, else the first not taken, else the first.
    fn choose(&self) -> Vec<Option<Candidate>> {
        let mut used: HashSet<(usize, usize)> = new_set();
        self.per_phrase
            .iter()
            .map(|list| {
                let fresh = |c: &&Candidate| !used.contains(&(c.doc, c.sentence.0));
                let chosen = *list
                    .iter()
                    .find(|c| fresh(c) && c.ordinary())
                    .or_else(|| list.iter().find(fresh))
                    .or(list.first())?;
                used.insert((chosen.doc, chosen.sentence.0));
                Some(chosen)
            })
            .collect()
    }
}

/// The positions `start..end` of the sentence holding position `pos` of document `doc`.
fn sentence_of(index: &TokenIndex, doc: usize, pos: usize) -> (usize, usize) {
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

/// The text of the sentence of `c` around its phrase of `n` words, from its document's
/// `text` and the byte range of each of its words (`spans`).
fn cut(text: &str, spans: &[(u32, u32)], c: Candidate, n: usize) -> Context {
    let (pos, (start, end)) = (c.pos, c.sentence);
    let span = |i: usize| (spans[i].0 as usize, spans[i].1 as usize);
    let from = start.max(pos.saturating_sub(SIDE_WORDS));
    let to = end.min(pos + n + SIDE_WORDS);
    // The sentence's closing punctuation: what follows its last word up to a space (or the
    // next word).
    let limit = if to < spans.len() { span(to).0 } else { text.len() };
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
    Context { doc: c.doc, before, matched: flat(&text[m0..m1]), after }
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

    /// The choice over every occurrence, as the rule says it (no candidate left out).
    fn naive_choice(
        index: &TokenIndex,
        matches: &[query::Match],
        phrases: usize,
    ) -> Vec<Option<Candidate>> {
        let mut used: HashSet<(usize, usize)> = new_set();
        (0..phrases as u32)
            .map(|q| {
                let all: Vec<Candidate> = matches
                    .iter()
                    .filter(|m| m.query == q)
                    .map(|m| {
                        let start = index.doc_start[m.doc as usize] as usize;
                        let (s0, s1) = sentence_of(index, m.doc as usize, m.pos as usize);
                        let (pos, sentence) = (m.pos as usize - start, (s0 - start, s1 - start));
                        Candidate { doc: m.doc as usize, pos, sentence }
                    })
                    .collect();
                let fresh = |c: &&Candidate| !used.contains(&(c.doc, c.sentence.0));
                let chosen = *all
                    .iter()
                    .find(|c| fresh(c) && c.ordinary())
                    .or_else(|| all.iter().find(fresh))
                    .or(all.first())?;
                used.insert((chosen.doc, chosen.sentence.0));
                Some(chosen)
            })
            .collect()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]
        /// Keeping only the candidates the choice can reach chooses what the choice over every
        /// occurrence chooses, whether the matches come at once or in pieces.
        #[test]
        fn the_kept_candidates_choose_as_all_would(
            docs in proptest::collection::vec(
                proptest::collection::vec(proptest::collection::vec(0u32..3, 1..14), 1..5),
                1..6,
            ),
            phrases in proptest::collection::vec(proptest::collection::vec(0u32..3, 1..3), 1..6),
            cut in 0usize..6,
        ) {
            let mut index = TokenIndex::new();
            for sentences in &docs {
                index.push_doc(sentences.iter().flat_map(|s| {
                    s.iter().enumerate().map(|(i, &w)| (w, w, i == 0))
                }));
            }
            let matches = query::find_all(&index, &queries(&phrases));
            let expected = naive_choice(&index, &matches, phrases.len());
            let mut kept = Candidates::new(phrases.len());
            kept.add(0, &index, &matches);
            proptest::prop_assert_eq!(kept.choose(), expected.clone());
            // In two pieces, as over segments: document numbers from the piece's first.
            let cut = cut.min(docs.len());
            let mut pieces = Candidates::new(phrases.len());
            for (first, range) in [(0, 0..cut), (cut, cut..docs.len())] {
                let mut piece = TokenIndex::new();
                for sentences in &docs[range] {
                    piece.push_doc(sentences.iter().flat_map(|s| {
                        s.iter().enumerate().map(|(i, &w)| (w, w, i == 0))
                    }));
                }
                pieces.add(first, &piece, &query::find_all(&piece, &queries(&phrases)));
            }
            proptest::prop_assert_eq!(pieces.choose(), expected);
        }
    }
}
