//! The allocator of the `mesonero` command: the system's, which ends the
//! process cleanly when memory runs out, rather than letting Rust abort
//! it.
//!
//! The system's allocator, not a faster one: the memory and latency
//! figures the tool teaches with are those of an ordinary Rust program.
//! jemalloc was measured on the largest runs (`benches/scale.sh`) and won
//! nothing clear there.
//!
//! One thing is added on Linux: a large block (the trace, the orders'
//! coroutines, the check's state) is advised to use transparent huge
//! pages. The kernel then backs it with 2 MiB pages, one page fault each,
//! where it would take 512 faults of 4 KiB. Such a block starts on a huge
//! page's boundary, and its last huge page is made whole when the block
//! uses at least half of it ([`rounded`]): placed anywhere, a block had a
//! part on small pages at either end, a megabyte each on average. A fault
//! cost 2.7 to 9 µs on the virtual machine the README's figures come
//! from: at a million products the faults were a third of the run, and at
//! `--repeat 10000`, blocks large from 2 MiB (they were from 4) and
//! rounded so took 950 of 2,700 faults away. With `madvise` in
//! `/sys/kernel/mm/transparent_hugepage/enabled` (Debian's default) the
//! advice is what gives these blocks huge pages; with `always` they had
//! them already; with `never`, or a kernel without them, it changes
//! nothing.

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
        #[cfg(target_os = "linux")]
        if starts_on_huge_page(layout) {
            return on_huge_pages(layout.size());
        }
        advise_huge_pages(non_null(self.0.alloc(layout)), layout.size())
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        advise_huge_pages(non_null(self.0.alloc_zeroed(layout)), layout.size())
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        advise_huge_pages(non_null(self.0.realloc(ptr, layout, new_size)), new_size)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // A block placed on a huge page is the C library's, as every block
        // of its alignment is: `free` takes it back, and `realloc` (above,
        // through the system's allocator) moves it.
        self.0.dealloc(ptr, layout)
    }
}

/// Whether a new block of `layout` starts on a huge page's boundary: a
/// large one, of no more than the alignment `malloc` gives any block, so
/// that `realloc` and `free` handle it as they handle every other.
#[cfg(target_os = "linux")]
fn starts_on_huge_page(layout: Layout) -> bool {
    /// The alignment of every block `malloc` gives on 64-bit systems.
    const MALLOC_ALIGN: usize = 16;
    layout.size() >= HUGE_PAGES_FROM && layout.align() <= MALLOC_ALIGN
}

/// A block of at least `size` bytes from the C library's allocator,
/// starting on a huge page, [`rounded`], advised to use huge pages.
#[cfg(target_os = "linux")]
fn on_huge_pages(size: usize) -> *mut u8 {
    // A layout's size is at most `isize::MAX`, so the rounding fits; were
    // it not to, there is no such memory.
    let Some(size) = rounded(size) else {
        return non_null(std::ptr::null_mut());
    };
    let mut block = std::ptr::null_mut();
    // SAFETY: `block` is written only on success, and the alignment is a
    // power of two and a multiple of the size of a pointer.
    let block = match unsafe { libc::posix_memalign(&mut block, HUGE_PAGE, size) } {
        0 => block.cast(),
        _ => std::ptr::null_mut(),
    };
    advise_huge_pages(non_null(block), size)
}

