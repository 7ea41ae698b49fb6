//! Stemming: the Snowball stemmers of rust-stemmers, chosen by `--lang`.

use std::fmt;
use std::str::FromStr;

use rust_stemmers::{Algorithm, Stemmer};

use super::normalize::is_unstemmable_script;

/// A language with a Snowball stemmer (every algorithm rust-stemmers provides).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Language {
    name: &'static str,
    algorithm: Algorithm,
}

/// Every supported language: (name, ISO 639-1 code, algorithm).
const LANGUAGES: &[(&str, &str, Algorithm)] = &[
    ("arabic", "ar", Algorithm::Arabic),
    ("danish", "da", Algorithm::Danish),
    ("dutch", "nl", Algorithm::Dutch),
    ("english", "en", Algorithm::English),
    ("finnish", "fi", Algorithm::Finnish),
    ("french", "fr", Algorithm::French),
    ("german", "de", Algorithm::German),
    ("greek", "el", Algorithm::Greek),
    ("hungarian", "hu", Algorithm::Hungarian),
    ("italian", "it", Algorithm::Italian),
    ("norwegian", "no", Algorithm::Norwegian),
    ("portuguese", "pt", Algorithm::Portuguese),
    ("romanian", "ro", Algorithm::Romanian),
    ("russian", "ru", Algorithm::Russian),
    ("spanish", "es", Algorithm::Spanish),
    ("swedish", "sv", Algorithm::Swedish),
    ("tamil", "ta", Algorithm::Tamil),
    ("turkish", "tr", Algorithm::Turkish),
];

impl Language {
    /// English, the default.
    pub const ENGLISH: Language = Language { name: "english", algorithm: Algorithm::English };

    /// The language's lower-case English name, e.g. `english`.
    pub fn name(self) -> &'static str {
        self.name
    }

    /// Names of every supported language, for help texts and error messages.
    pub fn names() -> impl Iterator<Item = &'static str> {
        LANGUAGES.iter().map(|(n, _, _)| *n)
    }
}

impl FromStr for Language {
    type Err = String;

    /// Accepts the English name (`english`) or the ISO 639-1 code (`en`), in any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.to_ascii_lowercase();
        LANGUAGES
            .iter()
            .find(|(name, code, _)| *name == lower || *code == lower)
            .map(|&(name, _, algorithm)| Language { name, algorithm })
            .ok_or_else(|| {
                let names: Vec<_> = Language::names().collect();
                format!("unknown language `{s}`; expected none or one of: {}", names.join(", "))
            })
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

/// Turns surface forms into keys. Holds no state but the algorithm, so it is shared freely
/// between threads.
pub struct KeyMaker {
    stemmer: Option<Stemmer>,
}

impl KeyMaker {
    /// A key maker that stems with `language`, or keeps surface forms when `None`.
    pub fn new(language: Option<Language>) -> Self {
        KeyMaker { stemmer: language.map(|l| Stemmer::create(l.algorithm)) }
    }

    /// The key of a surface form (already lower-cased and normalised).
    ///
    /// In a hyphenated compound only the last part is stemmed ("socialist-oriented" →
    /// "socialist-orient"), because the Snowball algorithms expect a single word. Words in
    /// scripts without a stemmer (Hangul, Han, Kana) are their own key, and so are words with
    /// a full stop inside (abbreviations: "u.s" would otherwise lose its "s").
    pub fn key(&self, surface: &str) -> String {
        let Some(stemmer) = &self.stemmer else { return surface.to_string() };
        if is_unstemmable_script(surface) || surface.contains('.') {
            return surface.to_string();
        }
        match surface.rfind('-') {
            Some(i) if i + 1 < surface.len() => {
                let (head, last) = surface.split_at(i + 1);
                format!("{head}{}", stemmer.stem(last))
            }
            _ => stemmer.stem(surface).into_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_keys() {
        let k = KeyMaker::new(Some(Language::ENGLISH));
        assert_eq!(k.key("parties"), "parti");
        assert_eq!(k.key("party's"), "parti");
        assert_eq!(k.key("policies"), "polici");
        assert_eq!(k.key("implementing"), "implement");
        assert_eq!(k.key("kimilsungist-kimjongilist"), "kimilsungist-kimjongilist");
        assert_eq!(k.key("socialist-oriented"), "socialist-orient");
        assert_eq!(k.key("1,000"), "1,000");
        assert_eq!(k.key("u.s"), "u.s");
        assert_eq!(k.key("d.p.r.k"), "d.p.r.k");
        assert_eq!(k.key("김일성-김정일주의"), "김일성-김정일주의");
    }

    #[test]
    fn no_stemmer_keeps_the_surface() {
        assert_eq!(KeyMaker::new(None).key("parties"), "parties");
    }

    #[test]
    fn language_names_and_codes() {
        assert_eq!("English".parse::<Language>().unwrap(), Language::ENGLISH);
        assert_eq!("es".parse::<Language>().unwrap().name(), "spanish");
        assert_eq!(Language::names().count(), 18);
        let err = "klingon".parse::<Language>().unwrap_err();
        assert!(err.contains("english") && err.contains("turkish"), "{err}");
    }

    #[test]
    fn every_language_stems() {
        for name in Language::names() {
            let k = KeyMaker::new(Some(name.parse().unwrap()));
            assert!(!k.key("test").is_empty(), "{name}");
        }
    }
}
