//! Fit and single-prediction cost of each model on the PerfSPEC sample (SPEC §8).
//! `cargo bench -p perfspec --bench models`

mod common;

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use perfspec::dataset::{split_windows, SplitMode};
use perfspec::models::top_k;
use perfspec::{NextEventModel, NgramModel};

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

criterion_group!(benches, ngram);
criterion_main!(benches);
