//! The article's `BALANCE`, three ways: with no lock, with a lock, and as
//! one atomic instruction.
//!
//! The article's race, in Python:
//!
//! ```python
//! BALANCE = 0
//!
//! def depositos():
//!     global BALANCE
//!     for _ in range(0, 1_000_000):
//!         BALANCE += 1
//!
//! def retiros():
//!     global BALANCE
//!     for _ in range(0, 1_000_000):
//!         BALANCE -= 1 # Sección critica
//! ```
//!
//! `BALANCE += 1` looks like one step but is three: read `BALANCE`, add
//! one, write it back. Two threads that read the same value both write
//! back their own result, and one of the two updates is lost. Each type
//! here is one way of writing `BALANCE += 1` and `BALANCE -= 1`:
//!
//! - [`Unlocked`] (`--strategy none`): read, then write, as the article's
//!   first program. Most of the time it works; every once in a while
//!   another thread writes between the read and the write, and that
//!   thread's update is gone.
//! - [`Locked`] (`--strategy mutex`): the article's second program, whose
//!   `with lock:` becomes a [`Mutex`] around the number: only one thread
//!   at a time can be between the read and the write.
//! - [`Atomic`] (`--strategy atomic`): no lock at all: the processor
//!   reads, adds and writes in one indivisible instruction.
//!
//! The tellers that call these run in `mod.rs`; `tests/loom_race.rs` runs
//! the same ones under loom, which proves that `Unlocked` can lose an
//! update and that the other two never do.

use std::sync::atomic::Ordering::Relaxed;
use std::sync::PoisonError;

use super::sync::{AtomicI64, Mutex};

/// A shared balance that threads deposit to and withdraw from, one unit
/// at a time.
pub trait Account: Send + Sync + 'static {
    /// An account with a balance of 0 (`BALANCE = 0`).
    fn open() -> Self;
    /// `BALANCE += 1`.
    fn deposit(&self);
    /// `BALANCE -= 1`.
    fn withdraw(&self);
    /// The balance once every thread is done.
    fn balance(&self) -> i64;
}

/// `--strategy none`: the article's race, with no lock.
///
/// The number is an [`AtomicI64`] only because safe Rust refuses to share
/// a plain `i64` between threads that write it: that would be a data race,
/// which is undefined behaviour, and the compiler could then make the
/// program do anything at all. Each `load` and `store` is atomic by
/// itself, but nothing holds them together, which is exactly Python's
/// `BALANCE += 1` between two threads: a lost-update race, with no
/// undefined behaviour.
#[derive(Debug)]
pub struct Unlocked {
    balance: AtomicI64,
}

impl Unlocked {
    /// Read, change, write back: the read-modify-write that is not one
    /// step.
    fn add(&self, amount: i64) {
        // `Relaxed`: each access is atomic, and nothing more is asked of
        // the order of the two. Stronger orderings would not help here:
        // the gap between the load and the store is the bug.
        //
        // `black_box` keeps the read a value of its own, as Python's
        // `BALANCE` is on the interpreter's stack between its load and its
        // store. Without it the compiler fuses the load, the addition and
        // the store into one `inc` instruction. Another core can still
        // come between the read and the write of that instruction, but a
        // thread switch cannot: the processor is interrupted only between
        // instructions. Two tellers sharing one core, as on a busy
        // machine, then never lose an update, and the race hides.
        let read = std::hint::black_box(self.balance.load(Relaxed));
        // Here another thread may load the same value, or store its own
        // update; or this one may be switched out, for milliseconds, while
        // the other makes thousands of updates. Our store below then
        // overwrites them, and they are lost.
        self.balance.store(read + amount, Relaxed);
    }
}

impl Account for Unlocked {
    fn open() -> Unlocked {
        Unlocked {
            balance: AtomicI64::new(0),
        }
    }

    fn deposit(&self) {
        self.add(1);
    }

    fn withdraw(&self) {
        self.add(-1);
    }

    fn balance(&self) -> i64 {
        self.balance.load(Relaxed)
    }
}

/// `--strategy mutex`: the article's `threading.Lock`.
///
/// In Rust the lock holds the number it protects: there is no way to
/// reach the balance without holding the lock, so no way to forget it.
#[derive(Debug)]
pub struct Locked {
    balance: Mutex<i64>,
}

impl Locked {
    /// `with lock: BALANCE += amount`.
    fn add(&self, amount: i64) {
        // The guard is the lock held: from here to the end of the
        // statement no other thread can read or write the balance, so the
        // read, the addition and the write are one step for everyone else.
        // A poisoned lock means a thread panicked while holding it; the
        // balance is a plain number, always valid, so keep counting.
        *self.balance.lock().unwrap_or_else(PoisonError::into_inner) += amount;
        // The guard is dropped at the `;`: the article's `lock.release()`.
    }
}

impl Account for Locked {
    fn open() -> Locked {
        Locked {
            balance: Mutex::new(0),
        }
    }

    fn deposit(&self) {
        self.add(1);
    }

    fn withdraw(&self) {
        self.add(-1);
    }

    fn balance(&self) -> i64 {
        *self.balance.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// `--strategy atomic`: one indivisible read-add-write.
#[derive(Debug)]
pub struct Atomic {
    balance: AtomicI64,
}

impl Account for Atomic {
    fn open() -> Atomic {
        Atomic {
            balance: AtomicI64::new(0),
        }
    }

    fn deposit(&self) {
        // One instruction (`lock xadd` on x86): no other thread can come
        // between its read and its write. `Relaxed` is enough because
        // only the sum matters, not the order of the updates relative to
        // other memory; the thread joins make the total visible at the end.
        self.balance.fetch_add(1, Relaxed);
    }

    fn withdraw(&self) {
        self.balance.fetch_sub(1, Relaxed);
    }

    fn balance(&self) -> i64 {
        self.balance.load(Relaxed)
    }
}
