//! stats (under construction).
pub mod keyness;
pub mod rate;
pub mod special;
