//! The LSTM's factorised output (verb head, resource head, copy from the context): the
//! hand-written inference against burn's forward, ranking a pair never seen in training, model
//! files. Run in release (`cargo test --release -p perfspec --test lstm_factorised`).

mod common;

use common::sample;

use perfspec::dataset::{split_windows, SplitMode, SplitWindows, Windows};
use perfspec::evaluate::accuracy;
use perfspec::models::model_file::{self, ModelFile};
use perfspec::models::{FitData, LstmModel, LstmOutput, LstmParams, ModelKind, NextEventModel};
use perfspec::prepare::vocabulary::Vocabulary;
use perfspec::prepare::PrepareOptions;

fn factorised(params: LstmParams) -> LstmParams {
    LstmParams {
        output: LstmOutput::Factorised,
        ..params
    }
}

fn fit(split: &SplitWindows, vocabulary: &Vocabulary, params: &LstmParams) -> LstmModel {
    let data = FitData {
        train: &split.train,
        validation: &split.validation,
        vocabulary,
        seed: 4,
        measure: perfspec::evaluate::validation_scores,
    };
    LstmModel::fit(&data, params).expect("fits")
}

fn pair_distribution(model: &dyn NextEventModel, context: &[u32]) -> Vec<f64> {
    let factors = model.composes_pairs().expect("composes pairs");
    let mut out = vec![0.0; factors.pairs()];
    model.pair_distribution_after(context, &mut out);
    out
}

#[test]
fn the_hand_written_pairs_equal_burns() {
    let data = sample();
    for (window, layers) in [(1, 1), (3, 2)] {
        let split = split_windows(&data, window, SplitMode::Chrono);
        let params = factorised(LstmParams {
            epochs: 2,
            hidden: 24,
            layers,
            ..LstmParams::default()
        });
        let model = fit(&split, &data.vocabulary, &params);
        let contexts: Vec<Vec<u32>> = split
            .test
            .iter()
            .take(150)
            .map(|(c, _)| c.to_vec())
            .collect();
        let reference = model.reference_pair_distributions(&contexts);
        assert_eq!(reference.len(), contexts.len());
        let mut worst = 0.0f64;
        for (context, expected) in contexts.iter().zip(&reference) {
            let got = pair_distribution(&model, context);
            assert_eq!(got.len(), expected.len());
            assert!((got.iter().sum::<f64>() - 1.0).abs() < 1e-9);
            for (a, b) in got.iter().zip(expected) {
                worst = worst.max((a - b).abs());
            }
            // The types' distribution is the pairs that are types, renormalised.
            let mut types = vec![0.0; data.vocabulary.len()];
            model.distribution(context, &mut types);
            assert!((types.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        }
        eprintln!("window {window}, {layers} layers: largest difference {worst:e}");
        assert!(worst <= 1e-5, "window {window}, {layers} layers: {worst}");
    }
}

/// create_rK then delete_rK for 30 resources in training; tested on resources it never saw.
fn create_then_delete(window: usize) -> (Vocabulary, SplitWindows) {
    let mut vocabulary = Vocabulary::default();
    let mut pair = |k: usize| {
        let name = format!("r{k}");
        [
            vocabulary.intern("create", &name),
            vocabulary.intern("delete", &name),
        ]
    };
    let seen: Vec<u32> = (0..160).flat_map(|i| pair((i * 7) % 30)).collect();
    let new: Vec<u32> = (30..40).flat_map(&mut pair).collect();
    let windows = |sequence: &[u32], keep: &dyn Fn(usize) -> bool| {
        let mut w = Windows::new(window);
        for end in window..sequence.len() {
            if keep(end) {
                w.push(&sequence[end - window..end], sequence[end]);
            }
        }
        w
    };
    let cut = seen.len() * 8 / 10;
    // The test windows end on a delete: its resource is in the context, the next create's is not.
    let split = SplitWindows {
        train: windows(&seen[..cut], &|_| true),
        validation: windows(&seen[cut..], &|_| true),
        test: windows(&new, &|end| end % 2 == 1),
    };
    (vocabulary, split)
}

#[test]
fn ranks_a_pair_never_seen_in_training_by_copying_its_resource() {
    let window = 2;
    let (vocabulary, split) = create_then_delete(window);
    let params = LstmParams {
        epochs: 40,
        hidden: 16,
        embedding: 8,
        batch: 32,
        ..LstmParams::default()
    };
    let types = fit(&split, &vocabulary, &params);
    let pairs = fit(&split, &vocabulary, &factorised(params));
    assert!(types.composes_pairs().is_none());
    assert!(pairs.composes_pairs().is_some());
    // Predict marks the types it composed as new.
    let seen = pairs.seen_in_training().expect("kept");
    assert!(seen[0] && !seen[vocabulary.len() - 1]);
    let (types_top1, pairs_top1) = (
        accuracy(&types, &split.test).top(1),
        accuracy(&pairs, &split.test).top(1),
    );
    eprintln!("top-1 on new resources: types {types_top1}, factorised {pairs_top1}");
    assert!(pairs_top1 >= 0.9, "factorised top-1 {pairs_top1}");
    assert!(types_top1 <= 0.2, "types top-1 {types_top1}");
}

#[test]
fn a_saved_factorised_model_restores_the_same_predictions() {
    let data = sample();
    let split = split_windows(&data, 2, SplitMode::Chrono);
    let params = factorised(LstmParams {
        epochs: 2,
        hidden: 16,
        ..LstmParams::default()
    });
    let model = fit(&split, &data.vocabulary, &params);
    let text = ModelFile::new(&model, &data.vocabulary, &PrepareOptions::perfspec()).to_json();
    let loaded = model_file::load(&text).expect("loads");
    assert_eq!(loaded.kind(), ModelKind::Lstm);
    let restored = loaded.model.as_ref();
    assert_eq!(
        restored.hyper_parameters()["output"],
        serde_json::json!("factorised")
    );
    assert!(restored.seen_in_training().is_some());
    assert_eq!(restored.seen_in_training(), model.seen_in_training());
    for (context, _) in split.test.iter().take(100) {
        assert_eq!(
            pair_distribution(&model, context),
            pair_distribution(restored, context)
        );
    }

    // The output and the weights must agree: a factorised file called "types" is refused.
    let mut file: serde_json::Value = serde_json::from_str(&text).unwrap();
    file["hyper_parameters"]["output"] = serde_json::json!("types");
    let error = model_file::load(&file.to_string()).expect_err("refused");
    assert!(error.to_string().contains("output"), "{error}");
}

#[test]
fn parameters_without_an_output_mean_the_type_output() {
    let params: LstmParams = serde_json::from_str(r#"{"hidden": 8}"#).unwrap();
    assert_eq!(params.output, LstmOutput::Types);
    let json = serde_json::to_value(factorised(LstmParams::default())).unwrap();
    assert_eq!(json["output"], "factorised");
    assert_eq!(
        LstmOutput::parse("factorised"),
        Some(LstmOutput::Factorised)
    );
    assert_eq!(LstmOutput::parse("pairs"), None);
}
