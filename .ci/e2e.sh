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

check "memory budget: corpora over --memory counted on disk, the bytes of an unlimited run, within the budget"
# peak KB of a command (python's resource module: no /usr/bin/time needed)
peak_kb() { python3 -c 'import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss and print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(r.returncode)' "$@"; }
for spec in "ungdc 256" "kcna_cojp 400"; do
  set -- $spec
  corpus="$corpora/$1"; mb=$2
  "$bin" freq -n 1..5 --min-count 2 --stopword-edges keep --format csv --memory 20G "$corpus" > "$work/unl.csv" 2>/dev/null
  for j in 1 2; do
    kb=$(peak_kb "$bin" -j $j freq -n 1..5 --min-count 2 --stopword-edges keep --format csv --memory ${mb}M --temp-dir "$work" -o "$work/bud.csv" "$corpus" 2>"$work/bud.err") || fail "$1 under ${mb}M failed: $(tail -3 "$work/bud.err")"
    grep -q "token index on disk" "$work/bud.err" || fail "$1 under ${mb}M did not spill"
    cmp -s "$work/unl.csv" "$work/bud.csv" || fail "$1 under ${mb}M, -j $j: other bytes than the unlimited run"
    # The budget plus the program itself (about 20 MB; 64 MB allowed).
    [ "$kb" -le $(( (mb + 64) * 1024 )) ] || fail "$1 under ${mb}M peaked at ${kb} KB"
    [ -z "$(ls -A "$work" | grep '^refrain-')" ] || fail "temporary folder left in $work"
    echo "   $1 (${mb}M, -j $j): $(grep -o 'n-grams counted in.*' "$work/bud.err"), peak $((kb / 1024)) MB, same bytes"
  done
done
"$bin" trend --memory 400M "$corpora/kcna_cojp" "party policies" --by year --format csv > "$work/tb.csv" 2>"$work/tb.err" || fail "trend under 400M failed"
grep -q "token index on disk" "$work/tb.err" || fail "trend under 400M did not spill"
"$bin" trend --memory 20G "$corpora/kcna_cojp" "party policies" --by year --format csv > "$work/tu.csv" 2>/dev/null
cmp -s "$work/tb.csv" "$work/tu.csv" || fail "trend under 400M: other bytes"
echo "   trend on disk: same bytes"
"$bin" phrases --memory 20G --format csv "$corpora/kcna_cojp" > "$work/pu.csv" 2>/dev/null
kb=$(peak_kb "$bin" phrases --memory 1G --format csv --temp-dir "$work" -o "$work/pb.csv" "$corpora/kcna_cojp" 2>"$work/pb.err") || fail "phrases under 1G failed: $(tail -3 "$work/pb.err")"
grep -q "token index on disk" "$work/pb.err" || fail "phrases under 1G did not spill"
cmp -s "$work/pu.csv" "$work/pb.csv" || fail "phrases under 1G: other bytes than the unlimited run"
[ "$kb" -le $(( (1024 + 64) * 1024 )) ] || fail "phrases under 1G peaked at ${kb} KB"
"$bin" phrases --memory 400M "$corpora/kcna_cojp" > /dev/null 2>"$work/ps.err" && fail "phrases whose n-grams do not fit 400M should stop"
grep -q "too small for these phrases" "$work/ps.err" || fail "phrases under 400M: no advice: $(tail -2 "$work/ps.err")"
echo "   phrases on disk (1G): same bytes, peak $((kb / 1024)) MB; under 400M: $(grep -o 'needs about [^ ]*' "$work/ps.err")"
"$bin" keyness --split 2016-01-01 -n 1..3 --top 200 --format csv --memory 20G "$corpora/kcna_cojp" > "$work/ku.csv" 2>/dev/null
kb=$(peak_kb "$bin" keyness --split 2016-01-01 -n 1..3 --top 200 --format csv --memory 400M --temp-dir "$work" -o "$work/kb.csv" "$corpora/kcna_cojp" 2>"$work/kb.err") || fail "keyness under 400M failed: $(tail -3 "$work/kb.err")"
grep -q "token index on disk" "$work/kb.err" || fail "keyness under 400M did not spill"
cmp -s "$work/ku.csv" "$work/kb.csv" || fail "keyness under 400M: other bytes than the unlimited run"
[ "$kb" -le $(( (400 + 64) * 1024 )) ] || fail "keyness under 400M peaked at ${kb} KB"
echo "   keyness on disk (400M): same bytes, peak $((kb / 1024)) MB"
# The whole report under 600M (in memory it peaks near 1.3 GB): every file the same bytes but
# the manifest, whose timings and folder differ.
"$bin" report --memory 20G -o "$work/ru/rep" "$corpora/kcna_cojp" 2>/dev/null || fail "report in memory failed"
kb=$(peak_kb "$bin" report --memory 600M --temp-dir "$work" -o "$work/rb/rep" "$corpora/kcna_cojp" 2>"$work/rb.err") || fail "report under 600M failed: $(tail -3 "$work/rb.err")"
grep -q "token index on disk" "$work/rb.err" || fail "report under 600M did not spill"
diff -rq -x manifest.json "$work/ru/rep" "$work/rb/rep" || fail "report under 600M: other files than in memory"
[ "$kb" -le $(( (600 + 64) * 1024 )) ] || fail "report under 600M peaked at ${kb} KB"
echo "   report on disk (600M): same files, peak $((kb / 1024)) MB"

