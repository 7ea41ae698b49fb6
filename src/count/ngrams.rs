//! The level-wise n-gram counter: exact counts with exact pruning, keyed by integers.
//!
//! # How it counts
//!
//! Level 1 counts words (keys). Level `n` counts an n-gram at position `i` only when the
//! (n−1)-gram at `i` and the (n−1)-gram at `i+1` both survived level n−1: a count or document
//! frequency can only shrink when a phrase grows, so an n-gram whose parts fell below
//! `--min-count`/`--min-docs` cannot pass either. The pruning is therefore exact (no count
//! depends on the order of pruning, unlike gensim's `max_vocab_size`) and memory follows the
//! number of surviving phrases, not of all n-grams.
//!
//! An n-gram's key is one u64: (id of its (n−1)-gram prefix at level n−1) << 32 | (key id of
//! its last word). Surviving n-grams get dense ids per level, and `prefix`/`last` decode them.
//! A parallel, cheaper pass interns the *surface* n-grams of survivors the same way, which
//! gives each n-gram's display form (its most frequent surface form) and its variant count.
//! N-grams never cross a sentence boundary, and so never a paragraph, title or document one.

use std::cmp::Ordering;

use rayon::prelude::*;

use super::TokenIndex;
use super::blocks::{
    BLOCK_WORDS, Candidates, DpSpec, HitPool, Keep, NONE, PartCounts, blocks, count_dense,
    count_partitioned,
};
use super::dispersion::Parts;
use super::trie::{TrieLevel, preorder};

/// Which n-grams may start or end with a stop word (`--stopword-edges`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EdgePolicy {
    /// Drop n-grams that start or end with a stop word (stop words vanish from 1-gram lists).
    #[default]
    Drop,
    /// Keep every n-gram.
    Keep,
}

/// What to count.
#[derive(Debug, Clone)]
pub struct CountOptions {
    /// Smallest n reported (1..=8).
    pub min_n: usize,
    /// Largest n reported (min_n..=8).
    pub max_n: usize,
    /// Minimum occurrences of a reported n-gram.
    pub min_count: u32,
    /// Minimum number of documents containing a reported n-gram.
    pub min_docs: u32,
    /// Stop-word edge policy.
    pub edges: EdgePolicy,
}

impl Default for CountOptions {
    fn default() -> Self {
        CountOptions { min_n: 1, max_n: 1, min_count: 1, min_docs: 1, edges: EdgePolicy::Drop }
    }
}

/// Facts about the vocabulary the counter needs, indexed by id.
pub struct VocabFacts<'a> {
    /// Is key id `k` a stop word?
    pub key_stop: &'a [bool],
    /// Rank of key id `k` in the byte order of key strings.
    pub key_rank: &'a [u32],
    /// Rank of surface id `s` in the byte order of surface strings.
    pub surface_rank: &'a [u32],
}

/// The surface n-grams of one level's survivors.
#[derive(Debug, Default, Clone)]
pub struct SurfaceLevel {
    /// Surface n-gram id of the first n−1 words at the level below (`NONE` at level 1).
    pub prefix: Vec<u32>,
    /// Surface id of the last word.
    pub last: Vec<u32>,
    /// Occurrences.
    pub count: Vec<u32>,
    /// The (key) n-gram id this surface form belongs to.
    pub owner: Vec<u32>,
    /// Position of the surface n-gram's string among all surface n-grams' strings.
    pub order: Vec<u32>,
}

/// All surviving n-grams of one length.
#[derive(Debug, Default, Clone)]
pub struct Level {
    /// The n of this level.
    pub n: usize,
    /// Id at level n−1 of the first n−1 words (`NONE` at level 1).
    pub prefix: Vec<u32>,
    /// Key id of the last word.
    pub last: Vec<u32>,
    /// Key id of the first word.
    pub first: Vec<u32>,
    /// Occurrences.
    pub count: Vec<u32>,
    /// Documents containing it.
    pub docs: Vec<u32>,
    /// Whether it is reported (n in range and stop-word edges allowed).
    pub emitted: Vec<bool>,
    /// Gries' DP_norm over documents (NaN when not reported or undefined).
    pub dp: Vec<f64>,
    /// Position of the key string among all key strings of all levels (byte order).
    pub order: Vec<u32>,
    /// Surface id (in `surfaces`) of the display form: the most frequent surface n-gram.
    pub display: Vec<u32>,
    /// Number of distinct surface n-grams.
    pub variants: Vec<u32>,
    /// Surface n-grams of this level.
    pub surfaces: SurfaceLevel,
}

