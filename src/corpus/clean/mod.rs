//! Cleaning one document: from raw field text to paragraphs separated by blank lines, with
//! the title as the first paragraph.
//!
//! The steps, in order (all but the first are skipped with `--clean none`):
//! 1. `\r\n`/`\r` → `\n`, a leading byte-order mark dropped ([`chars`]).
//! 2. HTML remnants removed and entities decoded ([`markup`]); NFKC and invisible characters
//!    ([`chars`]).
//! 3. The title: a record's title repeated at the start of the text is removed from it; a
//!    text without a title field may give one (a first line repeated as the next line, or the
//!    Korean New Year files' preface) ([`title`]).
//! 4. Paragraphs: hard wraps joined, paragraph breaks kept ([`wrap`]).
//! 5. KCNA cleaning, with `--clean kcna`, or with `auto` when the body opens with a KCNA
//!    dateline (possibly after a title line) or ends with the ` -0-` end mark ([`kcna`]): the
//!    dateline is removed and returned, a title line before it becomes the title, end marks
//!    and footer paragraphs are removed, glued leader names spaced.
//! 6. The text is assembled: title, blank line, paragraphs separated by blank lines.

pub mod chars;
pub mod kcna;
pub mod markup;
pub mod title;
pub mod wrap;

use std::borrow::Cow;

use super::CleanMode;
use kcna::Dateline;

/// A cleaned document.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Cleaned {
    /// The cleaned title: the record's, or one found in the text.
    pub title: Option<String>,
    /// Title (if any) and paragraphs, separated by `"\n\n"`. With `--clean none`, the raw text
    /// with only line endings and the byte-order mark normalised, and no title prepended.
    pub text: String,
    /// The KCNA dateline removed from the start of the body.
    pub dateline: Option<Dateline>,
    /// The record's title, when the text carried a different title line before its dateline
    /// (which then became the title; see [`clean_document`]).
    pub displaced_title: Option<String>,
}

/// Clean a document's raw text. `title` is the record's title field, if any; `markup_done`
/// says the text came from an HTML page already converted (so it is not stripped or
/// entity-decoded twice).
pub fn clean_document(
    raw: &str,
    title: Option<&str>,
    mode: CleanMode,
    markup_done: bool,
) -> Cleaned {
    if mode == CleanMode::None {
        let title = title.map(str::trim).filter(|t| !t.is_empty()).map(str::to_string);
        let text = chars::normalize_newlines(raw).into_owned();
        return Cleaned { title, text, ..Cleaned::default() };
    }
    let text = normalize(raw, markup_done);
    let given = title.map(|t| clean_title(t, markup_done)).filter(|t| !t.is_empty());
    let (mut title, body) = split_title(&text, given);
    let mut paragraphs = wrap::paragraphs(body);
    let found = find_dateline(&paragraphs);
    let end_mark = paragraphs.last().is_some_and(|p| p.ends_with("-0-"));
    let mut cleaned = Cleaned::default();
    if mode == CleanMode::Kcna || found.is_some() || end_mark {
        if let Some((1, _)) = found {
            cleaned.displaced_title = title_from_first_line(&mut paragraphs, &mut title);
        }
        cleaned.dateline = found.map(|(_, d)| d);
        clean_kcna(&mut paragraphs, &mut title, cleaned.dateline.as_ref());
    }
    cleaned.text = assemble(title.as_deref(), &paragraphs);
    cleaned.title = title;
    cleaned
}

/// Steps 1 and 2: line endings, markup, Unicode.
fn normalize(raw: &str, markup_done: bool) -> String {
    let mut text = chars::normalize_newlines(raw);
    if !markup_done {
        apply(&mut text, markup::strip_remnants);
    }
    apply(&mut text, chars::normalize_unicode);
    text.into_owned()
}

/// A title: markup, Unicode, kcna.kp's `[Juche113.1.2.]` stamps, whitespace collapsed.
fn clean_title(raw: &str, markup_done: bool) -> String {
    let text = normalize(raw, markup_done);
    chars::collapsed(&kcna::strip_juche_stamp(&text))
}

