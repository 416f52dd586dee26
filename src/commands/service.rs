//! The restaurant's options, read once for every command that serves it
//! (`restaurant`, `compare`, `report`): the workload, the models, and each
//! model's setup, with the checks that the options fit the models.

use std::sync::Arc;

use super::CommandError;
use crate::broker::BrokerSettings;
use crate::cli::{BrokerArgs, ClockArg, ModelChoice, ServiceArgs, SlowCallback, WorkloadArgs};
use crate::clock::ClockKind;
use crate::restaurant::{LoopSettings, Model, Setup};
use crate::workload::{generate, Workload};

/// The seed of `--random` when `--seed` is not given.
pub const DEFAULT_SEED: u64 = 1;

/// The workload the options describe.
pub fn workload(args: &WorkloadArgs) -> Result<Arc<Workload>, CommandError> {
    if let (Some(seed), None) = (args.seed, args.random) {
        return Err(CommandError::SeedWithoutRandom(seed));
    }
    let mut workload = match &args.workload {
        Some(path) => crate::workload::file::load(path)?,
        None => Workload::article(),
    };
    if let Some(cpu) = args.cpu {
        workload = generate::with_cpu(&workload, cpu)?;
    }
    if let Some(count) = args.random {
        workload = generate::random(
            workload.menu(),
            clamp(count),
            args.seed.unwrap_or(DEFAULT_SEED),
        )?;
    }
    if let Some(times) = args.repeat {
        workload = generate::repeat(&workload, clamp(times))?;
    }
    Ok(Arc::new(workload))
}

/// A count from the command line as `usize`; counts too large for memory
/// are refused later, with a message, by the workload's own limits.
fn clamp(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// The setup of `model` the options describe.
pub fn setup(model: Model, args: &ServiceArgs) -> Setup {
    let defaults = LoopSettings::default();
    let options = &args.event_loop;
    Setup {
        model,
        waiters: args.waiters.map_or(model.default_waiters(), |n| n as usize),
        cooks: args.cooks.map(|n| n as usize),
        clock: clock(args),
        cores: args.cores.map(|n| n as usize),
        gil: args.gil,
        event_loop: LoopSettings {
            workers: options.workers.map(|n| n as usize),
            blocking_threads: options
                .blocking_threads
                .map_or(defaults.blocking_threads, |n| n as usize),
            slow_callback: match options.slow_callback {
                None => defaults.slow_callback,
                Some(SlowCallback::After(threshold)) => Some(threshold),
                Some(SlowCallback::Off) => None,
            },
        },
    }
}

/// The broker settings, if `--broker` is given: only the `processes`
/// model takes orders from a broker, on the real clock, with a kitchen
/// that each waiter keeps.
pub fn broker(
    args: &BrokerArgs,
    models: &[Model],
    service: &ServiceArgs,
) -> Result<Option<BrokerSettings>, CommandError> {
    let Some(settings) = args.settings(None) else {
        if args.run.is_some() {
            return Err(CommandError::Usage(
                "--run names a run on a broker: give --broker too, or leave --run out".into(),
            ));
        }
        return Ok(None);
    };
    let usage = |what: &str| Err(CommandError::Usage(what.to_string()));
    if !models.contains(&Model::Processes) {
        return usage("--broker is where the processes model's waiters take their orders: serve with --model processes, or leave --broker out");
    }
    if service.clock == ClockArg::Virtual {
        return usage("--broker runs on the real clock: its waiters are other programs, which a virtual clock cannot wait for");
    }
    if service.cooks.is_some() {
        return usage("--cooks limits one kitchen, and through a broker each waiter keeps its own: leave --cooks out");
    }
    Ok(Some(settings))
}

/// The clock the options ask for.
fn clock(args: &ServiceArgs) -> ClockKind {
    match args.clock {
        ClockArg::Real => ClockKind::Real { speed: args.speed },
        ClockArg::Virtual => ClockKind::Virtual,
    }
}

/// The models `--models` names, each once, in the order first named, and
/// those of a named set left out because they cannot run on the clock.
/// A model named on its own that cannot run on the clock is refused.
pub fn models(
    choices: &[ModelChoice],
    args: &ServiceArgs,
) -> Result<(Vec<Model>, Vec<Model>), CommandError> {
    let clock = clock(args);
    let (mut models, mut left_out) = (Vec::new(), Vec::new());
    for &choice in choices {
        let named: &[Model] = match choice {
            ModelChoice::One(model) => {
                runs_on(model, clock)?;
                &[model]
            }
            ModelChoice::Set(set) => set.models(),
        };
        for &model in named {
            let list = if model.runs_on(clock) {
                &mut models
            } else {
                &mut left_out
            };
            if !list.contains(&model) {
                list.push(model);
            }
        }
    }
    check_options(&models, args)?;
    Ok((models, left_out))
}

/// Refuses a model that cannot run on the clock, saying why.
fn runs_on(model: Model, clock: ClockKind) -> Result<(), CommandError> {
    match model.virtual_clock_refusal() {
        Some(refusal) if !model.runs_on(clock) => Err(CommandError::Usage(refusal)),
        _ => Ok(()),
    }
}

/// Refuses the event loop's options when none of `models` has what they
/// set, and a model the clock cannot run.
pub fn check_options(models: &[Model], args: &ServiceArgs) -> Result<(), CommandError> {
    for &model in models {
        runs_on(model, clock(args))?;
    }
    let options = &args.event_loop;
    let none_has = || {
        let names: Vec<&str> = models.iter().map(|m| m.name()).collect();
        match names.as_slice() {
            [one] => format!("{one} has none"),
            _ => format!("none of {} has one", names.join(", ")),
        }
    };
    let unused = |given: bool, has: fn(Model) -> bool, what: &str| {
        if given && !models.iter().any(|&m| has(m)) {
            return Err(CommandError::Usage(format!(
                "{what}, and {}: leave the option out, or serve with a model that uses it",
                none_has()
            )));
        }
        Ok(())
    };
    unused(
        options.workers.is_some(),
        Model::has_workers,
        "--workers sets the worker threads of async-multi's multi-thread runtime",
    )?;
    unused(
        options.blocking_threads.is_some(),
        Model::has_blocking_pool,
        "--blocking-threads sets the size of async-offload's blocking pool",
    )?;
    unused(
        options.slow_callback.is_some(),
        Model::has_event_loop,
        "--slow-callback times the event loop of the async models",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Cli;

    #[test]
    fn a_seed_needs_random_orders() {
        use clap::Parser;
        let cli = Cli::try_parse_from(["mesonero", "--seed", "7"]).unwrap();
        let err = workload(&cli.compare.workload).unwrap_err();
        assert!(matches!(err, CommandError::SeedWithoutRandom(7)));
        assert_eq!(err.exit_code(), 2);
        let cli = Cli::try_parse_from(["mesonero", "--seed", "7", "--random", "3"]).unwrap();
        assert_eq!(workload(&cli.compare.workload).unwrap().orders().len(), 3);
    }
}
