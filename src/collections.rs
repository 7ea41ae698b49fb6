//! The crate's hash collections: one fast, deterministic-seeded hasher used everywhere.
//!
//! Iteration order of these maps must never reach an output file; every table is sorted
//! before it is written.

/// Hash map with foldhash's fixed-seed hasher (no per-process random state).
pub type HashMap<K, V> = hashbrown::HashMap<K, V, foldhash::fast::FixedState>;
/// Hash set with the same hasher.
pub type HashSet<K> = hashbrown::HashSet<K, foldhash::fast::FixedState>;

/// A new empty [`HashMap`].
pub fn new_map<K, V>() -> HashMap<K, V> {
    HashMap::with_hasher(foldhash::fast::FixedState::default())
}

/// A new [`HashMap`] with room for `n` entries.
pub fn map_with_capacity<K, V>(n: usize) -> HashMap<K, V> {
    HashMap::with_capacity_and_hasher(n, foldhash::fast::FixedState::default())
}

/// A new empty [`HashSet`].
pub fn new_set<K>() -> HashSet<K> {
    HashSet::with_hasher(foldhash::fast::FixedState::default())
}
