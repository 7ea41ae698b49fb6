//! analysis (under construction).
