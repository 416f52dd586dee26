//! Cache and main-memory references, and reading 1 MB from RAM.
//!
//! A load's latency only shows when the next load depends on it and the
//! CPU cannot guess where it goes. [`Chain`] links every cache line of a
//! buffer into one random cycle, each line holding the index of the next:
//! following it ("pointer chasing") is a chain of dependent loads that the
//! prefetcher cannot predict, so each step costs one full trip to wherever
//! the buffer lives. A buffer half the size of the L1 data cache measures
//! an L1 reference; half the L2, an L2 reference; eight times the last
//! level, a trip to RAM.

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{Budget, Stats};

/// One mebibyte, the article's "1 MB".
pub const MEGABYTE: usize = 1 << 20;

/// A cache line on every CPU this is likely to run on.
const LINE: usize = 64;

/// Words per cache line: the chain uses the first word of each line.
const STRIDE: usize = LINE / std::mem::size_of::<usize>();

/// Steps per sample: long enough that reading the clock is noise, short
/// enough for many samples (16 µs in L1, 2 ms in RAM).
const STEPS: usize = 16_384;

/// The data caches of the CPU this runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheSizes {
    /// Level 1 data cache, in bytes.
    pub l1d: u64,
    /// Level 2 cache, in bytes.
    pub l2: u64,
    /// The last level's size, in bytes.
    pub last: u64,
    /// The last level: 3 on most CPUs.
    pub last_level: u8,
    /// Whether these were read from /sys, rather than assumed.
    pub from_sys: bool,
}

impl CacheSizes {
    /// Typical of a recent desktop CPU, for systems without /sys.
    pub const ASSUMED: CacheSizes = CacheSizes {
        l1d: 32 << 10,
        l2: 512 << 10,
        last: 32 << 20,
        last_level: 3,
        from_sys: false,
    };

    /// The first CPU's caches from /sys, or [`CacheSizes::ASSUMED`].
    pub fn detect() -> CacheSizes {
        CacheSizes::read(Path::new("/sys/devices/system/cpu/cpu0/cache"))
            .unwrap_or(CacheSizes::ASSUMED)
    }

    /// Reads `index*/{level,type,size}` under `dir`, as Linux lays out
    /// /sys/devices/system/cpu/cpu0/cache; `None` without an L1d and an L2.
    pub fn read(dir: &Path) -> Option<CacheSizes> {
        let (mut l1d, mut l2, mut last) = (None, None, None::<(u8, u64)>);
        for entry in std::fs::read_dir(dir).ok()?.flatten() {
            let field = |name: &str| std::fs::read_to_string(entry.path().join(name)).ok();
            let (Some(level), Some(kind), Some(size)) =
                (field("level"), field("type"), field("size"))
            else {
                continue;
            };
            let (Ok(level), Some(size)) = (level.trim().parse::<u8>(), parse_size(&size)) else {
                continue;
            };
            if kind.trim() == "Instruction" {
                continue;
            }
            match level {
                1 => l1d = Some(size),
                2 => l2 = Some(size),
                _ => {}
            }
            if last.is_none_or(|(l, _)| level > l) {
                last = Some((level, size));
            }
        }
        let (last_level, last) = last?;
        Some(CacheSizes {
            l1d: l1d?,
            l2: l2?,
            last,
            last_level,
            from_sys: true,
        })
    }

    /// The size of cache `level`; 3 and above mean the last level.
    pub fn size(&self, level: u8) -> u64 {
        match level {
            1 => self.l1d,
            2 => self.l2,
            _ => self.last,
        }
    }

    /// The buffer that measures a reference to cache `level` (1 or 2), or
    /// to RAM (3): half of L1d, half of L2 (so little else evicts it), or
    /// eight times the last level and at least 256 MiB, at most 1 GiB.
    pub fn buffer_for(&self, level: u8) -> u64 {
        match level {
            1 => (self.l1d / 2).max(4 << 10),
            2 => (self.l2 / 2).max(2 * self.l1d),
            _ => (8 * self.last).clamp(256 << 20, 1 << 30),
        }
    }
}

/// `48K`, `1024K`, `32M` as /sys writes cache sizes, in bytes.
pub fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let (digits, shift) = match text.as_bytes().last()? {
        b'K' => (&text[..text.len() - 1], 10),
        b'M' => (&text[..text.len() - 1], 20),
        b'G' => (&text[..text.len() - 1], 30),
        _ => (text, 0),
    };
    digits.parse::<u64>().ok().map(|n| n << shift)
}

/// A buffer whose cache lines form one random cycle.
pub struct Chain {
    /// The first word of each line holds the index of the next line's
    /// first word; the rest are zero.
    words: Vec<usize>,
}

