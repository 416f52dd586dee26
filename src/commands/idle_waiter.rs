//! `mesonero idle-waiter`, hidden: a waiter process that serves nothing,
//! for `benches/waiter_cost.rs` to measure what a waiter process costs
//! before its first order.
//!
//! It does what every waiter process must do and nothing more: the binary
//! starts, parses its command line and installs its Ctrl-C handler (as
//! every command does), says on stdout that it is ready, then blocks
//! reading stdin, where its orders would come, until the cashier closes
//! the pipe or dies.

use std::io::{self, Write};

use super::CommandError;

/// Says it is ready, then waits for stdin to close.
pub(super) fn run() -> Result<(), CommandError> {
    let mut out = io::stdout().lock();
    writeln!(out, "ready")?;
    out.flush()?;
    drop(out);
    // No order ever comes: anything written is read and dropped, and end
    // of file is the end of the shift.
    io::copy(&mut io::stdin().lock(), &mut io::sink())?;
    Ok(())
}
