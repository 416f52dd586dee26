//! `mesonero race`: the article's race on `BALANCE`, with and without a
//! lock, measured.
//!
//! The article starts two threads, one making a million deposits of 1 and
//! one a million withdrawals, and expects the balance to end at 0. Without
//! a lock it almost never does; with `threading.Lock` it always does. Here
//! the same race runs with any even number of threads, half depositing and
//! half withdrawing, with three [`Strategy`]s for the shared balance (see
//! [`account`]): none, a mutex, an atomic. Each thread makes ten million
//! updates unless asked otherwise: [`DEFAULT_ITERATIONS`] says why.
//!
//! [`run`] is one race; [`measure`] runs one several times and sums it up
//! in a [`Summary`]; `report::race` prints summaries. The threads take
//! their primitives from `sync.rs`, so that `tests/loom_race.rs` can run
//! this same [`run`] under loom and check every interleaving.
//!
//! What "lost" can honestly mean: a lost update leaves no trace. A teller
//! cannot tell whether the value it stores overwrote someone else's update,
//! and a lost deposit and a lost withdrawal cancel out in the final
//! balance. So the only sound figure is a lower bound: at least
//! |final balance| updates were lost ([`RaceRun::lost_at_least`]).

pub mod account;
mod error;
mod summary;
mod sync;

use std::fmt;
use std::time::{Duration, Instant};

use clap::ValueEnum;

use crate::clock::{thread_budget, Shutdown};
use account::{Account, Atomic, Locked, Unlocked};
use sync::{thread, Arc, Barrier};

pub use error::{
    check_iterations, check_runs, check_threads, RaceError, DEFAULT_ITERATIONS, DEFAULT_RUNS,
    MAX_ITERATIONS, MAX_RUNS, MAX_THREADS,
};
pub use summary::{median, Summary};

/// How the threads share the balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ValueEnum)]
pub enum Strategy {
    /// No synchronisation: read the balance, then write it back changed.
    /// The article's first program: updates get lost.
    None,
    /// A `Mutex` around the balance: the article's `threading.Lock`.
    Mutex,
    /// One atomic `fetch_add` / `fetch_sub` per update.
    Atomic,
}

impl Strategy {
    /// Every strategy, from the race to its fixes.
    pub const ALL: [Strategy; 3] = [Strategy::None, Strategy::Mutex, Strategy::Atomic];

    /// The name on the command line and in the output.
    pub fn name(self) -> &'static str {
        match self {
            Strategy::None => "none",
            Strategy::Mutex => "mutex",
            Strategy::Atomic => "atomic",
        }
    }
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One race: every thread done, and the balance they left.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RaceRun {
    /// How the balance was shared.
    pub strategy: Strategy,
    /// Threads that took part, half depositing, half withdrawing.
    pub threads: usize,
    /// Deposits (or withdrawals) each thread made.
    pub iterations: u64,
    /// The final balance; 0 if no update was lost, or if the lost ones
    /// happened to cancel out.
    pub balance: i64,
    /// From the first thread off the start line to the last one done.
    pub elapsed: Duration,
    /// Updates made by all threads together: `threads × iterations`.
    pub updates: u64,
}

impl RaceRun {
    /// Updates that were certainly lost: |balance|. A lower bound, since a
    /// lost deposit and a lost withdrawal leave the balance unchanged.
    pub fn lost_at_least(&self) -> u64 {
        self.balance.unsigned_abs()
    }

    /// Wall time per update, in nanoseconds: the elapsed time divided by
    /// the updates of all threads, so contention shows as a larger figure.
    pub fn ns_per_update(&self) -> f64 {
        match self.updates {
            0 => 0.0,
            n => self.elapsed.as_nanos() as f64 / n as f64,
        }
    }
}

/// Races `threads` threads on one balance shared with `strategy`: half of
/// them deposit 1, `iterations` times each, and half withdraw 1 as often.
pub fn run(strategy: Strategy, threads: usize, iterations: u64) -> Result<RaceRun, RaceError> {
    check_threads(threads)?;
    check_iterations(iterations)?;
    // The threads plus this one, which waits for them.
    let budget = thread_budget();
    if threads + 1 > budget.threads {
        return Err(RaceError::OverBudget {
            threads,
            because: budget.because.clone(),
        });
    }
    let (balance, elapsed) = match strategy {
        Strategy::None => race::<Unlocked>(strategy, threads, iterations)?,
        Strategy::Mutex => race::<Locked>(strategy, threads, iterations)?,
        Strategy::Atomic => race::<Atomic>(strategy, threads, iterations)?,
    };
    Ok(RaceRun {
        strategy,
        threads,
        iterations,
        balance,
        elapsed,
        // Cannot overflow: at most 1024 × 10⁹.
        updates: threads as u64 * iterations,
    })
}

