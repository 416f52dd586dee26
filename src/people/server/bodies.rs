//! The JSON of single records, kept once rendered: a load test asks for
//! the same person over and over, and building it (its URLs under the
//! request's host) and serialising it cost more than the rest of the
//! answer.
//!
//! The data set does not change while a server runs (it is shared
//! read-only behind an `Arc`), so a kept body is never stale: what varies
//! between requests is only the host its URLs are under, which is part of
//! the key. The store is bounded: past [`MAX_HOSTS`] hosts or
//! [`MAX_BYTES`] of bodies it is emptied and fills again, which costs a
//! server that is asked for every id once (fetch's pattern) one map insert
//! per answer.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use hyper::body::Bytes;

use crate::people::data::Resource;

/// The most hosts whose bodies are kept at once; any client may send any
/// `Host`, so they are bounded too.
pub(super) const MAX_HOSTS: usize = 16;
/// The most bytes of bodies kept at once.
pub(super) const MAX_BYTES: usize = 4 * 1024 * 1024;

/// Rendered records, by host and then by resource and id.
#[derive(Default)]
pub(super) struct Bodies {
    // A std mutex held for a lookup or an insert, never across an await
    // nor while a body is rendered.
    kept: Mutex<Kept>,
}

#[derive(Default)]
struct Kept {
    /// By the host the URLs are under ("" for the server's own address).
    hosts: HashMap<String, HashMap<(Resource, u64), Bytes>>,
    bytes: usize,
}

impl Bodies {
    fn lock(&self) -> MutexGuard<'_, Kept> {
        // The maps are whole after any panic: at worst a body is missing.
        self.kept.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The body of `resource` `id` under `host`: the kept one, or the one
    /// `render` makes (`None` for a record that does not exist, which is
    /// not kept).
    pub(super) fn get_or_render(
        &self,
        resource: Resource,
        id: u64,
        host: &str,
        render: impl FnOnce() -> Option<Bytes>,
    ) -> Option<Bytes> {
        if let Some(body) = self
            .lock()
            .hosts
            .get(host)
            .and_then(|bodies| bodies.get(&(resource, id)))
        {
            return Some(body.clone());
        }
        // Rendered outside the lock, so that other requests do not wait.
        let body = render()?;
        let mut kept = self.lock();
        let full_of_hosts = kept.hosts.len() >= MAX_HOSTS && !kept.hosts.contains_key(host);
        if full_of_hosts || kept.bytes + body.len() > MAX_BYTES {
            kept.hosts.clear();
            kept.bytes = 0;
        }
        let previous = kept
            .hosts
            .entry(host.to_owned())
            .or_default()
            .insert((resource, id), body.clone());
        kept.bytes += body.len();
        // Two requests may render the same body at once; only one is kept.
        kept.bytes -= previous.map_or(0, |b| b.len());
        Some(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(text: &str) -> Option<Bytes> {
        Some(Bytes::from(text.to_owned()))
    }

    #[test]
    fn a_body_is_rendered_once_per_host() {
        let bodies = Bodies::default();
        let mut renders = 0;
        for host in ["a:1", "a:1", "b:2", "a:1"] {
            let got = bodies.get_or_render(Resource::People, 1, host, || {
                renders += 1;
                body(host)
            });
            assert_eq!(got, body(host));
        }
        assert_eq!(renders, 2);
        // Another id, or another resource with the same id, is another body.
        let planet = bodies.get_or_render(Resource::Planets, 1, "a:1", || body("planet"));
        assert_eq!(planet, body("planet"));
    }

    #[test]
    fn a_missing_record_is_not_kept() {
        let bodies = Bodies::default();
        assert_eq!(bodies.get_or_render(Resource::People, 9, "", || None), None);
        assert_eq!(
            bodies.get_or_render(Resource::People, 9, "", || body("now")),
            body("now")
        );
    }

    #[test]
    fn the_store_is_bounded_in_hosts_and_bytes() {
        let bodies = Bodies::default();
        for n in 0..=MAX_HOSTS {
            bodies.get_or_render(Resource::People, 1, &format!("h{n}:1"), || body("x"));
        }
        assert!(bodies.lock().hosts.len() <= MAX_HOSTS);
        let big = Bytes::from(vec![b' '; MAX_BYTES / 2 + 1]);
        for id in 0..3 {
            bodies.get_or_render(Resource::People, id, "", || Some(big.clone()));
            assert!(bodies.lock().bytes <= MAX_BYTES);
        }
        assert_eq!(bodies.lock().bytes, big.len());
    }
}
