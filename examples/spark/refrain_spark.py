#!/usr/bin/env python3
"""refrain on Apache Spark: count shards with `refrain freq --partial`, merge them in Spark.

    spark-submit examples/spark/refrain_spark.py CORPUS... OUT \
        --refrain target/release/refrain -n 1..5 --min-count 2 --shards 8

Stages (each timed on stderr):
  1. list   (driver)    the corpus files, as refrain's folder walk lists them, cut into
                        contiguous shards of about equal bytes (deterministic: same corpus,
                        same shards);
  2. count  (executors) one Spark task per shard runs the shipped refrain binary:
                        `refrain freq --partial -o OUT/partials/shard-NNNNN.parquet FILES`;
  3. check  (driver)    every partial's settings (Parquet key-value metadata, read with
                        pyarrow) must agree, and its n range must hold -n;
  4. merge  (Spark)     DataFrame operations only (docs/partials.md, "Merging exactly"):
                        documents in corpus order, the same document in two partials refused,
                        n-gram rows grouped by key and summed, thresholds, surface forms
                        exploded and summed (display form, variants), per-document counts
                        exploded and joined to the documents for DP_norm;
  5. write  (Spark)     freq's columns, sorted as freq sorts them, reals printed as freq prints
                        them, to OUT/table/ (one CSV part file) and, for a local OUT, OUT/freq.csv.

The corpus and OUT must be on a filesystem that the driver and every executor see at the same
path (NFS, Lustre, a mounted bucket): refrain reads the shard's files and writes its partial
there. See README.md beside this file.
"""

import argparse
import json
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
import time

# What refrain's folder walk reads (src/corpus/format.rs, src/corpus/walk.rs).
EXTENSIONS = {"txt", "text", "md", "markdown", "html", "htm", "xhtml", "json", "jsonl",
              "ndjson", "csv", "tsv", "tab", "parquet"}
DEFAULT_EXCLUDES = ["README*", "SOURCE.md", "LICENSE*", "COPYING*", "CHANGELOG*", "NOTICE*"]
# Settings that must agree across partials; the others (totals) describe one shard.
TOTALS = {"refrain.documents", "refrain.words", "refrain.ngram_rows"}
FORMAT_VERSION = "1"
SORTS = ("count", "docs", "dp", "phrase")


class RefusedInput(Exception):
    """A partial or a corpus that cannot be merged; the message names the file(s)."""


