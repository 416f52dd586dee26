//! The allocator of the `mesonero` command: the system's, which ends the
//! process cleanly when memory runs out, rather than letting Rust abort
//! it.
//!
//! The system's allocator, not a faster one: the memory and latency
//! figures the tool teaches with are those of an ordinary Rust program.
//! jemalloc was measured on the largest runs (`benches/scale.sh`) and won
//! nothing clear there.

use std::alloc::{GlobalAlloc, Layout, System};

/// The system's allocator, with a failure to allocate ending the process
/// with one line and exit code 1, where Rust would print "memory
/// allocation failed" and abort (a core dump, and exit code 134).
pub struct EndOnFailure(System);

impl EndOnFailure {
    /// The system's allocator, ending the process when it cannot allocate.
    pub const fn new() -> EndOnFailure {
        EndOnFailure(System)
    }
}

impl Default for EndOnFailure {
    fn default() -> Self {
        EndOnFailure::new()
    }
}

// SAFETY: every call is the system allocator's, with the caller's own
// arguments.
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
