#!/usr/bin/env bash
# The Spark job (examples/spark) and the SQL merge (docs/partials.md) against refrain itself.
#   usage: .ci/spark.sh BINARY [CORPORA_DIR]     (CORPORA_DIR defaults to ../shared/corpora)
# Makes a virtual environment in target/ci-spark-venv (kept between runs of one checkout),
# installs PySpark, DuckDB, pyarrow and pytest from PyPI, runs the job in local[2] mode on the
# inaugural corpus in 4 shards and compares its rows with `refrain freq` on the same corpus,
# checks that it refuses a document in two partials, then runs tests/python. Java 17 or later
# must be installed (PySpark 4 runs on it). About 2 minutes with a warm pip cache.
set -euo pipefail
bin=$(realpath "$1")
corpora=$(realpath "${2:-$(dirname "$0")/../../shared/corpora}")
cd "$(dirname "$0")/.."
corpus="$corpora/inaugural"
fail() { echo "SPARK FAILURE: $*" >&2; exit 1; }
check() { echo "-- $* ($(date +%T))"; }

java_major=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
[ -n "$java_major" ] || fail "java not found: PySpark needs Java 17 or later on PATH (or JAVA_HOME)"
[ "$java_major" -ge 17 ] || fail "java $java_major found, PySpark 4 needs Java 17 or later"
[ -d "$corpus" ] || fail "$corpus is absent"

check "virtual environment with PySpark, DuckDB, pyarrow, pytest (from PyPI)"
venv=target/ci-spark-venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q --disable-pip-version-check \
  pyspark==4.3.0 duckdb==2.0.1 pyarrow==26.0.1 pytest==9.2.0
export PYSPARK_PYTHON="$venv/bin/python" PYSPARK_DRIVER_PYTHON="$venv/bin/python"
"$venv/bin/python" -c 'import pyspark, duckdb, pyarrow; print("   pyspark", pyspark.__version__, "duckdb", duckdb.__version__, "pyarrow", pyarrow.__version__)'

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# spark-submit passes the job's own stderr to its stdout: each run goes to one log.
job() { "$venv/bin/spark-submit" --master 'local[2]' --conf spark.sql.shuffle.partitions=4 examples/spark/refrain_spark.py --refrain "$bin" "$@"; }
compare() { "$venv/bin/python" examples/spark/compare_tables.py "$@"; }

check "Spark job, local[2], inaugural in 4 shards, -n 1..3 --min-count 2"
start=$SECONDS
job "$corpus" "$work/out" --shards 4 -n 1..3 --min-count 2 >"$work/job.log" 2>&1 \
  || fail "the Spark job failed: $(grep -v WARN "$work/job.log" | tail -20)"
grep '^refrain_spark:' "$work/job.log" | sed 's/^/   /'
echo "   job: $((SECONDS - start)) s"
[ "$(ls "$work/out/partials" | wc -l)" = 4 ] || fail "expected 4 partials: $(ls "$work/out/partials")"
"$bin" freq -qq -n 1..3 --min-count 2 -o "$work/freq.csv" "$corpus"
compare "$work/freq.csv" "$work/out/freq.csv" || fail "the Spark table differs from refrain freq's"

check "Spark job, the same partials, -n 2..3 --min-docs 3 --sort dp --top 300"
job "$corpus" "$work/out" --reuse-partials -n 2..3 --min-docs 3 --sort dp --top 300 \
  >"$work/job2.log" 2>&1 || fail "the Spark job failed: $(grep -v WARN "$work/job2.log" | tail -20)"
"$bin" freq -qq -n 2..3 --min-docs 3 --sort dp --top 300 -o "$work/freq2.csv" "$corpus"
compare "$work/freq2.csv" "$work/out/freq.csv" || fail "the Spark table differs from refrain freq's"

check "Spark job refuses a document in two partials (exit 2, naming both files)"
cp "$work/out/partials/shard-00001.parquet" "$work/out/partials/shard-00009.parquet"
set +e
job "$corpus" "$work/out" --reuse-partials -n 1 >"$work/job3.log" 2>&1
status=$?
set -e
[ "$status" = 2 ] || fail "exit $status, expected 2: $(grep -v WARN "$work/job3.log" | tail -5)"
grep -q "is in both .*shard-00001.parquet and .*shard-00009.parquet" "$work/job3.log" \
  || fail "no error naming both partials: $(grep -v WARN "$work/job3.log" | tail -5)"
grep 'error:' "$work/job3.log" | sed 's/^/   /'

check "the DuckDB merge of docs/partials.md against refrain merge (pytest)"
REFRAIN="$bin" REFRAIN_CORPORA="$corpora" "$venv/bin/python" -m pytest -q -p no:cacheprovider tests/python
