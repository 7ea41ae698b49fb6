//! Tests of the phrase-frames: worked examples, and the segmented walk against a brute-force
//! count on random corpora.

use super::*;

#[test]
fn entropy_and_fixedness_of_fillers_3_1_1() {
    // Shares .6, .2, .2: H = −(.6 log2 .6 + 2 · .2 log2 .2) = .6 · 0.736966 + .4 · 2.321928
    // = 0.442179 + 0.928771 = 1.370951 bits; fixedness = 3/5 = 0.6.
    let f = Frame {
        left: (1, 0),
        right: (1, 1),
        count: 5,
        docs: 1,
        fillers: vec![
            Filler { key: 0, surface: 0, count: 3 },
            Filler { key: 1, surface: 1, count: 1 },
            Filler { key: 2, surface: 2, count: 1 },
        ],
    };
    assert!((f.entropy() - 1.370950594454668).abs() < 1e-12, "{}", f.entropy());
    assert_eq!(f.fixedness(), 0.6);
    assert_eq!(entropy([4, 4].into_iter()), 1.0);
    assert_eq!(entropy([7].into_iter()), 0.0);
}

use crate::phrases::testkit::Kit;

const A: u32 = 1;
const B: u32 = 2;
const X: u32 = 3;
const Y: u32 = 4;
const Z: u32 = 5;
const Q: u32 = 6;

/// Left words, right words, count, fillers as (word, count).
type Found = (Vec<u32>, Vec<u32>, u32, Vec<(u32, u32)>);

