//! Real computing, for the real clock: compressing a kilobyte with Snappy,
//! over and over, as long as a product's CPU time asks.
//!
//! The article's latency table has the row "Compress 1K bytes with
//! Zippy" (Snappy's first name): a few microseconds of pure CPU, no waiting
//! at all. A product's CPU time is turned into a number of such
//! compressions, measured once per process ([`calibrate`]), so that the
//! work is fixed: on a busy core it takes longer, as real work does, where
//! spinning on the clock would end on time however little it did.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::clock::{Interrupted, Shutdown};

/// The size of one piece of work, as in the article's latency table.
const BLOCK: usize = 1024;

/// Compressions timed in one sample of the calibration.
const SAMPLE: u32 = 256;

/// Samples taken; the fastest counts, since a slow one was interrupted by
/// something else, not slower work.
const SAMPLES: usize = 7;

/// Compressions between two looks at the stop signal: a fraction of a
/// millisecond of work.
const BETWEEN_CHECKS: u64 = 64;

/// A kilobyte of text, compressible as text is: a log line of the
/// restaurant, with numbers that change.
fn block() -> Vec<u8> {
    let mut text = Vec::with_capacity(BLOCK + 64);
    let mut n: u32 = 1;
    while text.len() < BLOCK {
        // A small linear congruential sequence: varied, and the same in
        // every run.
        n = n.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let line = format!(
            "<Waiter: {}> [Order: {}] Request burger. Wait {}.{} seg...\n",
            n % 7,
            n % 1000,
            n % 10,
            n % 9
        );
        text.extend_from_slice(line.as_bytes());
    }
    text.truncate(BLOCK);
    text
}

/// One piece of work: compresses the block, and hides the result from the
/// optimiser so that the work is done.
fn compress(encoder: &mut snap::raw::Encoder, input: &[u8], output: &mut [u8]) {
    let written = encoder.compress(input, output).unwrap_or(0);
    std::hint::black_box(written);
}

/// How long one compression of a kilobyte takes on this machine, measured
/// the first time it is asked for, then remembered for the process.
pub fn calibrate() -> Duration {
    static PER_BLOCK: OnceLock<Duration> = OnceLock::new();
    *PER_BLOCK.get_or_init(|| {
        let input = block();
        let mut output = vec![0; snap::raw::max_compress_len(BLOCK)];
        let mut encoder = snap::raw::Encoder::new();
        let fastest = (0..SAMPLES)
            .map(|_| {
                let start = Instant::now();
                for _ in 0..SAMPLE {
                    compress(&mut encoder, &input, &mut output);
                }
                start.elapsed()
            })
            .min()
            .unwrap_or_default();
        // Never zero, whatever the timer's resolution.
        (fastest / SAMPLE).max(Duration::from_nanos(1))
    })
}

/// How many compressions make `length` of computing on this machine.
pub fn blocks_for(length: Duration) -> u64 {
    let per_block = calibrate().as_nanos().max(1);
    u64::try_from(length.as_nanos() / per_block).unwrap_or(u64::MAX)
}

/// Computes for about `length` of CPU time on the calling thread, or until
/// a stop is asked for.
pub fn compute(length: Duration, shutdown: &Shutdown) -> Result<(), Interrupted> {
    let blocks = blocks_for(length);
    let input = block();
    let mut output = vec![0; snap::raw::max_compress_len(BLOCK)];
    let mut encoder = snap::raw::Encoder::new();
    for done in 0..blocks {
        if done % BETWEEN_CHECKS == 0 && shutdown.is_triggered() {
            return Err(Interrupted);
        }
        compress(&mut encoder, &input, &mut output);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_block_is_a_compressible_kilobyte() {
        let block = block();
        assert_eq!(block.len(), BLOCK);
        let compressed = snap::raw::Encoder::new().compress_vec(&block).unwrap();
        assert!(compressed.len() < BLOCK, "{}", compressed.len());
    }

    #[test]
    fn more_time_is_more_work() {
        assert!(calibrate() > Duration::ZERO);
        assert_eq!(blocks_for(Duration::ZERO), 0);
        assert!(blocks_for(Duration::from_millis(20)) > blocks_for(Duration::from_millis(10)));
        assert_eq!(blocks_for(Duration::MAX), blocks_for(Duration::MAX));
    }

    #[test]
    fn a_stop_ends_computing_early() {
        let shutdown = Shutdown::new();
        shutdown.trigger();
        assert_eq!(
            compute(Duration::from_secs(3600), &shutdown),
            Err(Interrupted)
        );
    }
}
