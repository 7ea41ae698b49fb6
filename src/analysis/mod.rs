//! Analysis: from cleaned text to words with ids, offsets and sentence boundaries.
//!
//! # Brief overview
//!
//! The [`Analyzer`] runs a fixed chain, in this order:
//!
//! 1. [`segment`]: UAX #29 sentences (joined across abbreviations such as "Mr." and "Dec.";
//!    split where a full stop is glued to a capitalised word, "families.There") and words
//!    (joined across hyphens: "Kimilsungist-Kimjongilist"; "1980's" is one word); offsets are
//!    byte ranges into the cleaned document text and never change afterwards.
//! 2. [`normalize`]: the *surface form*: NFKC, lower case, straight apostrophes.
//! 3. [`vocab`]: the surface form is interned to an id in a per-worker [`LocalVocab`].
//!
//! Keys are made once per distinct surface form, when a local vocabulary is absorbed into the
//! global [`Vocabulary`]: [`stem`] turns "policies" into the key "polici" (Snowball, chosen by
//! `--lang`; Hangul is kept as written), and [`stopwords`] marks keys of stop words. Stop words
//! are marked, never deleted: the counter needs them inside phrases ("the party and the
//! revolution").

pub mod abbrev;
pub mod normalize;
pub mod segment;
pub mod sentences;
pub mod stem;
pub mod stopwords;
pub mod vocab;
pub mod words;

pub use segment::{SegmentStats, Span};
pub use stem::Language;
pub use stopwords::StopWords;
pub use vocab::{LocalVocab, Vocabulary};

use crate::collections::{HashSet, new_set};

/// How to analyse text.
#[derive(Debug, Clone)]
pub struct AnalyzerOptions {
    /// Stemming language; `None` keeps surface forms as keys (`--lang none` or `--no-stem`).
    pub stem: Option<Language>,
    /// Stop words to mark.
    pub stopwords: StopWords,
}

impl Default for AnalyzerOptions {
    fn default() -> Self {
        AnalyzerOptions { stem: Some(Language::ENGLISH), stopwords: StopWords::english() }
    }
}

/// Words of one or more documents, as the analyser appends them.
#[derive(Debug, Default)]
pub struct TokenBuf {
    /// Local surface id of each word (see [`LocalVocab`]).
    pub surface: Vec<u32>,
    /// Byte range and sentence start of each word.
    pub spans: Vec<Span>,
    /// Sentence and overlong-word counts.
    pub stats: SegmentStats,
    norm: String,
}

/// The analysis chain built from [`AnalyzerOptions`]; shared by all worker threads.
pub struct Analyzer {
    keys: stem::KeyMaker,
    stopwords: StopWords,
}

impl Analyzer {
    /// Build the chain.
    pub fn new(options: &AnalyzerOptions) -> Self {
        Analyzer { keys: stem::KeyMaker::new(options.stem), stopwords: options.stopwords.clone() }
    }

    /// Append the words of `text` to `out`, interning their surface forms into `vocab`.
    pub fn analyze(&self, text: &str, vocab: &mut LocalVocab, out: &mut TokenBuf) {
        let first = out.spans.len();
        segment::segment(text, 0, &mut out.spans, &mut out.stats);
        let mut norm = std::mem::take(&mut out.norm);
        for span in &out.spans[first..] {
            let word = &text[span.start as usize..span.end as usize];
            // Short ASCII words (nearly all) are lower-cased and looked up as one integer; the
            // rest go through the full surface form.
            let id = match vocab::pack_lower_ascii(word) {
                Some(packed) => vocab.intern_packed(packed),
                None => {
                    normalize::surface_into(word, &mut norm);
                    vocab.intern(&norm)
                }
            };
            out.surface.push(id);
        }
        out.norm = norm;
    }

    /// The key of a surface form.
    pub fn key(&self, surface: &str) -> String {
        self.keys.key(surface)
    }

    /// The surface form of a word as written (for matching user queries against the corpus).
    pub fn surface(&self, word: &str) -> String {
        let mut s = String::new();
        normalize::surface_into(word, &mut s);
        s
    }

