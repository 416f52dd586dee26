//! `mesonero waiter --broker URL`: a waiter anywhere, serving a broker
//! run's orders.
//!
//! It joins a run (the one named, or the one most recently opened), wears
//! a badge, opens the run's shift on this machine, and says it is ready.
//! Once the cashier opens, it runs the blocking waiter of `threads`,
//! unchanged, on a real clock set to the cashier's opening: its queue of
//! orders is the run's stream, and its kitchen its own; or, with
//! `--async`, the waiter of `async` (see `asynchronous.rs`). Every event
//! goes to the cashier through the broker.
//!
//! Before it takes a new order, a waiter claims any order another waiter
//! has held for `--claim-after` without a sign of life; while it holds an
//! order, it shows it is alive three times in that time, for each order
//! it holds. It dispatches
//! with the run's check-and-set, so an order two waiters prepared is
//! dispatched once. It goes home when the cashier closes the run.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Local};
use tokio::runtime::Handle;

use super::connection::Broker;
use super::run::{Badge, BrokerRun, Taken, Told};
use super::{tell, BrokerError, BrokerSettings};
use crate::clock::Shutdown;
use crate::kitchen::Kitchen;
use crate::restaurant::blocking::Waiter;
use crate::restaurant::processes::{open_shift, Happened};
use crate::restaurant::OrderQueue;
use crate::trace::{Event, EventKind, Observer, Record};
use crate::workload::{OrderId, Workload};

mod asynchronous;
mod join;

use asynchronous::serve_async;
use join::{find_run, wait_for_shift, wear_badge};

/// How often a ready waiter looks for the opening: the time between the
/// opening and its look is time lost to serving.
const OPENING_POLL: Duration = Duration::from_millis(5);

/// Makes the printer of this waiter's log, once the opening is known.
pub type Printer = Box<dyn FnOnce(Arc<Workload>, DateTime<Local>) -> Observer + Send>;

/// What a waiter did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Served {
    /// The run it joined.
    pub run: String,
    /// Its badge.
    pub badge: Badge,
    /// Orders it dispatched.
    pub dispatched: u64,
}

/// Joins a run on the broker and serves its orders until the cashier
/// closes it, or until `shutdown`.
pub fn serve(
    settings: &BrokerSettings,
    id: Option<Badge>,
    asynchronous: bool,
    printer: Option<Printer>,
    shutdown: &Shutdown,
) -> Result<Served, BrokerError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|e| BrokerError::BadSetup(format!("cannot start the waiter's runtime: {e}")))?;
    let connect = || Broker::connect(&settings.url, settings.patience, shutdown);
    // Two connections: one waits for orders, the other tells events and
    // signs of life, which must not wait behind it.
    let (reader, teller) =
        runtime.block_on(async { Ok::<_, BrokerError>((connect().await?, connect().await?)) })?;
    let run = runtime.block_on(find_run(&teller, settings))?;
    let spec = runtime.block_on(wait_for_shift(&teller, &run))?;
    let badge = runtime.block_on(wear_badge(&teller, &run, id))?;
    let workload = Arc::new(spec.workload().map_err(|e| BrokerError::Garbled {
        what: format!("run {}'s workload", run.name()),
        why: e.to_string(),
    })?);
    // A quiet waiter (one its cashier started) says nothing but errors.
    if printer.is_some() {
        tell(&format!(
            "waiter {badge} joined run {} on {}: {} orders",
            run.name(),
            settings.url,
            workload.orders().len()
        ));
    }
    let desk = Arc::new(Desk {
        runtime: runtime.handle().clone(),
        reader,
        teller,
        run,
        badge,
        claim_after: settings.claim_after,
        held: Mutex::new(HashMap::new()),
        closed: AtomicBool::new(false),
        in_round: AtomicBool::new(false),
        told: AtomicU64::new(0),
        dispatched: AtomicU64::new(0),
        printer: Mutex::new(None),
        failure: Mutex::new(None),
        patience: settings.patience,
        silent_since: Mutex::new(None),
        shutdown: shutdown.clone(),
    });
    // Each waiter keeps its own kitchen. The blocking waiter measures its
    // CPU work here, before the opening.
    let service = (!asynchronous).then(|| {
        open_shift(
            &spec,
            &workload,
            forward(&desk),
            queue(&desk, false),
            Kitchen::new(None),
            shutdown,
        )
    });
    desk.runtime
        .block_on(desk.run.say_ready(&desk.teller, badge))?;
    let Some(opening) = desk.runtime.block_on(wait_for_opening(&desk))? else {
        return Ok(desk.served());
    };
    if let Some(printer) = printer {
        let opened = DateTime::<Local>::from(UNIX_EPOCH + nanos(opening));
        *lock(&desk.printer) = Some(printer(Arc::clone(&workload), opened));
    }
    let keeping = desk.runtime.spawn(keep_alive(Arc::clone(&desk)));
    let served = match service {
        Some(service) => {
            service.clock().open_at(instant_of(opening));
            let waiters: Vec<Waiter> = service.staff(1);
            waiters
                .iter()
                .try_for_each(Waiter::request_orders)
                .map_err(|_| BrokerError::Interrupted)
        }
        None => serve_async(&desk, &spec, &workload, instant_of(opening), shutdown),
    };
    keeping.abort();
    if let Some(failure) = lock(&desk.failure).take() {
        return Err(failure);
    }
    served?;
    Ok(desk.served())
}

