//! Where requests may go: the API's base URL, and whether a redirect or a
//! `next` link stays on the API's host.
//!
//! A fetch asks one API. A server that answers with a redirect, or a page
//! whose `next` link points elsewhere, would otherwise send the client to
//! any machine it names; that is refused unless `--follow-other-hosts`
//! says the user wants it.

use thiserror::Error;
use url::Url;

use super::ClientError;

/// The most redirects followed for one request, as reqwest's default.
pub const MAX_REDIRECTS: usize = 10;

/// Reads an API base URL: `http://host:port/api/`. A URL with no path is
/// given swapi's `/api/`, and a path gets its trailing slash, so that
/// `people/1/` joins onto it. The people's own address,
/// `http://host/api/people/`, is taken for the root above it; a person's
/// address, a query or a fragment is refused with what to give instead.
pub fn api_url(text: &str) -> Result<Url, ClientError> {
    let bad = |why: &str| ClientError::BadUrl {
        url: text.to_string(),
        why: why.to_string(),
    };
    let mut url = Url::parse(text).map_err(|e| bad(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("only http:// and https:// are supported"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("there is no host"));
    }
    if url.path() == "/" {
        url.set_path("/api/");
    } else if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    // The people's URLs are joined onto the root, which would drop a
    // query or a fragment without a word.
    if url.query().is_some() || url.fragment().is_some() {
        url.set_query(None);
        url.set_fragment(None);
        return Err(bad(&format!(
            "the people's addresses would not keep its query or fragment; give the API's \
             root, such as {}",
            root_of(&url)
        )));
    }
    let segments: Vec<&str> = url.path().trim_matches('/').split('/').collect();
    match segments.as_slice() {
        [.., "people", id] if id.parse::<u64>().is_ok() => Err(bad(&format!(
            "it is person {id}'s address; give the API's root, {}, and --ids {id}",
            root_of(&url)
        ))),
        [.., "people"] => Ok(root_of(&url)),
        _ => Ok(url),
    }
}

/// The API's root above a URL under its `people/`: `http://h/api/` for
/// `http://h/api/people/` or `http://h/api/people/3/`.
fn root_of(url: &Url) -> Url {
    let path = url.path();
    let root = match path.rfind("/people/") {
        Some(at) => &path[..=at],
        None => path,
    };
    let mut root_url = url.clone();
    root_url.set_path(root);
    root_url
}

/// Whether `b` is on the same host as `a`: the same name or address;
/// the scheme and the port may differ (`http` to `https` is fine).
pub fn same_host(a: &Url, b: &Url) -> bool {
    // `url` lowercases names and normalises addresses, so equal hosts
    // compare equal.
    a.host() == b.host()
}

/// A redirect to another host, refused.
#[derive(Debug, Error)]
#[error("redirected to another host, {0}")]
pub struct RedirectedAway(pub Url);

/// The redirect policy of every client: up to [`MAX_REDIRECTS`], and only
/// on the host first asked unless `follow_other_hosts`.
pub fn redirect_policy(follow_other_hosts: bool) -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(move |attempt| {
        // `previous` starts with the URL first asked, then each redirect.
        if attempt.previous().len() > MAX_REDIRECTS {
            let error = format!("more than {MAX_REDIRECTS} redirects");
            return attempt.error(error);
        }
        let away = attempt
            .previous()
            .first()
            .is_some_and(|first| !same_host(first, attempt.url()));
        if away && !follow_other_hosts {
            let to = attempt.url().clone();
            attempt.error(RedirectedAway(to))
        } else {
            attempt.follow()
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_urls_get_swapis_path_and_a_trailing_slash() {
        assert_eq!(
            api_url("http://127.0.0.1:8000").unwrap().as_str(),
            "http://127.0.0.1:8000/api/"
        );
        assert_eq!(
            api_url("https://swapi.dev/api").unwrap().as_str(),
            "https://swapi.dev/api/"
        );
    }

    #[test]
    fn the_peoples_address_is_taken_for_the_root() {
        for people in [
            "http://127.0.0.1:8000/api/people/",
            "http://127.0.0.1:8000/api/people",
        ] {
            assert_eq!(
                api_url(people).unwrap().as_str(),
                "http://127.0.0.1:8000/api/",
                "{people}"
            );
        }
        assert_eq!(
            api_url("https://example.com/v2/swapi/people/")
                .unwrap()
                .as_str(),
            "https://example.com/v2/swapi/"
        );
        assert_eq!(
            api_url("http://127.0.0.1:8000/people").unwrap().as_str(),
            "http://127.0.0.1:8000/"
        );
        // Another root is left as given.
        assert_eq!(
            api_url("http://127.0.0.1:8000/v2/").unwrap().as_str(),
            "http://127.0.0.1:8000/v2/"
        );
    }

    #[test]
    fn a_persons_address_or_a_query_is_refused_with_what_to_give() {
        assert_eq!(
            api_url("http://127.0.0.1:8000/api/people/3/")
                .unwrap_err()
                .to_string(),
            "--api: 'http://127.0.0.1:8000/api/people/3/' is not a usable URL: it is person 3's \
             address; give the API's root, http://127.0.0.1:8000/api/, and --ids 3"
        );
        assert_eq!(
            api_url("http://127.0.0.1:8000/api/people/?page=2")
                .unwrap_err()
                .to_string(),
            "--api: 'http://127.0.0.1:8000/api/people/?page=2' is not a usable URL: the people's \
             addresses would not keep its query or fragment; give the API's root, such as \
             http://127.0.0.1:8000/api/"
        );
        assert!(api_url("http://127.0.0.1:8000/api/#top")
            .unwrap_err()
            .to_string()
            .contains("such as http://127.0.0.1:8000/api/"));
    }

    #[test]
    fn bad_urls_say_why() {
        for bad in [
            "not a url",
            "ftp://example.com/",
            "http://",
            "file:///tmp/x",
        ] {
            assert!(api_url(bad).is_err(), "{bad}");
        }
        assert_eq!(
            api_url("ftp://example.com/").unwrap_err().to_string(),
            "--api: 'ftp://example.com/' is not a usable URL: only http:// and https:// are supported"
        );
    }

    #[test]
    fn the_host_is_the_name_or_address_whatever_the_scheme_or_port() {
        let url = |s| Url::parse(s).unwrap();
        let api = url("http://Example.com:8000/api/");
        assert!(same_host(&api, &url("https://example.com/api/people/")));
        assert!(!same_host(&api, &url("http://example.org:8000/api/")));
        let local = url("http://127.0.0.1:8000/");
        assert!(!same_host(&local, &url("http://localhost:8000/")));
        assert!(same_host(&local, &url("http://127.0.0.1:9000/")));
    }
}
