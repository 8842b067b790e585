//! The proactive replay on a simulated log: planning every test event with an n-gram
//! (beam over three steps), one point of the verifier, and the whole k × horizon grid.
//! `cargo bench -p perfspec --bench replay`

mod common;

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use perfspec::dataset::{split_windows, SplitMode};
use perfspec::models::NgramModel;
use perfspec::prepare::{prepare, PrepareOptions};
use perfspec::replay::{replay_model, simulate, test_timeline, Arrival, Forecaster, ReplayConfig};
use perfspec_simulate::{simulate as simulate_log, SimulationConfig, SimulationLimit};

/// Events (lines) of the simulated log; the paper's preset keeps about a third of them.
const LOG_EVENTS: u64 = 60_000;

fn replay(c: &mut Criterion) {
    let mut log = Vec::new();
    let config = SimulationConfig {
        seed: 1,
        limit: SimulationLimit::Events(LOG_EVENTS),
    };
    simulate_log(&config, &mut log).expect("simulates");
    let (records, _) = common::ingest("simulated.log", &log, 1 << 20).finish();
    let data = prepare(&records, &PrepareOptions::perfspec());
    let split = split_windows(&data, 2, SplitMode::Chrono);
    let model = NgramModel::fit(&split.train, data.vocabulary.len());
    let timeline = test_timeline(&data, &split.test).expect("a chronological split");
    let grid = ReplayConfig {
        ks: vec![1, 3, 9],
        horizons: vec![1, 3],
        ..ReplayConfig::default()
    };
    let (costs, _) = grid.cost.resolve(&data.vocabulary);
    let events = timeline.events as u64;
    eprintln!(
        "replay bench: {} events kept of {LOG_EVENTS}, {} types, {events} replayed",
        data.events.len(),
        data.vocabulary.len()
    );

    // The plans as `replay_model` makes them: one per event, k 9, horizon 3, beam 5.
    let stretch = &timeline.stretches[0];
    let mut forecaster = Forecaster::new(&model, grid.beam);
    let mut group = c.benchmark_group("replay");
    group.sample_size(10);
    group.throughput(Throughput::Elements(events));
    group.bench_function("plan_k9_h3/sim60k/ngram_w2", |b| {
        b.iter(|| {
            for window in stretch.windows.clone() {
                black_box(forecaster.plan(split.test.history(window), 9, 3));
            }
        })
    });
    let arrivals: Vec<Arrival> = stretch
        .windows
        .clone()
        .enumerate()
        .map(|(offset, window)| Arrival {
            time_ms: stretch.times_ms[offset + 1],
            sequence: 0,
            event_type: split.test.target(window),
            measured: true,
            plan: forecaster.plan(split.test.history(window), 9, 3),
        })
        .collect();
    group.bench_function("verifier_k9_h3/sim60k", |b| {
        b.iter(|| simulate(black_box(&arrivals), &costs, grid.settings(9, 3)))
    });
    group.bench_function("grid_3k_x_2h/sim60k/ngram_w2", |b| {
        b.iter(|| replay_model(&model, &split.test, &timeline, &costs, &grid, &mut || true))
    });
    group.finish();
}

criterion_group!(benches, replay);
criterion_main!(benches);
