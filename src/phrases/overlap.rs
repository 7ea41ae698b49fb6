//! Overlap between candidates: which ones are formulas of their own, their independent counts
//! and their parents.
//!
//! # The rule (`--overlap maximal`)
//!
//! Candidates are decided from the longest down. When length n is decided, every longer
//! candidate already is, and an occurrence of a length-n candidate is *absorbed* when it lies
//! inside an occurrence of a longer reported phrase (same sentence, positions i..i+n within
//! j..j+m, m > n). A candidate is dropped when at least 80% of its occurrences are absorbed,
//! i.e. when fewer than a fifth of them stand outside every longer formula. Otherwise it is
//! reported with:
//!
//! - `independent` = occurrences not absorbed (O'Donnell's adjusted frequency);
//! - `parent` = the longer reported phrase that contains most of its occurrences (an
//!   occurrence inside several counts for each), ties to the shorter, then by key; none when no
//!   occurrence is absorbed.
//!
//! # The cap
//!
//! The longest counted length (the cap, `-n`'s upper end) has nothing longer to be absorbed
//! into, yet a formula longer than the cap shows there as a chain of windows one word apart
//! ("president kim il sung and leader kim jong" + "kim il sung and leader kim jong il"). A
//! counted window W of the cap length is *linked* to the counted window V one word before it
//! when 80% or more of W's occurrences start one word after an occurrence of V (V + W is a
//! (cap + 1)-gram, so the share is an exact count; two windows cannot both hold 80%). Following
//! the links back from a window gives its chain, and the *head* of a chain is its earliest
//! window that can be reported on its own (a candidate: no stop word at an edge under
//! `--stopword-edges drop`, count and range thresholds met). Then:
//!
//! - a candidate whose chain holds a head before it is a *continuation*: dropped, because the
//!   head stands for the longer formula (the phrase from the head's first word to the
//!   candidate's last word, whose edges are those of two candidates, so it could be reported
//!   if it were counted); it still absorbs the shorter candidates inside it, crediting the head;
//! - every other candidate of the cap length is reported, with independent = count and no
//!   parent.
//!
//! A window that cannot be reported is never a head and absorbs nothing, so it can never make
//! a candidate disappear: it only passes a chain on ("protect and defend the constitution of
//! the united" follows "preserve protect and defend the constitution of the", which ends on a
//! stop word; with no reportable window before it, it is the head of its formula and is
//! reported). Links may cycle when text repeats itself ("a b a b a b …" longer than the cap);
//! a cycle's head is its candidate with the largest count, then the smallest key, so a cycle
//! is reported once instead of not at all.
//!
//! Whether an occurrence is absorbed depends only on longer phrases, which are final when it is
//! examined, so no result depends on the order in which candidates are visited. Counts are
//! exact: one walk of the corpus per length ([`super::chains`]), and integer sums merged over
//! blocks.
//!
//! With `--overlap none` every candidate is reported, and `independent` and `parent` are
//! measured against all longer candidates in a single walk.

use std::cmp::Ordering;

use super::Gram;
use super::chains::Chains;
use crate::collections::{HashMap, new_map};
use crate::count::{NgramCounts, Occurrence};

/// How overlapping candidates are treated (`--overlap`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Overlap {
    /// Drop candidates mostly inside longer formulas (the rule above).
    #[default]
    Maximal,
    /// Report every candidate.
    None,
}

/// A candidate is dropped when `ABSORBED.0 / ABSORBED.1` (80%) or more of its occurrences lie
/// inside longer reported phrases.
pub const ABSORBED: (u64, u64) = (4, 5);

/// The decision for every candidate, per level (`[n - 1][id]`).
#[derive(Debug, Clone, Default)]
pub struct Formulas {
    /// Smallest length considered.
    pub min_n: usize,
    /// Reported as a formula.
    pub reported: Vec<Vec<bool>>,
    /// Occurrences outside every longer reported phrase (0 for non-candidates).
    pub independent: Vec<Vec<u32>>,
    /// The parent formula of each reported phrase, packed ([`pack`]; [`NO_PARENT`]: none):
    /// 8 bytes where an `Option<Gram>` takes 24, for every counted n-gram.
    parent: Vec<Vec<u64>>,
}

