//! `latency --measure`'s experiments, each on a short budget: every figure
//! is positive, finite and of its row's order of magnitude (the bounds are
//! generous: machines differ), and an L1 reference is quicker than a trip
//! to RAM, which is quicker than a loopback round trip. Run with
//! `cargo test --release`: unoptimised code measures itself, not the
//! machine.

use std::sync::Mutex;
use std::time::Duration;

use mesonero::latency::measure::io::TestFile;
use mesonero::latency::measure::memory::{self, CacheSizes, Chain};
use mesonero::latency::measure::{
    cpu, measure_all, net, Budget, Interrupted, Options, Outcome, Skip, Stats,
};
use mesonero::latency::Operation;
use mesonero::Shutdown;

/// Tests measure one at a time: two cores shared by two experiments would
/// measure each other.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

fn budget() -> Budget {
    Budget::new(Duration::from_millis(60))
}

/// The median in nanoseconds, checked to lie in `low..=high`.
fn within(what: &str, stats: Stats, low: f64, high: f64) -> f64 {
    let nanos = stats.median.as_nanos();
    assert!(
        nanos.is_finite() && (low..=high).contains(&nanos),
        "{what}: {nanos} ns is outside {low}..={high} ns ({} samples)",
        stats.samples
    );
    assert!(stats.samples >= 5, "{what}: {} samples", stats.samples);
    nanos
}

#[test]
fn memory_references_are_ordered_and_of_their_size() {
    let _one = serial();
    let caches = CacheSizes::detect();
    let chase = |level| memory::pointer_chase(&Chain::new(caches.buffer_for(level)), &budget());
    let l1 = within("L1 reference", chase(1), 0.1, 50.0);
    let l2 = within("L2 reference", chase(2), 0.3, 100.0);
    let ram = Chain::new(caches.buffer_for(3));
    // Up to 10 µs: with 4 KiB pages nearly every step is also a TLB miss,
    // and in a virtual machine each page-table walk is itself a walk of
    // the host's tables. A VM with a large last-level cache (so a buffer
    // of 1 GiB) measured 0.6 µs when idle and 2 µs while busy.
    let main = within(
        "main memory reference",
        memory::pointer_chase(&ram, &budget()),
        10.0,
        10_000.0,
    );
    let read = memory::read_sequential(&ram, memory::MEGABYTE, &budget());
    within("1 MB read from memory", read, 1_000.0, 10_000_000.0);
    drop(ram);
    let round_trip = within(
        "loopback round trip",
        net::round_trip(&budget()).unwrap(),
        1_000.0,
        10_000_000.0,
    );
    assert!(l1 < l2, "L1 {l1} ns, L2 {l2} ns");
    assert!(l1 < main, "L1 {l1} ns, main memory {main} ns");
    assert!(
        main < round_trip,
        "main memory {main} ns, loopback {round_trip} ns"
    );
}

#[test]
fn cpu_work_is_of_its_size() {
    let _one = serial();
    let (stats, _) = cpu::branch_mispredict(&budget());
    within("branch mispredict", stats, 0.1, 100.0);
    within(
        "mutex lock/unlock",
        cpu::mutex_lock_unlock(&budget()),
        1.0,
        1_000.0,
    );
    let (stats, _) = cpu::compress_1k(&budget()).unwrap();
    within("Snappy 1 KB", stats, 20.0, 100_000.0);
}

#[test]
fn sending_2k_over_loopback_is_of_its_size() {
    let _one = serial();
    within(
        "send 2 KB",
        net::send_2k(&budget()).unwrap(),
        50.0,
        1_000_000.0,
    );
}

#[test]
fn file_reads_are_of_their_size() {
    let _one = serial();
    let dir = tempfile::tempdir().unwrap();
    let mut file = TestFile::create(&dir.path().join("reads.bin"), 8 << 20).unwrap();
    within(
        "random 4 KB read",
        file.read(4096, &budget()).unwrap(),
        100.0,
        100_000_000.0,
    );
    within(
        "sequential 1 MB read",
        file.read(memory::MEGABYTE, &budget()).unwrap(),
        1_000.0,
        1_000_000_000.0,
    );
}

#[test]
fn every_row_is_measured_or_says_why_and_nothing_is_left_behind() {
    let _one = serial();
    let dir = tempfile::tempdir().unwrap();
    let options = Options {
        budget: Duration::from_millis(15),
        dir: Some(dir.path().to_path_buf()),
    };
    let mut seen = Vec::new();
    let rows = measure_all(&options, &Shutdown::new(), &mut |op| seen.push(op)).unwrap();
    assert_eq!(seen, Operation::ALL);
    let ops: Vec<Operation> = rows.iter().map(|(op, _)| *op).collect();
    assert_eq!(ops, Operation::ALL);
    for (op, outcome) in &rows {
        match (op, outcome) {
            (Operation::DiskSeek | Operation::ReadDisk1M, Outcome::Skipped(skip)) => {
                assert_eq!(*skip, Skip::NeedsSpinningDisk)
            }
            (Operation::PacketCaNlCa, Outcome::Skipped(skip)) => {
                assert_eq!(*skip, Skip::NeedsLongLink)
            }
            (_, Outcome::Measured { stats, .. }) => {
                let nanos = stats.median.as_nanos();
                assert!(nanos.is_finite() && nanos > 0.0, "{op:?}: {nanos} ns");
            }
            (_, other) => panic!("{op:?}: {other:?}"),
        }
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn a_stop_ends_the_measurements_and_removes_the_temporary_files() {
    let _one = serial();
    let dir = tempfile::tempdir().unwrap();
    let options = Options {
        budget: Duration::from_millis(15),
        dir: Some(dir.path().to_path_buf()),
    };
    let shutdown = Shutdown::new();
    let mut files_seen = false;
    // Stop as the second file row starts, while the file exists.
    let stopped = measure_all(&options, &shutdown, &mut |op| {
        if op == Operation::ReadSsd1M {
            files_seen = std::fs::read_dir(dir.path()).unwrap().count() == 1;
            shutdown.trigger();
        }
    });
    assert!(files_seen, "the temporary directory was not there to clean");
    assert_eq!(
        stopped.unwrap_err(),
        Interrupted {
            measured: 10,
            total: 14
        }
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}
