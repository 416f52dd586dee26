//! Headless Chromium for tests: Debian's browser at /usr/bin/chromium,
//! run with a fresh profile, nothing that reaches the network, and a
//! bound on its time, after which it is killed with its helpers.
//!
//! Without the browser a test says it is skipped, except when `CI` is
//! set: there it fails, so that a missing browser cannot pass for a
//! passing test. `.ci/run` installs it.

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// Where Debian installs the browser.
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// The longest one browser run may take before it is killed.
pub const LIMIT: Duration = Duration::from_secs(60);

/// Whether the browser is there; under CI, its absence fails the test.
pub fn chromium_available() -> bool {
    if Path::new(CHROMIUM).exists() {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "chromium not found at {CHROMIUM}, and CI is set: install it (apt-get install chromium)"
    );
    eprintln!("skipped: chromium not found at {CHROMIUM} (apt-get install chromium)");
    false
}

/// What one browser run printed.
pub struct Browser {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

/// Runs headless Chromium with `args` and a fresh profile in `dir`, with
/// nothing that reaches the network, killed with all its processes after
/// [`LIMIT`].
pub fn chromium(dir: &Path, args: &[String]) -> Browser {
    let profile = tempfile::tempdir_in(dir).unwrap();
    let mut child = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        // A group of its own, so that its helper processes can be ended
        // with it.
        .process_group(0)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    let group = child.id() as libc::pid_t;
    let read = |mut pipe: Box<dyn Read + Send>| {
        thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let stdout = read(Box::new(child.stdout.take().unwrap()));
    let stderr = read(Box::new(child.stderr.take().unwrap()));
    let kill_group = || {
        // SAFETY: kill has no memory effects; a group already gone is
        // only an error return.
        unsafe { libc::kill(-group, libc::SIGKILL) };
    };
    let deadline = Instant::now() + LIMIT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() >= deadline {
            kill_group();
            let _ = child.wait();
            panic!("chromium {args:?} did not end within {LIMIT:?}; killed it");
        }
        thread::sleep(Duration::from_millis(50));
    };
    // A helper left behind would hold the pipes open.
    kill_group();
    Browser {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}
