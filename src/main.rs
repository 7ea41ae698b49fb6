//! The `refrain` binary: parse, run, map the outcome to an exit status.

use std::alloc::{GlobalAlloc, Layout, System};
use std::process::ExitCode;

use clap::Parser;

/// The system allocator (glibc malloc, so the `mallopt` below still applies), except that an
/// allocation the system refuses ends the run with a clear message and exit status 2 instead
/// of Rust's abort (`memory allocation of N bytes failed`, SIGABRT, status 134), e.g. under
/// `ulimit -v`. The check is one well-predicted branch on a pointer already returned.
struct ExitOnOom;

// SAFETY: every call is passed to `System` unchanged; only a null result is acted upon.
unsafe impl GlobalAlloc for ExitOnOom {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if p.is_null() {
            out_of_memory(layout.size());
        }
        p
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if p.is_null() {
            out_of_memory(layout.size());
        }
        p
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if p.is_null() {
            out_of_memory(new_size);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: ExitOnOom = ExitOnOom;

/// Say that memory ran out and exit with status 2, without allocating (the allocator has just
/// failed) and without running destructors or flushing buffers (that might allocate): only
/// `write(2)` on stderr and `_exit`. Output files are written atomically, so none is left half
/// written.
#[cold]
#[inline(never)]
fn out_of_memory(size: usize) -> ! {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut n = size;
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let parts: [&[u8]; 3] = [
        b"refrain: error: out of memory (an allocation of ",
        &digits[at..],
        b" bytes failed); try a smaller corpus, higher --min-count, fewer -n lengths or \
          fewer threads (-j)\n",
    ];
    for part in parts {
        // SAFETY: writing a valid buffer to stderr; the result does not matter, we exit next.
        unsafe {
            libc::write(2, part.as_ptr().cast(), part.len());
        }
    }
    // SAFETY: ends the process at once, which is the point.
    unsafe { libc::_exit(2) }
}

fn main() -> ExitCode {
    limit_malloc_arenas();
    let cli = refrain::cli::Cli::parse();
    match refrain::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("refrain: error: {}", message(&e));
            ExitCode::from(2)
        }
    }
}

/// The error and its causes joined by `: `, leaving out a cause whose text the message already
/// holds (an I/O error wrapped with its own text would otherwise be printed twice).
fn message(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if out.contains(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out
}

/// A closed stdout (`refrain freq | head`) is not an error.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || c.to_string().contains("Broken pipe")
    })
}

/// glibc gives every thread that allocates its own malloc arena (up to eight per core): with
/// rayon's and Polars' worker pools that is a dozen arenas, each holding freed pages the others
/// cannot reuse, while counting frees and reallocates arrays of tens of megabytes per n-gram
/// level. One arena (the hot loops hardly allocate, so its lock is not contended) cuts page
/// faults by 40%, peak memory by 2% and run time by about 4% on 27 MB of text. An explicit
/// `MALLOC_ARENA_MAX` still wins.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only sets a tuning parameter; called before any thread starts.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 1);
        }
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas() {}
