"""The DuckDB merge in docs/partials.md ("The same merge elsewhere") against `refrain merge`.

The queries are read from the doc itself, so the doc and this test cannot drift apart. The
partials come from `refrain freq --partial` on shards of a corpus written here at random and
of ../shared/corpora/inaugural (skipped when absent); both tables are compared by key with
integers exact and reals to 1e-6 (examples/spark/compare_tables.py).

    REFRAIN=target/release/refrain python3 -m pytest tests/python

REFRAIN defaults to the release build under $CARGO_TARGET_DIR (or target/), else the debug one.
"""

import csv
import io
import math
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "examples" / "spark"))
from compare_tables import differences  # noqa: E402

CORPORA = Path(os.environ.get("REFRAIN_CORPORA", ROOT.parent / "shared" / "corpora"))


def refrain_binary():
    if os.environ.get("REFRAIN"):
        return os.environ["REFRAIN"]
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    for build in ("release", "debug"):
        if (target / build / "refrain").exists():
            return str(target / build / "refrain")
    pytest.fail("no refrain binary: build it or set REFRAIN")


REFRAIN = refrain_binary()


def doc_queries():
    """The ```sql blocks of the section "The same merge elsewhere": the merge, the check."""
    text = (ROOT / "docs" / "partials.md").read_text(encoding="utf-8")
    section = text.split("## The same merge elsewhere", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sql\n(.*?)```", section, re.DOTALL)
    assert len(blocks) == 2, "docs/partials.md should hold the merge query and the check query"
    return blocks


MERGE_SQL, DUPLICATES_SQL = doc_queries()


def run(*args):
    done = subprocess.run([REFRAIN, *map(str, args)], capture_output=True, text=True)
    assert done.returncode == 0, f"refrain {' '.join(map(str, args))}: {done.stderr}"
    return done.stdout


def partials_of(shards, folder, ngrams):
    """One partial per shard (a list of files, or a folder), in shard order."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, shard in enumerate(shards):
        path = folder / f"shard-{i}.parquet"
        files = shard if isinstance(shard, list) else [shard]
        run("freq", "--partial", "-q", "-n", ngrams, "-o", path, "--", *files)
        paths.append(str(path))
    return paths


def sql_table(partials, min_n, max_n, min_count=1, min_docs=1):
    params = {"partials": partials, "min_n": min_n, "max_n": max_n,
              "min_count": min_count, "min_docs": min_docs}
    cursor = duckdb.connect().execute(MERGE_SQL, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def merge_table(partials, min_n, max_n, min_count=1, min_docs=1):
    out = run("merge", "-q", "--raw-cells", "--format", "csv", "-n", f"{min_n}..{max_n}",
              "--min-count", min_count, "--min-docs", min_docs, *partials)
    return list(csv.DictReader(io.StringIO(out)))


def assert_same(partials, min_n, max_n, min_count=1, min_docs=1):
    expected = merge_table(partials, min_n, max_n, min_count, min_docs)
    actual = sql_table(partials, min_n, max_n, min_count, min_docs)
    assert differences(expected, actual) == []
    # freq's order too: count (largest first), then the key word by word.
    assert [r["key"] for r in actual] == [r["key"] for r in expected]
    return expected, actual


# Stems with several surface forms (display form, variants), stop words (edges dropped).
VOCABULARY = ("nation nations national run running runs peace peaceful people peoples "
              "the of and will free freedom freedoms war wars").split()


def random_corpus(folder, seed, documents):
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    files = []
    for d in range(documents):
        words = [rng.choice(VOCABULARY[: rng.randint(4, len(VOCABULARY))])
                 for _ in range(rng.choice([0, 3, 20, 60, 200]))]
        path = folder / f"doc{d:03d}.txt"
        path.write_text(" ".join(words) + "\n", encoding="utf-8")
        files.append(str(path))
    return files


@pytest.mark.parametrize("seed", range(6))
def test_random_corpora_in_random_shards(tmp_path, seed):
    rng = random.Random(1000 + seed)
    files = random_corpus(tmp_path / "corpus", seed, rng.randint(3, 12))
    rng.shuffle(files)  # shards need not follow corpus order: the merge restores it
    cuts = sorted(rng.sample(range(1, len(files)), rng.randint(0, min(3, len(files) - 1))))
    shards = [files[a:b] for a, b in zip([0, *cuts], [*cuts, len(files)])]
    partials = partials_of(shards, tmp_path / "parts", "1..3")
    for min_n, max_n, min_count, min_docs in [(1, 3, 1, 1), (1, 2, 2, 1), (2, 3, 1, 2),
                                              (3, 3, 3, 3)]:
        assert_same(partials, min_n, max_n, min_count, min_docs)


def test_inaugural_in_three_shards(tmp_path):
    corpus = CORPORA / "inaugural"
    if not corpus.is_dir():
        pytest.skip(f"{corpus} is absent")
    files = sorted(str(p) for p in corpus.glob("*.txt"))
    shards = [files[0:20], files[20:41], files[41:]]
    partials = partials_of(shards, tmp_path / "parts", "1..3")
    # The merge of the shards is freq over the whole corpus (refrain's own claim, checked here
    # so that the comparison below is against the table a user gets from freq).
    whole = run("freq", "-q", "--raw-cells", "--format", "csv", "-n", "1..3",
                "--min-count", 2, corpus)
    assert whole == run("merge", "-q", "--raw-cells", "--format", "csv", "--min-count", 2,
                        *partials)
    expected, _ = assert_same(partials, 1, 3, min_count=2)
    assert len(expected) > 5000
    assert_same(partials, 2, 3, min_count=1, min_docs=3)
    assert_same(partials, 1, 1, min_count=10, min_docs=10)


def test_one_document_has_no_dp_and_an_empty_shard_adds_nothing(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "only.txt").write_text("Nations run free, the nation runs free.\n")
    (tmp_path / "empty").mkdir()
    partials = partials_of([[str(corpus / "only.txt")], str(tmp_path / "empty")],
                           tmp_path / "parts", "1..2")
    expected, actual = assert_same(partials, 1, 2)
    by_key = {r["key"]: r for r in actual}
    assert by_key["nation"]["count"] == 2 and by_key["nation"]["variants"] == 2
    assert all(r["dp"] is None for r in actual) and all(r["dp"] == "" for r in expected)
    assert all(math.isclose(r["doc_share"], 1.0) for r in actual)


def test_the_check_query_finds_a_document_in_two_partials(tmp_path):
    (tmp_path / "corpus").mkdir()
    files = []
    for d, text in enumerate(["peace and war", "free people", "the nation runs", "wars"]):
        files.append(str(tmp_path / "corpus" / f"doc{d:03d}.txt"))
        Path(files[-1]).write_text(text + "\n")
    partials = partials_of([files[:2], files[2:]], tmp_path / "parts", "1")
    check = duckdb.connect()
    assert check.execute(DUPLICATES_SQL, {"partials": partials}).fetchall() == []
    again = str(tmp_path / "parts" / "again.parquet")
    shutil.copyfile(partials[0], again)
    found = check.execute(DUPLICATES_SQL, {"partials": [*partials, again]}).fetchall()
    assert [(Path(source).name, files) for _, source, files in found] == [
        ("doc000.txt", sorted([partials[0], again])),
        ("doc001.txt", sorted([partials[0], again])),
    ]
