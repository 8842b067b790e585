//! The LSTM: learning, reproducibility, early stopping and the learning-rate schedule, the
//! stepper, cancellation, model files, and the hand-written inference against burn's forward.
//! Run in release (`cargo test --release -p perfspec --test lstm`): burn in debug is far too slow.

mod common;

use common::sample;

use perfspec::dataset::{split_windows, SplitMode, SplitWindows, Windows};
use perfspec::evaluate::{accuracy, evaluate};
use perfspec::models::model_file::{self, ModelFile};
use perfspec::models::NextEventModel;
use perfspec::models::{
    fit, FitData, FitError, HyperParameters, LstmModel, LstmParams, LstmTrainer, ModelKind,
    StepOutcome, StopReason,
};
use perfspec::prepare::vocabulary::Vocabulary;
use perfspec::prepare::PrepareOptions;

fn fit_data<'a>(split: &'a SplitWindows, vocabulary: &'a Vocabulary, seed: u64) -> FitData<'a> {
    FitData {
        train: &split.train,
        validation: &split.validation,
        vocabulary,
        seed,
        measure: perfspec::evaluate::validation_scores,
    }
}

fn fit_lstm(data: &FitData<'_>, params: LstmParams) -> Box<dyn NextEventModel> {
    let hyper_parameters = HyperParameters {
        lstm: params,
        ..HyperParameters::default()
    };
    fit(ModelKind::Lstm, data, &hyper_parameters, &mut |_| true).expect("fits")
}

fn small() -> LstmParams {
    LstmParams {
        epochs: 3,
        hidden: 32,
        ..LstmParams::default()
    }
}

fn distributions(model: &dyn NextEventModel, windows: &Windows) -> Vec<Vec<f64>> {
    windows
        .iter()
        .map(|(context, _)| {
            let mut out = vec![0.0; model.vocabulary_size()];
            model.distribution(context, &mut out);
            out
        })
        .collect()
}

/// 0 1 2 3 4 5 0 1 2 ... : after any two events the next is certain.
fn cycle(types: u32, events: usize, window: usize) -> (Vocabulary, SplitWindows) {
    let mut vocabulary = Vocabulary::default();
    for id in 0..types {
        vocabulary.intern("create", &format!("r{id}"));
    }
    let sequence: Vec<u32> = (0..events).map(|i| i as u32 % types).collect();
    let windows = |range: std::ops::Range<usize>| {
        let mut w = Windows::new(window);
        for end in range {
            w.push(&sequence[end - window..end], sequence[end]);
        }
        w
    };
    let split = SplitWindows {
        train: windows(window..events * 7 / 10),
        validation: windows(events * 7 / 10..events * 85 / 100),
        test: windows(events * 85 / 100..events),
    };
    (vocabulary, split)
}

#[test]
fn learns_a_deterministic_cycle() {
    let (vocabulary, split) = cycle(7, 700, 2);
    let params = LstmParams {
        epochs: 30,
        hidden: 16,
        embedding: 8,
        batch: 32,
        ..LstmParams::default()
    };
    let model = fit_lstm(&fit_data(&split, &vocabulary, 3), params);
    let top1 = accuracy(model.as_ref(), &split.test).top(1);
    assert!(top1 >= 0.99, "top-1 {top1}");
}

#[test]
fn a_seed_reproduces_history_and_predictions() {
    let data = sample();
    let split = split_windows(&data, 2, SplitMode::Chrono);
    let run = |seed| fit_lstm(&fit_data(&split, &data.vocabulary, seed), small());
    let (a, b) = (run(7), run(7));
    assert_eq!(a.history().unwrap(), b.history().unwrap());
    assert_eq!(a.history().unwrap().len(), 3);
    assert_eq!(
        distributions(a.as_ref(), &split.test),
        distributions(b.as_ref(), &split.test)
    );
    assert_eq!(a.weights(), b.weights());
    let c = run(8);
    assert_ne!(a.weights(), c.weights(), "another seed, other weights");
}

