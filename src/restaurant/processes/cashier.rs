//! The cashier of `processes`: it starts a process per waiter, waits for
//! each to call in and get ready, opens the restaurant, and serves them
//! all from its desk until every one is done.
//!
//! The cashier runs on one thread, with tokio's single-threaded runtime:
//! every waiter's connection, a stop request (Ctrl-C, SIGTERM) and the
//! clock are raced in one `select!`, so that whichever comes first is
//! handled at once, with no thread blocked in a read that a stop cannot
//! end.
//!
//! A waiter process that hangs up before it is done (killed, crashed) ends
//! the run: the cashier reports which orders it held, and every other
//! waiter process is killed and reaped ([`Staff`] sees to it, however the
//! cashier returns).

use std::net::Ipv4Addr;
use std::time::Duration;

use futures::stream::{FuturesUnordered, StreamExt};
use rand::RngExt;
use tokio::io::BufReader;
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;

use super::channel::{self, FromCashier, FromWaiter, ShiftSpec};
use super::desk::{Breach, Desk};
use super::line::{self, Line};
use super::staff::{self, how, Staff};
use super::ProcessError;
use crate::clock::Epoch;
use crate::clock::{ClockKind, Interrupted, Shutdown};
use crate::restaurant::{Shift, Stop};
use crate::trace::{EventKind, WaiterId};

/// How long a waiter process has, from its start, to call in and open its
/// shift: starting a program and measuring its CPU work takes a fraction
/// of a second, many times that on a loaded machine.
pub(crate) const READY_WITHIN: Duration = Duration::from_secs(30);

/// How long a caller has to say who it is once connected; a waiter says
/// it at once.
const HELLO_WITHIN: Duration = Duration::from_secs(5);

/// How long a waiter process that hung up has to end before it is killed:
/// it is ending already.
const GRACE: Duration = Duration::from_secs(2);

/// The cashier, its desk and its staff.
pub struct Cashier<'a> {
    /// First, so that it is dropped first: the waiter processes are
    /// stopped before their connections and the port close, which they
    /// would take for their cashier's death.
    staff: Staff,
    shift: &'a Shift<'a>,
    runtime: Runtime,
    listener: TcpListener,
    desk: Desk,
}

impl<'a> Cashier<'a> {
    /// Opens the desk and a port on the loopback interface for the
    /// waiters to call; refuses more waiters than processes may start.
    pub fn open(shift: &'a Shift<'a>) -> Result<Cashier<'a>, Stop> {
        staff::check(shift.setup.waiters)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(ProcessError::Channel)?;
        let listener = runtime
            .block_on(TcpListener::bind((Ipv4Addr::LOCALHOST, 0)))
            .map_err(ProcessError::Channel)?;
        Ok(Cashier {
            desk: Desk::new(shift.workload, shift.setup.cooks, shift.recorder),
            shift,
            runtime,
            listener,
            staff: Staff::default(),
        })
    }

    /// Starts a process for each of `count` waiters, and waits until every
    /// one has called in, received its shift and got ready.
    pub fn hire(&mut self, count: usize) -> Result<Vec<Line>, Stop> {
        let program = staff::program()?;
        let address = self.listener.local_addr().map_err(ProcessError::Channel)?;
        // A secret per waiter: it says which waiter is calling, and that
        // the caller is one.
        let tokens: Vec<String> = (0..count)
            .map(|_| format!("{:032x}", rand::rng().random::<u128>()))
            .collect();
        for (badge, token) in (1..).zip(&tokens) {
            self.staff.start(&program, badge, address, token)?;
        }
        let speed = match self.shift.setup.clock {
            ClockKind::Real { speed } => speed,
            // The model refuses the virtual clock before it gets here.
            ClockKind::Virtual => 1.0,
        };
        let spec = ShiftSpec::new(self.shift.workload, speed, self.shift.setup.gil);
        let shift = channel::line(&FromCashier::Shift(spec));
        let Cashier {
            runtime,
            listener,
            staff,
            shift: service,
            ..
        } = self;
        let mut lines: Vec<Option<Line>> = tokens.iter().map(|_| None).collect();
        let shutdown = service.shutdown;
        let called = runtime.block_on(call_in(
            listener, staff, shutdown, &tokens, &shift, &mut lines,
        ));
        dismiss_on_failure(staff, called)?;
        Ok(lines.into_iter().flatten().collect())
    }

    /// The cashier has received the orders (`Received orders`): the
    /// restaurant opens, and every waiter is told when.
    pub fn receive_orders(&mut self, lines: &mut [Line]) -> Result<(), Stop> {
        // Recorded before the opening, at time 0, so that no waiter can
        // take an order before the cashier has received them.
        let received = EventKind::ReceivedOrders;
        self.shift
            .recorder
            .record_at(Duration::ZERO, 0, 0, received);
        let open = channel::line(&FromCashier::Open {
            epoch: Epoch::now(),
        });
        let Cashier { runtime, staff, .. } = self;
        let opened = runtime.block_on(async {
            for line in lines.iter_mut() {
                if line.send_line(&open).await.is_err() {
                    return Err(lost(staff, line, Breach::Hung).await);
                }
            }
            Ok(())
        });
        dismiss_on_failure(staff, opened)
    }

    /// Serves every waiter until each is done, then waits for their
    /// processes to end: the threads model's `join`.
    pub fn serve(&mut self, mut lines: Vec<Line>) -> Result<(), Stop> {
        let Cashier {
            runtime,
            desk,
            staff,
            shift,
            ..
        } = self;
        let desk = &*desk;
        let served = runtime.block_on(async {
            let breach = {
                let mut serving: FuturesUnordered<_> = lines
                    .iter_mut()
                    .enumerate()
                    .map(|(i, line)| async move { (i, desk.attend(line).await) })
                    .collect();
                loop {
                    tokio::select! {
                        () = shift.shutdown.triggered() => return Err(Interrupted.into()),
                        served = serving.next() => match served {
                            None => break None,
                            Some((_, Ok(()))) => {}
                            Some((i, Err(breach))) => break Some((i, breach)),
                        },
                    }
                }
            };
            match breach {
                None => {
                    staff.release(GRACE).await;
                    Ok(())
                }
                Some((i, breach)) => Err(lost(staff, &lines[i], breach).await),
            }
        });
        dismiss_on_failure(staff, served)
    }
}

