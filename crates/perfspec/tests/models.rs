//! The learners, their evaluation and their model files, on the PerfSPEC sample
//! (`sample_logs/audit-logs.csv`) and on small examples worked out by hand.

mod common;

use common::sample;

use perfspec::clock::SystemClock;
use perfspec::dataset::{split_windows, split_windows_seeded, SplitMode, SplitWindows, Windows};
use perfspec::evaluate::evaluate;
use perfspec::models::model_file::{self, ModelFile, ModelFileError};
use perfspec::models::{
    fit, Factors, FitData, FitError, HyperParameters, ModelKind, NextEventModel,
};
use perfspec::pipeline::{
    run_job, train_and_evaluate, PipelineError, ResultRow, TrainConfig, TrainJob,
};
use perfspec::prepare::vocabulary::Vocabulary;
use perfspec::prepare::{PrepareOptions, PreparedData};

const BUILT: [ModelKind; 4] = [
    ModelKind::Ngram,
    ModelKind::Bn,
    ModelKind::Mfe,
    ModelKind::Repeat,
];

fn fitted(kind: ModelKind, data: &PreparedData, split: &SplitWindows) -> Box<dyn NextEventModel> {
    let fit_data = FitData {
        train: &split.train,
        validation: &split.validation,
        vocabulary: &data.vocabulary,
        seed: 1,
        measure: perfspec::evaluate::validation_scores,
    };
    fit(kind, &fit_data, &HyperParameters::default(), &mut |_| true).expect("fits")
}

#[test]
fn every_distribution_sums_to_one_on_every_test_context() {
    let data = sample();
    let factors = Factors::new(&data.vocabulary);
    for window in [1, 2, 3] {
        let split = split_windows(&data, window, SplitMode::Chrono);
        for kind in BUILT {
            let model = fitted(kind, &data, &split);
            let mut distribution = vec![0.0; data.vocabulary.len()];
            let mut pairs = vec![0.0; factors.pairs()];
            for (context, _) in split.test.iter() {
                model.distribution(context, &mut distribution);
                let total: f64 = distribution.iter().sum();
                assert!((total - 1.0).abs() < 1e-9, "{kind:?} w{window}: {total}");
                assert!(distribution.iter().all(|p| p.is_finite() && *p > 0.0));
                model.pair_distribution(context, &factors, &mut pairs);
                let total: f64 = pairs.iter().sum();
                assert!(
                    (total - 1.0).abs() < 1e-9,
                    "{kind:?} w{window} pairs: {total}"
                );
            }
        }
    }
}

#[test]
fn the_bayesian_network_learns_a_structure_and_beats_the_most_frequent_event() {
    let data = sample();
    let split = split_windows(&data, 2, SplitMode::Chrono);
    let bn = fitted(ModelKind::Bn, &data, &split);
    let mfe = fitted(ModelKind::Mfe, &data, &split);
    let structure = bn.structure().expect("a network has a structure");
    let into_next = |child: &str| structure.iter().filter(|e| e.child == child).count();
    assert!(into_next("verb(t)") > 0, "{structure:?}");
    assert!(into_next("resource(t)") > 0, "{structure:?}");
    assert!(mfe.structure().is_none());
    let bn_top9 = evaluate(bn.as_ref(), &split.test, &data.vocabulary, &[])
        .accuracy
        .top(9);
    let mfe_top9 = evaluate(mfe.as_ref(), &split.test, &data.vocabulary, &[])
        .accuracy
        .top(9);
    assert!(
        bn_top9 > mfe_top9 + 0.10,
        "BN {bn_top9:.3} vs most frequent {mfe_top9:.3}"
    );
}

/// A model that answers from a fixed table keyed by the last event.
struct TableModel(Vec<Vec<f64>>);

