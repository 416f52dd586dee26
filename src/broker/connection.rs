//! One connection to the broker that outlives the broker's restarts: every
//! command goes through [`Broker::call`], which reconnects with backoff
//! when the connection is lost, for up to the broker's patience.
//!
//! A command that was sent but not answered may have been carried out, so
//! whatever is called here is made safe to repeat: orders are added with
//! their own ids, events carry a number the cashier uses to drop a repeat,
//! and the dispatch is a check-and-set.

use std::future::Future;
use std::time::{Duration, Instant};

use redis::aio::MultiplexedConnection;
use redis::{AsyncConnectionConfig, ErrorKind, RedisError, RedisResult, ServerErrorKind};
use tokio::sync::Mutex;

use super::{tell, BrokerError, BrokerUrl};
use crate::clock::Shutdown;

/// How long a connection may take to be made.
const CONNECT_WITHIN: Duration = Duration::from_secs(2);

/// How long an answer may take. Reads that wait for news wait for much
/// less ([`super::POLL`]); a broker this slow to answer is stopped, or
/// gone.
const ANSWER_WITHIN: Duration = Duration::from_secs(5);

/// The first pause before connecting again; each next one is twice as
/// long, up to [`LONGEST_PAUSE`].
const FIRST_PAUSE: Duration = Duration::from_millis(50);
const LONGEST_PAUSE: Duration = Duration::from_secs(1);

/// A broker, and the connection to it.
pub struct Broker {
    url: BrokerUrl,
    client: redis::Client,
    connection: Mutex<Option<MultiplexedConnection>>,
    patience: Duration,
    shutdown: Shutdown,
}

impl Broker {
    /// Connects to the broker at `url`. A broker that cannot be reached
    /// now is an error at once: patience is for a broker that was there.
    pub async fn connect(
        url: &BrokerUrl,
        patience: Duration,
        shutdown: &Shutdown,
    ) -> Result<Broker, BrokerError> {
        let client = redis::Client::open(url.secret()).map_err(|e| BrokerError::BadUrl {
            url: url.to_string(),
            why: e.to_string(),
        })?;
        let broker = Broker {
            url: url.clone(),
            client,
            connection: Mutex::new(None),
            patience,
            shutdown: shutdown.clone(),
        };
        let connected = tokio::select! {
            () = shutdown.triggered() => return Err(BrokerError::Interrupted),
            connected = broker.connection() => connected,
        };
        match connected {
            Ok(_) => Ok(broker),
            Err(source) => Err(BrokerError::Unreachable {
                url: url.to_string(),
                source: Box::new(source),
            }),
        }
    }

    /// The broker's URL, as shown.
    pub fn url(&self) -> &BrokerUrl {
        &self.url
    }

    /// Runs `command` on a connection, connecting again (with backoff) as
    /// long as the connection is what failed, for up to the patience.
    /// Refused once a stop is asked for.
    pub async fn call<T, F, Fut>(&self, command: F) -> Result<T, BrokerError>
    where
        F: FnMut(MultiplexedConnection) -> Fut,
        Fut: Future<Output = RedisResult<T>>,
    {
        self.call_heeding(true, command).await
    }

    /// [`Broker::call`], even once a stop is asked for: what a stop
    /// itself must do, such as closing the run.
    pub async fn call_stopping<T, F, Fut>(&self, command: F) -> Result<T, BrokerError>
    where
        F: FnMut(MultiplexedConnection) -> Fut,
        Fut: Future<Output = RedisResult<T>>,
    {
        self.call_heeding(false, command).await
    }

    async fn call_heeding<T, F, Fut>(&self, heed: bool, mut command: F) -> Result<T, BrokerError>
    where
        F: FnMut(MultiplexedConnection) -> Fut,
        Fut: Future<Output = RedisResult<T>>,
    {
        let mut lost_at: Option<Instant> = None;
        let mut pause = FIRST_PAUSE;
        let stopped = || heed && self.shutdown.is_triggered();
        loop {
            if stopped() {
                return Err(BrokerError::Interrupted);
            }
            let result = match self.connection().await {
                Ok(connection) => command(connection).await,
                Err(e) => Err(e),
            };
            let error = match result {
                Ok(answer) => {
                    if lost_at.is_some() {
                        tell(&format!("the broker at {} is back", self.url));
                    }
                    return Ok(answer);
                }
                Err(e) if is_lost(&e) => e,
                Err(source) => {
                    return Err(BrokerError::Command {
                        url: self.url.to_string(),
                        source: Box::new(source),
                    })
                }
            };
            *self.connection.lock().await = None;
            let since = *lost_at.get_or_insert_with(|| {
                tell(&format!(
                    "lost the broker at {} ({error}); trying again for up to {} s",
                    self.url,
                    self.patience.as_secs_f64()
                ));
                Instant::now()
            });
            if since.elapsed() >= self.patience {
                return Err(BrokerError::Gone {
                    url: self.url.to_string(),
                    patience: self.patience,
                    source: Box::new(error),
                });
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(LONGEST_PAUSE);
        }
    }

    /// Waits `how_long`, unless asked to stop first.
    pub async fn pause(&self, how_long: Duration) -> Result<(), BrokerError> {
        tokio::select! {
            () = self.shutdown.triggered() => Err(BrokerError::Interrupted),
            () = tokio::time::sleep(how_long) => Ok(()),
        }
    }

    /// The connection, made anew if there is none.
    async fn connection(&self) -> RedisResult<MultiplexedConnection> {
        let mut held = self.connection.lock().await;
        if let Some(connection) = &*held {
            return Ok(connection.clone());
        }
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(CONNECT_WITHIN))
            .set_response_timeout(Some(ANSWER_WITHIN));
        let connection = self
            .client
            .get_multiplexed_async_connection_with_config(&config)
            .await?;
        *held = Some(connection.clone());
        Ok(connection)
    }
}

/// Whether `e` is the connection failing (the broker stopped, restarting,
/// still loading its data), not the command.
fn is_lost(e: &RedisError) -> bool {
    e.is_io_error()
        || e.is_connection_dropped()
        || e.is_connection_refusal()
        || e.is_timeout()
        || matches!(
            e.kind(),
            ErrorKind::Server(
                ServerErrorKind::BusyLoading
                    | ServerErrorKind::TryAgain
                    | ServerErrorKind::MasterDown
            )
        )
}
