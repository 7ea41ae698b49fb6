//! stats (under construction).

pub mod association;
pub mod keyness;
pub mod rate;
pub mod special;
