//! Titles inside the text: a record's title repeated as the first line(s) of its text (KCNA
//! `content` is title + `\r\n` + body), and the Korean New Year files' editor's preface.
//!
//! A line repeated in plain text is not taken for a title here: it is body text (a speech
//! that opens with the same sentence twice, a poem's refrain). A title printed twice before a
//! KCNA dateline is handled with the dateline (`super::find_dateline`).

/// The text after a leading copy of `title`, compared case- and whitespace-insensitively; the
/// copy must end at a line end (so a title "Kim" does not eat "Kim Jong Un said"). `None`
/// when the text does not start with the title. The copy may span lines (a long KCNA 1997
/// title wraps).
pub fn strip_leading_title<'a>(text: &'a str, title: &str) -> Option<&'a str> {
    let mut want = title.chars().filter(|c| !c.is_whitespace()).peekable();
    want.peek()?;
    let mut rest = text.char_indices();
    let mut end = 0;
    while want.peek().is_some() {
        let (i, c) = rest.find(|(_, c)| !c.is_whitespace())?;
        let w = want.next()?;
        if !same_letter(c, w) {
            return None;
        }
        end = i + c.len_utf8();
    }
    let after = &text[end..];
    let line_end = after.find('\n').unwrap_or(after.len());
    after[..line_end].trim().is_empty().then(|| &after[line_end..])
}

fn same_letter(a: char, b: char) -> bool {
    a == b || (a.is_alphabetic() && a.to_lowercase().eq(b.to_lowercase()))
}

/// The Korean New Year files (1946–2003, 2006) hold a title line, a `- YYYY년 01월 01일` line,
/// a South Korean editor's summary headed `해 제`, and then `원 문` ("original text") before
/// the speech. When both marker lines are present (and in that order), everything up to and
/// including the `원 문` line is dropped, and the first line, if it is not the marker or the
/// date line, becomes the title. Nothing else is touched: this is a corpus quirk, so the rule
/// is kept narrow.
pub fn newyear_preface(text: &str) -> Option<(Option<String>, &str)> {
    let lines = NonEmptyLines::new(text);
    let mut first = None;
    let mut seen_summary = false;
    for (line, end) in lines {
        let line = line.trim();
        if line == "해 제" || line == "해제" {
            seen_summary = true;
        } else if seen_summary && (line == "원 문" || line == "원문") {
            let title = first.filter(|t: &&str| !t.starts_with('-')).map(super::chars::collapsed);
            return Some((title, &text[end..]));
        } else if first.is_none() && !seen_summary {
            first = Some(line);
        }
    }
    None
}

/// Non-empty lines with the byte offset just after each (at its `\n` or the text end).
struct NonEmptyLines<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> NonEmptyLines<'a> {
    fn new(text: &'a str) -> Self {
        NonEmptyLines { text, pos: 0 }
    }
}

impl<'a> Iterator for NonEmptyLines<'a> {
    type Item = (&'a str, usize);
    fn next(&mut self) -> Option<Self::Item> {
        while self.pos < self.text.len() {
            let start = self.pos;
            let end = memchr::memchr(b'\n', &self.text.as_bytes()[start..])
                .map_or(self.text.len(), |i| start + i);
            self.pos = end + 1;
            let line = &self.text[start..end];
            if !line.trim().is_empty() {
                return Some((line, end));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leading_title() {
        let t = "Gifts to Secy. Kim Jong Il from Russia";
        let text = "Gifts to Secy. Kim Jong Il from Russia \n   PYONGYANG, MARCH 2 (KCNA) -- X";
        assert_eq!(strip_leading_title(text, t), Some("\n   PYONGYANG, MARCH 2 (KCNA) -- X"));
        assert_eq!(
            strip_leading_title("  GIFTS to secy.  Kim Jong Il\nfrom Russia\nBody", t),
            Some("\nBody")
        );
        assert_eq!(
            strip_leading_title("Gifts to Secy. Kim Jong Il from Russia again\nBody", t),
            None
        );
        assert_eq!(strip_leading_title("Kim Jong Un said", "Kim"), None);
        assert_eq!(strip_leading_title("Title", "Title"), Some(""));
        assert_eq!(strip_leading_title("Text", ""), None);
        assert_eq!(strip_leading_title("", "Title"), None);
    }

    #[test]
    fn newyear() {
        let text = "이미 얻은 승리를 공고히 하며 \n  \n\n- 1947년 01월 01일 \n해 제\n\n요약 원 문 아님.\n\n원 문\n\n1947년 새해를 맞이하면서";
        let (title, rest) = newyear_preface(text).unwrap();
        assert_eq!(title.as_deref(), Some("이미 얻은 승리를 공고히 하며"));
        assert_eq!(rest, "\n\n1947년 새해를 맞이하면서");
        // Only one of the markers: untouched.
        assert_eq!(newyear_preface("제목\n원 문\n본문"), None);
        assert_eq!(newyear_preface("제목\n해 제\n본문"), None);
        assert_eq!(newyear_preface("원 문\n해 제\n본문"), None);
    }
}