#[test]
fn early_stopping_restores_the_best_epoch_and_the_rate_falls_on_plateaus() {
    let data = sample();
    let split = split_windows(&data, 2, SplitMode::Chrono);
    let params = LstmParams::default();
    let fit_data = fit_data(&split, &data.vocabulary, 1);
    let model = LstmModel::fit(&fit_data, &params).expect("fits");
    let training = model.training().expect("trained");
    let history = &training.history;
    assert_eq!(training.stop_reason, StopReason::EarlyStopping);
    assert!(history.len() < params.epochs, "{} epochs", history.len());
    let (best_index, best) = history
        .iter()
        .enumerate()
        .min_by(|a, b| a.1.validation_loss.total_cmp(&b.1.validation_loss))
        .unwrap();
    assert_eq!(training.best_epoch, best_index + 1);
    // Training stops `patience` epochs after the last one that beat the one before it by
    // `min_improvement`; a smaller gain after it may still be the best epoch.
    let mut reference = f64::INFINITY;
    let mut last_gain = 0;
    for (index, record) in history.iter().enumerate() {
        let loss = record.validation_loss;
        if loss < reference
            && (reference.is_infinite() || reference - loss > params.min_improvement * reference)
        {
            reference = loss;
            last_gain = index + 1;
        }
    }
    assert_eq!(history.len(), last_gain + params.patience);
    assert!(training.best_epoch >= last_gain);
    // The model holds the best epoch's weights: measured again, the same validation loss.
    let measured = evaluate(&model, &split.validation, &data.vocabulary, &[]);
    assert_eq!(measured.log_loss, best.validation_loss);
    assert!(history
        .iter()
        .all(|r| r.validation_topk >= r.validation_accuracy));

    // Reduce-on-plateau: the rate falls by the factor after `lr_patience` flat epochs, never
    // below the minimum.
    let rates: Vec<f64> = history.iter().map(|r| r.learning_rate).collect();
    assert_eq!(rates[0], params.learning_rate);
    let fall = rates
        .windows(2)
        .position(|pair| pair[1] < pair[0])
        .expect("the rate falls");
    assert_eq!(rates[fall + 1], rates[fall] * params.lr_factor);
    assert!(rates.iter().all(|&rate| rate >= params.min_learning_rate));
    let forced = LstmParams {
        epochs: 6,
        patience: 10,
        lr_patience: 1,
        learning_rate: 0.05,
        min_learning_rate: 0.02,
        ..small()
    };
    // lr 0.05 overshoots at once on this data; every flat epoch halves it down to 0.02.
    let model = LstmModel::fit(&fit_data, &forced).expect("fits");
    let rates: Vec<f64> = model
        .history()
        .unwrap()
        .iter()
        .map(|r| r.learning_rate)
        .collect();
    assert!(rates.windows(2).all(|pair| pair[1] <= pair[0]), "{rates:?}");
    assert!(rates.iter().all(|&rate| rate >= 0.02), "{rates:?}");
}

#[test]
fn distributions_sum_to_one() {
    let data = sample();
    let split = split_windows(&data, 2, SplitMode::Chrono);
    let model = fit_lstm(&fit_data(&split, &data.vocabulary, 1), small());
    let mut out = vec![0.0; data.vocabulary.len()];
    let odd: [&[u32]; 4] = [&[], &[3], &[1, 2, 3, 4, 5], &[1, 100_000]];
    for context in split.test.iter().map(|(c, _)| c).chain(odd) {
        model.distribution(context, &mut out);
        let total: f64 = out.iter().sum();
        assert!((total - 1.0).abs() < 1e-9, "{context:?}: {total}");
        assert!(out.iter().all(|p| p.is_finite() && *p > 0.0));
    }
    // A longer context is cut to the window.
    let mut cut = vec![0.0; out.len()];
    model.distribution(&[4, 5], &mut cut);
    model.distribution(&[9, 9, 9, 4, 5], &mut out);
    assert_eq!(out, cut);
}

#[test]
fn a_model_file_round_trip_predicts_the_same() {
    let data = sample();
    let split = split_windows(&data, 2, SplitMode::Chrono);
    let model = fit_lstm(&fit_data(&split, &data.vocabulary, 2), small());
    let text = ModelFile::new(
        model.as_ref(),
        &data.vocabulary,
        &PrepareOptions::perfspec(),
    )
    .to_json();
    let loaded = model_file::load(&text).expect("loads");
    assert_eq!(loaded.kind(), ModelKind::Lstm);
    assert_eq!(loaded.window, 2);
    assert_eq!(
        distributions(model.as_ref(), &split.test),
        distributions(loaded.model.as_ref(), &split.test)
    );
    assert_eq!(model.history(), loaded.model.history());
    assert_eq!(model.hyper_parameters(), loaded.model.hyper_parameters());

    // Damage gets a clear error, never a panic.
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    value["weights"]["output_bias"]
        .as_array_mut()
        .unwrap()
        .pop();
    let error = model_file::load(&value.to_string()).unwrap_err();
    assert!(error.to_string().contains("output bias"), "{error}");
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    value["hyper_parameters"]["hidden"] = 7.into();
    let error = model_file::load(&value.to_string()).unwrap_err();
    assert!(error.to_string().contains("expected"), "{error}");
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    value["weights"]["layers"] = serde_json::json!([]);
    assert!(model_file::load(&value.to_string()).is_err());
}

