//! The proactive replay at scale: the test part of a simulated log of 1 M audit events
//! (seed 1), every learner at window 2, the whole grid k = 1..20 × horizon = 1..5 (100
//! points) per learner, as `perfspec replay --k 1-20 --horizon 1-5` runs it after the fits.
//! `cargo bench -p perfspec --bench replay_large` (the setup simulates and reads the log and
//! fits the models: about a minute before the first figure).

mod large_replay;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use large_replay::{LargeReplay, WINDOW};
use perfspec::replay::replay_model;

fn replay_large(c: &mut Criterion) {
    // Two epochs stand in for the LSTM's 298 s early-stopped fit.
    let setting = LargeReplay::new(2);
    eprintln!("replay_large: {}", setting.describe());
    let mut group = c.benchmark_group("replay_large");
    group.sample_size(10);
    group.throughput(Throughput::Elements(setting.timeline.events as u64));
    for (name, model) in &setting.models {
        group.bench_function(format!("grid_20k_x_5h/sim1m/{name}_w{WINDOW}"), |b| {
            b.iter(|| {
                replay_model(
                    model.as_ref(),
                    &setting.split.test,
                    &setting.timeline,
                    &setting.costs,
                    &setting.grid,
                    &mut || true,
                )
                .expect("not cancelled")
            })
        });
    }
    group.finish();
}

criterion_group!(benches, replay_large);
criterion_main!(benches);
