//! `mesonero waiter --broker URL`: serves a broker run's orders, printing
//! its own log, until the run's cashier closes it.

use std::io;
use std::sync::{Arc, Mutex};

use crate::broker::waiter::{self, Printer};
use crate::cli::{EventFormat, WaiterArgs};
use crate::clock::Shutdown;
use crate::report::live::{self, LiveFormat, WriteFailure};

use super::CommandError;

pub(super) fn run(args: &WaiterArgs, shutdown: &Shutdown) -> Result<(), CommandError> {
    let settings = args.broker.required(None)?;
    let live = match args.format {
        EventFormat::Log => Some(LiveFormat::Log),
        EventFormat::Json => Some(LiveFormat::Json),
        EventFormat::Quiet => None,
    };
    // The log's clock starts at the cashier's opening, known only once
    // the waiter has joined: the printer is made then.
    let failure: Arc<Mutex<Option<WriteFailure>>> = Arc::default();
    let printer = live.map(|live| {
        let (failure, shutdown) = (Arc::clone(&failure), shutdown.clone());
        let printer: Printer = Box::new(move |workload, opened| {
            let (observer, failed) =
                live::printer(live, workload, Some(opened), io::stdout(), shutdown);
            *failure.lock().unwrap_or_else(|e| e.into_inner()) = Some(failed);
            observer
        });
        printer
    });
    let served = waiter::serve(&settings, args.id, args.asynchronous, printer, shutdown);
    let failed = failure.lock().unwrap_or_else(|e| e.into_inner()).take();
    if let Some(error) = failed.and_then(|f| f.take()) {
        return Err(error.into());
    }
    let served = served?;
    if args.format == EventFormat::Quiet {
        return Ok(());
    }
    let orders = if served.dispatched == 1 {
        "order"
    } else {
        "orders"
    };
    noteln!(
        "waiter {} dispatched {} {orders} of run {}; the cashier closed it",
        served.badge,
        served.dispatched,
        served.run
    );
    Ok(())
}
