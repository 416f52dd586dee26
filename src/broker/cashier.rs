//! The cashier of a broker run: `mesonero cashier --broker URL`, and
//! `restaurant --model processes --broker URL`, which also starts the
//! waiters, as processes of this machine.
//!
//! It creates the run (its shift, its two streams), starts its own waiter
//! processes if it has any and waits for them to be ready, receives the
//! orders (puts them on the stream) and opens. Then it reads what the
//! waiters tell and records it, merged in time order as the `processes`
//! cashier does, until every order is dispatched, the deadline passes, or
//! it is asked to stop; and closes the run, which sends the waiters home
//! and lets its keys expire.

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tokio::runtime::Runtime;

use super::connection::Broker;
use super::run::{BrokerRun, Told};
use super::{tell, BrokerError, BrokerSettings, RunName};
use crate::clock::ClockKind;
use crate::restaurant::processes::{Happened, Merge, ShiftSpec, Staff, MAX_TIME, READY_WITHIN};
use crate::restaurant::{Served, Shift, Stop};
use crate::trace::{EventKind, WaiterId};

/// How long the local waiter processes have to go home once the run is
/// closed: they look every [`super::POLL`].
const GRACE: Duration = Duration::from_secs(5);

/// How often the cashier shows its waiters it is alive: well within the
/// sign's life ([`super::run::CASHIER_SIGN`]).
const SIGN_EVERY: Duration = Duration::from_secs(1);

/// Serves `shift`'s orders through the broker, with `local` waiter
/// processes of this machine besides any that join from elsewhere,
/// opening once `awaited` waiters are ready.
pub fn serve(
    shift: &Shift,
    settings: &BrokerSettings,
    local: usize,
    awaited: usize,
) -> Result<Served, Stop> {
    let started = Instant::now();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| BrokerError::BadSetup(format!("cannot start the cashier's runtime: {e}")))?;
    let mut cashier = Cashier::open(&runtime, shift, settings)?;
    let deadline = settings.deadline.map(|d| started + d);
    let served = runtime.block_on(async {
        let work = cashier.work(local, awaited);
        match deadline {
            None => work.await,
            Some(at) => match tokio::time::timeout_at(at.into(), work).await {
                Ok(done) => done,
                Err(_) => Err(BrokerError::Deadline(settings.deadline.unwrap_or_default())),
            },
        }
    });
    // Whatever happened, the run is closed, so that its waiters go home
    // and its keys expire: unless the broker is what failed.
    if !matches!(served, Err(BrokerError::Gone { .. })) {
        let closing = runtime.block_on(async {
            tokio::time::timeout(GRACE, cashier.run.close(&cashier.broker)).await
        });
        if !matches!(closing, Ok(Ok(()))) {
            tell(&format!(
                "could not close run {}; its keys expire by themselves",
                cashier.run.name()
            ));
        }
    }
    match served {
        Ok(()) => {
            runtime.block_on(cashier.staff.release(GRACE));
            Ok(Served { threads: 1 + local })
        }
        Err(BrokerError::Interrupted) => Err(Stop::Interrupted(crate::clock::Interrupted)),
        Err(e) => Err(e.into()),
    }
}

/// The cashier, its run and its local staff.
struct Cashier<'a> {
    /// First, so that it is dropped first: no local waiter outlives the
    /// cashier.
    staff: Staff,
    shift: &'a Shift<'a>,
    settings: &'a BrokerSettings,
    broker: Broker,
    run: BrokerRun,
    merge: Merge,
    /// When the cashier last showed a sign of life.
    last_sign: Option<Instant>,
}

