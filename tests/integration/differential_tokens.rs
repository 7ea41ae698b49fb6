//! The differential harness, tokenizer part: `freq` 1- and 2-grams against a naive tokenizer on
//! random text with capitals, numbers, decades, possessives, abbreviations, hyphenated
//! compounds, commas and glued sentence ends.
//!
//! The reference ([`naive`]) is written from the rules of issue 11 as stated, not from refrain's
//! code: a paragraph ends at a blank line; a sentence ends at `.`, `!` or `?` followed by
//! whitespace, by the end of the text, or directly by a capitalised word (an upper-case letter,
//! then a lower-case one: `families.There`), except at a full stop after a word listed in
//! `data/abbreviations.txt` or a single capital letter; words are the matches of one plain
//! regex (letters and digits, joined by one inner `'`, `-` or `.`: `1980's`, `well-known`,
//! `3.5`, `U.S`), lower-cased. Counts are a hash map over every 1- and 2-word window of every
//! sentence, so a 2-gram that crossed a sentence end would show up as an extra row. refrain
//! runs as `freq -n 1..2 --no-stem --stopword-edges keep` through the library functions the
//! command uses, and its keys are compared row by row (key, n, count, docs).
//!
//! # What is generated, and what is left out
//!
//! Sentences start with a capitalised word and hold lower-case, capitalised and upper-case
//! words, numbers and decimals (`1980`, `3.5`), decades (`1980s`, `1980's`), possessives
//! (`nation's`, `NATION'S`), abbreviations from the list (`U.S.`, `Mr.`, `e.g.`, …), initials
//! (`F.`), dotted names (`kcna.kp`, `README.md`), hyphenated compounds and commas; they end in
//! `.`, `!`, `?`, `?!` or `...`, then a space, two spaces, a tab, a line break (LF or CR LF), a
//! blank line or nothing (`families.There`).
//! Left out, because the issue's rules do not say what the answer is or refrain's answer is a
//! documented choice beyond them:
//! - a sentence that starts with a number or a lower-case word (UAX #29 rule SB8 goes on after
//!   `. 1980s were` and `. and`; the naive rule would break);
//! - an abbreviation or initial at the end of a sentence (`in the U.S. The`: a break or not is
//!   a guess) or before a comma, and a glued end after a number (`in 1980.The`), an initial or
//!   an abbreviation (`Mr.Kim`, `e.g.The`);
//! - glued next words other than Capitalised-lowercase (`ended.I came`, `won.OK then`): their
//!   rule is being extended in parallel, and with these left out the property holds both before
//!   and after that change;
//! - apostrophes other than ASCII `'` (`’`, `´`, `` ` ``, U+FFFD: the same change), quotes,
//!   brackets, thousands separators (`1,000`: UAX #29 keeps it one word, a plain regex would
//!   not, and the issue says nothing) and line breaks inside a sentence (cleaning and UAX #29
//!   closing punctuation are tested elsewhere), and non-ASCII letters.
//!
//! `cargo test` runs the same number of cases as the rest of the harness (`PROPTEST_CASES`
//! overrides).

use std::collections::{HashMap, HashSet};

use proptest::prelude::*;
use refrain::analysis::{AnalyzerOptions, StopWords};
use refrain::cli::freq::{RankedCounts, freq_frame};
use refrain::corpus::Document;
use refrain::count::{self, CountOptions, EdgePolicy, RowOrder};
use refrain::pipeline::{PipelineOptions, analyze_documents};
use refrain::table::{Format, export::to_bytes};

/// A `freq` row: key, n, count, docs.
type FreqRow = (String, usize, u32, u32);

