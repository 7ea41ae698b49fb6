//! KCNA cleaning: datelines, end marks, site footers, glued leader names, `[Juche…]` stamps.
//!
//! The dateline opens an article's body: `Pyongyang, December 24 (KCNA) --`, with many
//! variants in 25 years of copy: ALL CAPS (1997), other cities (`Mt. Kumgang Resort`,
//! `Kim Chaek`), other agencies (`KNS-KCNA`, `KCNA correspondent`, `Corresponsal de ACNC`),
//! typos (`(KCNA --`, `KCNA)`, `Janurary`), Spanish (`22 de septiembre`, `primero de junio`),
//! a missing agency, single `-`, en/em dashes, and `?` where an em dash lost its encoding.
//! A match counts as a dateline when it has a real month name or a day, and names an agency
//! or has both; a lone `-` (or `?`) separator needs a complete `(AGENCY)` before it.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

use crate::corpus::dates::month_number;

/// What a dateline says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Dateline {
    /// The place, as written (`Pyongyang`, `PYONGYANG`, `Mt. Kumgang Resort`); a few
    /// datelines have none (`September 10 (KCNA) --`).
    pub place: Option<String>,
    /// The agency, as written (`KCNA`, `ACNC`, `KNS-KCNA`, `KCNA correspondent`).
    pub agency: Option<String>,
    /// Month and day, when the month name is readable (`Janurary` is not).
    pub month_day: Option<(u32, u32)>,
    /// The year, in the rare datelines that have one (`November 15, 2015 22:13 KST`).
    pub year: Option<i32>,
    /// Byte length of the dateline, including the separator and following spaces.
    pub len: usize,
}

static DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)^
        \\?                                              # a stray backslash, seen twice
        (?:
            (?P<place>\p{L}[\p{L}.'\x20-]{0,38}?)
            (?:[,.]\s*|\s+)                              # `Pyongyang,` `Pyongyang.` `Beijing `
        )?
        (?:
            (?P<month>\p{L}+(?:\d\p{L}+)?)\.?(?:[\x20,]*(?P<day>\d{1,2}))?   # D0cember 3, July
          | (?P<eday>\d{1,2}|primero)\s+de\s+(?P<emonth>\p{L}+)
          | (?P<dayonly>\d{1,2})                                          # Pyongyang, 14
        )
        (?:,?\s*(?P<year>\d{4}))?
        (?:\s+\d{1,2}:\d{2}(?:\s*KST)?)?
        ,?\s*
        (?:
            \(\(?\s*(?P<agency>[^()\n]{1,40}?)\s*\)       # (KCNA), ((KCNA)
          | \(\s*(?P<open>[^()\n-]{1,40}?)\s*              # (KCNA --
          | (?P<close>[A-Za-z][A-Za-z-]{1,20})\)          # KCNA) --
        )?
        \s*(?P<sep>--+|—|–|-|\?)[\x20\t]*",
    )
    .unwrap()
});

/// Compile the dateline pattern now. Its bounded repetitions of Unicode classes take about 10
/// ms to compile, and the first document to need it would make every worker wait that long;
/// the pipeline calls this on a pool thread while the main thread walks the folders (unless
/// cleaning is off, when the pattern is never used).
pub fn prepare() {
    LazyLock::force(&DATELINE);
}

/// Parse a dateline at the start of a paragraph.
pub fn parse_dateline(paragraph: &str) -> Option<Dateline> {
    // Datelines are short; never let the regex look further than this.
    let head = &paragraph[..floor_char_boundary(paragraph, 160)];
    let c = DATELINE.captures(head)?;
    let agency =
        ["agency", "open", "close"].iter().find_map(|n| c.name(n)).map(|m| m.as_str().trim());
    let (month, day) = match (c.name("month"), c.name("emonth")) {
        (Some(m), _) => {
            (month_number(m.as_str()), c.name("day").and_then(|d| d.as_str().parse().ok()))
        }
        (None, Some(m)) => {
            let day = if &c["eday"] == "primero" { Some(1) } else { c["eday"].parse().ok() };
            (month_number(m.as_str()), day)
        }
        _ => (None, c.name("dayonly").and_then(|d| d.as_str().parse().ok())),
    };
    let place = c.name("place").map(|p| p.as_str().trim().to_string());
    // `September 10 (KCNA)`: the regex reads the month as a place followed by a day.
    let (month, place) = match (month, place.as_deref().and_then(month_number)) {
        (None, Some(m)) => (Some(m), None),
        _ => (month, place),
    };
    // How sure the match is: a real month or a day; a lone `-` or `?` only after a complete
    // `(AGENCY)`; no agency only with month, day and a real dash. This keeps prose such as
    // "The impact of the coronavirus disease (COVID-19)" from passing for a dateline.
    let dash = matches!(&c["sep"], "—" | "–") || c["sep"].starts_with("--");
    let sure = (month.is_some() || day.is_some())
        && (dash || c.name("agency").is_some())
        && (agency.is_some() || (month.is_some() && day.is_some() && place.is_some()));
    if !sure {
        return None;
    }
    let month_day =
        month.zip(day).filter(|&(m, d)| chrono::NaiveDate::from_ymd_opt(2000, m, d).is_some());
    Some(Dateline {
        place,
        agency: agency.map(str::to_string),
        month_day,
        year: c.name("year").and_then(|y| y.as_str().parse().ok()),
        len: c.get(0).map_or(0, |m| m.end()),
    })
}

