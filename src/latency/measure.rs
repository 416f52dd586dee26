//! Measuring the article's rows on this machine.
//!
//! Each row that a single machine can measure gets a small experiment that
//! does the operation many times and keeps the median time of one:
//!
//! - [`memory`]: cache and main-memory references by pointer chasing, and
//!   reading 1 MB in order from RAM;
//! - [`cpu`]: branch mispredictions, an uncontended mutex, Snappy;
//! - [`net`]: 2 KB sent over loopback TCP, and a loopback round trip;
//! - [`io`]: random 4 KB and sequential 1 MB reads from a file, around the
//!   page cache where the system allows.
//!
//! A disk seek, a spinning disk's read and a transatlantic packet need
//! hardware this program cannot assume; those rows say so. [`measure_all`]
//! runs every experiment in the table's order within a time [`Budget`],
//! stops between samples when the [`Shutdown`] fires, and removes its
//! temporary files however it ends.

pub mod cpu;
pub mod io;
pub mod memory;
pub mod net;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use thiserror::Error;

use self::io::{FileAccess, TestFile};
use self::memory::{CacheSizes, Chain};
use super::reference::Operation;
use super::units::Span;
use crate::clock::Shutdown;

/// How long each experiment may keep sampling, and when to stop early.
#[derive(Clone)]
pub struct Budget {
    /// Sampling time per row; set-up (buffers, files) comes on top.
    pub time: Duration,
    /// Stops sampling when it fires.
    pub shutdown: Shutdown,
}

/// At least this many samples, however long they take, so a median means
/// something.
const MIN_SAMPLES: usize = 5;

/// At most this many, so fast experiments do not hoard memory.
const MAX_SAMPLES: usize = 200_000;

impl Budget {
    /// The sampling time that keeps the whole `--measure` under ten
    /// seconds on two cores, set-up included (6.3 s on the README's
    /// machine).
    pub const DEFAULT_TIME: Duration = Duration::from_millis(550);

    /// A budget of `time` per row, that nothing interrupts.
    pub fn new(time: Duration) -> Budget {
        Budget {
            time,
            shutdown: Shutdown::new(),
        }
    }

    /// Calls `one` until the time is spent (and at least five times,
    /// unless stopped); each call returns the nanoseconds of one operation,
    /// averaged over a batch. Returns their median.
    pub fn sample(&self, mut one: impl FnMut() -> std::io::Result<f64>) -> std::io::Result<Stats> {
        let started = Instant::now();
        let mut samples = Vec::new();
        loop {
            samples.push(one()?);
            let enough = samples.len() >= MIN_SAMPLES && started.elapsed() >= self.time;
            if enough || samples.len() >= MAX_SAMPLES || self.shutdown.is_triggered() {
                break;
            }
        }
        Ok(Stats::of(samples))
    }
}

/// The median of some samples.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stats {
    /// The median time of one operation.
    pub median: Span,
    /// How many samples it is the median of.
    pub samples: usize,
}

impl Stats {
    fn of(mut nanos: Vec<f64>) -> Stats {
        nanos.sort_by(f64::total_cmp);
        let n = nanos.len();
        let median = match n {
            0 => f64::NAN,
            _ if n % 2 == 1 => nanos[n / 2],
            _ => (nanos[n / 2 - 1] + nanos[n / 2]) / 2.0,
        };
        Stats {
            median: Span::from_nanos(median),
            samples: n,
        }
    }
}