/// What the waiter shares between its thread, its log and its signs of
/// life.
struct Desk {
    /// The runtime's handle, not the runtime: the desk may be let go of
    /// by a task of the runtime, which must not drop its own runtime.
    runtime: Handle,
    reader: Broker,
    teller: Broker,
    run: BrokerRun,
    badge: Badge,
    claim_after: Duration,
    /// The orders in hand: a blocking waiter holds one at a time, an
    /// async one many.
    held: Mutex<HashMap<OrderId, Taken>>,
    /// Whether the cashier closed the run.
    closed: AtomicBool,
    /// Whether an async waiter's round has taken an order: its first take
    /// waits for one, the others take only what is there.
    in_round: AtomicBool,
    /// How many events this waiter told.
    told: AtomicU64,
    dispatched: AtomicU64,
    printer: Mutex<Option<Observer>>,
    /// The broker failure that stopped the waiter.
    failure: Mutex<Option<BrokerError>>,
    /// How long to wait for a sign of life from the cashier.
    patience: Duration,
    /// Since when the cashier has given none.
    silent_since: Mutex<Option<Instant>>,
    shutdown: Shutdown,
}

impl Desk {
    /// Stops the waiter for `error`, keeping the first.
    fn fail(&self, error: BrokerError) {
        let mut failure = lock(&self.failure);
        if failure.is_none() && !matches!(error, BrokerError::Interrupted) {
            *failure = Some(error);
        }
        self.shutdown.trigger();
    }

    fn served(&self) -> Served {
        Served {
            run: self.run.name().to_string(),
            badge: self.badge,
            dispatched: self.dispatched.load(Ordering::Relaxed),
        }
    }

    /// Runs `work` on the broker's runtime and waits for it, from any
    /// thread: the waiter's, or an async waiter's event loop, where
    /// `block_on` may not be called.
    fn on_broker<T, F, Fut>(self: &Arc<Self>, work: F) -> Result<T, BrokerError>
    where
        T: Send + 'static,
        F: FnOnce(Arc<Desk>) -> Fut,
        Fut: Future<Output = Result<T, BrokerError>> + Send + 'static,
    {
        let (answer, answered) = mpsc::channel();
        let job = work(Arc::clone(self));
        self.runtime.spawn(async move {
            let _ = answer.send(job.await);
        });
        answered.recv().unwrap_or(Err(BrokerError::Interrupted))
    }

    /// The next order: one claimed from a waiter that stopped answering,
    /// else a new one. With `wait`, waits for one, and is `None` once the
    /// run is closed; without, is `None` when none is there now.
    fn next_order(self: &Arc<Self>, wait: bool) -> Result<Option<Taken>, BrokerError> {
        self.on_broker(move |desk| async move {
            let (run, badge) = (&desk.run, desk.badge);
            loop {
                if desk.shutdown.is_triggered() {
                    return Err(BrokerError::Interrupted);
                }
                let claimed = run.claim(&desk.reader, badge, desk.claim_after).await?;
                if let Some(taken) = claimed {
                    // Dispatched by its waiter after all, just in time.
                    if run.is_dispatched(&desk.reader, taken.order).await? {
                        run.ack(&desk.reader, &taken.entry).await?;
                        continue;
                    }
                    return Ok(Some(taken));
                }
                if let Some(taken) = run.take(&desk.reader, badge, wait).await? {
                    return Ok(Some(taken));
                }
                if !wait {
                    return Ok(None);
                }
                let state = run.state(&desk.reader).await?;
                if state.closed {
                    desk.closed.store(true, Ordering::Relaxed);
                    return Ok(None);
                }
                desk.heed_cashier(state.cashier)?;
            }
        })
    }

    /// Fails once the cashier has shown no sign of life for the
    /// patience: its run will never close.
    fn heed_cashier(&self, alive: bool) -> Result<(), BrokerError> {
        let mut silent = lock(&self.silent_since);
        if alive {
            *silent = None;
            return Ok(());
        }
        let since = *silent.get_or_insert_with(Instant::now);
        if since.elapsed() >= self.patience {
            return Err(BrokerError::CashierGone {
                run: self.run.name().to_string(),
                patience: self.patience,
            });
        }
        Ok(())
    }

    /// Tells the cashier `what` happened at `at` to `order`; a dispatch
    /// only if it is this waiter's.
    fn tell(self: &Arc<Self>, at: Duration, order: u32, what: Happened) -> Result<(), BrokerError> {
        let told = Told {
            waiter: self.badge,
            seq: self.told.fetch_add(1, Ordering::Relaxed) + 1,
            at_us: at.as_micros() as u64,
            order,
            what,
        };
        if what != Happened::Dispatched {
            return self
                .on_broker(move |desk| async move { desk.run.tell(&desk.teller, &told).await });
        }
        let Some(taken) = lock(&self.held).remove(&order) else {
            return Ok(());
        };
        let won = self.on_broker(move |desk| async move {
            desk.run.dispatch(&desk.teller, &taken.entry, &told).await
        })?;
        if won {
            self.dispatched.fetch_add(1, Ordering::Relaxed);
        } else {
            tell(&format!(
                "waiter {}: order {order} was dispatched by another waiter first; this dispatch does not count",
                self.badge
            ));
        }
        Ok(())
    }
}

