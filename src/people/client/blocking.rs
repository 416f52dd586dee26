//! Fetching one person with a blocking client: the thread waits for each
//! answer, as the `requests` library the article mentions does.

use std::time::{Duration, Instant};

use url::Url;

use super::attempt::{Attempts, Failure, Observer, Outcome};
use super::Request;
use crate::clock::Shutdown;

/// Fetches one person, retrying as the policy allows. `started` is the
/// moment the request was due, from which its latency counts.
pub fn fetch_one(
    client: &reqwest::blocking::Client,
    request: &Request,
    id: u64,
    started: Instant,
    observer: Observer,
    shutdown: &Shutdown,
) -> Outcome {
    let url: Url = request.person_url(id);
    let mut attempts = Attempts::new(id, request.retry, request.timeout, observer);
    let result = loop {
        if shutdown.is_triggered() {
            break Err(Failure::Interrupted);
        }
        // The thread stands still until the answer, and then its body,
        // arrive.
        let failure = match client.get(url.clone()).send() {
            Ok(response) => match attempts.answered(response.status()) {
                Ok(()) => match response.bytes() {
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
        if shutdown.sleep_until(Instant::now() + wait).is_err() {
            break Err(Failure::Interrupted);
        }
    };
    attempts.finish(started, result)
}

/// A blocking client with the run's timeout.
pub fn client(timeout: Duration) -> Result<reqwest::blocking::Client, reqwest::Error> {
    super::ensure_tls();
    reqwest::blocking::Client::builder()
        .timeout(timeout)
        .build()
}
