//! Cleaning one document: from raw field text to paragraphs separated by blank lines, with
//! the title as the first paragraph.
//!
//! The steps, in order (all but the first are skipped with `--clean none`):
//! 1. `\r\n`/`\r` → `\n`, a leading byte-order mark dropped ([`chars`]).
//! 2. HTML remnants removed and entities decoded ([`markup`]); NFKC and invisible characters
//!    ([`chars`]).
//! 3. The title: a copy of the record's title at the start of the text is removed from it
//!    (the title then opens the text); the Korean New Year files' preface gives the title of
//!    a text without a title field ([`title`]).
//! 4. Paragraphs: hard wraps joined, paragraph breaks kept ([`wrap`]).
//! 5. KCNA cleaning, with `--clean kcna`, or with `auto` when the body opens with a KCNA
//!    dateline (possibly after a title line, or a title line printed twice with evidence that
//!    it is a heading, see [`find_dateline`]) or ends with the
//!    ` -0-` end mark ([`kcna`]): the dateline is removed and returned, a title line before it
//!    becomes the title (a second copy of it is removed), end marks and footer paragraphs are
//!    removed, glued leader names spaced.
//! 6. The text is assembled: title, blank line, paragraphs separated by blank lines.
//!
//! Cleaning removes only what it can show is not body text, and counts it ([`removed`]). A
//! line repeated in plain text is body text (a speech's "I have a dream today.", a refrain):
//! a repeated line is taken for a title only between the start and a KCNA dateline, which
//! proves where the body begins, and only when a copy carries HTML markup or is the record's
//! title (repetition alone proves nothing).

pub mod chars;
pub mod kcna;
pub mod markup;
pub mod removed;
pub mod title;
pub mod wrap;

use std::borrow::Cow;

use super::CleanMode;
use kcna::Dateline;
pub use removed::{Kind, Removed};

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
    /// What cleaning removed.
    pub removed: Removed,
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
    let mut cleaned = Cleaned::default();
    let removed = &mut cleaned.removed;
    let heading_markup = !markup_done && heading_has_markup(raw);
    let text = normalize(raw, markup_done, removed);
    let given = title.map(|t| clean_title(t, markup_done, removed)).filter(|t| !t.is_empty());
    let (mut title, copy, body) = split_title(&text, given, removed);
    let mut paragraphs = wrap::paragraphs(body);
    let found = find_dateline(&paragraphs, title.as_deref(), heading_markup);
    let end_mark = paragraphs.last().is_some_and(|p| p.ends_with("-0-"));
    if mode == CleanMode::Kcna || found.is_some() || end_mark {
        if let Some((at, _)) = found
            && at > 0
        {
            cleaned.displaced_title =
                heading_before_dateline(&mut paragraphs, &mut title, at, copy, removed);
        }
        cleaned.dateline = found.map(|(_, d)| d);
        clean_kcna(&mut paragraphs, &mut title, cleaned.dateline.as_ref(), removed);
    }
    cleaned.text = assemble(title.as_deref(), &paragraphs);
    cleaned.title = title;
    cleaned
}

/// Steps 1 and 2: line endings, markup, Unicode.
fn normalize(raw: &str, markup_done: bool, removed: &mut Removed) -> String {
    let mut text = chars::normalize_newlines(raw);
    if !markup_done {
        apply(&mut text, |t| markup::strip_remnants(t, removed));
    }
    apply(&mut text, |t| chars::normalize_unicode(t, removed));
    text.into_owned()
}

/// A title: markup, Unicode, kcna.kp's `[Juche113.1.2.]` stamps, whitespace collapsed.
fn clean_title(raw: &str, markup_done: bool, removed: &mut Removed) -> String {
    let text = normalize(raw, markup_done, removed);
    let unstamped = kcna::strip_juche_stamp(&text);
    if let Cow::Owned(_) = unstamped {
        let stamps = kcna::count_juche_stamps(&text);
        let kept = removed::visible_chars(&unstamped);
        removed.add_chars(Kind::Stamp, stamps, removed::visible_chars(&text) - kept);
    }
    chars::collapsed(&unstamped)
}

