//! What a race accepts, and why one fails: the limits on threads,
//! iterations and runs, their checks (shared with the command line's
//! parsing, so both say the same), and [`RaceError`].

use thiserror::Error;

use super::Strategy;

/// Deposits (or withdrawals) per thread unless asked otherwise: ten
/// times the article's million. A million take about half a millisecond
/// in Rust, shorter than one turn of a thread on a core: on a busy
/// machine one teller would often finish before the other started, and
/// the race would hide. Ten million last tens of milliseconds, many
/// turns, and the race shows in nearly every run (`benches/race.sh`).
pub const DEFAULT_ITERATIONS: u64 = 10_000_000;

/// Runs of each strategy unless asked otherwise.
pub const DEFAULT_RUNS: u32 = 5;

/// The most threads a race may use: far more than cores, enough to show
/// how contention grows, and under most systems' thread limits (which
/// `run` checks as well).
pub const MAX_THREADS: usize = 1024;

/// The most deposits (or withdrawals) one thread may make: a billion
/// mutex updates per thread already take tens of seconds, and the balance stays far from
/// `i64`'s limits.
pub const MAX_ITERATIONS: u64 = 1_000_000_000;

/// The most runs of one strategy [`measure`](super::measure) makes.
pub const MAX_RUNS: u32 = 1000;

/// Why a race could not be run.
#[derive(Debug, Error)]
pub enum RaceError {
    /// Not an even number of threads from 2 to [`MAX_THREADS`].
    #[error("{0} is not an even number of threads from 2 to {MAX_THREADS}: half of them deposit and half withdraw")]
    Threads(usize),
    /// Iterations not from 1 to [`MAX_ITERATIONS`].
    #[error("{0} is not a number of iterations from 1 to {MAX_ITERATIONS}")]
    Iterations(u64),
    /// Runs not from 1 to [`MAX_RUNS`].
    #[error("{0} is not a number of runs from 1 to {MAX_RUNS}")]
    Runs(u32),
    /// More threads than this system allows.
    #[error("{threads} threads are more than this system allows: {because}")]
    OverBudget {
        /// Threads asked for.
        threads: usize,
        /// The system setting at fault.
        because: String,
    },
    /// The system refused a thread.
    #[error("cannot start thread {index} of {threads}: {source}")]
    Spawn {
        /// Which thread, from 1.
        index: usize,
        /// Threads asked for.
        threads: usize,
        /// What the system said.
        source: std::io::Error,
    },
    /// A thread panicked: a bug.
    #[error("a {strategy} thread panicked")]
    Panicked {
        /// The strategy it ran.
        strategy: Strategy,
    },
    /// Stopped by Ctrl-C between two runs.
    #[error("{strategy} interrupted after {done} of {runs} runs")]
    Interrupted {
        /// The strategy being measured.
        strategy: Strategy,
        /// Runs finished.
        done: u32,
        /// Runs asked for.
        runs: u32,
    },
}

/// Checks a number of threads: even, from 2 to [`MAX_THREADS`].
pub fn check_threads(threads: usize) -> Result<usize, RaceError> {
    match threads {
        2..=MAX_THREADS if threads.is_multiple_of(2) => Ok(threads),
        _ => Err(RaceError::Threads(threads)),
    }
}

/// Checks iterations per thread: from 1 to [`MAX_ITERATIONS`].
pub fn check_iterations(iterations: u64) -> Result<u64, RaceError> {
    match iterations {
        1..=MAX_ITERATIONS => Ok(iterations),
        _ => Err(RaceError::Iterations(iterations)),
    }
}

/// Checks a number of runs: from 1 to [`MAX_RUNS`].
pub fn check_runs(runs: u32) -> Result<u32, RaceError> {
    match runs {
        1..=MAX_RUNS => Ok(runs),
        _ => Err(RaceError::Runs(runs)),
    }
}
