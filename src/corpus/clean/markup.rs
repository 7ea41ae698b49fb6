//! HTML: whole pages (`.html` files) turned into paragraphs, and HTML remnants
//! (`<nobr><strong>Kim Jong Un</strong></nobr>`) removed from plain text.
//!
//! One hand-written scanner serves both, in one pass with `memchr` to find each `<`. In a page,
//! every tag is markup and whitespace means a space; in plain text only tags with a known HTML
//! name are removed (so `a <b> c` loses its `<b>`, while `x < y and z > w` stays) and line
//! breaks are kept. Block elements (`p br div h1-h6 li tr …`) become paragraph breaks, the
//! content of `script style noscript template` is dropped, and entities are decoded after the
//! tags are gone (so `&lt;b&gt;` stays text).
//!
//! The scan is linear whatever the input: each search that could fail (the `-->` of a
//! comment, the `>` of a declaration) remembers its answer, so that 40,000 `<!--` without a
//! `-->` are not each followed by a search of the rest of the text.

use std::borrow::Cow;

use super::removed::{Kind, Removed};

/// A page turned into text.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Page {
    /// Paragraphs separated by `"\n\n"`, whitespace inside each collapsed to single spaces.
    pub text: String,
    /// The first `<h1>`, else the `<title>`.
    pub title: Option<String>,
}

/// Turn an HTML page into paragraphs of text.
pub fn page_to_text(html: &str) -> Page {
    let mut scan = Scanner {
        src: html,
        page: true,
        out: String::with_capacity(html.len() / 2),
        ..Default::default()
    };
    scan.run();
    let title =
        scan.h1.or(scan.title).map(|t| collapse(&decode_entities(&t))).filter(|t| !t.is_empty());
    let decoded = decode_entities(&scan.out);
    let paragraphs: Vec<String> =
        decoded.split("\n\n").map(collapse).filter(|p| !p.is_empty()).collect();
    Page { text: paragraphs.join("\n\n"), title }
}

/// Remove HTML remnants from plain text and decode its entities; line breaks are kept. The
/// tags removed are added to `removed`.
pub fn strip_remnants<'a>(text: &'a str, removed: &mut Removed) -> Cow<'a, str> {
    let stripped = if memchr::memchr(b'<', text.as_bytes()).is_some() {
        let mut scan = Scanner {
            src: text,
            page: false,
            out: String::with_capacity(text.len()),
            ..Default::default()
        };
        scan.run();
        removed.merge(&scan.removed);
        if scan.changed { Cow::Owned(scan.out) } else { Cow::Borrowed(text) }
    } else {
        Cow::Borrowed(text)
    };
    match decode_entities(&stripped) {
        Cow::Borrowed(_) => stripped,
        Cow::Owned(s) => Cow::Owned(s),
    }
}

/// Decode HTML entities (`&amp; &nbsp; &#8217;`), only when the text has an `&`.
pub fn decode_entities(s: &str) -> Cow<'_, str> {
    if memchr::memchr(b'&', s.as_bytes()).is_none() {
        return Cow::Borrowed(s);
    }
    html_escape::decode_html_entities(s)
}

/// Collapse every run of whitespace to one space and trim.
fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Tag names removed from plain text. Anything else in angle brackets is left alone.
const KNOWN: &[&str] = &[
    "a",
    "abbr",
    "article",
    "b",
    "big",
    "blockquote",
    "body",
    "br",
    "center",
    "code",
    "dd",
    "div",
    "dl",
    "dt",
    "em",
    "font",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hr",
    "html",
    "i",
    "img",
    "li",
    "link",
    "meta",
    "nobr",
    "noscript",
    "ol",
    "p",
    "pre",
    "s",
    "script",
    "section",
    "small",
    "span",
    "strike",
    "strong",
    "style",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "template",
    "tfoot",
    "th",
    "thead",
    "title",
    "tr",
    "tt",
    "u",
    "ul",
    "wbr",
];
/// Elements that end a paragraph.
const BLOCK: &[&str] = &[
    "article",
    "blockquote",
    "br",
    "dd",
    "div",
    "dl",
    "dt",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "title",
    "tr",
    "ul",
];
/// Elements whose content is not text.
const RAW: &[&str] = &["script", "style", "noscript", "template"];