/// refrain's `freq -n 1..2 --no-stem --stopword-edges keep` rows.
fn real(texts: &[String], min_count: u32, min_docs: u32) -> Vec<FreqRow> {
    let docs = texts
        .iter()
        .enumerate()
        .map(|(i, t)| Document { id: format!("d{i}"), text: t.clone(), ..Default::default() })
        .collect();
    let analyzer = AnalyzerOptions { stem: None, stopwords: StopWords::english() };
    let corpus = analyze_documents(docs, &PipelineOptions { analyzer, ..Default::default() });
    let options = CountOptions { min_n: 1, max_n: 2, min_count, min_docs, edges: EdgePolicy::Keep };
    let ranked = RankedCounts::new(&corpus, &options);
    let rows = count::ordered_row_data(&ranked.counts, RowOrder::Count, None);
    let frame = freq_frame(&corpus, &ranked.counts, &rows).expect("a freq frame");
    let bytes = to_bytes(&frame, Format::Csv).expect("CSV");
    let mut reader = csv::Reader::from_reader(&bytes[..]);
    let headers = reader.headers().expect("a header").clone();
    let column = |name: &str| headers.iter().position(|h| h == name).expect(name);
    let (key, n, count, docs) = (column("key"), column("n"), column("count"), column("docs"));
    let mut out: Vec<FreqRow> = reader
        .records()
        .map(|r| {
            let r = r.expect("a record");
            let int = |i: usize| r[i].parse::<u32>().expect("a number");
            (r[key].to_string(), int(n) as usize, int(count), int(docs))
        })
        .collect();
    out.sort();
    out
}

/// The reference tokenizer and counter.
mod naive {
    use super::*;

    /// The abbreviations refrain ships (lower case, without the final full stop).
    pub fn abbreviations() -> HashSet<String> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/abbreviations.txt");
        let text = std::fs::read_to_string(path).expect("the abbreviation list");
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(String::from)
            .collect()
    }

    /// Is the full stop ending `before` the end of an abbreviation or an initial?
    fn after_abbreviation(before: &[char], abbreviations: &HashSet<String>) -> bool {
        let start = before
            .iter()
            .rposition(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '\'')))
            .map_or(0, |i| i + 1);
        let word: String = before[start..].iter().collect();
        let single_capital = word.len() == 1 && word.chars().all(|c| c.is_ascii_uppercase());
        single_capital || abbreviations.contains(&word.to_lowercase())
    }

    /// A paragraph's sentences, by the rules of the module doc.
    fn split_sentences(paragraph: &str, abbreviations: &HashSet<String>) -> Vec<String> {
        let chars: Vec<char> = paragraph.chars().collect();
        let mut out = Vec::new();
        let mut start = 0;
        for i in 0..chars.len() {
            if !matches!(chars[i], '.' | '!' | '?') {
                continue;
            }
            let next = chars.get(i + 1);
            let capitalised = next.is_some_and(|c| c.is_uppercase())
                && chars.get(i + 2).is_some_and(|c| c.is_lowercase());
            let ends = next.is_none_or(|c| c.is_whitespace()) || capitalised;
            if ends && !(chars[i] == '.' && after_abbreviation(&chars[..i], abbreviations)) {
                out.push(chars[start..=i].iter().collect());
                start = i + 1;
            }
        }
        out.push(chars[start..].iter().collect());
        out
    }

    /// Documents → sentences → lower-case words.
    fn sentences(texts: &[String]) -> Vec<Vec<Vec<String>>> {
        let abbreviations = abbreviations();
        let blank = regex::Regex::new(r"\n[ \t]*\n").expect("a regex");
        let word = regex::Regex::new(r"[A-Za-z0-9]+(?:['.-][A-Za-z0-9]+)*").expect("a regex");
        texts
            .iter()
            .map(|t| {
                blank
                    .split(t)
                    .flat_map(|p| split_sentences(p, &abbreviations))
                    .map(|s| word.find_iter(&s).map(|w| w.as_str().to_lowercase()).collect())
                    .collect()
            })
            .collect()
    }

    /// The 1- and 2-gram rows over the thresholds.
    pub fn freq(texts: &[String], min_count: u32, min_docs: u32) -> Vec<FreqRow> {
        let mut places: HashMap<Vec<String>, Vec<usize>> = HashMap::new();
        for (d, doc) in sentences(texts).iter().enumerate() {
            for sentence in doc {
                for n in 1..=2 {
                    for w in sentence.windows(n) {
                        places.entry(w.to_vec()).or_default().push(d);
                    }
                }
            }
        }
        let mut out: Vec<FreqRow> = places
            .into_iter()
            .map(|(w, at)| {
                let docs = at.iter().collect::<HashSet<_>>().len() as u32;
                (w.join(" "), w.len(), at.len() as u32, docs)
            })
            .filter(|r| r.2 >= min_count && r.3 >= min_docs)
            .collect();
        out.sort();
        out
    }
}