impl Level {
    /// Number of surviving n-grams.
    pub fn len(&self) -> usize {
        self.count.len()
    }

    /// True when none survived.
    pub fn is_empty(&self) -> bool {
        self.count.is_empty()
    }
}

/// The result of counting: one [`Level`] per n from 1 to `max_n`.
#[derive(Debug, Default, Clone)]
pub struct NgramCounts {
    /// `levels[n - 1]` holds the n-grams of length n.
    pub levels: Vec<Level>,
    /// Words in the corpus.
    pub words: u64,
    /// Documents in the corpus.
    pub documents: usize,
}

/// Count n-grams of `index` as `options` say.
pub fn count(index: &TokenIndex, facts: &VocabFacts, options: &CountOptions) -> NgramCounts {
    count_in_blocks(index, facts, options, BLOCK_WORDS)
}

/// [`count`] with blocks of about `block_words` words: counts are merged from independent
/// per-block counts, and the result does not depend on the block size.
pub fn count_in_blocks(
    index: &TokenIndex,
    facts: &VocabFacts,
    options: &CountOptions,
    block_words: usize,
) -> NgramCounts {
    let blocks = blocks(index, block_words);
    let len = index.len();
    let mut out =
        NgramCounts { levels: Vec::new(), words: len as u64, documents: index.doc_count() };
    // The (n−1)-gram id and surface id at every position, replaced by the n-gram ids once level
    // n is counted: the scatter reads them all before the write-back overwrites them.
    let (mut ids, mut sids) = (vec![NONE; len], vec![NONE; len]);
    let parts = Parts::of(index);
    let mut pool = HitPool::default();
    let progress = crate::progress::Progress::new("counting", options.max_n as u64);
    for n in 1..=options.max_n {
        let started = std::time::Instant::now();
        let dp = parts.as_ref().filter(|_| n >= options.min_n).map(|parts| DpSpec {
            parts,
            min_count: options.min_count,
            min_docs: options.min_docs,
        });
        let (candidates, mut level) = if n == 1 {
            let keys = facts.key_stop.len();
            let cands = count_dense(index, &blocks, keys, |i| Some(index.keys[i]), &mut ids, dp);
            let pending = survivors(n, &cands, options, None);
            renumber(&mut ids, &pending.survivor_of);
            let surfaces = words_as_surfaces(index, &blocks, &ids, &mut sids, facts);
            (cands.len(), pending.finish(surfaces, &ids))
        } else {
            // Key and surface n-grams in one pass: (key of the first n − 1 words, last word)
            // and (surface n-gram of the first n − 1 words, last word's surface).
            let key_at = |i: usize| {
                let key = extension(index, &ids, n, i)?;
                Some((key, (sids[i] as u64) << 32 | index.surfaces[i + n - 1] as u64))
            };
            let keep = Keep { min_count: options.min_count, min_docs: options.min_docs };
            let dp = dp.map(|spec| spec.parts);
            let counted = count_partitioned(index, &blocks, key_at, true, keep, dp, &mut pool);
            let below = out.levels.last().expect("level n − 1 exists");
            let level = build_level(n, &counted.parts, below);
            counted.write_ids(index, &blocks, &mut ids, Some(&mut sids));
            let candidates = counted.parts.iter().map(|p| p.keys.len()).sum();
            counted.release(&mut pool);
            (candidates, level)
        };
        level.emitted = emitted(&level, n, options, facts.key_stop);
        for (dp, _) in level.dp.iter_mut().zip(&level.emitted).filter(|(_, e)| !**e) {
            *dp = f64::NAN;
        }
        out.levels.push(level);
        let kept = out.levels[n - 1].len();
        crate::progress::trace(started, || {
            format!("{n}-grams: {candidates} candidates, {kept} kept")
        });
        progress.inc(1);
        if out.levels[n - 1].is_empty() {
            break;
        }
    }
    let started = std::time::Instant::now();
    order_all(&mut out, facts);
    out.levels.par_iter_mut().for_each(choose_display);
    crate::progress::trace(started, || "ordered the n-grams and chose display forms".into());
    out
}