/// How a row was measured, for the notes under the table.
#[derive(Debug, Clone, PartialEq)]
pub enum Method {
    /// Pointer chasing over a random cycle of cache lines in a buffer of
    /// `bytes`, sized against a cache of `cache_bytes`.
    PointerChase {
        /// The buffer's size.
        bytes: u64,
        /// The cache level it was sized against: 1, 2, or the last.
        level: u8,
        /// That cache's size.
        cache_bytes: u64,
        /// Whether the buffer fits that cache (half its size) or, to reach
        /// RAM, is far larger.
        fits: bool,
        /// Whether cache sizes came from /sys or are assumed.
        from_sys: bool,
    },
    /// Counting bytes over a threshold, random against sorted, divided
    /// by the expected mispredictions (half the branches).
    Branches {
        /// Bytes per pass.
        bytes: usize,
        /// Random bytes the passes take turns over.
        pool: usize,
    },
    /// `std::sync::Mutex` locked and unlocked by one thread.
    Mutex,
    /// The `snap` crate compressing `input` bytes of text to `output`.
    Snappy {
        /// Bytes in.
        input: usize,
        /// Bytes out.
        output: usize,
    },
    /// Messages of `bytes` streamed over TCP on 127.0.0.1.
    LoopbackStream {
        /// Bytes per message.
        bytes: usize,
    },
    /// Summing `bytes` in order, from a buffer of `buffer` bytes too large
    /// for the caches.
    MemoryRead {
        /// Bytes per read.
        bytes: usize,
        /// The buffer read from, a window at a time.
        buffer: u64,
    },
    /// A one-byte TCP ping-pong on 127.0.0.1, standing in for a round trip
    /// in a datacenter: a lower bound, without NIC, cable or switch.
    LoopbackRoundTrip,
    /// Reads of `bytes` at random aligned offsets of a temporary file.
    FileRead {
        /// Bytes per read.
        bytes: usize,
        /// The file's size.
        file: u64,
        /// Whether the page cache was bypassed.
        access: FileAccess,
    },
}

/// Why a row has no figure.
#[derive(Debug, Clone, PartialEq)]
pub enum Skip {
    /// It needs a spinning disk.
    NeedsSpinningDisk,
    /// It needs a link across an ocean.
    NeedsLongLink,
    /// The experiment failed; the reason.
    Failed(String),
}

/// What measuring one row gave.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A median and how it was taken.
    Measured {
        /// The median.
        stats: Stats,
        /// How.
        method: Method,
    },
    /// No figure, and why.
    Skipped(Skip),
}

/// Options of [`measure_all`].
#[derive(Clone)]
pub struct Options {
    /// Sampling time per row.
    pub budget: Duration,
    /// Where the temporary file goes [default: the system's temp dir].
    pub dir: Option<PathBuf>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            budget: Budget::DEFAULT_TIME,
            dir: None,
        }
    }
}

/// Ctrl-C stopped the measurements; temporary files are gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error(
    "latency measurements interrupted after {measured} of {total} rows; temporary files removed"
)]
pub struct Interrupted {
    /// Rows finished.
    pub measured: usize,
    /// Rows in the table.
    pub total: usize,
}

/// Measures every row it can, in the table's order, calling `progress`
/// before each. The temporary directory is removed when this returns,
/// interrupted or not.
pub fn measure_all(
    options: &Options,
    shutdown: &Shutdown,
    progress: &mut dyn FnMut(Operation),
) -> Result<Vec<(Operation, Outcome)>, Interrupted> {
    let mut lab = Lab {
        budget: Budget {
            time: options.budget,
            shutdown: shutdown.clone(),
        },
        caches: CacheSizes::detect(),
        // Made first, so that Ctrl-C at any point has something to clean:
        // TempDir removes it on drop.
        dir: tempfile::Builder::new()
            .prefix("mesonero-latency-")
            .tempdir_in(options.dir.clone().unwrap_or_else(std::env::temp_dir))
            .map_err(|e| format!("cannot create a temporary directory: {e}")),
        chain: None,
        file: None,
    };
    let mut rows = Vec::new();
    let stopped = |rows: &Vec<_>| Interrupted {
        measured: rows.len(),
        total: Operation::ALL.len(),
    };
    for operation in Operation::ALL {
        if shutdown.is_triggered() {
            return Err(stopped(&rows));
        }
        progress(operation);
        let outcome = lab.measure(operation);
        // A stop during this row cut its sampling short: drop it.
        if shutdown.is_triggered() {
            return Err(stopped(&rows));
        }
        rows.push((operation, outcome));
    }
    Ok(rows)
}

/// What the experiments share: the budget, the machine's caches, and the
/// large buffer and the file, made when first needed.
struct Lab {
    budget: Budget,
    caches: CacheSizes,
    dir: Result<tempfile::TempDir, String>,
    chain: Option<Chain>,
    file: Option<Result<TestFile, String>>,
}

/// The temporary file's size: large enough that random reads land far
/// apart, small enough to write in a fraction of a second.
const FILE_BYTES: u64 = 32 << 20;

