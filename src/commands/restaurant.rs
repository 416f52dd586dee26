//! `mesonero restaurant`: one model, its log live, then a summary line.

use std::io::{self, Write};

use chrono::Local;

use crate::cli::{EventFormat, RestaurantArgs};
use crate::clock::Shutdown;
use crate::report::live::{self, LiveFormat};
use crate::report::summary;

use super::pictures::Pictures;
use super::CommandError;

pub(super) fn run(args: &RestaurantArgs, shutdown: &Shutdown) -> Result<(), CommandError> {
    super::check_options(&[args.model], &args.service)?;
    let workload = super::workload(&args.workload)?;
    let setup = super::setup(args.model, &args.service);
    super::distinct_files(&args.pictures.files())?;
    let pictures = Pictures::open(&args.pictures, args.format != EventFormat::Json)?;
    let format = match args.format {
        EventFormat::Log => Some(LiveFormat::Log),
        EventFormat::Json => Some(LiveFormat::Json),
        EventFormat::Quiet => None,
    };
    let (observer, failure) = match format {
        Some(format) => {
            let (observer, failure) = live::printer(
                format,
                workload.clone(),
                Local::now(),
                io::stdout(),
                shutdown.clone(),
            );
            (Some(observer), Some(failure))
        }
        None => (None, None),
    };
    let run = crate::restaurant::run(&workload, &setup, observer, shutdown);
    if let Some(error) = failure.and_then(|f| f.take()) {
        return Err(error.into());
    }
    let run = run?;
    // In JSON mode stdout holds only events; the summary is for people.
    if args.format == EventFormat::Json {
        summary::write(&mut io::stderr(), &run)?;
    } else {
        let mut out = io::stdout().lock();
        summary::write(&mut out, &run)?;
        out.flush()?;
    }
    pictures.write(std::slice::from_ref(&run))
}
