//! The report's stages on stderr: a progress bar (or spinner) per stage while it runs when
//! stderr is a terminal, and a one-line summary per stage when it ends; and the time each
//! stage took, for the manifest.

use std::time::Instant;

use crate::progress::Progress;

/// The time each finished stage took, in order.
#[derive(Debug, Clone, Default)]
pub struct Timings {
    /// (stage, seconds).
    pub stages: Vec<(String, f64)>,
}

/// One running stage.
pub struct Stage<'a> {
    name: &'static str,
    started: Instant,
    bar: Option<Progress>,
    timings: &'a mut Timings,
    note: &'a (dyn Fn(&str) + Sync),
}

impl<'a> Stage<'a> {
    /// Start `name` with a spinner (its length is unknown).
    pub fn start(
        name: &'static str,
        timings: &'a mut Timings,
        note: &'a (dyn Fn(&str) + Sync),
    ) -> Self {
        let bar = Some(Progress::spinner(name));
        Stage { name, started: Instant::now(), bar, timings, note }
    }

    /// Start `name` with a bar of `total` steps.
    pub fn counted(
        name: &'static str,
        total: u64,
        timings: &'a mut Timings,
        note: &'a (dyn Fn(&str) + Sync),
    ) -> Self {
        let bar = Some(Progress::new(name, total));
        Stage { name, started: Instant::now(), bar, timings, note }
    }

    /// Start `name` without a bar of its own (the work draws one, as reading does).
    pub fn bare(
        name: &'static str,
        timings: &'a mut Timings,
        note: &'a (dyn Fn(&str) + Sync),
    ) -> Self {
        Stage { name, started: Instant::now(), bar: None, timings, note }
    }

    /// Advance the bar by one step.
    pub fn step(&self) {
        if let Some(b) = &self.bar {
            b.inc(1);
        }
    }

    /// End the stage: clear its bar, record its time and print `summary` with it.
    pub fn done(self, summary: &str) {
        drop(self.bar);
        let seconds = self.started.elapsed().as_secs_f64();
        (self.note)(&format!("report: {}: {summary} ({seconds:.2} s)", self.name));
        self.timings.stages.push((self.name.to_string(), seconds));
    }
}
