//! The synchronisation primitives of the race, from std or from loom.
//!
//! The accounts and the tellers (`account.rs`, `mod.rs`) take their
//! atomics, mutex, `Arc` and threads from here, never from `std` directly,
//! so that `tests/loom_race.rs` model-checks the very code that
//! `mesonero race` runs. Built normally this is std; built with
//! `RUSTFLAGS="--cfg mesonero_loom"` it is loom, which runs the same threads under
//! every interleaving that the memory model allows.

#[cfg(not(mesonero_loom))]
pub(crate) use std::sync::{atomic::AtomicI64, Arc, Barrier, Mutex};
#[cfg(not(mesonero_loom))]
pub(crate) use std::thread;

#[cfg(mesonero_loom)]
pub(crate) use loom::sync::{atomic::AtomicI64, Arc, Mutex};
#[cfg(mesonero_loom)]
pub(crate) use loom::thread;

/// loom has no barrier (its `Barrier` is a stub that panics), and needs
/// none: it tries every order of the threads' steps, including the ones a
/// barrier makes likely on real hardware. So under loom the start line
/// lets every thread through at once.
#[cfg(mesonero_loom)]
#[derive(Debug)]
pub(crate) struct Barrier;

#[cfg(mesonero_loom)]
impl Barrier {
    pub(crate) fn new(_threads: usize) -> Barrier {
        Barrier
    }

    pub(crate) fn wait(&self) {}
}