check "one large file: 300 MB of JSON Lines (KCNA's records again with new ids) read in pieces under 500M"
# Read whole it would need about 1.9G; in pieces of a sixteenth of the budget it holds 500M.
python3 - "$corpora/kcna_cojp/juche" "$work/big.jsonl" 300 <<'PY'
import glob, json, sys
records = []
for path in sorted(glob.glob(sys.argv[1] + "/*.json")):
    day = json.load(open(path, encoding="utf-8"))
    for a in day.get("articles") or []:
        if a and a.get("content"):
            records.append({"date": day.get("date"), "title": a.get("title"), "text": a["content"]})
size, i = 0, 0
with open(sys.argv[2], "w", encoding="utf-8") as out:
    while size < int(sys.argv[3]) << 20:
        line = json.dumps(dict(records[i % len(records)], id=f"r{i}"), ensure_ascii=False) + "\n"
        out.write(line)
        size, i = size + len(line.encode()), i + 1
PY
# The same records in files of 5,000 lines, each read whole (any file over 256 MB is read in
# pieces, whatever the budget): the same ids, dates and texts in the same order.
mkdir "$work/split" && (cd "$work/split" && split -l 5000 -d -a 3 --additional-suffix=.jsonl "$work/big.jsonl" part-)
"$bin" freq -n 1..2 --min-count 2 --format csv --memory 20G "$work/split" > "$work/bigu.csv" 2>/dev/null || fail "the split file in memory failed"
kb=$(peak_kb "$bin" freq -n 1..2 --min-count 2 --format csv --memory 500M --temp-dir "$work" -o "$work/bigb.csv" "$work/big.jsonl" 2>"$work/bigb.err") || fail "the large file under 500M failed: $(tail -3 "$work/bigb.err")"
grep -q "token index on disk" "$work/bigb.err" || fail "the large file under 500M did not spill"
cmp -s "$work/bigu.csv" "$work/bigb.csv" || fail "the large file read in pieces: other bytes than its records read whole"
[ "$kb" -le $(( (500 + 64) * 1024 )) ] || fail "the large file under 500M peaked at ${kb} KB"
echo "   $(grep -o 'read 1 input: [0-9,]* documents' "$work/bigb.err"), peak $((kb / 1024)) MB, same bytes"
rm -rf "$work/big.jsonl" "$work/split" "$work/bigu.csv" "$work/bigb.csv"

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
    assert 5 * (c - i) < 4 * c, f"{r['phrase']}: {c - i} of {c} absorbed"
    # Nothing is longer than the cap (8) to absorb a phrase of 8 words.
    assert r["n"] != "8" or (i == c and not r["parent"]), r
    assert 10 <= c and 5 <= int(r["docs"]) and 0 < i <= c, r
    if r["parent"]:
        # The parent holds the phrase, unless it is the first 8-word window of a longer formula.
        p = by[r["parent"]]
        assert int(p["n"]) > int(r["n"]), (r["phrase"], r["parent"])
        assert f" {r['key']} " in f" {p['key']} " or p["n"] == "8", (r["phrase"], r["parent"])
    assert re.fullmatch(r"2017-\d\d", r["peak_period"]) and r["first"] <= r["last"], r