fn floor_char_boundary(s: &str, max: usize) -> usize {
    if s.len() <= max {
        return s.len();
    }
    (0..=max).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0)
}

/// Remove a KCNA end mark (` -0-`) from the end of a paragraph. Returns whether there was one.
pub fn strip_end_mark(paragraph: &mut String) -> bool {
    let Some(body) = paragraph.trim_end().strip_suffix("-0-") else { return false };
    let keep = body.trim_end().len();
    paragraph.truncate(keep);
    true
}

/// Whether a paragraph is a site footer: a copyright line (`Copyright © 2003 - 2022 …`,
/// `© …`) or the Korean kcna.co.jp "contact us" line. A paragraph that merely starts with
/// the word ("Copyright and Related Rights…") is text.
pub fn is_footer(paragraph: &str) -> bool {
    let p = paragraph.trim_start();
    if p.starts_with('©') || p.starts_with("홈페지봉사에 관한 문의") {
        return true;
    }
    let Some(rest) = p.strip_prefix("Copyright").or_else(|| p.strip_prefix("COPYRIGHT")) else {
        return false;
    };
    let rest = rest.trim_start();
    rest.starts_with(['©', '(']) || rest.starts_with(|c: char| c.is_ascii_digit())
}

const LEADERS: [&str; 5] =
    ["Kim Jong Un", "Kim Jong Il", "Kim Il Sung", "Kim Jong Suk", "Kim Yo Jong"];
/// Letters that legitimately follow a leader's name: "Kim Jong Ilia" (a flower),
/// "Kim Il Sungism".
const NAME_SUFFIXES: [&str; 5] = ["ia", "ism", "isms", "ist", "ists"];

/// Put spaces around leader names glued to their neighbours by kcna.kp's markup:
/// `ComradeKim Jong Un` → `Comrade Kim Jong Un`, `atKim Il SungSquare` →
/// `at Kim Il Sung Square`, `Kim Jong Uninvited` → `Kim Jong Un invited`.
pub fn unglue_leaders(s: &str) -> Cow<'_, str> {
    let mut out: Option<String> = None;
    let mut copied = 0;
    for pos in memchr::memmem::find_iter(s.as_bytes(), b"Kim ") {
        let Some(name) = LEADERS.iter().find(|n| s[pos..].starts_with(*n)) else { continue };
        let end = pos + name.len();
        let before = s[..pos].chars().next_back().is_some_and(char::is_lowercase);
        let word_len = s[end..].find(|c: char| !c.is_alphabetic()).unwrap_or(s.len() - end);
        let after = word_len > 0 && !NAME_SUFFIXES.contains(&&s[end..end + word_len]);
        if before || after {
            let out = out.get_or_insert_with(|| String::with_capacity(s.len() + 16));
            out.push_str(&s[copied..pos]);
            out.push_str(if before { " " } else { "" });
            out.push_str(name);
            out.push_str(if after { " " } else { "" });
            copied = end;
        }
    }
    match out {
        Some(mut out) => {
            out.push_str(&s[copied..]);
            Cow::Owned(out)
        }
        None => Cow::Borrowed(s),
    }
}

static JUCHE_STAMP: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s*\[Juche\s*\d+(?:\.\s*\d+)*\.?\]").unwrap());

/// Remove kcna.kp's date stamps from headlines: `Floral Tribute Paid\n\n[Juche113.1.2.]`.
pub fn strip_juche_stamp(title: &str) -> Cow<'_, str> {
    if !title.contains("[Juche") {
        return Cow::Borrowed(title);
    }
    JUCHE_STAMP.replace_all(title, "")
}