/// Run a cleaning step that returns its input borrowed when it changed nothing, keeping the
/// text without a copy in that case.
fn apply(text: &mut Cow<'_, str>, mut step: impl FnMut(&str) -> Cow<'_, str>) {
    let changed = match step(text) {
        Cow::Owned(s) => Some(s),
        Cow::Borrowed(_) => None,
    };
    if let Some(s) = changed {
        *text = Cow::Owned(s);
    }
}

/// Step 3: the title, the copy of the record's title removed from the start of the text (if
/// any), and the body after it. That copy is not counted as removed: the title opens the
/// text. Only one copy goes; a second is text, unless a KCNA dateline follows it (see
/// [`find_dateline`]).
fn split_title<'a>(
    text: &'a str,
    given: Option<String>,
    removed: &mut Removed,
) -> (Option<String>, Option<&'a str>, &'a str) {
    if let Some(t) = given {
        let body = title::strip_leading_title(text, &t).unwrap_or(text);
        let copy = (body.len() < text.len()).then(|| &text[..text.len() - body.len()]);
        return (Some(t), copy, body);
    }
    if let Some((t, body)) = title::newyear_preface(text) {
        let preface = removed::visible_chars(&text[..text.len() - body.len()]);
        let kept = t.as_deref().map_or(0, removed::visible_chars);
        removed.add_chars(Kind::Preface, 1, preface - kept);
        return (t, None, body);
    }
    (None, None, text)
}

/// The heading before a dateline found in paragraph `at` (1 or 2): a second copy of the title
/// line goes, and the line becomes the title (see [`title_from_first_line`]); returns the
/// record's title when the line displaced it. The title paragraph stands for one copy of the
/// title in the text; every other copy dropped here is counted, with `copy`, the record
/// title's copy that [`split_title`] took from the start of the text.
fn heading_before_dateline(
    paragraphs: &mut Vec<String>,
    title: &mut Option<String>,
    at: usize,
    copy: Option<&str>,
    removed: &mut Removed,
) -> Option<String> {
    if at == 2 {
        let second = paragraphs.remove(1);
        removed.add(Kind::TitleCopy, 1, &second);
    }
    let line = copy.map(|_| paragraphs[0].clone());
    let displaced = title_from_first_line(paragraphs, title);
    match (copy, line) {
        // The record's title is gone from the text, its copy with it.
        (Some(copy), _) if displaced.is_some() => removed.add(Kind::TitleCopy, 1, copy),
        // The line was the record's title again, after the copy at the start.
        (Some(_), Some(line)) => removed.add(Kind::TitleCopy, 1, &line),
        _ => {}
    }
    displaced
}

/// Lines longer than this are not taken for a title.
const TITLE_MAX: usize = 300;

/// Whether one of the first two non-empty lines of the raw text holds HTML tags: evidence
/// that the lines before a dateline are a heading (the seed article's first title copy is
/// `<nobr><strong>Kim Jong Un</strong></nobr> Makes …`, from a saved page). Only those two
/// lines are looked at, and only when they hold a `<`.
fn heading_has_markup(raw: &str) -> bool {
    let lines = raw.split('\n').filter(|l| !l.trim().is_empty()).take(2);
    lines.filter(|l| l.contains('<')).any(|line| {
        let mut tags = Removed::default();
        let _ = markup::strip_remnants(line, &mut tags);
        tags.count(Kind::MarkupTag) > 0
    })
}

