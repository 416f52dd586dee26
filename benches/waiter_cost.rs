//! The cost of a waiter, in numbers: how long it takes to start N waiters
//! until each has said it is running, and how much resident memory each
//! adds while all are idle, waiting for an order. The article says a
//! thread "is not very costly, but it has a cost"; here are a task's, a
//! thread's and a process's, at 1, 10, 100 and 1,000 waiters.
//!
//!     cargo bench --bench waiter_cost
//!     cargo bench --bench waiter_cost -- --json
//!     cargo bench --bench waiter_cost -- --reps 3 --sizes 1,100
//!
//! - A **task** is spawned on the async models' event loop (`EventLoop`,
//!   tokio's current-thread runtime), says so on a counter and awaits a
//!   gate.
//! - A **thread** is started as the threaded models start their waiters
//!   (`ThreadClock::spawn`, with its stack size, named `waiter-N`, hired
//!   before the clock opens), says so on a counter and blocks on a gate.
//! - A **process** is the `mesonero` binary started again as a waiter
//!   ([`PROCESS_WAITER`]): it says so with a line on stdout and blocks
//!   reading stdin until it is closed.
//!
//! Start-up runs from the first spawn to the last waiter's word. Memory,
//! for tasks and threads, is the resident size (RSS) the process grew by;
//! each such measurement runs in a fresh copy of this benchmark (re-executed
//! with `--child`), so that memory an earlier one freed and the allocator
//! kept (glibc caches thread stacks, malloc keeps its arenas) does not hide
//! what the next one adds. For processes it is the children's own memory:
//! their proportional set size (PSS: a page shared by k processes counts
//! 1/k to each, so the binary's shared code is paid once), and their RSS.
//! Memory the kernel keeps for a waiter (a thread's kernel stack, a
//! process's page tables, a pipe's buffer) is in neither figure. Every
//! figure is the median of several runs. Linux only: memory is read from
//! /proc.

use std::process::{Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use mesonero::clock::event_loop::{Flavor, DEFAULT_BLOCKING_THREADS};
use mesonero::clock::{thread_budget, EventLoop, ThreadClock};
use mesonero::{ClockKind, Shutdown};

// Beside this file rather than in benches/, where cargo would take each
// for a benchmark of its own.
#[path = "waiter_cost/options.rs"]
mod options;
#[path = "waiter_cost/output.rs"]
mod output;
#[path = "waiter_cost/processes.rs"]
mod processes;

use options::Options;
use processes::processes;

/// The numbers of waiters measured, unless `--sizes` says otherwise.
const SIZES: [usize; 4] = [1, 10, 100, 1_000];

/// Runs of each size, unless `--reps` says otherwise.
const REPS: usize = 5;

/// The arguments that make the `mesonero` binary a waiter process, which
/// must write a line on stdout once ready and end when its stdin closes.
/// The one line to change for the processes model's own waiter.
const PROCESS_WAITER: &[&str] = &["idle-waiter"];

/// How long waiter processes have to end once their stdin is closed,
/// before they are killed and the run fails.
const EXIT_WITHIN: Duration = Duration::from_secs(10);

/// File descriptors this process keeps open besides its children's pipes.
const SPARE_FILES: usize = 32;

/// The kinds of waiter, in the order measured.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Task,
    Thread,
    Process,
}

impl Kind {
    const ALL: [Kind; 3] = [Kind::Task, Kind::Thread, Kind::Process];

    fn name(self) -> &'static str {
        match self {
            Kind::Task => "task",
            Kind::Thread => "thread",
            Kind::Process => "process",
        }
    }
}

/// One run of N waiters.
#[derive(Debug, Clone, Copy)]
struct Sample {
    /// From the first spawn to the last waiter's word.
    total: Duration,
    /// Bytes for all N: RSS added (tasks, threads) or PSS (processes).
    memory: i64,
    /// Processes only: the children's RSS, in bytes, and OS threads each.
    rss: Option<i64>,
    threads_each: Option<usize>,
}

/// A measurement that could not be made.
#[derive(Debug)]
struct Failed(String);

impl<E: std::error::Error> From<E> for Failed {
    fn from(e: E) -> Failed {
        Failed(e.to_string())
    }
}