/// The u64 key of the n-gram at `i`, if both of its (n−1)-gram parts survived.
fn extension(index: &TokenIndex, cur: &[u32], n: usize, i: usize) -> Option<u64> {
    let prefix = cur[i];
    if prefix == NONE || i + 1 >= cur.len() || cur[i + 1] == NONE {
        return None;
    }
    // For n ≥ 3 the two parts overlap, so both being inside one sentence puts the whole
    // n-gram inside it; two adjacent words need an explicit check.
    if n == 2 && index.sentence_start[i + 1] {
        return None;
    }
    Some((prefix as u64) << 32 | index.keys[i + n - 1] as u64)
}

/// A level under construction: survivors chosen, surfaces not yet counted.
struct Pending {
    level: Level,
    survivor_of: Vec<u32>,
}

impl Pending {
    fn finish(self, surfaces: Candidates, next: &[u32]) -> Level {
        let mut level = self.level;
        // Every occurrence of a surface n-gram belongs to the same key n-gram.
        let owner = surfaces.first_pos.iter().map(|&p| next[p as usize]).collect();
        let prefix = surfaces.keys.iter().map(|k| (k >> 32) as u32).collect();
        let last = surfaces.keys.iter().map(|&k| k as u32).collect();
        level.surfaces =
            SurfaceLevel { prefix, last, count: surfaces.count, owner, order: Vec::new() };
        level
    }
}

fn survivors(n: usize, c: &Candidates, o: &CountOptions, below: Option<&Level>) -> Pending {
    let mut level = Level { n, ..Default::default() };
    let mut survivor_of = vec![NONE; c.len()];
    for (j, survivor) in survivor_of.iter_mut().enumerate() {
        if c.count[j] < o.min_count || c.docs[j] < o.min_docs {
            continue;
        }
        *survivor = level.count.len() as u32;
        let (prefix, last) = if n == 1 { (NONE, c.keys[j] as u32) } else { split(c.keys[j]) };
        level.first.push(below.map_or(last, |b| b.first[prefix as usize]));
        level.prefix.push(prefix);
        level.last.push(last);
        level.count.push(c.count[j]);
        level.docs.push(c.docs[j]);
        level.dp.push(c.dp.get(j).copied().unwrap_or(f64::NAN));
    }
    Pending { level, survivor_of }
}

fn split(key: u64) -> (u32, u32) {
    ((key >> 32) as u32, key as u32)
}

/// Replace candidate indices by survivor ids (or `NONE`).
fn renumber(slots: &mut [u32], survivor_of: &[u32]) {
    slots.par_chunks_mut(1 << 16).for_each(|chunk| {
        for s in chunk.iter_mut().filter(|s| **s != NONE) {
            *s = survivor_of[*s as usize];
        }
    });
}

/// Intern the surface n-grams at positions where a key n-gram survived.
fn words_as_surfaces(
    index: &TokenIndex,
    blocks: &[std::ops::Range<usize>],
    next: &[u32],
    snext: &mut [u32],
    facts: &VocabFacts,
) -> Candidates {
    let ids = facts.surface_rank.len();
    count_dense(index, blocks, ids, |i| (next[i] != NONE).then(|| index.surfaces[i]), snext, None)
}

