//! Counting: n-grams of word keys, with document frequencies, dispersion and display forms.
//!
//! # Brief overview
//!
//! The input is a [`TokenIndex`] (the corpus as flat arrays of key and surface ids with
//! sentence and document boundaries). [`count`] runs the level-wise counter of [`ngrams`]:
//! parallel over fixed blocks of documents ([`blocks`]), exact pruning by `--min-count` and
//! `--min-docs`, integer keys only. The result, [`NgramCounts`], holds for every surviving
//! n-gram its count, documents, DP_norm ([`dispersion`]), display form and variant count;
//! strings are made only later, for the rows that are written.

pub mod blocks;
pub mod bounded;
pub mod dispersion;
pub mod from_rows;
pub mod index;
pub mod ngrams;
pub mod order;
pub mod radix;
pub mod scan;
pub mod spilled;
pub mod trie;
pub mod words;

pub use index::{DocLengths, TokenIndex};
pub use ngrams::{CountOptions, EdgePolicy, Level, NgramCounts, SurfaceLevel, VocabFacts, count};
pub use order::{RowData, RowOrder, ordered_row_data, ordered_rows, ranks};
pub use scan::{NgramFinder, Occurrence};
pub use words::WordLists;
