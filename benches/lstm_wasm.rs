//! One LSTM epoch in WebAssembly, the twin of the engine's native `lstm/epoch` benchmark
//! (`crates/perfspec/benches/models.rs`): the sample's chronological split, window 2, embedding
//! 32, hidden 64, batch 64, one epoch with its validation, in a dedicated worker of headless
//! Chromium as the dashboard trains.
//!
//!   make bench-wasm-lstm   (cargo bench --target wasm32-unknown-unknown -p perfspec-web
//!                           --bench lstm_wasm, with CHROMEDRIVER set)
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use perfspec::dataset::{split_windows, SplitMode};
use perfspec::ingest::Ingestor;
use perfspec::models::{FitData, LstmParams, LstmTrainer, StepOutcome};
use perfspec::prepare::{prepare, PrepareOptions};
use wasm_bindgen_test::{wasm_bindgen_bench, wasm_bindgen_test_configure, Criterion, Instant};

wasm_bindgen_test_configure!(run_in_dedicated_worker);

const SAMPLE: &[u8] = include_bytes!("../sample_logs/audit-logs.csv");

#[wasm_bindgen_bench]
fn lstm_epoch(_: &mut Criterion) {
    let mut ingestor = Ingestor::default();
    ingestor.start_file("audit-logs.csv");
    ingestor.push(SAMPLE);
    ingestor.finish_file();
    let (records, _) = ingestor.finish();
    let data = prepare(&records, &PrepareOptions::perfspec());
    let split = split_windows(&data, 2, SplitMode::Chrono);
    let fit = FitData {
        train: &split.train,
        validation: &split.validation,
        vocabulary: &data.vocabulary,
        seed: 1,
        measure: perfspec::evaluate::validation_scores,
    };
    let params = LstmParams {
        embedding: 32,
        hidden: 64,
        batch: 64,
        epochs: 1,
        ..LstmParams::default()
    };
    let mut criterion = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(5));
    criterion.bench_function("lstm/epoch/sample/w2-e32-h64-b64", |b| {
        // The trainer's set-up (initial weights) stays outside the timing, as the native
        // benchmark's `iter_batched` leaves it out: the harness has no batched set-up, so each
        // epoch is timed on its own.
        b.iter_custom(|iterations| {
            let mut total = Duration::ZERO;
            for _ in 0..iterations {
                let mut trainer = LstmTrainer::new(&fit, &params).expect("valid");
                let start = Instant::now();
                while !matches!(trainer.step(), StepOutcome::Epoch { .. }) {}
                total += start.elapsed();
                std::hint::black_box(trainer.history().len());
            }
            total
        })
    });
}
