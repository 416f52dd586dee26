//! `threads`: a pool of OS threads, each with a blocking client, taking
//! the next id as soon as it is free. Up to `--concurrency` requests are
//! in flight, at the cost of a thread (and its stack) for each.
//!
//! A pool larger than the system allows is refused before any thread
//! starts ([`check_budget`]): past that limit the standard library aborts
//! the whole process from inside a new thread, where it cannot be caught.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use super::collect::Collector;
use super::{blocking, ClientError, Request, Schedule};
use crate::clock::{thread_budget, Shutdown, ThreadBudget};

/// The threads a run of `ids` ids with `concurrency` uses: no more than
/// there are ids, and at least one.
pub fn pool_size(concurrency: usize, ids: usize) -> usize {
    concurrency.min(ids).max(1)
}

/// Refuses a pool of `threads` that, with the threads this process already
/// runs, would pass this system's thread budget.
pub fn check_budget(threads: usize) -> Result<(), ClientError> {
    fits(threads, running_threads(), thread_budget())
}

/// Whether `threads` more fit beside the `running` ones within `budget`.
fn fits(threads: usize, running: usize, budget: &ThreadBudget) -> Result<(), ClientError> {
    let allowed = budget.threads.saturating_sub(running);
    if threads <= allowed {
        Ok(())
    } else {
        Err(ClientError::OverBudget {
            threads,
            allowed,
            because: budget.because.clone(),
        })
    }
}

/// Threads of this process now (the main thread, the Ctrl-C handler, a
/// built-in server's); 1 where that cannot be read.
fn running_threads() -> usize {
    std::fs::read_dir("/proc/self/task").map_or(1, |tasks| tasks.count().max(1))
}

/// Fetches every id with a pool of threads. Ids not asked for when
/// `shutdown` fires are left to the collector, which reports them as
/// interrupted.
pub fn fetch(
    request: &Request,
    ids: &[u64],
    collector: &Collector,
    shutdown: &Shutdown,
) -> Result<(), ClientError> {
    let threads = pool_size(request.concurrency, ids.len());
    check_budget(threads)?;
    let client = blocking::client(request)?;
    let schedule = Schedule::new(request.rate);
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| -> Result<(), ClientError> {
        for n in 0..threads {
            let worker = || loop {
                if shutdown.is_triggered() {
                    break;
                }
                // Each thread takes the next id off a shared counter, like
                // the restaurant's waiters take orders off the queue.
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(&id) = ids.get(i) else { break };
                let due = schedule.wait_for(i, shutdown);
                let outcome = blocking::fetch_one(
                    &client,
                    request,
                    id,
                    due.unwrap_or_else(Instant::now),
                    collector.observer(),
                    shutdown,
                );
                collector.done(i, outcome);
            };
            let spawned = std::thread::Builder::new()
                .name(format!("fetch-{n}"))
                .spawn_scoped(scope, worker);
            match spawned {
                Ok(_) => {}
                // The threads already running will fetch every id; fewer
                // threads is slower, not wrong.
                Err(_) if n > 0 => break,
                Err(e) => return Err(ClientError::Threads(e)),
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budget(threads: usize) -> ThreadBudget {
        ThreadBudget {
            threads,
            because: "vm.max_map_count is 65530, about 5 per thread".into(),
        }
    }

    #[test]
    fn the_pool_is_no_larger_than_the_ids() {
        assert_eq!(pool_size(20_000, 9), 9);
        assert_eq!(pool_size(10, 300), 10);
        assert_eq!(pool_size(10, 0), 1);
    }

    #[test]
    fn a_pool_past_the_budget_is_refused_with_the_limit_and_its_source() {
        assert!(fits(11_000, 5, &budget(11_794)).is_ok());
        assert!(fits(11_789, 5, &budget(11_794)).is_ok());
        let err = fits(11_790, 5, &budget(11_794)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "--concurrency 11790: the threads model needs 11790 threads, and 11789 more are \
             as many as this system allows (vm.max_map_count is 65530, about 5 per thread); \
             give --concurrency 11789 or less, or use --model async"
        );
        assert!(fits(20_000, 5, &budget(usize::MAX)).is_ok());
    }
}
