//! `sequential`: one request after another, each waited for: the nine
//! people take nine times the server's delay. This is the article's remark
//! that with the blocking `requests` library the same fetch would be slow.

use std::time::Instant;

use super::attempt::{Observer, Outcome};
use super::{blocking, ClientError, Request, Schedule};
use crate::clock::Shutdown;

/// Fetches every id in turn on the calling thread.
pub fn fetch(
    request: &Request,
    ids: &[u64],
    observer: Observer,
    shutdown: &Shutdown,
) -> Result<Vec<Outcome>, ClientError> {
    let client = blocking::client(request.timeout)?;
    let schedule = Schedule::new(request.rate);
    let mut outcomes = Vec::with_capacity(ids.len());
    for (i, &id) in ids.iter().enumerate() {
        let due = schedule.wait_for(i, shutdown);
        outcomes.push(blocking::fetch_one(
            &client,
            request,
            id,
            due.unwrap_or_else(Instant::now),
            observer,
            shutdown,
        ));
    }
    Ok(outcomes)
}