impl NextEventModel for TableModel {
    fn kind(&self) -> ModelKind {
        ModelKind::Ngram
    }
    fn window(&self) -> usize {
        1
    }
    fn vocabulary_size(&self) -> usize {
        self.0.len()
    }
    fn distribution(&self, context: &[u32], out: &mut [f64]) {
        out.copy_from_slice(&self.0[context[0] as usize]);
    }
    fn hyper_parameters(&self) -> serde_json::Value {
        serde_json::Value::Null
    }
    fn weights(&self) -> serde_json::Value {
        serde_json::Value::Null
    }
}

#[test]
fn metrics_match_a_hand_computed_example() {
    let mut vocabulary = Vocabulary::default();
    for resource in ["a", "b", "c"] {
        vocabulary.intern("create", resource);
    }
    let model = TableModel(vec![
        vec![0.6, 0.3, 0.1],
        vec![0.2, 0.5, 0.3],
        vec![0.1, 0.2, 0.7],
    ]);
    let mut test = Windows::new(1);
    // (last event, next event): top-1 is the context's own type.
    for (context, target) in [
        (0, 0),
        (0, 1),
        (1, 1),
        (1, 2),
        (2, 2),
        (2, 0),
        (0, 0),
        (0, 2),
    ] {
        test.push(&[context], target);
    }
    let e = evaluate(&model, &test, &vocabulary, &[]);
    let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
    // Ranks of the actual event: 0,1,0,1,0,2,0,2.
    assert!(close(e.accuracy.top(1), 0.5));
    assert!(close(e.accuracy.top(2), 0.75));
    assert!(close(e.accuracy.top(3), 1.0));
    assert_eq!(e.k95, 3, "7.6 of 8 windows need k = 3");
    // Class a: 3 actual, 4 predicted, 2 right; b: 2, 2, 1; c: 3, 2, 1.
    let class = |name: &str| e.per_class.iter().find(|c| c.name == name).unwrap();
    let (a, b, c) = (class("create_a"), class("create_b"), class("create_c"));
    assert_eq!((a.support, a.predicted), (3, 4));
    assert!(close(a.precision, 0.5) && close(a.recall, 2.0 / 3.0) && close(a.f1, 4.0 / 7.0));
    assert!(close(b.precision, 0.5) && close(b.recall, 0.5) && close(b.f1, 0.5));
    assert!(close(c.precision, 0.5) && close(c.recall, 1.0 / 3.0) && close(c.f1, 0.4));
    assert!(close(e.macro_average.precision, 0.5));
    assert!(close(e.macro_average.recall, 0.5));
    assert!(close(e.macro_average.f1, 103.0 / 210.0));
    assert!(
        close(e.weighted_average.recall, 0.5),
        "weighted recall = accuracy"
    );
    assert!(close(e.weighted_average.f1, 137.0 / 280.0));
    let probabilities: [f64; 8] = [0.6, 0.3, 0.5, 0.3, 0.7, 0.1, 0.6, 0.1];
    let log_loss = -probabilities.iter().map(|p| p.ln()).sum::<f64>() / 8.0;
    assert!(close(e.log_loss, log_loss));
    assert!(close(e.perplexity, log_loss.exp()));
    // Most frequent actual types first, ties to the lower id: a (3), c (3), b (2).
    assert_eq!(e.confusion.types, ["create_a", "create_c", "create_b"]);
    assert_eq!(
        e.confusion.matrix,
        vec![vec![2, 1, 0], vec![1, 1, 1], vec![1, 0, 1]]
    );
    assert_eq!(e.confusion.predicted_other, vec![0, 0, 0]);
}

