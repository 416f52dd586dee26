//! A pseudo-terminal for a child's stderr, so that a test sees the
//! progress lines that `compare` and `race` show only on a terminal
//! (`serving with sync (1 of 4)...`) and can wait for one of them.

use std::ffi::CStr;
use std::fs::{File, OpenOptions};
use std::os::fd::AsRawFd;
use std::os::unix::fs::OpenOptionsExt;
use std::process::{Child, Command, Stdio};

use super::ready::Captured;

/// Spawns `command` with its stderr on a new pseudo-terminal; returns the
/// child and what it shows there.
pub fn spawn_on_terminal(command: &mut Command) -> (Child, Captured) {
    let (terminal, reading) = open();
    command.stderr(terminal);
    let child = command.spawn().expect("the binary runs");
    // Drops the command's copy of the child's side, so that reading ends
    // when the child has ended.
    command.stderr(Stdio::null());
    (child, Captured::new(reading))
}

/// What a terminal shows of `shown`: each `\r\x1b[K` (back to the start
/// of the line, erase it) applied, and `\r\n` read as `\n`.
pub fn visible(shown: &str) -> String {
    shown
        .replace("\r\n", "\n")
        .split('\n')
        .map(|line| line.rsplit("\r\x1b[K").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Opens a pseudo-terminal: the side for the child, and the side to read
/// what the child writes to it.
fn open() -> (Stdio, File) {
    // Opened close-on-exec, as Rust opens every file, so that no other
    // child spawned meanwhile keeps the terminal open.
    let open = |path: &str| {
        OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(libc::O_NOCTTY)
            .open(path)
            .unwrap_or_else(|e| panic!("cannot open {path}: {e}"))
    };
    let reading = open("/dev/ptmx");
    let fd = reading.as_raw_fd();
    let mut name = [0; 128];
    // SAFETY: `fd` is the open master, and `name` is a buffer of the
    // length given.
    let named = unsafe {
        libc::grantpt(fd) == 0
            && libc::unlockpt(fd) == 0
            && libc::ptsname_r(fd, name.as_mut_ptr(), name.len()) == 0
    };
    assert!(
        named,
        "no pseudo-terminal: {}",
        std::io::Error::last_os_error()
    );
    // SAFETY: ptsname_r wrote a NUL-terminated name into `name`.
    let path = unsafe { CStr::from_ptr(name.as_ptr()) };
    let terminal = open(path.to_str().expect("a UTF-8 name"));
    (Stdio::from(terminal), reading)
}
