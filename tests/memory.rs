//! Workloads too big for the memory there is: refused up front with an
//! estimate when the size is known before the run, and a clean one-line
//! failure, never an abort, when an allocation fails anyway.
#![cfg(unix)]

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{assert_bad_input, assert_no_panic};

/// Runs the binary with `args` under an address-space limit of `kib`
/// kibibytes (`ulimit -v`), so that allocations past it fail.
fn run_limited(kib: u64, dir: &Path, args: &[&str]) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {kib} && exec \"$0\" \"$@\""))
        .arg(common::BIN)
        .args(args)
        .current_dir(dir)
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE")
        .output()
        .expect("sh runs")
}

/// A JSON workload of `orders` one-product orders: a few bytes each in
/// the file, tens of bytes each once read.
fn write_orders(path: &Path, orders: usize) {
    let mut text = String::from("{\"menu\": {\"soda\": 1}, \"orders\": [");
    text.push_str(&vec!["[\"soda\"]"; orders].join(","));
    text.push_str("]}\n");
    std::fs::write(path, text).unwrap();
}

/// A workload file whose reading needs more than the process may have
/// (4 million orders: 36 MB of text, hundreds of MB read) ends with one
/// line and exit code 1, where the allocator used to abort.
#[test]
fn an_allocation_that_fails_ends_the_run_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    write_orders(&dir.path().join("big.json"), 4_000_000);
    let limit = 150_000;
    let args = ["restaurant", "--clock", "virtual", "--format", "quiet"];
    // The limit leaves room for a small run: what fails is the big file.
    let small = run_limited(limit, dir.path(), &args);
    assert!(
        small.status.success(),
        "{}",
        String::from_utf8_lossy(&small.stderr)
    );
    let big = run_limited(
        limit,
        dir.path(),
        &[&args[..], &["--workload", "big.json"]].concat(),
    );
    let stderr = String::from_utf8_lossy(&big.stderr);
    assert_no_panic(&stderr);
    for word in ["panicked", "backtrace", "abort", "memory allocation"] {
        assert!(!stderr.contains(word), "{stderr}");
    }
    assert_eq!(big.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr, "error: out of memory\n");
    assert!(big.stdout.is_empty());
}

/// 4 million orders would need gigabytes; with one gigabyte of address
/// space the run is refused before it starts, with the estimate and what
/// there is.
#[test]
fn a_workload_too_big_for_the_memory_left_is_refused_up_front() {
    let dir = tempfile::tempdir().unwrap();
    for option in ["--repeat", "--random"] {
        let count = if option == "--repeat" {
            "1000000"
        } else {
            "4000000"
        };
        let output = run_limited(
            1_000_000,
            dir.path(),
            &["restaurant", "--clock", "virtual", option, count],
        );
        assert_bad_input(
            &output,
            &[
                "4000000 orders would need about ",
                " GB of memory; this machine has ",
                " available: use a smaller --repeat or --random",
            ],
        );
    }
}