/// Level `n` from its per-partition counts: the kept candidates (numbered by the partitions)
/// become survivors, partition by partition, each partition's share filled in parallel, with
/// the surface n-grams they own.
fn build_level(n: usize, parts: &[PartCounts], below: &Level) -> Level {
    let key_lens: Vec<usize> = parts.iter().map(|p| p.kept).collect();
    let surface_lens: Vec<usize> = parts.iter().map(|p| p.surfaces_kept).collect();
    let mut level = Level { n, ..Default::default() };
    let total: usize = key_lens.iter().sum();
    let stotal: usize = surface_lens.iter().sum();
    level.prefix = vec![0; total];
    level.last = vec![0; total];
    level.first = vec![0; total];
    level.count = vec![0; total];
    level.docs = vec![0; total];
    level.dp = vec![f64::NAN; total];
    let mut surfaces = SurfaceLevel {
        prefix: vec![0; stotal],
        last: vec![0; stotal],
        count: vec![0; stotal],
        owner: vec![0; stotal],
        order: Vec::new(),
    };
    let bases = starts(&key_lens);
    let out = LevelSlices::split(&mut level, &key_lens);
    let sout = SurfaceSlices::split(&mut surfaces, &surface_lens);
    out.into_par_iter().zip(sout).zip(parts.par_iter()).enumerate().for_each(
        |(p, ((out, sout), part))| {
            let c = &part.keys;
            for (j, &id) in part.key_ids.iter().enumerate().filter(|(_, id)| **id != NONE) {
                let at = id as usize;
                let (prefix, last) = split(c.keys[j]);
                out.prefix[at] = prefix;
                out.last[at] = last;
                out.first[at] = below.first[prefix as usize];
                out.count[at] = c.count[j];
                out.docs[at] = c.docs[j];
                out.dp[at] = c.dp.get(j).copied().unwrap_or(f64::NAN);
            }
            let s = &part.surfaces;
            for (t, &id) in part.surface_ids.iter().enumerate().filter(|(_, id)| **id != NONE) {
                let at = id as usize;
                let (prefix, last) = split(s.keys[t]);
                sout.prefix[at] = prefix;
                sout.last[at] = last;
                sout.count[at] = s.count[t];
                sout.owner[at] = part.key_ids[s.owner[t] as usize] + bases[p];
            }
        },
    );
    level.surfaces = surfaces;
    level
}

/// Start of each part when parts of these lengths are laid end to end.
fn starts(lens: &[usize]) -> Vec<u32> {
    let mut at = 0u32;
    lens.iter()
        .map(|&l| {
            let s = at;
            at += l as u32;
            s
        })
        .collect()
}

/// Cut `v` into consecutive mutable parts of the given lengths.
fn cut<'a, T>(mut v: &'a mut [T], lens: &[usize]) -> Vec<&'a mut [T]> {
    lens.iter()
        .map(|&l| {
            let (head, tail) = std::mem::take(&mut v).split_at_mut(l);
            v = tail;
            head
        })
        .collect()
}

/// One partition's share of a level's arrays.
struct LevelSlices<'a> {
    prefix: &'a mut [u32],
    last: &'a mut [u32],
    first: &'a mut [u32],
    count: &'a mut [u32],
    docs: &'a mut [u32],
    dp: &'a mut [f64],
}

impl<'a> LevelSlices<'a> {
    fn split(level: &'a mut Level, lens: &[usize]) -> Vec<LevelSlices<'a>> {
        let mut prefix = cut(&mut level.prefix, lens).into_iter();
        let mut last = cut(&mut level.last, lens).into_iter();
        let mut first = cut(&mut level.first, lens).into_iter();
        let mut count = cut(&mut level.count, lens).into_iter();
        let mut docs = cut(&mut level.docs, lens).into_iter();
        let mut dp = cut(&mut level.dp, lens).into_iter();
        (0..lens.len())
            .map(|_| LevelSlices {
                prefix: prefix.next().expect("one per part"),
                last: last.next().expect("one per part"),
                first: first.next().expect("one per part"),
                count: count.next().expect("one per part"),
                docs: docs.next().expect("one per part"),
                dp: dp.next().expect("one per part"),
            })
            .collect()
    }
}

/// One partition's share of a surface level's arrays.
struct SurfaceSlices<'a> {
    prefix: &'a mut [u32],
    last: &'a mut [u32],
    count: &'a mut [u32],
    owner: &'a mut [u32],
}

