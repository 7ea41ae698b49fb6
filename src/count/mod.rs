//! count (under construction).
