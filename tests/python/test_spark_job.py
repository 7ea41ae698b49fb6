"""The driver-side parts of examples/spark/refrain_spark.py, without starting Spark: the corpus
listing (against refrain's own walk, read back from `refrain docs`), the shards, and the
refusal of partials whose settings or format version differ. The Spark merge itself is
compared with `refrain freq` by .ci/spark.sh."""

import csv
import gzip
import io
import random
import shutil
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from test_partials_sql import ROOT, partials_of, run

sys.path.insert(0, str(ROOT / "examples" / "spark"))
import refrain_spark as job  # noqa: E402


def test_the_listing_is_refrains_walk(tmp_path):
    corpus = tmp_path / "corpus"
    files = {
        "one.txt": "a b c", "B.txt": "zz top", "Deep/Two.MD": "hello there",
        "README.md": "left out", "sub/LICENSE.txt": "left out", ".hidden.txt": "hidden",
        "notes.xyz": "unknown extension", "sub/.hid/h.txt": "in a hidden folder",
        "sub/r.jsonl": '{"text": "json doc"}\n{"text": "second"}',
        "sub/a b.html": "<p>spaces in the name</p>", "é/ü.txt": "non-ASCII path",
        # A report refrain wrote is left out; another program's manifest.json is not a report.
        "rep/manifest.json": '{"generator": "refrain report"}', "rep/summary.md": "a report",
        "app/manifest.json": '{"name": "app", "text": "read too"}', "app/notes.md": "read",
    }
    for name, text in files.items():
        (corpus / name).parent.mkdir(parents=True, exist_ok=True)
        (corpus / name).write_text(text + "\n", encoding="utf-8")
    (corpus / "sub" / "g.txt.gz").write_bytes(gzip.compress(b"gzipped text\n"))
    listed = [path for path, _ in job.list_corpus([str(corpus)], job.DEFAULT_EXCLUDES)]
    docs = csv.DictReader(io.StringIO(run("docs", "-qq", "--format", "csv", corpus)))
    read = list(dict.fromkeys(row["source"] for row in docs))  # one per file, in order
    assert listed == read
    assert len(listed) == 9
    everything = job.list_corpus([str(corpus)], ["none"])
    assert [Path(p).name for p, _ in everything].count("README.md") == 1


@pytest.mark.parametrize("seed", range(20))
def test_shards_are_contiguous_balanced_runs(seed):
    rng = random.Random(seed)
    files = [(f"f{i}", rng.choice([0, 1, 10, 1000])) for i in range(rng.randint(0, 40))]
    wanted = rng.randint(1, 10)
    shards = job.cut_shards(files, wanted)
    assert [f for s in shards for f in s] == [f for f, _ in files]
    assert len(shards) <= wanted and all(shards)
    if len(files) >= wanted:
        assert len(shards) == wanted
    assert shards == job.cut_shards(files, wanted)  # deterministic
    total = sum(size for _, size in files)
    size = dict(files)
    # Balanced: a shard's bytes beyond its share come from its last file alone.
    for shard in shards[:-1]:
        assert sum(size[f] for f in shard[:-1]) * len(shards) < max(total, 1) + len(shards)


def test_partials_must_agree(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for d, text in enumerate(["the nation runs", "free people run", "peace and war"]):
        (corpus / f"d{d}.txt").write_text(text + "\n")
    files = sorted(str(p) for p in corpus.iterdir())
    good = partials_of([files[:2], files[2:]], tmp_path / "good", "1..2")
    assert job.check_settings(good, (1, 2))["refrain.ngrams"] == "1..2"
    assert job.check_settings(good, (2, 2))["refrain.lang"] == "english"
    with pytest.raises(job.RefusedInput, match=r"-n 1\.\.3 is outside the partials' n range"):
        job.check_settings(good, (1, 3))

    other = str(tmp_path / "keep.parquet")
    run("freq", "--partial", "-q", "-n", "1..2", "--stopword-edges", "keep", "-o", other,
        files[2])
    with pytest.raises(job.RefusedInput, match="refrain.stopword_edges is `drop` in .*shard-0"
                                               r"\.parquet and `keep` in .*keep\.parquet"):
        job.check_settings([*good[:1], other], (1, 2))

    table = str(tmp_path / "table.parquet")  # freq's table, not a partial
    run("freq", "-q", "-o", table, corpus)
    with pytest.raises(job.RefusedInput, match=r"table\.parquet: not a refrain partial"):
        job.check_settings([good[0], table], (1, 1))

    newer = str(tmp_path / "v2.parquet")
    t = pq.read_table(good[0])
    meta = {**pq.ParquetFile(good[0]).metadata.metadata, b"refrain.partial": b"2"}
    pq.write_table(t.replace_schema_metadata(meta), newer)
    with pytest.raises(job.RefusedInput, match=r"v2\.parquet: partial format version 2"):
        job.check_settings([good[0], newer], (1, 1))

    cut = str(tmp_path / "cut.parquet")
    shutil.copyfile(good[0], cut)
    with open(cut, "r+b") as f:
        f.truncate(Path(cut).stat().st_size // 2)
    with pytest.raises(job.RefusedInput, match=r"cut\.parquet: not a readable Parquet file"):
        job.check_settings([good[0], cut], (1, 1))


def test_parquet_types_the_job_reads(tmp_path):
    """The merge reads `words` (u64) through a cast and the lists as arrays; a partial's
    schema is what docs/partials.md says."""
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("peace and war\n")
    [partial] = partials_of([str(corpus)], tmp_path / "p", "1")
    schema = pq.read_schema(partial)
    assert pa.types.is_uint64(schema.field("words").type)
    for name in ("surfaces", "surface_counts", "doc_list", "doc_counts"):
        assert pa.types.is_list(schema.field(name).type) or pa.types.is_large_list(
            schema.field(name).type)