impl<'a> SurfaceSlices<'a> {
    fn split(level: &'a mut SurfaceLevel, lens: &[usize]) -> Vec<SurfaceSlices<'a>> {
        let mut prefix = cut(&mut level.prefix, lens).into_iter();
        let mut last = cut(&mut level.last, lens).into_iter();
        let mut count = cut(&mut level.count, lens).into_iter();
        let mut owner = cut(&mut level.owner, lens).into_iter();
        (0..lens.len())
            .map(|_| SurfaceSlices {
                prefix: prefix.next().expect("one per part"),
                last: last.next().expect("one per part"),
                count: count.next().expect("one per part"),
                owner: owner.next().expect("one per part"),
            })
            .collect()
    }
}

pub(super) fn emitted(level: &Level, n: usize, o: &CountOptions, key_stop: &[bool]) -> Vec<bool> {
    let in_range = n >= o.min_n;
    (0..level.len())
        .map(|j| {
            in_range
                && (o.edges == EdgePolicy::Keep
                    || !(key_stop[level.first[j] as usize] || key_stop[level.last[j] as usize]))
        })
        .collect()
}

/// Pick each n-gram's display form: the most frequent surface n-gram, ties to the smaller
/// string (the smaller preorder position: see [`super::trie`]); and count its variants.
fn choose_display(level: &mut Level) {
    let mut display = vec![NONE; level.len()];
    let mut variants = vec![0u32; level.len()];
    let s = &level.surfaces;
    for v in 0..s.count.len() {
        let k = s.owner[v] as usize;
        variants[k] += 1;
        let best = display[k];
        let better = best == NONE
            || match s.count[v].cmp(&s.count[best as usize]) {
                Ordering::Greater => true,
                Ordering::Less => false,
                Ordering::Equal => s.order[v] < s.order[best as usize],
            };
        if better {
            display[k] = v as u32;
        }
    }
    level.display = display;
    level.variants = variants;
}

/// Give every key and surface n-gram its position in the byte order of its string.
pub(super) fn order_all(counts: &mut NgramCounts, facts: &VocabFacts) {
    let keys: Vec<TrieLevel> =
        counts.levels.iter().map(|l| TrieLevel { parent: &l.prefix, last: &l.last }).collect();
    let surfaces: Vec<TrieLevel> = counts
        .levels
        .iter()
        .map(|l| TrieLevel { parent: &l.surfaces.prefix, last: &l.surfaces.last })
        .collect();
    let (key_order, surface_order) =
        rayon::join(|| preorder(&keys, facts.key_rank), || preorder(&surfaces, facts.surface_rank));
    for ((level, k), s) in counts.levels.iter_mut().zip(key_order).zip(surface_order) {
        level.order = k;
        level.surfaces.order = s;
    }
}

impl NgramCounts {
    /// Key ids of the words of n-gram `id` at level `n`.
    pub fn key_words(&self, n: usize, id: u32) -> Vec<u32> {
        let mut words = [0; 8];
        self.key_words_into(n, id, &mut words);
        words[..n].to_vec()
    }

    /// Key ids of the words of n-gram `id` at level `n`, written to `words[..n]`.
    pub fn key_words_into(&self, n: usize, id: u32, words: &mut [u32; 8]) {
        let mut id = id;
        for m in (1..=n).rev() {
            let level = &self.levels[m - 1];
            words[m - 1] = level.last[id as usize];
            id = level.prefix[id as usize];
        }
    }

    /// Surface ids of the words of surface n-gram `sid` at level `n`.
    pub fn surface_words(&self, n: usize, sid: u32) -> Vec<u32> {
        let mut words = [0; 8];
        self.surface_words_into(n, sid, &mut words);
        words[..n].to_vec()
    }

    /// Surface ids of the words of surface n-gram `sid` at level `n`, written to `words[..n]`.
    pub fn surface_words_into(&self, n: usize, sid: u32, words: &mut [u32; 8]) {
        let mut id = sid;
        for m in (1..=n).rev() {
            let s = &self.levels[m - 1].surfaces;
            words[m - 1] = s.last[id as usize];
            id = s.prefix[id as usize];
        }
    }

