#!/usr/bin/env bash
# End-to-end checks of a built refrain binary against the real corpora.
#   usage: .ci/e2e.sh BINARY CORPORA_DIR
set -euo pipefail
bin=$(realpath "$1")
corpora=$(realpath "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "E2E FAILURE: $*" >&2; exit 1; }
check() { echo "-- $*"; }

# A tiny CSV checker: python3 -c with the csv module (python3 is on every machine here).
csvq() { python3 - "$@"; }

check "KCNA 2017: every article carries its day's date; Spanish articles are dropped"
"$bin" docs --only-lang en --format csv -o "$work/docs2017.csv" "$corpora"/kcna_cojp/juche/2017-* 2>"$work/docs2017.err"
grep -q "skipped .* documents in other languages (es " "$work/docs2017.err" || fail "no Spanish articles skipped: $(cat "$work/docs2017.err")"
csvq "$work/docs2017.csv" <<'PY'
import csv, re, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
assert len(rows) > 5000, f"only {len(rows)} English articles in 2017"
for r in rows:
    day = re.search(r"(\d{4}-\d{2}-\d{2})_juche\.json", r["source"]).group(1)
    assert r["date"] == day, f"{r['id']}: date {r['date']!r}, file {day}"
    assert r["agency"] != "ACNC", f"{r['id']}: Spanish article kept"
print(f"   {len(rows)} English articles, all dated from their file")
PY

check "KCNA 2017 freq: known formulas are counted"
"$bin" freq --only-lang en -n 2..4 --min-count 20 --format csv -o "$work/freq2017.csv" "$corpora"/kcna_cojp/juche/2017-* 2>/dev/null
csvq "$work/freq2017.csv" <<'PY'
import csv, sys
rows = {r["phrase"]: r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))}
for phrase in ["party cells", "socialist power", "kim jong un"]:
    assert phrase in rows, f"missing {phrase!r}"
assert all(int(r["count"]) >= 20 for r in rows.values())
print(f"   {len(rows)} rows; 'kim jong un' x{rows['kim jong un']['count']}")
PY

check "all of ../shared/corpora is read without a crash, with a summary of what was skipped"
"$bin" freq -n 1..2 --top 20 --format csv -o "$work/all.csv" "$corpora" 2>"$work/all.err" || fail "run over all corpora failed: $(tail -5 "$work/all.err")"
grep -q "^refrain: read " "$work/all.err" || fail "no reading summary"
grep -q "^refrain: skipped " "$work/all.err" || fail "no skip summary"
grep -E "^refrain: (read|skipped|repaired)" "$work/all.err" | sed 's/^/   /'
[ "$(wc -l < "$work/all.csv")" -eq 21 ] || fail "expected 20 rows"

check "threads do not change the output"
"$bin" -j 1 freq -n 1..3 --min-count 2 --format csv "$corpora/inaugural" > "$work/j1.csv" 2>/dev/null
"$bin" -j 2 freq -n 1..3 --min-count 2 --format csv "$corpora/inaugural" > "$work/j2.csv" 2>/dev/null
cmp -s "$work/j1.csv" "$work/j2.csv" || fail "-j 1 and -j 2 differ"

echo "e2e: all checks passed"
