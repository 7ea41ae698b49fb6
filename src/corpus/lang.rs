//! Language detection (`--only-lang`), with `whatlang` on a bounded prefix of the text.
//!
//! KCNA 2012–2018 mixes about 9,000 Spanish articles into the English service; they must be
//! told apart. A prefix of 1,000 bytes is plenty for that and bounds the work on long
//! documents. whatlang costs about 50 µs per call whatever the length (it scores every
//! language of the script), so clear English, the common case, is recognised first by its
//! function words: a prefix where at least 15% of the words are among `the of and to …`
//! is English (no other language whatlang knows uses these words that often). On the
//! corpora this fast path never disagrees with whatlang; see the tests.

use whatlang::Lang;

/// How much of a text is looked at.
const PREFIX: usize = 1000;
/// whatlang's own `is_reliable` rejects about 100 of KCNA's accent-less Spanish articles at
/// confidence 0.5–0.9; on KCNA no answer at 0.5 or above is wrong, so that is accepted too.
const MIN_CONFIDENCE: f64 = 0.5;
/// Texts with fewer letters than this are too short to tell.
const MIN_LETTERS: usize = 20;

/// The ISO 639-1 code of the text's language ("en", "es", "ko"), or `None` when the text is
/// too short or whatlang is not confident.
pub fn detect_language(text: &str) -> Option<&'static str> {
    let mut end = text.len().min(PREFIX);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = &text[..end];
    if head.chars().filter(|c| c.is_alphabetic()).take(MIN_LETTERS).count() < MIN_LETTERS {
        return None;
    }
    if is_clearly_english(head) {
        return Some("en");
    }
    let info = whatlang::detect(head)?;
    let confident = info.is_reliable() || info.confidence() >= MIN_CONFIDENCE;
    confident.then(|| iso639_1(info.lang()))
}

/// The language of a document: from its text, and when the text cannot tell (short items),
/// from the news agency named in its dateline: KCNA's Spanish service signs `(ACNC)` or
/// `(ATCC)`, its English service `(KCNA)`.
pub fn document_language(doc: &super::Document) -> Option<&'static str> {
    detect_language(&doc.text).or_else(|| {
        let agency = doc.meta.get("agency")?.to_ascii_uppercase();
        if agency.contains("ACNC") || agency.contains("ATCC") {
            Some("es")
        } else if agency.contains("KCNA") {
            Some("en")
        } else {
            None
        }
    })
}

/// English function words, frequent in any English text and rare as words elsewhere.
const ENGLISH: [&str; 16] = [
    "the", "of", "and", "to", "is", "that", "for", "was", "with", "by", "are", "this", "from",
    "which", "have", "has",
];

/// Whether at least 15% of at least 30 words are English function words.
fn is_clearly_english(head: &str) -> bool {
    let (mut words, mut english) = (0usize, 0usize);
    for word in head.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| !w.is_empty()) {
        words += 1;
        if word.len() <= 5 && ENGLISH.iter().any(|e| e.eq_ignore_ascii_case(word)) {
            english += 1;
        }
    }
    words >= 30 && english * 100 >= words * 15
}

/// whatlang's ISO 639-3 languages as ISO 639-1 codes.
#[rustfmt::skip]
fn iso639_1(lang: Lang) -> &'static str {
    use Lang::*;
    match lang {
        Epo => "eo", Eng => "en", Rus => "ru", Cmn => "zh", Spa => "es", Por => "pt", Ita => "it",
        Ben => "bn", Fra => "fr", Deu => "de", Ukr => "uk", Kat => "ka", Ara => "ar", Hin => "hi",
        Jpn => "ja", Heb => "he", Yid => "yi", Pol => "pl", Amh => "am", Jav => "jv", Kor => "ko",
        Nob => "nb", Dan => "da", Swe => "sv", Fin => "fi", Tur => "tr", Nld => "nl", Hun => "hu",
        Ces => "cs", Ell => "el", Bul => "bg", Bel => "be", Mar => "mr", Kan => "kn", Ron => "ro",
        Slv => "sl", Hrv => "hr", Srp => "sr", Mkd => "mk", Lit => "lt", Lav => "lv", Est => "et",
        Tam => "ta", Vie => "vi", Urd => "ur", Tha => "th", Guj => "gu", Uzb => "uz", Pan => "pa",
        Aze => "az", Ind => "id", Tel => "te", Pes => "fa", Mal => "ml", Ori => "or", Mya => "my",
        Nep => "ne", Sin => "si", Khm => "km", Tuk => "tk", Aka => "ak", Zul => "zu", Sna => "sn",
        Afr => "af", Lat => "la", Slk => "sk", Cat => "ca", Tgl => "tl", Hye => "hy", Cym => "cy",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_items_fall_back_to_the_dateline_agency() {
        let mut doc = super::super::Document {
            text: "Director de Consejo llega a Pyongyang. Llego este martes Jin Xian.".into(),
            ..Default::default()
        };
        assert_eq!(detect_language(&doc.text), None);
        doc.meta.insert("agency".into(), "ACNC".into());
        assert_eq!(document_language(&doc), Some("es"));
        doc.meta.insert("agency".into(), "KCNA".into());
        assert_eq!(document_language(&doc), Some("en"));
    }

    #[test]
    fn english_spanish_korean() {
        let en = "Kim Jong Un, chairman of the Workers' Party of Korea, guided the 5th Conference of Cell Chairpersons of WPK held from Dec. 21 to 23 amid the deep concern of all party members.";
        let es = "El presidente del Presidium de la Asamblea Popular Suprema de la Republica Popular Democratica de Corea envio el dia 21 un mensaje de felicitacion a los participantes.";
        let ko = "오늘 우리 군대와 인민은 혁명적대고조의 위대한 새 력사를 창조한 승리자의 긍지드높이 새해를 맞이한다.";
        assert_eq!(detect_language(en), Some("en"));
        assert_eq!(detect_language(es), Some("es"));
        assert_eq!(detect_language(ko), Some("ko"));
    }

    #[test]
    fn too_short_or_empty() {
        assert_eq!(detect_language(""), None);
        assert_eq!(detect_language("Hello there"), None);
        assert_eq!(detect_language("12345 67890 ... !!!"), None);
    }

    #[test]
    fn long_text_cut_at_a_char_boundary() {
        let text = "가나다라마바사아자차카타파하 ".repeat(500);
        assert_eq!(detect_language(&text), Some("ko"));
    }
}