/// The article's `__main__`: start the threads, wait for them, read the
/// balance. Returns the balance and the time from the first thread off
/// the start line to the last one done.
fn race<A: Account>(
    strategy: Strategy,
    threads: usize,
    iterations: u64,
) -> Result<(i64, Duration), RaceError> {
    // `BALANCE = 0`, shared: every thread holds a reference to the account.
    let account = Arc::new(A::open());
    // The start line. Starting a thread takes tens of microseconds, long
    // enough for the first to make thousands of deposits before the last
    // begins; then nothing overlaps and the race hides. So every thread
    // waits here until all are ready, and they set off together. This
    // thread stays out of it: on a machine with few cores it would take a
    // core from a teller just when they start.
    let start_line = Arc::new(Barrier::new(threads));
    let mut tellers = Vec::with_capacity(threads);
    for index in 0..threads {
        let account = Arc::clone(&account);
        let start_line = Arc::clone(&start_line);
        // Even threads run `depositos`, odd ones `retiros`.
        let deposits = index % 2 == 0;
        let name = if deposits { "depositos" } else { "retiros" };
        let teller = thread::Builder::new()
            .name(format!("{name}-{}", index / 2 + 1))
            .spawn(move || {
                start_line.wait();
                let started = Instant::now();
                for _ in 0..iterations {
                    if deposits {
                        account.deposit();
                    } else {
                        account.withdraw();
                    }
                }
                (started, Instant::now())
            });
        match teller {
            Ok(teller) => tellers.push(teller),
            // The threads already started wait at the start line for ever:
            // a barrier cannot be called off. `run` checked the system's
            // thread budget first, so this is as unlikely as it can be made.
            Err(source) => {
                return Err(RaceError::Spawn {
                    index: index + 1,
                    threads,
                    source,
                })
            }
        }
    }
    let mut first_start: Option<Instant> = None;
    let mut last_end: Option<Instant> = None;
    for teller in tellers {
        // `join` is also what makes every thread's last update visible
        // here: a thread's end happens before its join returns.
        let (started, ended) = teller
            .join()
            .map_err(|_| RaceError::Panicked { strategy })?;
        first_start = Some(first_start.map_or(started, |t| t.min(started)));
        last_end = Some(last_end.map_or(ended, |t| t.max(ended)));
    }
    let elapsed = match (first_start, last_end) {
        (Some(start), Some(end)) => end.saturating_duration_since(start),
        _ => Duration::ZERO,
    };
    Ok((account.balance(), elapsed))
}

/// Runs the race `runs` times and sums it up. Checks `shutdown` between
/// runs: a run itself is not interrupted.
pub fn measure(
    strategy: Strategy,
    threads: usize,
    iterations: u64,
    runs: u32,
    shutdown: &Shutdown,
) -> Result<Summary, RaceError> {
    check_runs(runs)?;
    let mut done = Vec::with_capacity(runs as usize);
    for finished in 0..runs {
        if shutdown.is_triggered() {
            return Err(RaceError::Interrupted {
                strategy,
                done: finished,
                runs,
            });
        }
        done.push(run(strategy, threads, iterations)?);
    }
    // `of` is `None` only for no runs, which `check_runs` refused.
    Summary::of(&done).ok_or(RaceError::Runs(runs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strategies_are_named_as_on_the_command_line() {
        for strategy in Strategy::ALL {
            assert_eq!(Strategy::from_str(strategy.name(), false), Ok(strategy));
            assert_eq!(strategy.to_string(), strategy.name());
        }
        assert!(Strategy::from_str("lock", false).is_err());
    }

    #[test]
    fn threads_must_be_even_and_iterations_positive() {
        for bad in [0, 1, 3, 1025, 1026] {
            assert!(check_threads(bad).is_err(), "{bad}");
        }
        assert_eq!(check_threads(2).ok(), Some(2));
        assert_eq!(check_threads(MAX_THREADS).ok(), Some(MAX_THREADS));
        assert!(check_iterations(0).is_err());
        assert!(check_iterations(MAX_ITERATIONS + 1).is_err());
        assert!(check_runs(0).is_err());
        assert!(matches!(
            run(Strategy::Atomic, 3, 10),
            Err(RaceError::Threads(3))
        ));
    }

    #[test]
    fn the_mutex_and_the_atomic_lose_nothing() {
        for strategy in [Strategy::Mutex, Strategy::Atomic] {
            let race = run(strategy, 4, 5_000).unwrap();
            assert_eq!(race.balance, 0, "{strategy}");
            assert_eq!(race.lost_at_least(), 0);
            assert_eq!(race.updates, 20_000);
        }
    }

    #[test]
    fn without_a_lock_the_balance_stays_within_the_updates() {
        // Whatever is lost, no thread can push the balance past its own
        // count of updates.
        let race = run(Strategy::None, 2, 10_000).unwrap();
        assert!(race.balance.unsigned_abs() <= 10_000, "{}", race.balance);
    }

    #[test]
    fn a_measure_runs_as_often_as_asked() {
        let summary = measure(Strategy::Atomic, 2, 100, 3, &Shutdown::new()).unwrap();
        assert_eq!(summary.balances, [0, 0, 0]);
        let stopped = Shutdown::new();
        stopped.trigger();
        let err = measure(Strategy::Mutex, 2, 100, 3, &stopped).unwrap_err();
        assert!(
            matches!(
                err,
                RaceError::Interrupted {
                    done: 0,
                    runs: 3,
                    ..
                }
            ),
            "{err}"
        );
    }
}
