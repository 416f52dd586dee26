//! The waiters' CPU: work that needs a core, not a wait.
//!
//! Every product of the article is pure waiting: the kitchen prepares it
//! and the waiter only waits. A product may also need computing once it
//! is handed over (a photo to compress, an answer to parse), and computing
//! is the other half of the article's "Algunos conceptos básicos": it runs
//! only on a core, one thread per core at a time, and under Python's GIL
//! one thread per process at a time, however many cores there are.
//!
//! A [`Processor`] is what a shift computes on:
//!
//! - on the virtual clock, cores are simulated as a [`Crew`], as the
//!   kitchen's cooks are: a thread that needs the CPU gets the core free
//!   first, in the order they asked, and virtual time moves on by its CPU
//!   time while it holds the core. The GIL makes it a crew of one.
//! - on the real clock, computing is real work ([`work`]: compressing
//!   kilobytes, as the article's latency table does), compressed by the
//!   clock's speed like waiting; the GIL is a real lock, and `--cores` pins
//!   the run to that many of the machine's cores ([`affinity`]).
//!
//! [`usage`] measures the CPU time a run used, for `compare`.

pub mod affinity;
pub mod usage;
pub mod work;

use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use crate::clock::event_loop::LoopClock;
use crate::clock::{to_wall, ClockKind, Interrupted, Now, Shutdown, ThreadClock};
use crate::crew::Crew;
use crate::kitchen::Wait;

/// The most cores `--cores` may give: far more than any machine has, and
/// the virtual clock hires a core only when a thread needs it.
pub const MAX_CORES: usize = 65_536;

/// The cores this machine lets the process use: the default of `--cores`.
pub fn machine_cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// A clock on which a thread can hold its core: what computing does to
/// time on the virtual clock.
pub trait Hold: Now {
    /// Keeps the calling thread busy until restaurant time `at`: other
    /// threads run meanwhile, but not on this thread. Only called on the
    /// virtual clock, where time does not pass by itself.
    fn hold_until(&self, at: Duration) -> Result<(), Interrupted>;
}

impl Hold for ThreadClock {
    fn hold_until(&self, at: Duration) -> Result<(), Interrupted> {
        self.sleep_until(at)
    }
}

/// On an event loop the computing thread is the loop's: holding it is a
/// blocking call, and no other task runs meanwhile.
impl Hold for LoopClock {
    fn hold_until(&self, at: Duration) -> Result<(), Interrupted> {
        let length = at.saturating_sub(self.now());
        self.thread_sleep(Wait { until: at, length })
    }
}

/// What a shift computes on: simulated cores, or the machine's.
pub enum Processor {
    /// The virtual clock's cores: a crew, one computing thread each.
    Simulated(Crew),
    /// The machine's cores, doing real work.
    Real {
        /// How many restaurant seconds pass in one wall second.
        speed: f64,
        /// Python's global interpreter lock, if the run has one.
        gil: Option<Mutex<()>>,
        /// Stops long computing early.
        shutdown: Shutdown,
    },
}

impl Processor {
    /// The processor for a run on `clock` with `cores` cores (or the
    /// machine's, on the real clock, where they are pinned beforehand) and
    /// a GIL or not. On the real clock, computing is calibrated now, before
    /// the restaurant opens, if `calibrate` says the workload will compute.
    pub fn new(
        clock: ClockKind,
        cores: usize,
        gil: bool,
        calibrate: bool,
        shutdown: &Shutdown,
    ) -> Processor {
        match clock {
            // Under a GIL only one thread of the process computes at once,
            // whatever the cores.
            ClockKind::Virtual => {
                Processor::Simulated(Crew::new(Some(if gil { 1 } else { cores })))
            }
            ClockKind::Real { speed } => {
                if calibrate {
                    work::calibrate();
                }
                Processor::Real {
                    speed,
                    gil: gil.then(|| Mutex::new(())),
                    shutdown: shutdown.clone(),
                }
            }
        }
    }

    /// Computes for `cpu` of restaurant time on the calling thread, whose
    /// clock is `clock`. `started` is called when the thread has a core
    /// (and the GIL) and begins, so that the trace can tell computing from
    /// waiting for a core.
    pub fn compute<C: Hold>(
        &self,
        clock: &C,
        cpu: Duration,
        started: impl FnOnce(),
    ) -> Result<(), Interrupted> {
        match self {
            Processor::Simulated(cores) => {
                let now = clock.now();
                let done = cores.take(now, cpu);
                let start = done - cpu;
                if start > now {
                    // Every core is busy: wait for the one free first.
                    clock.hold_until(start)?;
                }
                started();
                clock.hold_until(done)
            }
            Processor::Real {
                speed,
                gil,
                shutdown,
            } => {
                // CPython's threads take the GIL to run Python code and
                // let it go only to wait: computing holds it throughout.
                let _gil = gil
                    .as_ref()
                    .map(|gil| gil.lock().unwrap_or_else(|e| e.into_inner()));
                started();
                work::compute(to_wall(cpu, *speed), shutdown)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(secs: u64) -> Duration {
        Duration::from_secs(secs)
    }

    /// Four photos of a second each on two simulated cores: two at a time.
    #[test]
    fn simulated_cores_compute_in_turn() {
        let clock = ThreadClock::virtual_time(Shutdown::new());
        let cpu = Processor::new(ClockKind::Virtual, 2, false, false, &Shutdown::new());
        let starts = std::sync::Mutex::new(Vec::new());
        std::thread::scope(|scope| {
            let workers: Vec<_> = (0..4)
                .map(|i| {
                    let (clock, cpu, starts) = (&clock, &cpu, &starts);
                    clock
                        .spawn(scope, format!("w{i}"), move || {
                            cpu.compute(clock, s(1), || {
                                starts.lock().unwrap().push(clock.now());
                            })
                        })
                        .unwrap()
                })
                .collect();
            for w in workers {
                w.join().unwrap();
            }
        });
        assert_eq!(starts.into_inner().unwrap(), [s(0), s(0), s(1), s(1)]);
        assert_eq!(clock.now(), s(2));
    }

    #[test]
    fn the_gil_lets_one_thread_compute_at_a_time() {
        let clock = ThreadClock::virtual_time(Shutdown::new());
        let cpu = Processor::new(ClockKind::Virtual, 8, true, false, &Shutdown::new());
        std::thread::scope(|scope| {
            let workers: Vec<_> = (0..3)
                .map(|i| {
                    let (clock, cpu) = (&clock, &cpu);
                    clock
                        .spawn(scope, format!("w{i}"), move || {
                            cpu.compute(clock, s(1), || {})
                        })
                        .unwrap()
                })
                .collect();
            for w in workers {
                w.join().unwrap();
            }
        });
        assert_eq!(clock.now(), s(3));
    }
}
