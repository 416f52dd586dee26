//! One thread's turn on the threaded virtual clock: how it waits to be
//! given the baton, and how the thread that holds it gives it over.
//!
//! Each participant has a baton of its own, so giving it wakes exactly the
//! one thread whose turn it is, and that thread needs no lock to start
//! running: the flag says it may. (A shared lock and condition variable
//! made the woken thread wait for the lock its waker still held: two
//! wake-ups per hand-over instead of one.)
//!
//! A waiting thread parks at once, and the giver wakes it with
//! [`Thread::unpark`]. Spinning first, in the hope that the baton comes
//! back before the thread parks, was measured and made hand-overs slower:
//! on a busy machine the spinning thread takes the core the woken one
//! needs, and a wake-up on another core takes longer than any useful spin.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::thread::Thread;

/// One participant's baton.
pub(super) struct Baton {
    /// Set by the giver, cleared by the owner when it takes its turn.
    given: AtomicBool,
    /// The owner's thread, to wake it when it parked.
    thread: OnceLock<Thread>,
}

impl Baton {
    /// A baton for a thread not yet known.
    pub(super) fn new() -> Baton {
        Baton {
            given: AtomicBool::new(false),
            thread: OnceLock::new(),
        }
    }

    /// Says which thread owns this baton. Must be called before the
    /// baton is first given.
    pub(super) fn bind(&self, thread: Thread) {
        // A second bind cannot happen: each participant's thread is bound
        // once, when it is admitted.
        let _ = self.thread.set(thread);
    }

    /// Gives the owner its turn, waking it if it is parked.
    pub(super) fn give(&self) {
        self.given.store(true, Ordering::Release);
        if let Some(thread) = self.thread.get() {
            thread.unpark();
        }
    }

    /// Called by the owner: returns when the baton has been given.
    pub(super) fn take(&self) {
        // `park` may return without an `unpark`, or for an `unpark` meant
        // for something else this thread waited on, so the flag decides.
        while !self.taken() {
            std::thread::park();
        }
    }

    fn taken(&self) -> bool {
        self.given.swap(false, Ordering::Acquire)
    }
}
