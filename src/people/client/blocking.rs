//! Fetching one person with a blocking client: the thread waits for each
//! answer, as the `requests` library the article mentions does.

use std::time::Instant;

use url::Url;

use super::address::redirect_policy;
use super::attempt::{Attempts, Observer, Outcome};
use super::{body, Failure, FetchedPerson, Request};
use crate::clock::Shutdown;

/// Fetches one person, retrying as the policy allows. `started` is the
/// moment the request was due, from which its latency counts.
///
/// A stop is seen between attempts: a request already sent is waited for,
/// at most the timeout, since a blocking call cannot be called off.
pub fn fetch_one(
    client: &reqwest::blocking::Client,
    request: &Request,
    id: u64,
    started: Instant,
    observer: Observer,
    shutdown: &Shutdown,
) -> Outcome {
    let url: Url = request.person_url(id);
    let mut attempts = Attempts::new(id, url.clone(), request.retry, request.timeout, observer);
    let result = loop {
        if shutdown.is_triggered() {
            break Err(Failure::Interrupted);
        }
        attempts.sending();
        // The thread stands still until the answer, and then its body,
        // arrive.
        let failure = match client.get(url.clone()).send() {
            Ok(response) => match attempts.answered(response.status(), response.headers()) {
                Ok(()) => match body::read_blocking(response, request.max_body, request.timeout) {
                    Ok(body) => break FetchedPerson::parse(&body),
                    Err(failure) => failure,
                },
                Err(failure) => failure,
            },
            Err(e) => attempts.broke(&e),
        };
        let Some(wait) = attempts.wait_before_retry(&failure) else {
            break Err(failure);
        };
        if shutdown.sleep_until(Instant::now() + wait).is_err() {
            break Err(Failure::Interrupted);
        }
    };
    attempts.finish(started, result)
}

/// A blocking client with the run's timeout and redirect policy.
pub fn client(request: &Request) -> Result<reqwest::blocking::Client, reqwest::Error> {
    super::ensure_tls();
    reqwest::blocking::Client::builder()
        .timeout(request.timeout)
        .redirect(redirect_policy(request.follow_other_hosts))
        .build()
}