    /// Surface ids of the display form of n-gram `id` at level `n`.
    pub fn display_words(&self, n: usize, id: u32) -> Vec<u32> {
        self.surface_words(n, self.levels[n - 1].display[id as usize])
    }

    /// Every reported n-gram as (n, id), level by level.
    pub fn reported(&self) -> impl Iterator<Item = (usize, u32)> + '_ {
        self.levels
            .iter()
            .flat_map(|l| (0..l.len()).filter(|&j| l.emitted[j]).map(move |j| (l.n, j as u32)))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;

    /// A corpus: documents of sentences of surface ids. Key of surface `s` is `s / 2` (so two
    /// surface forms share each key); key 0 is a stop word.
    pub(crate) type Corpus = Vec<Vec<Vec<u32>>>;

    /// The index of `corpus`: the key of surface `s` is `s / 2` (shared with the bounded
    /// counter's tests).
    pub(crate) fn index_of(corpus: &Corpus) -> TokenIndex {
        let mut idx = TokenIndex::new();
        for doc in corpus {
            let words = doc
                .iter()
                .flat_map(|sent| sent.iter().enumerate().map(|(i, &s)| (s / 2, s, i == 0)));
            idx.push_doc(words);
        }
        idx
    }

    #[derive(Debug, PartialEq)]
    struct Row {
        count: u32,
        docs: u32,
        display: Vec<u32>,
        variants: u32,
        /// DP_norm in billionths (None when undefined).
        dp: Option<i64>,
    }

    fn nano(x: f64) -> Option<i64> {
        (!x.is_nan()).then(|| (x * 1e9).round() as i64)
    }

    /// DP_norm from the definition: per-document counts over non-empty documents.
    fn naive_dp(corpus: &Corpus, per_doc: &BTreeMap<usize, u32>) -> f64 {
        let lens: Vec<usize> = corpus.iter().map(|d| d.iter().map(Vec::len).sum()).collect();
        let total: usize = lens.iter().sum();
        let parts: Vec<usize> = (0..lens.len()).filter(|&d| lens[d] > 0).collect();
        if parts.len() < 2 {
            return f64::NAN;
        }
        let f: u32 = per_doc.values().sum();
        let dp: f64 = parts
            .iter()
            .map(|&d| {
                let v = *per_doc.get(&d).unwrap_or(&0) as f64 / f as f64;
                (v - lens[d] as f64 / total as f64).abs()
            })
            .sum::<f64>()
            / 2.0;
        let min = parts.iter().map(|&d| lens[d]).min().unwrap() as f64 / total as f64;
        dp / (1.0 - min)
    }

    /// Count every n-gram inside sentences, straight from the definition.
    fn naive(corpus: &Corpus, o: &CountOptions) -> BTreeMap<Vec<u32>, Row> {
        let mut surf: BTreeMap<Vec<u32>, BTreeMap<Vec<u32>, u32>> = BTreeMap::new();
        let mut docs: BTreeMap<Vec<u32>, BTreeMap<usize, u32>> = BTreeMap::new();
        for (d, doc) in corpus.iter().enumerate() {
            for sent in doc {
                for n in o.min_n..=o.max_n {
                    for w in sent.windows(n) {
                        let key: Vec<u32> = w.iter().map(|s| s / 2).collect();
                        *surf.entry(key.clone()).or_default().entry(w.to_vec()).or_default() += 1;
                        *docs.entry(key).or_default().entry(d).or_default() += 1;
                    }
                }
            }
        }
        let mut out = BTreeMap::new();
        for (key, forms) in surf {
            let count: u32 = forms.values().sum();
            let ndocs = docs[&key].len() as u32;
            let edge_stop = key[0] == 0 || key[key.len() - 1] == 0;
            if count < o.min_count
                || ndocs < o.min_docs
                || (o.edges == EdgePolicy::Drop && edge_stop)
            {
                continue;
            }
            // Most frequent form; BTreeMap order makes the first maximum the smallest.
            let best = forms.values().max().unwrap();
            let display = forms.iter().find(|(_, c)| *c == best).unwrap().0.clone();
            let variants = forms.len() as u32;
            let dp = nano(naive_dp(corpus, &docs[&key]));
            out.insert(key, Row { count, docs: ndocs, display, variants, dp });
        }
        out
    }

