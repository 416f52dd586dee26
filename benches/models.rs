//! Criterion benchmarks of the models on the virtual clock, where a run
//! costs only its own overhead: the work of scheduling and recording, not
//! waiting.
//!
//!     cargo bench --bench models
//!     cargo bench --bench models -- simulator    (events per second)
//!     cargo bench --bench models -- handover     (the baton's cost)
//!
//! Large real-clock runs and peak memory are measured by `benches/scale.sh`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

use mesonero::clock::ThreadClock;
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

/// The threaded virtual clock's baton on its own, in time per sleep
/// (criterion's `time` is per iteration, and an iteration is one sleep):
///
/// - `ping-pong`: two threads sleep in turn, one virtual microsecond
///   apart, so that every sleep hands the baton to the other thread: the
///   cost of a hand-over between OS threads;
/// - `alone`: one thread sleeps again and again and is always the next to
///   wake, so the baton never leaves it: the cost of a sleep that needs no
///   hand-over.
///
/// Starting the threads is in each measurement too, once; criterion's
/// estimate is the slope over growing iteration counts, which leaves it out.
fn handover(c: &mut Criterion) {
    let mut group = c.benchmark_group("handover, virtual clock");
    group.sample_size(20);
    for (name, threads) in [("ping-pong", 2), ("alone", 1)] {
        group.bench_function(name, |b| b.iter_custom(|sleeps| naps(threads, sleeps)));
    }
    group.finish();
}

/// How long `threads` threads on one virtual clock take to sleep `sleeps`
/// times in all, each in turn.
fn naps(threads: u64, sleeps: u64) -> Duration {
    let clock = ThreadClock::virtual_time(Shutdown::new());
    let each = sleeps.div_ceil(threads);
    let start = Instant::now();
    std::thread::scope(|s| {
        let clock = &clock;
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                let nap = move || {
                    for i in 0..each {
                        let at = Duration::from_micros(i * threads + t + 1);
                        // unwrap is fine in a benchmark: nobody stops it.
                        clock.sleep_until(at).unwrap();
                    }
                };
                // unwrap is fine: a benchmark that cannot start two
                // threads should stop loudly.
                clock.spawn(s, format!("napper-{t}"), nap).unwrap()
            })
            .collect();
        clock.open();
        workers.into_iter().for_each(|w| w.join());
    });
    start.elapsed()
}

criterion_group!(benches, article, repeated, detector, simulator, handover);
criterion_main!(benches);
