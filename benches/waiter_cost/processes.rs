//! Waiter processes: the `mesonero` binary started N times as a waiter,
//! each watched until it says it is ready, measured while idle, and never
//! left behind: [`Waiters`] closes, kills and reaps every child it holds
//! when dropped, on an error or a panic too. A waiter also ends by itself
//! when its stdin closes, so even if this benchmark is killed outright,
//! its children see the end of their stdin and exit.

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use super::{fail, status_field, Failed, Sample, EXIT_WITHIN, PROCESS_WAITER};

/// The binary under benchmark, built by cargo for benches.
const BIN: &str = env!("CARGO_BIN_EXE_mesonero");

/// Starts `n` waiter processes and measures them.
pub fn processes(n: usize) -> Result<Sample, Failed> {
    let mut waiters = Waiters {
        children: Vec::with_capacity(n),
        said: Vec::with_capacity(n),
    };
    let start = Instant::now();
    for _ in 0..n {
        let mut child = Command::new(BIN)
            .args(PROCESS_WAITER)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()?;
        let said = child.stdout.take().map(BufReader::new);
        waiters.children.push(child);
        match said {
            Some(said) => waiters.said.push(said),
            None => return fail("a waiter process has no stdout"),
        }
    }
    // Each line waits in its pipe until read, so reading them in turn
    // waits for the slowest.
    for (i, said) in waiters.said.iter_mut().enumerate() {
        let mut line = String::new();
        if said.read_line(&mut line)? == 0 {
            return fail(format!(
                "waiter process {} ended before it was ready",
                i + 1
            ));
        }
    }
    let total = start.elapsed();
    let (mut pss, mut rss, mut threads_each) = (0, 0, 0);
    for child in &waiters.children {
        let proc = format!("/proc/{}", child.id());
        pss += status_field(&format!("{proc}/smaps_rollup"), "Pss:")? * 1024;
        rss += status_field(&format!("{proc}/status"), "VmRSS:")? * 1024;
        threads_each = threads_each.max(status_field(&format!("{proc}/status"), "Threads:")?);
    }
    waiters.close()?;
    Ok(Sample {
        total,
        memory: pss,
        rss: Some(rss),
        threads_each: usize::try_from(threads_each).ok(),
    })
}

/// Waiter processes started, with the pipes they answer on.
struct Waiters {
    children: Vec<Child>,
    said: Vec<BufReader<ChildStdout>>,
}

impl Waiters {
    /// Ends the shift: closes every waiter's stdin and waits for each to
    /// end by itself, as it must, within [`EXIT_WITHIN`].
    fn close(mut self) -> Result<(), Failed> {
        for child in &mut self.children {
            drop(child.stdin.take());
        }
        let deadline = Instant::now() + EXIT_WITHIN;
        for (i, child) in self.children.iter_mut().enumerate() {
            let status = loop {
                if let Some(status) = child.try_wait()? {
                    break status;
                }
                if Instant::now() >= deadline {
                    return fail(format!(
                        "waiter process {} did not end within {EXIT_WITHIN:?} of its stdin closing",
                        i + 1
                    ));
                }
                std::thread::sleep(Duration::from_millis(1));
            };
            if !status.success() {
                return fail(format!("waiter process {} ended with {status}", i + 1));
            }
        }
        Ok(())
    }
}

impl Drop for Waiters {
    fn drop(&mut self) {
        // Whatever went wrong, no child outlives this: killed (a no-op for
        // one that ended) and reaped, so that none is left a zombie.
        for child in &mut self.children {
            drop(child.stdin.take());
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
