//! Why a data set cannot be made: a data file that cannot be read or
//! used, or a number of people out of range.

use std::io;
use std::path::PathBuf;

use thiserror::Error;

use super::MAX_PEOPLE;

/// Why a data file cannot be used.
#[derive(Debug, Error)]
pub enum DataError {
    /// The file could not be read.
    #[error("cannot read data file '{}': {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why it could not be read.
        source: io::Error,
    },
    /// The file is larger than the limit ([`super::MAX_DATA_FILE`]).
    #[error("cannot read data file '{}': it is larger than {} MiB, the most a data file may be", path.display(), limit / (1024 * 1024))]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The limit, in bytes.
        limit: u64,
    },
    /// The file is not JSON, or not in swapi's fixture shape.
    #[error("{}:{line}: {message}", path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// The line of the problem, from 1.
        line: usize,
        /// What is wrong, from the JSON reader.
        message: String,
    },
    /// Two records of the same kind with the same `pk`.
    #[error("{}: {kind} {pk} appears twice", path.display())]
    Duplicate {
        /// The file with the second one.
        path: PathBuf,
        /// `person` or `planet`.
        kind: &'static str,
        /// The repeated key.
        pk: u64,
    },
    /// A record with `pk` 0, which no URL can reach: ids start at 1.
    #[error("{}: a {kind} has pk 0; ids start at 1", path.display())]
    ZeroPk {
        /// The file.
        path: PathBuf,
        /// `person` or `planet`.
        kind: &'static str,
    },
    /// A file with nothing this server can serve.
    #[error("{}: nothing to serve here; swapi fixtures hold objects with \"model\": \"resources.people\", \"resources.planet\", \"resources.film\"...", path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// A number of people to generate out of range.
    #[error("{0} people cannot be generated: give from 1 to {MAX_PEOPLE}")]
    People(u64),
}
