//! How many threads this process may run at once, as the operating system
//! sets it, so that the thread models can stop with a message before the
//! system refuses a thread in a way that cannot be caught.
//!
//! On Linux a thread costs about five memory mappings (its stack, guard
//! pages and signal stack), and when `vm.max_map_count` runs out, the
//! standard library aborts the whole process from inside the new thread.
//! So the budget is the smallest of `kernel.threads-max`, the process
//! limit (`ulimit -u`) and the mappings left divided by five, with a margin.

use std::sync::OnceLock;

/// Memory mappings one thread needs, measured on Linux.
const MAPPINGS_PER_THREAD: usize = 5;

/// A limit on live threads and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadBudget {
    /// Threads that may be alive at once.
    pub threads: usize,
    /// The system setting that imposes it, for messages.
    pub because: String,
}

/// This process's thread budget, read once.
pub fn thread_budget() -> &'static ThreadBudget {
    static BUDGET: OnceLock<ThreadBudget> = OnceLock::new();
    BUDGET.get_or_init(|| {
        let read = |path: &str| std::fs::read_to_string(path).ok();
        budget(
            read("/proc/sys/kernel/threads-max").as_deref(),
            read("/proc/self/limits").as_deref(),
            read("/proc/sys/vm/max_map_count").as_deref(),
            read("/proc/self/maps").map(|m| m.lines().count()),
        )
    })
}

/// The threads the processes a run starts may have, all together, read
/// once: the thread budget without the memory mappings, which each
/// process has its own of. For `processes`, whose waiters are processes.
pub fn process_budget() -> &'static ThreadBudget {
    static BUDGET: OnceLock<ThreadBudget> = OnceLock::new();
    BUDGET.get_or_init(|| {
        let read = |path: &str| std::fs::read_to_string(path).ok();
        budget(
            read("/proc/sys/kernel/threads-max").as_deref(),
            read("/proc/self/limits").as_deref(),
            None,
            None,
        )
    })
}

/// The budget from the contents of the files it is read from (`None` for
/// a file that could not be read, as on systems without `/proc`).
fn budget(
    threads_max: Option<&str>,
    limits: Option<&str>,
    max_map_count: Option<&str>,
    maps_in_use: Option<usize>,
) -> ThreadBudget {
    let number = |text: Option<&str>| text.and_then(|t| t.trim().parse::<usize>().ok());
    let mut candidates = Vec::new();
    if let Some(n) = number(threads_max) {
        candidates.push((n, format!("kernel.threads-max is {n}")));
    }
    let processes = limits.and_then(|l| l.lines().find(|line| line.starts_with("Max processes")));
    if let Some(n) = number(processes.and_then(|line| line.split_whitespace().nth(2))) {
        candidates.push((n, format!("the process limit (ulimit -u) is {n}")));
    }
    if let Some(n) = number(max_map_count) {
        let left = n.saturating_sub(maps_in_use.unwrap_or(0));
        candidates.push((
            left / MAPPINGS_PER_THREAD,
            format!("vm.max_map_count is {n}, about {MAPPINGS_PER_THREAD} per thread"),
        ));
    }
    match candidates.into_iter().min_by_key(|(n, _)| *n) {
        // A tenth kept back for the runtime, the allocator and whatever
        // else the process maps while it runs.
        Some((n, because)) => ThreadBudget {
            threads: n - n / 10,
            because,
        },
        None => ThreadBudget {
            threads: usize::MAX,
            because: "no limit is known".into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tightest_limit_wins() {
        let limits = "Limit                     Soft Limit           Hard Limit           Units\n\
                      Max processes             96365                96365                processes\n";
        let b = budget(Some("192731\n"), Some(limits), Some("65530\n"), Some(530));
        assert_eq!(b.threads, 13_000 - 1_300);
        assert_eq!(b.because, "vm.max_map_count is 65530, about 5 per thread");
    }

    #[test]
    fn unlimited_processes_and_missing_files_are_no_limit() {
        let limits =
            "Max processes             unlimited            unlimited            processes\n";
        let b = budget(Some("1000"), Some(limits), None, None);
        assert_eq!(b.threads, 900);
        assert_eq!(budget(None, None, None, None).threads, usize::MAX);
    }
}
