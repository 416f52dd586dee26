//! Criterion benchmarks of the models on the virtual clock, where a run
//! costs only its own overhead: the work of scheduling and recording, not
//! waiting.
//!
//!     cargo bench --bench models
//!     cargo bench --bench models -- simulator    (events per second)
//!
//! Large real-clock runs and peak memory are measured by `benches/scale.sh`.

use std::sync::Arc;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

use mesonero::restaurant::{self, LoopSettings, Model, Setup};
use mesonero::workload::generate;
use mesonero::{ClockKind, Shutdown, Workload};

fn serve(workload: &Arc<Workload>, model: Model) {
    run(workload, Setup::new(model, ClockKind::Virtual));
}

fn run(workload: &Arc<Workload>, setup: Setup) {
    // unwrap is fine in a benchmark: a failure should stop it loudly.
    restaurant::run(workload, &setup, None, &Shutdown::new()).unwrap();
}

/// Every model that runs on the virtual clock.
fn virtual_models() -> impl Iterator<Item = Model> {
    Model::ALL
        .into_iter()
        .filter(|m| m.runs_on(ClockKind::Virtual))
}

fn article(c: &mut Criterion) {
    let workload = Arc::new(Workload::article());
    let mut group = c.benchmark_group("article workload, virtual clock");
    for model in virtual_models() {
        group.bench_function(model.name(), |b| b.iter(|| serve(&workload, model)));
    }
    group.finish();
}

/// The virtual clock as a simulator: events recorded per second of this
/// machine's time, for every model that runs on it, on the article's
/// orders a hundred times over (4,501 events; a thousand would need more
/// threads than a machine allows thread-per-product). Criterion prints it
/// as the throughput (`thrpt`, in elements per second).
fn simulator(c: &mut Criterion) {
    let mut group = c.benchmark_group("simulator, events per second, virtual clock");
    group.sample_size(10);
    // unwrap is fine: a valid repeat count.
    let workload = Arc::new(generate::repeat(&Workload::article(), 100).unwrap());
    let events = restaurant::run(
        &workload,
        &Setup::new(Model::Sync, ClockKind::Virtual),
        None,
        &Shutdown::new(),
    )
    .unwrap()
    .trace
    .events()
    .len();
    group.throughput(Throughput::Elements(events as u64));
    for model in virtual_models() {
        group.bench_function(model.name(), |b| b.iter(|| serve(&workload, model)));
    }
    group.finish();
}

/// What the slow-callback detector costs the async model: a thread-local
/// look at every event recorded.
fn detector(c: &mut Criterion) {
    let mut group = c.benchmark_group("slow-callback detector, async, virtual clock");
    group.sample_size(10);
    for repeat in [10_000, 100_000] {
        // unwrap is fine: these are valid repeat counts.
        let workload = Arc::new(generate::repeat(&Workload::article(), repeat).unwrap());
        for (name, slow_callback) in [("on", LoopSettings::default().slow_callback), ("off", None)]
        {
            let setup = Setup {
                event_loop: LoopSettings {
                    slow_callback,
                    ..LoopSettings::default()
                },
                ..Setup::new(Model::Async, ClockKind::Virtual)
            };
            group.bench_with_input(BenchmarkId::new(name, repeat), &workload, |b, w| {
                b.iter(|| run(w, setup))
            });
        }
    }
    group.finish();
}

fn repeated(c: &mut Criterion) {
    let mut group = c.benchmark_group("repeated article workload, virtual clock");
    group.sample_size(10);
    for repeat in [100, 1_000, 10_000] {
        // unwrap is fine: these are valid repeat counts.
        let workload = Arc::new(generate::repeat(&Workload::article(), repeat).unwrap());
        for model in [Model::Threads, Model::Async] {
            group.bench_with_input(BenchmarkId::new(model.name(), repeat), &workload, |b, w| {
                b.iter(|| serve(w, model))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, article, repeated, detector, simulator);
criterion_main!(benches);
