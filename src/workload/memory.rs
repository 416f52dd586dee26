//! How much memory a run of a workload needs, and whether this machine
//! has it.
//!
//! A run keeps every event of its trace and, in the async models, a future
//! for every product, so its memory grows with the products served. A
//! workload too big for the machine is refused up front, with an estimate,
//! rather than left to fail half-way through an allocation.
//!
//! The figure per product is measured: peak resident memory
//! (`/usr/bin/time -f %M`) of `mesonero restaurant --clock virtual --format
//! quiet` with `--repeat 100000` and `--repeat 1000000` (1.1 and 11 million
//! products), the difference divided by the difference in products. The
//! model that needs most is `async-offload`, at 506 bytes a product
//! (521 with `--random 1000000`, counting everything the process holds);
//! `async` needs 321, `sync` and `threads` 135. These are the system
//! allocator's figures.

use super::WorkloadError;

/// Memory a run needs per product of its workload, with the model that
/// needs most (`async-offload`, measured at 506 to 521 bytes), rounded up.
pub const BYTES_PER_PRODUCT: u64 = 530;

/// Memory a run needs whatever its size: the runtime, its threads' first
/// allocations, the output's buffers (about 10 MB measured), rounded up.
pub const BASE_BYTES: u64 = 16_000_000;

/// Memory a run of `products` products needs, at most, about.
pub fn needed(products: u64) -> u64 {
    products
        .saturating_mul(BYTES_PER_PRODUCT)
        .saturating_add(BASE_BYTES)
}

/// Memory this process may still use, in bytes: the system's available
/// memory (`MemAvailable` in `/proc/meminfo`), or the room left under an
/// address-space limit (`ulimit -v`) if that is less. `None` where neither
/// is known, as on systems without `/proc`.
pub fn available() -> Option<u64> {
    match (mem_available(), address_space_left()) {
        (Some(free), Some(room)) => Some(free.min(room)),
        (free, room) => free.or(room),
    }
}

/// Refuses a workload of `orders` orders and `products` products that
/// would need more memory than this machine has available.
pub fn check(orders: usize, products: u64) -> Result<(), WorkloadError> {
    check_against(orders, products, available())
}

/// [`check`] against `available` bytes, or nothing if that is unknown.
pub(super) fn check_against(
    orders: usize,
    products: u64,
    available: Option<u64>,
) -> Result<(), WorkloadError> {
    let needed = needed(products);
    match available {
        Some(available) if needed > available => Err(WorkloadError::OutOfMemory {
            orders,
            needed,
            available,
        }),
        _ => Ok(()),
    }
}

/// Bytes as a person reads them: `950 MB`, `3.1 GB` (decimal units).
pub fn size(bytes: u64) -> String {
    let bytes = bytes as f64;
    if bytes >= 1e9 {
        format!("{:.1} GB", bytes / 1e9)
    } else {
        format!("{:.0} MB", (bytes / 1e6).ceil())
    }
}

fn mem_available() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    kibibytes(&text, "MemAvailable:")
}

/// The value of a `Key:   1234 kB` line of a `/proc` file, in bytes.
fn kibibytes(text: &str, key: &str) -> Option<u64> {
    let line = text.lines().find(|line| line.starts_with(key))?;
    let number = line[key.len()..].trim().strip_suffix("kB")?.trim();
    number.parse::<u64>().ok()?.checked_mul(1024)
}

#[cfg(unix)]
fn address_space_left() -> Option<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes only to the struct it is handed.
    if unsafe { libc::getrlimit(libc::RLIMIT_AS, &mut limit) } != 0
        || limit.rlim_cur == libc::RLIM_INFINITY
    {
        return None;
    }
    // What the process has mapped already counts against the limit.
    let used = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|text| kibibytes(&text, "VmSize:"))
        .unwrap_or(0);
    // rlim_t is u64 on Linux but not on every unix.
    #[allow(clippy::unnecessary_cast)]
    Some((limit.rlim_cur as u64).saturating_sub(used))
}

#[cfg(not(unix))]
fn address_space_left() -> Option<u64> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_that_does_not_fit_is_refused_with_the_estimate() {
        let err = check_against(4_000_000, 11_000_000, Some(2_000_000_000)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "4000000 orders would need about 5.8 GB of memory; this machine has 2.0 GB \
             available: use a smaller --repeat or --random"
        );
        assert_eq!(check_against(4, 11, Some(2_000_000_000)), Ok(()));
        // Unknown: no check beyond the workload's own limits.
        assert_eq!(check_against(4_000_000, 11_000_000, None), Ok(()));
        assert!(check_against(1, u64::MAX, Some(u64::MAX - 1)).is_err());
    }

    #[test]
    fn sizes_read_in_megabytes_and_gigabytes() {
        assert_eq!(size(16_000_000), "16 MB");
        assert_eq!(size(949_500_001), "950 MB");
        assert_eq!(size(3_125_872_000), "3.1 GB");
    }

    #[test]
    fn proc_lines_are_read_in_bytes() {
        let meminfo = "MemTotal:       24684012 kB\nMemAvailable:   22857432 kB\n";
        assert_eq!(kibibytes(meminfo, "MemAvailable:"), Some(22_857_432 * 1024));
        assert_eq!(kibibytes(meminfo, "VmSize:"), None);
        assert_eq!(kibibytes("MemAvailable: lots\n", "MemAvailable:"), None);
    }

    #[test]
    fn this_machine_says_what_it_has() {
        if cfg!(target_os = "linux") {
            assert!(available().is_some_and(|bytes| bytes > 0));
        }
    }
}