/// Passes `result` on; a failure first stops every waiter process, while
/// the connections to them are still open.
fn dismiss_on_failure<T>(staff: &mut Staff, result: Result<T, Stop>) -> Result<T, Stop> {
    if result.is_err() {
        staff.dismiss();
    }
    result
}

/// Accepts the waiters' calls until every waiter has called, sends each
/// its shift, and waits for each to be ready.
async fn call_in(
    listener: &TcpListener,
    staff: &mut Staff,
    shutdown: &Shutdown,
    tokens: &[String],
    shift: &[u8],
    lines: &mut [Option<Line>],
) -> Result<(), Stop> {
    let mut callers = FuturesUnordered::new();
    let deadline = tokio::time::sleep(READY_WITHIN);
    tokio::pin!(deadline);
    // A process that ends before it calls leaves nothing to read: the
    // cashier looks for one now and then.
    let mut look = tokio::time::interval(staff::LOOK_EVERY);
    while let Some(missing) = lines.iter().position(Option::is_none) {
        tokio::select! {
            () = shutdown.triggered() => return Err(Interrupted.into()),
            () = &mut deadline => return Err(too_slow(staff, missing as WaiterId + 1)),
            _ = look.tick() => {
                if let Some((waiter, status)) = staff.ended() {
                    return Err(not_ready(staff, waiter, how(status)));
                }
            }
            accepted = listener.accept() => {
                if let Ok((stream, _)) = accepted {
                    callers.push(hello(stream));
                }
            }
            Some(called) = callers.next(), if !callers.is_empty() => {
                // A caller with no waiter's token, or with one that has
                // called already, is not a waiter: it is hung up on.
                let Some((token, connection)) = called else { continue };
                let Some(i) = tokens.iter().position(|t| *t == token) else { continue };
                if lines[i].is_some() {
                    continue;
                }
                let waiter = i as WaiterId + 1;
                let mut line = Line::new(waiter, staff.pid(waiter), connection);
                if line.send_line(shift).await.is_err() {
                    let how = ending(staff, waiter, Breach::Hung).await;
                    return Err(not_ready(staff, waiter, how));
                }
                lines[i] = Some(line);
            }
        }
    }
    // Each waiter opens its shift, and measures its computing, before the
    // restaurant opens, so that none of it counts as serving time.
    for line in lines.iter_mut().flatten() {
        let ready = tokio::select! {
            () = shutdown.triggered() => return Err(Interrupted.into()),
            () = &mut deadline => return Err(too_slow(staff, line.waiter)),
            ready = line.receive() => ready,
        };
        let breach = match ready {
            Ok(Some(FromWaiter::Ready)) => continue,
            Ok(Some(_)) => Breach::Broke("spoke out of turn".into()),
            _ => Breach::Hung,
        };
        let how = ending(staff, line.waiter, breach).await;
        return Err(not_ready(staff, line.waiter, how));
    }
    Ok(())
}

/// A caller's greeting: its token, and the connection; `None` for a
/// caller that does not greet as a waiter does, in time.
async fn hello(stream: TcpStream) -> Option<(String, BufReader<TcpStream>)> {
    // Each message is one small write, to be sent at once.
    stream.set_nodelay(true).ok()?;
    let mut connection = BufReader::new(stream);
    match tokio::time::timeout(HELLO_WITHIN, line::receive(&mut connection)).await {
        Ok(Ok(Some(FromWaiter::Hello { token }))) => Some((token, connection)),
        _ => None,
    }
}

/// A waiter that was not ready within [`READY_WITHIN`].
fn too_slow(staff: &Staff, waiter: WaiterId) -> Stop {
    let within = READY_WITHIN.as_secs();
    let why = format!("was not ready within {within} s of its start");
    ProcessError::NotReady {
        waiter,
        pid: staff.pid(waiter),
        why,
    }
    .into()
}

/// A waiter whose process ended, as `how` says, before it was ready.
fn not_ready(staff: &Staff, waiter: WaiterId, how: String) -> Stop {
    ProcessError::NotReady {
        waiter,
        pid: staff.pid(waiter),
        why: format!("{how} before it was ready"),
    }
    .into()
}

/// A waiter lost mid-run: how its process ended, and the orders it held.
async fn lost(staff: &mut Staff, line: &Line, breach: Breach) -> Stop {
    ProcessError::Lost {
        waiter: line.waiter,
        pid: line.pid,
        how: ending(staff, line.waiter, breach).await,
        held: line.held.iter().copied().collect(),
    }
    .into()
}

/// How a waiter's process ended, after `breach`: it is killed if it broke
/// the protocol, or if it does not end soon after hanging up.
async fn ending(staff: &mut Staff, waiter: WaiterId, breach: Breach) -> String {
    match breach {
        Breach::Hung => match staff.reap(waiter, GRACE).await {
            Some(status) => how(status),
            None => "hung up on the cashier".to_string(),
        },
        Breach::Broke(what) => {
            staff.reap(waiter, Duration::ZERO).await;
            format!("broke the protocol (it {what})")
        }
    }
}
