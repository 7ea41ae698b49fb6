//! Fuzzing on stable Rust: every reader (txt, md, html, json, jsonl, csv, tsv, parquet, gz)
//! and the analyser, fed mutated seed inputs by proptest.
//!
//! Two modes:
//! - the fast one runs in every `cargo test`, on seeds the test writes itself
//!   ([`seeds::built_in`]);
//! - the long one (`cargo test --test fuzz -- --ignored`, a step of its own in `.ci/run`)
//!   mutates files sampled from `../shared/corpora` (or `REFRAIN_CORPORA`), each wrapped in
//!   every format, for `REFRAIN_FUZZ_SECONDS` seconds (default 240), and skips itself when the
//!   corpora are absent.
//!
//! A failure prints the seed and the shrunk list of mutations; every crash found is kept as a
//! named test in [`regressions`].

mod check;
mod mutate;
mod regressions;
mod seeds;

use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestRunner};
use refrain::analysis::Analyzer;
use refrain::corpus::CleanMode;

use mutate::Mutation;
use seeds::{Container, Seed};

/// One fuzz case: which seed, what to do to its payload, and what to do to the stored file
/// (gzip and Parquet bytes: their decoders are fuzzed too).
#[derive(Debug, Clone)]
struct Case {
    seed: Index,
    payload: Vec<Mutation>,
    stored: Vec<Mutation>,
    clean: CleanMode,
}

fn case(max_mutations: usize, max_times: usize) -> impl Strategy<Value = Case> {
    (
        any::<Index>(),
        mutate::mutations(max_mutations, max_times),
        // Mostly leave the container intact, so the readers inside it are reached.
        prop_oneof![3 => Just(Vec::new()), 1 => mutate::mutations(2, 4)],
        check::clean_mode(),
    )
        .prop_map(|(seed, payload, stored, clean)| Case { seed, payload, stored, clean })
}

/// Run one case against `seeds`, in `dir`.
fn run_case(
    case: &Case,
    seeds: &[Seed],
    dir: &std::path::Path,
    analyzer: &Analyzer,
) -> Result<(), TestCaseError> {
    let seed = &seeds[case.seed.index(seeds.len())];
    let pool: Vec<&[u8]> = seeds.iter().map(|s| s.payload.as_slice()).collect();
    let payload = mutate::apply(&seed.payload, &case.payload, &pool);
    let mut stored = seeds::encode(seed.container, &payload);
    if seed.container != Container::Plain {
        stored = mutate::apply(&stored, &case.stored, &[]);
    }
    let name = seed.file_name();
    let checked = check::read_and_check(dir, &name, &stored, case.clean, analyzer)
        // The analyser on the raw mutated text too: what no reader cleaned.
        .and_then(|_| check::check_analysis(&String::from_utf8_lossy(&payload), analyzer));
    checked.map_err(|e| {
        let shown: String = payload.escape_ascii().to_string().chars().take(600).collect();
        TestCaseError::fail(format!(
            "{e}\n  seed: {} as {name}, {:?}\n  payload ({} bytes): b\"{shown}\"",
            seed.origin,
            case.clean,
            payload.len()
        ))
    })
}

/// A runner for `cases` cases that keeps no failure file (crashes become named tests).
fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() })
}

/// Cases of the fast mode (`PROPTEST_CASES` overrides).
fn fast_cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(300)
}

#[test]
fn readers_survive_mutated_built_in_seeds() {
    let seeds = seeds::built_in();
    let dir = tempfile::tempdir().unwrap();
    let analyzer = check::analyzer();
    let result =
        runner(fast_cases()).run(&case(6, 40), |c| run_case(&c, &seeds, dir.path(), &analyzer));
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn analyser_survives_hostile_text() {
    // Random Unicode text and hostile runs straight into the analyser, no reader in between.
    let analyzer = check::analyzer();
    let text = prop::collection::vec(
        prop_oneof![
            2 => any::<String>(),
            2 => "[a-zA-Z .,;!?'\n-]{0,40}",
            1 => any::<Index>().prop_map(|i| {
                let run = mutate::HOSTILE[i.index(mutate::HOSTILE.len())];
                String::from_utf8_lossy(run).repeat(50)
            }),
        ],
        0..12,
    )
    .prop_map(|parts| parts.concat());
    let result = runner(fast_cases()).run(&text, |t| check::check_analysis(&t, &analyzer));
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// The long mode: corpus seeds for a bounded time.
#[test]
#[ignore = "long fuzzing run: `cargo test --test fuzz -- --ignored` (a step of .ci/run)"]
fn readers_survive_mutated_corpus_seeds() {
    let root = std::env::var_os("REFRAIN_CORPORA").map_or_else(
        || std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora"),
        std::path::PathBuf::from,
    );
    let mut seeds = seeds::from_corpora(&root, 6);
    if seeds.is_empty() {
        eprintln!("fuzz: {} is absent; the long fuzzing run is skipped", root.display());
        return;
    }
    seeds.extend(seeds::built_in());
    let budget = std::env::var("REFRAIN_FUZZ_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map_or(Duration::from_secs(240), Duration::from_secs);
    let per_round = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64);
    let dir = tempfile::tempdir().unwrap();
    let analyzer = check::analyzer();
    let started = Instant::now();
    let (mut rounds, mut cases) = (0u64, 0u64);
    // Rounds of `per_round` cases over all seeds until the time is up; each round starts from
    // a fresh random state, so no two rounds repeat.
    while started.elapsed() < budget {
        let result =
            runner(per_round).run(&case(10, 400), |c| run_case(&c, &seeds, dir.path(), &analyzer));
        if let Err(e) = result {
            panic!("after {cases} cases: {e}");
        }
        rounds += 1;
        cases += u64::from(per_round);
    }
    eprintln!(
        "fuzz: {cases} cases in {rounds} rounds over {} seeds in {:.0} s, no failure",
        seeds.len(),
        started.elapsed().as_secs_f64()
    );
}
