//! Bad input to `restaurant` and `compare`: workload files and options they
//! refuse, each with exit code 2 and one clear line.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::{assert_bad_input, bad_input, cli, mesonero, one_error_line, run, with};
use predicates::prelude::*;

/// Runs `restaurant` and `compare` on a workload file `name` holding
/// `text`, in a directory of its own, and checks both refuse it.
fn assert_bad_file(name: &str, text: &str, needles: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), text).unwrap();
    for command in ["restaurant", "compare"] {
        let assert = cli([command, "--clock", "virtual", "--workload", name])
            .current_dir(dir.path())
            .assert();
        assert_bad_input(assert.get_output(), needles);
    }
}

/// Runs `restaurant` and `compare` with `args` and checks both refuse
/// them.
fn assert_bad_args(args: &[&str], needles: &[&str]) {
    for command in ["restaurant", "compare"] {
        let mut assert = bad_input(with(&[command, "--clock", "virtual"], args));
        for &needle in needles {
            assert = assert.stderr(predicate::str::contains(needle));
        }
    }
}

#[test]
fn an_unknown_product_is_refused_with_its_line() {
    assert_bad_file(
        "w.toml",
        "# orders\nmenu = { soda = 1 }\norders = [\n  [\"soda\"],\n  [\"soda\", \"pizza\"],\n]\n",
        &["w.toml:5: order 1 asks for 'pizza', which is not on the menu (the menu has: soda)"],
    );
}

#[test]
fn a_negative_duration_is_refused() {
    assert_bad_file(
        "w.toml",
        "# menu\nmenu = { soda = -1 }\norders = [[\"soda\"]]\n",
        &["w.toml:2: 'soda': the preparation time must be positive, not -1"],
    );
}

#[test]
fn a_nan_duration_is_refused() {
    assert_bad_file(
        "w.toml",
        "# menu\nmenu = { soda = nan }\norders = [[\"soda\"]]\n",
        &["w.toml:2: 'soda': the preparation time is not a number (NaN)"],
    );
}

#[test]
fn a_zero_duration_is_refused() {
    assert_bad_file(
        "w.toml",
        "# menu\nmenu = { soda = 0 }\norders = [[\"soda\"]]\n",
        &["w.toml:2: 'soda': the preparation time must be positive, not 0"],
    );
}

#[test]
fn an_absurd_duration_is_refused() {
    assert_bad_file(
        "w.toml",
        "# menu\nmenu = { soda = 1e9 }\norders = [[\"soda\"]]\n",
        &["w.toml:2: 'soda': a preparation time of 1000000000 s is longer than a day"],
    );
}

#[test]
fn an_empty_menu_is_refused() {
    assert_bad_file(
        "w.toml",
        "orders = [[\"soda\"]]\n\n[menu]\n",
        &["w.toml:3: the menu is empty"],
    );
}

#[test]
fn an_empty_list_of_orders_is_refused() {
    assert_bad_file(
        "w.toml",
        "menu = { soda = 1 }\n\norders = []\n",
        &["w.toml:3: there are no orders"],
    );
}

#[test]
fn malformed_toml_is_refused_with_its_line() {
    assert_bad_file(
        "w.toml",
        "menu = { soda = 1\norders = [[\"soda\"]]\n",
        &["w.toml:2: ", "expected"],
    );
}

#[test]
fn malformed_json_is_refused_with_its_line() {
    assert_bad_file(
        "w.json",
        "{\"menu\": {\"soda\": 1},\n\"orders\": [[\"soda\"]]",
        &["w.json:2: EOF while parsing an object"],
    );
}

#[test]
fn a_file_with_an_unknown_extension_is_refused() {
    assert_bad_file(
        "w.yaml",
        "menu: {soda: 1}\norders: [[soda]]\n",
        &[
            "w.yaml: cannot tell the format of a workload file from its name",
            ".toml or .json",
        ],
    );
}

#[test]
fn a_missing_workload_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for command in ["restaurant", "compare"] {
        cli([command, "--clock", "virtual", "--workload", "missing.toml"])
            .current_dir(dir.path())
            .assert()
            .code(2)
            .stdout("")
            .stderr(
                predicate::str::starts_with("error: cannot read workload file 'missing.toml'")
                    .and(one_error_line()),
            );
    }
}