fn fail<T>(message: impl Into<String>) -> Result<T, Failed> {
    Err(Failed(message.into()))
}

fn main() -> ExitCode {
    let options = match Options::parse(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("waiter_cost: {message}");
            return ExitCode::from(2);
        }
    };
    if !cfg!(target_os = "linux") {
        println!("waiter_cost reads memory from /proc, which only Linux has: skipped");
        return ExitCode::SUCCESS;
    }
    let done = match options.child {
        // One measurement in this fresh process, for the parent to read.
        Some((kind, n)) => {
            in_process(kind, n).map(|s| println!("{} {}", s.total.as_nanos(), s.memory))
        }
        None => measure_all(&options),
    };
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failed(message)) => {
            eprintln!("waiter_cost: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Every kind at every size, printed as a table or as JSON.
fn measure_all(options: &Options) -> Result<(), Failed> {
    let open_files = raise_open_files();
    let mut table = output::Table::new(options.json, options.reps);
    for kind in Kind::ALL.into_iter().filter(|&k| options.wants(k)) {
        // OS threads in one waiter process, from one started to see, so
        // that the limit on threads is checked before starting a thousand.
        let threads_each = match kind {
            Kind::Process => processes(1)?.threads_each.unwrap_or(1),
            _ => 1,
        };
        for &n in &options.sizes {
            if let Some(reason) = too_many(kind, n, threads_each, open_files) {
                table.skipped(kind, n, &reason);
                continue;
            }
            let samples = (0..options.reps)
                .map(|_| match kind {
                    Kind::Process => processes(n),
                    _ => in_fresh_process(kind, n),
                })
                .collect::<Result<Vec<_>, _>>()?;
            table.row(kind, n, &samples);
        }
    }
    table.finish();
    Ok(())
}

/// Why `n` waiters of `kind` would pass a limit of the system, if so.
fn too_many(kind: Kind, n: usize, threads_each: usize, open_files: usize) -> Option<String> {
    let budget = thread_budget();
    let threads = match kind {
        Kind::Task => return None,
        // This one, and the one that waits for them.
        Kind::Thread => n + 1,
        Kind::Process => n * threads_each,
    };
    if threads > budget.threads {
        return Some(format!(
            "needs {threads} OS threads, and the system allows {} ({})",
            budget.threads, budget.because
        ));
    }
    // Two pipes to each waiter process: its stdin and its stdout.
    let files = 2 * n + SPARE_FILES;
    if kind == Kind::Process && files > open_files {
        return Some(format!(
            "needs {files} open files, and ulimit -n is {open_files}"
        ));
    }
    None
}

/// Raises this process's limit on open files to the most it may have (a
/// soft limit of 1,024 is common, below two pipes to each of 1,000
/// waiters), and returns the limit.
#[cfg(unix)]
fn raise_open_files() -> usize {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: both calls read or write only the struct they are given.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return 1024;
        }
        let raised = libc::rlimit {
            rlim_cur: limit.rlim_max,
            ..limit
        };
        if limit.rlim_cur < limit.rlim_max && libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
            limit = raised;
        }
    }
    usize::try_from(limit.rlim_cur).unwrap_or(usize::MAX)
}

#[cfg(not(unix))]
fn raise_open_files() -> usize {
    usize::MAX
}

/// One measurement of tasks or threads, in a fresh copy of this benchmark.
fn in_fresh_process(kind: Kind, n: usize) -> Result<Sample, Failed> {
    let out = Command::new(std::env::current_exe()?)
        .args(["--child", kind.name(), &n.to_string()])
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut words = text.split_whitespace();
    let total = words.next().and_then(|w| w.parse().ok());
    let memory = words.next().and_then(|w| w.parse().ok());
    match (out.status.success(), total, memory) {
        (true, Some(total), Some(memory)) => Ok(Sample {
            total: Duration::from_nanos(total),
            memory,
            rss: None,
            threads_each: None,
        }),
        _ => fail(format!(
            "measuring {n} {}s failed ({}): {text}",
            kind.name(),
            out.status
        )),
    }
}

/// One measurement of `n` tasks or threads, in this process.
fn in_process(kind: Kind, n: usize) -> Result<Sample, Failed> {
    match kind {
        Kind::Task => tasks(n),
        Kind::Thread => threads(n),
        Kind::Process => processes(n),
    }
}