impl Lab {
    fn measure(&mut self, operation: Operation) -> Outcome {
        use Operation::*;
        let budget = &self.budget;
        let result = match operation {
            L1CacheReference | L2CacheReference | MainMemoryReference => {
                let level = match operation {
                    L1CacheReference => 1,
                    L2CacheReference => 2,
                    _ => 3,
                };
                let bytes = self.caches.buffer_for(level);
                let method = Method::PointerChase {
                    bytes,
                    level: level.min(self.caches.last_level),
                    cache_bytes: self.caches.size(level),
                    fits: level < 3,
                    from_sys: self.caches.from_sys,
                };
                // The large buffer is kept for the sequential read from
                // memory; the small ones are quick to make again.
                let small;
                let chain = if level == 3 {
                    self.chain.get_or_insert_with(|| Chain::new(bytes))
                } else {
                    small = Chain::new(bytes);
                    &small
                };
                Ok((memory::pointer_chase(chain, budget), method))
            }
            ReadMemory1M => {
                let chain = self
                    .chain
                    .take()
                    .unwrap_or_else(|| Chain::new(self.caches.buffer_for(3)));
                let stats = memory::read_sequential(&chain, memory::MEGABYTE, budget);
                let method = Method::MemoryRead {
                    bytes: memory::MEGABYTE,
                    buffer: chain.bytes(),
                };
                Ok((stats, method))
            }
            BranchMispredict => Ok(cpu::branch_mispredict(budget)),
            MutexLockUnlock => Ok((cpu::mutex_lock_unlock(budget), Method::Mutex)),
            Compress1K => cpu::compress_1k(budget).map_err(|e| e.to_string()),
            Send2K => net::send_2k(budget)
                .map(|stats| {
                    (
                        stats,
                        Method::LoopbackStream {
                            bytes: net::MESSAGE,
                        },
                    )
                })
                .map_err(|e| format!("loopback TCP failed: {e}")),
            DatacenterRoundTrip => net::round_trip(budget)
                .map(|stats| (stats, Method::LoopbackRoundTrip))
                .map_err(|e| format!("loopback TCP failed: {e}")),
            SsdRandomRead | ReadSsd1M => {
                let bytes = match operation {
                    SsdRandomRead => 4096,
                    _ => memory::MEGABYTE,
                };
                self.read_file(bytes)
            }
            DiskSeek | ReadDisk1M => return Outcome::Skipped(Skip::NeedsSpinningDisk),
            PacketCaNlCa => return Outcome::Skipped(Skip::NeedsLongLink),
        };
        match result {
            Ok((stats, method)) => Outcome::Measured { stats, method },
            Err(reason) => Outcome::Skipped(Skip::Failed(reason)),
        }
    }

    fn read_file(&mut self, bytes: usize) -> Result<(Stats, Method), String> {
        let dir = self.dir.as_ref().map_err(Clone::clone)?;
        let file = self.file.get_or_insert_with(|| {
            TestFile::create(&dir.path().join("reads.bin"), FILE_BYTES)
                .map_err(|e| format!("cannot write a temporary file: {e}"))
        });
        let file = file.as_mut().map_err(|e| e.clone())?;
        let stats = file
            .read(bytes, &self.budget)
            .map_err(|e| format!("cannot read the temporary file: {e}"))?;
        let method = Method::FileRead {
            bytes,
            file: FILE_BYTES,
            access: file.access(),
        };
        Ok((stats, method))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_is_the_middle_sample() {
        assert_eq!(Stats::of(vec![3.0, 1.0, 2.0]).median, Span::from_nanos(2.0));
        assert_eq!(
            Stats::of(vec![4.0, 1.0, 2.0, 3.0]).median,
            Span::from_nanos(2.5)
        );
        assert_eq!(Stats::of(vec![7.0]).samples, 1);
    }

    #[test]
    fn sampling_takes_at_least_the_minimum_and_stops_when_asked() {
        let budget = Budget::new(Duration::ZERO);
        let stats = budget.sample(|| Ok(1.0)).unwrap();
        assert_eq!(stats.samples, MIN_SAMPLES);
        let budget = Budget::new(Duration::from_secs(60));
        budget.shutdown.trigger();
        assert_eq!(budget.sample(|| Ok(1.0)).unwrap().samples, 1);
    }
}
