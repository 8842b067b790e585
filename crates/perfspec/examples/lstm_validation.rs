//! Scores the LSTM's two outputs (types, factorised) on the VALIDATION part of the chronological
//! split, to decide between them without looking at the test part:
//!
//! `cargo run --release -p perfspec --example lstm_validation -- [key=value ...]`
//!
//! Keys are the fields of `LstmParams` (e.g. `hidden=32`), plus `outputs=types,factorised`,
//! `windows=1,2` and `seeds=1,2`. It reads the dev sequence (`sample_logs/events-dataset-dev.txt`,
//! deletecollection dropped) and the sample (`sample_logs/audit-logs.csv`) and prints top-1,
//! top-9 and log-loss per data set, window, seed and output, then the means over seeds.

mod common;

use std::time::Instant;

use perfspec::dataset::{seen_in_training, split_windows, SplitMode, Windows};
use perfspec::evaluate::{evaluate, LOG_LOSS_FLOOR};
use perfspec::models::{FitData, LstmModel, LstmOutput, LstmParams, NextEventModel};

/// The log-loss of the distribution over the vocabulary's types (for the factorised output: its
/// pairs that are types, renormalised), to tell the cost of ranking among all pairs apart.
fn types_log_loss(model: &dyn NextEventModel, windows: &Windows) -> f64 {
    let mut out = vec![0.0; model.vocabulary_size()];
    let mut total = 0.0;
    for (context, target) in windows.iter() {
        model.distribution(context, &mut out);
        total -= out[target as usize].max(LOG_LOSS_FLOOR).ln();
    }
    total / windows.len().max(1) as f64
}

fn list<T>(value: &str, parse: impl Fn(&str) -> T) -> Vec<T> {
    value.split(',').map(parse).collect()
}

fn main() {
    let mut params = serde_json::to_value(LstmParams::default()).expect("serialisable");
    let mut windows = vec![1usize, 2];
    let mut seeds = vec![1u64, 2];
    let mut outputs = LstmOutput::ALL.to_vec();
    for argument in std::env::args().skip(1) {
        let (key, value) = argument.split_once('=').expect("key=value");
        match key {
            "windows" => windows = list(value, |w| w.parse().expect("a window")),
            "seeds" => seeds = list(value, |s| s.parse().expect("a seed")),
            "outputs" => outputs = list(value, |o| LstmOutput::parse(o).expect("an output")),
            _ => params[key] = serde_json::from_str(value).expect("a number"),
        }
    }
    let params: LstmParams = serde_json::from_value(params).expect("known keys");
    params.validate().expect("valid parameters");
    let sets = [
        ("dev", common::dev_sequence()),
        ("sample", common::sample()),
    ];
    for (name, data) in &sets {
        for &window in &windows {
            let split = split_windows(data, window, SplitMode::Chrono);
            let seen = seen_in_training(&split.train, data.vocabulary.len());
            for &output in &outputs {
                let mut sums = [0.0f64; 3];
                for &seed in &seeds {
                    let fit = FitData {
                        train: &split.train,
                        validation: &split.validation,
                        vocabulary: &data.vocabulary,
                        seed,
                        measure: perfspec::evaluate::validation_scores,
                    };
                    let started = Instant::now();
                    let params = LstmParams {
                        output,
                        ..params.clone()
                    };
                    let model = LstmModel::fit(&fit, &params).expect("fits");
                    let seconds = started.elapsed().as_secs_f64();
                    let measured = evaluate(&model, &split.validation, &data.vocabulary, &seen);
                    let figures = [
                        100.0 * measured.accuracy.top(1),
                        100.0 * measured.accuracy.top(9),
                        measured.log_loss,
                    ];
                    for (sum, figure) in sums.iter_mut().zip(figures) {
                        *sum += figure;
                    }
                    let epochs = model.training().map_or(0, |t| t.history.len());
                    println!(
                        "{name:6} w{window} seed {seed} {:10} validation top-1 {:5.1} top-9 {:5.1} \
                         log-loss {:.3} (among the vocabulary's types only: {:.3}; {} windows, \
                         {epochs} epochs, {seconds:.1} s)",
                        output.name(),
                        figures[0],
                        figures[1],
                        figures[2],
                        types_log_loss(&model, &split.validation),
                        measured.accuracy.windows,
                    );
                }
                let n = seeds.len() as f64;
                println!(
                    "{name:6} w{window} mean   {:10} validation top-1 {:5.1} top-9 {:5.1} \
                     log-loss {:.3}",
                    output.name(),
                    sums[0] / n,
                    sums[1] / n,
                    sums[2] / n
                );
            }
        }
    }
}
