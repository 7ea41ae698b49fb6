#!/usr/bin/env bash
# The scale benchmark of BENCHMARKS.md §5: the reference job over a synthetic corpus, with a
# memory budget and without, wall time, peak RSS (/usr/bin/time -v) and the largest size of
# the temporary folder, and a byte comparison of the two tables.
#   usage: benches/scale.sh REFRAIN_BINARY CORPUS BUDGET [SCRATCH]
#   BUDGET `default` runs without --memory (half of physical memory); UNLIMITED=no skips the
#   unlimited run (a 4 GB corpus would need about 44 GB).
#   e.g.:  python3 ../shared/bench/synth.py /scratch/s1g 1024
#          benches/scale.sh target/release/refrain /scratch/s1g 3G /scratch
set -euo pipefail
bin=$(realpath "$1"); corpus=$2; budget=$3; scratch=${4:-$(mktemp -d)}
tmp="$scratch/tmp"; mkdir -p "$tmp"
job=(freq -n 1..5 --min-count 2 --stopword-edges keep --format csv)
run() { # name, then the budget options
  local name=$1; shift
  rm -rf "${tmp:?}"/*
  ( while true; do du -sb "$tmp" | cut -f1; sleep 0.5; done ) > "$scratch/$name.disk" &
  local sampler=$!
  /usr/bin/time -v "$bin" "${job[@]}" "$@" --temp-dir "$tmp" -o "$scratch/$name.csv" "$corpus" \
    2> "$scratch/$name.err"
  kill "$sampler"
  local field; field() { grep "$1" "$scratch/$name.err" | awk '{print $NF}'; }
  echo "$name: wall $(field 'Elapsed (wall'), user $(field 'User time') s," \
    "system $(field 'System time') s, peak RSS $(( $(field 'Maximum resident') / 1024 )) MiB," \
    "temporary disk $(( $(sort -n "$scratch/$name.disk" | tail -1) / 1048576 )) MiB"
}
if [ "$budget" = default ]; then run bounded; else run bounded --memory "$budget"; fi
[ "${UNLIMITED:-yes}" = no ] && exit 0
run unlimited --memory 1000G
cmp "$scratch/bounded.csv" "$scratch/unlimited.csv" && echo "the same bytes"
