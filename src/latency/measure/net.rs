//! The network rows, on loopback: 2 KB sent, and a round trip.
//!
//! Only 127.0.0.1 is used, on a port the system picks. Loopback goes
//! through the whole TCP stack and wakes another thread, but no network
//! card, cable or switch: its figures are a floor under a real network's.

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use super::{Budget, Stats};

/// Bytes per message of [`send_2k`], the article's "2K bytes".
pub const MESSAGE: usize = 2048;

/// Messages per sample of [`send_2k`]: a burst, as a sender streams.
const BURST: usize = 64;

/// However slow the machine, a loopback reply within this long.
const PATIENCE: Duration = Duration::from_secs(5);

/// A connected pair on 127.0.0.1: our end, and a thread serving the other
/// end with `serve` until we hang up.
fn pair(
    serve: impl FnOnce(TcpStream) -> io::Result<()> + Send + 'static,
) -> io::Result<(TcpStream, thread::JoinHandle<()>)> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    // Connecting before accepting works through the listen backlog, and
    // if it fails no thread is left waiting in accept.
    let ours = TcpStream::connect(listener.local_addr()?)?;
    ours.set_nodelay(true)?;
    ours.set_read_timeout(Some(PATIENCE))?;
    let server = thread::spawn(move || {
        let served = listener.accept().and_then(|(theirs, _)| {
            theirs.set_nodelay(true)?;
            serve(theirs)
        });
        // Our end hanging up ends the service; that is how it stops.
        let _ = served;
    });
    Ok((ours, server))
}

/// The median time to send one 2 KB message, streamed in bursts: each
/// sample writes a burst of 64 messages and waits for the receiver's one-byte
/// acknowledgement of the last.
pub fn send_2k(budget: &Budget) -> io::Result<Stats> {
    let (mut stream, server) = pair(|mut theirs| {
        let mut burst = vec![0u8; MESSAGE * BURST];
        loop {
            theirs.read_exact(&mut burst)?;
            theirs.write_all(&[1])?;
        }
    })?;
    let message = vec![7u8; MESSAGE];
    let mut ack = [0u8; 1];
    let stats = budget.sample(|| {
        let started = Instant::now();
        for _ in 0..BURST {
            stream.write_all(&message)?;
        }
        stream.read_exact(&mut ack)?;
        Ok(started.elapsed().as_nanos() as f64 / BURST as f64)
    });
    drop(stream);
    let _ = server.join();
    stats
}

/// The median time for one byte to go to another thread over loopback TCP
/// and come back.
pub fn round_trip(budget: &Budget) -> io::Result<Stats> {
    let (mut stream, server) = pair(|mut theirs| {
        let mut byte = [0u8; 1];
        loop {
            theirs.read_exact(&mut byte)?;
            theirs.write_all(&byte)?;
        }
    })?;
    let mut byte = [0u8; 1];
    let stats = budget.sample(|| {
        let started = Instant::now();
        stream.write_all(&byte)?;
        stream.read_exact(&mut byte)?;
        Ok(started.elapsed().as_nanos() as f64)
    });
    drop(stream);
    let _ = server.join();
    stats
}
