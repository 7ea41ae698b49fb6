//! Formulaicity of each document: the share of its word tokens covered by formulas.
//!
//! In each document the occurrences of reported formulas are placed longest first, then
//! leftmost first; an occurrence that would overlap one already placed is not placed. A token
//! is covered when a placed occurrence holds it, so no token counts twice and each covered
//! token belongs to the longest formula found there (the "longest first" overlap filter of
//! Voyant's Phrases tool). Formulaicity = covered tokens / tokens of the document.

use super::chains::Chains;
use super::overlap::Formulas;

/// The coverage of one document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DocCoverage {
    /// Word tokens covered by placed formula occurrences.
    pub covered: u32,
    /// Formula occurrences placed.
    pub placed: u32,
}

/// One block's walk: the formula occurrences of the current document, settled at its end.
struct Walk {
    doc: u32,
    /// (start, n) of the formula occurrences of `doc`.
    found: Vec<(u32, u8)>,
    /// (document, coverage) of the documents settled so far.
    done: Vec<(u32, DocCoverage)>,
    taken: Vec<bool>,
}

impl Walk {
    fn settle(&mut self, chains: &Chains) {
        if self.found.is_empty() {
            return;
        }
        let range = chains.doc_range(self.doc as usize);
        self.taken.clear();
        self.taken.resize(range.len(), false);
        // Longest first, then leftmost.
        self.found.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut cov = DocCoverage::default();
        for &(pos, n) in &self.found {
            let at = pos as usize - range.start..pos as usize - range.start + n as usize;
            if self.taken[at.clone()].iter().any(|&t| t) {
                continue;
            }
            self.taken[at].fill(true);
            cov.covered += n as u32;
            cov.placed += 1;
        }
        self.done.push((self.doc, cov));
        self.found.clear();
    }
}

/// The coverage of every document of the corpus of `chains` by the reported phrases of `formulas`.
pub fn coverage(chains: &Chains, formulas: &Formulas) -> Vec<DocCoverage> {
    let top = chains.counts().levels.len();
    let init = || Walk { doc: 0, found: Vec::new(), done: Vec::new(), taken: Vec::new() };
    let walks = chains.scan(formulas.min_n..=top, init, |w: &mut Walk, o| {
        if !formulas.is_reported((o.n as usize, o.id)) {
            return;
        }
        if o.doc != w.doc {
            w.settle(chains);
            w.doc = o.doc;
        }
        w.found.push((o.pos, o.n));
    });
    let mut out = vec![DocCoverage::default(); chains.doc_count()];
    for mut w in walks {
        w.settle(chains);
        for (d, c) in w.done {
            out[d as usize] = c;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::count::NgramFinder;
    use crate::phrases::Overlap;
    use crate::phrases::overlap::{OverlapOptions, resolve};
    use crate::phrases::testkit::Kit;

    #[test]
    fn two_documents() {
        // Document 0: "A B C D" · "B C" · "Q" (7 words); document 1: "A B C D" × 4, "B C" × 2,
        // "Q R" (22 words). Over both: A B C D 5 times, B C 8 times (5 inside A B C D): the
        // formulas are A B C D and B C (see the overlap tests).
        // Document 0: A B C D covers 4 words (its B C is inside it: not placed again), the lone
        // B C covers 2: 6 of 7 words = 0.857…, 2 formulas placed.
        // Document 1: 4 × 4 + 2 × 2 = 20 of 22 words = 0.909…, 6 placed.
        let (a, b, c, d, q, r) = (1, 2, 3, 4, 5, 6);
        let doc0: &[&[u32]] = &[&[a, b, c, d], &[b, c], &[q]];
        let doc1: &[&[u32]] = &[
            &[a, b, c, d],
            &[b, c],
            &[a, b, c, d],
            &[a, b, c, d],
            &[b, c],
            &[a, b, c, d],
            &[q, r],
        ];
        let kit = Kit::new(&[doc0, doc1], &[], 2, 4);
        let finder = NgramFinder::new(&kit.counts, 32);
        let options = OverlapOptions { overlap: Overlap::Maximal, min_n: 2, max_n: 4 };
        let chains = Chains::new(&kit.index, &finder);
        let formulas = resolve(&chains, &options);
        assert_eq!(formulas.rows().len(), 2);
        let got = coverage(&chains, &formulas);
        assert_eq!(
            got,
            [DocCoverage { covered: 6, placed: 2 }, DocCoverage { covered: 20, placed: 6 }]
        );
    }

    #[test]
    fn longest_first_then_leftmost_without_overlap() {
        // One sentence "A B C D E" with formulas A B C (n = 3), C D E (3) and D E (2), as with
        // --overlap none: A B C is placed first (leftmost of the longest), C D E overlaps it
        // at C and is not placed, then D E is: 5 of 5 words, 2 placed. With C D E placed first
        // (were it leftmost), D E could not be placed: the order matters and is fixed.
        let (a, b, c, d, e) = (1, 2, 3, 4, 5);
        let s: &[&[u32]] = &[&[a, b, c], &[c, d, e], &[a, b, c, d, e]];
        let kit = Kit::new(&[s], &[], 2, 3);
        let finder = NgramFinder::new(&kit.counts, 32);
        let options = OverlapOptions { overlap: Overlap::None, min_n: 2, max_n: 3 };
        let chains = Chains::new(&kit.index, &finder);
        let formulas = resolve(&chains, &options);
        // Candidates: A B, B C, A B C, C D, D E, C D E (each twice).
        assert_eq!(formulas.rows().len(), 6);
        let got = coverage(&chains, &formulas);
        // Sentence 1: A B C (3). Sentence 2: C D E (3). Sentence 3: A B C, then C D E
        // overlaps, C D overlaps, D E fits: 5. Total 11 of 11, placed 1 + 1 + 2.
        assert_eq!(got, [DocCoverage { covered: 11, placed: 4 }]);
    }
}
