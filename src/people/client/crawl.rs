//! `--all`: list every person the way a scraper would, page after page,
//! following each page's `next` link until there is none, or until
//! `--max-pages`, in case a server's `next` links never end.
//!
//! Each page is read with the run's timeout, retries and body cap; a
//! `next` link to another host is not followed unless
//! `--follow-other-hosts` allows it.

use std::collections::HashSet;
use std::time::{Instant, SystemTime};

use serde::Deserialize;
use url::Url;

use super::address::same_host;
use super::attempt::{server_wait, RetryPolicy};
use super::ids::MAX_IDS;
use super::{blocking, body, ClientError, Failure, Request};
use crate::clock::Shutdown;

/// The default of `--max-pages`: ten thousand people at swapi's ten a
/// page.
pub const DEFAULT_MAX_PAGES: usize = 1_000;

/// The largest `--max-pages` accepted.
pub const LARGEST_MAX_PAGES: usize = 1_000_000;

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

/// What a crawl found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    /// The ids of the people listed, in the API's order.
    pub ids: Vec<u64>,
    /// Pages read.
    pub pages: usize,
    /// Whether the crawl stopped at `max_pages` with a `next` link still
    /// to follow.
    pub cut_short: bool,
}

/// Lists the people the API lists, reading at most `max_pages` pages and
/// telling `progress` the pages read and people listed after each.
pub fn list_ids(
    request: &Request,
    max_pages: usize,
    progress: &dyn Fn(usize, usize),
    shutdown: &Shutdown,
) -> Result<Listing, ClientError> {
    let client = blocking::client(request)?;
    // unwrap is safe because a relative path always joins onto the base.
    let mut url = request.api.join("people/").unwrap();
    let mut seen = HashSet::new();
    let mut listing = Listing {
        ids: Vec::new(),
        pages: 0,
        cut_short: false,
    };
    // A `next` link back to a page already read ends the list, as none.
    while seen.insert(url.clone()) {
        if listing.pages >= max_pages {
            listing.cut_short = true;
            break;
        }
        let crawl_error = |failure| ClientError::Crawl {
            url: url.clone(),
            failure,
        };
        let page = match get_page(&client, &url, request, shutdown) {
            Ok(page) => page,
            Err(Failure::Interrupted) => {
                return Err(ClientError::CrawlInterrupted {
                    pages: listing.pages,
                    people: listing.ids.len(),
                })
            }
            Err(failure) => return Err(crawl_error(failure)),
        };
        listing.pages += 1;
        for entry in &page.results {
            let id = id_of(&entry.url).ok_or_else(|| {
                crawl_error(Failure::NotAPerson(format!(
                    "'{}' does not end in a person's id",
                    entry.url
                )))
            })?;
            listing.ids.push(id);
        }
        if listing.ids.len() as u64 > MAX_IDS {
            return Err(ClientError::TooManyPeople { url });
        }
        progress(listing.pages, listing.ids.len());
        let Some(next) = page.next else { break };
        let next = url.join(&next).map_err(|e| {
            crawl_error(Failure::NotAPerson(format!("bad next link '{next}': {e}")))
        })?;
        if !request.follow_other_hosts && !same_host(&request.api, &next) {
            return Err(ClientError::NextOnOtherHost {
                page: url.to_string(),
                next: next.to_string(),
            });
        }
        url = next;
    }
    Ok(listing)
}

/// The id at the end of a person's URL, `.../people/12/`.
fn id_of(url: &str) -> Option<u64> {
    url.trim_end_matches('/').rsplit('/').next()?.parse().ok()
}

/// One page, with the run's retries and body cap.
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
        let mut asked = None;
        let failure = match client.get(url.clone()).send() {
            Ok(response) if response.status().is_success() => {
                let body = body::read_blocking(response, request.max_body, request.timeout)?;
                return serde_json::from_slice(&body)
                    .map_err(|e| Failure::NotAPerson(format!("not a page of people: {e}")));
            }
            Ok(response) => {
                asked = server_wait(response.status(), response.headers(), SystemTime::now());
                Failure::Status(response.status().as_u16())
            }
            Err(e) => Failure::from_reqwest(&e, request.timeout),
        };
        if !failure.is_retryable() || attempt > policy.retries {
            return Err(failure);
        }
        attempt += 1;
        // As for a person: the server's Retry-After, up to the timeout.
        let wait = asked.map_or_else(|| policy.backoff(attempt), |w| w.min(request.timeout));
        if shutdown.sleep_until(Instant::now() + wait).is_err() {
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
