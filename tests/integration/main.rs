//! The integration tests: the `refrain` binary run on files the tests write.
//!
//! One test binary (every test file links Polars, so each extra binary costs a long link):
//! a module per command, plus shared fixtures in `util`.

mod bad_input;
mod budget;
mod clean;
mod conventions;
mod differential;
mod differential_tokens;
mod freq;
mod hostile;
mod keyness;
mod kwic;
mod merge_budget;
mod output_policy;
mod partials;
mod phrases;
mod report;
mod report_folder;
mod spill;
mod spilled;
mod spilled_keyness;
mod spilled_phrases;
mod spilled_report;
mod tour;
mod trend;
mod util;