def log(msg):
    print(f"refrain_spark: {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Stage 1: list the corpus as refrain does, and cut it into shards.


def glob_to_regex(pattern):
    """refrain's --exclude patterns: `*` any run, `?` one character, case-insensitive."""
    parts = (".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern.lower())
    return re.compile("".join(parts) + r"\Z", re.DOTALL)


def readable(name):
    """Whether refrain reads a file of this name inside a folder (its extension, `.gz` too)."""
    lower = name.lower()
    if lower.endswith(".gz"):
        lower = lower[:-3]
    return "." in lower and lower.rsplit(".", 1)[1] in EXTENSIONS


def is_report_folder(folder):
    """Whether `folder` is a report refrain wrote: its manifest.json is a regular file of at most
    16 MiB holding JSON whose `generator` is "refrain report" (refrain's own test). Another
    program's manifest.json does not make a report."""
    path = os.path.join(folder, "manifest.json")
    try:
        if not os.path.isfile(path) or os.path.getsize(path) > 16 << 20:
            return False
        with open(path, "rb") as f:
            manifest = json.loads(f.read())
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and manifest.get("generator") == "refrain report"


def walk(folder, excludes, seen_dirs):
    """The files refrain's walk finds in `folder`: hidden entries and report folders skipped."""
    real = os.path.realpath(folder)
    if real in seen_dirs or is_report_folder(folder):
        # A symlink loop is walked once; a refrain report is not corpus text.
        return []
    seen_dirs.add(real)
    files = []
    for entry in os.scandir(folder):
        if entry.name.startswith("."):
            continue
        path = os.path.join(folder, entry.name)
        if entry.is_dir():
            files.extend(walk(path, excludes, seen_dirs))
        elif (entry.is_file() and readable(entry.name)
              and not any(p.match(entry.name.lower()) for p in excludes)):
            files.append(path)
    return files


def list_corpus(paths, exclude_patterns):
    """The corpus files in refrain's reading order: each folder's files sorted by the bytes of
    their paths, a file reached twice kept once."""
    excludes = [] if exclude_patterns == ["none"] else [glob_to_regex(p) for p in exclude_patterns]
    listed, seen = [], set()
    for path in paths:
        if os.path.isdir(path):
            files = sorted(walk(path, excludes, set()), key=os.fsencode)
        elif os.path.isfile(path):
            files = [path]
        else:
            raise RefusedInput(f"{path}: not a file or folder")
        for f in files:
            st = os.stat(f)
            if (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino))
                listed.append((f, st.st_size))
    return listed


def cut_shards(files, wanted):
    """`files` cut into min(wanted, len(files)) contiguous runs of about equal bytes."""
    count = min(wanted, len(files))
    total = sum(size for _, size in files)
    shards, current, done = [], [], 0
    for i, (path, size) in enumerate(files):
        current.append(path)
        done += size
        still_to_open = count - len(shards) - 1
        # Close the shard once it holds its share of the bytes, or when every file left is
        # needed to give each shard still to come one.
        if still_to_open > 0 and (done * count >= total * (len(shards) + 1)
                                  or len(files) - i - 1 == still_to_open):
            shards.append(current)
            current = []
    if current:
        shards.append(current)
    return shards


# ---------------------------------------------------------------------------------------------
# Stage 2: count each shard inside an executor.


def count_shard(task, binary_name, common_args):
    """One Spark task: run the shipped refrain on one shard's files into its partial."""
    from pyspark import SparkFiles

    index, files, partial = task
    binary = SparkFiles.get(binary_name)
    mode = os.stat(binary).st_mode
    if not mode & stat.S_IXUSR:
        os.chmod(binary, mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    os.makedirs(os.path.dirname(partial), exist_ok=True)
    command = [binary, "freq", "--partial", "-q", *common_args, "-o", partial]
    # The files go through standard input (--files-from -): a command line holds about 2 MB,
    # some 20,000 paths. A name that a line cannot hold (a line end in it) goes on the command
    # line instead.
    listed = [f for f in files if "\n" not in f and not f.endswith("\r")]
    named = [f for f in files if "\n" in f or f.endswith("\r")]
    command += ["--files-from", "-", "--", *named]
    start = time.monotonic()
    # Bytes, not text: a path that is not valid UTF-8 goes through as its own bytes.
    done = subprocess.run(command, input=b"".join(os.fsencode(f) + b"\n" for f in listed),
                          capture_output=True)
    stderr = done.stderr.decode("utf-8", errors="replace")
    seconds = time.monotonic() - start
    if done.returncode != 0:
        raise RuntimeError(f"shard {index}: refrain exited {done.returncode}: {stderr.strip()}")
    return index, partial, len(files), seconds, os.path.getsize(partial), stderr.strip()


# ---------------------------------------------------------------------------------------------
# Stage 3: the partials' settings must agree.


def parse_range(text):
    a, _, b = text.partition("..")
    lo, hi = int(a), int(b or a)
    if not 1 <= lo <= hi:
        raise ValueError(f"bad n range `{text}`")
    return lo, hi


def check_settings(partials, ngrams):
    """The settings all partials share (refused with the setting and two files named when two
    disagree, or when one is not a partial of this format version)."""
    import pyarrow.parquet as pq

    first, first_path = None, None
    for path in partials:
        try:
            kv = pq.ParquetFile(path).metadata.metadata or {}
        except Exception as e:  # pyarrow's errors for a file that is not (whole) Parquet
            raise RefusedInput(f"{path}: not a readable Parquet file: {e}") from e
        kv = {k.decode(): v.decode() for k, v in kv.items() if k.startswith(b"refrain.")}
        if "refrain.partial" not in kv:
            raise RefusedInput(f"{path}: not a refrain partial (no refrain.partial metadata)")
        if kv["refrain.partial"] != FORMAT_VERSION:
            raise RefusedInput(f"{path}: partial format version {kv['refrain.partial']}, "
                               f"this job reads version {FORMAT_VERSION}")
        settings = {k: v for k, v in kv.items() if k not in TOTALS}
        if first is None:
            first, first_path = settings, path
            continue
        for key in sorted(set(first) | set(settings)):
            if first.get(key) != settings.get(key):
                raise RefusedInput(f"partials made with different settings: {key} is "
                                   f"`{first.get(key)}` in {first_path} and "
                                   f"`{settings.get(key)}` in {path}")
    lo, hi = parse_range(first["refrain.ngrams"])
    if not lo <= ngrams[0] <= ngrams[1] <= hi:
        raise RefusedInput(f"-n {ngrams[0]}..{ngrams[1]} is outside the partials' n range "
                           f"{lo}..{hi} ({first_path})")
    return first


# ---------------------------------------------------------------------------------------------
# Stage 4: the merge, in Spark DataFrame operations (docs/partials.md, "Merging exactly").


def read_partials(spark, partials):
    """All partials as one DataFrame (one scan), each row tagged with its partial's path `part`."""
    from pyspark.sql import functions as F

    return spark.read.parquet(*partials).withColumn("part", F.col("_metadata.file_path"))


def corpus_documents(rows):
    """The documents in corpus order (`pos`): by source in byte order, then partial, then their
    order in it (partials by path: ties only for one source in two partials). The same
    document (doc_id and source) in two partials is refused."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    docs = rows.filter(F.col("kind") == "document").select(
        "part", "doc", "doc_id", "source", F.col("words").cast("long").alias("words"))
    twice = (docs.groupBy("doc_id", "source")
             .agg(F.sort_array(F.collect_set("part")).alias("parts"))
             .filter(F.size("parts") > 1).limit(1).collect())
    if twice:
        d = twice[0]
        first, second = (re.sub("^file:(//)?", "", p) for p in d.parts[:2])
        raise RefusedInput(f"document `{d.doc_id}` ({d.source}) is in both "
                           f"{first} and {second}: it would be counted twice")
    # Spark compares strings by their UTF-8 bytes, as refrain sorts sources.
    order = Window.orderBy("source", "part", "doc")
    return docs.withColumn("pos", F.row_number().over(order) - 1)


def corpus_totals(docs):
    """Words, documents, and the DP parts (documents with words: how many, the smallest)."""
    from pyspark.sql import functions as F

    t = docs.agg(F.coalesce(F.sum("words"), F.lit(0)).alias("words"),
                 F.count("*").alias("documents"),
                 F.count(F.when(F.col("words") > 0, 1)).alias("parts"),
                 F.min(F.when(F.col("words") > 0, F.col("words"))).alias("min_words")).first()
    return t.words, t.documents, t.parts, t.min_words


def merged_counts(ngrams, min_count, min_docs):
    """Per key: n, count and documents summed over the partials, thresholds applied."""
    from pyspark.sql import functions as F

    return (ngrams.groupBy("key")
            .agg(F.first("n").alias("n"), F.sum("count").alias("count"),
                 F.sum("docs").alias("docs"))
            .filter((F.col("count") >= min_count) & (F.col("docs") >= min_docs)))


def display_forms(ngrams):
    """Per key: the display form (most frequent surface form over all partials, ties to the
    smaller form word by word) and the number of distinct forms."""
    from pyspark.sql import functions as F

    forms = (ngrams
             .select("key", F.explode(F.arrays_zip("surfaces", "surface_counts")).alias("f"))
             .groupBy("key", F.col("f.surfaces").alias("form"))
             .agg(F.sum("f.surface_counts").alias("c")))
    # The smallest (−count, words, form) is the largest count, then the smaller word list.
    best = F.min(F.struct((-F.col("c")).alias("neg"), F.split("form", " ").alias("w"),
                          F.col("form")))
    return forms.groupBy("key").agg(best["form"].alias("phrase"),
                                    F.count("*").alias("variants"))


def dispersion(ngrams, counts, docs, words, min_words):
    """Per key: DP_norm, the terms |v_d − s_d| − s_d of the documents holding it added in corpus
    order from 0, then ½(1 + Σ)/(1 − min s), clamped to [0, 1] as the counter does."""
    from pyspark.sql import functions as F

    total = float(words)
    per_doc = (ngrams
               .select("part", "key",
                       F.explode(F.arrays_zip("doc_list", "doc_counts")).alias("d"))
               .select("part", "key", F.col("d.doc_list").alias("doc"),
                       F.col("d.doc_counts").alias("c"))
               .join(F.broadcast(docs.select("part", "doc", "pos", "words")), ["part", "doc"])
               .join(counts.select("key", F.col("count").alias("f")), "key"))
    s = F.col("words") / F.lit(total)
    term = F.abs(F.col("c") / F.col("f") - s) - s
    summed = F.aggregate(F.array_sort(F.collect_list(F.struct("pos", term.alias("t")))),
                         F.lit(0.0), lambda acc, x: acc + x["t"])
    norm = 1.0 - min_words / total
    dp = F.least(F.greatest(0.5 * (1.0 + summed) / F.lit(norm), F.lit(0.0)), F.lit(1.0))
    return per_doc.groupBy("key").agg(dp.alias("dp"))


def real_text(col):
    """A real as freq's CSV writer prints it (src/table/delimited.rs, write_real): rounded half
    away from zero to millionths, `3.0`, `0.25`, and `5e-6` for one to nine millionths. The
    values here are never negative nor above 1e9; null stays null (written empty)."""
    from pyspark.sql import functions as F

    scaled = col * F.lit(1e6)
    whole_part = F.floor(scaled)
    k = whole_part + F.when(scaled - whole_part >= 0.5, 1).otherwise(0)
    whole, frac = F.floor(k / 1_000_000).cast("long"), (k % 1_000_000).cast("long")
    digits = F.regexp_replace(F.lpad(frac.cast("string"), 6, "0"), "0+$", "")
    return (F.when(col.isNull(), F.lit(None).cast("string"))
            .when(frac == 0, F.concat(whole.cast("string"), F.lit(".0")))
            .when(k < 10, F.concat(k.cast("long").cast("string"), F.lit("e-6")))
            .otherwise(F.concat(whole.cast("string"), F.lit("."), digits)))


def protected(col):
    """A text cell as freq writes it by default (--raw-cells off): a `'` before a leading
    `=`, `+`, `-`, `@`, tab or carriage return, so a spreadsheet shows text."""
    from pyspark.sql import functions as F

    return F.when(col.rlike("^[=+\\-@\t\r]"), F.concat(F.lit("'"), col)).otherwise(col)


def freq_table(spark, partials, args):
    """The freq table of the partials' corpus, as a sorted DataFrame of freq's columns."""
    from pyspark.sql import functions as F

    rows = read_partials(spark, partials)
    docs = corpus_documents(rows).cache()
    words, documents, parts, min_words = corpus_totals(docs)
    lo, hi = args.ngrams
    ngrams = (rows.filter((F.col("kind") == "ngram") & F.col("n").between(lo, hi))
              .select("part", "key", "n", "count", "docs", "surfaces", "surface_counts",
                      "doc_list", "doc_counts"))
    counts = merged_counts(ngrams, args.min_count, args.min_docs).cache()
    # Only the rows that passed the thresholds are exploded.
    kept = ngrams.join(counts.select("key"), "key", "left_semi")
    table = counts.join(display_forms(kept), "key")
    if parts >= 2:
        table = table.join(dispersion(kept, counts, docs, words, min_words), "key")
    else:
        table = table.withColumn("dp", F.lit(None).cast("double"))
    # As freq: count / words × 10⁶ and docs / documents, with at least 1 below the line.
    table = (table
             .withColumn("per_million", F.col("count") / F.lit(float(max(words, 1))) * 1e6)
             .withColumn("doc_share", F.col("docs") / F.lit(float(max(documents, 1)))))
    # freq's order: the --sort measure, then count (largest first), then the key word by word.
    first = {
        "count": [],
        "docs": [F.desc("docs")],
        "dp": [F.asc_nulls_last("dp")],
        "phrase": [F.split("phrase", " ").asc()],
    }[args.sort]
    table = table.orderBy(*first, F.desc("count"), F.split("key", " ").asc())
    if args.top is not None:
        table = table.limit(args.top)
    columns = [protected(F.col("phrase")).alias("phrase"), protected(F.col("key")).alias("key"),
               "n", "count", real_text(F.col("per_million")).alias("per_million"), "docs",
               real_text(F.col("doc_share")).alias("doc_share"), real_text(F.col("dp")).alias("dp"),
               "variants"]
    return table.select(*columns), words, documents


def write_table(table, out):
    """The table as one CSV part file in OUT/table/, quoted as RFC 4180 (freq's quoting), and
    copied to OUT/freq.csv when OUT is a local path."""
    target = out.rstrip("/") + "/table"
    (table.coalesce(1).write.mode("overwrite")
     .option("header", True).option("quote", '"').option("escape", '"')
     .option("ignoreLeadingWhiteSpace", False).option("ignoreTrailingWhiteSpace", False)
     .option("nullValue", "").option("emptyValue", '""')
     .csv(target))
    if "://" not in out and os.path.isdir(target):
        part = [f for f in sorted(os.listdir(target)) if f.startswith("part-")]
        if len(part) == 1:
            shutil.copyfile(os.path.join(target, part[0]), os.path.join(out, "freq.csv"))
    return target


# ---------------------------------------------------------------------------------------------


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("paths", nargs="+", metavar="CORPUS... OUT",
                   help="corpus files or folders, then the output folder")
    p.add_argument("--refrain", default=shutil.which("refrain"),
                   help="the refrain binary to ship to the executors (built for their "
                        "platform); default: refrain on PATH")
    p.add_argument("--shards", type=int, default=8, help="number of shards (default 8)")
    p.add_argument("--threads", type=int, default=1,
                   help="refrain -j in each task (default 1; raise with spark.task.cpus)")
    p.add_argument("-n", "--ngrams", default="1", type=parse_range,
                   help="n-gram lengths of the table, A..B or N (default 1)")
    p.add_argument("--count-ngrams", type=parse_range,
                   help="n range the partials count (default: -n); wider to reuse partials")
    p.add_argument("--min-count", type=int, default=1)
    p.add_argument("--min-docs", type=int, default=1)
    p.add_argument("--top", type=int)
    p.add_argument("--sort", choices=SORTS, default="count")
    p.add_argument("--exclude", action="append",
                   help="file-name patterns left out of folder walks (as refrain's --exclude)")
    p.add_argument("--refrain-args", default="",
                   help="more options for `refrain freq --partial`, one string, e.g. "
                        "\"--lang none --clean none\" (they become the partials' settings)")
    p.add_argument("--reuse-partials", action="store_true",
                   help="merge the partials already in OUT/partials (skip stages 1 and 2)")
    args = p.parse_args(argv)
    if len(args.paths) < 2:
        p.error("give the corpus and the output folder")
    *args.corpus, args.out = args.paths
    args.exclude = args.exclude or DEFAULT_EXCLUDES
    args.count_ngrams = args.count_ngrams or args.ngrams
    if not args.reuse_partials and not args.refrain:
        p.error("no refrain binary: give --refrain PATH")
    return args


def count_partials(spark, args, partial_dir):
    """Stages 1 and 2: the partials of the corpus's shards, in shard order."""
    start = time.monotonic()
    files = list_corpus(args.corpus, args.exclude)
    shards = cut_shards(files, max(1, args.shards))
    log(f"list: {len(files)} files, {sum(s for _, s in files)} bytes, {len(shards)} shards "
        f"({time.monotonic() - start:.1f} s)")
    if not shards:
        raise RefusedInput(f"no corpus files in {' '.join(args.corpus)}")
    start = time.monotonic()
    binary = os.path.abspath(args.refrain)
    spark.sparkContext.addFile(binary)
    a, b = args.count_ngrams
    # The files are named one by one, so refrain's --exclude has nothing left to do.
    common = ["-j", str(args.threads), "-n", f"{a}..{b}", *shlex.split(args.refrain_args)]
    # Partials of an earlier run with more shards would be merged by --reuse-partials.
    if os.path.isdir(partial_dir):
        for old in os.listdir(partial_dir):
            if old.startswith("shard-") and old.endswith(".parquet"):
                os.remove(os.path.join(partial_dir, old))
    tasks = [(i, shard, os.path.join(partial_dir, f"shard-{i:05d}.parquet"))
             for i, shard in enumerate(shards)]
    name = os.path.basename(binary)
    results = (spark.sparkContext.parallelize(tasks, len(tasks))
               .map(lambda t: count_shard(t, name, common)).collect())
    for index, path, nfiles, seconds, size, stderr in sorted(results):
        log(f"  shard {index}: {nfiles} files, {seconds:.1f} s, partial {size} bytes")
        if stderr:
            log(f"  shard {index} said: {stderr[:500]}")
    log(f"count: {len(results)} partials, {sum(r[4] for r in results)} bytes "
        f"({time.monotonic() - start:.1f} s)")
    return [r[1] for r in sorted(results)]


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from pyspark.sql import SparkSession

    # No console progress bar: it overwrites the stage timings this job prints.
    spark = (SparkSession.builder.appName("refrain-spark")
             .config("spark.ui.showConsoleProgress", "false").getOrCreate())
    spark.sparkContext.setLogLevel("WARN")
    partial_dir = os.path.join(args.out, "partials")
    try:
        if args.reuse_partials:
            partials = sorted(os.path.join(partial_dir, f) for f in os.listdir(partial_dir)
                              if f.endswith(".parquet"))
        else:
            partials = count_partials(spark, args, partial_dir)
        start = time.monotonic()
        check_settings(partials, args.ngrams)
        log(f"check: settings agree in {len(partials)} partials "
            f"({time.monotonic() - start:.1f} s)")
        start = time.monotonic()
        table, words, documents = freq_table(spark, partials, args)
        target = write_table(table, args.out)
        log(f"merge+write: {documents} documents, {words} words -> {target} "
            f"({time.monotonic() - start:.1f} s)")
    except RefusedInput as e:
        log(f"error: {e}")
        return 2
    finally:
        spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
