//! Tables: the only module that uses Polars.
pub mod input;