impl Formulas {
    /// Is `g` reported?
    pub fn is_reported(&self, (n, id): Gram) -> bool {
        self.reported.get(n - 1).is_some_and(|l| l[id as usize])
    }

    /// Every reported phrase, level by level, in id order.
    pub fn rows(&self) -> Vec<Gram> {
        let mut out = Vec::new();
        for (i, level) in self.reported.iter().enumerate() {
            out.extend(
                level.iter().enumerate().filter(|(_, r)| **r).map(|(j, _)| (i + 1, j as u32)),
            );
        }
        out
    }

    /// Independent count of `g`.
    pub fn independent(&self, (n, id): Gram) -> u32 {
        self.independent[n - 1][id as usize]
    }

    /// Parent of `g`.
    pub fn parent(&self, (n, id): Gram) -> Option<Gram> {
        Some(self.parent[n - 1][id as usize]).filter(|&p| p != NO_PARENT).map(unpack)
    }
}

/// The candidates of `counts`: reported n-grams (n in range, stop-word edges allowed) with
/// n ≥ `min_n` (`[n - 1][id]`).
pub fn candidates(counts: &NgramCounts, min_n: usize) -> Vec<Vec<bool>> {
    counts.levels.iter().map(|l| l.emitted.iter().map(|&e| e && l.n >= min_n).collect()).collect()
}

/// What an occurrence of a decided phrase does to the shorter candidates inside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Absorber {
    /// Nothing: not a candidate (a window that cannot be reported), or dropped below the cap.
    No,
    /// Absorbs, and credits this reported phrase (n, id) as the parent (itself, or the head
    /// of the chain a continuation belongs to). Two fields instead of a [`Gram`] keep it at
    /// 8 bytes: there is one per counted n-gram.
    Credit(u8, u32),
}

impl Absorber {
    fn credit((n, id): Gram) -> Absorber {
        Absorber::Credit(n as u8, id)
    }
}

/// No parent.
const NO_PARENT: u64 = u64::MAX;

/// How to decide.
#[derive(Debug, Clone, Copy)]
pub struct OverlapOptions {
    /// The rule.
    pub overlap: Overlap,
    /// Shortest candidate length (at least 2).
    pub min_n: usize,
    /// Longest length counted (`-n`'s upper end): the cap.
    pub max_n: usize,
}

/// Decide every candidate under `options`.
pub fn resolve(chains: &Chains, options: &OverlapOptions) -> Formulas {
    let counts = chains.counts();
    let min_n = options.min_n.max(2);
    let candidate = candidates(counts, min_n);
    let top = counts.levels.iter().rposition(|l| !l.is_empty()).map_or(0, |i| i + 1);
    let mut f = Formulas {
        min_n,
        reported: candidate.iter().map(|l| vec![false; l.len()]).collect(),
        independent: candidate.iter().map(|l| vec![0; l.len()]).collect(),
        parent: candidate.iter().map(|l| vec![NO_PARENT; l.len()]).collect(),
    };
    if top < min_n {
        return f;
    }
    let mut absorber: Vec<Vec<Absorber>> =
        candidate.iter().map(|l| vec![Absorber::No; l.len()]).collect();
    let scan = Scan { chains, candidate: &candidate };
    let mut d =
        Decider { f: &mut f, absorber: &mut absorber, candidate: &candidate, counts, options };
    match options.overlap {
        Overlap::None => {
            for (n, level) in candidate.iter().enumerate() {
                for (id, _) in level.iter().enumerate().filter(|(_, c)| **c) {
                    d.absorber[n][id] = Absorber::credit((n + 1, id as u32));
                }
            }
            let tally = scan.pass(d.absorber, min_n, top);
            for n in min_n..=top {
                d.decide(&tally, n);
            }
        }
        Overlap::Maximal => {
            for n in (min_n..=top).rev() {
                if n == top && top == options.max_n {
                    d.decide_cap(&scan.links(n), n);
                } else {
                    let tally =
                        if n == top { Tally::default() } else { scan.pass(d.absorber, n, n) };
                    d.decide(&tally, n);
                }
            }
        }
    }
    f
}

