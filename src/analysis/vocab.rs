//! Interning words to integer ids: per-worker [`LocalVocab`]s, merged into one [`Vocabulary`].
//!
//! Workers analyse documents in parallel and intern surface forms into their own
//! `LocalVocab`. The pipeline then absorbs the local vocabularies into the global one *in
//! corpus order*, so global ids are the order of first appearance in the corpus, whatever the
//! number of threads. Each distinct surface form is stemmed once, when it first enters the
//! global vocabulary.

use crate::collections::{HashMap, HashSet, new_map};

use super::Analyzer;

/// Surface forms interned by one worker, in order of first appearance.
///
/// Interning runs once per word of the corpus, so it is on the hot path. Nearly all words are
/// at most 16 bytes long; those are looked up by their bytes packed into a u128 (no string
/// hashing, no `memcmp`), longer ones by their string.
#[derive(Debug, Default)]
pub struct LocalVocab {
    short: HashMap<u128, u32>,
    long: HashMap<Box<str>, u32>,
    /// The words in id order, end to end in one buffer (no allocation per word).
    words: Strings,
}

/// The bytes of a word of at most 16 bytes, zero-padded: distinct for distinct words, because
/// words never contain a NUL byte (the caller checks).
fn pack(word: &str) -> u128 {
    let mut bytes = [0u8; 16];
    bytes[..word.len()].copy_from_slice(word.as_bytes());
    u128::from_le_bytes(bytes)
}

/// The lower-case surface form of an ASCII word of 1 to 16 bytes, packed as [`pack`] packs
/// it, straight from the word as written (no string is made); `None` for other words (and
/// for words holding `` ` ``).
///
/// Eight bytes at a time: a byte is an upper-case letter when adding 0x80 − `A` sets its top
/// bit and adding 0x80 − (`Z` + 1) does not; adding 0x20 to it lower-cases it.
pub fn pack_lower_ascii(word: &str) -> Option<u128> {
    let bytes = word.as_bytes();
    if bytes.is_empty() || bytes.len() > 16 {
        return None;
    }
    let mut padded = [0u8; 16];
    padded[..bytes.len()].copy_from_slice(bytes);
    let lower = |half: [u8; 8]| -> Option<u64> {
        const ONES: u64 = u64::from_ne_bytes([1; 8]);
        const HIGHS: u64 = ONES * 0x80;
        let x = u64::from_le_bytes(half);
        // Not ASCII, or a NUL inside the word (padding NULs come after its last byte).
        if x & HIGHS != 0 {
            return None;
        }
        let upper =
            (x + ONES * (0x80 - b'A' as u64)) & !(x + ONES * (0x80 - b'Z' as u64 - 1)) & HIGHS;
        Some(x | upper >> 2)
    };
    let (lo, hi) = padded.split_at(8);
    let lo = lower(lo.try_into().expect("eight bytes"))?;
    let hi = lower(hi.try_into().expect("eight bytes"))?;
    // A NUL, or a `` ` `` standing in for an apostrophe (which the surface form makes `'`,
    // see `normalize`): checked in the same loop.
    if bytes.iter().any(|&b| b == 0 || b == b'`') {
        return None;
    }
    Some((hi as u128) << 64 | lo as u128)
}

impl LocalVocab {
    /// An empty vocabulary.
    pub fn new() -> Self {
        LocalVocab { short: new_map(), long: new_map(), words: Strings::default() }
    }

    /// The id of `word`, adding it if new.
    pub fn intern(&mut self, word: &str) -> u32 {
        if word.len() <= 16 && !word.as_bytes().contains(&0) {
            let next = self.words.len() as u32;
            let id = *self.short.entry(pack(word)).or_insert(next);
            if id == next {
                self.words.push(word);
            }
            return id;
        }
        if let Some(&id) = self.long.get(word) {
            return id;
        }
        let id = self.words.len() as u32;
        self.words.push(word);
        self.long.insert(word.into(), id);
        id
    }

    /// The id of the word [`pack_lower_ascii`] packed, adding it if new.
    pub fn intern_packed(&mut self, packed: u128) -> u32 {
        let next = self.words.len() as u32;
        let id = *self.short.entry(packed).or_insert(next);
        if id == next {
            let bytes = packed.to_le_bytes();
            let len = bytes.iter().position(|&b| b == 0).unwrap_or(16);
            let word = std::str::from_utf8(&bytes[..len]).expect("ASCII");
            self.words.push(word);
        }
        id
    }

    /// Number of distinct words.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// True when no word was interned.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

/// Strings stored end to end in one buffer: writing a million rows looks words up at random,
/// and words packed together share cache lines, where separately allocated strings do not.
#[derive(Debug, Default)]
struct Strings {
    text: String,
    ends: Vec<u32>,
}

impl Strings {
    fn push(&mut self, s: &str) {
        self.text.push_str(s);
        self.ends.push(u32::try_from(self.text.len()).expect("vocabulary under 4 GB"));
    }

