//! The proactive replay at scale: the test part of a simulated log of 1 M audit events
//! (seed 1), every learner at window 2, the whole grid k = 1..20 × horizon = 1..5 (100
//! points) per learner, as `perfspec replay --k 1-20 --horizon 1-5` runs it after the fits.
//! `cargo bench -p perfspec --bench replay_large` (the setup simulates and reads the log and
//! fits the models: about a minute before the first figure).

mod common;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use perfspec::dataset::{split_windows, SplitMode};
use perfspec::models::{
    BaselineParams, BayesianNetwork, BnParams, ComposeModel, ComposeParams, FitData, Learner,
    LstmModel, LstmParams, MostFrequentModel, RepeatLastModel,
};
use perfspec::prepare::{prepare, PrepareOptions};
use perfspec::replay::{replay_model, test_timeline, ReplayConfig};
use perfspec::simulate::{simulate, SimulationConfig, SimulationLimit};
use perfspec::{NextEventModel, NgramModel};

const LOG_EVENTS: u64 = 1_000_000;
const WINDOW: usize = 2;

fn replay_large(c: &mut Criterion) {
    let data = {
        let mut log = Vec::new();
        let config = SimulationConfig {
            seed: 1,
            limit: SimulationLimit::Events(LOG_EVENTS),
        };
        simulate(&config, &mut log).expect("simulates");
        let (records, _) = common::ingest("simulated.log", &log, 1 << 20).finish();
        prepare(&records, &PrepareOptions::perfspec())
    };
    let split = split_windows(&data, WINDOW, SplitMode::Chrono);
    let fit = FitData {
        train: &split.train,
        validation: &split.validation,
        vocabulary: &data.vocabulary,
        seed: 1,
    };
    let baseline = BaselineParams::default();
    // The LSTM's replay cost is its predictions, not its accuracy: 2 epochs stand in for the
    // 298 s early-stopped fit.
    let lstm = LstmParams {
        epochs: 2,
        ..LstmParams::default()
    };
    let models: Vec<(&str, Box<dyn NextEventModel>)> = vec![
        (
            "ngram",
            Box::new(NgramModel::fit(&split.train, data.vocabulary.len())),
        ),
        (
            "bn",
            Box::new(BayesianNetwork::learn(&fit, &BnParams::default(), &mut |_| true).unwrap()),
        ),
        (
            "lstm",
            Box::new(LstmModel::learn(&fit, &lstm, &mut |_| true).unwrap()),
        ),
        (
            "mfe",
            Box::new(MostFrequentModel::learn(&fit, &baseline, &mut |_| true).unwrap()),
        ),
        (
            "repeat",
            Box::new(RepeatLastModel::learn(&fit, &baseline, &mut |_| true).unwrap()),
        ),
        (
            "compose",
            Box::new(ComposeModel::learn(&fit, &ComposeParams::default(), &mut |_| true).unwrap()),
        ),
    ];
    let timeline = test_timeline(&data, &split.test).expect("a chronological split");
    let grid = ReplayConfig {
        ks: (1..=20).collect(),
        horizons: (1..=5).collect(),
        ..ReplayConfig::default()
    };
    let (costs, _) = grid.cost.resolve(&data.vocabulary);
    eprintln!(
        "replay_large: {} events kept of {LOG_EVENTS}, {} types, {} replayed",
        data.events.len(),
        data.vocabulary.len(),
        timeline.events
    );
    let mut group = c.benchmark_group("replay_large");
    group.sample_size(10);
    group.throughput(Throughput::Elements(timeline.events as u64));
    for (name, model) in &models {
        group.bench_function(format!("grid_20k_x_5h/sim1m/{name}_w{WINDOW}"), |b| {
            b.iter(|| {
                replay_model(
                    model.as_ref(),
                    &split.test,
                    &timeline,
                    &costs,
                    &grid,
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