/// The KCNA dateline and the paragraph it opens: the first; the second when the first is
/// short enough to be a title line; the third when the first two are the same title line
/// and something beyond the repetition shows it is a heading: a copy came with markup
/// (`heading_markup`: a page saved as text carries its title twice, from `<title>` and from
/// `<h1>`), or it is the record's `title`. A plain line written twice is body text (a
/// speech's opening sentence said twice), so without that evidence the third paragraph is not
/// looked at. What comes before a dateline is heading, not body, so a second copy of the title
/// there is not body text.
fn find_dateline(
    paragraphs: &[String],
    title: Option<&str>,
    heading_markup: bool,
) -> Option<(usize, Dateline)> {
    let first = paragraphs.first()?;
    if let Some(d) = kcna::parse_dateline(first) {
        return Some((0, d));
    }
    if first.chars().nth(TITLE_MAX).is_some() {
        return None;
    }
    let second = paragraphs.get(1)?;
    if let Some(d) = kcna::parse_dateline(second) {
        return Some((1, d));
    }
    let is_title = title.is_some_and(|t| title::strip_leading_title(first, t) == Some(""));
    let twice = title::strip_leading_title(second, first) == Some("");
    let third = paragraphs.get(2).filter(|_| twice && (heading_markup || is_title))?;
    kcna::parse_dateline(third).map(|d| (2, d))
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
    removed: &mut Removed,
) {
    if let (Some(d), Some(first)) = (dateline, paragraphs.first_mut()) {
        removed.add(Kind::Dateline, 1, &first[..d.len]);
        first.drain(..d.len);
    }
    paragraphs.retain(|p| {
        let footer = kcna::is_footer(p);
        if footer {
            removed.add(Kind::Footer, 1, p);
        }
        !footer
    });
    for p in paragraphs.iter_mut() {
        if kcna::strip_end_mark(p) {
            // Only whitespace goes with the mark.
            removed.add(Kind::EndMark, 1, "-0-");
        }
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
    use proptest::prelude::*;

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
    fn repeated_plain_lines_are_body_text() {
        // A speech that opens with the same sentence twice: nothing is a title, nothing goes.
        let speech = "I have a dream today.\n\nI have a dream today.\n\nThat one day...";
        let c = clean(speech, None);
        assert_eq!((c.title, c.text.matches("I have a dream today.").count()), (None, 2));
        assert!(c.removed.is_empty());
        // A refrain, and five identical lines.
        let poem = "Row, row, row your boat\nRow, row, row your boat\nGently down the stream";
        assert_eq!(clean(poem, None).text.matches("Row, row").count(), 2);
        let five = "Alpha beta gamma delta. Omega ran.\n".repeat(5);
        let c = clean(&five, None);
        assert_eq!(c.text.matches("Omega ran.").count(), 5);
        assert!(c.removed.is_empty());
    }

    #[test]
    fn record_title_copy_goes_once_and_is_not_a_removal() {
        // The copy at the start of the text is the title, which opens the cleaned text; a
        // second copy is text.
        let c = clean("Refrain\nRefrain\nVerse.", Some("Refrain"));
        assert_eq!(c.text, "Refrain\n\nRefrain\n\nVerse.");
        assert!(c.removed.is_empty());
    }

    #[test]
    fn title_printed_twice_before_a_dateline() {
        // The seed article: `<title>` and `<h1>` saved as text, then the dateline.
        let raw =
            "<b>Kim</b> Makes Address\n\n\nKim Makes  Address\n\nPyongyang, May 2 (KCNA) -- Body.";
        let c = clean(raw, None);
        assert_eq!(c.title.as_deref(), Some("Kim Makes Address"));
        assert_eq!(c.text, "Kim Makes Address\n\nBody.");
        let r = c.removed;
        assert_eq!((r.count(Kind::MarkupTag), r.count(Kind::TitleCopy)), (2, 1));
        assert_eq!(r.count(Kind::Dateline), 1);
        // "<b></b>" 7, "KimMakesAddress" 15, "Pyongyang,May2(KCNA)--" 22.
        assert_eq!(r.chars, 7 + 15 + 22);
        // Two different lines before a dateline: only the second can be the title.
        let raw = "Kim Makes Address\n\nKim Visits Farm\n\nPyongyang, May 2 (KCNA) -- B.";
        let c = clean(raw, None);
        assert_eq!(c.dateline, None);
        assert_eq!(c.text, "Kim Makes Address\n\nKim Visits Farm\n\nPyongyang, May 2 (KCNA) -- B.");
    }

    #[test]
    fn a_plain_line_twice_before_a_dateline_is_body_text() {
        // The reviewer's reproduction: no markup, no title field, so nothing shows the line
        // is a heading; both copies stay, and so does the dateline (the body has no start).
        let raw = "We shall overcome today.\nWe shall overcome today.\n\
                   Pyongyang, May 3 (KCNA) -- The people marched.";
        for mode in [CleanMode::Auto, CleanMode::Kcna] {
            let c = clean_document(raw, None, mode, false);
            assert_eq!(c.text.matches("We shall overcome today.").count(), 2, "{mode:?}");
            assert_eq!((c.title, c.dateline), (None, None));
            assert!(c.removed.is_empty(), "{:?}", c.removed);
        }
        // A different record title is no evidence either.
        let c = clean(raw, Some("Marches"));
        assert_eq!(c.text.matches("We shall overcome today.").count(), 2);
        assert_eq!(c.removed.count(Kind::TitleCopy), 0);
        // Markup on the second copy is: one copy came from a page's heading.
        let raw = "We shall overcome today.\n<h1>We shall overcome today.</h1>\n\
                   Pyongyang, May 3 (KCNA) -- The people marched.";
        let c = clean(raw, None);
        assert_eq!(c.text, "We shall overcome today.\n\nThe people marched.");
        assert_eq!((c.removed.count(Kind::TitleCopy), c.removed.count(Kind::MarkupTag)), (1, 2));
        // Markup further on is not about the heading.
        let raw = "Same line.\nSame line.\nPyongyang, May 3 (KCNA) -- <b>Body</b>.";
        assert_eq!(clean(raw, None).text.matches("Same line.").count(), 2);
    }

    #[test]
    fn title_copies_before_a_dateline_are_counted_once_the_title_stands_for_one() {
        let dateline = "Pyongyang, May 2 (KCNA) -- Body.";
        // The record's title, then a different line: that line is the title, and the copy
        // of the record's title ("Old", 3 characters) is gone from the text.
        let c = clean(&format!("Old\n\nNew Title\n\n{dateline}"), Some("Old"));
        assert_eq!(
            (c.text.as_str(), c.displaced_title.as_deref()),
            ("New Title\n\nBody.", Some("Old"))
        );
        assert_eq!((c.removed.count(Kind::TitleCopy), c.removed.chars), (1, 3 + 22));
        // The record's title three times: the title stands for one, two are counted.
        let c = clean(&format!("Same\n\nSame\n\nSame\n\n{dateline}"), Some("Same"));
        assert_eq!(c.text, "Same\n\nBody.");
        assert_eq!((c.removed.count(Kind::TitleCopy), c.removed.chars), (2, 8 + 22));
        // Once at the start and once before the dateline: one counted.
        let c = clean(&format!("Same\n\nSame\n\n{dateline}"), Some("Same"));
        assert_eq!((c.text.as_str(), c.removed.count(Kind::TitleCopy)), ("Same\n\nBody.", 1));
        // Not in the text at all, then a line: nothing of the text is lost.
        let c = clean(&format!("New Title\n\n{dateline}"), Some("Old"));
        assert_eq!((c.removed.count(Kind::TitleCopy), c.removed.chars), (0, 22));
    }

    #[test]
    fn kcna_removals_are_counted() {
        let raw = "Pyongyang, May 2 (KCNA) -- One.\n\nTwo. -0-\n\nCopyright © 2003 - 2022 KCNA";
        let c = clean(raw, Some("Headline\n\n[Juche113.1.2.]"));
        assert_eq!(c.text, "Headline\n\nOne.\n\nTwo.");
        let r = c.removed;
        let counts: Vec<(Kind, u64)> = r.kinds().collect();
        assert_eq!(
            counts,
            [(Kind::Dateline, 1), (Kind::EndMark, 1), (Kind::Footer, 1), (Kind::Stamp, 1)]
        );
        // Dateline 22, "-0-" 3, "Copyright©2003-2022KCNA" 23, "[Juche113.1.2.]" 15.
        assert_eq!(r.chars, 22 + 3 + 23 + 15);
        // Nothing is counted with --clean none.
        assert!(clean_document(raw, None, CleanMode::None, false).removed.is_empty());
    }

    #[test]
    fn newyear_preface_is_counted() {
        let raw = "제목 줄\n- 1947년 01월 01일\n해 제\n요약.\n원 문\n본문.";
        let c = clean(raw, None);
        assert_eq!(c.text, "제목 줄\n\n본문.");
        // All but the title, without spaces: "-1947년01월01일" 12, "해제" 2, "요약." 3, "원문" 2.
        assert_eq!((c.removed.count(Kind::Preface), c.removed.chars), (1, 12 + 2 + 3 + 2));
    }

    #[test]
    fn empty_input() {
        assert_eq!(clean("", None).text, "");
        assert_eq!(clean(" \n\t", Some("  ")).title, None);
        assert_eq!(clean("", Some("Only a title")).text, "Only a title");
    }

    /// Plain text that cannot hold anything cleaning removes, by its characters alone: ASCII
    /// letters from a fixed word list, spaces, tabs, line breaks and `. , ; : ! ' "`. Markup
    /// needs `<` and entities `&`; a dateline needs a dash or `?` after its date; an end mark
    /// is `-0-`; a footer starts with `©`, or `Copyright` before `©`, `(` or a digit; the
    /// New Year preface needs Hangul marker lines; invisible characters and NFKC changes are
    /// not ASCII; no word is "Kim" (glued leader names). None of these characters is here.
    /// Lines come from a small pool, so lines repeat, the first line often among them.
    fn plain_text() -> impl Strategy<Value = String> {
        let word = prop::sample::select(vec![
            "I", "have", "a", "dream", "today", "Alpha", "beta", "gamma", "delta", "Omega", "ran",
            "the", "PARTY", "row", "your", "boat", "we", "shall", "overcome", "Fellow", "citizens",
        ]);
        let punct = prop::sample::select(vec!["", "", "", ".", ",", ";", ":", "!", "'", "\""]);
        let line = prop::collection::vec((word, punct), 1..12).prop_map(|words| {
            let words: Vec<String> = words.into_iter().map(|(w, p)| format!("{w}{p}")).collect();
            words.join(" ")
        });
        let indent = prop::sample::select(vec!["", "", " ", "   ", "\t"]);
        let picks = prop::collection::vec((any::<prop::sample::Index>(), indent, 1..4usize), 1..30);
        (prop::collection::vec(line, 1..5), picks).prop_map(|(pool, picks)| {
            let lines = picks.into_iter().map(|(i, indent, breaks)| {
                format!("{indent}{}{}", i.get(&pool), "\n".repeat(breaks))
            });
            lines.collect()
        })
    }

    fn direction_mark() -> impl Strategy<Value = char> {
        prop::sample::select(
            "\u{200e}\u{200f}\u{61c}\u{202a}\u{202b}\u{202c}\u{202d}\u{202e}\u{2066}\u{2067}\u{2068}\u{2069}"
                .chars()
                .collect::<Vec<_>>(),
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]
        /// Cleaning plain text removes nothing: every word stays, in order, and nothing is
        /// counted as removed (only whitespace may change: wraps joined, runs collapsed).
        #[test]
        fn plain_text_loses_nothing(text in plain_text(), kcna in any::<bool>()) {
            let mode = if kcna { CleanMode::Kcna } else { CleanMode::Auto };
            let c = clean_document(&text, None, mode, false);
            prop_assert_eq!(c.removed, Removed::default());
            prop_assert_eq!(c.title, None);
            let want: Vec<&str> = text.split_whitespace().collect();
            prop_assert_eq!(c.text.split_whitespace().collect::<Vec<_>>(), want);
        }

        /// Direction marks inserted anywhere in plain text are all removed and counted as
        /// invisible characters, and the text is what cleaning makes of it without them.
        #[test]
        fn direction_marks_are_removed_and_counted(
            text in plain_text(),
            marks in prop::collection::vec((any::<prop::sample::Index>(), direction_mark()), 1..8),
            kcna in any::<bool>(),
        ) {
            let mode = if kcna { CleanMode::Kcna } else { CleanMode::Auto };
            let marked = crate::analysis::tests::with_marks(&text, &marks);
            let c = clean_document(&marked, None, mode, false);
            let n = marks.len() as u64;
            prop_assert_eq!((c.removed.count(Kind::Invisible), c.removed.chars), (n, n));
            prop_assert_eq!(c.text, clean_document(&text, None, mode, false).text);
        }
    }
}