/// A tag found at some `<`.
struct Tag<'a> {
    /// Lower-case element name; empty for comments, `<!DOCTYPE …>` and `<?xml …>`, `!` for
    /// any other `<!…>` and `?` for any other `<?…>`.
    name: Cow<'a, str>,
    closing: bool,
    /// Byte index just after the tag.
    end: usize,
}

#[derive(Default)]
struct Scanner<'a> {
    src: &'a str,
    /// A whole page (every tag is markup, whitespace is a space) or remnants in plain text.
    page: bool,
    out: String,
    changed: bool,
    title: Option<String>,
    h1: Option<String>,
    h1_start: Option<usize>,
    /// The tags removed (counted in plain text; a page is all markup).
    removed: Removed,
    /// Where the next `-->`, the next `>` and the next closing tag of each [`RAW`] element are.
    comment_end: NextFind,
    gt: NextFind,
    raw_close: [NextFind; RAW.len()],
}

impl Scanner<'_> {
    fn run(&mut self) {
        let bytes = self.src.as_bytes();
        let (mut pos, mut copied) = (0, 0);
        while let Some(off) = memchr::memchr(b'<', &bytes[pos..]) {
            let lt = pos + off;
            let tag = parse_tag(self.src, lt, &mut self.comment_end, &mut self.gt);
            let Some((tag, end)) = tag
                .filter(|t| self.page || is_known(t))
                .and_then(|t| self.extent(&t).map(|end| (t, end)))
            else {
                pos = lt + 1;
                continue;
            };
            self.text(&self.src[copied..lt]);
            self.changed = true;
            pos = self.element(&tag, end);
            copied = pos;
            if !self.page {
                self.removed.add(Kind::MarkupTag, 1, &self.src[lt..pos]);
            }
        }
        self.text(&self.src[copied..]);
    }

    /// Copy text; in a page, line breaks are only whitespace.
    fn text(&mut self, s: &str) {
        if self.page {
            self.out.extend(s.chars().map(|c| if c.is_whitespace() { ' ' } else { c }));
        } else {
            self.out.push_str(s);
        }
    }

    /// Where the markup that starts with `tag` ends: after the tag, or for a [`RAW`] element
    /// after its closing tag. In plain text an unclosed `<script>` is text (an article may
    /// name the element); in a page it runs to the end.
    fn extent(&mut self, tag: &Tag) -> Option<usize> {
        let name = tag.name.as_ref();
        let Some(raw) = RAW.iter().position(|&r| r == name).filter(|_| !tag.closing) else {
            return Some(tag.end);
        };
        let close =
            self.raw_close[raw].find_with(tag.end, |from| closing_tag(self.src, from, name));
        match close {
            Some(at) => Some(
                memchr::memchr(b'>', &self.src.as_bytes()[at..])
                    .map_or(self.src.len(), |i| at + i + 1),
            ),
            None if self.page => Some(self.src.len()),
            None => None,
        }
    }

    /// Act on a tag that ends at `end` (see [`Self::extent`]); returns where scanning resumes.
    fn element(&mut self, tag: &Tag, end: usize) -> usize {
        let name = tag.name.as_ref();
        if !tag.closing && RAW.contains(&name) {
            return end;
        }
        if self.page && name == "title" && !tag.closing {
            let end = skip_past_closing(self.src, tag.end, "title");
            let inner = &self.src[tag.end..end];
            let inner = inner.rfind("</").map_or(inner, |i| &inner[..i]);
            self.title.get_or_insert_with(|| inner.to_string());
            return end;
        }
        if self.page && name == "h1" {
            if !tag.closing && self.h1.is_none() {
                self.h1_start = Some(self.out.len() + 2);
            } else if let Some(start) = self.h1_start.take() {
                self.h1 = self.out.get(start..).map(str::to_string);
            }
        }
        if BLOCK.contains(&name) {
            self.out.push_str("\n\n");
        } else if matches!(name, "td" | "th") {
            self.out.push(' ');
        }
        tag.end
    }
}

/// Whether a tag in plain text is markup. `<!…>` and `<?…>` are markup only as a comment, a
/// doctype or an XML declaration: Spanish KCNA copy quotes slogans as `<!Defendamos …!>`.
fn is_known(tag: &Tag) -> bool {
    tag.name.is_empty() || KNOWN.contains(&tag.name.as_ref())
}

