//! Reading a workload from a TOML or JSON file.
//!
//! Both formats have the same shape: a `menu` of product names with their
//! preparation times, and the `orders`, each a list of product names.
//!
//! ```toml
//! menu = { burger = 7.5, soda = "1s", frites = "4000ms" }
//! orders = [["burger", "soda"], ["soda"]]
//! ```
//!
//! A product whose waiter also computes gives its parts in a table:
//! `photo = { cpu = "1s" }`, `soup = { wait = "2s", cpu = "250ms" }`.
//!
//! A preparation time is a number of seconds, as the article writes them, or
//! a string with a unit (see
//! [`duration::parse`](super::duration::parse)). The menu keeps the order
//! the products were written in. Every error names the file and, where there
//! is one, the line, as a compiler does: `menu.toml:3: problem`.
//!
//! Each format's module (`toml`, `json`) turns its text into the same
//! `Contents` and knows how to find the line of a `Place` in it; `build` here
//! checks the contents and makes the workload, whatever the format. `value`
//! holds the deserializers both formats share.

mod json;
mod toml;
mod value;

#[cfg(test)]
mod tests;

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use thiserror::Error;

use self::value::Value;
use super::{Workload, WorkloadError};

/// The largest workload file read, 64 MiB: room for millions of orders
/// (reading one can take thirty times its size in memory). Bigger
/// workloads are made with `--repeat` or `--random`.
pub const MAX_FILE_BYTES: u64 = 64 << 20;

/// What can go wrong reading a workload file.
#[derive(Debug, Error)]
pub enum FileError {
    /// The file could not be read.
    #[error("cannot read workload file '{}': {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why it could not be read.
        source: io::Error,
    },
    /// The file is larger than a workload file may be.
    #[error(
        "workload file '{}' is larger than {} MiB, the most a workload file may hold; \
         use --repeat or --random for big workloads",
        path.display(),
        MAX_FILE_BYTES >> 20
    )]
    TooBig {
        /// The file.
        path: PathBuf,
    },
    /// The file name does not say which format the file is in.
    #[error("{}: cannot tell the format of a workload file from its name; it must end in .toml or .json", path.display())]
    UnknownFormat {
        /// The file.
        path: PathBuf,
    },
    /// The text is not well-formed TOML or JSON, or does not have the shape
    /// of a workload (a value of the wrong type, an unknown key).
    #[error("{}: {message}", at(origin, *line))]
    Syntax {
        /// The file name.
        origin: String,
        /// The line of the problem, from 1.
        line: Option<usize>,
        /// The column of the problem, from 1, in characters.
        column: Option<usize>,
        /// The parser's message, on one line.
        message: String,
    },
    /// The file has no `menu` or no `orders`.
    #[error("{origin}: there is no `{field}`; {}", hint(field))]
    Missing {
        /// The file name.
        origin: String,
        /// `menu` or `orders`.
        field: &'static str,
    },
    /// The file is well formed, but the workload it describes is not valid.
    #[error("{}: {source}", at(origin, *line))]
    Invalid {
        /// The file name.
        origin: String,
        /// The line of the problem, from 1, if it has one.
        line: Option<usize>,
        /// What is wrong.
        source: WorkloadError,
    },
}

impl FileError {
    /// A syntax error at a byte offset of the text, or nowhere in particular.
    fn syntax(text: &str, origin: &str, offset: Option<usize>, message: String) -> FileError {
        let (line, column) = offset.map(|offset| position(text, offset)).unzip();
        FileError::Syntax {
            origin: origin.to_string(),
            line,
            column,
            message,
        }
    }
}

fn at(origin: &str, line: Option<usize>) -> String {
    match line {
        Some(line) => format!("{origin}:{line}"),
        None => origin.to_string(),
    }
}

fn hint(field: &str) -> &'static str {
    match field {
        "menu" => "give the products and their preparation times",
        _ => "give the orders, each a list of product names",
    }
}

/// Reads a workload from a file, in TOML or JSON as its extension says
/// (`.toml` or `.json`, in any case).
pub fn load(path: &Path) -> Result<Workload, FileError> {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let parse = match extension.as_deref() {
        Some("toml") => parse_toml,
        Some("json") => parse_json,
        _ => {
            return Err(FileError::UnknownFormat {
                path: path.to_path_buf(),
            })
        }
    };
    let text = read_limited(path)?;
    parse(&text, &path.display().to_string())
}

