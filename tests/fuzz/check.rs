//! What must hold for any input, however broken: no panic (a reader's panic is caught and
//! reported as an "internal error" problem, which is a failure here), nothing lost silently, and
//! the analyser's tokens inside the cleaned text, on character boundaries, in order.

use std::path::Path;

use proptest::prelude::*;
use refrain::analysis::segment::MAX_WORD_BYTES;
use refrain::analysis::sentences::boundaries;
use refrain::analysis::{Analyzer, AnalyzerOptions, LocalVocab};
use refrain::corpus::{CleanMode, Input, ReadOptions, ReadResult, read_input};

/// Write `bytes` to `dir/name`, read it, and check the reading and the analysis of every
/// document. `plain_payload` is the decoded-payload check: `Some(bytes)` when the file's
/// bytes are the payload a text reader decodes (not gzip, not Parquet).
pub fn read_and_check(
    dir: &Path,
    name: &str,
    bytes: &[u8],
    clean: CleanMode,
    analyzer: &Analyzer,
) -> Result<ReadResult, TestCaseError> {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write the case");
    let opts = ReadOptions { clean, ..ReadOptions::default() };
    let result = read_input(&Input::File(path.clone()), &opts);
    let shown = path.display().to_string();
    for p in &result.problems {
        prop_assert!(p.kind != "internal error", "the reader panicked: {p}");
        prop_assert_eq!(&p.path, &shown, "a problem must name the file: {}", p);
    }
    // Nothing lost silently: a file that gives no document says why.
    prop_assert!(
        !result.docs.is_empty() || !result.problems.is_empty(),
        "no document and no problem reported"
    );
    // Bytes that are not UTF-8 (nor UTF-16 with a byte-order mark) are repaired or skipped,
    // and either way reported.
    let utf16 = bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]);
    if !name.ends_with(".gz") && !name.ends_with(".parquet") {
        let valid = if utf16 { valid_utf16(bytes) } else { std::str::from_utf8(bytes).is_ok() };
        prop_assert!(valid || !result.problems.is_empty(), "bad encoding read without a problem");
    }
    for doc in &result.docs {
        prop_assert!(!doc.id.is_empty(), "a document without an id");
        prop_assert!(!doc.text.trim().is_empty(), "an empty document was kept: {:?}", doc.id);
        prop_assert_eq!(&doc.source, &shown);
        check_analysis(&doc.text, analyzer)?;
        if let Some(title) = &doc.title {
            check_analysis(title, analyzer)?;
        }
    }
    Ok(result)
}

/// Whether `bytes` (starting with a UTF-16 byte-order mark) are whole, valid UTF-16.
fn valid_utf16(bytes: &[u8]) -> bool {
    let big_endian = bytes[0] == 0xfe;
    let body = &bytes[2..];
    let units: Vec<u16> = body
        .chunks_exact(2)
        .map(|p| {
            if big_endian {
                u16::from_be_bytes([p[0], p[1]])
            } else {
                u16::from_le_bytes([p[0], p[1]])
            }
        })
        .collect();
    body.len().is_multiple_of(2) && String::from_utf16(&units).is_ok()
}

/// The analyser's invariants on `text`.
pub fn check_analysis(text: &str, analyzer: &Analyzer) -> Result<(), TestCaseError> {
    let mut vocab = LocalVocab::new();
    let mut tokens = refrain::analysis::TokenBuf::default();
    analyzer.analyze(text, &mut vocab, &mut tokens);
    prop_assert_eq!(tokens.surface.len(), tokens.spans.len());
    let mut previous_end = 0usize;
    let mut starts = 0u64;
    for (i, span) in tokens.spans.iter().enumerate() {
        let (start, end) = (span.start as usize, span.end as usize);
        prop_assert!(
            start < end && end <= text.len(),
            "token {i} at {start}..{end} outside the text"
        );
        prop_assert!(
            text.is_char_boundary(start) && text.is_char_boundary(end),
            "token {i} at {start}..{end} cuts a character"
        );
        prop_assert!(start >= previous_end, "token {i} at {start} overlaps the one before");
        prop_assert!(end - start <= MAX_WORD_BYTES, "token {i} is {} bytes", end - start);
        let word = &text[start..end];
        // A token never spans a space or a line break: that would glue words or paragraphs.
        prop_assert!(!word.chars().any(char::is_whitespace), "token {word:?} holds a space");
        prop_assert!((tokens.surface[i] as usize) < vocab.len(), "token {i} has no surface form");
        previous_end = end;
        starts += u64::from(span.sentence_start);
    }
    if let Some(first) = tokens.spans.first() {
        prop_assert!(first.sentence_start, "the first word does not start a sentence");
    }
    prop_assert_eq!(tokens.stats.sentences, starts, "sentence count against sentence starts");

    // Sentence boundaries: increasing, on character boundaries, ending at the end.
    let mut ends = Vec::new();
    boundaries(text, &mut ends);
    prop_assert!(ends.windows(2).all(|w| w[0] < w[1]), "sentence ends not increasing");
    prop_assert!(ends.iter().all(|&e| e > 0 && text.is_char_boundary(e)));
    prop_assert_eq!(ends.last().copied(), (!text.is_empty()).then_some(text.len()));

    // The same text analysed again gives the same tokens (no state leaks between texts).
    let mut again = refrain::analysis::TokenBuf::default();
    analyzer.analyze(text, &mut LocalVocab::new(), &mut again);
    prop_assert_eq!(&again.spans, &tokens.spans);
    Ok(())
}

/// The analyser with the default options (English stems and stop words).
pub fn analyzer() -> Analyzer {
    Analyzer::new(&AnalyzerOptions::default())
}

/// A cleaning mode.
pub fn clean_mode() -> impl Strategy<Value = CleanMode> {
    prop_oneof![Just(CleanMode::Auto), Just(CleanMode::Kcna), Just(CleanMode::None)]
}
