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

check "KCNA 2017 phrases: formulas, not fragments; independent counts, parents, dates"
"$bin" phrases --only-lang en --min-count 10 --min-docs 5 --format csv -o "$work/phrases2017.csv" "$corpora"/kcna_cojp/juche/2017-* 2>/dev/null
"$bin" -j 1 phrases --only-lang en --min-count 10 --min-docs 5 --format csv -o "$work/phrases2017j1.csv" "$corpora"/kcna_cojp/juche/2017-* 2>/dev/null
cmp -s "$work/phrases2017.csv" "$work/phrases2017j1.csv" || fail "phrases: -j 1 and default threads differ"
csvq "$work/phrases2017.csv" <<'PY'
import csv, re, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
cols = "phrase,key,n,count,independent,parent,per_million,docs,doc_share,dp,g2,mi,t,logdice,scp,first,last,peak_period"
assert ",".join(rows[0].keys()) == cols, list(rows[0].keys())
by = {r["phrase"]: r for r in rows}
for formula in ["respected supreme leader kim jong un", "workers party of korea", "sanctions and pressure"]:
    assert formula in by, f"formula {formula!r} missing"
for fragment in ["kim jong", "supreme leader kim jong un", "leader kim jong un"]:
    assert fragment not in by, f"fragment {fragment!r} reported"
for r in rows:
    c, i = int(r["count"]), int(r["independent"])
    assert 5 * (c - i) < 4 * c or r["n"] == "8", f"{r['phrase']}: {c - i} of {c} absorbed"
    assert 10 <= c and 5 <= int(r["docs"]) and 0 < i <= c, r
    if r["parent"]:
        # The parent holds the phrase, unless it is the first 8-word window of a longer formula.
        p = by[r["parent"]]
        assert int(p["n"]) > int(r["n"]), (r["phrase"], r["parent"])
        assert f" {r['key']} " in f" {p['key']} " or p["n"] == "8", (r["phrase"], r["parent"])
    assert re.fullmatch(r"2017-\d\d", r["peak_period"]) and r["first"] <= r["last"], r
print(f"   {len(rows)} formulas; 'respected supreme leader kim jong un' x{by['respected supreme leader kim jong un']['count']}")
PY

check "KCNA 2017 phrases --frames: open slots with their fillers"
"$bin" phrases --frames --only-lang en --format csv -o "$work/frames2017.csv" "$corpora"/kcna_cojp/juche/2017-* 2>/dev/null
csvq "$work/frames2017.csv" <<'PY'
import csv, math, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
assert ",".join(rows[0].keys()) == "frame,key,n,count,docs,fillers,top_fillers,entropy,fixedness"
by = {r["frame"]: r for r in rows}
says = by["rodong sinmun * says"]
days = {f.rsplit(" ", 1)[0] for f in says["top_fillers"].split("; ")}
assert days <= {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}, days
for r in rows:
    tops = [int(f.rsplit(" ", 1)[1]) for f in r["top_fillers"].split("; ")]
    n, k = int(r["count"]), int(r["fillers"])
    assert 3 <= int(r["n"]) <= 6 and r["frame"].count("*") == 1 and k >= 2, r
    assert tops == sorted(tops, reverse=True) and sum(tops) <= n, r
    assert abs(float(r["fixedness"]) - tops[0] / n) < 1e-6 and float(r["fixedness"]) < 0.8, r
    assert 0 < float(r["entropy"]) <= math.log2(k) + 1e-6, r
print(f"   {len(rows)} frames; 'rodong sinmun * says' x{says['count']}")
PY

