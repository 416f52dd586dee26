//! Every model on the article's workload, on the virtual clock: exact
//! figures and correct traces.

use std::sync::Arc;
use std::time::Duration;

use mesonero::restaurant::{self, Model, Setup};
use mesonero::{ClockKind, Shutdown, Workload};

fn run(model: Model, clock: ClockKind) -> restaurant::Run {
    let setup = Setup::new(model, clock);
    restaurant::run(
        &Arc::new(Workload::article()),
        &setup,
        None,
        &Shutdown::new(),
    )
    .unwrap()
}

#[test]
fn virtual_makespans_are_the_articles() {
    for (model, millis) in [
        (Model::Sync, 43_800),
        (Model::Threads, 23_600),
        (Model::ThreadPerProduct, 7_500),
        (Model::Async, 7_500),
    ] {
        let run = run(model, ClockKind::Virtual);
        assert_eq!(run.makespan(), Duration::from_millis(millis), "{model}");
        assert_eq!(run.makespan(), run.ideal, "{model}");
    }
}

#[test]
fn threads_used_per_model() {
    assert_eq!(run(Model::Sync, ClockKind::Virtual).threads, 1);
    assert_eq!(run(Model::Threads, ClockKind::Virtual).threads, 3);
    // main + waiter + 4 orders + 11 products
    assert_eq!(run(Model::ThreadPerProduct, ClockKind::Virtual).threads, 17);
    assert_eq!(run(Model::Async, ClockKind::Virtual).threads, 1);
}

#[test]
fn virtual_runs_are_deterministic() {
    for model in Model::ALL
        .into_iter()
        .filter(|m| m.runs_on(ClockKind::Virtual))
    {
        let a = run(model, ClockKind::Virtual);
        let b = run(model, ClockKind::Virtual);
        assert_eq!(a.trace.events(), b.trace.events(), "{model}");
    }
}

#[test]
fn real_clock_runs_land_near_the_ideal() {
    // `processes` starts this program again for each waiter, and this
    // test's program is not mesonero: tests/processes.rs runs it.
    for model in Model::ALL.into_iter().filter(|m| !m.has_processes()) {
        let run = run(model, ClockKind::Real { speed: 50.0 });
        let (got, ideal) = (run.makespan().as_secs_f64(), run.ideal.as_secs_f64());
        // Generous: a loaded machine may add a lot; it can never be faster.
        assert!(
            got >= ideal * 0.99 && got < ideal * 1.5 + 2.0,
            "{model}: {got} vs {ideal}"
        );
    }
}

/// Many waiter threads on the real clock race for the first orders: the
/// checked trace shows that none takes an order before the cashier has
/// received them, and each lands near its ideal.
#[test]
fn many_waiters_on_the_real_clock_keep_the_invariants() {
    let workload =
        Arc::new(mesonero::workload::generate::repeat(&Workload::article(), 50).unwrap());
    for model in [Model::Threads, Model::ThreadPerProduct] {
        let setup = Setup {
            waiters: 200,
            ..Setup::new(model, ClockKind::Real { speed: 100.0 })
        };
        let run = restaurant::run(&workload, &setup, None, &Shutdown::new()).unwrap();
        assert!(run.makespan() >= run.ideal.mul_f64(0.99), "{model}");
    }
}