/// Run a cleaning step that returns its input borrowed when it changed nothing, keeping the
/// text without a copy in that case.
fn apply(text: &mut Cow<'_, str>, step: impl Fn(&str) -> Cow<'_, str>) {
    let changed = match step(text) {
        Cow::Owned(s) => Some(s),
        Cow::Borrowed(_) => None,
    };
    if let Some(s) = changed {
        *text = Cow::Owned(s);
    }
}

/// Step 3: the title and the body after it.
fn split_title(text: &str, given: Option<String>) -> (Option<String>, &str) {
    if let Some(t) = given {
        // Pages saved twice over carry the title twice; remove up to two copies.
        let once = title::strip_leading_title(text, &t).unwrap_or(text);
        let body = title::strip_leading_title(once, &t).unwrap_or(once);
        return (Some(t), body);
    }
    if let Some((t, body)) = title::newyear_preface(text) {
        return (t, body);
    }
    match title::repeated_first_line(text) {
        Some((t, body)) => (Some(t), body),
        None => (None, text),
    }
}

/// Lines longer than this are not taken for a title.
const TITLE_MAX: usize = 300;

/// The KCNA dateline and the paragraph it opens: the first, or the second when the first is
/// short enough to be a title line.
fn find_dateline(paragraphs: &[String]) -> Option<(usize, Dateline)> {
    let first = paragraphs.first()?;
    if let Some(d) = kcna::parse_dateline(first) {
        return Some((0, d));
    }
    if first.chars().nth(TITLE_MAX).is_some() {
        return None;
    }
    paragraphs.get(1).and_then(|p| kcna::parse_dateline(p)).map(|d| (1, d))
}

/// A short line before the dateline is the article's own title. kcna.co.jp's `content` is
/// always its title line + body, but in ~1,450 records the `title` field differs: a typo
/// away, or shifted from the neighbouring article. The line in the text is the one that goes
/// with the body, so it becomes the title; the record's differing title is returned.
fn title_from_first_line(
    paragraphs: &mut Vec<String>,
    title: &mut Option<String>,
) -> Option<String> {
    let line = paragraphs.remove(0);
    let same = title.as_deref().is_some_and(|t| title::strip_leading_title(&line, t) == Some(""));
    if same { None } else { title.replace(line) }
}

/// Step 5: remove the dateline (already parsed from the first paragraph), footers and end
/// marks; space glued leader names.
fn clean_kcna(
    paragraphs: &mut Vec<String>,
    title: &mut Option<String>,
    dateline: Option<&Dateline>,
) {
    if let (Some(d), Some(first)) = (dateline, paragraphs.first_mut()) {
        first.drain(..d.len);
    }
    paragraphs.retain(|p| !kcna::is_footer(p));
    for p in paragraphs.iter_mut() {
        kcna::strip_end_mark(p);
        if let Cow::Owned(s) = kcna::unglue_leaders(p) {
            *p = s;
        }
    }
    paragraphs.retain(|p| !p.is_empty());
    if let Some(t) = title
        && let Cow::Owned(s) = kcna::unglue_leaders(t)
    {
        *t = s;
    }
}

