#!/usr/bin/env python3
"""Compare a freq table made elsewhere (Spark, SQL) with refrain's, row by row by key.

    python3 compare_tables.py EXPECTED.csv ACTUAL.csv

The same keys; for each key the same phrase and integers (n, count, docs, variants), and reals
(per_million, doc_share, dp) within 1e-6 (DP's terms may be added in another order; refrain
prints reals rounded to millionths); an empty dp on both sides or neither. Exit 0 when the
tables agree, 1 with the first differences listed otherwise; the row order and whether the
bytes are identical are reported too.
"""

import csv
import math
import sys

INTEGERS = ("n", "count", "docs", "variants")
REALS = ("per_million", "doc_share", "dp")
TOLERANCE = 1e-6
# Two prints of the same value rounded to millionths differ by at most one millionth, plus
# the error of the binary doubles that hold them.
SLACK = 1e-9


def real(value):
    """A cell or value as a real; empty or None is undefined (NaN)."""
    if value is None or value == "":
        return math.nan
    return float(value)


def differences(expected, actual, limit=10):
    """What differs between two tables given as lists of dicts (column → value), by key."""
    by_key = {}
    problems = []
    for rows, side in ((expected, "expected"), (actual, "actual")):
        table = {}
        for row in rows:
            if row["key"] in table:
                problems.append(f"{side}: key `{row['key']}` twice")
            table[row["key"]] = row
        by_key[side] = table
    exp, act = by_key["expected"], by_key["actual"]
    for key in sorted(exp.keys() - act.keys())[:limit]:
        problems.append(f"missing key `{key}`")
    for key in sorted(act.keys() - exp.keys())[:limit]:
        problems.append(f"extra key `{key}`")
    for key in sorted(exp.keys() & act.keys()):
        e, a = exp[key], act[key]
        if str(e["phrase"]) != str(a["phrase"]):
            problems.append(f"`{key}`: phrase `{e['phrase']}` != `{a['phrase']}`")
        for col in INTEGERS:
            if int(e[col]) != int(a[col]):
                problems.append(f"`{key}`: {col} {e[col]} != {a[col]}")
        for col in REALS:
            x, y = real(e[col]), real(a[col])
            same = (math.isnan(x) and math.isnan(y)) or abs(x - y) <= TOLERANCE + SLACK
            if not same:
                problems.append(f"`{key}`: {col} {e[col]} != {a[col]}")
        if len(problems) >= limit:
            break
    return problems


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    expected, actual = (read_csv(p) for p in argv)
    problems = differences(expected, actual)
    for p in problems:
        print(f"compare: {p}", file=sys.stderr)
    same_order = [r["key"] for r in expected] == [r["key"] for r in actual]
    with open(argv[0], "rb") as a, open(argv[1], "rb") as b:
        identical = a.read() == b.read()
    print(f"compare: {len(expected)} rows expected, {len(actual)} rows; "
          f"{'equal' if not problems else 'DIFFERENT'} by key (integers exact, reals to 1e-6); "
          f"same order: {same_order}; identical bytes: {identical}")
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
