//! `sequential`: one request after another, each waited for: the nine
//! people take nine times the server's delay. This is the article's remark
//! that with the blocking `requests` library the same fetch would be slow.

use std::time::Instant;

use super::collect::Collector;
use super::{blocking, ClientError, Request, Schedule};
use crate::clock::Shutdown;

/// Fetches every id in turn on the calling thread. Ids not asked for when
/// `shutdown` fires are left to the collector, which reports them as
/// interrupted.
pub fn fetch(
    request: &Request,
    ids: &[u64],
    collector: &Collector,
    shutdown: &Shutdown,
) -> Result<(), ClientError> {
    let client = blocking::client(request)?;
    let schedule = Schedule::new(request.rate);
    for (i, &id) in ids.iter().enumerate() {
        if shutdown.is_triggered() {
            break;
        }
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
    }
    Ok(())
}