print(f"   {len(rows)} formulas; 'respected supreme leader kim jong un' x{by['respected supreme leader kim jong un']['count']}")
PY

check "inaugural phrases: formulas at the length cap are reported, once per formula longer than it"
"$bin" phrases -n 2..8 --format csv -o "$work/inaugural_phrases.csv" "$corpora/inaugural" 2>/dev/null
csvq "$work/inaugural_phrases.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
by = {r["phrase"]: r for r in rows}
# The oath: "preserve protect and defend the constitution of the" ends on a stop word and can
# never be reported, so the window after it is the first reportable one of the formula (issue 11).
oath = by.get("protect and defend the constitution of the united")
assert oath and (oath["n"], oath["count"], oath["independent"], oath["parent"]) == ("8", "6", "6", ""), oath
# The Preamble's "promote the general welfare and secure the blessings of liberty" (10 words) is
# reported once, as its first window; "blessings of liberty" lies in its last one.
head = "promote the general welfare and secure the blessings"
assert by[head]["count"] == "3" and "general welfare and secure the blessings of liberty" not in by
assert by["blessings of liberty"]["parent"] == head, by["blessings of liberty"]
eights = [r for r in rows if r["n"] == "8"]
assert all(r["independent"] == r["count"] and not r["parent"] for r in eights), eights
print(f"   {len(rows)} formulas, {len(eights)} of 8 words: " + "; ".join(r["phrase"] for r in eights))
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


# --- refrain report: the main job, opened in a real browser -------------------------------
# Needs Debian's chromium (.ci/run: apt-get install -y --no-install-recommends chromium).
# Uses $bin, $corpora, $work, check, fail and csvq from the top of .ci/e2e.sh.

check "report on KCNA 2017: every file, the tables, the manifest"
"$bin" report --only-lang en --split 2017-07-01 -o "$work/reports/kcna2017" \
  "$corpora"/kcna_cojp/juche/2017-* 2>"$work/report.err" || fail "report failed: $(tail -5 "$work/report.err")"
r="$work/reports/kcna2017"
for f in terms.csv ngrams.csv phrases.csv frames.csv trends.csv keyness.csv summary.md index.html \
         manifest.json charts/top-phrases.png charts/top-terms.png charts/zipf.png charts/trend.png \
         charts/heatmap.png charts/keyness.png; do
  [ -s "$r/$f" ] || fail "report: $f missing or empty"
done
ls -a "$work/reports" | grep -q partial && fail "report: a temporary folder was left behind"
for stage in read count phrases frames trends keyness tables charts page; do
  grep -q "^refrain: report: $stage: " "$work/report.err" || fail "report: no summary line for stage $stage"
done
csvq "$r" <<'PY'
import csv, json, sys
r = sys.argv[1]
rows = lambda f: list(csv.DictReader(open(f"{r}/{f}", encoding="utf-8")))
phrases = {x["phrase"]: x for x in rows("phrases.csv")}
for formula in ["respected supreme leader kim jong un", "workers party of korea"]:
    assert any(formula in p for p in phrases), f"no formula holds {formula!r}"
assert "kim jong" not in phrases, "a fragment is reported as a formula"
ngrams = rows("ngrams.csv")
assert {x["n"] for x in ngrams} == {"2", "3", "4", "5"}, {x["n"] for x in ngrams}
trends = rows("trends.csv")
assert sorted({x["period"] for x in trends}) == [f"2017-{m:02}" for m in range(1, 13)]
m = json.load(open(f"{r}/manifest.json", encoding="utf-8"))
assert m["corpus"]["documents"] > 5000 and m["corpus"]["fingerprint"]["algorithm"] == "blake3"
assert m["corpus"]["fingerprint"]["files"] == 364 and len(m["corpus"]["fingerprint"]["hash"]) == 64
assert m["skipped"]["documents_in_other_languages"]["es"] > 1000
assert m["tables"]["phrases.csv"] == len(phrases)
print(f"   {m['corpus']['documents']} documents, {len(phrases)} formulas, "
      f"{m['timings_seconds']['total']} s")
