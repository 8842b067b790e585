//! The proactive replay at scale in WebAssembly, the twin of the engine's native
//! `crates/perfspec/benches/replay_large.rs`: the test part of a simulated log of 1 M audit
//! events (seed 1), every learner at window 2, the whole grid k = 1..20 × horizon = 1..5, in a
//! dedicated worker of headless Chromium as the dashboard's worker runs it (one thread).
//!
//!   make bench-wasm-replay   (cargo bench --target wasm32-unknown-unknown -p perfspec-web
//!                             --bench replay_wasm, with CHROMEDRIVER set)
//!
//! The log is generated straight into the engine's reader, never held whole: 815 MB of text
//! would crowd the worker's memory for nothing.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use perfspec::dataset::{split_windows, SplitMode};
use perfspec::models::{
    BaselineParams, BayesianNetwork, BnParams, ComposeModel, ComposeParams, FitData, Learner,
    LstmModel, LstmParams, MostFrequentModel, RepeatLastModel,
};
use perfspec::prepare::{prepare, PrepareOptions};
use perfspec::replay::{replay_model, test_timeline, ReplayConfig};
use perfspec::simulate::{simulate, SimulationConfig, SimulationLimit};
use perfspec::{Ingestor, NextEventModel, NgramModel};
use wasm_bindgen_test::{console_log, wasm_bindgen_bench, wasm_bindgen_test_configure, Criterion};

wasm_bindgen_test_configure!(run_in_dedicated_worker);

/// Hands what the simulator writes to the reader as it comes.
struct IntoIngestor<'a>(&'a mut Ingestor);

impl std::io::Write for IntoIngestor<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.push(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[wasm_bindgen_bench]
fn replay_grid(_: &mut Criterion) {
    let mut ingestor = Ingestor::default();
    ingestor.start_file("simulated.log");
    let config = SimulationConfig {
        seed: 1,
        limit: SimulationLimit::Events(1_000_000),
    };
    simulate(&config, &mut IntoIngestor(&mut ingestor)).expect("reading as it is written");
    ingestor.finish_file();
    let (records, _) = ingestor.finish();
    let data = prepare(&records, &PrepareOptions::perfspec());
    drop(records);
    let split = split_windows(&data, 2, SplitMode::Chrono);
    let fit = FitData {
        train: &split.train,
        validation: &split.validation,
        vocabulary: &data.vocabulary,
        seed: 1,
    };
    let baseline = BaselineParams::default();
    // The replay's cost is the LSTM's predictions, not its accuracy: one epoch will do.
    let lstm = LstmParams {
        epochs: 1,
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
    console_log!(
        "replay_wasm: {} events kept, {} types, {} replayed",
        data.events.len(),
        data.vocabulary.len(),
        timeline.events
    );
    // Each replay takes seconds: the fewest samples the harness allows.
    let mut criterion = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(1))
        .measurement_time(Duration::from_secs(1));
    for (name, model) in &models {
        criterion.bench_function(&format!("replay_grid_20k_x_5h/sim1m/{name}_w2"), |b| {
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
}
