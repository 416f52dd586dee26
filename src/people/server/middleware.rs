//! What happens around requests: the artificial delay and failures drawn
//! for each API request (the routes wait and fail by them), and the count
//! and log of all requests.
//!
//! Both sit on the hot path of a load run, so both do as little as they
//! can: no lock anywhere, no random draw when there is neither jitter nor
//! failure, no clock read or formatting for a request that is not logged,
//! and nothing allocated for a request that is not logged.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures::future::{BoxFuture, Either};
use hyper::{self as http, StatusCode};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tower::{Layer, Service};

use super::answers::AppState;

/// The delay, jitter and failures of API responses.
pub(super) struct Chaos {
    delay: Duration,
    jitter: Duration,
    fail_rate: f64,
    seed: u64,
    /// API requests drawn for so far: the n-th draws from stream n.
    drawn: AtomicU64,
}

/// What one API request gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Draw {
    /// How long to wait before answering.
    pub(super) wait: Duration,
    /// The failure to answer with, if any.
    pub(super) failure: Option<StatusCode>,
}

impl Chaos {
    pub(super) fn new(delay: Duration, jitter: Duration, fail_rate: f64, seed: u64) -> Chaos {
        Chaos {
            delay,
            jitter,
            fail_rate,
            seed,
            drawn: AtomicU64::new(0),
        }
    }

    /// What the next API request gets.
    pub(super) fn draw(&self) -> Draw {
        if self.jitter.is_zero() && self.fail_rate <= 0.0 {
            return Draw {
                wait: self.delay,
                failure: None,
            };
        }
        // Each request draws from its own ChaCha stream, numbered by its
        // arrival, instead of all sharing one generator behind a mutex:
        // no lock on the hot path, and the n-th request draws the same on
        // every run with the same seed.
        let n = self.drawn.fetch_add(1, Ordering::Relaxed);
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        rng.set_stream(n);
        // Always the same draws in the same order, so that the failures
        // of a seed do not change when only the jitter does.
        let fails = rng.random::<f64>() < self.fail_rate;
        let unavailable = rng.random::<bool>();
        let max_jitter = u64::try_from(self.jitter.as_nanos()).unwrap_or(u64::MAX);
        let jitter = Duration::from_nanos(rng.random_range(0..=max_jitter));
        Draw {
            wait: self.delay.saturating_add(jitter),
            failure: fails.then_some(if unavailable {
                StatusCode::SERVICE_UNAVAILABLE
            } else {
                StatusCode::INTERNAL_SERVER_ERROR
            }),
        }
    }
}

/// Makes [`CountAndLog`]s: the count and log of every request.
#[derive(Clone)]
pub(super) struct CountAndLogLayer(Arc<AppState>);

impl CountAndLogLayer {
    pub(super) fn new(state: Arc<AppState>) -> CountAndLogLayer {
        CountAndLogLayer(state)
    }
}

impl<S> Layer<S> for CountAndLogLayer {
    type Service = CountAndLog<S>;

    fn layer(&self, inner: S) -> CountAndLog<S> {
        CountAndLog {
            inner,
            state: self.0.clone(),
        }
    }
}

/// Counts every request and logs those the request log asks for: method,
/// path, status and latency, on one line. A request not logged costs one
/// atomic addition.
#[derive(Clone)]
pub(super) struct CountAndLog<S> {
    inner: S,
    state: Arc<AppState>,
}

impl<S, B, R> Service<http::Request<B>> for CountAndLog<S>
where
    S: Service<http::Request<B>, Response = http::Response<R>>,
    S::Future: Send + 'static,
    S::Error: 'static,
    R: 'static,
{
    type Response = http::Response<R>;
    type Error = S::Error;
    type Future = Either<S::Future, BoxFuture<'static, Result<http::Response<R>, S::Error>>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let n = self.state.requests.next();
        if !self.state.log.logs(n) {
            return Either::Left(self.inner.call(request));
        }
        let method = request.method().clone();
        let path = request
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_owned());
        let started = Instant::now();
        let answer = self.inner.call(request);
        Either::Right(Box::pin(async move {
            let response = answer.await?;
            tracing::info!(
                target: "mesonero::requests",
                "{method} {} {} {:.1?}",
                path.as_deref().unwrap_or("/"),
                response.status().as_u16(),
                started.elapsed()
            );
            Ok(response)
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_depend_on_the_seed_and_the_request_number() {
        let ms = Duration::from_millis;
        let draws = |seed| {
            let chaos = Chaos::new(ms(100), ms(50), 0.5, seed);
            (0..200).map(|_| chaos.draw()).collect::<Vec<_>>()
        };
        let one = draws(1);
        assert_eq!(one, draws(1));
        assert_ne!(one, draws(2));
        assert!(one.iter().all(|d| d.wait >= ms(100) && d.wait <= ms(150)));
        let failures = one.iter().filter(|d| d.failure.is_some()).count();
        assert!((60..=140).contains(&failures), "{failures} of 200 at 0.5");
    }

    #[test]
    fn a_rate_of_one_always_fails_and_zero_never_does() {
        let always = Chaos::new(Duration::ZERO, Duration::ZERO, 1.0, 7);
        let statuses: Vec<_> = (0..100).filter_map(|_| always.draw().failure).collect();
        assert_eq!(statuses.len(), 100);
        assert!(statuses.contains(&StatusCode::INTERNAL_SERVER_ERROR));
        assert!(statuses.contains(&StatusCode::SERVICE_UNAVAILABLE));
        let never = Chaos::new(Duration::ZERO, Duration::from_millis(5), 0.0, 7);
        assert!((0..100).all(|_| never.draw().failure.is_none()));
    }
}