#[test]
fn zero_waiters_are_refused() {
    assert_bad_args(&["--waiters", "0"], &["'0'", "--waiters"]);
}

#[test]
fn zero_cooks_are_refused() {
    assert_bad_args(&["--cooks", "0"], &["'0'", "--cooks"]);
}

#[test]
fn a_zero_speed_is_refused() {
    assert_bad_args(&["--speed", "0"], &["--speed", "'0' is not a speed"]);
}

#[test]
fn a_negative_speed_is_refused() {
    assert_bad_args(&["--speed", "-1"], &["--speed", "'-1' is not a speed"]);
}

/// Speeds whose waits would not fit the clocks (a day at 1e-300 is longer
/// than a `Duration`; at 1e-19 longer than an `Instant`) are refused where
/// they are parsed, for every command and model that takes a speed.
#[test]
fn speeds_out_of_range_are_refused_with_the_range() {
    let range = "give a number from 0.001 to 1000000";
    for speed in ["1e-300", "1e-19", "0.0009", "1000001", "1e300"] {
        let needles = ["--speed", &format!("'{speed}' is not a speed"), range];
        assert_bad_args(&["--speed", speed], &needles);
        for model in ["sync", "threads", "thread-per-product", "async"] {
            let output = run(["restaurant", "--model", model, "--speed", speed]);
            assert_bad_input(&output, &needles);
        }
        let dir = tempfile::tempdir().unwrap();
        let output = mesonero(["report", "--speed", speed])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_bad_input(&output, &needles);
        assert!(!dir.path().join("report.html").exists());
    }
}

/// The fastest speed allowed runs every model to the end on the real
/// clock; the slowest is accepted (a run there lasts hours, so only the
/// parse is checked, by the unit tests of `cli`).
#[test]
fn the_fastest_speed_runs_every_model() {
    for model in ["sync", "threads", "thread-per-product", "async"] {
        cli([
            "restaurant",
            "--model",
            model,
            "--speed",
            "1000000",
            "--format",
            "quiet",
        ])
        .assert()
        .success()
        .stderr(common::no_panic());
    }
}

#[test]
fn repeat_zero_is_refused() {
    assert_bad_args(&["--repeat", "0"], &["--repeat must be at least 1"]);
}

#[test]
fn random_zero_is_refused() {
    assert_bad_args(&["--random", "0"], &["--random must be at least 1"]);
}

#[test]
fn a_seed_without_random_is_refused() {
    assert_bad_args(&["--seed", "7"], &["--seed", "without --random"]);
}

#[test]
fn an_unknown_model_is_refused() {
    bad_input(["restaurant", "--clock", "virtual", "--model", "pizzeria"]).stderr(
        predicate::str::starts_with("error: invalid value 'pizzeria' for '--model <MODEL>'"),
    );
    bad_input(["compare", "--clock", "virtual", "--models", "sync,pizzeria"]).stderr(
        predicate::str::contains("invalid value 'pizzeria'")
            .and(predicate::str::contains("--models")),
    );
}

#[test]
fn too_many_orders_are_refused_quickly_without_allocating_them() {
    // 400 million orders would take gigabytes; under a 500 MB address
    // space limit the refusal must still be clean, and quick.
    #[cfg(unix)]
    let mut command = {
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg("ulimit -v 500000 2>/dev/null; exec \"$0\" \"$@\"")
            .arg(common::BIN)
            .env_remove("RUST_BACKTRACE");
        command
    };
    #[cfg(not(unix))]
    let mut command = mesonero(std::iter::empty::<&str>());
    command.args(["restaurant", "--clock", "virtual", "--repeat", "100000000"]);
    let started = Instant::now();
    let output = command.output().unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_bad_input(
        &output,
        &[
            "400000000 orders is more than the 20000000 a run may hold",
            "--repeat",
        ],
    );
}

/// Runs `restaurant` on the workload file `name` in `dir`.
fn restaurant_on(dir: &std::path::Path, name: &str) -> std::process::Output {
    mesonero(["restaurant", "--clock", "virtual", "--workload", name])
        .current_dir(dir)
        .output()
        .unwrap()
}

