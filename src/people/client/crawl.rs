//! `--all`: list every person the way a scraper would, page after page,
//! following each page's `next` link until there is none.

use std::collections::HashSet;
use std::time::Instant;

use serde::Deserialize;
use url::Url;

use super::attempt::{Failure, RetryPolicy};
use super::{blocking, ClientError, Request};
use crate::clock::Shutdown;

/// The most pages a crawl follows, in case a server's `next` links never
/// end.
const MAX_PAGES: usize = 1_000_000;

/// One page of `GET /api/people/`.
#[derive(Debug, Deserialize)]
struct Page {
    next: Option<String>,
    results: Vec<Entry>,
}

/// A person in a page, of whom only the address matters here.
#[derive(Debug, Deserialize)]
struct Entry {
    url: String,
}

/// The ids of every person the API lists, in its order.
pub fn list_ids(request: &Request, shutdown: &Shutdown) -> Result<Vec<u64>, ClientError> {
    let client = blocking::client(request.timeout)?;
    // unwrap is safe because a relative path always joins onto the base.
    let mut url = request.api.join("people/").unwrap();
    let mut seen = HashSet::new();
    let mut ids = Vec::new();
    loop {
        if !seen.insert(url.clone()) || seen.len() > MAX_PAGES {
            break;
        }
        let page =
            get_page(&client, &url, request, shutdown).map_err(|failure| ClientError::Crawl {
                url: url.clone(),
                failure,
            })?;
        for entry in &page.results {
            let id = id_of(&entry.url).ok_or_else(|| ClientError::Crawl {
                url: url.clone(),
                failure: Failure::NotAPerson(format!(
                    "'{}' does not end in a person's id",
                    entry.url
                )),
            })?;
            ids.push(id);
        }
        match page.next {
            Some(next) => {
                url = url.join(&next).map_err(|e| ClientError::Crawl {
                    url: url.clone(),
                    failure: Failure::NotAPerson(format!("bad next link '{next}': {e}")),
                })?;
            }
            None => break,
        }
    }
    Ok(ids)
}

/// The id at the end of a person's URL, `.../people/12/`.
fn id_of(url: &str) -> Option<u64> {
    url.trim_end_matches('/').rsplit('/').next()?.parse().ok()
}

/// One page, with the run's retries.
fn get_page(
    client: &reqwest::blocking::Client,
    url: &Url,
    request: &Request,
    shutdown: &Shutdown,
) -> Result<Page, Failure> {
    let policy: RetryPolicy = request.retry;
    let mut attempt = 1;
    loop {
        if shutdown.is_triggered() {
            return Err(Failure::Interrupted);
        }
        let failure = match client.get(url.clone()).send() {
            Ok(response) if response.status().is_success() => {
                let body = response
                    .bytes()
                    .map_err(|e| Failure::from_reqwest(&e, request.timeout))?;
                return serde_json::from_slice(&body)
                    .map_err(|e| Failure::NotAPerson(format!("not a page of people: {e}")));
            }
            Ok(response) => Failure::Status(response.status().as_u16()),
            Err(e) => Failure::from_reqwest(&e, request.timeout),
        };
        if !failure.is_retryable() || attempt > policy.retries {
            return Err(failure);
        }
        attempt += 1;
        if shutdown
            .sleep_until(Instant::now() + policy.backoff(attempt))
            .is_err()
        {
            return Err(Failure::Interrupted);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_come_from_the_end_of_the_url() {
        assert_eq!(id_of("http://127.0.0.1:8000/api/people/12/"), Some(12));
        assert_eq!(id_of("https://swapi.dev/api/people/1"), Some(1));
        assert_eq!(id_of("https://swapi.dev/api/people/"), None);
    }
}