/// `n` tasks on the async models' event loop.
fn tasks(n: usize) -> Result<Sample, Failed> {
    let real = ClockKind::Real { speed: 1.0 };
    let event_loop = EventLoop::new(Flavor::CurrentThread, real, DEFAULT_BLOCKING_THREADS, None)?;
    let (sample, _) = event_loop.run(&Shutdown::new(), |_clock| async move {
        let ready = Arc::new(AtomicUsize::new(0));
        let all_ready = Arc::new(tokio::sync::Notify::new());
        let (open, gate) = tokio::sync::watch::channel(false);
        let mut tasks = Vec::with_capacity(n);
        let before = own_rss()?;
        let start = Instant::now();
        for _ in 0..n {
            let (ready, all_ready, mut gate) = (ready.clone(), all_ready.clone(), gate.clone());
            tasks.push(tokio::spawn(async move {
                // The last task to run wakes the one that waits for all.
                if ready.fetch_add(1, Ordering::Relaxed) + 1 == n {
                    all_ready.notify_one();
                }
                // Idle, as a waiter with no order: the gate opens at the end.
                let _ = gate.wait_for(|&open| open).await;
            }));
        }
        // The tasks run only once this task waits, on the loop's one thread.
        all_ready.notified().await;
        let total = start.elapsed();
        let memory = own_rss()? - before;
        let _ = open.send(true);
        for task in tasks {
            task.await?;
        }
        Ok::<_, Failed>(Sample {
            total,
            memory,
            rss: None,
            threads_each: None,
        })
    });
    sample
}

/// `n` threads, started as the threaded models start their waiters.
fn threads(n: usize) -> Result<Sample, Failed> {
    let clock = ThreadClock::real(1.0, Shutdown::new());
    let (ready, gate) = (Flag::default(), Flag::default());
    std::thread::scope(|s| {
        let mut workers = Vec::with_capacity(n);
        // Dropped before `workers`, which join their threads when dropped:
        // on an early return the threads must be let go first.
        let _release = Release(&clock, &gate);
        let before = own_rss()?;
        let start = Instant::now();
        for i in 0..n {
            let (ready, gate) = (&ready, &gate);
            let work = move || {
                ready.add();
                gate.wait_for(1);
            };
            workers.push(clock.spawn(s, format!("waiter-{i}"), work)?);
        }
        // Staff are hired before the restaurant opens, as in the models.
        clock.open();
        ready.wait_for(n);
        let total = start.elapsed();
        let memory = own_rss()? - before;
        gate.add();
        workers.into_iter().for_each(|w| w.join());
        Ok(Sample {
            total,
            memory,
            rss: None,
            threads_each: None,
        })
    })
}

/// A count that threads raise and wait for.
#[derive(Default)]
struct Flag {
    count: Mutex<usize>,
    changed: Condvar,
}

impl Flag {
    fn add(&self) {
        // A poisoned lock means a panic elsewhere, which ends the run anyway.
        let mut count = self.count.lock().unwrap_or_else(|e| e.into_inner());
        *count += 1;
        self.changed.notify_all();
    }

    fn wait_for(&self, at_least: usize) {
        let count = self.count.lock().unwrap_or_else(|e| e.into_inner());
        let _unused = self
            .changed
            .wait_while(count, |c| *c < at_least)
            .unwrap_or_else(|e| e.into_inner());
    }
}

/// Opens the clock and the gate when dropped, so that no thread is left
/// waiting for either.
struct Release<'a>(&'a ThreadClock, &'a Flag);

impl Drop for Release<'_> {
    fn drop(&mut self) {
        self.0.open();
        self.1.add();
    }
}

/// This process's resident size, in bytes.
fn own_rss() -> Result<i64, Failed> {
    status_field("/proc/self/status", "VmRSS:").map(|kib| kib * 1024)
}

/// A field of a `/proc` file given in kB, such as `VmRSS:` or `Pss:`.
fn status_field(path: &str, field: &str) -> Result<i64, Failed> {
    let text = std::fs::read_to_string(path)?;
    let value = text
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|number| number.parse().ok());
    match value {
        Some(kib) => Ok(kib),
        None => fail(format!("{path} has no {field}")),
    }
}