#[test]
fn the_random_split_is_reproducible_for_a_seed_and_differs_across_seeds() {
    let data = sample();
    let one = split_windows_seeded(&data, 2, SplitMode::Random, 1);
    assert_eq!(one, split_windows_seeded(&data, 2, SplitMode::Random, 1));
    let two = split_windows_seeded(&data, 2, SplitMode::Random, 2);
    assert_ne!(one.test, two.test);
    let chrono = split_windows(&data, 2, SplitMode::Chrono);
    for (random, chrono) in [
        (&one.train, &chrono.train),
        (&one.validation, &chrono.validation),
        (&one.test, &chrono.test),
    ] {
        assert_eq!(random.len(), chrono.len(), "same 70/15/15 sizes");
    }
    let config = TrainConfig {
        models: vec![ModelKind::Ngram],
        windows: vec![2],
        split: SplitMode::Random,
        seed: 1,
        ..TrainConfig::default()
    };
    let clock = SystemClock::default();
    let job = TrainJob {
        model: ModelKind::Ngram,
        window: 2,
    };
    let row = |config: &TrainConfig| run_job(&data, job, config, &clock, &mut |_| true).unwrap();
    let first = row(&config).row;
    assert_eq!(first.details.log_loss, row(&config).row.details.log_loss);
    let other = row(&TrainConfig {
        seed: 2,
        ..config.clone()
    })
    .row;
    assert_ne!(first.details.log_loss, other.details.log_loss);
    // Shuffled windows land beside their neighbours: far more leakage than in time order.
    assert!(
        first.details.leakage_share > 0.3,
        "{}",
        first.details.leakage_share
    );
}

fn round_trip(model: &dyn NextEventModel, vocabulary: &Vocabulary) -> model_file::LoadedModel {
    let text = ModelFile::new(model, vocabulary, &PrepareOptions::perfspec()).to_json();
    model_file::load(&text).expect("a saved model loads")
}

#[test]
fn a_saved_and_loaded_model_predicts_exactly_the_same() {
    let data = sample();
    for window in [1, 2] {
        let split = split_windows(&data, window, SplitMode::Chrono);
        for kind in BUILT {
            let model = fitted(kind, &data, &split);
            let loaded = round_trip(model.as_ref(), &data.vocabulary);
            assert_eq!(loaded.kind(), kind);
            assert_eq!(loaded.window, window);
            loaded
                .check_compatible(&data.vocabulary, Some(window))
                .unwrap();
            assert_eq!(loaded.model.structure(), model.structure());
            let (mut before, mut after) = (
                vec![0.0; data.vocabulary.len()],
                vec![0.0; data.vocabulary.len()],
            );
            for (context, _) in split.test.iter() {
                model.distribution(context, &mut before);
                loaded.model.distribution(context, &mut after);
                assert_eq!(before, after, "{kind:?} w{window} {context:?}");
                assert_eq!(model.top_k(context, 9), loaded.model.top_k(context, 9));
            }
            // Shorter contexts too: what `perfspec predict` may be given.
            for context in [&[][..], &split.test.context(0)[window - 1..]] {
                assert_eq!(model.top_k(context, 20), loaded.model.top_k(context, 20));
            }
        }
    }
}

fn saved(kind: ModelKind, window: usize) -> (serde_json::Value, Vocabulary) {
    let data = sample();
    let split = split_windows(&data, window, SplitMode::Chrono);
    let model = fitted(kind, &data, &split);
    let text = ModelFile::new(
        model.as_ref(),
        &data.vocabulary,
        &PrepareOptions::perfspec(),
    )
    .to_json();
    (serde_json::from_str(&text).unwrap(), data.vocabulary)
}

fn load_value(value: &serde_json::Value) -> Result<model_file::LoadedModel, ModelFileError> {
    model_file::load(&value.to_string())
}