/// How many `[Juche…]` stamps a headline holds.
pub fn count_juche_stamps(title: &str) -> u64 {
    JUCHE_STAMP.find_iter(title).count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Place, agency, month and day, and the text after the dateline.
    type Parsed = Option<(String, Option<String>, Option<(u32, u32)>, String)>;

    fn dl(s: &str) -> Parsed {
        parse_dateline(s)
            .map(|d| (d.place.unwrap_or_default(), d.agency, d.month_day, s[d.len..].to_string()))
    }
    fn some(place: &str, agency: Option<&str>, md: Option<(u32, u32)>, rest: &str) -> Parsed {
        Some((place.into(), agency.map(Into::into), md, rest.into()))
    }

    #[test]
    fn common_datelines() {
        assert_eq!(
            dl("Pyongyang, December 24 (KCNA) -- Kim Jong Un"),
            some("Pyongyang", Some("KCNA"), Some((12, 24)), "Kim Jong Un")
        );
        assert_eq!(
            dl("PYONGYANG, MARCH 2 (KCNA) --  SECRETARY"),
            some("PYONGYANG", Some("KCNA"), Some((3, 2)), "SECRETARY")
        );
        assert_eq!(
            dl("TOKYO, FEBRUARY 28 (KNS-KCNA) -- A"),
            some("TOKYO", Some("KNS-KCNA"), Some((2, 28)), "A")
        );
        assert_eq!(
            dl("Pyongyang, 22 de septiembre (ACNC) ? Ahora"),
            some("Pyongyang", Some("ACNC"), Some((9, 22)), "Ahora")
        );
        assert_eq!(
            dl("Hamhung, primero de junio (ACNC) -- Con"),
            some("Hamhung", Some("ACNC"), Some((6, 1)), "Con")
        );
        assert_eq!(
            dl("Pyongyang, November 3 (KCNA) – Avengers"),
            some("Pyongyang", Some("KCNA"), Some((11, 3)), "Avengers")
        );
        assert_eq!(
            dl("Pyongyang, July 14 (KCNA) — The"),
            some("Pyongyang", Some("KCNA"), Some((7, 14)), "The")
        );
    }

    #[test]
    fn odd_datelines() {
        assert_eq!(
            dl("Mt. Kumgang Resort, May 2 (KCNA) -- X"),
            some("Mt. Kumgang Resort", Some("KCNA"), Some((5, 2)), "X")
        );
        assert_eq!(dl("Pyongyang, 14 (KCNA) -- A"), some("Pyongyang", Some("KCNA"), None, "A"));
        assert_eq!(dl("Tokyo 21 ( KNS) - We"), some("Tokyo", Some("KNS"), None, "We"));
        assert_eq!(dl("September 10 (KCNA) -- The"), some("", Some("KCNA"), Some((9, 10)), "The"));
        assert_eq!(
            dl("Rajin-Sonbong, January 31 (KCNA) -- A"),
            some("Rajin-Sonbong", Some("KCNA"), Some((1, 31)), "A")
        );
        assert_eq!(
            dl("Paek-am, 23 de febrero (ACNC) -- Los"),
            some("Paek-am", Some("ACNC"), Some((2, 23)), "Los")
        );
        assert_eq!(
            dl("Kim Chaek, December 29 (KCNA) -- X"),
            some("Kim Chaek", Some("KCNA"), Some((12, 29)), "X")
        );
        assert_eq!(
            dl("Vientiane, May 3 (KCNA Correspondent) -- X"),
            some("Vientiane", Some("KCNA Correspondent"), Some((5, 3)), "X")
        );
        assert_eq!(
            dl("Singapur, 11 de mayo (corresponsal de la ACNC)   -- X"),
            some("Singapur", Some("corresponsal de la ACNC"), Some((5, 11)), "X")
        );
        assert_eq!(dl("Pyongyang, May 5 -- X"), some("Pyongyang", None, Some((5, 5)), "X"));
        assert_eq!(
            dl("Pyongyang, June 12 (KCNA) - Secretary"),
            some("Pyongyang", Some("KCNA"), Some((6, 12)), "Secretary")
        );
        assert_eq!(
            dl("Pyongyang, Janurary 12 (KCNA) --Binod"),
            some("Pyongyang", Some("KCNA"), None, "Binod")
        );
        assert_eq!(
            dl("Pyongyang, June 13 (KCNAS -- The"),
            some("Pyongyang", Some("KCNAS"), Some((6, 13)), "The")
        );
        assert_eq!(
            dl("Pyongyang, July 8 KCNA) -- Minjok"),
            some("Pyongyang", Some("KCNA"), Some((7, 8)), "Minjok")
        );
        assert_eq!(
            dl("Pyongang,February 24(KCNA)--A meeting"),
            some("Pyongang", Some("KCNA"), Some((2, 24)), "A meeting")
        );
        assert_eq!(
            dl("Beijing June 26 (KCNA) -- Hong"),
            some("Beijing", Some("KCNA"), Some((6, 26)), "Hong")
        );
        assert_eq!(
            dl("Pyongyang, June18 (KCNA) -- The"),
            some("Pyongyang", Some("KCNA"), Some((6, 18)), "The")
        );
        assert_eq!(
            dl("\\Pyongyang, 30 de junio (ACNC) -- Los"),
            some("Pyongyang", Some("ACNC"), Some((6, 30)), "Los")
        );
        assert_eq!(
            dl("Pyongyang, June 28, (KCNA) -- The"),
            some("Pyongyang", Some("KCNA"), Some((6, 28)), "The")
        );
        assert_eq!(
            dl("Pyongyang, October 12 ((KCNA) -- The"),
            some("Pyongyang", Some("KCNA"), Some((10, 12)), "The")
        );
        assert_eq!(dl("Pyongyang, July (KCNA) - We"), some("Pyongyang", Some("KCNA"), None, "We"));
        let with_year =
            parse_dateline("Pyongyang, November 15, 2015 22:13 KST (KCNA) — Senior").unwrap();
        assert_eq!((with_year.year, with_year.month_day), (Some(2015), Some((11, 15))));
    }

    #[test]
    fn not_datelines() {
        assert_eq!(dl("In March 5 - we"), None);
        assert_eq!(dl("In March -- we"), None);
        assert_eq!(dl("May 5 -- we met"), None);
        assert_eq!(dl("The impact of the coronavirus disease (COVID-19) pandemic"), None);
        assert_eq!(dl("Our goal, peace (and more) - for all"), None);
        assert_eq!(dl("One day in June Juche 102 (2013), the respected"), None);
        assert_eq!(dl("Kim Jong Un said -- and"), None);
        assert_eq!(dl("The conference, held on December 23, was"), None);
        assert_eq!(dl(""), None);
        assert_eq!(dl(&"가".repeat(100)), None);
    }

    #[test]
    fn end_marks_and_footers() {
        let mut p = "The Cabinet team beat its rival 3:0. -0-".to_string();
        assert!(strip_end_mark(&mut p));
        assert_eq!(p, "The Cabinet team beat its rival 3:0.");
        let mut p = "No mark here.".to_string();
        assert!(!strip_end_mark(&mut p));
        assert!(is_footer("Copyright © 2003 - 2022 《조선륙일오편집사》 All Rights Reserved"));
        assert!(is_footer("홈페지봉사에 관한 문의를 하려면 여기를 눌러주십시오"));
        assert!(is_footer("© KCNA"));
        assert!(!is_footer("Copyright and Related Rights include"));
    }

    #[test]
    fn leaders_unglued() {
        assert_eq!(unglue_leaders("ComradeKim Jong Un"), "Comrade Kim Jong Un");
        assert_eq!(unglue_leaders("held atKim Il SungSquare on"), "held at Kim Il Sung Square on");
        assert_eq!(unglue_leaders("byKim Jong Unwas"), "by Kim Jong Un was");
        assert_eq!(unglue_leaders("Kim Jong Uninvited"), "Kim Jong Un invited");
        assert_eq!(
            unglue_leaders("GeneralKim Jong Il\" and SecretaryKim Yo Jong."),
            "General Kim Jong Il\" and Secretary Kim Yo Jong."
        );
        assert_eq!(
            unglue_leaders("the Kim Jong Ilia Greenhouse, Kim Il Sungism"),
            "the Kim Jong Ilia Greenhouse, Kim Il Sungism"
        );
        assert_eq!(
            unglue_leaders("Kim Jong Un's speech; Kim Yong Nam"),
            "Kim Jong Un's speech; Kim Yong Nam"
        );
        assert!(matches!(unglue_leaders("Kim Jong Un, chairman"), Cow::Borrowed(_)));
    }

    #[test]
    fn juche_stamps() {
        assert_eq!(
            strip_juche_stamp("Floral Tribute Paid\n\n[Juche113.1.2.]"),
            "Floral Tribute Paid"
        );
        assert_eq!(strip_juche_stamp("Juche Idea Study"), "Juche Idea Study");
        assert_eq!(count_juche_stamps("A [Juche113.1.2.] B [Juche 1]"), 2);
    }
}