    fn counted(corpus: &Corpus, o: &CountOptions, block: usize) -> BTreeMap<Vec<u32>, Row> {
        let idx = index_of(corpus);
        let stop: Vec<bool> = (0..64).map(|k| k == 0).collect();
        let rank: Vec<u32> = (0..128).collect();
        let facts = VocabFacts { key_stop: &stop, key_rank: &rank, surface_rank: &rank };
        let c = count_in_blocks(&idx, &facts, o, block);
        c.reported()
            .map(|(n, id)| {
                let l = &c.levels[n - 1];
                let row = Row {
                    count: l.count[id as usize],
                    docs: l.docs[id as usize],
                    display: c.display_words(n, id),
                    variants: l.variants[id as usize],
                    dp: nano(l.dp[id as usize]),
                };
                (c.key_words(n, id), row)
            })
            .collect()
    }

    fn corpus_strategy() -> impl Strategy<Value = Corpus> {
        let sentence = prop::collection::vec(0u32..12, 0..9);
        let doc = prop::collection::vec(sentence, 0..4);
        prop::collection::vec(doc, 0..6)
    }

    fn options_strategy() -> impl Strategy<Value = CountOptions> {
        (1usize..=4, 0usize..=3, 1u32..=3, 1u32..=2, any::<bool>()).prop_map(
            |(min_n, extra, min_count, min_docs, keep)| CountOptions {
                min_n,
                max_n: min_n + extra,
                min_count,
                min_docs,
                edges: if keep { EdgePolicy::Keep } else { EdgePolicy::Drop },
            },
        )
    }

    proptest! {
        #[test]
        fn equals_naive_count_for_any_blocks(
            corpus in corpus_strategy(),
            o in options_strategy(),
            block in 1usize..20,
        ) {
            prop_assert_eq!(counted(&corpus, &o, block), naive(&corpus, &o));
        }

        #[test]
        fn merging_partial_counts_equals_counting_the_concatenation(
            a in corpus_strategy(),
            b in corpus_strategy(),
            o in options_strategy(),
        ) {
            // Blocks of one word put every document in its own block: the result is the merge
            // of per-document partial counts, and must equal counting a ++ b in one block.
            let whole: Corpus = a.iter().chain(&b).cloned().collect();
            prop_assert_eq!(counted(&whole, &o, 1), counted(&whole, &o, usize::MAX));
            prop_assert_eq!(counted(&whole, &o, 1), naive(&whole, &o));
        }
    }

    #[test]
    fn known_small_corpus() {
        // "a b c . a b" and "b c": bigram (a b) twice in one doc, (b c) twice in two docs.
        let corpus: Corpus = vec![vec![vec![2, 4, 6], vec![2, 4]], vec![vec![5, 6]]];
        let o = CountOptions { min_n: 2, max_n: 3, edges: EdgePolicy::Keep, ..Default::default() };
        let got = counted(&corpus, &o, usize::MAX);
        // Documents of 5 and 2 words: s = 5/7, 2/7. (a b): v = 1, 0 → DP = ½(2/7 + 2/7) = 2/7,
        // DP_norm = (2/7) / (5/7) = 0.4. (b c): v = ½, ½ → DP = ½(3/14 + 3/14) = 3/14 → 0.3.
        let ab = Row { count: 2, docs: 1, display: vec![2, 4], variants: 1, dp: Some(400_000_000) };
        let bc = Row { count: 2, docs: 2, display: vec![4, 6], variants: 2, dp: Some(300_000_000) };
        assert_eq!(got[&vec![1, 2]], ab);
        assert_eq!(got[&vec![2, 3]], bc);
        assert_eq!(got[&vec![1, 2, 3]].count, 1);
        assert_eq!(got.len(), 3);
    }
}
