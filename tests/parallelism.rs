//! Concurrency is not parallelism: products that need the CPU, a number
//! of cores, and Python's GIL, from the command line.
//!
//! The table of the lesson, exact on the virtual clock: four orders of one
//! photo that takes a second of CPU, on two cores. Then the same on the
//! real clock, where only what cannot depend on the machine's load is
//! asserted (the GIL, and one core, make computing sequential), and the
//! workloads and options that are refused.

mod common;

use common::{bad_input, cli, mesonero};
use predicates::prelude::*;

const PHOTOS: &str = "menu = { photo = { cpu = \"1s\" } }\n\
                      orders = [[\"photo\"], [\"photo\"], [\"photo\"], [\"photo\"]]\n";

/// The makespan, in seconds, from a summary line.
fn makespan(summary: &str) -> f64 {
    let after = summary
        .split("makespan ")
        .nth(1)
        .unwrap_or_else(|| panic!("no makespan in {summary:?}"));
    after
        .split(' ')
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no makespan in {summary:?}"))
}

/// Serves the photos with `model` and `waiters` on two cores, with the GIL
/// or not, with `clock` options, and returns the summary line.
fn photos(model: &str, waiters: &str, gil: bool, clock: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("photos.toml"), PHOTOS).unwrap();
    let mut args = vec![
        "restaurant",
        "--workload",
        "photos.toml",
        "--model",
        model,
        "--waiters",
        waiters,
        "--format",
        "quiet",
    ];
    args.extend_from_slice(clock);
    if gil {
        args.push("--gil");
    }
    let output = mesonero(&args).current_dir(dir.path()).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{args:?}: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// The makespan of the photos on the virtual clock and two cores.
fn on_paper(model: &str, waiters: &str, gil: bool) -> f64 {
    makespan(&photos(
        model,
        waiters,
        gil,
        &["--clock", "virtual", "--cores", "2"],
    ))
}

#[test]
fn sync_computes_one_photo_after_another() {
    assert_eq!(on_paper("sync", "2", false), 4.0);
    assert_eq!(on_paper("sync", "2", true), 4.0);
}

#[test]
fn two_threads_compute_on_two_cores_unless_the_gil_forbids_it() {
    assert_eq!(on_paper("threads", "2", false), 2.0);
    assert_eq!(on_paper("threads", "2", true), 4.0);
}

#[test]
fn four_threads_still_have_two_cores() {
    assert_eq!(on_paper("threads", "4", false), 2.0);
    assert_eq!(on_paper("threads", "4", true), 4.0);
}

#[test]
fn a_thread_per_product_uses_both_cores() {
    assert_eq!(on_paper("thread-per-product", "1", false), 2.0);
    assert_eq!(on_paper("thread-per-product", "1", true), 4.0);
}

#[test]
fn an_event_loop_computes_on_its_one_thread() {
    assert_eq!(on_paper("async", "1", false), 4.0);
    assert_eq!(on_paper("async", "1", true), 4.0);
}

#[test]
fn the_summary_names_the_cores_the_gil_and_the_cpu_time() {
    let summary = photos(
        "threads",
        "2",
        true,
        &["--clock", "virtual", "--cores", "2"],
    );
    assert!(
        summary.contains("2 cores under a GIL; CPU 4 s, 1.00 cores busy"),
        "{summary}"
    );
}

#[test]
fn the_detector_names_the_photo_that_held_the_loop() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("photos.toml"), PHOTOS).unwrap();
    cli([
        "restaurant",
        "--workload",
        "photos.toml",
        "--model",
        "async",
        "--clock",
        "virtual",
    ])
    .current_dir(dir.path())
    .assert()
    .success()
    .stdout(predicate::str::contains(
        "[Order: 0] Compute photo. CPU 1 seg...",
    ))
    .stdout(predicate::str::contains(
        "[Order: 0] WARNING: the event loop was blocked for 1 seg by request photo",
    ));
}

#[test]
fn without_cpu_time_cores_and_the_gil_change_no_makespan() {
    let models = [
        "sync",
        "threads",
        "thread-per-product",
        "async",
        "async-blocking",
        "async-sequential",
        "async-offload",
    ];
    for model in models {
        let base = [
            "restaurant",
            "--model",
            model,
            "--clock",
            "virtual",
            "--format",
            "quiet",
        ];
        let plain = cli(base).output().unwrap();
        for extra in [
            &["--cores", "1"][..],
            &["--gil"],
            &["--cores", "3", "--gil"],
        ] {
            let mut args = base.to_vec();
            args.extend_from_slice(extra);
            let changed = cli(args).output().unwrap();
            let (a, b) = (
                String::from_utf8_lossy(&plain.stdout),
                String::from_utf8_lossy(&changed.stdout),
            );
            assert_eq!(makespan(&a), makespan(&b), "{model} {extra:?}");
        }
    }
}

