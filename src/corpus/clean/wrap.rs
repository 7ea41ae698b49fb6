//! Paragraphs: deciding, per document, whether a single line break is a hard wrap (to be
//! joined with a space) or a paragraph break.
//!
//! Hard-wrapped text (UNGDC 2014 wraps at ~55 columns, KCNA 1997 at ~60 with 3-space
//! paragraph indents) has short lines that mostly end mid-sentence. Text with one paragraph per
//! line (inaugural addresses, kcna.kp, KCNA 2012–2018 with its `\n\t\t\t\t\t` separators) has
//! long lines, or lines that end sentences. The test, on non-blank lines:
//! at least 3 lines, at most 10% longer than 100 characters, and at least half of the line
//! ends (all but the last line) not ending a sentence.
//!
//! In hard-wrapped text a line break is a space, except before a blank line or a line indented
//! deeper than the text's least-indented line (a paragraph start). A word split by a
//! hyphen at a line end (`SEOUL-\nBASED`) is joined without a space, keeping the hyphen:
//! nothing tells a line-end hyphenation (`develop-\nment`) from a hyphenated compound.
//! In other text every line break ends a paragraph. Inside paragraphs, whitespace runs become
//! one space; empty paragraphs are dropped.

use super::chars::push_collapsed;

/// Lines longer than this many characters are not part of a hard-wrapped text.
const WRAP_MAX: usize = 100;

/// Split text (LF line endings) into trimmed, non-empty paragraphs.
pub fn paragraphs(text: &str) -> Vec<String> {
    if is_hard_wrapped(text) {
        unwrap(text)
    } else {
        text.split('\n').map(super::chars::collapsed).filter(|p| !p.is_empty()).collect()
    }
}

/// Whether the text is hard-wrapped (see the module doc).
pub fn is_hard_wrapped(text: &str) -> bool {
    let (mut lines, mut long, mut mid_sentence) = (0usize, 0usize, 0usize);
    let mut last_was_mid = false;
    for line in text.split('\n') {
        let line = line.trim_end();
        if line.trim_start().is_empty() {
            continue;
        }
        lines += 1;
        if char_len_over(line, WRAP_MAX) {
            long += 1;
        }
        last_was_mid = !ends_sentence(line);
        mid_sentence += usize::from(last_was_mid);
    }
    // The last line ends the text; it says nothing about wrapping.
    mid_sentence -= usize::from(last_was_mid);
    lines >= 3 && long * 10 <= lines && mid_sentence * 2 >= lines - 1
}

/// Whether `line` has more than `max` characters (bytes are counted first: most lines are
/// ASCII, and a line of at most `max` bytes cannot have more characters).
fn char_len_over(line: &str, max: usize) -> bool {
    line.len() > max && (line.is_ascii() || line.chars().count() > max)
}

/// Whether a (right-trimmed) line ends like a sentence, with or without a closing quote.
fn ends_sentence(line: &str) -> bool {
    line.chars().next_back().is_some_and(|c| {
        matches!(
            c,
            '.' | '!'
                | '?'
                | ':'
                | ';'
                | '"'
                | '\''
                | ')'
                | '\u{201d}'
                | '\u{2019}'
                | '»'
                | '」'
                | '。'
        )
    })
}