/// Plain words (three are stop words); none is an abbreviation.
const WORDS: [&str; 8] = ["nation", "family", "river", "stone", "garden", "the", "of", "and"];
/// Numbers and decimals, decades.
const NUMBERS: [&str; 4] = ["1980", "2024", "3.5", "12.75"];
const DECADES: [&str; 3] = ["1980s", "1980's", "1920s"];
/// Abbreviations as written; each is checked against the list.
const ABBREVIATIONS: [&str; 8] = ["U.S.", "Mr.", "Dr.", "Gen.", "e.g.", "i.e.", "Dec.", "U.N."];
/// Initials (a single capital letter) and dotted names that stay whole.
const INITIALS: [&str; 3] = ["F.", "J.", "D."];
const DOTTED: [&str; 3] = ["kcna.kp", "example.com", "README.md"];
/// Sentence terminators.
const ENDS: [&str; 5] = [".", "!", "?", "?!", "..."];
/// What may follow a terminator inside a document (the glued end is apart).
const GAPS: [&str; 6] = [" ", "\n", "\n\n", "  ", "\t", "\r\n"];

/// One token of a sentence, before case and commas.
#[derive(Debug, Clone)]
enum Token {
    Word(usize),
    Possessive(usize),
    Compound(usize, usize),
    Number(usize),
    Decade(usize),
    Abbreviation(usize),
    Initial(usize),
    Dotted(usize),
}

/// Word case: 0 lower, 1 Capitalised, 2 UPPER.
fn cased(word: &str, case: u8) -> String {
    match case {
        0 => word.to_string(),
        1 => word[..1].to_uppercase() + &word[1..],
        _ => word.to_uppercase(),
    }
}

impl Token {
    fn text(&self, case: u8) -> String {
        match *self {
            Token::Word(w) => cased(WORDS[w], case),
            Token::Possessive(w) => cased(&format!("{}'s", WORDS[w]), case),
            Token::Compound(a, b) => cased(&format!("{}-{}", WORDS[a], WORDS[b]), case),
            Token::Number(i) => NUMBERS[i].to_string(),
            Token::Decade(i) => DECADES[i].to_string(),
            Token::Abbreviation(i) => ABBREVIATIONS[i].to_string(),
            Token::Initial(i) => INITIALS[i].to_string(),
            Token::Dotted(i) => DOTTED[i].to_string(),
        }
    }

    /// Can a terminator glued to the next sentence follow this token as the issue's rules say
    /// (a word of two letters or more, or an `s` after a digit or apostrophe)?
    fn may_glue(&self) -> bool {
        !matches!(self, Token::Number(_) | Token::Abbreviation(_) | Token::Initial(_))
    }

    /// Ends in a full stop that does not end the sentence.
    fn is_abbreviation(&self) -> bool {
        matches!(self, Token::Abbreviation(_) | Token::Initial(_))
    }
}

fn token() -> impl Strategy<Value = Token> {
    let w = 0..WORDS.len();
    prop_oneof![
        4 => w.clone().prop_map(Token::Word),
        1 => w.clone().prop_map(Token::Possessive),
        1 => (w.clone(), w).prop_map(|(a, b)| Token::Compound(a, b)),
        1 => (0..NUMBERS.len()).prop_map(Token::Number),
        1 => (0..DECADES.len()).prop_map(Token::Decade),
        1 => (0..ABBREVIATIONS.len()).prop_map(Token::Abbreviation),
        1 => (0..INITIALS.len()).prop_map(Token::Initial),
        1 => (0..DOTTED.len()).prop_map(Token::Dotted),
    ]
}