/// Reads the whole file, if it holds at most [`MAX_FILE_BYTES`]. One byte
/// more is read than allowed, and no more, to tell a file of exactly the
/// limit from a longer one; so `/dev/zero` or a pipe that never ends is
/// refused too, instead of being read until memory runs out.
fn read_limited(path: &Path) -> Result<String, FileError> {
    let failed = |source| FileError::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut bytes = Vec::new();
    File::open(path)
        .and_then(|file| file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(failed)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(FileError::TooBig {
            path: path.to_path_buf(),
        });
    }
    String::from_utf8(bytes).map_err(|_| {
        failed(io::Error::new(
            io::ErrorKind::InvalidData,
            "it is not UTF-8 text",
        ))
    })
}

/// The text without a UTF-8 byte-order mark, which some editors write at
/// the start of a file and neither format has a use for.
fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Reads a workload from TOML text; `origin` is the file name for messages.
pub fn parse_toml(text: &str, origin: &str) -> Result<Workload, FileError> {
    let text = without_bom(text);
    let (contents, spans) = toml::read(text, origin)?;
    build(contents, Format::Toml, origin, |place| {
        spans.line(text, place)
    })
}

/// Reads a workload from JSON text; `origin` is the file name for messages.
pub fn parse_json(text: &str, origin: &str) -> Result<Workload, FileError> {
    let text = without_bom(text);
    let contents = json::read(text, origin)?;
    build(contents, Format::Json, origin, |place| {
        json::line(text, place)
    })
}

/// The format of a workload file, for the words of its messages.
#[derive(Clone, Copy)]
enum Format {
    Toml,
    Json,
}

/// A workload file's contents, whatever the format, before checking.
struct Contents {
    /// The menu's entries in file order, if there is a menu.
    menu: Option<Vec<(String, Value)>>,
    /// The orders as product names, if there are orders.
    orders: Option<Vec<Vec<String>>>,
}

/// Where in the file a problem is, independent of the format.
#[derive(Clone, Copy, Debug)]
enum Place {
    /// The `menu` itself.
    Menu,
    /// The menu's product with this index, in file order.
    MenuEntry(usize),
    /// The `orders` themselves.
    Orders,
    /// The order with this index.
    Order(usize),
    /// A product of an order: the order's index and the product's.
    Product(usize, usize),
    /// Nowhere in particular.
    File,
}

/// Checks the contents and makes them a workload. `line` finds the line of
/// a place in the file; it is only called for an error, so it may be slow.
fn build(
    contents: Contents,
    format: Format,
    origin: &str,
    line: impl Fn(Place) -> Option<usize>,
) -> Result<Workload, FileError> {
    let missing = |field| FileError::Missing {
        origin: origin.to_string(),
        field,
    };
    let invalid = |place, source| FileError::Invalid {
        origin: origin.to_string(),
        line: line(place),
        source,
    };
    let entries = contents.menu.ok_or_else(|| missing("menu"))?;
    let orders = contents.orders.ok_or_else(|| missing("orders"))?;
    if entries.is_empty() {
        return Err(invalid(Place::Menu, WorkloadError::EmptyMenu));
    }
    let mut menu = super::Menu::default();
    for (i, (name, value)) in entries.into_iter().enumerate() {
        value
            .work(&name, format)
            .and_then(|work| menu.add_with_cpu(&name, work.preparation, work.cpu))
            .map_err(|e| invalid(Place::MenuEntry(i), e))?;
    }
    Workload::new(menu, &orders).map_err(|e| {
        let place = match &e {
            WorkloadError::EmptyMenu => Place::Menu,
            WorkloadError::NoOrders
            | WorkloadError::TooManyOrders(_)
            | WorkloadError::OutOfMemory { .. } => Place::Orders,
            WorkloadError::EmptyOrder(i) | WorkloadError::OrderTooLong(i, _) => Place::Order(*i),
            // The first product of the order with that name is the one
            // refused: an earlier one would have been refused first.
            WorkloadError::UnknownProduct { order, product, .. } => orders[*order]
                .iter()
                .position(|name| name == product)
                .map_or(Place::Order(*order), |j| Place::Product(*order, j)),
            _ => Place::File,
        };
        invalid(place, e)
    })
}

/// The line (from 1) and column (from 1, in characters) of a byte offset.
fn position(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    // Count characters, not bytes: continuation bytes do not start one.
    let column = 1 + before[start..]
        .iter()
        .filter(|&&b| (b & 0xC0) != 0x80)
        .count();
    (line, column)
}

/// A parser's message on one line: the lines joined with "; ".
fn one_line(message: &str) -> String {
    let lines: Vec<&str> = message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    lines.join("; ")
}