PY
grep -qi "<script" "$r/index.html" && fail "index.html holds a <script"

check "report's index.html in headless Chromium: no console error, every chart decodes, not blank"
python3 - "$r/index.html" "$work/report.png" <<'PY'
# A tiny Chrome DevTools Protocol client (standard library only): open the page, collect
# console messages, exceptions and log entries, check the images, take a screenshot.
import base64, json, os, shutil, signal, socket, struct, subprocess, sys, tempfile, time
import urllib.request, zlib

page, shot = os.path.abspath(sys.argv[1]), sys.argv[2]
profile = tempfile.mkdtemp()
chrome = subprocess.Popen(
    ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
     "--disable-background-networking", "--disable-component-update", "--disable-sync",
     "--disable-extensions", "--remote-allow-origins=*", f"--user-data-dir={profile}",
     "--remote-debugging-port=0", "about:blank"],
    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)

def stop():
    try:
        os.killpg(chrome.pid, signal.SIGKILL)  # the browser and its renderer processes
    except ProcessLookupError:
        pass
    shutil.rmtree(profile, ignore_errors=True)

def fail(msg):
    print(f"E2E FAILURE: {msg}", file=sys.stderr)
    stop()
    sys.exit(1)

signal.signal(signal.SIGALRM, lambda *_: fail("timed out after 240 s"))
signal.alarm(240)  # never hang CI

port_file = os.path.join(profile, "DevToolsActivePort")
for _ in range(600):
    if os.path.exists(port_file) and open(port_file).read().count("\n") >= 1:
        break
    if chrome.poll() is not None:
        fail(f"chromium exited with {chrome.returncode}")
    time.sleep(0.1)
else:
    fail("chromium did not open its DevTools port")
port = int(open(port_file).read().split()[0])
targets = []
for _ in range(100):
    targets = [t for t in json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list"))
               if t["type"] == "page"]
    if targets:
        break
    time.sleep(0.1)
url = targets[0]["webSocketDebuggerUrl"]

