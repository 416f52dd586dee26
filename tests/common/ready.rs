//! Waiting for a run to reach the state a test needs (a line printed, a
//! file made, a request received) instead of sleeping a fixed time: the
//! test acts as soon as the state is there, and a loaded machine only
//! makes it wait longer. The deadline is generous and only reached when
//! something is wrong; the failure then names what never happened.

use std::io::Read;
use std::process::Child;
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// How long a test waits for a state that comes within a second or two.
pub const READY_WITHIN: Duration = Duration::from_secs(30);

/// Polls `ready` every 10 ms until it holds; fails naming `what` if it
/// does not within [`READY_WITHIN`].
pub fn wait_until(what: &str, ready: impl FnMut() -> bool) {
    if let Err(reason) = poll(None, ready) {
        panic!("{what}: {reason}");
    }
}

/// As [`wait_until`], for a state of `child`'s run: fails at once if the
/// child ends first, and kills it if the state never comes.
pub fn wait_while_running(child: &mut Child, what: &str, ready: impl FnMut() -> bool) {
    if let Err(reason) = poll(Some(child), ready) {
        panic!("{what}: {reason}");
    }
}

/// Polls `ready`; the reason it never held, if it did not.
fn poll(mut child: Option<&mut Child>, mut ready: impl FnMut() -> bool) -> Result<(), String> {
    let deadline = Instant::now() + READY_WITHIN;
    loop {
        if ready() {
            return Ok(());
        }
        if let Some(child) = child.as_mut() {
            if let Some(status) = child.try_wait().expect("try_wait") {
                // What it did just before it ended counts too.
                return match ready() {
                    true => Ok(()),
                    false => Err(format!(
                        "never happened; mesonero ended first, with {status}"
                    )),
                };
            }
        }
        if Instant::now() >= deadline {
            if let Some(child) = child {
                let _ = child.kill();
                let _ = child.wait();
            }
            return Err(format!("never happened within {READY_WITHIN:?}"));
        }
        thread::sleep(Duration::from_millis(10));
    }
}

/// A child's output (a pipe, or a pseudo-terminal), read on a thread of
/// its own, so that the child never blocks on it and a test can wait for a
/// text to appear in it.
pub struct Captured {
    bytes: Arc<Mutex<Vec<u8>>>,
    reader: JoinHandle<()>,
}

impl Captured {
    /// Starts reading `stream` until its end or its first error (a
    /// pseudo-terminal ends in an error once the child has closed it).
    pub fn new(mut stream: impl Read + Send + 'static) -> Captured {
        let bytes = Arc::new(Mutex::new(Vec::new()));
        let filled = bytes.clone();
        let reader = thread::spawn(move || {
            let mut buffer = [0; 4096];
            loop {
                match stream.read(&mut buffer) {
                    Ok(0) => break,
                    Ok(n) => filled.lock().unwrap().extend_from_slice(&buffer[..n]),
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(_) => break,
                }
            }
        });
        Captured { bytes, reader }
    }

    /// What was read so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes.lock().unwrap()).into_owned()
    }

    /// Waits until the output contains `needle`; fails with the output so
    /// far if `child` ends first or the text never comes.
    pub fn wait_for(&self, child: &mut Child, needle: &str) {
        if let Err(reason) = poll(Some(child), || self.text().contains(needle)) {
            panic!(
                "{needle:?} in the output: {reason}; the output so far:\n{}",
                self.text()
            );
        }
    }

    /// All of the output, once the stream has ended, as it does when the
    /// child has ended.
    pub fn finish(self) -> String {
        let Captured { bytes, reader } = self;
        reader.join().expect("the reading thread");
        let bytes = bytes.lock().unwrap();
        String::from_utf8_lossy(&bytes).into_owned()
    }
}
