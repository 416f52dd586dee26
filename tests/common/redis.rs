//! A Redis server of the test's own, for the broker's tests: Debian's
//! `redis-server` on a free loopback port, in a directory of its own, with
//! its append-only file on when the test needs it to survive a restart.
//! It is stopped (killed if need be) when dropped.
//!
//! Without `redis-server` a test says it is skipped, except when `CI` is
//! set: there it fails, so that a missing broker cannot pass for a passing
//! test. `.ci/run` installs it.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use tempfile::TempDir;

/// The program, from Debian's `redis-server` package.
pub const REDIS_SERVER: &str = "redis-server";

/// How long a server may take to be ready.
const READY_WITHIN: Duration = Duration::from_secs(20);

/// A Redis server on 127.0.0.1.
pub struct Redis {
    child: Option<Child>,
    port: u16,
    dir: TempDir,
    aof: bool,
}

/// Whether `redis-server` is there; under CI, its absence fails the test.
pub fn redis_available() -> bool {
    let found = Command::new(REDIS_SERVER)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if found {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{REDIS_SERVER} not found, and CI is set: install it (apt-get install redis-server)"
    );
    eprintln!("skipped: {REDIS_SERVER} not found (apt-get install redis-server)");
    false
}

impl Redis {
    /// Starts a server, with its append-only file (fsynced at every
    /// write) if `aof`; `None` when there is no `redis-server` and the
    /// test is skipped.
    pub fn start(aof: bool) -> Option<Redis> {
        if !redis_available() {
            return None;
        }
        let mut redis = Redis {
            child: None,
            port: 0,
            dir: tempfile::tempdir().unwrap(),
            aof,
        };
        // A port found free may be taken before the server binds it: try
        // another then.
        for _ in 0..5 {
            redis.port = free_port();
            if redis.launch() {
                return Some(redis);
            }
        }
        panic!("redis-server did not start on any of five ports");
    }

    /// The server's URL.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Its port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops it as an operator would (SIGTERM): it writes its data and
    /// exits.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
            let _ = child.wait();
        }
    }

    /// Kills it at once (SIGKILL).
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same port, with the same data directory.
    pub fn restart(&mut self) {
        assert!(
            self.launch(),
            "redis-server did not start again on port {}",
            self.port
        );
    }

    /// A plain connection, for a test to look at or play a waiter.
    pub fn connection(&self) -> redis::Connection {
        redis::Client::open(self.url())
            .unwrap()
            .get_connection_with_timeout(Duration::from_secs(5))
            .unwrap()
    }

    /// Starts the server and waits for its "Ready to accept connections";
    /// false if it ended first (its port taken).
    fn launch(&mut self) -> bool {
        let mut child = Command::new(REDIS_SERVER)
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--daemonize", "no", "--loglevel", "notice"])
            .args(["--appendonly", if self.aof { "yes" } else { "no" }])
            .args(["--appendfsync", "always"])
            .arg("--dir")
            .arg(self.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server starts");
        let (ready, told) = mpsc::channel();
        let out = child.stdout.take().unwrap();
        thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if line.contains("Ready to accept connections") {
                    let _ = ready.send(());
                }
            }
        });
        if told.recv_timeout(READY_WITHIN).is_ok() {
            self.child = Some(child);
            return true;
        }
        let _ = child.kill();
        let _ = child.wait();
        false
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A port nothing listens on now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
