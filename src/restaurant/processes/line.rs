//! The cashier's end of one waiter process's connection: messages in and
//! out, and what the cashier knows of that waiter.

use std::collections::BTreeSet;
use std::io;

use serde::Serialize;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use super::channel::{self, FromWaiter, MAX_LINE};
use crate::trace::WaiterId;
use crate::workload::OrderId;

/// One waiter process on the line.
pub struct Line {
    /// Its badge.
    pub waiter: WaiterId,
    /// Its process.
    pub pid: u32,
    connection: BufReader<TcpStream>,
    /// The orders it has taken and not yet dispatched: what it holds.
    pub held: BTreeSet<OrderId>,
    /// Whether it said it was done.
    pub done: bool,
}

impl Line {
    /// Waiter `waiter`, process `pid`, on `connection`.
    pub fn new(waiter: WaiterId, pid: u32, connection: BufReader<TcpStream>) -> Line {
        Line {
            waiter,
            pid,
            connection,
            held: BTreeSet::new(),
            done: false,
        }
    }

    /// The next message; `None` when the connection ends. A line that is
    /// not a message, or too long to be one, is [`io::ErrorKind::InvalidData`].
    pub async fn receive(&mut self) -> io::Result<Option<FromWaiter>> {
        receive(&mut self.connection).await
    }

    /// Sends a message.
    pub async fn send<T: Serialize>(&mut self, message: &T) -> io::Result<()> {
        self.send_line(&channel::line(message)).await
    }

    /// Sends a message already made into a line, such as one for every
    /// waiter.
    pub async fn send_line(&mut self, line: &[u8]) -> io::Result<()> {
        self.connection.get_mut().write_all(line).await
    }
}

/// Reads one message of at most [`MAX_LINE`] bytes from `input`.
pub async fn receive(input: &mut BufReader<TcpStream>) -> io::Result<Option<FromWaiter>> {
    let mut line = Vec::new();
    // One byte more than a message may have, to tell a long line from
    // one that fits exactly.
    let limit = MAX_LINE as u64 + 1;
    let read = (&mut *input)
        .take(limit)
        .read_until(b'\n', &mut line)
        .await?;
    if read == 0 {
        return Ok(None);
    }
    if line.last() != Some(&b'\n') {
        return Err(if line.len() > MAX_LINE {
            io::Error::new(io::ErrorKind::InvalidData, "a line too long")
        } else {
            // The connection ended within a line.
            io::ErrorKind::UnexpectedEof.into()
        });
    }
    channel::parse(&line).map(Some)
}
