//! Lexicographic order of all counted n-grams, as integers.
//!
//! N-grams are written as their words joined by spaces, and rows tie-break on that string. The
//! n-grams of all lengths form a trie (an n-gram's parent is its first n−1 words), and the
//! byte order of the joined strings is the trie's preorder when siblings are ordered by their
//! last word (words hold no spaces, so a prefix sorts before its extensions). This module
//! computes each node's preorder position from subtree sizes: no string is built or compared.

use rayon::prelude::*;

use super::blocks::NONE;

/// One trie level: each node's parent at the level above (`NONE` at level 1) and last word.
pub struct TrieLevel<'a> {
    /// Parent id at the level above.
    pub parent: &'a [u32],
    /// Word id of the last word.
    pub last: &'a [u32],
}

/// Preorder position of every node of every level (`out[n - 1][id]`), siblings ordered by
/// `word_rank` of their last word.
pub fn preorder(levels: &[TrieLevel], word_rank: &[u32]) -> Vec<Vec<u32>> {
    let children: Vec<Vec<u32>> =
        levels.par_iter().map(|l| sorted_siblings(l, word_rank)).collect();
    let sizes = subtree_sizes(levels);
    let mut out: Vec<Vec<u32>> = Vec::with_capacity(levels.len());
    for (m, level) in levels.iter().enumerate() {
        let mut rank = vec![0u32; level.last.len()];
        let mut next_parent = NONE;
        let mut at = 0u32;
        for &id in &children[m] {
            let parent = level.parent[id as usize];
            if m == 0 {
                // Roots follow each other; the first starts at 0.
            } else if parent != next_parent {
                next_parent = parent;
                at = out[m - 1][parent as usize] + 1;
            }
            rank[id as usize] = at;
            at += sizes[m][id as usize];
        }
        out.push(rank);
    }
    out
}

/// The ids of a level ordered by (parent, rank of last word).
fn sorted_siblings(level: &TrieLevel, word_rank: &[u32]) -> Vec<u32> {
    let mut keyed: Vec<(u64, u32)> = (0..level.last.len())
        .map(|id| {
            let parent = level.parent[id];
            let parent = if parent == NONE { 0 } else { parent as u64 };
            (parent << 32 | word_rank[level.last[id] as usize] as u64, id as u32)
        })
        .collect();
    super::radix::sort_by_key(&mut keyed);
    keyed.into_iter().map(|(_, id)| id).collect()
}

/// Number of nodes in each node's subtree (itself included).
fn subtree_sizes(levels: &[TrieLevel]) -> Vec<Vec<u32>> {
    let mut sizes: Vec<Vec<u32>> = levels.iter().map(|l| vec![1u32; l.last.len()]).collect();
    for m in (1..levels.len()).rev() {
        let (upper, lower) = sizes.split_at_mut(m);
        for (id, &p) in levels[m].parent.iter().enumerate() {
            upper[m - 1][p as usize] += lower[0][id];
        }
    }
    sizes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preorder_is_the_order_of_joined_strings() {
        // Words (rank = id): 0 "a", 1 "b", 2 "c".
        // Level 1: [b, a, c]; level 2: [a c, b a, a b]; level 3: [a b c].
        let l1 = TrieLevel { parent: &[NONE, NONE, NONE], last: &[1, 0, 2] };
        let l2 = TrieLevel { parent: &[1, 0, 1], last: &[2, 0, 1] };
        let l3 = TrieLevel { parent: &[2], last: &[2] };
        let ranks = preorder(&[l1, l2, l3], &[0, 1, 2]);
        // Sorted strings: a(0) "a b"(1) "a b c"(2) "a c"(3) b(4) "b a"(5) c(6).
        assert_eq!(ranks[0], [4, 0, 6]);
        assert_eq!(ranks[1], [3, 5, 1]);
        assert_eq!(ranks[2], [2]);
    }
}
