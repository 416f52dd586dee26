//! `threads`: a pool of OS threads, each with a blocking client, taking
//! the next id as soon as it is free. Up to `--concurrency` requests are
//! in flight, at the cost of a thread (and its stack) for each.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use super::attempt::{Observer, Outcome};
use super::{blocking, ClientError, Request, Schedule};
use crate::clock::Shutdown;

/// Fetches every id with `request.concurrency` threads.
pub fn fetch(
    request: &Request,
    ids: &[u64],
    observer: Observer,
    shutdown: &Shutdown,
) -> Result<Vec<Outcome>, ClientError> {
    let client = blocking::client(request.timeout)?;
    let schedule = Schedule::new(request.rate);
    let next = AtomicUsize::new(0);
    let outcomes = Mutex::new(Vec::with_capacity(ids.len()));
    let threads = request.concurrency.min(ids.len()).max(1);
    std::thread::scope(|scope| -> Result<(), ClientError> {
        for n in 0..threads {
            let worker = || loop {
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
                    observer,
                    shutdown,
                );
                outcomes
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(outcome);
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
    })?;
    Ok(outcomes.into_inner().unwrap_or_else(|e| e.into_inner()))
}