impl Chain {
    /// A chain through every line of a `bytes`-long buffer (at least two).
    pub fn new(bytes: u64) -> Chain {
        let lines = (bytes as usize / LINE).max(2);
        // Sattolo's algorithm: a random permutation that is a single
        // cycle, so the chase visits every line before it repeats. u32
        // keeps the permutation small enough to build in the caches.
        let mut next: Vec<u32> = (0..lines as u32).collect();
        let mut rng = ChaCha8Rng::seed_from_u64(0x6d65_736f);
        for i in (1..lines).rev() {
            let j = rng.random_range(0..i);
            next.swap(i, j);
        }
        let mut words = vec![0usize; lines * STRIDE];
        for (line, &to) in next.iter().enumerate() {
            words[line * STRIDE] = to as usize * STRIDE;
        }
        Chain { words }
    }

    /// The buffer's size in bytes.
    pub fn bytes(&self) -> u64 {
        (self.words.len() * std::mem::size_of::<usize>()) as u64
    }

    /// Follows the chain `steps` times from word `from`; returns where it
    /// ended.
    pub fn chase(&self, mut from: usize, steps: usize) -> usize {
        for _ in 0..steps {
            // Each load needs the one before: this is the latency chain.
            from = self.words[from];
        }
        from
    }

    /// The lines in the cycle starting at line 0.
    pub fn cycle_len(&self) -> usize {
        let mut at = self.words[0];
        let mut len = 1;
        while at != 0 {
            at = self.words[at];
            len += 1;
        }
        len
    }
}

/// The median time of one step along `chain`.
pub fn pointer_chase(chain: &Chain, budget: &Budget) -> Stats {
    let lines = chain.words.len() / STRIDE;
    // A lap first, so a cache-sized buffer is in its cache; RAM needs no
    // warming, so the lap stops short for large buffers.
    let mut at = black_box(chain.chase(0, lines.min(1 << 16)));
    let sampled = budget.sample(|| {
        let started = Instant::now();
        at = black_box(chain.chase(at, STEPS));
        Ok(started.elapsed().as_nanos() as f64 / STEPS as f64)
    });
    // unwrap is safe because the samples above never fail.
    sampled.unwrap()
}

/// The median time to sum `bytes` in order, a different window of
/// `chain`'s buffer each time, so that each read comes from RAM.
pub fn read_sequential(chain: &Chain, bytes: usize, budget: &Budget) -> Stats {
    let words = (bytes / std::mem::size_of::<usize>()).min(chain.words.len());
    let windows = chain.words.len() / words;
    let mut window = 0;
    let sampled = budget.sample(|| {
        let part = &chain.words[window * words..(window + 1) * words];
        window = (window + 1) % windows;
        let started = Instant::now();
        let sum = part.iter().fold(0usize, |sum, &w| sum.wrapping_add(w));
        black_box(sum);
        Ok(started.elapsed().as_nanos() as f64)
    });
    // unwrap is safe because the samples above never fail.
    sampled.unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chain_is_one_cycle_through_every_line() {
        let chain = Chain::new(64 << 10);
        assert_eq!(chain.bytes(), 64 << 10);
        assert_eq!(chain.cycle_len(), (64 << 10) / LINE);
        assert_eq!(chain.chase(0, chain.cycle_len()), 0);
    }

    #[test]
    fn sizes_read_as_sys_writes_them() {
        assert_eq!(parse_size("48K\n"), Some(48 << 10));
        assert_eq!(parse_size("32768K"), Some(32 << 20));
        assert_eq!(parse_size("2M"), Some(2 << 20));
        assert_eq!(parse_size("512"), Some(512));
        assert_eq!(parse_size("big"), None);
        assert_eq!(parse_size(""), None);
    }

    #[test]
    fn caches_are_read_from_a_sys_like_tree() {
        let dir = tempfile::tempdir().unwrap();
        let caches = [
            ("index0", "1", "Data", "48K"),
            ("index1", "1", "Instruction", "32K"),
            ("index2", "2", "Unified", "1024K"),
            ("index3", "3", "Unified", "32768K"),
        ];
        for (index, level, kind, size) in caches {
            let path = dir.path().join(index);
            std::fs::create_dir(&path).unwrap();
            std::fs::write(path.join("level"), format!("{level}\n")).unwrap();
            std::fs::write(path.join("type"), format!("{kind}\n")).unwrap();
            std::fs::write(path.join("size"), format!("{size}\n")).unwrap();
        }
        let sizes = CacheSizes::read(dir.path()).unwrap();
        assert_eq!(
            sizes,
            CacheSizes {
                l1d: 48 << 10,
                l2: 1 << 20,
                last: 32 << 20,
                last_level: 3,
                from_sys: true,
            }
        );
        assert_eq!(sizes.buffer_for(1), 24 << 10);
        assert_eq!(sizes.buffer_for(2), 512 << 10);
        assert_eq!(sizes.buffer_for(3), 256 << 20);
        assert_eq!(CacheSizes::read(&dir.path().join("none")), None);
    }
}
