//! Crashes and silent losses the fuzzer found, each kept as a named test.

use refrain::corpus::{CleanMode, ReadResult};

use super::check;

/// Read `bytes` as `name` and check every invariant of the fuzzer.
fn read(name: &str, bytes: &[u8]) -> ReadResult {
    let dir = tempfile::tempdir().unwrap();
    check::read_and_check(dir.path(), name, bytes, CleanMode::Auto, &check::analyzer())
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Found by the fuzzer: a CSV cut after its header (`i`) gave no document and no problem.
#[test]
fn header_only_csv_is_reported() {
    for (name, bytes) in [("h.csv", &b"i"[..]), ("h.tsv", b"id\ttext\n"), ("e.json", b"[]")] {
        let r = read(name, bytes);
        assert!(r.docs.is_empty());
        assert_eq!(r.problems.len(), 1, "{name}");
        assert_eq!(r.problems[0].kind, "no records", "{name}");
    }
}