/// Absorbed occurrences and parent credits of the candidates of some lengths.
#[derive(Debug, Default)]
struct Tally {
    /// Packed candidate → absorbed occurrences.
    covered: HashMap<u64, u32>,
    /// (packed candidate, packed parent) → occurrences of the candidate inside the parent.
    credits: HashMap<(u64, u64), u32>,
}

impl Tally {
    /// The two tallies' sums, made in the larger one.
    fn merged(a: Tally, b: Tally) -> Tally {
        let size = |t: &Tally| t.covered.len() + t.credits.len();
        let (mut big, small) = if size(&a) >= size(&b) { (a, b) } else { (b, a) };
        big.absorb(small);
        big
    }

    fn absorb(&mut self, other: Tally) {
        for (k, v) in other.covered {
            *self.covered.entry(k).or_default() += v;
        }
        for (k, v) in other.credits {
            *self.credits.entry(k).or_default() += v;
        }
    }
}

fn pack((n, id): Gram) -> u64 {
    (n as u64) << 32 | id as u64
}

fn unpack(k: u64) -> Gram {
    ((k >> 32) as usize, k as u32)
}

/// What every pass shares.
struct Scan<'a> {
    chains: &'a Chains<'a>,
    candidate: &'a [Vec<bool>],
}

impl Scan<'_> {
    /// Count absorbed occurrences of the candidates of lengths `lo..=hi`, against the absorbing
    /// phrases longer than each.
    fn pass(&self, absorber: &[Vec<Absorber>], lo: usize, hi: usize) -> Tally {
        let top = self.candidate.len();
        let init = || Walk {
            candidate: self.candidate,
            absorber,
            lo,
            hi,
            pos: 0,
            pending: Vec::new(),
            active: Vec::new(),
            tally: Tally { covered: new_map(), credits: new_map() },
        };
        let visit = |w: &mut Walk, o| w.visit(o);
        let finish = |mut w: Walk| {
            w.flush();
            w.tally
        };
        self.chains.scan_merged(lo..=top, (init, visit), finish, Tally::merged)
    }

    /// For every counted n-gram of length `n`, the counted n-gram one word earlier that holds
    /// 80% or more of its occurrences (`NO_LINK`: none; two cannot both hold 80%). Each such
    /// pair is an (n + 1)-gram, so the shares are exact (n + 1)-gram counts.
    fn links(&self, n: usize) -> Vec<u32> {
        type State = (Option<(u32, u32)>, HashMap<(u32, u32), u32>);
        let init = || -> State { (None, new_map()) };
        let visit = |s: &mut State, o: Occurrence| {
            if let Some((pos, id)) = s.0
                && pos + 1 == o.pos
            {
                *s.1.entry((o.id, id)).or_default() += 1;
            }
            s.0 = Some((o.pos, o.id));
        };
        let merge = |a: HashMap<(u32, u32), u32>, b: HashMap<(u32, u32), u32>| {
            let (mut big, small) = if a.len() >= b.len() { (a, b) } else { (b, a) };
            for (k, v) in small {
                *big.entry(k).or_default() += v;
            }
            big
        };
        let pairs = self.chains.scan_merged(n..=n, (init, visit), |s: State| s.1, merge);
        let level = &self.chains.counts().levels[n - 1];
        let mut links = vec![NO_LINK; level.len()];
        for ((w, v), c) in pairs {
            if c as u64 * ABSORBED.1 >= level.count[w as usize] as u64 * ABSORBED.0 {
                links[w as usize] = v;
            }
        }
        links
    }
}

/// One block's walk through the occurrences, in corpus order.
struct Walk<'a> {
    candidate: &'a [Vec<bool>],
    absorber: &'a [Vec<Absorber>],
    lo: usize,
    hi: usize,
    pos: u32,
    /// Candidates (of lengths lo..=hi) starting at `pos`.
    pending: Vec<Gram>,
    /// Occurrences of absorbing phrases longer than `lo` that may still contain a later
    /// candidate: (start, n, what it does).
    active: Vec<(u32, usize, Absorber)>,
    tally: Tally,
}

