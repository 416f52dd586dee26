//! A waiter process: what the hidden `mesonero waiter-process --connect
//! ADDRESS` does, started by the cashier of `processes`.
//!
//! It calls the cashier, receives its shift (the workload, the clock's
//! speed, the GIL), and opens a shift of its own whose queue and kitchen
//! are the cashier's, asked over the connection. Then it runs the blocking
//! waiter of `threads`, unchanged, on a real clock set to the cashier's
//! opening, computing on this process's cores under this process's GIL.
//! Every event it records goes to the cashier; it keeps none.
//!
//! One thread listens to the cashier, so that a cashier gone (killed,
//! crashed) stops the waiter at once, even mid-wait: the waiter process
//! never outlives its cashier by more than that.

use std::io::{self, BufReader};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};

use thiserror::Error;

use super::channel::{self, FromCashier, FromWaiter, Happened, ShiftSpec, TOKEN_VAR};
use crate::clock::{Shutdown, ThreadClock};
use crate::kitchen::Kitchen;
use crate::restaurant::blocking::Waiter;
use crate::restaurant::service::Service;
use crate::restaurant::{Model, OrderQueue, Shift};
use crate::trace::{Observer, Record, Recorder};
use crate::workload::{Workload, WorkloadError};

/// Why a waiter process stopped before its work was done.
#[derive(Debug, Error)]
pub enum WaiterError {
    /// Started by hand, not by a cashier.
    #[error("waiter-process is started by the cashier of `mesonero restaurant --model processes`, which gives it {TOKEN_VAR}; it is not meant to be run by hand")]
    NoToken,
    /// The cashier could not be reached.
    #[error("cannot reach the cashier at {address}: {source}")]
    Connect {
        /// Where it was.
        address: String,
        /// Why not.
        source: io::Error,
    },
    /// The cashier hung up, or said something a cashier does not.
    #[error("the cashier has gone; the waiter stops")]
    CashierGone,
    /// The shift's workload cannot be served.
    #[error("the cashier's workload cannot be served: {0}")]
    Workload(#[from] WorkloadError),
    /// Asked to stop (SIGTERM to the waiter process).
    #[error("waiter process interrupted")]
    Interrupted,
}

/// Works one waiter's shift for the cashier at `address`, until done or
/// until `shutdown` (SIGTERM to this process, or the cashier gone).
pub fn run(address: &str, shutdown: &Shutdown) -> Result<(), WaiterError> {
    let token = std::env::var(TOKEN_VAR).map_err(|_| WaiterError::NoToken)?;
    let link = Link::call(address, shutdown)?;
    link.send(&FromWaiter::Hello { token })?;
    let FromCashier::Shift(spec) = link.receive()? else {
        return Err(link.break_off());
    };
    let workload = Arc::new(spec.workload()?);
    let service = open_shift(
        &spec,
        &workload,
        forward(&link),
        queue(&link),
        kitchen(&link),
        shutdown,
    );
    // The cashier knows this waiter by its connection: the badge here is
    // only this process's.
    let waiters: Vec<Waiter> = service.staff(1);
    link.send(&FromWaiter::Ready)?;
    let FromCashier::Open { epoch } = link.receive()? else {
        return Err(link.break_off());
    };
    service.clock().open_at(epoch.instant());
    let served = waiters.iter().try_for_each(Waiter::request_orders);
    if link.is_broken() {
        return Err(WaiterError::CashierGone);
    }
    served.map_err(|_| WaiterError::Interrupted)?;
    link.send(&FromWaiter::Done)
}

/// The shift of one waiter process: `spec`'s, on a real clock of this
/// process, with `queue` and `kitchen` elsewhere, each event passed to
/// `observer` and none kept. Its CPU work is measured here, before the
/// opening.
pub(crate) fn open_shift(
    spec: &ShiftSpec,
    workload: &Arc<Workload>,
    observer: Observer,
    queue: OrderQueue,
    kitchen: Kitchen,
    shutdown: &Shutdown,
) -> Arc<Service<ThreadClock>> {
    let setup = spec.setup(Model::Processes);
    let recorder = Arc::new(Recorder::passing_on(Arc::clone(workload), observer));
    let shift = Shift {
        workload,
        setup: &setup,
        recorder: &recorder,
        shutdown,
        broker: None,
    };
    let clock = ThreadClock::real(spec.speed, shutdown.clone());
    Service::open_at(&shift, clock, None, queue, kitchen)
}

/// The cashier's queue, asked for each order.
fn queue(link: &Arc<Link>) -> OrderQueue {
    let link = Arc::clone(link);
    OrderQueue::remote(move || {
        link.send(&FromWaiter::Take).ok()?;
        match link.receive() {
            Ok(FromCashier::Order { order }) => order,
            // No answer, no order: the stop ends the waiter.
            _ => {
                link.break_off();
                None
            }
        }
    })
}

/// The cashier's kitchen, asked for each product.
fn kitchen(link: &Arc<Link>) -> Kitchen {
    let link = Arc::clone(link);
    Kitchen::remote(move |now, preparation| {
        let asked = link.send(&FromWaiter::Kitchen { now, preparation });
        match asked.and_then(|()| link.receive()) {
            Ok(FromCashier::Ready { until }) => until,
            // No answer: the stop ends the wait at once, whatever it is.
            _ => {
                link.break_off();
                now.saturating_add(preparation)
            }
        }
    })
}

/// Passes each event on to the cashier as it is recorded.
fn forward(link: &Arc<Link>) -> Observer {
    let link = Arc::clone(link);
    Box::new(move |record| {
        if let Record::Event(event) = record {
            if let Some(what) = Happened::of(event.kind()) {
                let at = event.at();
                let order = event.order();
                // A failure breaks the link, which stops the waiter.
                let _ = link.send(&FromWaiter::Event { at, order, what });
            }
        }
    })
}

/// The waiter's end of the connection: it writes from the waiter's
/// thread, and a thread of its own reads the cashier's answers.
struct Link {
    output: Mutex<TcpStream>,
    answers: Mutex<Receiver<FromCashier>>,
    broken: AtomicBool,
    shutdown: Shutdown,
}

impl Link {
    /// Calls the cashier, and starts listening to it.
    fn call(address: &str, shutdown: &Shutdown) -> Result<Arc<Link>, WaiterError> {
        let connect = |source| WaiterError::Connect {
            address: address.to_string(),
            source,
        };
        let stream = TcpStream::connect(address).map_err(connect)?;
        stream.set_nodelay(true).map_err(connect)?;
        let input = stream.try_clone().map_err(connect)?;
        let (answer, answers) = mpsc::channel();
        let link = Arc::new(Link {
            output: Mutex::new(stream),
            answers: Mutex::new(answers),
            broken: AtomicBool::new(false),
            shutdown: shutdown.clone(),
        });
        let listener = Arc::clone(&link);
        std::thread::Builder::new()
            .name("cashier".into())
            .spawn(move || {
                let mut input = BufReader::new(input);
                while let Ok(Some(message)) = channel::receive::<FromCashier>(&mut input) {
                    if answer.send(message).is_err() {
                        break;
                    }
                }
                // The cashier hung up, or said something no cashier does.
                listener.break_off();
            })
            .map_err(connect)?;
        Ok(link)
    }

    /// Sends a message to the cashier.
    fn send(&self, message: &FromWaiter) -> Result<(), WaiterError> {
        let mut output = self.output.lock().unwrap_or_else(|e| e.into_inner());
        channel::send(&mut *output, message).map_err(|_| self.break_off())
    }

    /// The cashier's next answer.
    fn receive(&self) -> Result<FromCashier, WaiterError> {
        let answers = self.answers.lock().unwrap_or_else(|e| e.into_inner());
        // Ends in an error once the listening thread has stopped.
        answers.recv().map_err(|_| self.break_off())
    }

    /// The cashier is gone: the waiter stops, even mid-wait.
    fn break_off(&self) -> WaiterError {
        self.broken.store(true, Ordering::SeqCst);
        self.shutdown.trigger();
        WaiterError::CashierGone
    }

    fn is_broken(&self) -> bool {
        self.broken.load(Ordering::SeqCst)
    }
}