# WebSocket (RFC 6455): client frames are masked; server frames may be fragmented.
host, path = url[len("ws://"):].split("/", 1)
sock = socket.create_connection(("127.0.0.1", port))
key = base64.b64encode(os.urandom(16)).decode()
sock.sendall((f"GET /{path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
              f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
buf = b""
while b"\r\n\r\n" not in buf:
    buf += sock.recv(4096)
head, buf = buf.split(b"\r\n\r\n", 1)
if b" 101 " not in head.split(b"\r\n")[0]:
    fail(f"websocket handshake: {head[:200]!r}")

def read_exact(n):
    global buf
    while len(buf) < n:
        chunk = sock.recv(1 << 16)
        if not chunk:
            fail("devtools connection closed")
        buf += chunk
    out, buf = buf[:n], buf[n:]
    return out

def send(obj):
    data = json.dumps(obj).encode()
    mask = os.urandom(4)
    n = len(data)
    header = bytes([0x81]) + (bytes([0x80 | n]) if n < 126 else
        bytes([0x80 | 126]) + struct.pack(">H", n) if n < 65536 else
        bytes([0x80 | 127]) + struct.pack(">Q", n))
    sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

def receive():
    message = b""
    while True:
        b0, b1 = read_exact(2)
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack(">H", read_exact(2))[0]
        elif n == 127:
            n = struct.unpack(">Q", read_exact(8))[0]
        payload = read_exact(n)
        opcode = b0 & 0x0F
        if opcode == 8:
            fail("devtools closed the connection")
        if opcode in (9, 10):  # ping, pong: no pong needed for a short session
            continue
        message += payload
        if b0 & 0x80:
            return json.loads(message)

events, next_id = [], [0]
def call(method, **params):
    next_id[0] += 1
    send({"id": next_id[0], "method": method, "params": params})
    while True:
        m = receive()
        if m.get("id") == next_id[0]:
            if "error" in m:
                fail(f"{method}: {m['error']}")
            return m.get("result", {})
        events.append(m)

def wait_for(method, seconds=60):
    end = time.time() + seconds
    while time.time() < end:
        if any(e.get("method") == method for e in events):
            return
        events.append(receive())
    fail(f"no {method} within {seconds} s")

for domain in ("Runtime", "Log", "Page"):
    call(f"{domain}.enable")
call("Emulation.setDeviceMetricsOverride", width=1280, height=2000, deviceScaleFactor=1, mobile=False)
call("Page.navigate", url="file://" + page)
wait_for("Page.loadEventFired")
time.sleep(1.0)  # late messages (image decoding, layout) arrive within this
sock.settimeout(0.5)
try:
    while True:
        events.append(receive())
except (socket.timeout, TimeoutError):
    pass
sock.settimeout(None)

problems = []
for e in events:
    m, p = e.get("method"), e.get("params", {})
    if m == "Runtime.exceptionThrown":
        problems.append(f"exception: {p['exceptionDetails'].get('text')}")
    elif m == "Runtime.consoleAPICalled":  # the page has no script: any console call is wrong
        problems.append(f"console.{p['type']}: {[a.get('value') for a in p.get('args', [])]}")
    elif m == "Log.entryAdded" and p["entry"]["level"] in ("error", "warning"):
        problems.append(f"log {p['entry']['level']}: {p['entry']['text']} ({p['entry'].get('url', '')})")
if problems:
    fail("the page logged problems:\n  " + "\n  ".join(problems))

probe = ("JSON.stringify({images: Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.naturalHeight]),"
         " scripts: document.scripts.length, h1: document.querySelector('h1').textContent,"
         " height: document.documentElement.scrollHeight,"
         " external: Array.from(document.querySelectorAll('[src],[href]')).map(e => e.getAttribute('src') || e.getAttribute('href'))"
         ".filter(u => !u.startsWith('data:') && !u.startsWith('#'))})")
facts = json.loads(call("Runtime.evaluate", expression=probe, returnByValue=True)["result"]["value"])
if len(facts["images"]) < 6 or not all(c and w >= 240 and h >= 240 for c, w, h in facts["images"]):
    fail(f"charts not decoded: {facts['images']}")
if facts["scripts"] or facts["external"]:
    fail(f"scripts {facts['scripts']}, external resources {facts['external']}")
if not facts["h1"].startswith("refrain report"):
    fail(f"unexpected heading {facts['h1']!r}")

full = base64.b64decode(call("Page.captureScreenshot", format="png")["data"])
open(shot, "wb").write(full)
small = base64.b64decode(call("Page.captureScreenshot", format="png",
    clip={"x": 0, "y": 0, "width": 1280, "height": 2000, "scale": 0.25})["data"])
send({"id": next_id[0] + 1, "method": "Browser.close", "params": {}})  # no reply awaited
try:
    chrome.wait(timeout=30)
except subprocess.TimeoutExpired:
    pass
stop()
signal.alarm(0)

def pixels(png):
    """Decode an 8-bit RGB or RGBA PNG (no interlace) into rows of bytes."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, ihdr = 8, b"", None
    while pos < len(png):
        n, kind = struct.unpack(">I4s", png[pos:pos + 8])
        data = png[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", data)
        elif kind == b"IDAT":
            idat += data
        pos += 12 + n
    w, h, depth, colour, _, _, interlace = ihdr
    assert depth == 8 and colour in (2, 6) and interlace == 0, ihdr
    bpp = 3 if colour == 2 else 4
    raw, stride, rows, prev = zlib.decompress(idat), w * bpp, [], bytearray(w * bpp)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows

w, h, bpp, rows = pixels(small)
colours = {row[i:i + 3] for row in rows for i in range(0, len(row), bpp)}
ink = sum(row[i:i + 3] != b"\xff\xff\xff" for row in rows for i in range(0, len(row), bpp)) / (w * h)
if len(colours) < 200 or ink < 0.05:
    fail(f"screenshot looks blank: {len(colours)} colours, {ink:.1%} not white")
print(f"   {len(facts['images'])} charts decoded, page {facts['height']} px tall, "
      f"screenshot {len(colours)} colours, {ink:.0%} ink, no console message")
PY

echo "e2e: all checks passed"