impl<'a> Cashier<'a> {
    /// Connects to the broker and creates the run.
    fn open(
        runtime: &Runtime,
        shift: &'a Shift<'a>,
        settings: &'a BrokerSettings,
    ) -> Result<Cashier<'a>, BrokerError> {
        let speed = match shift.setup.clock {
            ClockKind::Real { speed } => speed,
            ClockKind::Virtual => {
                return Err(BrokerError::BadSetup(
                    "a broker run is on the real clock: its waiters are other programs".into(),
                ))
            }
        };
        let broker = runtime.block_on(Broker::connect(
            &settings.url,
            settings.patience,
            shift.shutdown,
        ))?;
        let name = settings.run.clone().unwrap_or_else(RunName::unique);
        let run = BrokerRun::named(name);
        let spec = ShiftSpec::new(shift.workload, speed, shift.setup.gil);
        runtime.block_on(run.create(&broker, &spec))?;
        Ok(Cashier {
            staff: Staff::default(),
            shift,
            settings,
            broker,
            run,
            merge: Merge::default(),
            last_sign: None,
        })
    }

    /// Hires, waits for the waiters, opens, and serves until every order
    /// is dispatched.
    async fn work(&mut self, local: usize, awaited: usize) -> Result<(), BrokerError> {
        let orders = self.shift.workload.orders().len();
        if local == 0 {
            tell(&format!(
                "run {} on {}: {orders} orders; start waiters with: mesonero waiter --broker {} --run {}",
                self.run.name(),
                self.settings.url,
                self.settings.url,
                self.run.name()
            ));
        } else {
            self.hire(local)?;
        }
        self.wait_for_waiters(local, awaited).await?;
        // `Received orders`, at time 0: the orders go on the stream, and
        // the restaurant opens.
        self.shift
            .recorder
            .record_at(Duration::ZERO, 0, 0, EventKind::ReceivedOrders);
        let opening = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos();
        // Opened first, so that the waiters are reading the stream as the
        // orders arrive on it.
        self.run.open(&self.broker, opening).await?;
        self.run.queue(&self.broker, orders).await?;
        self.gather(local).await
    }

    /// Starts `count` waiter processes.
    fn hire(&mut self, count: usize) -> Result<(), BrokerError> {
        let program = crate::restaurant::processes::program()
            .map_err(|e| BrokerError::BadSetup(e.to_string()))?;
        for badge in 1..=count {
            let args = [
                "waiter".to_string(),
                "--run".into(),
                self.run.name().to_string(),
                "--id".into(),
                badge.to_string(),
                "--claim-after".into(),
                format!("{}ms", self.settings.claim_after.as_millis()),
                "--patience".into(),
                format!("{}ms", self.settings.patience.as_millis()),
                "--format".into(),
                "quiet".into(),
            ];
            self.staff
                .start_with(
                    &program,
                    badge as WaiterId,
                    &args,
                    &[(super::URL_VAR, self.settings.url.secret())],
                )
                .map_err(|e| BrokerError::BadSetup(e.to_string()))?;
        }
        Ok(())
    }

    /// Waits until `count` waiters are ready; the `local` ones this
    /// cashier started must be within [`READY_WITHIN`], and alive.
    async fn wait_for_waiters(&mut self, local: usize, count: usize) -> Result<(), BrokerError> {
        let within = Instant::now() + READY_WITHIN;
        loop {
            self.sign_of_life().await?;
            if self.run.ready(&self.broker).await? >= count {
                return Ok(());
            }
            if let Some((waiter, status)) = self.staff.ended() {
                return Err(BrokerError::NoWaiters(format!(
                    "waiter {waiter} {} before it was ready",
                    crate::restaurant::processes::how(status)
                )));
            }
            if local > 0 && Instant::now() > within {
                return Err(BrokerError::NoWaiters(format!(
                    "not every waiter was ready within {} s",
                    READY_WITHIN.as_secs()
                )));
            }
            self.broker.pause(Duration::from_millis(10)).await?;
        }
    }

    /// Records what the waiters tell until every order is dispatched.
    async fn gather(&mut self, local: usize) -> Result<(), BrokerError> {
        let workload = self.shift.workload;
        let total = workload.orders().len();
        let mut dispatched = vec![false; total];
        let mut left = total;
        let mut last = "0-0".to_string();
        let mut heard: HashMap<u16, u64> = HashMap::new();
        let mut gone = 0;
        while left > 0 {
            self.sign_of_life().await?;
            for (id, told) in self.run.news(&self.broker, &last).await? {
                last = id;
                let Some(told) = told else { continue };
                // A repeat of something already told (sent again after
                // a lost answer) is dropped.
                let seen = heard.entry(told.waiter).or_default();
                if told.seq <= *seen {
                    continue;
                }
                *seen = told.seq;
                if !self.record(&told) {
                    tell(&format!(
                        "ignored what waiter {} told of order {}: not an event of this run",
                        told.waiter, told.order
                    ));
                    continue;
                }
                if told.what == Happened::Dispatched && !dispatched[told.order as usize] {
                    dispatched[told.order as usize] = true;
                    left -= 1;
                }
            }
            // A local waiter that ends is told of; its orders go to the
            // others once unclaimed for --claim-after.
            while let Some((waiter, status)) = self.staff.ended_once() {
                gone += 1;
                tell(&format!(
                    "waiter {waiter} (process {}) {}; another waiter claims its order after {} s",
                    self.staff.pid(waiter),
                    crate::restaurant::processes::how(status),
                    self.settings.claim_after.as_secs_f64()
                ));
                if gone == local {
                    return Err(BrokerError::NoWaiters(format!(
                        "the last, waiter {waiter}, {}",
                        crate::restaurant::processes::how(status)
                    )));
                }
            }
        }
        Ok(())
    }

    /// Tells the waiters the cashier is alive, once a second.
    async fn sign_of_life(&mut self) -> Result<(), BrokerError> {
        if self.last_sign.is_some_and(|at| at.elapsed() < SIGN_EVERY) {
            return Ok(());
        }
        self.run.cashier_alive(&self.broker).await?;
        self.last_sign = Some(Instant::now());
        Ok(())
    }

    /// Records one event a waiter told; false for one that cannot be of
    /// this run (an order or product it does not have, a time past a
    /// century, a waiter numbered 0).
    fn record(&self, told: &Told) -> bool {
        let workload = self.shift.workload;
        let at = Duration::from_micros(told.at_us);
        if told.waiter == 0 || at > MAX_TIME || told.order as usize >= workload.orders().len() {
            return false;
        }
        let items = workload.order(told.order).products.len();
        let Some(kinds) = told.what.kinds(items) else {
            return false;
        };
        let merged = || self.merge.at(at);
        self.shift
            .recorder
            .record_all(&merged, told.waiter.into(), told.order, kinds);
        true
    }
}