/// On the real clock the machine may be busy, so only what load cannot
/// change is asserted: under the GIL, or on one core, two threads compute
/// one photo after another, so that on average at most one core is busy
/// (the photos need no waiting, only computing), where in parallel two
/// would be. Busy cores, not the makespan: a second of computing is a
/// number of compressions timed once per process, and timed on a busy
/// machine it is less than a second's worth once the machine is idle
/// again, so the four photos may take well under four seconds; the cores
/// they keep busy meanwhile do not depend on how much work a second is.
#[test]
fn on_the_real_clock_the_gil_and_one_core_make_computing_sequential() {
    let real = ["--clock", "real", "--speed", "10"];
    let gil = photos("threads", "2", true, &real);
    assert!(cores_busy(&gil) < 1.5, "under the GIL: {gil}");
    let one_core = [&real[..], &["--cores", "1"]].concat();
    let pinned = photos("threads", "2", false, &one_core);
    assert!(cores_busy(&pinned) < 1.5, "on one core: {pinned}");
}

/// The cores busy on average, from a summary line (`1.02 cores busy`).
fn cores_busy(summary: &str) -> f64 {
    summary
        .split(" cores busy")
        .next()
        .and_then(|s| s.rsplit(' ').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no cores busy in {summary:?}"))
}

#[test]
fn real_computing_uses_real_cpu_time() {
    let summary = photos("sync", "2", false, &["--clock", "real", "--speed", "10"]);
    // Four photos of a second each, at speed 10: 0.4 s of computing, of
    // which the machine's timers see most.
    let cpu: f64 = summary
        .split("CPU ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no CPU time in {summary}"));
    assert!(cpu >= 0.2, "{summary}");
}

/// Checks that `restaurant` refuses a workload file holding `menu`.
fn refuses_menu(menu: &str, needle: &str) {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{menu}\norders = [[\"photo\"]]\n");
    std::fs::write(dir.path().join("w.toml"), text).unwrap();
    let args = ["restaurant", "--clock", "virtual", "--workload", "w.toml"];
    let mut command = cli(args);
    command.current_dir(dir.path());
    command
        .assert()
        .code(2)
        .stderr(predicate::str::contains(needle));
}

#[test]
fn a_negative_cpu_time_is_refused() {
    refuses_menu(
        "menu = { photo = { cpu = -1 } }",
        "w.toml:1: 'photo': the CPU time must be positive, not -1",
    );
}

#[test]
fn a_nan_cpu_time_is_refused() {
    refuses_menu(
        "menu = { photo = { cpu = nan } }",
        "w.toml:1: 'photo': the CPU time is not a number (NaN)",
    );
}

#[test]
fn an_absurd_cpu_time_is_refused() {
    refuses_menu(
        "menu = { photo = { cpu = \"3d\" } }",
        "'photo': a CPU time of 3days is longer than a day; is it a typo?",
    );
}

#[test]
fn a_misspelt_key_is_refused_with_the_keys_a_product_may_have() {
    refuses_menu(
        "menu = { photo = { cpuu = \"1s\" } }",
        "w.toml:1: 'photo': unknown key `cpuu`; a product's table may have `wait` and `cpu`",
    );
}

#[test]
fn a_product_that_takes_no_time_is_refused() {
    refuses_menu(
        "menu = { photo = { wait = 0, cpu = \"0s\" } }",
        "'photo': a product must take some time",
    );
}

#[test]
fn zero_cores_are_refused() {
    bad_input(["restaurant", "--clock", "virtual", "--cores", "0"])
        .stderr(predicate::str::contains("--cores"));
}

#[test]
fn more_cores_than_the_machine_has_are_refused_on_the_real_clock() {
    bad_input(["restaurant", "--cores", "65536", "--speed", "1000"]).stderr(
        predicate::str::contains("--cores 65536 on the real clock is more than"),
    );
}

#[test]
fn cpu_gives_every_product_of_the_menu_computing() {
    let summary = cli([
        "restaurant",
        "--model",
        "async",
        "--clock",
        "virtual",
        "--cpu",
        "1s",
        "--format",
        "quiet",
    ])
    .output()
    .unwrap();
    let summary = String::from_utf8_lossy(&summary.stdout);
    // The burger's 7.5 s of waiting overlap; the eleven seconds of
    // computing, on the loop's one thread, do not.
    assert!(summary.contains("CPU 11 s"), "{summary}");
    assert_eq!(makespan(&summary), 12.0);
}

#[test]
fn a_bad_cpu_option_is_refused() {
    bad_input(["restaurant", "--clock", "virtual", "--cpu", "-1"]).stderr(
        predicate::str::contains("the CPU time must be positive, not -1"),
    );
    bad_input(["restaurant", "--clock", "virtual", "--cpu", "2d"])
        .stderr(predicate::str::contains("is longer than a day"));
}