    /// Keys of all stop words: a key is a stop word when a listed word has that key.
    pub fn stop_keys(&self) -> HashSet<String> {
        let mut keys = new_set();
        for w in self.stopwords.iter() {
            keys.insert(self.keys.key(w));
        }
        keys
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn surface_ids_keys_and_stops() {
        let analyzer = Analyzer::new(&AnalyzerOptions::default());
        let mut local = LocalVocab::new();
        let mut buf = TokenBuf::default();
        analyzer.analyze("The party's Policies. The parties’ policy!", &mut local, &mut buf);
        assert_eq!(buf.surface, [0, 1, 2, 0, 3, 4]);
        assert_eq!(buf.stats.sentences, 2);
        let mut vocab = Vocabulary::new(&analyzer);
        let global = vocab.absorb(&local, &analyzer);
        let keys: Vec<_> = global.iter().map(|&s| vocab.key(vocab.key_of_surface(s))).collect();
        assert_eq!(keys, ["the", "parti", "polici", "parti", "polici"]);
        assert!(vocab.is_stop(vocab.find_key("the").unwrap()));
        assert!(!vocab.is_stop(vocab.find_key("parti").unwrap()));
        assert_eq!(vocab.surface(global[1]), "party's");
    }

    #[test]
    fn absorbing_in_order_gives_first_appearance_ids() {
        let analyzer = Analyzer::new(&AnalyzerOptions::default());
        let (mut a, mut b) = (LocalVocab::new(), LocalVocab::new());
        let mut buf = TokenBuf::default();
        analyzer.analyze("red green", &mut a, &mut buf);
        analyzer.analyze("blue red", &mut b, &mut buf);
        let mut vocab = Vocabulary::new(&analyzer);
        assert_eq!(vocab.absorb(&a, &analyzer), [0, 1]);
        assert_eq!(vocab.absorb(&b, &analyzer), [2, 0]);
    }

    /// The keys of the words of `text`, in order, as counting sees them.
    fn keys_of(text: &str) -> Vec<String> {
        let analyzer = Analyzer::new(&AnalyzerOptions::default());
        let mut local = LocalVocab::new();
        let mut buf = TokenBuf::default();
        analyzer.analyze(text, &mut local, &mut buf);
        let mut vocab = Vocabulary::new(&analyzer);
        let global = vocab.absorb(&local, &analyzer);
        buf.surface
            .iter()
            .map(|&s| vocab.key(vocab.key_of_surface(global[s as usize])).to_string())
            .collect()
    }

    #[test]
    fn direction_marks_do_not_split_a_word() {
        // The reviewer's reproduction, as `--clean none` reads it: three `great`.
        let text = "We praise the \u{202e}great\u{202c} leader today. The \u{2067}great\u{2069} \
                    leader rules. The great leader rules. The great\u{200e} leader.";
        let keys = keys_of(text);
        assert_eq!(keys.iter().filter(|k| *k == "great").count(), 4, "{keys:?}");
        assert_eq!(keys, keys_of(&text.replace(normalize::is_direction_mark, "")));
        // Marks alone are no word.
        assert!(keys_of("\u{202e}\u{202c} \u{200e} \u{2066}\u{2069}").is_empty());
    }

    /// Plain text: words (some not ASCII, some joined by `-`, `'` or `.`) between spaces,
    /// punctuation and line breaks.
    fn plain_text() -> impl Strategy<Value = String> {
        let word = prop::sample::select(vec![
            "great",
            "Leader",
            "the",
            "party’s",
            "1980's",
            "U.S.",
            "e.g.",
            "3.5",
            "Übermäßig",
            "로동당",
            "well-being",
            "families.There",
            "Kim",
            "rules",
            "a",
            "I",
        ]);
        let sep = prop::sample::select(vec![" ", " ", " ", ". ", ", ", "! ", "\n", "\n\n", " - "]);
        prop::collection::vec((word, sep), 1..20)
            .prop_map(|w| w.into_iter().map(|(w, s)| format!("{w}{s}")).collect())
    }

    /// `text` with `marks` inserted before the characters at the given positions (taken
    /// modulo the number of characters, plus one for the end).
    pub(crate) fn with_marks(text: &str, marks: &[(prop::sample::Index, char)]) -> String {
        let mut chars: Vec<char> = text.chars().collect();
        let mut at: Vec<(usize, char)> =
            marks.iter().map(|(i, c)| (i.index(chars.len() + 1), *c)).collect();
        // From the end, so that earlier positions stay valid.
        at.sort_by_key(|m| std::cmp::Reverse(m.0));
        for (i, c) in at {
            chars.insert(i, c);
        }
        chars.into_iter().collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        /// Direction marks inserted anywhere in plain text change none of the keys counted,
        /// even with no cleaning to remove them.
        #[test]
        fn direction_marks_never_change_the_keys(
            text in plain_text(),
            marks in prop::collection::vec(
                (any::<prop::sample::Index>(), prop::sample::select(vec![
                    '\u{200e}', '\u{200f}', '\u{61c}', '\u{202a}', '\u{202b}', '\u{202c}',
                    '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
                ])),
                1..8,
            ),
        ) {
            prop_assert_eq!(keys_of(&with_marks(&text, &marks)), keys_of(&text));
        }
    }
}
