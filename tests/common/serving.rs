//! `mesonero serve` as a child process: started on a free loopback port,
//! its stderr read line by line on a thread of its own, so that a test can
//! wait for a line with a deadline instead of sleeping; and a raw TCP
//! client for what reqwest will not do (stall half way through a request).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use super::{assert_no_panic, mesonero, wait_bounded};

/// How long a test waits for a line or an exit that should come at once.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// A `mesonero serve` process and the address it said it serves on.
pub struct Serving {
    pub child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The address in `base`.
    pub addr: SocketAddr,
    /// The first line of stderr.
    pub start_line: String,
    lines: Receiver<String>,
    /// Every line after the start line received so far.
    seen: Vec<String>,
}

impl Serving {
    /// Starts `mesonero serve --addr 127.0.0.1:0` with `args` and reads its
    /// start line to learn the port.
    pub fn start(args: &[&str]) -> Serving {
        Serving::start_with_env(args, &[])
    }

    /// As [`Serving::start`], with environment variables such as
    /// `RUST_LOG`.
    pub fn start_with_env(args: &[&str], env: &[(&str, &str)]) -> Serving {
        let mut command = mesonero(["serve", "--addr", "127.0.0.1:0"].iter().chain(args));
        command.envs(env.iter().copied());
        let mut child = command
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary runs");
        let stderr = child.stderr.take().expect("piped");
        let (tx, lines) = mpsc::channel();
        // Reading on a thread keeps the pipe drained, so the server never
        // blocks on a full one, and lets the test wait with a deadline.
        thread::spawn(move || {
            let mut stderr = BufReader::new(stderr);
            let mut line = Vec::new();
            while stderr.read_until(b'\n', &mut line).is_ok_and(|n| n > 0) {
                let text = String::from_utf8_lossy(&line).into_owned();
                if tx.send(text).is_err() {
                    break;
                }
                line.clear();
            }
        });
        let start_line = match lines.recv_timeout(PATIENCE) {
            Ok(line) => line,
            Err(_) => {
                let _ = child.kill();
                panic!("no start line within {PATIENCE:?}");
            }
        };
        let base = start_line
            .split_once(" on ")
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .filter(|url| url.starts_with("http://127.0.0.1:"))
            .map(str::to_string);
        let Some(base) = base else {
            let _ = child.kill();
            panic!("no address in the start line: {start_line:?}");
        };
        let addr = base["http://".len()..].parse().expect("an address");
        Serving {
            child,
            base,
            addr,
            start_line,
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits at most `limit` for a line of stderr for which `wanted` is
    /// true, and returns it; fails with every line seen if none comes.
    pub fn wait_for_line(&mut self, wanted: impl Fn(&str) -> bool, limit: Duration) -> String {
        let deadline = Instant::now() + limit;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if wanted(&line) {
                        return line;
                    }
                }
                Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => {
                    let _ = self.child.kill();
                    panic!(
                        "the line never came within {limit:?}; stderr after the start line:\n{}",
                        self.seen.concat()
                    );
                }
            }
        }
    }

    /// Sends `signal` (`INT`, `TERM`) and returns at once.
    pub fn signal(&self, signal: &str) {
        send_signal(&self.child, signal);
    }

    /// Waits at most `limit` for the process to end; returns its exit
    /// code and all of stderr after the start line, having checked that
    /// it did not panic.
    pub fn wait(mut self, limit: Duration) -> (Option<i32>, String) {
        let status = wait_bounded(&mut self.child, limit);
        // The reading thread ends with the pipe, which ended with the
        // process: this only collects what it read.
        while let Ok(line) = self.lines.recv_timeout(PATIENCE) {
            self.seen.push(line);
        }
        let rest = self.seen.concat();
        assert_no_panic(&rest);
        (status.code(), rest)
    }

    /// Sends `signal`, waits at most a few seconds for the end, and returns
    /// the exit code and all of stderr after the start line.
    pub fn stop_with(self, signal: &str) -> (Option<i32>, String) {
        self.signal(signal);
        self.wait(PATIENCE)
    }
}

/// Sends `signal` (`INT`, `TERM`) to `child`.
pub fn send_signal(child: &Child, signal: &str) {
    let sent = Command::new("kill")
        .args([format!("-{signal}"), child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success(), "kill -{signal} failed");
}

/// Starts `mesonero serve` with `args` and its stderr set to `stderr`
/// (closed, full...), where its start line cannot be read: on a port the
/// system just said was free, and ready once `/healthz` answers. Returns
/// the process and its base URL.
pub fn start_unheard(args: &[&str], stderr: impl Fn() -> Stdio) -> (Child, String) {
    // Another process may take the port between its release here and the
    // server's bind; the server then exits 1, and a new port is tried.
    for _ in 0..3 {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let addr = format!("127.0.0.1:{port}");
        let mut child = mesonero(["serve", "--addr", &addr].iter().chain(args))
            .stdout(Stdio::null())
            .stderr(stderr())
            .spawn()
            .expect("the binary runs");
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = child.try_wait().expect("try_wait") {
                assert_eq!(status.code(), Some(1), "serve ended with {status}");
                break;
            }
            if let Ok(mut stream) = connect(&addr.parse().expect("an address")) {
                let (status, _) = get(&mut stream, "/healthz", true);
                assert_eq!(status, 200);
                return (child, format!("http://{addr}"));
            }
            if Instant::now() >= deadline {
                let _ = child.kill();
                panic!("serve did not answer within {PATIENCE:?}");
            }
            thread::sleep(Duration::from_millis(20));
        }
    }
    panic!("no free port could be served three times over");
}

/// A plain TCP connection to the server, with generous read and write
/// timeouts so that a test fails rather than hangs.
pub fn connect(addr: &SocketAddr) -> std::io::Result<TcpStream> {
    let stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    stream.set_write_timeout(Some(Duration::from_secs(30)))?;
    Ok(stream)
}

/// Sends `GET path` on `stream` and reads the answer's status and body;
/// with `close`, asks the server to close the connection after it.
pub fn get(stream: &mut TcpStream, path: &str, close: bool) -> (u16, String) {
    let connection = if close { "close" } else { "keep-alive" };
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: {connection}\r\n\r\n"
    )
    .expect("the request is sent");
    read_answer(stream)
}

/// Reads one answer: its status and its body, by its `content-length`.
pub fn read_answer(stream: &mut TcpStream) -> (u16, String) {
    let mut reader = BufReader::new(stream);
    let mut head = String::new();
    let mut length = 0;
    loop {
        let mut line = String::new();
        let n = reader.read_line(&mut line).expect("an answer");
        assert!(
            n > 0,
            "the connection closed in the answer's head: {head:?}"
        );
        if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = value.trim().parse().expect("a length");
        }
        head.push_str(&line);
        if line == "\r\n" {
            break;
        }
    }
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {head:?}"));
    let mut body = vec![0; length];
    reader.read_exact(&mut body).expect("the body");
    (status, String::from_utf8_lossy(&body).into_owned())
}

/// Reads until the server closes the connection; returns what came and
/// how long it took. A reset counts as closed.
pub fn read_until_closed(stream: &mut TcpStream) -> (Vec<u8>, Duration) {
    let started = Instant::now();
    let mut received = Vec::new();
    let mut buf = [0; 1024];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => received.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break,
            Err(e) => panic!(
                "the connection is still open after {:?}: {e}",
                started.elapsed()
            ),
        }
    }
    (received, started.elapsed())
}
