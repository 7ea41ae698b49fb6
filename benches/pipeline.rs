//! Benchmarks of the analyser and the counter on the bundled seed article, of the CSV writer
//! on a table shaped like `freq`'s, and of cleaning and analysis on hostile input (long runs of
//! one character that once took quadratic time). Each benchmark checks its result inside the
//! timed loop, so a fast wrong answer cannot pass for a speed-up.
//!
//! Run with `cargo bench`. CI runs each once in test mode (`cargo test --bench pipeline`, a
//! debug build), so their result checks run there.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use refrain::analysis::{Analyzer, AnalyzerOptions, LocalVocab, TokenBuf};
use refrain::corpus::clean::clean_document;
use refrain::corpus::{CleanMode, Document, Input, ReadOptions, read_input};
use refrain::count::{CountOptions, EdgePolicy, NgramFinder, VocabFacts, count, ranks};
use refrain::pipeline::{PipelineOptions, analyze_documents};
use refrain::table::{Chunked, Format, Table, TextColumn, Values, export::write_chunked_to};

/// The seed article, cleaned as the corpus reader cleans it.
fn seed() -> Document {
    read_input(&Input::Sample, &ReadOptions::default()).docs.remove(0)
}

fn analyzer(c: &mut Criterion) {
    let doc = seed();
    let analyzer = Analyzer::new(&AnalyzerOptions::default());
    let mut group = c.benchmark_group("analyzer");
    group.throughput(Throughput::Bytes(doc.text.len() as u64));
    group.bench_function("seed article", |b| {
        b.iter(|| {
            let mut vocab = LocalVocab::new();
            let mut buf = TokenBuf::default();
            analyzer.analyze(black_box(&doc.text), &mut vocab, &mut buf);
            assert_eq!(buf.surface.len(), 680);
            assert_eq!(buf.stats.sentences, 14);
            buf.surface.len()
        })
    });
    group.finish();
}

fn counter(c: &mut Criterion) {
    const COPIES: u32 = 200;
    let docs = (0..COPIES).map(|_| seed()).collect();
    let corpus = analyze_documents(docs, &PipelineOptions::default());
    let vocab = &corpus.vocab;
    let key_stop: Vec<bool> = (0..vocab.key_count() as u32).map(|k| vocab.is_stop(k)).collect();
    let surface_rank = ranks(vocab.surface_count(), |s| vocab.surface(s));
    let key_rank = ranks(vocab.key_count(), |k| vocab.key(k));
    let facts =
        VocabFacts { key_stop: &key_stop, key_rank: &key_rank, surface_rank: &surface_rank };
    let options =
        CountOptions { min_n: 1, max_n: 5, edges: EdgePolicy::Keep, ..Default::default() };
    let party_cells = [vocab.find_key("parti").unwrap(), vocab.find_key("cell").unwrap()];
    let mut group = c.benchmark_group("counter");
    group.throughput(Throughput::Elements(corpus.index.len() as u64));
    group.bench_function("1..5-grams of 200 seed articles", |b| {
        b.iter(|| {
            let counts = count(black_box(&corpus.index), &facts, &options);
            let id = NgramFinder::new(&counts, vocab.key_count()).find(&party_cells).unwrap();
            assert_eq!(counts.levels[1].count[id as usize], 13 * COPIES);
            assert_eq!(counts.levels[1].docs[id as usize], COPIES);
            counts.levels.len()
        })
    });
    group.finish();
}

/// The bounded counter on the same corpus written to disk, with a budget small enough to
/// make several partitions and runs (the spill), and the k-way merge of the runs it wrote.
fn bounded(c: &mut Criterion) {
    use refrain::budget::TempSpace;
    use refrain::count::RowOrder;
    use refrain::count::bounded::{self, Input, Limits, Ranks};
    use refrain::count::spilled::SpillWriter;
    let inaugural =
        std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/data/inaugural"));
    let corpus = refrain::pipeline::run(&[inaugural], &PipelineOptions::default()).unwrap();
    let (vocab, index) = (&corpus.vocab, &corpus.index);
    let mut writer = SpillWriter::new(TempSpace::new(None).unwrap());
    for d in 0..index.doc_count() {
        let words = index.doc_range(d).map(|i| (index.surfaces[i], index.sentence_start[i]));
        writer.push_doc(words).unwrap();
    }
    let spilled = writer.finish().unwrap();
    let key_stop: Vec<bool> = (0..vocab.key_count() as u32).map(|k| vocab.is_stop(k)).collect();
    let surface_rank = ranks(vocab.surface_count(), |s| vocab.surface(s));
    let key_rank = ranks(vocab.key_count(), |k| vocab.key(k));
    let ranks = Ranks {
        surface_keys: vocab.surface_keys(),
        key_rank: &key_rank,
        surface_rank: &surface_rank,
    };
    let input = Input { spilled: &spilled, ranks, key_stop: &key_stop };
    let options =
        CountOptions { min_n: 1, max_n: 5, edges: EdgePolicy::Keep, ..Default::default() };
    // The in-memory counter's count of "united states", independent of the bounded one.
    let united_states = [vocab.find_key("unit").unwrap(), vocab.find_key("state").unwrap()];
    let facts =
        VocabFacts { key_stop: &key_stop, key_rank: &key_rank, surface_rank: &surface_rank };
    let counts = count(index, &facts, &options);
    let id = NgramFinder::new(&counts, vocab.key_count()).find(&united_states).unwrap();
    let expected = (counts.levels[1].count[id as usize], counts.levels[1].docs[id as usize]);
    drop(counts);
    let limits = Limits { budget: 8 << 20, fixed: 0, fixed_at_most: 0, group_windows: 1 << 12 };
    let keys = vocab.surface_keys();
    let mut group = c.benchmark_group("bounded");
    group.throughput(Throughput::Elements(index.len() as u64));
    group.bench_function("spill: 1..5-grams of the inaugural addresses in 8 MB", |b| {
        b.iter(|| {
            let mut counted =
                bounded::count_in(&input, &options, RowOrder::Count, None, limits).unwrap();
            assert!(counted.runs >= 2 && counted.partitions >= 2);
            let mut found = None;
            while let Some(row) = counted.merge.next_row().unwrap() {
                if row.words().iter().map(|&s| keys[s as usize]).eq(united_states) {
                    found = Some((row.count, row.docs));
                }
            }
            assert_eq!(found, Some(expected));
            counted.runs
        })
    });
    let counted = bounded::count_in(&input, &options, RowOrder::Count, None, limits).unwrap();
    let rows: u64 = counted.distinct.iter().sum();
    drop(counted);
    group.throughput(Throughput::Elements(rows));
    group.bench_function("merge: the sorted runs of the spill", |b| {
        // The counting is redone outside the timing; only the merge is measured.
        b.iter_batched(
            || bounded::count_in(&input, &options, RowOrder::Count, None, limits).unwrap(),
            |mut counted| {
                let mut n = 0u64;
                while counted.merge.next_row().unwrap().is_some() {
                    n += 1;
                }
                assert_eq!(n, rows);
                n
            },
            criterion::BatchSize::LargeInput,
        )
    });
    group.finish();
}

