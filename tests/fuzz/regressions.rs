//! Crashes and silent losses the fuzzer found, each kept as a named test.

use refrain::corpus::{CleanMode, ReadResult};

use super::check;

/// Read `bytes` as `name` and check every invariant of the fuzzer.
fn read(name: &str, bytes: &[u8]) -> ReadResult {
    let dir = tempfile::tempdir().unwrap();
    check::read_and_check(dir.path(), name, bytes, CleanMode::Auto, &check::analyzer())
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Found by the fuzzer: a CSV cut after its header (`i`) gave no document and no problem.
#[test]
fn header_only_csv_is_reported() {
    for (name, bytes) in [("h.csv", &b"i"[..]), ("h.tsv", b"id\ttext\n"), ("e.json", b"[]")] {
        let r = read(name, bytes);
        assert!(r.docs.is_empty());
        assert_eq!(r.problems.len(), 1, "{name}");
        assert_eq!(r.problems[0].kind, "no records", "{name}");
    }
}

/// Found by the fuzzer: UTF-16 with an unpaired surrogate or an odd last byte was repaired
/// without a word.
#[test]
fn broken_utf16_is_reported() {
    let cases: [&[u8]; 3] = [
        b"\xff\xfeh\x00i\x00\x00\xd8!\x00", // an unpaired high surrogate
        b"\xfe\xff\x00h\x00i\x00",          // an odd last byte
        b"\xff\xfeh\x00i\x00\x00\xdc",      // a lone low surrogate
    ];
    for bytes in cases {
        let r = read("u16.txt", bytes);
        assert_eq!(r.docs.len(), 1);
        assert_eq!(r.problems.len(), 1, "{bytes:?}");
        assert_eq!(r.problems[0].kind, "invalid UTF-16");
    }
    // Valid UTF-16 is read silently.
    let r = read("ok.txt", b"\xff\xfeh\x00i\x00");
    assert!(r.problems.is_empty() && r.docs[0].text == "hi");
}

/// Found by the fuzzer: a no-break space followed by an alphabetic combining mark (one UAX #29
/// segment) was taken for a word, a token starting with a space.
#[test]
fn a_space_with_a_combining_mark_is_not_a_word() {
    let analyzer = check::analyzer();
    for text in ["\u{a0}\u{1e000}", "a\u{3000}\u{93e} b", "x\u{1680}\u{345}y"] {
        check::check_analysis(text, &analyzer).unwrap_or_else(|e| panic!("{text:?}: {e}"));
    }
    let mut tokens = refrain::analysis::TokenBuf::default();
    analyzer.analyze("a\u{a0}\u{93e} b", &mut refrain::analysis::LocalVocab::new(), &mut tokens);
    let spans: Vec<(u32, u32)> = tokens.spans.iter().map(|s| (s.start, s.end)).collect();
    assert_eq!(spans, [(0, 1), (7, 8)]);
}

/// Found by the fuzzer: a narrow no-break space (Word_Break=ExtendNumLet in UAX #29) glued the
/// letters around it into one token holding a space (`a\u{202f}b`); it now splits words, as
/// the plain space that cleaning's NFKC makes of it does.
#[test]
fn a_narrow_no_break_space_splits_words() {
    let analyzer = check::analyzer();
    let text = "a\u{202f}b. Bonjour\u{202f}! 100\u{202f}000 x\u{202f}\u{202f}y";
    check::check_analysis(text, &analyzer).unwrap();
    let mut tokens = refrain::analysis::TokenBuf::default();
    analyzer.analyze(text, &mut refrain::analysis::LocalVocab::new(), &mut tokens);
    let words: Vec<(&str, bool)> = tokens
        .spans
        .iter()
        .map(|s| (&text[s.start as usize..s.end as usize], s.sentence_start))
        .collect();
    assert_eq!(
        words,
        [
            ("a", true),
            ("b", false),
            ("Bonjour", true),
            ("100", true),
            ("000", false),
            ("x", false),
            ("y", false)
        ]
    );
}
