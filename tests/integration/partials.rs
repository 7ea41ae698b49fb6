//! `refrain freq --partial` and `refrain merge`: the partials of shards merged give the bytes
//! of one `freq` run over all the shards' documents, and every bad partial is an error naming
//! its file, exit 2, with nothing written (docs/partials.md).

use std::path::{Path, PathBuf};

use proptest::prelude::*;

use crate::util::{TestDir, refrain};

const INAUGURAL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/inaugural");

/// Run refrain with `args`; its stdout, after checking it succeeded.
fn ok(args: &[&str]) -> Vec<u8> {
    let out = refrain().args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "refrain {args:?} failed:\n{stderr}");
    out.stdout
}

/// Run refrain with `args`, which must fail with exit status 2; its stderr.
fn fails(args: &[&str]) -> String {
    let out = refrain().args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "refrain {args:?}: {stderr}");
    stderr
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The inaugural addresses in `root/s1`, `root/s2`, `root/s3` (round robin, so every shard
/// spans the centuries), and the shards' folders.
fn sharded(dir: &TestDir) -> (PathBuf, Vec<PathBuf>) {
    let root = dir.join("corpus");
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(INAUGURAL).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    for (i, f) in files.iter().enumerate() {
        let shard = root.join(format!("s{}", i % 3 + 1));
        std::fs::create_dir_all(&shard).unwrap();
        std::fs::copy(f, shard.join(f.file_name().unwrap())).unwrap();
    }
    (root.clone(), (1..=3).map(|k| root.join(format!("s{k}"))).collect())
}

/// The partials of `shards` in `parts`, made with `extra` options; named so that the files'
/// order (s3, s1, s2) is not the corpus order.
fn partials(parts: &Path, shards: &[PathBuf], extra: &[&str]) -> Vec<PathBuf> {
    std::fs::create_dir_all(parts).unwrap();
    let names = ["b.parquet", "c.parquet", "a.parquet"];
    shards
        .iter()
        .zip(names)
        .map(|(shard, name)| {
            let out = parts.join(name);
            let mut args = vec!["-q", "freq", "--partial", "-o", s(&out)];
            args.extend(extra);
            args.push(s(shard));
            ok(&args);
            out
        })
        .collect()
}

#[test]
fn merged_shards_of_the_inaugural_addresses_are_freq_over_the_whole() {
    let dir = TestDir::new();
    let (root, shards) = sharded(&dir);
    let parts = dir.join("parts");
    partials(&parts, &shards, &["-n", "1..3"]);
    for args in [
        vec!["-n", "1..3", "--format", "csv"],
        vec!["-n", "2..3", "--min-count", "2", "--format", "csv"],
        vec!["-n", "1", "--min-docs", "5", "--sort", "dp", "--format", "csv"],
        vec!["-n", "3", "--sort", "phrase", "--top", "40", "--format", "tsv"],
        vec![
            "-n",
            "2",
            "--min-count",
            "3",
            "--min-docs",
            "2",
            "--sort",
            "docs",
            "--format",
            "json",
        ],
        vec!["-n", "1..2", "--min-count", "4", "--format", "table", "--top", "30"],
    ] {
        let mut freq = vec!["-q", "freq"];
        freq.extend(&args);
        freq.push(s(&root));
        let mut merge = vec!["-q", "merge"];
        merge.extend(&args);
        merge.push(s(&parts));
        let (whole, merged) = (ok(&freq), ok(&merge));
        assert!(whole.len() > 100, "{args:?}: the table has rows");
        assert!(whole == merged, "{args:?}: merge differs from freq");
    }
}

#[test]
fn merged_shards_grouped_by_period_document_and_metadata_are_freq_by() {
    let dir = TestDir::new();
    let (root, shards) = sharded(&dir);
    let parts = dir.join("parts");
    let names = r"(?P<year>\d{4})-(?P<president>[A-Za-z]+)";
    partials(&parts, &shards, &["-n", "1..3", "--name-pattern", names]);
    for args in [
        vec!["-n", "1..3", "--by", "decade", "--format", "csv"],
        vec!["-n", "2", "--by", "year", "--top", "20", "--sort", "docs", "--format", "csv"],
        vec!["-n", "1..2", "--by", "doc", "--top", "15", "--min-count", "3", "--format", "csv"],
        vec!["-n", "3", "--by", "century", "--min-docs", "2", "--format", "tsv"],
        vec!["-n", "1..2", "--by", "president", "--top", "10", "--sort", "dp", "--format", "csv"],
    ] {
        let mut freq = vec!["-q", "freq", "--name-pattern", names];
        freq.extend(&args);
        freq.push(s(&root));
        let mut merge = vec!["-q", "merge"];
        merge.extend(&args);
        merge.push(s(&parts));
        let (whole, merged) = (ok(&freq), ok(&merge));
        assert!(String::from_utf8_lossy(&whole).lines().count() > 50, "{args:?}: rows");
        assert!(whole == merged, "{args:?}: merge --by differs from freq --by");
    }
}

/// Over one counting block (262,144 words) the counter in memory adds words' DP terms per
/// range of blocks, then the ranges' sums: the merge adds them the same way, so even the
/// doubles Parquet stores whole are the same (adding the terms in one run differs here).
#[test]
fn words_dp_over_several_blocks_is_the_counters_to_the_last_bit() {
    let dir = TestDir::new();
    let root = dir.join("corpus");
    let parts = dir.join("parts");
    std::fs::create_dir_all(&parts).unwrap();
    for k in 1..=3 {
        let shard = root.join(format!("copy{k}"));
        std::fs::create_dir_all(&shard).unwrap();
        for e in std::fs::read_dir(INAUGURAL).unwrap() {
            let f = e.unwrap().path();
            std::fs::copy(&f, shard.join(f.file_name().unwrap())).unwrap();
        }
        let out = parts.join(format!("{k}.parquet"));
        ok(&["-q", "freq", "--partial", "-n", "1..2", "-o", s(&out), s(&shard)]);
    }
    for args in [["-n", "1..2", "--sort", "count"], ["-n", "1", "--sort", "dp"]] {
        let (a, b) = (dir.join("freq.parquet"), dir.join("merge.parquet"));
        let mut freq = vec!["-q", "freq", "-o", s(&a)];
        freq.extend(args);
        freq.push(s(&root));
        ok(&freq);
        let mut merge = vec!["-q", "merge", "-o", s(&b)];
        merge.extend(args);
        merge.push(s(&parts));
        ok(&merge);
        let (whole, merged) = (std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
        assert!(whole == merged, "{args:?}: the Parquet tables differ");
    }
}

#[test]
fn merged_shards_keep_stop_word_edges_and_write_files_as_freq_does() {
    let dir = TestDir::new();
    let (root, shards) = sharded(&dir);
    let parts = dir.join("parts");
    let files = partials(&parts, &shards, &["-n", "2..4", "--stopword-edges", "keep"]);
    let (a, b) = (dir.join("a.csv"), dir.join("b.csv"));
    let edges = ["--stopword-edges", "keep", "-n", "2..4", "--min-count", "2"];
    let mut freq = vec!["-q", "freq", "-o", s(&a)];
    freq.extend(edges);
    freq.push(s(&root));
    ok(&freq);
    // Files named one by one, in any order, are the same partials as their folder.
    let mut merge = vec!["-q", "merge", "-n", "2..4", "--min-count", "2", "-o", s(&b)];
    merge.extend(files.iter().rev().map(|f| s(f)));
    ok(&merge);
    let (whole, merged) = (std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    assert!(String::from_utf8_lossy(&whole).contains(",of the,"), "edges kept");
    assert!(whole == merged, "merge differs from freq");
}

/// A partial of many row groups (over 65,536 rows) merges to freq's table; its size against
/// the corpus's is printed for the record (the bound only says the format is not wildly
/// larger than the text).
#[test]
fn a_partial_of_the_whole_corpus_merges_and_is_near_the_corpus_in_size() {
    let dir = TestDir::new();
    let out = dir.join("all.parquet");
    ok(&["-q", "freq", "--partial", "-n", "1..5", "-o", s(&out), INAUGURAL]);
    let corpus: u64 =
        std::fs::read_dir(INAUGURAL).unwrap().map(|e| e.unwrap().metadata().unwrap().len()).sum();
    let size = std::fs::metadata(&out).unwrap().len();
    eprintln!("partial -n 1..5: {size} bytes for a corpus of {corpus} bytes");
    assert!(size < 4 * corpus, "{size} bytes for {corpus}");
    let table = ["-n", "1..5", "--min-count", "2", "--sort", "dp", "--format", "csv"];
    let mut freq = vec!["-q", "freq"];
    freq.extend(table);
    freq.push(INAUGURAL);
    let mut merge = vec!["-q", "merge"];
    merge.extend(table);
    merge.push(s(&out));
    assert!(ok(&merge) == ok(&freq), "merge differs from freq");
    let all = ok(&["-q", "merge", "--format", "csv", s(&out)]);
    let rows = String::from_utf8(all).unwrap().lines().count() - 1;
    assert!(rows > 1 << 16, "{rows} rows: more than one row group");
}

#[test]
fn an_empty_shard_folder_gives_an_empty_partial_that_merges_as_nothing() {
    let dir = TestDir::new();
    let (root, shards) = sharded(&dir);
    let parts = dir.join("parts");
    partials(&parts, &shards, &["-n", "1..2"]);
    let empty = dir.join("empty");
    std::fs::create_dir(&empty).unwrap();
    ok(&["-q", "freq", "--partial", "-n", "1..2", "-o", s(&parts.join("e.parquet")), s(&empty)]);
    let whole = ok(&["-q", "freq", "-n", "1..2", "--format", "csv", s(&root)]);
    assert_eq!(ok(&["-q", "merge", "--format", "csv", s(&parts)]), whole);
    // Alone, it merges into a table with no rows.
    let alone = ok(&["-q", "merge", "--format", "csv", s(&parts.join("e.parquet"))]);
    assert_eq!(String::from_utf8(alone).unwrap().lines().count(), 1, "the header only");
}

/// A partial of the first shard made with `extra`.
fn one_partial(dir: &TestDir, name: &str, extra: &[&str]) -> PathBuf {
    let (_, shards) = sharded(dir);
    let out = dir.join(name);
    let mut args = vec!["-q", "freq", "--partial", "-o", s(&out)];
    args.extend(extra);
    args.push(s(&shards[0]));
    ok(&args);
    out
}

/// `merge` of `inputs` fails naming `names` (and `says`), and writes no `-o` file.
fn refused(dir: &TestDir, inputs: &[&Path], names: &[&Path], says: &str) {
    let out = dir.join("out.csv");
    let mut args = vec!["merge", "-o", s(&out)];
    args.extend(inputs.iter().map(|p| s(p)));
    let stderr = fails(&args);
    for name in names {
        assert!(stderr.contains(s(name)), "{stderr} should name {}", name.display());
    }
    assert!(stderr.contains(says), "{stderr} should say {says}");
    assert!(!out.exists(), "nothing written");
}

#[test]
fn a_table_that_is_not_a_partial_is_refused() {
    let dir = TestDir::new();
    let table = dir.join("table.parquet");
    ok(&["-q", "freq", "-o", s(&table), INAUGURAL]);
    refused(&dir, &[&table], &[&table], "not a refrain partial");
    let text = dir.write("notes.parquet", "a plain text file, not Parquet at all\n");
    refused(&dir, &[&text], &[&text], "not a readable Parquet file");
}

#[test]
fn an_empty_file_and_a_truncated_partial_are_refused() {
    let dir = TestDir::new();
    let good = one_partial(&dir, "good.parquet", &["-n", "1..2"]);
    let empty = dir.write("empty.parquet", "");
    refused(&dir, &[&good, &empty], &[&empty], "empty (0 bytes)");
    let bytes = std::fs::read(&good).unwrap();
    let cut = dir.write("cut.parquet", &bytes[..bytes.len() / 2]);
    refused(&dir, &[&cut], &[&cut], "truncated or not Parquet");
    let tail = dir.write("tail.parquet", &bytes[..bytes.len() - 1]);
    refused(&dir, &[&tail], &[&tail], "truncated or not Parquet");
}

#[test]
fn a_partial_of_another_format_version_is_refused() {
    let dir = TestDir::new();
    let good = one_partial(&dir, "good.parquet", &["-n", "1"]);
    // The footer's key-value metadata is plain Thrift: the value after the key is the version.
    let mut bytes = std::fs::read(&good).unwrap();
    let key = b"refrain.partial";
    let at = bytes.windows(key.len()).position(|w| w == key).expect("the version key") + key.len();
    let one = at + bytes[at..at + 4].iter().position(|&b| b == b'1').expect("version 1");
    bytes[one] = b'7';
    let other = dir.write("v7.parquet", &bytes);
    refused(&dir, &[&other], &[&other], "format version 7");
}

#[test]
fn partials_made_with_other_settings_are_refused_naming_the_setting() {
    let dir = TestDir::new();
    let stemmed = one_partial(&dir, "stemmed.parquet", &["-n", "1..2"]);
    let unstemmed = one_partial(&dir, "surface.parquet", &["-n", "1..2", "--no-stem"]);
    refused(&dir, &[&stemmed, &unstemmed], &[&stemmed, &unstemmed], "refrain.stem");
    let longer = one_partial(&dir, "longer.parquet", &["-n", "1..3"]);
    refused(&dir, &[&stemmed, &longer], &[&stemmed, &longer], "refrain.ngrams");
    let edges = one_partial(&dir, "edges.parquet", &["-n", "1..2", "--stopword-edges", "keep"]);
    refused(&dir, &[&stemmed, &edges], &[&stemmed, &edges], "refrain.stopword_edges");
    let stop = dir.write("stop.txt", "nation\n");
    let list = one_partial(&dir, "list.parquet", &["-n", "1..2", "--stopwords", s(&stop)]);
    refused(&dir, &[&stemmed, &list], &[&stemmed, &list], "refrain.stopwords");
}

#[test]
fn the_same_shard_twice_is_refused() {
    let dir = TestDir::new();
    let first = one_partial(&dir, "first.parquet", &["-n", "1..2"]);
    let copy = dir.join("copy.parquet");
    std::fs::copy(&first, &copy).unwrap();
    refused(&dir, &[&first, &copy], &[&first, &copy], "is in both");
    refused(&dir, &[&first, &first], &[&first], "is in both");
}

#[test]
fn lengths_outside_the_partials_and_bad_partial_options_are_refused() {
    let dir = TestDir::new();
    let p = one_partial(&dir, "p.parquet", &["-n", "2..3"]);
    let stderr = fails(&["merge", "-n", "1..3", s(&p)]);
    assert!(stderr.contains("outside the n-gram lengths") && stderr.contains(s(&p)), "{stderr}");
    let stderr = fails(&["freq", "--partial", "--min-count", "2", "-o", "x.parquet", INAUGURAL]);
    assert!(stderr.contains("--min-count"), "{stderr}");
    let csv = dir.join("x.csv");
    let stderr = fails(&["freq", "--partial", "-o", s(&csv), INAUGURAL]);
    assert!(stderr.contains(".parquet"), "{stderr}");
    assert!(!csv.exists());
    let none = dir.join("none");
    std::fs::create_dir(&none).unwrap();
    let stderr = fails(&["merge", s(&none)]);
    assert!(stderr.contains("holds no .parquet files") && stderr.contains(s(&none)), "{stderr}");
}

/// Words of the random corpora: a few stop words among them, so that edges matter.
const WORDS: &[&str] =
    &["the", "of", "nation", "Nation", "nations", "people", "free", "and", "law"];

fn corpus_strategy() -> impl Strategy<Value = Vec<(usize, Vec<Vec<usize>>)>> {
    // Documents: (shard, sentences of word indices).
    let sentence = prop::collection::vec(0..WORDS.len(), 1..8);
    let doc = (0usize..3, prop::collection::vec(sentence, 0..4));
    prop::collection::vec(doc, 1..8)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Random small corpora cut into random shards (one may be empty): the merge of the
    /// shards' partials is freq over the whole, byte for byte, with and without `--by doc`.
    #[test]
    fn merged_random_shards_are_freq_over_the_whole(
        docs in corpus_strategy(),
        (min_n, extra) in (1usize..=3, 0usize..=2),
        min_count in 1u32..=3,
        min_docs in 1u32..=2,
        sort in prop::sample::select(vec!["count", "docs", "dp", "phrase"]),
        keep in any::<bool>(),
        by_doc in any::<bool>(),
    ) {
        let dir = TestDir::new();
        let root = dir.join("corpus");
        for k in 0..3 {
            std::fs::create_dir_all(root.join(format!("s{k}"))).unwrap();
        }
        for (i, (shard, sentences)) in docs.iter().enumerate() {
            let text: Vec<String> = sentences
                .iter()
                .map(|w| w.iter().map(|&j| WORDS[j]).collect::<Vec<_>>().join(" ") + ".")
                .collect();
            dir.write(&format!("corpus/s{shard}/d{i:02}.txt"), text.join(" "));
        }
        let range = format!("{min_n}..{}", min_n + extra);
        let edges = if keep { "keep" } else { "drop" };
        let parts = dir.join("parts");
        std::fs::create_dir(&parts).unwrap();
        for k in 0..3 {
            let out = parts.join(format!("{k}.parquet"));
            let shard = root.join(format!("s{k}"));
            ok(&["-q", "freq", "--partial", "-n", &range, "--stopword-edges", edges,
                 "-o", s(&out), s(&shard)]);
        }
        let (mc, md) = (min_count.to_string(), min_docs.to_string());
        let table = ["-n", &range, "--min-count", &mc, "--min-docs", &md, "--sort", sort,
                     "--format", "csv"];
        let by: &[&str] = if by_doc { &["--by", "doc"] } else { &[] };
        let mut freq = vec!["-q", "freq", "--stopword-edges", edges];
        freq.extend(table);
        freq.extend(by);
        freq.push(s(&root));
        let mut merge = vec!["-q", "merge"];
        merge.extend(table);
        merge.extend(by);
        merge.push(s(&parts));
        let (whole, merged) = (ok(&freq), ok(&merge));
        prop_assert_eq!(String::from_utf8(merged).unwrap(), String::from_utf8(whole).unwrap());
    }
}

#[test]
fn a_shard_over_the_budget_of_a_partial_is_refused_before_reading() {
    // 2 MB of text: a partial keeps every n-gram with its documents, about 48 times the text,
    // over a 64M budget (which `freq` alone, at 14 times, would not be).
    let dir = TestDir::new();
    let mut word = crate::util::random_words(3, 3000);
    let text: Vec<String> = (0..340_000).map(|_| word()).collect();
    dir.write("shard/a.txt", text.join(" "));
    let out = dir.join("a.parquet");
    let err =
        fails(&["freq", "--partial", "--memory", "64M", "-o", s(&out), s(&dir.join("shard"))]);
    assert!(err.contains("`freq --partial`") && err.contains("--memory"), "{err}");
    assert!(!out.exists(), "nothing is written");
}