/// A `freq`-shaped table of `rows` rows (phrase, key, four integers, three reals), made chunk
/// by chunk from the words of the seed article.
fn freq_like(words: &[String], rows: usize) -> Chunked<'_> {
    Chunked::new(rows, 1 << 14, move |range| {
        let mut phrase = TextColumn::with_capacity(range.len());
        let mut key = TextColumn::with_capacity(range.len());
        let (mut n, mut count, mut real) = (Vec::new(), Vec::new(), Vec::new());
        for i in range {
            let len = 1 + i % 5;
            let at = |k: usize| words[(i * 7 + k * 13) % words.len()].as_str();
            phrase.push_joined((0..len).map(at), " ");
            key.push_joined((0..len).map(|k| at(k + 1)), " ");
            n.push(len as i64);
            count.push((rows / (i + 1)) as i64 + 2);
            real.push(1.0 / (i as f64 + 3.0));
        }
        Table::new()
            .with("phrase", Values::Text(phrase))
            .with("key", Values::Text(key))
            .with("n", Values::Int(n))
            .with("count", Values::Int(count.clone()))
            .with("per_million", Values::Float(real.iter().map(|r| r * 1e6).collect()))
            .with("docs", Values::Int(count))
            .with("doc_share", Values::Float(real.clone()))
            .with("dp", Values::Float(real))
    })
}

fn csv(c: &mut Criterion) {
    const ROWS: usize = 200_000;
    let words: Vec<String> = seed().text.split_whitespace().map(str::to_lowercase).collect();
    let table = freq_like(&words, ROWS);
    let mut out = Vec::new();
    write_chunked_to(&table, Format::Csv, &mut out).unwrap();
    let (bytes, lines) = (out.len(), memchr::memchr_iter(b'\n', &out).count());
    let mut group = c.benchmark_group("table");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("CSV of 200k freq-shaped rows", |b| {
        b.iter(|| {
            out.clear();
            write_chunked_to(black_box(&table), Format::Csv, &mut out).unwrap();
            assert_eq!((out.len(), memchr::memchr_iter(b'\n', &out).count()), (bytes, lines));
            assert_eq!(lines, ROWS + 1);
            out.len()
        })
    });
    group.finish();
}

/// Cleaning and analysis of 40,000-character runs between two sentences: the inputs of the
/// reliability audit (22 s, over 60 s, 38 s, 29 s and 17 s before they were made linear).
/// Each should take about as long as 40,000 characters of ordinary text.
fn hostile(c: &mut Criterion) {
    const RUN: usize = 40_000;
    // Cleaning removes the overrides, so they are run through the analyzer uncleaned too.
    let runs = [
        ("combining accents", format!("a{}", "\u{301}".repeat(RUN)), CleanMode::Auto),
        ("comment openers", "<!--".repeat(RUN / 4), CleanMode::Auto),
        ("right-to-left overrides", "\u{202e}".repeat(RUN), CleanMode::Auto),
        ("right-to-left overrides, not cleaned", "\u{202e}".repeat(RUN), CleanMode::None),
        ("full stops", ".".repeat(RUN), CleanMode::Auto),
        ("question marks", "?".repeat(RUN), CleanMode::Auto),
    ];
    let analyzer = Analyzer::new(&AnalyzerOptions::default());
    let mut group = c.benchmark_group("hostile");
    for (name, run, mode) in runs {
        let raw = format!("Omega ran. {run}\nOmega ran.");
        group.throughput(Throughput::Bytes(raw.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| {
                let cleaned = clean_document(black_box(&raw), None, mode, false);
                let mut vocab = LocalVocab::new();
                let mut buf = TokenBuf::default();
                analyzer.analyze(&cleaned.text, &mut vocab, &mut buf);
                // "Omega ran" twice; the accented "a" is overlong; nothing else is a word.
                assert_eq!(buf.surface.len(), 4);
                buf.surface.len()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, analyzer, counter, bounded, csv, hostile);
criterion_main!(benches);