    fn get(&self, id: u32) -> &str {
        let i = id as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The strings in id order.
    fn iter(&self) -> impl Iterator<Item = &str> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts.zip(&self.ends).map(|(start, &end)| &self.text[start as usize..end as usize])
    }
}

/// The corpus-wide vocabulary: surface forms, their keys, and which keys are stop words.
///
/// Ids: a *surface id* names a lower-cased word as written ("policies"); a *key id* names its
/// normalised key ("polici"), shared by all surface forms that stem alike.
#[derive(Debug)]
pub struct Vocabulary {
    surface_map: HashMap<Box<str>, u32>,
    surfaces: Strings,
    surface_key: Vec<u32>,
    key_map: HashMap<Box<str>, u32>,
    keys: Strings,
    key_stop: Vec<bool>,
    stop_keys: HashSet<String>,
}

impl Vocabulary {
    /// An empty vocabulary whose stop keys are those of `analyzer`.
    pub fn new(analyzer: &Analyzer) -> Self {
        Vocabulary {
            surface_map: new_map(),
            surfaces: Strings::default(),
            surface_key: Vec::new(),
            key_map: new_map(),
            keys: Strings::default(),
            key_stop: Vec::new(),
            stop_keys: analyzer.stop_keys(),
        }
    }

    /// Add a worker's words; returns the global surface id of each local id.
    pub fn absorb(&mut self, local: &LocalVocab, analyzer: &Analyzer) -> Vec<u32> {
        local.words.iter().map(|w| self.surface_id(w, analyzer)).collect()
    }

    fn surface_id(&mut self, word: &str, analyzer: &Analyzer) -> u32 {
        if let Some(&id) = self.surface_map.get(word) {
            return id;
        }
        let key = analyzer.key(word);
        let key_id = self.key_id(key);
        let id = self.surfaces.len() as u32;
        let boxed: Box<str> = word.into();
        self.surfaces.push(word);
        self.surface_map.insert(boxed, id);
        self.surface_key.push(key_id);
        id
    }

    fn key_id(&mut self, key: String) -> u32 {
        if let Some(&id) = self.key_map.get(key.as_str()) {
            return id;
        }
        let id = self.keys.len() as u32;
        self.key_stop.push(self.stop_keys.contains(&key));
        let boxed: Box<str> = key.into();
        self.keys.push(&boxed);
        self.key_map.insert(boxed, id);
        id
    }

    /// The surface form with this id.
    pub fn surface(&self, id: u32) -> &str {
        self.surfaces.get(id)
    }

    /// The key id of a surface id.
    pub fn key_of_surface(&self, id: u32) -> u32 {
        self.surface_key[id as usize]
    }

    /// The key string with this id.
    pub fn key(&self, id: u32) -> &str {
        self.keys.get(id)
    }

    /// Is this key a stop word (the key of a word in the stop list)?
    pub fn is_stop(&self, key_id: u32) -> bool {
        self.key_stop[key_id as usize]
    }

    /// The id of a key string, if the corpus has it.
    pub fn find_key(&self, key: &str) -> Option<u32> {
        self.key_map.get(key).copied()
    }

    /// The id of a surface form, if the corpus has it.
    pub fn find_surface(&self, surface: &str) -> Option<u32> {
        self.surface_map.get(surface).copied()
    }

    /// Number of distinct surface forms.
    pub fn surface_count(&self) -> usize {
        self.surfaces.len()
    }

    /// Number of distinct keys.
    pub fn key_count(&self) -> usize {
        self.keys.len()
    }

    /// Key id of every surface id, indexed by surface id.
    pub fn surface_keys(&self) -> &[u32] {
        &self.surface_key
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn packed_lower_case_equals_packing_the_lower_case(word in "[ -~\0é]{0,18}") {
            let want = (!word.is_empty() && word.len() <= 16 && word.is_ascii() && !word.contains(['\0', '`']))
                .then(|| pack(&word.to_ascii_lowercase()));
            proptest::prop_assert_eq!(pack_lower_ascii(&word), want);
        }
    }

    #[test]
    fn packed_and_string_interning_agree() {
        let mut v = LocalVocab::new();
        let a = v.intern_packed(pack_lower_ascii("Party").unwrap());
        assert_eq!((v.intern("party"), v.words.get(a)), (a, "party"));
        assert_eq!(v.intern_packed(pack_lower_ascii("PARTY").unwrap()), a);
    }

    #[test]
    fn short_and_long_words_intern_apart_and_consistently() {
        let mut v = LocalVocab::new();
        let words =
            ["a", "ab", "abcdefgh", "abcdefghijklmnopq", "a\0", "ab", "abcdefghijklmnopq", "조선"];
        let ids: Vec<u32> = words.iter().map(|w| v.intern(w)).collect();
        assert_eq!(ids, [0, 1, 2, 3, 4, 1, 3, 5]);
        assert_eq!(v.len(), 6);
        assert_eq!(v.words.get(4), "a\0");
    }
}
