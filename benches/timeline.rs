//! Criterion benchmarks of drawing a run: laying out its lanes, the SVG
//! picture, the text chart and the Chrome trace, for the async model's
//! run of the article's workload repeated (every product in flight at
//! once: the most tracks a run can have). Past the first size the
//! pictures are drawn at scale: step charts a pixel column at a time and
//! the orders' latencies, which must stay linear in the run's size; past
//! 10,000 products the Chrome trace is async spans. `all pictures` is
//! what `--timeline h.svg --trace h.json` costs after the run: the lanes,
//! the SVG and the trace. Each size also prints the trace's bytes a
//! product.
//!
//!     cargo bench --bench timeline

use std::io;
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

use mesonero::latency::Lang;
use mesonero::report::timeline::{chrome, svg, text, Timeline};
use mesonero::restaurant::{self, Model, Run, Setup};
use mesonero::workload::generate;
use mesonero::{ClockKind, Shutdown, Workload};

fn async_run(repeat: usize) -> Run {
    // unwrap is fine in a benchmark: a failure should stop it loudly.
    let workload = Arc::new(generate::repeat(&Workload::article(), repeat).unwrap());
    let setup = Setup::new(Model::Async, ClockKind::Virtual);
    restaurant::run(&workload, &setup, None, &Shutdown::new()).unwrap()
}

/// A writer that only counts the bytes it is given.
struct Count(usize);

impl io::Write for Count {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0 += bytes.len();
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn drawing(c: &mut Criterion) {
    let mut group = c.benchmark_group("timeline of the async model, article repeated");
    group.sample_size(10);
    for repeat in [1, 1_000, 100_000] {
        let runs = [async_run(repeat)];
        let timeline = Timeline::of(&runs);
        let mut size = Count(0);
        chrome::write(&mut size, &timeline).unwrap();
        let products = timeline.charts[0].bars();
        println!(
            "chrome trace of article x{repeat}: {products} products, {} bytes, {} a product",
            size.0,
            size.0 / products
        );
        group.bench_with_input(BenchmarkId::new("lanes", repeat), &runs, |b, runs| {
            b.iter(|| Timeline::of(runs))
        });
        group.bench_with_input(BenchmarkId::new("svg", repeat), &timeline, |b, t| {
            b.iter(|| svg::render(t, svg::Embedding::Document, Lang::En))
        });
        group.bench_with_input(BenchmarkId::new("text", repeat), &timeline, |b, t| {
            b.iter(|| text::write(&mut io::sink(), t).unwrap())
        });
        group.bench_with_input(
            BenchmarkId::new("chrome trace", repeat),
            &timeline,
            |b, t| b.iter(|| chrome::write(&mut io::sink(), t).unwrap()),
        );
        group.bench_with_input(
            BenchmarkId::new("all pictures", repeat),
            &runs,
            |b, runs| {
                b.iter(|| {
                    let timeline = Timeline::of(runs);
                    let svg = svg::render(&timeline, svg::Embedding::Document, Lang::En);
                    chrome::write(&mut io::sink(), &timeline).unwrap();
                    svg
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, drawing);
criterion_main!(benches);
