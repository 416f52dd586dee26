//! `waiter --async`: the article's async waiter (`asinc.py`), serving a
//! broker run on an event loop of its own. In each round it takes every
//! order there is, waiting only for the first, and gathers them; then the
//! next round, until the cashier closes the run.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

use super::{forward, queue, Desk};
use crate::broker::BrokerError;
use crate::clock::event_loop::Flavor;
use crate::clock::{EventLoop, Shutdown};
use crate::kitchen::Kitchen;
use crate::restaurant::processes::ShiftSpec;
use crate::restaurant::service::Service;
use crate::restaurant::{asyncio, Model, Shift, Stop};
use crate::trace::Recorder;
use crate::workload::Workload;

/// The async waiter: the article's `asinc.py` waiter, on an event loop of
/// this process, in rounds until the run closes. Each round takes every
/// order there is and gathers them.
pub(super) fn serve_async(
    desk: &Arc<Desk>,
    spec: &ShiftSpec,
    workload: &Arc<Workload>,
    origin: Instant,
    shutdown: &Shutdown,
) -> Result<(), BrokerError> {
    let setup = spec.setup(Model::Async);
    let recorder = Arc::new(Recorder::passing_on(Arc::clone(workload), forward(desk)));
    let shift = Shift {
        workload,
        setup: &setup,
        recorder: &recorder,
        shutdown,
        broker: None,
    };
    let event_loop = EventLoop::new(
        Flavor::CurrentThread,
        setup.clock,
        setup.event_loop.blocking_threads,
        None,
    )
    .map_err(|e| BrokerError::BadSetup(e.to_string()))?;
    let (served, _) = event_loop.run(shutdown, |clock| async move {
        let clock = clock.started_at(origin);
        let service = Service::open_at(&shift, clock, None, queue(desk, true), Kitchen::new(None));
        while !desk.closed.load(Ordering::Relaxed) && !shutdown.is_triggered() {
            for waiter in service.staff(1) {
                asyncio::request_orders(waiter).await?;
            }
        }
        Ok::<(), Stop>(())
    });
    served.map_err(|_| BrokerError::Interrupted)
}
