//! The integration tests: the `refrain` binary run on files the tests write.
//!
//! One test binary (every test file links Polars, so each extra binary costs a long link):
//! a module per command, plus shared fixtures in `util`.

mod bad_input;
mod freq;
mod keyness;
mod kwic;
mod phrases;
mod report;
mod report_folder;
mod trend;
mod util;