/// Every reported frame.
fn found(sentences: &[&[u32]], overlap: Overlap) -> Vec<Found> {
    let kit = Kit::new(&[sentences], &[], 2, 4);
    let finder = NgramFinder::new(&kit.counts, 32);
    let facts = VocabFacts { key_stop: &kit.stop, key_rank: &kit.rank, surface_rank: &kit.rank };
    let options = FrameOptions {
        lengths: 3..=6,
        min_count: 2,
        min_docs: 1,
        edges: EdgePolicy::Drop,
        overlap,
    };
    let c = &kit.counts;
    let mut out: Vec<_> = frames(&kit.index, &finder, &facts, &options)
        .into_iter()
        .map(|f| {
            let fillers = f.fillers.iter().map(|x| (x.key, x.count)).collect();
            (c.key_words(f.left.0, f.left.1), c.key_words(f.right.0, f.right.1), f.count, fillers)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_frame_with_fillers_3_1_1() {
    // "A X B" three times, "A Y B", "A Z B": the frame A * B, 5 times; fillers X 3, Y 1,
    // Z 1 (Y and Z occur once: fillers need no threshold). No other frame has two fillers.
    let s: &[&[u32]] = &[&[A, X, B], &[A, Y, B], &[A, X, B], &[A, Z, B], &[A, X, B]];
    assert_eq!(found(s, Overlap::Maximal), [(vec![A], vec![B], 5, vec![(X, 3), (Y, 1), (Z, 1)])]);
}

#[test]
fn a_frame_inside_a_longer_one_and_a_fixed_frame_are_left_out() {
    // With Q before every A: Q A * B holds every A * B (5 of 5 ≥ 80%), so only it remains;
    // with --overlap none both are reported.
    let s: &[&[u32]] = &[&[Q, A, X, B], &[Q, A, Y, B], &[Q, A, X, B], &[Q, A, Z, B], &[Q, A, X, B]];
    let fillers = vec![(X, 3), (Y, 1), (Z, 1)];
    assert_eq!(found(s, Overlap::Maximal), [(vec![Q, A], vec![B], 5, fillers.clone())]);
    assert_eq!(
        found(s, Overlap::None),
        [(vec![A], vec![B], 5, fillers.clone()), (vec![Q, A], vec![B], 5, fillers)]
    );
    // X fills 4 of 5 slots (fixedness 0.8): the frame is the phrase A X B.
    let s: &[&[u32]] = &[&[A, X, B], &[A, X, B], &[A, X, B], &[A, Y, B], &[A, X, B]];
    assert_eq!(found(s, Overlap::Maximal), []);
    assert_eq!(found(s, Overlap::None).len(), 1);
}

mod segmented {
    //! The segmented walk against the whole index and against a brute-force count.

    use std::collections::{BTreeMap, BTreeSet};

    use proptest::prelude::*;

    use super::super::*;
    use crate::count::spilled::spill_index;
    use crate::count::{CountOptions, NgramCounts, count};

    /// Surfaces 0..12; the key of surface s is s % 6 (two forms per key); key 0 is a stop
    /// word. Surface ranks run backwards, so that rank order is not id order.
    const SURFACES: u32 = 12;
    const KEYS: u32 = 6;

    /// Documents of sentences of surface ids.
    type Corpus = Vec<Vec<Vec<u32>>>;

    struct Setup {
        index: TokenIndex,
        counts: NgramCounts,
        stop: Vec<bool>,
        key_rank: Vec<u32>,
        surface_rank: Vec<u32>,
    }

    impl Setup {
        fn new(corpus: &Corpus, min_count: u32) -> Setup {
            let mut index = TokenIndex::new();
            for doc in corpus {
                index.push_doc(doc_words(doc));
            }
            let stop: Vec<bool> = (0..KEYS).map(|k| k == 0).collect();
            let key_rank: Vec<u32> = (0..KEYS).collect();
            let surface_rank: Vec<u32> = (0..SURFACES).rev().collect();
            let facts =
                VocabFacts { key_stop: &stop, key_rank: &key_rank, surface_rank: &surface_rank };
            // The parts, as `run_frames` counts them: up to 4 words, the frames' threshold.
            let o = CountOptions {
                min_n: 1,
                max_n: 4,
                min_count,
                min_docs: 1,
                edges: EdgePolicy::Keep,
            };
            let counts = count(&index, &facts, &o);
            Setup { index, counts, stop, key_rank, surface_rank }
        }

        fn facts(&self) -> VocabFacts<'_> {
            VocabFacts {
                key_stop: &self.stop,
                key_rank: &self.key_rank,
                surface_rank: &self.surface_rank,
            }
        }
    }

    /// A document's words as (key, surface, starts a sentence).
    fn doc_words(doc: &[Vec<u32>]) -> impl Iterator<Item = (u32, u32, bool)> + '_ {
        doc.iter().flat_map(|s| s.iter().enumerate().map(|(i, &w)| (w % KEYS, w, i == 0)))
    }

    /// The corpus cut before the documents in `cuts`, as segments.
    fn segments(corpus: &Corpus, cuts: &BTreeSet<usize>) -> Vec<SegmentIndex> {
        let mut out: Vec<SegmentIndex> = Vec::new();
        let mut first_word = 0u64;
        for (d, doc) in corpus.iter().enumerate() {
            if d == 0 || cuts.contains(&d) {
                let index = TokenIndex::new();
                let first_word = first_word;
                out.push(SegmentIndex { first_doc: d, first_word, index });
            }
            let seg = &mut out.last_mut().expect("one from the first document").index;
            seg.push_doc(doc_words(doc));
            first_word += doc.iter().map(Vec::len).sum::<usize>() as u64;
        }
        out
    }

    fn copy(s: &SegmentIndex) -> SegmentIndex {
        SegmentIndex { first_doc: s.first_doc, first_word: s.first_word, index: s.index.clone() }
    }

    /// Frames in a canonical order.
    fn sorted(mut frames: Vec<Frame>) -> Vec<Frame> {
        frames.sort_by_key(|f| (f.left, f.right));
        frames
    }

    /// Every frame counted by looking at every position and every split, with sets of
    /// documents and maps of fillers; the rules of the module doc applied directly.
    fn brute(s: &Setup, finder: &NgramFinder, o: &FrameOptions) -> Vec<Frame> {
        type Found = (u32, BTreeSet<usize>, BTreeMap<u32, BTreeMap<u32, u32>>);
        let idx = &s.index;
        let mut found: BTreeMap<(Gram, Gram), Found> = BTreeMap::new();
        for d in 0..idx.doc_count() {
            for i in idx.doc_range(d) {
                for n in o.lengths.clone().filter(|n| (3..=6).contains(n) && idx.fits(i, *n)) {
                    let words = &idx.keys[i..i + n];
                    let drop = o.edges == EdgePolicy::Drop;
                    if drop && (s.stop[words[0] as usize] || s.stop[words[n - 1] as usize]) {
                        continue;
                    }
                    for a in 1..n - 1 {
                        let (Some(l), Some(r)) =
                            (finder.find(&words[..a]), finder.find(&words[a + 1..]))
                        else {
                            continue;
                        };
                        let e = found.entry(((a, l), (n - 1 - a, r))).or_default();
                        e.0 += 1;
                        e.1.insert(d);
                        let fill = e.2.entry(words[a]).or_default();
                        *fill.entry(idx.surfaces[i + a]).or_default() += 1;
                    }
                }
            }
        }
        let rank = |x: u32| s.surface_rank[x as usize];
        let mut out = Vec::new();
        for ((left, right), (count, docs, fills)) in found {
            if count < o.min_count || (docs.len() as u32) < o.min_docs || fills.len() < 2 {
                continue;
            }
            let mut fillers: Vec<Filler> = fills
                .iter()
                .map(|(&key, forms)| {
                    let total = forms.values().sum();
                    let top =
                        forms.iter().max_by(|x, y| x.1.cmp(y.1).then(rank(*y.0).cmp(&rank(*x.0))));
                    Filler { key, surface: *top.expect("a form").0, count: total }
                })
                .collect();
            fillers.sort_by_key(|f| (std::cmp::Reverse(f.count), rank(f.surface)));
            out.push(Frame { left, right, count, docs: docs.len() as u32, fillers });
        }
        if o.overlap == Overlap::Maximal {
            out = maximal(out, finder);
        }
        sorted(out)
    }

    fn corpus_strategy() -> impl Strategy<Value = Corpus> {
        let sentence = prop::collection::vec(0..SURFACES, 1..9);
        let doc = prop::collection::vec(sentence, 1..4);
        prop::collection::vec(doc, 1..10)
    }

    fn options_strategy() -> impl Strategy<Value = FrameOptions> {
        (3usize..=6, 0usize..=3, 2u32..=3, 1u32..=2, any::<bool>()).prop_map(
            |(start, more, min_count, min_docs, drop)| FrameOptions {
                lengths: start..=(start + more).min(6),
                min_count,
                min_docs,
                edges: if drop { EdgePolicy::Drop } else { EdgePolicy::Keep },
                overlap: Overlap::None,
            },
        )
    }

    proptest! {
        #[test]
        fn segments_give_the_frames_of_the_whole_index(
            corpus in corpus_strategy(),
            options in options_strategy(),
            cuts in prop::collection::btree_set(1usize..10, 0..6),
            tally_bytes in prop_oneof![Just(0u64), 1u64..20_000, Just(u64::MAX)],
            hinted in any::<bool>(),
        ) {
            let s = Setup::new(&corpus, options.min_count);
            let finder = NgramFinder::new(&s.counts, KEYS as usize);
            let facts = s.facts();
            let segs = segments(&corpus, &cuts);
            for overlap in [Overlap::None, Overlap::Maximal] {
                let o = FrameOptions { overlap, ..options.clone() };
                let whole = sorted(frames(&s.index, &finder, &facts, &o));
                // Without a size hint no segment is known to be the last of its pass.
                let parts = || {
                    let mut it = segs.iter().map(|x| Ok(copy(x)));
                    let blind = std::iter::from_fn(move || it.next());
                    let sized = segs.iter().map(|x| Ok(copy(x)));
                    if hinted { Box::new(sized) as Box<dyn Iterator<Item = _>> } else { Box::new(blind) }
                };
                let cut = frames_in_segments(parts, &finder, &facts, &o, tally_bytes).unwrap();
                prop_assert_eq!(&sorted(cut), &whole);
                prop_assert_eq!(&brute(&s, &finder, &o), &whole);
            }
        }
    }

    #[test]
    fn a_spilled_index_gives_the_frames_of_the_index_in_memory() {
        // Three documents repeating "3 * 4 5" with fillers 1, 7 (a form of key 1), 2, 8.
        let corpus: Corpus = vec![
            vec![vec![3, 1, 4, 5], vec![3, 7, 4, 5, 9]],
            vec![vec![10, 3, 2, 4, 5], vec![3, 8, 4, 5]],
            vec![vec![3, 1, 4, 5]],
        ];
        let s = Setup::new(&corpus, 2);
        let finder = NgramFinder::new(&s.counts, KEYS as usize);
        let spilled = spill_index(&s.index);
        let surface_keys: Vec<u32> = (0..SURFACES).map(|x| x % KEYS).collect();
        let o = FrameOptions {
            lengths: 3..=6,
            min_count: 2,
            min_docs: 1,
            edges: EdgePolicy::Drop,
            overlap: Overlap::None,
        };
        let facts = s.facts();
        let got = frames_in_segments(|| spilled.segments(&surface_keys), &finder, &facts, &o, 0);
        let got = sorted(got.unwrap());
        assert_eq!(got, sorted(frames(&s.index, &finder, &facts, &o)));
        // "3 * 4" and "3 * 4 5": 5 times in 3 documents; fillers key 1 (forms 1 twice, 7
        // once: 1 is shown), then key 2 (surfaces 2 and 8, each once; 8 ranks first).
        let words = |g: Gram| s.counts.key_words(g.0, g.1);
        let shown: Vec<_> = got
            .iter()
            .map(|f| {
                let fillers: Vec<_> =
                    f.fillers.iter().map(|x| (x.key, x.surface, x.count)).collect();
                (words(f.left), words(f.right), f.count, f.docs, fillers)
            })
            .collect();
        let fillers = vec![(1, 1, 3), (2, 8, 2)];
        assert_eq!(
            shown,
            [(vec![3], vec![4], 5, 3, fillers.clone()), (vec![3], vec![4, 5], 5, 3, fillers),]
        );
    }

    #[test]
    fn the_same_frames_in_the_same_order_whatever_the_threads() {
        // 30 random documents over 12 surfaces, cut into 4 segments, with room for 4 tally
        // entries per shard (12,288 bytes): several passes, ranges shrinking, shards merged in
        // parallel.
        let mut seed = 7u64;
        let mut next = move || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as u32 % SURFACES
        };
        let corpus: Corpus =
            (0..30).map(|_| (0..3).map(|_| (0..7).map(|_| next()).collect()).collect()).collect();
        let s = Setup::new(&corpus, 2);
        let finder = NgramFinder::new(&s.counts, KEYS as usize);
        let facts = s.facts();
        let segs = segments(&corpus, &BTreeSet::from([7, 15, 22]));
        let o = FrameOptions {
            lengths: 3..=6,
            min_count: 2,
            min_docs: 2,
            edges: EdgePolicy::Keep,
            overlap: Overlap::None,
        };
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            let parts = || segs.iter().map(|x| Ok(copy(x)));
            pool.install(|| frames_in_segments(parts, &finder, &facts, &o, 12_288).unwrap())
        };
        let one = run(1);
        assert!(one.len() > 10, "{} frames", one.len());
        assert_eq!(run(3), one);
        assert_eq!(sorted(one), sorted(frames(&s.index, &finder, &facts, &o)));
    }

    /// A corpus of `docs` documents of 200 random words (about Zipf-distributed over 3,000
    /// surfaces of 2,000 keys; the 20 most frequent keys are stop words), in sentences of 8 to
    /// 15 words, with its parts counted up to 4 words (at least 3 times).
    fn big_setup(docs: usize) -> (Setup, Vec<u32>) {
        const SURFACES: u32 = 3000;
        const KEYS: u32 = 2000;
        let mut seed = 11u64;
        let mut next = move || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut index = TokenIndex::new();
        for _ in 0..docs {
            let mut words = Vec::with_capacity(200);
            let mut to_end = 0;
            for _ in 0..200 {
                let s = (SURFACES as f64 * next().powi(3)) as u32;
                words.push((s % KEYS, s, to_end == 0));
                to_end = if to_end == 0 { 8 + (next() * 8.0) as u32 } else { to_end - 1 };
            }
            index.push_doc(words);
        }
        let stop: Vec<bool> = (0..KEYS).map(|k| k < 20).collect();
        let key_rank: Vec<u32> = (0..KEYS).collect();
        let surface_rank: Vec<u32> = (0..SURFACES).rev().collect();
        let facts =
            VocabFacts { key_stop: &stop, key_rank: &key_rank, surface_rank: &surface_rank };
        let o =
            CountOptions { min_n: 1, max_n: 4, min_count: 3, min_docs: 1, edges: EdgePolicy::Keep };
        let counts = count(&index, &facts, &o);
        let surface_keys = (0..SURFACES).map(|s| s % KEYS).collect();
        (Setup { index, counts, stop, key_rank, surface_rank }, surface_keys)
    }

    #[test]
    #[ignore = "long: 2.4 M words in 3 segment files"]
    fn a_spilled_index_of_several_files_gives_the_frames_of_the_index_in_memory() {
        let (s, surface_keys) = big_setup(12_000);
        let finder = NgramFinder::new(&s.counts, s.key_rank.len());
        let facts = s.facts();
        let spilled = spill_index(&s.index);
        assert_eq!(spilled.segment_count(), 3);
        for edges in [EdgePolicy::Drop, EdgePolicy::Keep] {
            let o = FrameOptions {
                lengths: 3..=6,
                min_count: 3,
                min_docs: 2,
                edges,
                overlap: Overlap::None,
            };
            let started = std::time::Instant::now();
            let whole = frames(&s.index, &finder, &facts, &o);
            let in_memory = started.elapsed();
            // 4 MB of tallies: several passes.
            let read = || spilled.segments(&surface_keys);
            let cut = frames_in_segments(read, &finder, &facts, &o, 4 << 20).unwrap();
            eprintln!(
                "{edges:?}: {} frames; in memory {:.2} s, from 3 files {:.2} s",
                whole.len(),
                in_memory.as_secs_f64(),
                (started.elapsed() - in_memory).as_secs_f64()
            );
            assert!(whole.len() > 1000, "{} frames", whole.len());
            assert_eq!(sorted(cut), sorted(whole));
        }
    }
}