#[test]
fn damaged_foreign_and_future_files_are_clear_errors() {
    let (file, vocabulary) = saved(ModelKind::Ngram, 2);
    let text = file.to_string();
    for cut in (0..text.len()).step_by(997) {
        let error = model_file::load(&text[..cut]).unwrap_err();
        assert!(
            matches!(error, ModelFileError::Damaged(_)),
            "{cut}: {error}"
        );
    }
    let with = |path: &str, value: serde_json::Value| {
        let mut file = file.clone();
        *file.pointer_mut(path).unwrap() = value;
        load_value(&file).unwrap_err()
    };
    let error = with("/format", "keras-model".into());
    assert!(error.to_string().contains("keras-model"), "{error}");
    assert!(matches!(error, ModelFileError::NotAModelFile(_)));
    let error = with("/version", 2.into());
    assert_eq!(error, ModelFileError::FutureVersion { found: 2 });
    assert!(error.to_string().contains("version 2"));
    assert!(matches!(
        with("/version", "1".into()),
        ModelFileError::Invalid(_)
    ));
    assert_eq!(
        with("/kind", "svm".into()),
        ModelFileError::UnknownKind("svm".into())
    );
    // An n-gram's counts relabelled as an LSTM are no LSTM weights: the loader says so.
    let error = with("/kind", "lstm".into());
    assert!(matches!(error, ModelFileError::Invalid(_)), "{error:?}");
    assert!(error.to_string().contains("LSTM"), "{error}");
    // The counts are for window 2; the file claims 1.
    let error = with("/window", 1.into());
    assert!(error.to_string().contains("window"), "{error}");
    // A vocabulary shorter than the ids the counts use.
    let mut short = file.clone();
    short["vocabulary"].as_array_mut().unwrap().truncate(10);
    let error = load_value(&short).unwrap_err();
    assert!(
        error.to_string().contains("vocabulary has 10 types"),
        "{error}"
    );
    let error = with("/vocabulary/0/verb", "get".into());
    assert!(error.to_string().contains("is not its verb"), "{error}");
    assert!(model_file::load("[1, 2]").is_err());
    assert!(model_file::load("{}").is_err());

    // A sound file for other data.
    let loaded = load_value(&file).unwrap();
    let mut other = Vocabulary::default();
    other.intern("create", "pods");
    let error = loaded.check_compatible(&other, None).unwrap_err();
    assert!(matches!(error, ModelFileError::Mismatch(_)), "{error}");
    let error = loaded.check_compatible(&vocabulary, Some(3)).unwrap_err();
    assert!(error.to_string().contains("not 3"), "{error}");
}

#[test]
fn a_tampered_network_is_an_error_not_a_panic() {
    let (file, _) = saved(ModelKind::Bn, 2);
    let tamper = |path: &str, value: serde_json::Value| {
        let mut file = file.clone();
        *file.pointer_mut(path).unwrap() = value;
        load_value(&file).unwrap_err().to_string()
    };
    assert!(tamper("/window", 1.into()).contains("window 1"));
    let verb = file["weights"]["variables"].as_array().unwrap().len() - 2;
    // verb(t) → event(t-1): an arc into the past.
    assert!(tamper("/weights/parents/0", serde_json::json!([verb])).contains("back in time"));
    assert!(tamper("/weights/parents/0", serde_json::json!([99])).contains("not a variable"));
    assert!(tamper("/weights/tables/0/rows/0/1/0/0", 100_000.into()).contains("bad count"));
    assert!(tamper("/weights/tables", serde_json::json!([])).contains("missing"));
    assert!(tamper("/hyper_parameters/max_parents", 9.into()).contains("maximum"));
    // Whatever byte is damaged, loading answers without panicking.
    let text = file.to_string();
    for at in (0..text.len()).step_by(61) {
        let mut bytes = text.clone().into_bytes();
        bytes[at] = if bytes[at] == b'1' { b'7' } else { b'1' };
        if let Ok(damaged) = String::from_utf8(bytes) {
            let _ = model_file::load(&damaged);
        }
    }
}

