//! Benchmarks of the analyser and the counter on the bundled seed article. Each benchmark
//! checks its result inside the timed loop, so a fast wrong answer cannot pass for a speed-up.
//!
//! Run with `cargo bench`; CI only checks that they compile (`cargo bench --no-run`).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use refrain::analysis::{Analyzer, AnalyzerOptions, LocalVocab, TokenBuf};
use refrain::corpus::{Document, Input, ReadOptions, read_input};
use refrain::count::{CountOptions, EdgePolicy, NgramFinder, VocabFacts, count, ranks};
use refrain::pipeline::{PipelineOptions, analyze_documents};

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

criterion_group!(benches, analyzer, counter);
criterion_main!(benches);
