//! The `mesonero` command: parse, run, report, exit.

use std::alloc::{GlobalAlloc, Layout};
use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use mesonero::cli::Cli;
use mesonero::commands;

fn main() -> ExitCode {
    // clap prints its own usage errors and exits with code 2.
    let cli = Cli::parse();
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            // Not eprintln!, which panics when stderr is closed or full:
            // then the message is lost, but the exit code still tells.
            let _ = writeln!(std::io::stderr(), "error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

// A faster allocator: large async runs allocate a million futures.
#[global_allocator]
static GLOBAL: EndOnFailure = EndOnFailure(tikv_jemallocator::Jemalloc);

/// jemalloc, with a failure to allocate ending the process with one line
/// and exit code 1, where Rust would print "memory allocation failed" and
/// abort (a core dump, and exit code 134).
struct EndOnFailure(tikv_jemallocator::Jemalloc);

// SAFETY: every call is jemalloc's, with the caller's own arguments.
unsafe impl GlobalAlloc for EndOnFailure {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        non_null(self.0.alloc(layout))
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        non_null(self.0.alloc_zeroed(layout))
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        non_null(self.0.realloc(ptr, layout, new_size))
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        self.0.dealloc(ptr, layout)
    }
}

/// `ptr`, unless it is null: then the process ends. Inside the allocator
/// nothing may allocate (the allocation would fail again, or deadlock on
/// the allocator's lock) and nothing may unwind (a panic out of an
/// allocator is undefined behaviour), so the message is a fixed string
/// written with the system call, and `_exit` ends the process without
/// running destructors or exit handlers, which might allocate.
fn non_null(ptr: *mut u8) -> *mut u8 {
    if ptr.is_null() {
        const MESSAGE: &[u8] = b"error: out of memory\n";
        // SAFETY: both calls are async-signal-safe and take no pointer but
        // the static message.
        unsafe {
            libc::write(2, MESSAGE.as_ptr().cast(), MESSAGE.len());
            libc::_exit(1);
        }
    }
    ptr
}