#[test]
fn fits_report_progress_and_stop_when_asked() {
    let data = sample();
    let split = split_windows(&data, 2, SplitMode::Chrono);
    let fit_data = FitData {
        train: &split.train,
        validation: &split.validation,
        vocabulary: &data.vocabulary,
        seed: 1,
        measure: perfspec::evaluate::validation_scores,
    };
    for kind in BUILT {
        let mut fractions = Vec::new();
        fit(kind, &fit_data, &HyperParameters::default(), &mut |p| {
            fractions.push(p.fraction);
            true
        })
        .unwrap();
        assert!(!fractions.is_empty(), "{kind:?}");
        assert!(
            fractions.windows(2).all(|pair| pair[0] <= pair[1]),
            "{kind:?}: {fractions:?}"
        );
        let result = fit(kind, &fit_data, &HyperParameters::default(), &mut |_| false);
        assert!(matches!(result, Err(FitError::Cancelled(_))), "{kind:?}");
    }
    // The LSTM's progress and cancellation are tested in tests/lstm.rs, where its fits are kept
    // small enough for a test.

    let config = TrainConfig {
        models: vec![ModelKind::Bn, ModelKind::Ngram],
        windows: vec![1, 2],
        ..TrainConfig::default()
    };
    let clock = SystemClock::default();
    let mut reports = 0;
    let cancelled = train_and_evaluate(&data, &config, &clock, &mut |_| {
        reports += 1;
        reports < 5
    });
    assert!(matches!(cancelled, Err(PipelineError::Cancelled(_))));
    let mut last = 0.0;
    let trained = train_and_evaluate(&data, &config, &clock, &mut |p| {
        assert!(p.fraction >= last - 1e-12, "{} after {last}", p.fraction);
        last = p.fraction;
        true
    })
    .unwrap();
    assert_eq!(last, 1.0);
    assert_eq!(trained.models.len(), trained.report.rows.len());
}

#[test]
fn rows_carry_every_metric_and_survive_json() {
    let data = sample();
    let config = TrainConfig {
        models: BUILT.to_vec(),
        windows: vec![1, 2],
        ..TrainConfig::default()
    };
    let trained =
        train_and_evaluate(&data, &config, &SystemClock::default(), &mut |_| true).unwrap();
    let rows = &trained.report.rows;
    assert_eq!(rows.len(), 8);
    for (row, model) in rows.iter().zip(&trained.models) {
        assert_eq!(row.model, model.kind().name());
        assert_eq!(row.window, model.window());
        let details = &row.details;
        assert_eq!(details.structure.is_some(), row.model == "bn");
        assert!(details.k95 >= 1 && details.k95 <= data.vocabulary.len());
        assert!(row.topk_curve.len() == 20 && row.topk_curve[19] <= 1.0);
        assert!(details.log_loss.is_finite() && details.log_loss > 0.0);
        assert!((details.perplexity - details.log_loss.exp()).abs() < 1e-9);
        assert!((0.0..=1.0).contains(&details.macro_f1));
        assert!((details.weighted_recall - row.top1).abs() < 1e-12);
        let quality = perfspec::quality::split_quality(&data, row.window, SplitMode::Chrono);
        assert_eq!(row.unseen_share, quality.oov_share);
        assert!((0.0..=1.0).contains(&row.unseen_topk));
        assert_eq!(details.leakage_share, quality.leakage_share);
        assert_eq!(details.confusion.types.len(), 20);
        assert!(details.epochs_run.is_none() && details.history.is_none());
        let json = serde_json::to_value(row).unwrap();
        for field in [
            "macro_f1",
            "weighted_f1",
            "log_loss",
            "k95",
            "unseen_share",
            "unseen_topk",
            "split",
        ] {
            assert!(json.get(field).is_some(), "{field} in {}", row.model);
        }
        assert_eq!(json.get("structure").is_some(), row.model == "bn");
        let back: ResultRow = serde_json::from_value(json).unwrap();
        assert_eq!(&back, row);
    }
    let ngram = |window: usize| {
        rows.iter()
            .find(|row| row.model == "ngram" && row.window == window)
            .unwrap()
    };
    // The n-gram's top-9 on the sample's honest split (see real_logs.rs for the paper's mode).
    assert!(ngram(2).topk > 0.8, "{}", ngram(2).topk);
}