/// The size a large block is given: its last huge page made whole, if
/// the block uses at least half of it. That page then takes one fault,
/// not 256 to 512, and adds at most a megabyte, never more than the block
/// uses of it; a smaller tail stays on small pages, where rounding it up
/// would mostly add memory no one uses (at `--repeat 10000`, the tails
/// of the trace and of the check's state: 2.6 MB of the peak, for 360
/// faults). `None` past the largest size there is.
fn rounded(size: usize) -> Option<usize> {
    if size % HUGE_PAGE < HUGE_PAGE / 2 {
        Some(size)
    } else {
        size.checked_next_multiple_of(HUGE_PAGE)
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

/// The size of a transparent huge page on x86-64 and on ARM with 4 KiB
/// pages; on a system whose huge pages differ, the advice still holds for
/// the range, which is aligned to every smaller page size.
const HUGE_PAGE: usize = 2 << 20;

/// Blocks from this size on start on a huge page, and so hold at least
/// one whole: a smaller one rounded up would hold as much memory unused
/// as used (at `--repeat 10000`, the workload's orders: 0.7 MB more at
/// the peak, for 300 faults). The many small blocks stay on ordinary
/// pages, where a huge page would mostly hold memory no one uses.
const HUGE_PAGES_FROM: usize = HUGE_PAGE;

/// Advises the kernel to back the whole huge pages inside the block at
/// `ptr` of `size` bytes with transparent huge pages, if it is large
/// enough; returns `ptr`.
#[inline]
fn advise_huge_pages(ptr: *mut u8, size: usize) -> *mut u8 {
    if size >= HUGE_PAGE {
        if let Some((start, len)) = huge_pages_within(ptr as usize, size) {
            advise(start, len);
        }
    }
    ptr
}

/// The advice itself. A refusal (a kernel without huge pages) is only
/// advice refused: the block is used as it is.
#[cfg(target_os = "linux")]
fn advise(start: usize, len: usize) {
    // SAFETY: the range lies inside a block just allocated, and the
    // advice changes how its pages are backed, not their contents.
    unsafe {
        libc::madvise(start as *mut libc::c_void, len, libc::MADV_HUGEPAGE);
    }
}

/// Elsewhere there is no such advice to give.
#[cfg(not(target_os = "linux"))]
fn advise(_start: usize, _len: usize) {}

/// The start and length of the whole huge pages inside `size` bytes at
/// `address`, if there are any.
fn huge_pages_within(address: usize, size: usize) -> Option<(usize, usize)> {
    let start = address.checked_next_multiple_of(HUGE_PAGE)?;
    let end = address.checked_add(size)? / HUGE_PAGE * HUGE_PAGE;
    (end > start).then(|| (start, end - start))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_whole_aligned_huge_pages_are_advised() {
        let mib = 1 << 20;
        // Aligned: all of it.
        assert_eq!(
            huge_pages_within(4 * mib, 4 * mib),
            Some((4 * mib, 4 * mib))
        );
        // Off by a page at both ends: the whole pages inside.
        assert_eq!(
            huge_pages_within(4 * mib + 4096, 4 * mib),
            Some((6 * mib, 2 * mib))
        );
        // Any block of two holds one, wherever it starts.
        assert!(huge_pages_within(2 * mib + 1, 2 * HUGE_PAGE).is_some());
        // Smaller than a huge page, or none aligned inside: nothing.
        assert_eq!(huge_pages_within(2 * mib + 1, 2 * mib), None);
        assert_eq!(huge_pages_within(0, mib), None);
        // At the top of the address space: nothing, not an overflow.
        assert_eq!(huge_pages_within(usize::MAX - mib, 4 * mib), None);
    }

    #[test]
    fn a_last_huge_page_is_made_whole_only_if_half_used() {
        let mib = 1 << 20;
        assert_eq!(rounded(mib), Some(2 * mib));
        assert_eq!(rounded(3 * mib - 1), Some(3 * mib - 1));
        assert_eq!(rounded(3 * mib), Some(4 * mib));
        assert_eq!(rounded(4 * mib), Some(4 * mib));
        assert_eq!(rounded(4 * mib + mib - 1), Some(4 * mib + mib - 1));
        assert_eq!(rounded(4 * mib + mib), Some(6 * mib));
        assert_eq!(rounded(usize::MAX), None);
    }

    /// A large block, of an ordinary alignment or not, zeroed or not, is
    /// allocated, grown, shrunk and freed as any other; of an ordinary
    /// alignment, it starts on a huge page, and its last one is whole.
    #[test]
    fn large_blocks_are_allocated_read_and_freed_as_any_other() {
        let alloc = EndOnFailure::new();
        for (align, zeroed) in [(8, false), (64, true)] {
            // Past half of its last huge page, which is made whole.
            let size = HUGE_PAGES_FROM + HUGE_PAGE / 2 + 12345;
            let layout = |size| Layout::from_size_align(size, align).unwrap();
            // SAFETY: the layouts are not zero-sized, the block is written
            // and read within its size, and each call is given the layout
            // the block has.
            unsafe {
                let block = if zeroed {
                    let block = alloc.alloc_zeroed(layout(size));
                    assert_eq!(*block.add(size - 1), 0);
                    block
                } else {
                    alloc.alloc(layout(size))
                };
                #[cfg(target_os = "linux")]
                if align <= 16 {
                    // On a huge page, and its last one made whole.
                    assert_eq!(block as usize % HUGE_PAGE, 0);
                    let usable = libc::malloc_usable_size(block.cast());
                    assert!(usable >= rounded(size).unwrap(), "{usable}");
                }
                block.write_bytes(7, size);
                let grown = alloc.realloc(block, layout(size), 3 * size);
                assert_eq!(*grown.add(size - 1), 7);
                let shrunk = alloc.realloc(grown, layout(3 * size), 100);
                assert_eq!(*shrunk.add(99), 7);
                alloc.dealloc(shrunk, layout(100));
            }
        }
    }
}
