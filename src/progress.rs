//! What goes to stderr besides errors: progress bars (drawn only when stderr is a terminal,
//! never mixed with data) and warnings, both governed by the process-wide [`Level`] that `-q`,
//! `-qq` and `--silent` set. Errors are printed by `main` whatever the level.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress bar for one stage of work (hidden when stderr is not a terminal or when
/// progress is switched off with [`set_enabled`]).
pub struct Progress {
    bar: ProgressBar,
}

/// How much refrain says on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Progress bars, the run summary, warnings and errors.
    Normal,
    /// `-q`: warnings and errors only.
    Quiet,
    /// `-qq` or `--silent`: errors only.
    Silent,
}

static ENABLED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);
static WARNINGS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);

/// Switch progress bars on or off for the whole process.
pub fn set_enabled(on: bool) {
    ENABLED.store(on, std::sync::atomic::Ordering::Relaxed);
}

/// Set what is printed on stderr for the whole process (progress bars and warnings; the run
/// summary is the command's, see `cli::Context`).
pub fn set_level(level: Level) {
    set_enabled(level == Level::Normal);
    WARNINGS.store(level != Level::Silent, std::sync::atomic::Ordering::Relaxed);
}

/// Print a warning on stderr (`refrain: warning: …`) unless silenced by `-qq`/`--silent`.
/// Every warning goes through here, so that `--silent` silences them all.
pub fn warn(message: impl std::fmt::Display) {
    if WARNINGS.load(std::sync::atomic::Ordering::Relaxed) {
        eprintln!("refrain: warning: {message}");
    }
}

/// Whether warnings are printed (not `-qq`/`--silent`).
pub fn warnings_enabled() -> bool {
    WARNINGS.load(std::sync::atomic::Ordering::Relaxed)
}

impl Progress {
    /// A bar for `stage` with `total` steps.
    pub fn new(stage: &str, total: u64) -> Self {
        let target = if ENABLED.load(std::sync::atomic::Ordering::Relaxed) {
            ProgressDrawTarget::stderr() // indicatif hides it when stderr is not a terminal
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(Some(total), target);
        let style = ProgressStyle::with_template("{prefix:>9} [{bar:30}] {pos}/{len} {elapsed}")
            .expect("valid template")
            .progress_chars("=> ");
        bar.set_style(style);
        bar.set_prefix(stage.to_string());
        bar.enable_steady_tick(Duration::from_millis(200));
        Progress { bar }
    }

    /// A bar for `stage` with `total` steps that also shows an estimate of the time left (for
    /// long phases whose steps take about the same time: segment passes, rows written).
    pub fn with_eta(stage: &str, total: u64) -> Self {
        let progress = Progress::new(stage, total);
        let style = ProgressStyle::with_template(
            "{prefix:>9} [{bar:30}] {percent:>3}% {elapsed} elapsed, about {eta} left",
        )
        .expect("valid template")
        .progress_chars("=> ");
        progress.bar.set_style(style);
        progress
    }

    /// Change the number of steps (a phase that learns its size on the way).
    pub fn set_length(&self, total: u64) {
        self.bar.set_length(total);
    }

    /// A spinner for `stage`, a step of unknown length: it shows the stage's name and the time
    /// spent (hidden when stderr is not a terminal or when progress is switched off).
    pub fn spinner(stage: &str) -> Self {
        let target = if ENABLED.load(std::sync::atomic::Ordering::Relaxed) {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(None, target);
        let style = ProgressStyle::with_template("{prefix:>9} {spinner} {elapsed}")
            .expect("valid template")
            .tick_chars("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏ ");
        bar.set_style(style);
        bar.set_prefix(stage.to_string());
        bar.enable_steady_tick(Duration::from_millis(120));
        Progress { bar }
    }

    /// Advance by `n` steps.
    pub fn inc(&self, n: u64) {
        self.bar.inc(n);
    }

    /// Remove the bar from the terminal.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

/// Whether `REFRAIN_TRACE` is set: stage timings and memory go to stderr (diagnostics for
/// benchmarking; not part of the stable output).
pub fn tracing() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("REFRAIN_TRACE").is_some())
}

/// Print a trace line (`what` is only evaluated when tracing) with the elapsed time since
/// `since` and the current and peak memory.
pub fn trace(since: std::time::Instant, what: impl FnOnce() -> String) {
    if tracing() {
        let (rss, peak) = memory_mb();
        eprintln!(
            "refrain: trace: {} ({:.3} s, {rss} MB now, {peak} MB peak)",
            what(),
            since.elapsed().as_secs_f64()
        );
    }
}

/// Current and peak resident memory in MB (Linux), for `REFRAIN_TRACE` diagnostics.
pub fn memory_mb() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
            .map_or(0, |kb| kb / 1024)
    };
    (field("VmRSS:"), field("VmHWM:"))
}
