//! The people API of the article's last program, `asinc2.py`, which fetches
//! nine people from swapi at once: here the API is served locally, so the
//! program runs offline, and as slowly or unreliably as a lesson needs.
//!
//! - [`data`]: people and planets in swapi's JSON shape: the project's own
//!   nine, a million generated ones, or swapi's fixture files.
//! - [`server`]: a swapi-compatible HTTP server (hyper) with an artificial
//!   delay, jitter and failure rate, and graceful shutdown.
//! - [`client`]: `mesonero fetch`'s three models (sequential, threads,
//!   async), with retries, statistics and a crawl of the list pages.

pub mod client;
pub mod data;
pub mod server;

pub use data::{DataError, Dataset, Person, Planet, Record, Resource};
pub use server::{
    spawn_background, BackgroundServer, RequestLog, ServeError, Server, ServerConfig,
};
