//! The waiter processes: this same program started again through its
//! hidden `waiter-process` command, counted against the system's limits,
//! and never left behind.
//!
//! [`Staff`] holds every waiter process started. Dropped (a run that
//! ends early, an error, a panic), it kills and reaps the ones still
//! running, so that no waiter outlives its cashier; a run that ends well
//! reaps each first, so that their CPU time counts in the run's.
//!
//! The program is the one running (`std::env::current_exe`), unless
//! [`PROGRAM_VAR`] names another: for tests, and for a program that links
//! the library but is not `mesonero`.

use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use super::channel::TOKEN_VAR;
use super::ProcessError;
use crate::clock::process_budget;
use crate::trace::WaiterId;

/// The most waiter processes a run starts: a lesson in processes, not a
/// load test, and each is a whole program in memory.
pub const MAX_PROCESSES: usize = 256;

/// Threads in a waiter process: the waiter's, and the one that listens to
/// the cashier.
pub const THREADS_PER_PROCESS: usize = 2;

/// The hidden command that makes this program a waiter process.
pub const COMMAND: &str = "waiter-process";

/// The environment variable naming the program to start as a waiter,
/// instead of this one.
pub const PROGRAM_VAR: &str = "MESONERO_WAITER_PROGRAM";

/// How often a waiter process that has ended is looked for while the
/// cashier waits for one to call in or to end: a process's end has no
/// file descriptor to wait on.
pub const LOOK_EVERY: Duration = Duration::from_millis(10);

/// Refuses more waiters than processes may be started for.
pub fn check(waiters: usize) -> Result<(), ProcessError> {
    if waiters > MAX_PROCESSES {
        return Err(ProcessError::TooMany {
            asked: waiters,
            most: MAX_PROCESSES,
        });
    }
    // Every thread of every process counts against the user's process
    // limit (`ulimit -u`) and the kernel's; the cashier keeps one.
    let budget = process_budget();
    let most = budget.threads.saturating_sub(1) / THREADS_PER_PROCESS;
    if waiters > most {
        return Err(ProcessError::OverLimit {
            asked: waiters,
            because: budget.because.clone(),
            per: THREADS_PER_PROCESS,
            most,
        });
    }
    Ok(())
}

/// The program to start as a waiter.
pub fn program() -> Result<PathBuf, ProcessError> {
    if let Some(program) = std::env::var_os(PROGRAM_VAR) {
        return Ok(PathBuf::from(program));
    }
    std::env::current_exe().map_err(|source| ProcessError::CannotStart {
        program: PathBuf::from("mesonero"),
        source,
    })
}

/// How a process ended, for a message: `was killed by signal 9 (SIGKILL)`.
pub fn how(status: ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            let name = match signal {
                libc::SIGKILL => " (SIGKILL)",
                libc::SIGTERM => " (SIGTERM)",
                libc::SIGINT => " (SIGINT)",
                libc::SIGSEGV => " (SIGSEGV)",
                libc::SIGABRT => " (SIGABRT)",
                _ => "",
            };
            return format!("was killed by signal {signal}{name}");
        }
    }
    match status.code() {
        Some(code) => format!("exited with code {code}"),
        None => "ended".to_string(),
    }
}

/// Every waiter process started, by badge.
#[derive(Default)]
pub struct Staff {
    hired: Vec<Hired>,
}

/// One waiter process.
struct Hired {
    waiter: WaiterId,
    child: Child,
    /// Set once the process has been waited for.
    ended: Option<ExitStatus>,
    /// Whether its end was reported by [`Staff::ended_once`].
    told: bool,
}

impl Staff {
    /// Starts `program` as waiter `waiter`, calling the cashier at
    /// `address` with `token`.
    pub fn start(
        &mut self,
        program: &Path,
        waiter: WaiterId,
        address: SocketAddr,
        token: &str,
    ) -> Result<(), ProcessError> {
        let args = [COMMAND.to_string(), "--connect".into(), address.to_string()];
        self.start_with(program, waiter, &args, &[(TOKEN_VAR, token)])
    }

    /// Starts `program` with `args` and `env` as waiter `waiter`.
    pub fn start_with(
        &mut self,
        program: &Path,
        waiter: WaiterId,
        args: &[String],
        env: &[(&str, &str)],
    ) -> Result<(), ProcessError> {
        let mut command = Command::new(program);
        command
            .args(args)
            .envs(env.iter().copied())
            // stdout carries the cashier's log; a waiter's errors may be
            // told on stderr.
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        // A group of its own: Ctrl-C at the terminal reaches the cashier
        // only, which stops its waiters itself, and reports the stop as
        // one, not as waiters lost.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let child = command
            .spawn()
            .map_err(|source| refused(program, waiter, source))?;
        self.hired.push(Hired {
            waiter,
            child,
            ended: None,
            told: false,
        });
        Ok(())
    }

