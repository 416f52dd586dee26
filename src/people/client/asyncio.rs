//! `async`: the article's `asinc2.py`. One thread, an event loop, and a
//! future per id; each *awaits* its answer, so up to `--concurrency`
//! requests wait at once without a thread each.

use std::time::Instant;

use futures::stream::{FuturesUnordered, StreamExt};
use url::Url;

use super::address::redirect_policy;
use super::attempt::{Attempts, Observer, Outcome};
use super::collect::Collector;
use super::{body, ClientError, Failure, FetchedPerson, Request, Schedule};
use crate::clock::Shutdown;

/// Fetches every id on one thread, with at most `request.concurrency` in
/// flight. When `shutdown` fires, the requests in flight end at once as
/// interrupted, and the ids not yet asked for are left to the collector,
/// which reports them as interrupted too.
pub fn fetch(
    request: &Request,
    ids: &[u64],
    collector: &Collector,
    shutdown: &Shutdown,
) -> Result<(), ClientError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(ClientError::Runtime)?;
    runtime.block_on(async {
        super::ensure_tls();
        let client = reqwest::Client::builder()
            .timeout(request.timeout)
            .redirect(redirect_policy(request.follow_other_hosts))
            .build()?;
        let schedule = Schedule::new(request.rate);
        // `coros = [get_person(session, id) for id in range(1, 10)]` and
        // `await asyncio.gather(*coros)`, with a bound: a new request
        // starts only when one of the `concurrency` in flight is done.
        let mut in_flight = FuturesUnordered::new();
        for (i, &id) in ids.iter().enumerate() {
            if in_flight.len() >= request.concurrency.max(1) {
                if let Some((index, outcome)) = in_flight.next().await {
                    collector.done(index, outcome);
                }
            }
            if shutdown.is_triggered() {
                break;
            }
            let due = schedule.due(i);
            let one = fetch_one(&client, request, id, due, collector.observer(), shutdown);
            in_flight.push(async move { (i, one.await) });
        }
        while let Some((index, outcome)) = in_flight.next().await {
            collector.done(index, outcome);
        }
        Ok(())
    })
}

/// Fetches one person, retrying as the policy allows, without blocking
/// the thread: every wait is an `.await`, raced against the stop signal.
async fn fetch_one(
    client: &reqwest::Client,
    request: &Request,
    id: u64,
    due: Option<Instant>,
    observer: Observer<'_>,
    shutdown: &Shutdown,
) -> Outcome {
    let started = due.unwrap_or_else(Instant::now);
    let url: Url = request.person_url(id);
    let mut attempts = Attempts::new(id, url.clone(), request.retry, request.timeout, observer);
    let work = async {
        if let Some(due) = due {
            tokio::time::sleep_until(due.into()).await;
        }
        loop {
            attempts.sending();
            // `async with session.get(url) as response:` and
            // `person = await response.json()`: each `.await` lets the
            // other requests run meanwhile.
            let failure = match client.get(url.clone()).send().await {
                Ok(response) => match attempts.answered(response.status(), response.headers()) {
                    Ok(()) => {
                        match body::read_async(response, request.max_body, request.timeout).await {
                            Ok(body) => break FetchedPerson::parse(&body),
                            Err(failure) => failure,
                        }
                    }
                    Err(failure) => failure,
                },
                Err(e) => attempts.broke(&e),
            };
            let Some(wait) = attempts.wait_before_retry(&failure) else {
                break Err(failure);
            };
            tokio::time::sleep(wait).await;
        }
    };
    // On a stop, the request in flight is dropped (its connection closed)
    // and the id ends as interrupted, with the requests it made so far.
    let result = tokio::select! {
        biased;
        () = shutdown.triggered() => Err(Failure::Interrupted),
        result = work => result,
    };
    attempts.finish(started, result)
}