/// A name with an escape sequence would clear the terminal, one with a
/// newline forge a log line, and both break the SVG: refused, with the
/// file, the line and the name escaped, in both formats; nothing raw
/// reaches the terminal.
#[test]
fn control_characters_in_product_names_are_refused() {
    let cases = [
        (
            "w.toml",
            "# menu\nmenu = { soda = 1,\n  \"bad\\u001b[2J\" = 2 }\norders = [[\"soda\"]]\n",
            r#"w.toml:3: product name "bad\u{1b}[2J" has a control character"#,
        ),
        (
            "w.json",
            "{\"menu\": {\"soda\": 1,\n  \"bad\\u001b[2J\": 2},\n \"orders\": [[\"soda\"]]}",
            r#"w.json:2: product name "bad\u{1b}[2J" has a control character"#,
        ),
        (
            "w.json",
            "{\"menu\": {\"soda\": 1},\n \"orders\": [[\"soda\"],\n  [\"x\\nHH:MM:SS forged\"]]}",
            r"w.json:3: order 1 asks for 'x\nHH:MM:SS forged', which is not on the menu",
        ),
    ];
    for (name, text, needle) in cases {
        assert_bad_file(name, text, &[needle]);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(name), text).unwrap();
        let stderr = String::from_utf8(restaurant_on(dir.path(), name).stderr).unwrap();
        let raw = stderr.trim_end_matches('\n');
        assert!(!raw.chars().any(char::is_control), "{stderr:?}");
    }
}

/// Some editors start a UTF-8 file with a byte-order mark; both formats
/// read it.
#[test]
fn a_byte_order_mark_is_read_in_both_formats() {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        (
            "w.toml",
            "\u{feff}menu = { soda = 1 }\norders = [[\"soda\"]]\n",
        ),
        (
            "w.json",
            "\u{feff}{\"menu\": {\"soda\": 1}, \"orders\": [[\"soda\"]]}\n",
        ),
    ];
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
        cli(["restaurant", "--clock", "virtual", "--workload", name])
            .current_dir(dir.path())
            .assert()
            .success()
            .stdout(predicate::str::contains("1 order, 1 product"))
            .stderr(common::no_panic());
    }
}

/// `/dev/zero` never ends: read up to the limit and refused, not read
/// until memory runs out.
#[cfg(unix)]
#[test]
fn a_workload_file_that_never_ends_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["zero.toml", "zero.json"] {
        std::os::unix::fs::symlink("/dev/zero", dir.path().join(name)).unwrap();
        let started = Instant::now();
        let output = restaurant_on(dir.path(), name);
        assert_bad_input(
            &output,
            &[
                &format!("workload file '{name}' is larger than 64 MiB"),
                "--repeat or --random",
            ],
        );
        assert!(started.elapsed() < Duration::from_secs(30));
    }
}

/// A pipe that never ends is refused the same way: a writer fills it until
/// the reader stops reading.
#[cfg(unix)]
#[test]
fn a_workload_pipe_that_never_ends_is_refused() {
    use std::io::Write;

    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.toml");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let path = fifo.clone();
    let writer = std::thread::spawn(move || {
        let mut pipe = std::fs::OpenOptions::new().write(true).open(path).unwrap();
        let block = vec![b'#'; 1 << 16];
        // Ends when the reader closes its end: EPIPE (Rust ignores SIGPIPE).
        while pipe.write_all(&block).is_ok() {}
    });
    let output = restaurant_on(dir.path(), "pipe.toml");
    // Had the binary never opened the pipe, the writer would wait for a
    // reader for ever: open and close it here until the writer has ended.
    while !writer.is_finished() {
        use std::os::unix::fs::OpenOptionsExt;
        let _reader = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(&fifo);
        std::thread::yield_now();
    }
    writer.join().unwrap();
    assert_bad_input(
        &output,
        &["workload file 'pipe.toml' is larger than 64 MiB"],
    );
}

/// The checks of bad input fail where they should: a second line that is
/// no hint, a panic, or no `error: ` at the start.
#[test]
fn the_bad_input_check_refuses_what_is_not_one_clear_line() {
    let one_line = one_error_line();
    assert!(one_line.eval("error: '0' is not a speed\n\nFor more information, try '--help'.\n"));
    assert!(!one_line.eval("error: bad\nand a second line\n"));
    assert!(!one_line.eval("thread 'main' panicked at src/main.rs:1:1\n"));
    assert!(!one_line.eval("error: bad\nnote: run with `RUST_BACKTRACE=1`\n"));
    assert!(!one_line.eval("bad\n"));
}