    /// The process id of a waiter; 0 for one never started.
    pub fn pid(&self, waiter: WaiterId) -> u32 {
        self.find(waiter).map_or(0, |h| h.child.id())
    }

    /// A waiter process that has ended, if any, and how.
    pub fn ended(&mut self) -> Option<(WaiterId, ExitStatus)> {
        self.hired.iter_mut().find_map(|h| {
            if h.ended.is_none() {
                h.ended = h.child.try_wait().ok().flatten();
            }
            h.ended.map(|status| (h.waiter, status))
        })
    }

    /// A waiter process that has ended and was not reported yet, and how.
    pub fn ended_once(&mut self) -> Option<(WaiterId, ExitStatus)> {
        self.hired.iter_mut().filter(|h| !h.told).find_map(|h| {
            if h.ended.is_none() {
                h.ended = h.child.try_wait().ok().flatten();
            }
            let status = h.ended?;
            h.told = true;
            Some((h.waiter, status))
        })
    }

    /// Waits for a waiter process to end, for at most `grace`, then kills
    /// it. Says how it ended by itself; `None` if it had to be killed.
    pub async fn reap(&mut self, waiter: WaiterId, grace: Duration) -> Option<ExitStatus> {
        let hired = self.hired.iter_mut().find(|h| h.waiter == waiter)?;
        let deadline = Instant::now() + grace;
        loop {
            if let Some(status) = hired.ended {
                return Some(status);
            }
            match hired.child.try_wait() {
                Ok(Some(status)) => hired.ended = Some(status),
                Ok(None) if Instant::now() < deadline => tokio::time::sleep(LOOK_EVERY).await,
                // Still running past its grace, or cannot be asked.
                _ => {
                    hired.stop();
                    return None;
                }
            }
        }
    }

    /// Waits for every waiter process to end, each for at most `grace`.
    pub async fn release(&mut self, grace: Duration) {
        let waiters: Vec<WaiterId> = self.hired.iter().map(|h| h.waiter).collect();
        for waiter in waiters {
            self.reap(waiter, grace).await;
        }
    }

    fn find(&self, waiter: WaiterId) -> Option<&Hired> {
        self.hired.iter().find(|h| h.waiter == waiter)
    }
}

impl Hired {
    /// Kills the process and waits for it.
    fn stop(&mut self) {
        // Killing a process that has just ended fails harmlessly; waiting
        // for it then reaps it either way.
        let _ = self.child.kill();
        self.ended = Some(self.child.wait().unwrap_or_else(|_| dead()));
    }
}

impl Staff {
    /// Kills every waiter process still running, and reaps it. Called
    /// before the cashier hangs up on them, so that none takes the
    /// hang-up for its cashier's death and says so.
    pub fn dismiss(&mut self) {
        for hired in self.hired.iter_mut().filter(|h| h.ended.is_none()) {
            hired.stop();
        }
    }
}

impl Drop for Staff {
    /// No waiter process outlives the run, however it ends.
    fn drop(&mut self) {
        self.dismiss();
    }
}

/// Why a waiter process could not start: the program itself (missing, not
/// executable) is a setup this run cannot have; anything else (no more
/// processes for now) is a failure of the run.
fn refused(program: &Path, waiter: WaiterId, source: io::Error) -> ProcessError {
    match source.kind() {
        io::ErrorKind::WouldBlock | io::ErrorKind::OutOfMemory | io::ErrorKind::Interrupted => {
            ProcessError::Refused { waiter, source }
        }
        _ => ProcessError::CannotStart {
            program: program.to_path_buf(),
            source,
        },
    }
}

/// The status of a process that could not be waited for.
fn dead() -> ExitStatus {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        ExitStatus::from_raw(libc::SIGKILL)
    }
    #[cfg(not(unix))]
    {
        use std::os::windows::process::ExitStatusExt;
        ExitStatus::from_raw(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_many_waiters_are_refused_with_the_most() {
        assert!(check(1).is_ok());
        let refused = check(MAX_PROCESSES + 1).unwrap_err();
        assert!(refused.is_bad_setup());
        assert!(
            refused.to_string().contains("at most 256, not 257"),
            "{refused}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn endings_are_told_in_words() {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(
            how(ExitStatus::from_raw(9)),
            "was killed by signal 9 (SIGKILL)"
        );
        assert_eq!(how(ExitStatus::from_raw(1 << 8)), "exited with code 1");
    }

    #[test]
    fn a_missing_program_cannot_start() {
        let mut staff = Staff::default();
        let address = SocketAddr::from(([127, 0, 0, 1], 9));
        let missing = Path::new("/nonexistent/mesonero");
        let e = staff.start(missing, 1, address, "t").unwrap_err();
        assert!(e.is_bad_setup(), "{e}");
        assert!(e.to_string().contains("/nonexistent/mesonero"), "{e}");
        assert_eq!(staff.pid(1), 0);
    }
}
