//! stats (under construction).

pub mod association;