/// Parse the tag starting at `lt` (`s[lt] == '<'`), or `None` when this `<` is text.
/// `comment_end` and `gt` find the next `-->` and `>` (calls come in increasing `lt`).
fn parse_tag<'a>(
    s: &'a str,
    lt: usize,
    comment_end: &mut NextFind,
    gt: &mut NextFind,
) -> Option<Tag<'a>> {
    let rest = &s[lt..];
    let b = rest.as_bytes();
    if rest.starts_with("<!--") {
        let end = comment_end.find(s.as_bytes(), lt + 4, b"-->")? + 3;
        return Some(Tag { name: Cow::Borrowed(""), closing: false, end });
    }
    if let Some(&mark @ (b'!' | b'?')) = b.get(1) {
        let end = gt.find(s.as_bytes(), lt, b">")? + 1;
        let keyword = if mark == b'!' { "doctype" } else { "xml" };
        let named =
            b.get(2..2 + keyword.len()).is_some_and(|k| k.eq_ignore_ascii_case(keyword.as_bytes()));
        let name = if named {
            ""
        } else if mark == b'!' {
            "!"
        } else {
            "?"
        };
        return Some(Tag { name: Cow::Borrowed(name), closing: false, end });
    }
    let closing = b.get(1) == Some(&b'/');
    let name_start = if closing { 2 } else { 1 };
    let name_len = b[name_start..].iter().take_while(|c| c.is_ascii_alphanumeric()).count();
    if name_len == 0 || !b[name_start].is_ascii_alphabetic() {
        return None;
    }
    let after = name_start + name_len;
    if !matches!(b.get(after), Some(b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r')) {
        return None;
    }
    let end = find_tag_end(b, after)?;
    let name = &rest[name_start..after];
    let name = if name.bytes().any(|c| c.is_ascii_uppercase()) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        Cow::Borrowed(name)
    };
    Some(Tag { name, closing, end: lt + end })
}

/// The index after the `>` that closes a tag, skipping quoted attribute values. A `<` before
/// it, or no `>` within 2,000 bytes, means this was not a tag.
fn find_tag_end(b: &[u8], from: usize) -> Option<usize> {
    let mut quote = None;
    for (i, &c) in b.iter().enumerate().skip(from).take(2000) {
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(c),
            (None, b'>') => return Some(i + 1),
            (None, b'<') => return None,
            _ => {}
        }
    }
    None
}

/// The first place a needle occurs at or after some position, remembered for later calls
/// from further on: the first occurrence after `from` is also the first after any later
/// position up to it, and when there is none after `from` there is none after any later one.
#[derive(Default)]
struct NextFind {
    /// The position searched from and what was found there, once searched.
    last: Option<(usize, Option<usize>)>,
}

impl NextFind {
    /// The index of the first `needle` in `hay` at or after `from`.
    fn find(&mut self, hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
        self.find_with(from, |from| memchr::memmem::find(&hay[from..], needle).map(|i| from + i))
    }

    /// What `search(from)` finds (the first match at or after `from`), from memory when an
    /// earlier search answers it.
    fn find_with(
        &mut self,
        from: usize,
        search: impl FnOnce(usize) -> Option<usize>,
    ) -> Option<usize> {
        if let Some((searched, found)) = self.last
            && searched <= from
            && found.is_none_or(|at| at >= from)
        {
            return found;
        }
        let found = search(from);
        self.last = Some((from, found));
        found
    }
}

/// The index of the first `</name` (case-insensitive) at or after `from`.
fn closing_tag(s: &str, from: usize, name: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut pos = from;
    while let Some(off) = memchr::memmem::find(&b[pos..], b"</") {
        let at = pos + off;
        let candidate = &b[at + 2..];
        if candidate.len() >= name.len()
            && candidate[..name.len()].eq_ignore_ascii_case(name.as_bytes())
        {
            return Some(at);
        }
        pos = at + 2;
    }
    None
}

