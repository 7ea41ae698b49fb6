//! Mutations of a seed, as proptest values (so a failure shrinks to the fewest, smallest
//! mutations): byte flips, truncation, deletion, splices from the same or another seed, and
//! inserted runs of hostile text.

use proptest::prelude::*;
use proptest::sample::Index;

/// Runs that have broken or slowed text readers: markup openers, quotes and brackets that
/// start a field or a value, bytes that are not UTF-8, combining marks, bidi controls,
/// sentence punctuation, KCNA datelines and end marks.
pub const HOSTILE: &[&[u8]] = &[
    b"<!--",
    b"-->",
    b"<p>",
    b"<script>",
    b"&amp;",
    b"&#",
    b"\"",
    b"'",
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b"\t",
    b"\0",
    b"\r",
    b"\n",
    b"\n\n",
    b"\xff",
    b"\x80",
    b"\xe2\x80",
    b"\xef\xbb\xbf",
    "\u{301}".as_bytes(),
    "\u{202e}".as_bytes(),
    "\u{2066}".as_bytes(),
    "\u{200d}".as_bytes(),
    "\u{fffd}".as_bytes(),
    "\u{2028}".as_bytes(),
    ".".as_bytes(),
    "?".as_bytes(),
    "…".as_bytes(),
    "。".as_bytes(),
    b"-",
    b"U.S.",
    b"Mr. ",
    b" -0-",
    b"Pyongyang, May 2 (KCNA) -- ",
    "조선".as_bytes(),
    "Ｆｕｌｌ".as_bytes(),
    b"\\",
    b"=HYPERLINK(",
];

/// One change to a byte string.
#[derive(Debug, Clone)]
pub enum Mutation {
    /// Flip one bit of one byte.
    Flip { at: Index, bit: u8 },
    /// Cut the input at a point.
    Truncate { at: Index },
    /// Remove up to `len` bytes.
    Delete { at: Index, len: usize },
    /// Insert `times` copies of a hostile run.
    Insert { at: Index, run: Index, times: usize },
    /// Copy up to `len` bytes from a seed (`source`, among all seeds) into the input.
    Splice { at: Index, source: Index, from: Index, len: usize },
}

/// A mutation; hostile runs are repeated up to `max_times` times.
pub fn mutation(max_times: usize) -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => (any::<Index>(), 0u8..8).prop_map(|(at, bit)| Mutation::Flip { at, bit }),
        1 => any::<Index>().prop_map(|at| Mutation::Truncate { at }),
        1 => (any::<Index>(), 1usize..64).prop_map(|(at, len)| Mutation::Delete { at, len }),
        4 => (any::<Index>(), any::<Index>(), 1..=max_times)
            .prop_map(|(at, run, times)| Mutation::Insert { at, run, times }),
        2 => (any::<Index>(), any::<Index>(), any::<Index>(), 1usize..256)
            .prop_map(|(at, source, from, len)| Mutation::Splice { at, source, from, len }),
    ]
}

/// Up to `max` mutations.
pub fn mutations(max: usize, max_times: usize) -> impl Strategy<Value = Vec<Mutation>> {
    prop::collection::vec(mutation(max_times), 0..=max)
}

/// A position in `0..=len`.
fn point(at: &Index, len: usize) -> usize {
    at.index(len + 1)
}

/// Apply `mutations` in order to `bytes`; `pool` holds the payloads splices copy from.
pub fn apply(bytes: &[u8], mutations: &[Mutation], pool: &[&[u8]]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for m in mutations {
        match m {
            Mutation::Flip { at, bit } => {
                if !out.is_empty() {
                    let i = at.index(out.len());
                    out[i] ^= 1 << bit;
                }
            }
            Mutation::Truncate { at } => out.truncate(point(at, out.len())),
            Mutation::Delete { at, len } => {
                let start = point(at, out.len());
                let end = (start + len).min(out.len());
                out.drain(start..end);
            }
            Mutation::Insert { at, run, times } => {
                let run = HOSTILE[run.index(HOSTILE.len())];
                let at = point(at, out.len());
                out.splice(at..at, run.iter().copied().cycle().take(run.len() * times));
            }
            Mutation::Splice { at, source, from, len } => {
                if pool.is_empty() {
                    continue;
                }
                let source = pool[source.index(pool.len())];
                let start = point(from, source.len());
                let end = (start + len).min(source.len());
                let at = point(at, out.len());
                out.splice(at..at, source[start..end].iter().copied());
            }
        }
    }
    out
}