/// Step 6.
fn assemble(title: Option<&str>, paragraphs: &[String]) -> String {
    let len =
        title.map_or(0, |t| t.len() + 2) + paragraphs.iter().map(|p| p.len() + 2).sum::<usize>();
    let mut text = String::with_capacity(len);
    for part in title.into_iter().chain(paragraphs.iter().map(String::as_str)) {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(part);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(raw: &str, title: Option<&str>) -> Cleaned {
        clean_document(raw, title, CleanMode::Auto, false)
    }

    #[test]
    fn kcna_record_with_title_in_content() {
        let raw = "Kim Jong Un Makes Speech\r\n Pyongyang, December 24 (KCNA) -- Kim Jong Un, chairman, made a speech.\n\t\t\t\t\t Noting that successes were analyzed, he said so.\n\t\t\t\t\t\n\t\t\t\t\t Done. -0-";
        let c = clean(raw, Some("Kim Jong Un Makes Speech"));
        assert_eq!(
            c.text,
            "Kim Jong Un Makes Speech\n\nKim Jong Un, chairman, made a speech.\n\nNoting that successes were analyzed, he said so.\n\nDone."
        );
        let d = c.dateline.unwrap();
        assert_eq!(
            (d.place.as_deref(), d.agency.as_deref(), d.month_day),
            (Some("Pyongyang"), Some("KCNA"), Some((12, 24)))
        );
    }

    #[test]
    fn title_line_before_dateline_wins_over_a_different_record_title() {
        // kcna.co.jp: the record's title belongs to the neighbouring article.
        let raw = "S. Korean workers' struggle supported\r\n   Pyongyang, January 9 (KCNA) -- Rodong Sinmun says so.";
        let c = clean(raw, Some("5th anniv. of establishment of diplomatic relations"));
        assert_eq!(c.text, "S. Korean workers' struggle supported\n\nRodong Sinmun says so.");
        assert_eq!(
            c.displaced_title.as_deref(),
            Some("5th anniv. of establishment of diplomatic relations")
        );
        assert_eq!(c.dateline.unwrap().month_day, Some((1, 9)));
        // Plain text: a title line before a dateline is the title.
        let c = clean("Title Line\nPyongyang, May 2 (KCNA) -- Body.", None);
        assert_eq!((c.title.as_deref(), c.displaced_title), (Some("Title Line"), None));
    }

    #[test]
    fn kcna_1997_caps_and_hyphenation() {
        let raw = "Japan urged to quit\r\n   PYONGYANG, MARCH 2 (KCNA) -- JAPANESE CHIEF CABINET \r\nSECRETARY SAID SEOUL-\r\nBASED RADIO \r\nREPORTED IT.\r\n   IN A COMMENTARY THE DAILY SAYS \r\nSO. \r\n\r\n";
        let c = clean(raw, Some("Japan urged to quit"));
        assert_eq!(
            c.text,
            "Japan urged to quit\n\nJAPANESE CHIEF CABINET SECRETARY SAID SEOUL-BASED RADIO REPORTED IT.\n\nIN A COMMENTARY THE DAILY SAYS SO."
        );
        assert_eq!(c.dateline.unwrap().place.as_deref(), Some("PYONGYANG"));
    }

    #[test]
    fn generic_text_is_not_kcna_cleaned() {
        let raw = "Fellow-Citizens of the Senate:\n\nAmong the vicissitudes incident to life -0- no event.\n";
        let c = clean(raw, None);
        assert_eq!(
            c.text,
            "Fellow-Citizens of the Senate:\n\nAmong the vicissitudes incident to life -0- no event."
        );
        assert_eq!(c.dateline, None);
        // With --clean kcna the end mark rule applies to every paragraph end only.
        let k = clean_document("Text ends. -0-", None, CleanMode::Kcna, false);
        assert_eq!(k.text, "Text ends.");
    }

    #[test]
    fn none_mode_only_decodes() {
        let c = clean_document(
            "\u{feff}<b>T</b>\r\nPyongyang, May 1 (KCNA) -- x -0-",
            Some(" T "),
            CleanMode::None,
            false,
        );
        assert_eq!(c.text, "<b>T</b>\nPyongyang, May 1 (KCNA) -- x -0-");
        assert_eq!(c.title.as_deref(), Some("T"));
        assert_eq!(c.dateline, None);
    }

    #[test]
    fn kcna_kp_headline_stamp_and_glue() {
        let c = clean(
            "Pyongyang, January 1 (KCNA) -- A ceremony was held atKim Il SungSquare.\nComradeKim Jong Uninvited them. -0-",
            Some("Tribute to PresidentKim Il Sung\n\n[Juche113.1.2.]"),
        );
        assert_eq!(
            c.text,
            "Tribute to President Kim Il Sung\n\nA ceremony was held at Kim Il Sung Square.\n\nComrade Kim Jong Un invited them."
        );
        assert_eq!(c.title.as_deref(), Some("Tribute to President Kim Il Sung"));
    }

    #[test]
    fn html_remnants_entities_and_nfkc() {
        let c = clean("Text with &amp; and <i>italic</i>\u{3000}and full－width？", None);
        assert_eq!(c.text, "Text with & and italic and full-width?");
    }

    #[test]
    fn empty_input() {
        assert_eq!(clean("", None).text, "");
        assert_eq!(clean(" \n\t", Some("  ")).title, None);
        assert_eq!(clean("", Some("Only a title")).text, "Only a title");
    }
}
