//! The strings of counted n-grams, built once per level in id order.
//!
//! An n-gram's string is its prefix's string, a space, and its last word, so each level is
//! built from the one above it with one lookup per n-gram, walking ids in order. Rows then
//! copy their strings from here, instead of walking n levels and n vocabulary entries each.

use rayon::prelude::*;

use crate::analysis::Vocabulary;
use crate::count::NgramCounts;
use crate::table::TextColumn;

/// Key and surface strings of every counted n-gram.
pub struct NgramStrings {
    keys: Vec<TextColumn>,
    surfaces: Vec<TextColumn>,
}

impl NgramStrings {
    /// Build the strings of every level of `counts`.
    pub fn new(counts: &NgramCounts, vocab: &Vocabulary) -> Self {
        let (keys, surfaces) = rayon::join(
            || build(counts.levels.iter().map(|l| (&l.prefix[..], &l.last[..])), |k| vocab.key(k)),
            || {
                let levels =
                    counts.levels.iter().map(|l| (&l.surfaces.prefix[..], &l.surfaces.last[..]));
                build(levels, |s| vocab.surface(s))
            },
        );
        NgramStrings { keys, surfaces }
    }

    /// The key string of n-gram `id` at level `n` (stems joined by spaces).
    pub fn key(&self, n: usize, id: u32) -> &str {
        self.keys[n - 1].get(id as usize)
    }

    /// The string of surface n-gram `sid` at level `n`.
    pub fn surface(&self, n: usize, sid: u32) -> &str {
        self.surfaces[n - 1].get(sid as usize)
    }
}

/// Build level after level: (parent ids, last word ids) per level.
fn build<'a, F>(levels: impl Iterator<Item = (&'a [u32], &'a [u32])>, word: F) -> Vec<TextColumn>
where
    F: Fn(u32) -> &'a str + Sync,
{
    let mut out: Vec<TextColumn> = Vec::new();
    for (n, (parent, last)) in levels.enumerate() {
        let above = out.last();
        let chunks: Vec<TextColumn> = (0..last.len())
            .collect::<Vec<_>>()
            .par_chunks(1 << 15)
            .map(|ids| {
                let mut col = TextColumn::with_capacity(ids.len());
                for &id in ids {
                    let w = word(last[id]);
                    match above {
                        Some(up) if n > 0 => col.push_joined([up.get(parent[id] as usize), w], " "),
                        _ => col.push(w),
                    }
                }
                col
            })
            .collect();
        let mut level = TextColumn::with_capacity(last.len());
        for c in chunks {
            level.append(c);
        }
        out.push(level);
    }
    out
}
