//! What cleaning removed from a document, by kind, so that a user can audit it: the run
//! summary adds them up over the corpus and `refrain docs` shows `removed_chars` per document.
//!
//! Only removals are counted: text that cleaning can show is not body text and drops (markup,
//! datelines, end marks, footers, a heading printed twice, a known preface, headline stamps,
//! invisible characters). Changes that keep the text (NFKC, decoded entities, whitespace
//! collapsed, hard wraps joined, spaces put around glued names) are not removals, and neither
//! is a copy of the record's title at the start of the text: the title stays, as the text's
//! first paragraph.
//!
//! A page read from an `.html` file starts as the text the page shows: its tags are its
//! format (like a JSON file's quotes), not removals. In plain text they are counted.

/// A kind of removal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// KCNA datelines (`Pyongyang, December 24 (KCNA) --`), kept as metadata.
    Dateline,
    /// KCNA end marks (` -0-`).
    EndMark,
    /// Site footers and copyright lines.
    Footer,
    /// A heading line printed twice before a KCNA dateline (one copy is kept as the title).
    TitleCopy,
    /// The Korean New Year files' editor's preface (from the title line to `원 문`).
    Preface,
    /// kcna.kp's `[Juche113.1.2.]` stamps in headlines.
    Stamp,
    /// HTML tags, comments and declarations in plain text (`<nobr>`, `<!-- … -->`), each
    /// counted once; the content of `<script>`/`<style>` goes with its tag.
    MarkupTag,
    /// Soft hyphens, zero-width spaces, word joiners and stray byte-order marks.
    Invisible,
}

impl Kind {
    /// Every kind, in the order the summary lists them.
    pub const ALL: [Kind; 8] = [
        Kind::Dateline,
        Kind::EndMark,
        Kind::Footer,
        Kind::TitleCopy,
        Kind::Preface,
        Kind::Stamp,
        Kind::MarkupTag,
        Kind::Invisible,
    ];

    /// Singular and plural name.
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            Kind::Dateline => ("dateline", "datelines"),
            Kind::EndMark => ("end mark", "end marks"),
            Kind::Footer => ("footer", "footers"),
            Kind::TitleCopy => ("title copy", "title copies"),
            Kind::Preface => ("preface", "prefaces"),
            Kind::Stamp => ("headline stamp", "headline stamps"),
            Kind::MarkupTag => ("markup tag", "markup tags"),
            Kind::Invisible => ("invisible character", "invisible characters"),
        }
    }
}

/// Removals from one document (or, summed, from a corpus).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Removed {
    /// How many of each kind, indexed by `Kind as usize`.
    counts: [u64; Kind::ALL.len()],
    /// Characters other than whitespace in all of them.
    pub chars: u64,
}

impl Removed {
    /// Count `n` removals of `kind` that held the text `removed` together.
    pub fn add(&mut self, kind: Kind, n: u64, removed: &str) {
        self.counts[kind as usize] += n;
        self.chars += visible_chars(removed);
    }

    /// Count `n` removals of `kind` that held `chars` characters other than whitespace.
    pub fn add_chars(&mut self, kind: Kind, n: u64, chars: u64) {
        self.counts[kind as usize] += n;
        self.chars += chars;
    }

    /// How many removals of `kind`.
    pub fn count(&self, kind: Kind) -> u64 {
        self.counts[kind as usize]
    }

    /// Add another document's removals.
    pub fn merge(&mut self, other: &Removed) {
        for (mine, theirs) in self.counts.iter_mut().zip(other.counts) {
            *mine += theirs;
        }
        self.chars += other.chars;
    }

    /// Whether nothing was removed.
    pub fn is_empty(&self) -> bool {
        *self == Removed::default()
    }

    /// The non-zero kinds with their counts, in [`Kind::ALL`] order.
    pub fn kinds(&self) -> impl Iterator<Item = (Kind, u64)> + '_ {
        Kind::ALL.into_iter().map(|k| (k, self.count(k))).filter(|&(_, n)| n > 0)
    }
}

/// Characters of `s` that are not whitespace.
pub fn visible_chars(s: &str) -> u64 {
    if s.is_ascii() {
        return s.bytes().filter(|b| !b.is_ascii_whitespace()).count() as u64;
    }
    s.chars().filter(|c| !c.is_whitespace()).count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_merges_and_lists_kinds() {
        let mut a = Removed::default();
        assert!(a.is_empty());
        a.add(Kind::Dateline, 1, "Pyongyang, May 2 (KCNA) -- ");
        a.add(Kind::MarkupTag, 2, "<b></b>");
        assert_eq!((a.count(Kind::Dateline), a.count(Kind::MarkupTag), a.chars), (1, 2, 22 + 7));
        let mut total = Removed::default();
        total.merge(&a);
        total.merge(&a);
        assert_eq!((total.count(Kind::Dateline), total.count(Kind::MarkupTag)), (2, 4));
        assert_eq!(total.chars, 58);
        let kinds: Vec<_> = total.kinds().collect();
        assert_eq!(kinds, [(Kind::Dateline, 2), (Kind::MarkupTag, 4)]);
    }

    #[test]
    fn whitespace_is_not_counted() {
        assert_eq!(visible_chars(" a\tb\n"), 2);
        assert_eq!(visible_chars("© 2003\u{3000}조선"), 7);
        assert_eq!(visible_chars(""), 0);
    }
}
