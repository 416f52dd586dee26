//! `async`: the article's `asinc2.py`. One thread, an event loop, and a
//! future per id; each *awaits* its answer, so up to `--concurrency`
//! requests wait at once without a thread each.

use std::time::Instant;

use futures::stream::{FuturesUnordered, StreamExt};
use url::Url;

use super::attempt::{Attempts, Failure, Observer, Outcome};
use super::{ClientError, Request, Schedule};
use crate::clock::Shutdown;

/// Fetches every id on one thread, with at most `request.concurrency` in
/// flight. Ids not done when `shutdown` fires are left out; the caller
/// reports them as interrupted.
pub fn fetch(
    request: &Request,
    ids: &[u64],
    observer: Observer,
    shutdown: &Shutdown,
) -> Result<Vec<Outcome>, ClientError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(ClientError::Runtime)?;
    let mut outcomes = Vec::with_capacity(ids.len());
    runtime.block_on(async {
        super::ensure_tls();
        let client = reqwest::Client::builder()
            .timeout(request.timeout)
            .build()?;
        let schedule = Schedule::new(request.rate);
        let work = async {
            // `coros = [get_person(session, id) for id in range(1, 10)]`
            // and `await asyncio.gather(*coros)`, with a bound: a new
            // request starts only when one of the `concurrency` in flight
            // is done.
            let mut in_flight = FuturesUnordered::new();
            for (i, &id) in ids.iter().enumerate() {
                if in_flight.len() >= request.concurrency.max(1) {
                    if let Some(outcome) = in_flight.next().await {
                        outcomes.push(outcome);
                    }
                }
                in_flight.push(fetch_one(&client, request, id, schedule.due(i), observer));
            }
            while let Some(outcome) = in_flight.next().await {
                outcomes.push(outcome);
            }
        };
        tokio::select! {
            biased;
            () = shutdown.triggered() => {}
            () = work => {}
        }
        Ok::<_, ClientError>(())
    })?;
    Ok(outcomes)
}

/// Fetches one person, retrying as the policy allows, without blocking
/// the thread: every wait is an `.await`.
async fn fetch_one(
    client: &reqwest::Client,
    request: &Request,
    id: u64,
    due: Option<Instant>,
    observer: Observer<'_>,
) -> Outcome {
    if let Some(due) = due {
        tokio::time::sleep_until(due.into()).await;
    }
    let started = due.unwrap_or_else(Instant::now);
    let url: Url = request.person_url(id);
    let mut attempts = Attempts::new(id, request.retry, request.timeout, observer);
    let result = loop {
        // `async with session.get(url) as response:` and
        // `person = await response.json()`: each `.await` lets the other
        // requests run meanwhile.
        let failure = match client.get(url.clone()).send().await {
            Ok(response) => match attempts.answered(response.status()) {
                Ok(()) => match response.bytes().await {
                    Ok(body) => break Failure::parse(&body),
                    Err(e) => attempts.broke(&e),
                },
                Err(failure) => failure,
            },
            Err(e) => attempts.broke(&e),
        };
        let Some(wait) = attempts.retry_after(&failure) else {
            break Err(failure);
        };
        tokio::time::sleep(wait).await;
    };
    attempts.finish(started, result)
}
