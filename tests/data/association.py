"""Independent reference values for src/stats/association.rs (run: python3 tests/data/association.py).

Straight from Evert (2005): a 2x2 table from O11 (pair count), R1 (count of the first part),
C1 (count of the second part) and N (word tokens); E_ij = R_i * C_j / N; 0 * ln 0 = 0.
The printed numbers are pasted into the Rust unit tests.
"""
import math

def table(o11, r1, c1, n):
    o = [o11, r1 - o11, c1 - o11, n - r1 - c1 + o11]
    o = [max(x, 0.0) for x in o]
    r = [o[0] + o[1], o[2] + o[3]]
    c = [o[0] + o[2], o[1] + o[3]]
    total = sum(o)
    e = [r[0] * c[0] / total, r[0] * c[1] / total, r[1] * c[0] / total, r[1] * c[1] / total]
    return o, e, r, c

def g2(o11, r1, c1, n):
    o, e, _, _ = table(o11, r1, c1, n)
    g = 2 * sum(x * math.log(x / y) for x, y in zip(o, e) if x > 0)
    return g if o[0] >= e[0] else -g

def mi(o11, r1, c1, n):
    o, e, _, _ = table(o11, r1, c1, n)
    return math.log2(o[0] / e[0])

def t(o11, r1, c1, n):
    o, e, _, _ = table(o11, r1, c1, n)
    return (o[0] - e[0]) / math.sqrt(o[0])

def log_dice(o11, r1, c1, n):
    _, _, r, c = table(o11, r1, c1, n)
    return 14 + math.log2(2 * o11 / (r[0] + c[0]))

def scp_fair(f, splits):
    avp = sum(x * y for x, y in splits) / len(splits)
    return f * f / avp

for case in [(30, 100, 60, 10000), (2, 800, 900, 10000), (5, 5, 8, 680), (3, 4, 4, 5), (3, 4, 4, 4)]:
    print(case, repr(g2(*case)), repr(mi(*case)), repr(t(*case)), repr(log_dice(*case)))
print("scp", repr(scp_fair(6, [(10, 8), (20, 6), (9, 12)])))