check "trend: 'Kimilsungist-Kimjongilist' by year is 0 in 1997 and 2012, 3, 1, 0, then 81, 82, 13 (SOURCE.md)"
"$bin" trend --only-lang en --by year --format csv -o "$work/trend.csv" "$corpora/kcna_cojp" "Kimilsungist-Kimjongilist" 2>/dev/null
csvq "$work/trend.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
assert [r["period"] for r in rows] == [str(y) for y in range(1997, 2019)], "years not zero-filled 1997..2018"
got = {r["period"]: int(r["count"]) for r in rows}
want = {"1997": 0, "2012": 0, "2013": 3, "2014": 1, "2015": 0, "2016": 81, "2017": 82, "2018": 13}
assert {y: got[y] for y in want} == want, got
empty = [r for r in rows if r["tokens"] == "0"]
assert len(empty) == 14 and all(r["per_million"] == "" for r in empty), "1998-2011 should be empty periods"
y16 = next(r for r in rows if r["period"] == "2016")
assert y16["spike"] == "true" and float(y16["z"]) > 10, y16
assert float(y16["ci_low"]) < float(y16["per_million"]) < float(y16["ci_high"])
print("   " + ", ".join(f"{y}: {got[y]}" for y in want))
PY

check "keyness --split 2016-01-01 on KCNA: 20 keywords after, 20 before"
"$bin" keyness --only-lang en --split 2016-01-01 -n 2..4 --top 20 --format csv -o "$work/keyness.csv" "$corpora/kcna_cojp" 2>"$work/keyness.err"
grep -Eq "target \(on or after --split\): 1[67],[0-9]{3} documents" "$work/keyness.err" || fail "keyness sides: $(grep target "$work/keyness.err")"
csvq "$work/keyness.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
assert len(rows) == 40, len(rows)
assert all(float(r["g2"]) > 0 for r in rows[:20]) and all(float(r["g2"]) < 0 for r in rows[20:])
assert len({(r["c"], r["d"]) for r in rows}) == 1, "c and d are the sides' sizes"
by = {r["phrase"]: r for r in rows}
sac = by["state affairs commission"]  # created in June 2016
assert int(sac["a"]) > 800 and sac["b"] == "0" and sac["pct_diff"] == "", sac
assert "respected supreme leader" == rows[0]["phrase"], rows[0]["phrase"]
print(f"   top after: {rows[0]['phrase']!r}; top before: {rows[-1]['phrase']!r}")
PY

check "kwic: 'implementing the party policies' (stemmed) in context"
"$bin" kwic --window 10 --limit 50 --format csv -o "$work/kwic.csv" "$corpora/kcna_cojp" "implementing the party policies" 2>"$work/kwic.err"
grep -q "found \`implementing the party policies\` (keys: implement the parti polici) 112 times in 92 documents" "$work/kwic.err" || fail "kwic: $(grep found "$work/kwic.err")"
csvq "$work/kwic.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
words = lambda s: [t for t in s.split() if any(c.isalnum() for c in t)]
assert len(rows) == 50, len(rows)
assert all(m.lower().startswith("implement") for m in (r["match"] for r in rows))
assert all(len(words(r["right"])) <= 10 and (len(words(r["left"])) == 10 or int(r["word"]) <= 10) for r in rows)
assert any("implement the Party's" in r["match"] for r in rows), "stemmed variants are found"
PY

check "--name-pattern on UNGDC: North Korea against every other speaker"
"$bin" keyness --name-pattern '(?P<iso>[A-Z]{3})_(?P<session>\d+)_(?P<year>\d{4})' --where iso=PRK -n 1..3 --top 20 --format csv -o "$work/un.csv" "$corpora/ungdc" 2>"$work/un.err"
grep -q "target (--where): 11 documents" "$work/un.err" || fail "UN target: $(grep target "$work/un.err")"
"$bin" freq --name-pattern '(?P<iso>[A-Z]{3})_(?P<session>\d+)_(?P<year>\d{4})' --where iso=PRK --by session --top 1 --format csv -o "$work/un_by.csv" "$corpora/ungdc" 2>/dev/null
csvq "$work/un.csv" "$work/un_by.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
assert rows[0]["phrase"] == "democratic people's republic" and int(rows[0]["a"]) > 150, rows[0]
assert all(r["c"] == rows[0]["c"] for r in rows)
by = list(csv.DictReader(open(sys.argv[2], encoding="utf-8")))
assert [r["session"] for r in by] == [str(s) for s in range(69, 80)], [r["session"] for r in by]
PY

echo "e2e: all checks passed"