impl Walk<'_> {
    fn visit(&mut self, o: Occurrence) {
        if o.pos != self.pos {
            self.flush();
            self.pos = o.pos;
        }
        let n = o.n as usize;
        if (self.lo..=self.hi).contains(&n) && self.candidate[n - 1][o.id as usize] {
            self.pending.push((n, o.id));
        }
        if n > self.lo {
            let a = self.absorber[n - 1][o.id as usize];
            if a != Absorber::No {
                self.active.push((o.pos, n, a));
            }
        }
    }

    /// Settle the candidates at `pos`: every occurrence that can contain them has been seen
    /// (they start at or before `pos`, and occurrences come position by position).
    fn flush(&mut self) {
        let i = self.pos as usize;
        let mut parents: Vec<u64> = Vec::new();
        for &(n, id) in &self.pending {
            parents.clear();
            let mut absorbed = false;
            for &(start, m, a) in &self.active {
                if m > n && start as usize + m >= i + n {
                    absorbed = true;
                    if let Absorber::Credit(n, id) = a
                        && !parents.contains(&pack((n as usize, id)))
                    {
                        parents.push(pack((n as usize, id)));
                    }
                }
            }
            if !absorbed {
                continue;
            }
            let c = pack((n, id));
            *self.tally.covered.entry(c).or_default() += 1;
            for &g in &parents {
                *self.tally.credits.entry((c, g)).or_default() += 1;
            }
        }
        self.pending.clear();
        // Later candidates start after `i` and have at least two words.
        self.active.retain(|&(start, m, _)| start as usize + m >= i + 3);
    }
}

/// Applies the rule level by level.
struct Decider<'a> {
    f: &'a mut Formulas,
    absorber: &'a mut Vec<Vec<Absorber>>,
    candidate: &'a [Vec<bool>],
    counts: &'a NgramCounts,
    options: &'a OverlapOptions,
}

impl Decider<'_> {
    /// Apply the rule to the candidates of length `n`, given their tally, and set what their
    /// occurrences absorb in the passes below.
    fn decide(&mut self, tally: &Tally, n: usize) {
        let level = &self.counts.levels[n - 1];
        for id in (0..level.len()).filter(|&j| self.candidate[n - 1][j]) {
            let count = level.count[id] as u64;
            let covered = tally.covered.get(&pack((n, id as u32))).copied().unwrap_or(0) as u64;
            let keep =
                self.options.overlap == Overlap::None || covered * ABSORBED.1 < count * ABSORBED.0;
            self.f.reported[n - 1][id] = keep;
            self.f.independent[n - 1][id] = (count - covered) as u32;
            self.absorber[n - 1][id] =
                if keep { Absorber::credit((n, id as u32)) } else { Absorber::No };
        }
        let mut best: HashMap<u32, (u32, Gram)> = new_map();
        for (&(c, p), &credit) in &tally.credits {
            let (cn, cid) = unpack(c);
            if cn == n && self.f.reported[n - 1][cid as usize] {
                self.offer(&mut best, cid, (credit, unpack(p)));
            }
        }
        for (cid, (_, p)) in best {
            self.f.parent[n - 1][cid as usize] = pack(p);
        }
    }

    /// Keep in `best[id]` the preferred of the offers: more credit, then shorter, then by key.
    fn offer(&self, best: &mut HashMap<u32, (u32, Gram)>, id: u32, offer: (u32, Gram)) {
        let rank = |g: Gram| self.counts.levels[g.0 - 1].order[g.1 as usize];
        let better = match best.get(&id) {
            None => true,
            Some(&(c, g)) => {
                let (oc, og) = offer;
                oc.cmp(&c).reverse().then(og.0.cmp(&g.0)).then_with(|| rank(og).cmp(&rank(g)))
                    == Ordering::Less
            }
        };
        if better {
            best.insert(id, offer);
        }
    }

    /// The cap: the longest length counted, where no longer phrase can absorb (see the module
    /// doc). `links[w]` is the window that one word earlier holds 80% or more of the
    /// occurrences of window `w` (any counted window of length `n`), if any. A candidate is a
    /// continuation when its chain of links holds a candidate before it: the earliest such one
    /// (its *head*) is reported and stands for the longer formula; the continuation is dropped
    /// and absorbs the shorter candidates inside it, crediting the head. Reported candidates
    /// here have nothing longer around them: independent = count, no parent.
    fn decide_cap(&mut self, links: &[u32], n: usize) {
        let level = &self.counts.levels[n - 1];
        let candidate = &self.candidate[n - 1];
        // A cycle of links is broken at its candidate with the largest count, then the
        // smallest key.
        let start = |cycle: &[u32]| {
            cycle.iter().copied().filter(|&w| candidate[w as usize]).min_by(|&a, &b| {
                let (a, b) = (a as usize, b as usize);
                level.count[b].cmp(&level.count[a]).then(level.order[a].cmp(&level.order[b]))
            })
        };
        let heads = chain_heads(links, &|w| candidate[w as usize], &start);
        for id in (0..level.len()).filter(|&j| candidate[j]) {
            // The head of the chain before `id` (or `id` itself, the start of a cycle).
            let head = match links[id] {
                NO_LINK => NO_LINK,
                v => heads[v as usize],
            };
            let continues = head != NO_LINK && head != id as u32;
            self.f.reported[n - 1][id] = !continues;
            self.f.independent[n - 1][id] = level.count[id];
            let credited = if continues { head } else { id as u32 };
            self.absorber[n - 1][id] = Absorber::credit((n, credited));
        }
    }
}

