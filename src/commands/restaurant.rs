//! `mesonero restaurant`: one model, its log live, then a summary line.
//! `mesonero cashier` is the same with the `processes` model through a
//! broker, every waiter joining from elsewhere.

use std::io::{self, Write};
use std::sync::Arc;

use crate::broker::BrokerSettings;
use crate::cli::{CashierArgs, EventFormat, PictureArgs, RestaurantArgs};
use crate::clock::{ClockKind, Shutdown};
use crate::report::live::{self, LiveFormat};
use crate::report::summary;
use crate::restaurant::{Model, Setup};
use crate::workload::Workload;

use super::pictures::Pictures;
use super::CommandError;

pub(super) fn run(args: &RestaurantArgs, shutdown: &Shutdown) -> Result<(), CommandError> {
    super::check_options(&[args.model], &args.service)?;
    let broker = super::broker(&args.broker, &[args.model], &args.service)?;
    let workload = super::workload(&args.workload)?;
    let setup = super::setup(args.model, &args.service);
    serve(
        &workload,
        &setup,
        broker.as_ref(),
        args.format,
        &args.pictures,
        shutdown,
    )
}

/// `mesonero cashier`: a broker run whose waiters all join from elsewhere.
pub(super) fn cashier(args: &CashierArgs, shutdown: &Shutdown) -> Result<(), CommandError> {
    let broker = BrokerSettings {
        awaited: args.waiters.into(),
        ..args.broker.required(args.deadline)?
    };
    let workload = super::workload(&args.workload)?;
    let setup = Setup {
        waiters: 0,
        gil: args.gil,
        ..Setup::new(Model::Processes, ClockKind::Real { speed: args.speed })
    };
    serve(
        &workload,
        &setup,
        Some(&broker),
        args.format,
        &args.pictures,
        shutdown,
    )
}

/// Serves `workload` with `setup`, printing its log live in `format`,
/// then the summary and the pictures asked for.
fn serve(
    workload: &Arc<Workload>,
    setup: &Setup,
    broker: Option<&BrokerSettings>,
    format: EventFormat,
    pictures: &PictureArgs,
    shutdown: &Shutdown,
) -> Result<(), CommandError> {
    super::distinct_files(&pictures.files())?;
    let pictures = Pictures::open(pictures, format != EventFormat::Json)?;
    let live = match format {
        EventFormat::Log => Some(LiveFormat::Log),
        EventFormat::Json => Some(LiveFormat::Json),
        EventFormat::Quiet => None,
    };
    let (observer, failure) = match live {
        Some(live) => {
            let (observer, failure) =
                live::printer(live, workload.clone(), None, io::stdout(), shutdown.clone());
            (Some(observer), Some(failure))
        }
        None => (None, None),
    };
    let run = crate::restaurant::run_through(workload, setup, broker, observer, shutdown);
    if let Some(error) = failure.and_then(|f| f.take()) {
        return Err(error.into());
    }
    let run = run?;
    // In JSON mode stdout holds only events; the summary is for people.
    if format == EventFormat::Json {
        summary::write(&mut io::stderr(), &run)?;
    } else {
        let mut out = io::stdout().lock();
        summary::write(&mut out, &run)?;
        out.flush()?;
    }
    pictures.write(std::slice::from_ref(&run))
}