/// Join hard-wrapped lines into paragraphs.
fn unwrap(text: &str) -> Vec<String> {
    let base_indent =
        text.split('\n').filter(|l| !l.trim().is_empty()).map(indent).min().unwrap_or(0);
    let mut paragraphs = Vec::new();
    let mut current = String::new();
    for line in text.split('\n') {
        if line.trim().is_empty() || indent(line) > base_indent {
            flush(&mut current, &mut paragraphs);
        }
        if line.trim().is_empty() {
            continue;
        }
        if !current.is_empty() && !joins_hyphenated(&current, line) {
            current.push(' ');
        }
        push_collapsed(&mut current, line);
    }
    flush(&mut current, &mut paragraphs);
    paragraphs
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// `SEOUL-` + `BASED`: a letter or digit, a single hyphen at the line end, and a letter or
/// digit starting the next line.
fn joins_hyphenated(current: &str, next: &str) -> bool {
    let mut back = current.chars().rev();
    let ends_hyphen = back.next() == Some('-') && back.next().is_some_and(char::is_alphanumeric);
    ends_hyphen && next.trim_start().chars().next().is_some_and(char::is_alphanumeric)
}

fn flush(current: &mut String, paragraphs: &mut Vec<String>) {
    if !current.is_empty() {
        // The next paragraph starts with room for one like this one: growing a string line by
        // line from nothing reallocates it a dozen times.
        let room = current.len();
        paragraphs.push(std::mem::replace(current, String::with_capacity(room)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KCNA_1997: &str = "   PYONGYANG, MARCH 2 (KCNA) -- THE NATIONAL DEMOCRATIC \nFRONT OF SOUTH KOREA (NDFSK) CENTRAL COMMITTEE RELEASED A \nSTATEMENT FEBRUARY 27 FLAILING THE TRAITOR, SEOUL-\nBASED RADIO SAID.\n   KIM YOUNG SAM'S \"STATEMENT\" WAS NO MORE THAN A \nHOKUM TO EVADE JUDICIAL RESPONSIBILITY. \n\n";

    #[test]
    fn kcna_1997_is_unwrapped_at_indents() {
        assert!(is_hard_wrapped(KCNA_1997));
        assert_eq!(
            paragraphs(KCNA_1997),
            [
                "PYONGYANG, MARCH 2 (KCNA) -- THE NATIONAL DEMOCRATIC FRONT OF SOUTH KOREA (NDFSK) CENTRAL COMMITTEE RELEASED A STATEMENT FEBRUARY 27 FLAILING THE TRAITOR, SEOUL-BASED RADIO SAID.",
                "KIM YOUNG SAM'S \"STATEMENT\" WAS NO MORE THAN A HOKUM TO EVADE JUDICIAL RESPONSIBILITY.",
            ]
        );
    }

    #[test]
    fn ungdc_style_blank_line_paragraphs() {
        let text = "On behalf of the delegation of the \nDemocratic People\u{2019}s Republic of Korea, I should first \nlike to congratulate him.\n\nThe Republic fully \nendorses the main theme -- \nof this session.\n";
        assert_eq!(
            paragraphs(text),
            [
                "On behalf of the delegation of the Democratic People\u{2019}s Republic of Korea, I should first like to congratulate him.",
                "The Republic fully endorses the main theme -- of this session.",
            ]
        );
    }

    #[test]
    fn one_paragraph_per_line() {
        // kcna.kp: short paragraphs separated by single newlines, each ending a sentence.
        let kp = "Pyongyang, January 1 (KCNA) -- A ceremony was held.\nThe players competed fiercely.\nThe stadium was rocked by cheering.\nThe Cabinet team beat its rival 3:0. -0-";
        assert!(!is_hard_wrapped(kp));
        assert_eq!(paragraphs(kp).len(), 4);
        // KCNA 2012-2018: tab-indented paragraph lines and tab-only blank lines.
        let k12 = " Pyongyang, December 24 (KCNA) -- Kim Jong Un made a speech.\n\t\t\t\t\t Noting that\tsuccesses were analyzed, he said so.\n\t\t\t\t\t\n\t\t\t\t\t To strengthen the Party cells is a main link.";
        assert_eq!(
            paragraphs(k12),
            [
                "Pyongyang, December 24 (KCNA) -- Kim Jong Un made a speech.",
                "Noting that successes were analyzed, he said so.",
                "To strengthen the Party cells is a main link."
            ]
        );
    }

    #[test]
    fn long_lines_are_paragraphs_even_without_stops() {
        let long = "x".repeat(150);
        let text = format!("{long}\n{long}\n{long}");
        assert_eq!(paragraphs(&text).len(), 3);
    }

    #[test]
    fn korean_long_lines_count_characters() {
        let line = "가".repeat(60); // 180 bytes, 60 characters: short
        let text = format!("{line}\n{line}\n{line}다.");
        assert!(is_hard_wrapped(&text));
        let line = "가".repeat(120);
        assert!(!is_hard_wrapped(&format!("{line}\n{line}\n{line}")));
    }

    #[test]
    fn dashes_at_line_end_keep_a_space() {
        assert!(joins_hyphenated("SEOUL-", "BASED"));
        assert!(!joins_hyphenated("said --", "the"));
        assert!(!joins_hyphenated("said -", "the"));
        assert!(!joins_hyphenated("post-", "\"quoted\""));
    }

    #[test]
    fn empty_and_blank() {
        assert!(paragraphs("").is_empty());
        assert!(paragraphs(" \n\t\n").is_empty());
    }
}