/// The index after `</name …>` (case-insensitive), or the end of the text if it never closes.
fn skip_past_closing(s: &str, from: usize, name: &str) -> usize {
    closing_tag(s, from, name).map_or(s.len(), |at| {
        memchr::memchr(b'>', &s.as_bytes()[at..]).map_or(s.len(), |i| at + i + 1)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip_remnants(text: &str) -> Cow<'_, str> {
        super::strip_remnants(text, &mut Removed::default())
    }

    #[test]
    fn remnants_in_plain_text() {
        let s = "<nobr><strong>Kim Jong Un</strong></nobr> Makes Closing Address\n\nNext";
        assert_eq!(strip_remnants(s), "Kim Jong Un Makes Closing Address\n\nNext");
        assert_eq!(strip_remnants("if x < y and z > w"), "if x < y and z > w");
        assert_eq!(strip_remnants("<sample> and <3 and a<b>c</b>"), "<sample> and <3 and ac");
        assert_eq!(strip_remnants("one<br>two"), "one\n\ntwo");
        assert_eq!(strip_remnants("a<script>var x = '<p>';</script>b"), "ab");
        // An unclosed <script> in plain text is text; in a page it hides the rest.
        let xss = "Never paste <script> into a form. <b>Ever</b>.";
        assert_eq!(strip_remnants(xss), "Never paste <script> into a form. Ever.");
        assert_eq!(page_to_text("a<script>b").text, "a");
        assert_eq!(strip_remnants("a <!-- hidden --> b"), "a  b");
        assert_eq!(strip_remnants("AT&T &amp; &#8217; &nbsp;"), "AT&T & \u{2019} \u{a0}");
        assert!(matches!(strip_remnants("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn removed_tags_are_counted() {
        let mut removed = Removed::default();
        let text = "<nobr><strong>Kim</strong></nobr> x <!-- c --> a < b <script>var a;</script>";
        assert_eq!(super::strip_remnants(text, &mut removed), "Kim x  a < b ");
        assert_eq!(removed.count(Kind::MarkupTag), 6);
        // The tags without spaces: 6 + 8 + 9 + 7, "<!--c-->" 8, "<script>vara;</script>" 22.
        assert_eq!(removed.chars, 30 + 8 + 22);
    }

    #[test]
    fn unclosed_comments_and_declarations_stay_text() {
        let text = format!("{}x <!y <?z", "<!--".repeat(5));
        assert_eq!(strip_remnants(&text), text);
        assert_eq!(strip_remnants("<!-- a <!-- b -->c <!-- d"), "c <!-- d");
        assert_eq!(strip_remnants("<!DOCTYPE html> <?xml version=\"1.0\"?> <!z"), "  <!z");
    }

    #[test]
    fn slogans_in_angle_brackets_are_text() {
        // Spanish KCNA copy (kcna_cojp, 2012-11-28): a slogan quoted in `<! … !>`.
        let text = "la consigna <!Defendamos a costa de la vida el Comite Central!> y";
        assert_eq!(strip_remnants(text), text);
        assert_eq!(strip_remnants("<?que pasa?> <!x>"), "<?que pasa?> <!x>");
        // In a page every tag is markup.
        assert_eq!(page_to_text("<p><![if !IE]>a<![endif]></p>").text, "a");
    }

    #[test]
    fn page() {
        let html = r#"<!DOCTYPE html><html><head><title>Site | Story</title>
            <style>p { color: red }</style><script>if (a<b) {}</script></head>
            <body><h1>The <b>Headline</b></h1><p>First
            paragraph &amp; more.</p><div>Second<br>Third</div>
            <table><tr><td>a</td><td>b</td></tr></table><p>&lt;b&gt; stays</p></body></html>"#;
        let page = page_to_text(html);
        assert_eq!(page.title.as_deref(), Some("The Headline"));
        assert_eq!(
            page.text,
            "The Headline\n\nFirst paragraph & more.\n\nSecond\n\nThird\n\na b\n\n<b> stays"
        );
    }

    #[test]
    fn page_title_without_h1() {
        let page =
            page_to_text("<html><head><TITLE>Only &amp; title</TITLE></head><body>Text</body>");
        assert_eq!(page.title.as_deref(), Some("Only & title"));
        assert_eq!(page.text, "Text");
    }

    #[test]
    fn broken_markup_does_not_panic() {
        for s in
            ["<", "<p", "<!--", "<a href=\"x>", "</", "<script>unclosed", "<h1>x", "a<\u{d55c}>b"]
        {
            let _ = page_to_text(s);
            let _ = strip_remnants(s);
        }
        assert_eq!(page_to_text("<script>unclosed").text, "");
        assert_eq!(strip_remnants("a<\u{d55c}>b"), "a<\u{d55c}>b");
    }
}
