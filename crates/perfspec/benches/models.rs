//! Fit and single-prediction cost of each model on the PerfSPEC sample (see ARCHITECTURE.md,
//! Tests and benchmarks).
//! `cargo bench -p perfspec --bench models`

mod common;

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use perfspec::dataset::{split_windows, SplitMode, SplitWindows};
use perfspec::models::{
    top_k, ComposeModel, ComposeParams, FitData, Learner, LstmModel, LstmParams, LstmTrainer,
    StepOutcome,
};
use perfspec::models::{NextEventModel, NgramModel};
use perfspec::prepare::vocabulary::Vocabulary;

fn ngram(c: &mut Criterion) {
    let data = common::sample_data();
    let vocabulary = data.vocabulary.len();
    for window in [1, 2, 3] {
        let split = split_windows(&data, window, SplitMode::Chrono);
        c.bench_function(&format!("ngram/fit/sample/w{window}"), |b| {
            b.iter(|| NgramModel::fit(black_box(&split.train), vocabulary))
        });
        let model = NgramModel::fit(&split.train, vocabulary);
        let mut distribution = vec![0.0; vocabulary];
        let mut next = 0;
        c.bench_function(&format!("ngram/predict_top9/sample/w{window}"), |b| {
            b.iter(|| {
                let context = split.test.context(next % split.test.len());
                next += 1;
                model.distribution(black_box(context), &mut distribution);
                black_box(top_k(&distribution, 9))
            })
        });
    }
}

/// The LSTM at the default sizes: a short fit (2 epochs, so that criterion can repeat it; a
/// whole fit early-stops after 10–20 epochs) and one prediction with top-9.
fn lstm(c: &mut Criterion) {
    let data = common::sample_data();
    let vocabulary = data.vocabulary.len();
    let splits: Vec<_> = [1, 2]
        .map(|window| (window, split_windows(&data, window, SplitMode::Chrono)))
        .into();
    fn fit_data<'a>(split: &'a SplitWindows, vocabulary: &'a Vocabulary) -> FitData<'a> {
        FitData {
            train: &split.train,
            validation: &split.validation,
            vocabulary,
            seed: 1,
            measure: perfspec::evaluate::validation_scores,
        }
    }
    let two_epochs = LstmParams {
        epochs: 2,
        ..LstmParams::default()
    };
    let mut fits = c.benchmark_group("lstm");
    fits.sample_size(10);
    for (window, split) in &splits {
        let fit_data = fit_data(split, &data.vocabulary);
        fits.bench_function(format!("fit_2_epochs/sample/w{window}"), |b| {
            b.iter(|| LstmModel::fit(black_box(&fit_data), &two_epochs).expect("fits"))
        });
    }
    // One epoch (its validation included) in the configuration the Keras comparison uses
    // (`scripts/bench-lstm-keras.sh`): window 2, embedding 32, hidden 64, batch 64.
    let keras_like = LstmParams {
        embedding: 32,
        hidden: 64,
        batch: 64,
        epochs: 1,
        ..LstmParams::default()
    };
    let (_, split) = &splits[1];
    let epoch_data = fit_data(split, &data.vocabulary);
    fits.bench_function("epoch/sample/w2-e32-h64-b64", |b| {
        b.iter_batched(
            || LstmTrainer::new(&epoch_data, &keras_like).expect("valid"),
            |mut trainer| {
                while !matches!(trainer.step(), StepOutcome::Epoch { .. }) {}
                trainer
            },
            BatchSize::LargeInput,
        )
    });
    fits.finish();
    for (window, split) in &splits {
        let model = LstmModel::fit(&fit_data(split, &data.vocabulary), &LstmParams::default())
            .expect("fits");
        let mut distribution = vec![0.0; vocabulary];
        let mut next = 0;
        c.bench_function(&format!("lstm/predict_top9/sample/w{window}"), |b| {
            b.iter(|| {
                let context = split.test.context(next % split.test.len());
                next += 1;
                model.distribution(black_box(context), &mut distribution);
                black_box(top_k(&distribution, 9))
            })
        });
    }
}

/// The compositional model: its fit, and one prediction as the evaluation makes it (every
/// verb × resource pair scored after the sequence so far, then the top 9).
fn compose(c: &mut Criterion) {
    let data = common::sample_data();
    for window in [1, 2] {
        let split = split_windows(&data, window, SplitMode::Chrono);
        let fit_data = FitData {
            train: &split.train,
            validation: &split.validation,
            vocabulary: &data.vocabulary,
            seed: 1,
            measure: perfspec::evaluate::validation_scores,
        };
        let params = ComposeParams::default();
        c.bench_function(&format!("compose/fit/sample/w{window}"), |b| {
            b.iter(|| ComposeModel::learn(black_box(&fit_data), &params, &mut |_| true))
        });
        let model = ComposeModel::learn(&fit_data, &params, &mut |_| true).expect("fits");
        let pairs = model.composes_pairs().expect("composes").pairs();
        let mut distribution = vec![0.0; pairs];
        let mut next = 0;
        c.bench_function(&format!("compose/predict_top9/sample/w{window}"), |b| {
            b.iter(|| {
                let history = split.test.history(next % split.test.len());
                next += 1;
                model.pair_distribution_after(black_box(history), &mut distribution);
                black_box(top_k(&distribution, 9))
            })
        });
    }
}

criterion_group!(benches, ngram, lstm, compose);
criterion_main!(benches);