#[test]
fn cancelling_stops_at_the_next_batch() {
    let (vocabulary, split) = cycle(5, 2_000, 1);
    let params = LstmParams {
        epochs: 20,
        batch: 16,
        ..small()
    };
    let hyper_parameters = HyperParameters {
        lstm: params,
        ..HyperParameters::default()
    };
    let mut reports = 0;
    let result = fit(
        ModelKind::Lstm,
        &fit_data(&split, &vocabulary, 1),
        &hyper_parameters,
        &mut |progress| {
            reports += 1;
            assert!(reports <= 5, "a report after cancelling: {progress:?}");
            reports < 5
        },
    );
    assert!(matches!(result, Err(FitError::Cancelled(_))));
    assert_eq!(reports, 5);
}

#[test]
fn the_stepper_trains_batch_by_batch_like_fit() {
    let data = sample();
    let split = split_windows(&data, 1, SplitMode::Chrono);
    let fit_data = fit_data(&split, &data.vocabulary, 4);
    let params = LstmParams {
        epochs: 2,
        ..small()
    };
    let mut trainer = LstmTrainer::new(&fit_data, &params).expect("valid");
    let batches = trainer.batches_per_epoch();
    assert_eq!(batches, split.train.len().div_ceil(params.batch));
    let mut seen = Vec::new();
    loop {
        assert!(trainer.fraction() < 1.0);
        match trainer.step() {
            StepOutcome::Batch(batch) => seen.push((batch.epoch, batch.batch)),
            StepOutcome::Epoch { batch, stopped, .. } => {
                seen.push((batch.epoch, batch.batch));
                if stopped.is_some() {
                    assert_eq!(stopped, Some(StopReason::EpochLimit));
                    break;
                }
            }
            StepOutcome::Finished(reason) => panic!("finished early: {reason:?}"),
        }
    }
    assert_eq!(seen.len(), 2 * batches);
    assert_eq!(seen.last(), Some(&(2, batches)));
    assert!(trainer.is_finished() && trainer.fraction() == 1.0);
    assert!(matches!(
        trainer.step(),
        StepOutcome::Finished(StopReason::EpochLimit)
    ));
    let stepped = trainer.finish();
    let fitted = fit_lstm(&fit_data, params);
    assert_eq!(stepped.history(), fitted.history());
    assert_eq!(
        distributions(&stepped, &split.test),
        distributions(fitted.as_ref(), &split.test)
    );
    // Bad parameters are refused up front.
    let error = LstmTrainer::new(
        &fit_data,
        &LstmParams {
            layers: 3,
            ..small()
        },
    )
    .err()
    .expect("three layers are refused");
    assert!(matches!(error, FitError::Invalid(_)));
}

#[test]
fn the_hand_written_forward_equals_burns() {
    let data = sample();
    for (window, layers) in [(2, 1), (3, 2)] {
        let split = split_windows(&data, window, SplitMode::Chrono);
        let params = LstmParams {
            epochs: 1,
            layers,
            ..small()
        };
        let fit_data = fit_data(&split, &data.vocabulary, 5);
        let model = LstmModel::fit(&fit_data, &params).expect("fits");
        let contexts: Vec<Vec<u32>> = split
            .test
            .iter()
            .take(200)
            .map(|(c, _)| c.to_vec())
            .collect();
        let reference = model.reference_distributions(&contexts);
        assert_eq!(reference.len(), contexts.len());
        let mut out = vec![0.0; data.vocabulary.len()];
        let mut worst = 0.0f64;
        for (context, expected) in contexts.iter().zip(&reference) {
            model.distribution(context, &mut out);
            for (a, b) in out.iter().zip(expected) {
                worst = worst.max((a - b).abs());
            }
        }
        eprintln!("window {window}, {layers} layers: largest difference {worst:e}");
        assert!(worst <= 1e-5, "window {window}, {layers} layers: {worst}");

        // The batched forward (the evaluation's) gives the same distributions as one by one.
        let flat: Vec<u32> = contexts.iter().flatten().copied().collect();
        let mut batched = vec![0.0; contexts.len() * data.vocabulary.len()];
        assert!(
            model.distributions(&flat, &mut batched),
            "the LSTM has a batched path"
        );
        let mut worst = 0.0f64;
        for (context, row) in contexts.iter().zip(batched.chunks(data.vocabulary.len())) {
            model.distribution(context, &mut out);
            for (a, b) in out.iter().zip(row) {
                worst = worst.max((a - b).abs());
            }
        }
        assert!(
            worst <= 1e-6,
            "batched, window {window}, {layers} layers: {worst}"
        );
        let mut short = vec![0.0; data.vocabulary.len()];
        assert!(
            !model.distributions(&vec![data.vocabulary.len() as u32; window], &mut short),
            "an id outside the vocabulary is left to the one-by-one path"
        );
    }
}