/// No link, or no head.
const NO_LINK: u32 = u32::MAX;

/// For every window, the earliest candidate of its chain (the window itself, the window `links`
/// points to, the one that points to, …), or `NO_LINK` when the chain holds no candidate. A
/// chain that runs into a cycle starts at the candidate `start` picks in the cycle (none: the
/// cycle holds no candidate and the chain starts after it). Each window is resolved once.
fn chain_heads(
    links: &[u32],
    candidate: &dyn Fn(u32) -> bool,
    start: &dyn Fn(&[u32]) -> Option<u32>,
) -> Vec<u32> {
    const NEW: u8 = 0;
    const ON_PATH: u8 = 1;
    const DONE: u8 = 2;
    let mut state = vec![NEW; links.len()];
    let mut heads = vec![NO_LINK; links.len()];
    let mut path: Vec<u32> = Vec::new();
    for first in 0..links.len() as u32 {
        let mut w = first;
        // Walk back until a resolved window, the chain's end, or a cycle on this path.
        while state[w as usize] == NEW {
            state[w as usize] = ON_PATH;
            path.push(w);
            match links[w as usize] {
                NO_LINK => break,
                v => w = v,
            }
        }
        // Back on this path: the windows from `w` on form a cycle.
        if state[w as usize] == ON_PATH
            && links[w as usize] != NO_LINK
            && let Some(at) = path.iter().position(|&x| x == w)
        {
            let cycle = path.split_off(at);
            let head = start(&cycle).unwrap_or(NO_LINK);
            for &x in &cycle {
                heads[x as usize] = head;
                state[x as usize] = DONE;
            }
        }
        // Resolve the rest of the path from its earliest window forward.
        while let Some(x) = path.pop() {
            let before = match links[x as usize] {
                NO_LINK => NO_LINK,
                v => heads[v as usize],
            };
            heads[x as usize] = if before == NO_LINK && candidate(x) { x } else { before };
            state[x as usize] = DONE;
        }
    }
    heads
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::count::NgramFinder;
    use crate::phrases::testkit::Kit;

    const A: u32 = 1;
    const B: u32 = 2;
    const C: u32 = 3;
    const D: u32 = 4;
    const E: u32 = 5;

    /// A reported phrase: words, count, independent, parent words.
    type Decided = (Vec<u32>, u32, u32, Option<Vec<u32>>);

    /// Each reported phrase.
    fn decided(kit: &Kit, overlap: Overlap, max_n: usize) -> Vec<Decided> {
        let finder = NgramFinder::new(&kit.counts, 32);
        let options = OverlapOptions { overlap, min_n: 2, max_n };
        let f = resolve(&Chains::new(&kit.index, &finder), &options);
        let c = &kit.counts;
        let mut out: Vec<_> = f
            .rows()
            .into_iter()
            .map(|g| {
                let parent = f.parent(g).map(|p| c.key_words(p.0, p.1));
                (
                    c.key_words(g.0, g.1),
                    c.levels[g.0 - 1].count[g.1 as usize],
                    f.independent(g),
                    parent,
                )
            })
            .collect();
        out.sort();
        out
    }

    /// "A B C D" five times and "B C" three more times alone, one sentence each.
    fn abcd() -> Kit {
        let s: &[&[u32]] = &[
            &[A, B, C, D],
            &[A, B, C, D],
            &[A, B, C, D],
            &[B, C],
            &[A, B, C, D],
            &[B, C],
            &[A, B, C, D],
            &[B, C],
        ];
        Kit::new(&[s], &[], 2, 4)
    }

    #[test]
    fn maximal_keeps_the_formula_and_the_fragment_that_stands_alone() {
        // Candidates: A B 5, B C 8, C D 5, A B C 5, B C D 5, A B C D 5.
        // n = 4: A B C D is the cap; no occurrence follows another window: kept, 5 of its own.
        // n = 3: all 5 occurrences of A B C and of B C D lie inside A B C D: 100% ≥ 80%, dropped.
        // n = 2: A B and C D likewise (5/5). B C: 5 of 8 inside A B C D = 62.5% < 80%: kept,
        // independent 8 − 5 = 3, parent A B C D.
        let got = decided(&abcd(), Overlap::Maximal, 4);
        assert_eq!(
            got,
            [(vec![A, B, C, D], 5, 5, None), (vec![B, C], 8, 3, Some(vec![A, B, C, D])),]
        );
    }

    #[test]
    fn none_reports_everything_against_all_longer_candidates() {
        // Every candidate is reported. A B: inside A B C (5) and A B C D (5): tie, the shorter
        // wins. B C: inside A B C, B C D and A B C D, 5 each: shorter, then key A B C < B C D.
        let got = decided(&abcd(), Overlap::None, 4);
        assert_eq!(
            got,
            [
                (vec![A, B], 5, 0, Some(vec![A, B, C])),
                (vec![A, B, C], 5, 0, Some(vec![A, B, C, D])),
                (vec![A, B, C, D], 5, 5, None),
                (vec![B, C], 8, 3, Some(vec![A, B, C])),
                (vec![B, C, D], 5, 0, Some(vec![A, B, C, D])),
                (vec![C, D], 5, 0, Some(vec![B, C, D])),
            ]
        );
    }

    #[test]
    fn a_formula_longer_than_the_cap_is_reported_once_as_its_first_window() {
        // "A B C D E" five times with -n 2..4: the windows A B C D and B C D E. Every B C D E
        // starts one word after an A B C D: a continuation, dropped. It still absorbs C D E
        // and D E (credited to A B C D), so only A B C D is reported.
        let s: &[&[u32]] = &[&[A, B, C, D, E] as &[u32]; 5];
        let got = decided(&Kit::new(&[s], &[], 2, 4), Overlap::Maximal, 4);
        assert_eq!(got, [(vec![A, B, C, D], 5, 5, None)]);
        // Without the cap (-n 2..5) the whole phrase is counted and is the one formula.
        let got = decided(&Kit::new(&[s], &[], 2, 5), Overlap::Maximal, 5);
        assert_eq!(got, [(vec![A, B, C, D, E], 5, 5, None)]);
    }

    #[test]
    fn a_window_after_a_stop_word_is_not_a_continuation() {
        // "E A B C D" five times, E a stop word, -n 2..4: E A B C cannot be reported (stop
        // word at its edge) and has no window before it, so A B C D heads its chain and stays.
        let s: &[&[u32]] = &[&[E, A, B, C, D] as &[u32]; 5];
        let got = decided(&Kit::new(&[s], &[E], 2, 4), Overlap::Maximal, 4);
        assert_eq!(got, [(vec![A, B, C, D], 5, 5, None)]);
    }

    #[test]
    fn a_window_that_cannot_be_reported_makes_nothing_a_continuation() {
        // Issue 11: "A B C S D" three times, S a stop word, -n 2..4. Every B C S D follows
        // A B C S, which ends on a stop word: it cannot be reported, so B C S D is the first
        // reportable window of the formula and is reported. A B C is inside no reported
        // phrase (A B C S absorbs nothing) and is reported too; the shorter ones are inside
        // these two.
        const S: u32 = 6;
        let s: &[&[u32]] = &[&[A, B, C, S, D] as &[u32]; 3];
        let got = decided(&Kit::new(&[s], &[S], 2, 4), Overlap::Maximal, 4);
        assert_eq!(got, [(vec![A, B, C], 3, 3, None), (vec![B, C, S, D], 3, 3, None)]);
    }

    #[test]
    fn a_chain_passes_through_a_window_that_cannot_be_reported() {
        // "A B C D S E" four times, -n 2..4: A B C D → B C D S (ends on a stop word) → C D S E.
        // The head of the chain is A B C D, which stands for the 6-word formula; C D S E is a
        // continuation, and D S E (inside it, twice more alone) credits A B C D.
        const S: u32 = 6;
        let mut s: Vec<&[u32]> = vec![&[A, B, C, D, S, E]; 4];
        s.extend([&[D, S, E] as &[u32], &[D, S, E]]);
        let got = decided(&Kit::new(&[&s], &[S], 2, 4), Overlap::Maximal, 4);
        assert_eq!(
            got,
            [(vec![A, B, C, D], 4, 4, None), (vec![D, S, E], 6, 2, Some(vec![A, B, C, D]))]
        );
    }

    #[test]
    fn a_cycle_of_windows_is_reported_once() {
        // Twelve A, twice, -n 2..3: every A A A but the first of each run follows A A A (9 of
        // 10): a chain that cycles on itself. It is reported once, not lost.
        let s: &[&[u32]] = &[&[A; 12] as &[u32]; 2];
        let got = decided(&Kit::new(&[s], &[], 2, 3), Overlap::Maximal, 3);
        assert_eq!(got, [(vec![A, A, A], 20, 20, None)]);
        // "A B" six times in a row, twice: A B A (10) and B A B (10) follow each other (8 and
        // 10 times). The cycle's head is the first by key, A B A; B A B is its continuation
        // and absorbs the last A B of each run, credited to A B A.
        let s: &[&[u32]] = &[&[A, B, A, B, A, B, A, B, A, B, A, B] as &[u32]; 2];
        let got = decided(&Kit::new(&[s], &[], 2, 3), Overlap::Maximal, 3);
        assert_eq!(got, [(vec![A, B, A], 10, 10, None)]);
    }

    /// The rule applied straight from its definition, on lists of occurrences.
    mod naive {
        use std::collections::{BTreeMap, BTreeSet};

        type Words = Vec<u32>;
        /// (words, count, independent, parent)
        pub type Row = (Words, u32, u32, Option<Words>);

        /// `sentences`: the corpus; `counted`: the n-grams counted (any edge), by length.
        pub fn decide(
            sentences: &[Vec<u32>],
            counted: &BTreeMap<Words, u32>,
            stop: &[bool],
            max_n: usize,
        ) -> Vec<Row> {
            let cand =
                |w: &Words| w.len() >= 2 && !stop[w[0] as usize] && !stop[w[w.len() - 1] as usize];
            // Occurrences: (sentence, start, words).
            let mut occ: Vec<(usize, usize, Words)> = Vec::new();
            for (s, sent) in sentences.iter().enumerate() {
                for n in 1..=max_n {
                    for i in 0..sent.len().saturating_sub(n - 1) {
                        let w = sent[i..i + n].to_vec();
                        if counted.contains_key(&w) {
                            occ.push((s, i, w));
                        }
                    }
                }
            }
            let top = counted.keys().map(Vec::len).max().unwrap_or(0);
            // Absorbers: words → the credited parent.
            let mut absorbers: BTreeMap<Words, Words> = BTreeMap::new();
            let mut rows = Vec::new();
            for n in (2..=top).rev() {
                let level: Vec<&Words> =
                    counted.keys().filter(|w| w.len() == n && cand(w)).collect();
                if n == top && top == max_n {
                    // Links: the counted window one word earlier (any edges) that precedes
                    // 80% or more of a window's occurrences.
                    let mut preds: BTreeMap<(Words, Words), u32> = BTreeMap::new();
                    for (s, i, w) in occ.iter().filter(|o| o.2.len() == n && o.1 > 0) {
                        let v = sentences[*s][i - 1..i - 1 + n].to_vec();
                        if counted.contains_key(&v) {
                            *preds.entry((w.clone(), v)).or_default() += 1;
                        }
                    }
                    let link = |w: &Words| -> Option<Words> {
                        preds
                            .iter()
                            .find(|((x, _), c)| x == w && **c as u64 * 5 >= counted[w] as u64 * 4)
                            .map(|((_, v), _)| v.clone())
                    };
                    for w in &level {
                        // The chain back from w, up to its end or a repeated window.
                        let mut path = vec![(*w).clone()];
                        let mut cycle = None;
                        while let Some(v) = link(path.last().expect("not empty")) {
                            if let Some(k) = path.iter().position(|x| *x == v) {
                                cycle = Some(k);
                                break;
                            }
                            path.push(v);
                        }
                        // A cycle's head: its candidate with the largest count, then words.
                        let cycle_head = cycle.and_then(|k| {
                            path[k..]
                                .iter()
                                .filter(|x| cand(x))
                                .min_by(|a, b| counted[*b].cmp(&counted[*a]).then(a.cmp(b)))
                        });
                        // Else the earliest candidate before w.
                        let head = cycle_head
                            .or_else(|| path[1..].iter().rev().find(|x| cand(x)))
                            .filter(|h| *h != *w)
                            .cloned();
                        if head.is_none() {
                            rows.push(((*w).clone(), counted[*w], counted[*w], None));
                        }
                        absorbers.insert((*w).clone(), head.unwrap_or_else(|| (*w).clone()));
                    }
                    continue;
                }
                for w in level {
                    let mut covered = 0;
                    let mut credit: BTreeMap<Words, u32> = BTreeMap::new();
                    for (s, i, _) in occ.iter().filter(|o| &o.2 == w) {
                        let mut parents = BTreeSet::new();
                        let mut absorbed = false;
                        for (s2, j, v) in &occ {
                            if s2 == s
                                && v.len() > n
                                && j <= i
                                && j + v.len() >= i + n
                                && let Some(p) = absorbers.get(v)
                            {
                                absorbed = true;
                                parents.insert(p.clone());
                            }
                        }
                        covered += u32::from(absorbed);
                        for p in parents {
                            *credit.entry(p).or_default() += 1;
                        }
                    }
                    let count = counted[w];
                    if covered as u64 * 5 >= count as u64 * 4 {
                        continue;
                    }
                    // More credit, then shorter, then smaller words.
                    let parent = credit
                        .into_iter()
                        .min_by(|a, b| {
                            b.1.cmp(&a.1).then(a.0.len().cmp(&b.0.len())).then(a.0.cmp(&b.0))
                        })
                        .map(|p| p.0);
                    rows.push((w.clone(), count, count - covered, parent));
                    absorbers.insert(w.clone(), w.clone());
                }
            }
            rows.sort();
            rows
        }
    }

    proptest::proptest! {
        #[test]
        fn maximal_equals_the_rule_applied_naively(
            docs in proptest::collection::vec(
                proptest::collection::vec(proptest::collection::vec(1u32..5, 0..9), 0..4), 1..5),
            max_n in 2usize..6,
        ) {
            let doc_refs: Vec<Vec<&[u32]>> = docs.iter().map(|d| d.iter().map(Vec::as_slice).collect()).collect();
            let doc_refs: Vec<&[&[u32]]> = doc_refs.iter().map(Vec::as_slice).collect();
            let kit = Kit::new(&doc_refs, &[1], 2, max_n);
            let mut counted = std::collections::BTreeMap::new();
            for level in &kit.counts.levels {
                for id in 0..level.len() as u32 {
                    counted.insert(kit.counts.key_words(level.n, id), level.count[id as usize]);
                }
            }
            let sentences: Vec<Vec<u32>> = docs.iter().flatten().cloned().collect();
            let want = naive::decide(&sentences, &counted, &kit.stop, max_n);
            proptest::prop_assert_eq!(decided(&kit, Overlap::Maximal, max_n), want);
        }
    }
}
