//! The race on `BALANCE`, proved rather than observed: loom runs
//! `mesonero::race::run` under every interleaving of its threads that the
//! memory model allows, with the very accounts and tellers of
//! `mesonero race` (their primitives come from loom in this build; see
//! `src/race/sync.rs`).
//!
//! A normal test can only hope to see the race: on a given machine and
//! day, `none` may end at 0 a hundred times in a row. loom settles it:
//! some interleaving of `none` ends away from 0, and no interleaving of
//! `mutex` or `atomic` does.
//!
//! Run with (a target directory of its own, since every crate is rebuilt
//! with the cfg):
//!
//! ```sh
//! RUSTFLAGS="--cfg mesonero_loom" CARGO_TARGET_DIR=target/loom \
//!     cargo test --release --test loom_race
//! ```

#![cfg(mesonero_loom)]

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use mesonero::race::{self, Strategy};

/// Every final balance that `strategy` can end at, with `threads` threads
/// of `iterations` updates each, over all interleavings.
///
/// The set lives outside the model, in a std mutex that loom does not
/// see: each execution adds the balance it ended at, and once
/// `loom::model` returns, the set holds the outcome of every one.
fn outcomes(strategy: Strategy, threads: usize, iterations: u64) -> BTreeSet<i64> {
    let seen = Arc::new(Mutex::new(BTreeSet::new()));
    let record = Arc::clone(&seen);
    loom::model(move || {
        let run = race::run(strategy, threads, iterations).expect("the race runs");
        record.lock().unwrap().insert(run.balance);
    });
    let seen = seen.lock().unwrap().clone();
    seen
}

/// Checks, inside every interleaving, that `strategy` ends at 0; loom
/// prints the interleaving that does not, if one does.
fn always_zero(strategy: Strategy, threads: usize, iterations: u64) {
    loom::model(move || {
        let run = race::run(strategy, threads, iterations).expect("the race runs");
        assert_eq!(run.balance, 0, "{strategy} lost an update");
    });
}

#[test]
fn without_a_lock_an_update_can_be_lost() {
    // One deposit and one withdrawal. If both threads read 0 before either
    // writes, the last write wins and the balance ends at +1 or -1.
    let seen = outcomes(Strategy::None, 2, 1);
    assert_eq!(seen, BTreeSet::from([-1, 0, 1]), "the outcomes of none");
}

#[test]
fn without_a_lock_zero_is_luck() {
    // Two of each: every balance from -2 to 2 is possible, 0 among them,
    // so a run that ends at 0 proves nothing.
    let seen = outcomes(Strategy::None, 2, 2);
    assert_eq!(
        seen,
        BTreeSet::from([-2, -1, 0, 1, 2]),
        "the outcomes of none"
    );
}

#[test]
fn with_a_mutex_the_balance_always_ends_at_zero() {
    always_zero(Strategy::Mutex, 2, 2);
    always_zero(Strategy::Mutex, 2, 3);
    assert_eq!(outcomes(Strategy::Mutex, 2, 2), BTreeSet::from([0]));
}

#[test]
fn with_an_atomic_the_balance_always_ends_at_zero() {
    always_zero(Strategy::Atomic, 2, 2);
    always_zero(Strategy::Atomic, 2, 3);
    assert_eq!(outcomes(Strategy::Atomic, 2, 2), BTreeSet::from([0]));
}