/// The run's stream as the waiter's queue of orders. A blocking waiter
/// waits for its next order. An async waiter takes, in each round, every
/// order there is: it waits for the first, then takes what is there, as
/// the article's waiter empties the queue before it gathers.
fn queue(desk: &Arc<Desk>, asynchronous: bool) -> OrderQueue {
    let desk = Arc::clone(desk);
    OrderQueue::remote(move || {
        let wait = !asynchronous || !desk.in_round.swap(true, Ordering::Relaxed);
        match desk.next_order(wait) {
            Ok(Some(taken)) => {
                let order = taken.order;
                lock(&desk.held).insert(order, taken);
                Some(order)
            }
            Ok(None) => {
                desk.in_round.store(false, Ordering::Relaxed);
                None
            }
            Err(e) => {
                desk.fail(e);
                None
            }
        }
    })
}

/// Passes each event to the cashier through the broker, and to the log.
fn forward(desk: &Arc<Desk>) -> Observer {
    let desk = Arc::clone(desk);
    Box::new(move |record| {
        let Record::Event(event) = record else { return };
        let (at, order, kind) = (event.at(), event.order(), event.kind());
        let mut events = vec![Event::new(at, desk.badge.into(), order, kind)];
        // An order claimed from another waiter: the re-delivery is told
        // first, at the moment this waiter takes it.
        if kind == EventKind::RequestOrder {
            let from = lock(&desk.held).get(&order).and_then(|t| t.from);
            if let Some(from) = from {
                let redelivered = EventKind::Redelivered { from };
                events.insert(0, Event::new(at, desk.badge.into(), order, redelivered));
            }
        }
        for event in &events {
            if let Some(what) = Happened::of(event.kind()) {
                if let Err(e) = desk.tell(at, order, what) {
                    desk.fail(e);
                    return;
                }
            }
        }
        if let Some(printer) = lock(&desk.printer).as_mut() {
            for event in events {
                printer(Record::Event(event));
            }
        }
    })
}

/// Signs of life for the orders in hand, three in each `--claim-after`.
async fn keep_alive(desk: Arc<Desk>) {
    let mut every = tokio::time::interval(desk.claim_after / 3);
    loop {
        every.tick().await;
        let held: Vec<(String, OrderId)> = lock(&desk.held)
            .values()
            .map(|t| (t.entry.clone(), t.order))
            .collect();
        for (entry, order) in held {
            match desk.run.keep(&desk.teller, desk.badge, &entry).await {
                Ok(true) => {}
                Ok(false) => tell(&format!(
                    "waiter {}: order {order} was claimed by another waiter; the first to dispatch it counts",
                    desk.badge
                )),
                Err(e) => {
                    desk.fail(e);
                    return;
                }
            }
        }
    }
}

/// The opening, waiting for the cashier; `None` if the run closed first.
async fn wait_for_opening(desk: &Desk) -> Result<Option<u128>, BrokerError> {
    loop {
        let state = desk.run.state(&desk.teller).await?;
        if state.closed {
            return Ok(None);
        }
        if let Some(opening) = state.opening {
            return Ok(Some(opening));
        }
        desk.heed_cashier(state.cashier)?;
        // Often: the opening starts the restaurant's clock.
        desk.teller.pause(OPENING_POLL).await?;
    }
}

/// A duration of `n` nanoseconds, saturating.
fn nanos(n: u128) -> Duration {
    Duration::from_nanos(u64::try_from(n).unwrap_or(u64::MAX))
}

/// The moment `opening` (nanoseconds of wall time) as an `Instant` of this
/// process: the clocks of two machines agree as well as they are kept in
/// time. An opening not yet come (a clock behind) is now.
fn instant_of(opening: u128) -> Instant {
    let (now, wall) = (Instant::now(), SystemTime::now());
    let since = wall
        .duration_since(UNIX_EPOCH + nanos(opening))
        .unwrap_or(Duration::ZERO);
    now.checked_sub(since).unwrap_or(now)
}

/// A lock whose poisoning (a panic elsewhere) does not matter here.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_opening_becomes_an_instant_of_this_process() {
        let opened = SystemTime::now() - Duration::from_secs(2);
        let opening = opened.duration_since(UNIX_EPOCH).unwrap().as_nanos();
        let ago = instant_of(opening).elapsed();
        assert!(
            ago >= Duration::from_secs(2) && ago < Duration::from_secs(3),
            "{ago:?}"
        );
        // An opening in the future (a clock behind) is now.
        let later = (SystemTime::now() + Duration::from_secs(60))
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        assert!(instant_of(later).elapsed() < Duration::from_secs(1));
    }
}
