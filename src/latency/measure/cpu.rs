//! Work that stays in the CPU: a mispredicted branch, an uncontended
//! mutex, compressing 1 KB with Snappy.

use std::hint::black_box;
use std::sync::Mutex;
use std::time::Instant;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{Budget, Method, Stats};

/// Bytes per pass of the branch experiment.
const BRANCH_BYTES: usize = 32 << 10;

/// Random bytes the passes take turns over: far more outcomes than a
/// branch predictor can learn by heart, as it would a short sequence
/// repeated.
const BRANCH_POOL: usize = 4 << 20;

/// Lock and unlock pairs per sample.
const LOCKS: usize = 16_384;

/// Compressions per sample.
const COMPRESSIONS: usize = 64;

/// Bytes compressed, the article's "1K bytes".
const COMPRESS_BYTES: usize = 1024;

/// How many bytes of `data` are 128 or more, with a real branch per byte.
#[inline(never)]
fn count_high(data: &[u8]) -> u64 {
    let mut high = 0u64;
    for &byte in data {
        if byte >= 128 {
            high += 1;
            // An opaque call the compiler may not run speculatively keeps
            // this a branch: without it the `if` becomes branch-free
            // arithmetic and nothing mispredicts.
            black_box(());
        }
    }
    high
}

/// The median cost of one mispredicted branch: the same bytes counted in
/// random order (about half the branches guessed wrong) and sorted (almost
/// none), the difference divided by the expected mispredictions. Each
/// sample takes the next pass of a 4 MiB pool: replaying one 32 KiB
/// pass, a modern predictor learns it and the cost all but vanishes.
pub fn branch_mispredict(budget: &Budget) -> (Stats, Method) {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let random: Vec<u8> = (0..BRANCH_POOL).map(|_| rng.random()).collect();
    let mut sorted = random.clone();
    for pass in sorted.chunks_mut(BRANCH_BYTES) {
        pass.sort_unstable();
    }
    let time = |data: &[u8]| {
        let started = Instant::now();
        black_box(count_high(black_box(data)));
        started.elapsed().as_nanos() as f64
    };
    let mispredictions = BRANCH_BYTES as f64 / 2.0;
    let passes = BRANCH_POOL / BRANCH_BYTES;
    let mut pass = 0;
    let sampled = budget.sample(|| {
        let bytes = pass * BRANCH_BYTES..(pass + 1) * BRANCH_BYTES;
        pass = (pass + 1) % passes;
        // Alternate which goes first, so neither always runs warmer.
        let (r, s) = if pass % 2 == 0 {
            (time(&random[bytes.clone()]), time(&sorted[bytes]))
        } else {
            let s = time(&sorted[bytes.clone()]);
            (time(&random[bytes]), s)
        };
        Ok((r - s) / mispredictions)
    });
    let method = Method::Branches {
        bytes: BRANCH_BYTES,
        pool: BRANCH_POOL,
    };
    // unwrap is safe because the samples above never fail.
    (sampled.unwrap(), method)
}

/// The median time to lock and unlock a mutex no other thread touches.
pub fn mutex_lock_unlock(budget: &Budget) -> Stats {
    let lock = Mutex::new(0u64);
    let sampled = budget.sample(|| {
        let started = Instant::now();
        for _ in 0..LOCKS {
            // An uncontended lock is one atomic compare-and-swap, the
            // unlock one atomic swap: no system call.
            let mut count = black_box(&lock).lock().unwrap_or_else(|e| e.into_inner());
            *count += 1;
        }
        Ok(started.elapsed().as_nanos() as f64 / LOCKS as f64)
    });
    // unwrap is safe because the samples above never fail.
    sampled.unwrap()
}

/// The median time to compress 1 KB of text with Snappy.
pub fn compress_1k(budget: &Budget) -> Result<(Stats, Method), snap::Error> {
    let input = text(COMPRESS_BYTES);
    let mut encoder = snap::raw::Encoder::new();
    let mut output = vec![0; snap::raw::max_compress_len(input.len())];
    let compressed = encoder.compress(&input, &mut output)?;
    let stats = budget.sample(|| {
        let started = Instant::now();
        for _ in 0..COMPRESSIONS {
            let n = encoder
                .compress(black_box(&input), &mut output)
                .map_err(std::io::Error::other)?;
            black_box(n);
        }
        Ok(started.elapsed().as_nanos() as f64 / COMPRESSIONS as f64)
    });
    let method = Method::Snappy {
        input: input.len(),
        output: compressed,
    };
    // unwrap is safe because the samples can fail only as the first
    // compression, which succeeded, would have.
    Ok((stats.unwrap(), method))
}

/// `len` bytes of restaurant prose, repetitive like real text.
fn text(len: usize) -> Vec<u8> {
    const WORDS: [&str; 16] = [
        "the", "waiter", "takes", "an", "order", "to", "kitchen", "and", "a", "burger", "is",
        "ready", "while", "soda", "waits", "frites",
    ];
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let mut text = Vec::with_capacity(len + 16);
    while text.len() < len {
        text.extend_from_slice(WORDS[rng.random_range(0..WORDS.len())].as_bytes());
        text.push(if rng.random_range(0..8) == 0 {
            b'.'
        } else {
            b' '
        });
    }
    text.truncate(len);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_compresses_like_text() {
        let text = text(COMPRESS_BYTES);
        assert_eq!(text.len(), COMPRESS_BYTES);
        let compressed = snap::raw::Encoder::new().compress_vec(&text).unwrap();
        assert!(
            compressed.len() < text.len() * 3 / 4,
            "{}",
            compressed.len()
        );
        assert!(compressed.len() > text.len() / 10, "{}", compressed.len());
    }

    #[test]
    fn counting_is_right_in_any_order() {
        let data = [0u8, 127, 128, 255, 3, 200];
        assert_eq!(count_high(&data), 3);
    }
}