/// A sentence: its first word (Capitalised), then tokens with a case and a comma flag, its
/// terminator (in [`ENDS`]) and what follows it (in [`GAPS`], or nothing: glued).
type Sentence = (Token, Vec<(Token, u8, bool)>, u8, u8);

fn sentence() -> impl Strategy<Value = Sentence> {
    let first = prop_oneof![
        (0..WORDS.len()).prop_map(Token::Word),
        (0..WORDS.len()).prop_map(Token::Possessive),
        (0..WORDS.len(), 0..WORDS.len()).prop_map(|(a, b)| Token::Compound(a, b)),
    ];
    let rest = prop::collection::vec((token(), 0..3u8, prop::bool::weighted(0.2)), 0..6);
    (first, rest, 0..ENDS.len() as u8, 0..GAPS.len() as u8 + 1)
}

/// A document's text.
fn text_of(sentences: &[Sentence]) -> String {
    let mut text = String::new();
    let stone = Token::Word(3);
    for (k, (first, rest, end, after)) in sentences.iter().enumerate() {
        text.push_str(&first.text(1));
        let mut last = first;
        for (i, (token, case, comma)) in rest.iter().enumerate() {
            text.push(' ');
            text.push_str(&token.text(*case));
            last = token;
            if *comma && i + 1 < rest.len() && !token.is_abbreviation() {
                text.push(',');
            }
        }
        if last.is_abbreviation() {
            // Never an abbreviation at a sentence end.
            text.push_str(" stone");
            last = &stone;
        }
        text.push_str(ENDS[*end as usize]);
        if k + 1 < sentences.len() {
            let glued = *after as usize == GAPS.len() && last.may_glue();
            text.push_str(if glued { "" } else { GAPS[*after as usize % GAPS.len()] });
        }
    }
    text
}

fn corpus() -> impl Strategy<Value = Vec<String>> {
    let doc = prop::collection::vec(sentence(), 1..6);
    prop::collection::vec(doc, 1..5).prop_map(|docs| docs.iter().map(|d| text_of(d)).collect())
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(128)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn freq_matches_a_naive_tokenizer(
        texts in corpus(),
        min_count in 1..3u32,
        min_docs in 1..3u32,
    ) {
        let expected = naive::freq(&texts, min_count, min_docs);
        prop_assert_eq!(real(&texts, min_count, min_docs), expected);
    }
}

#[test]
fn the_generated_abbreviations_are_listed_and_the_words_are_not() {
    let listed = naive::abbreviations();
    for a in ABBREVIATIONS {
        assert!(listed.contains(&a.trim_end_matches('.').to_lowercase()), "{a}");
    }
    for w in WORDS {
        assert!(!listed.contains(w), "{w}");
    }
}

#[test]
fn glued_ends_decades_and_abbreviations_by_hand() {
    // Issue 11, item A3, with the counts written out by hand.
    let texts = vec![
        "The U.S. nation's families.There were 1980's families! In the 1980s, Mr. Stone left."
            .to_string(),
    ];
    let rows = real(&texts, 1, 1);
    assert_eq!(rows, naive::freq(&texts, 1, 1));
    let get = |k: &str| rows.iter().find(|r| r.0 == k).map(|r| r.2);
    assert_eq!(get("families"), Some(2));
    assert_eq!(get("there"), Some(1));
    assert_eq!(get("1980's"), Some(1));
    assert_eq!(get("1980s"), Some(1));
    assert_eq!(get("u.s"), Some(1));
    assert_eq!(get("mr stone"), Some(1));
    assert_eq!(get("s"), None);
    // No 2-gram crosses the glued end or the `!`.
    assert_eq!(get("families there"), None);
    assert_eq!(get("families in"), None);
}

/// Found by this harness: the `S` of `NATION'S.` was taken for an initial (abbrev.rs), so the
/// sentence went on into the next one.
#[test]
fn an_upper_case_possessive_ends_a_sentence() {
    let texts = vec!["The NATION'S. Nation wins.".to_string()];
    let rows = real(&texts, 1, 1);
    assert_eq!(rows, naive::freq(&texts, 1, 1));
    assert!(!rows.iter().any(|r| r.0 == "nation's nation"), "{rows:?}");
}
