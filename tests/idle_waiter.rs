//! `mesonero idle-waiter`, the hidden waiter process that
//! `benches/waiter_cost.rs` starts: ready on one line, then idle until
//! stdin closes.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;

use common::{mesonero, stdout_of};

/// It says it is ready, keeps reading stdin (a megabyte goes through a
/// pipe that holds 64 KiB only if it does), and ends when stdin closes.
#[test]
fn the_idle_waiter_says_it_is_ready_and_waits_for_stdin_to_close() {
    let mut child = mesonero(["idle-waiter"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("mesonero starts");
    let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
    let mut line = String::new();
    stdout.read_line(&mut line).expect("a line");
    assert_eq!(line, "ready\n");
    let mut stdin = child.stdin.take().expect("piped");
    stdin
        .write_all(&vec![b'o'; 1 << 20])
        .expect("the waiter still reads");
    drop(stdin);
    let status = child.wait().expect("the waiter ends");
    assert!(status.success(), "{status}");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).expect("stdout");
    assert_eq!(rest, "");
}

/// Hidden from the help, the manual and every shell's completions.
#[test]
fn the_idle_waiter_is_offered_nowhere() {
    for args in [
        &["--help"][..],
        &["man"],
        &["completions", "bash"],
        &["completions", "zsh"],
        &["completions", "fish"],
        &["completions", "elvish"],
        &["completions", "powershell"],
    ] {
        let out = stdout_of(args);
        assert!(out.contains("restaurant"), "{args:?}: {out}");
        assert!(!out.contains("idle-waiter"), "{args:?}");
    }
}
