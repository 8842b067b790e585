//! A job run step by step, as the browser worker runs it, on the PerfSPEC sample
//! (`sample_logs/audit-logs.csv`, CC BY 4.0).

mod common;

use common::sample;
use std::cell::Cell;

use perfspec::clock::Clock;
use perfspec::models::{HyperParameters, LstmParams, ModelKind};
use perfspec::pipeline::{run_job, JobRunner, JobStep, PipelineError, TrainConfig, TrainJob};

/// A clock that moves a millisecond per reading, and jumps when the test pauses: what a worker
/// does between steps must not reach the fit time.
struct SteppingClock {
    now: Cell<f64>,
}

impl Clock for SteppingClock {
    fn now(&self) -> f64 {
        let now = self.now.get() + 1e-3;
        self.now.set(now);
        now
    }

    fn resolution(&self) -> f64 {
        1e-4
    }
}

fn small_lstm(epochs: usize) -> TrainConfig {
    TrainConfig {
        models: vec![ModelKind::Lstm],
        windows: vec![2],
        hyper_parameters: HyperParameters {
            lstm: LstmParams {
                epochs,
                hidden: 16,
                embedding: 8,
                ..LstmParams::default()
            },
            ..HyperParameters::default()
        },
        ..TrainConfig::default()
    }
}

#[test]
fn an_lstm_runs_one_batch_per_step_and_pauses_between_steps_are_not_fit_time() {
    let data = sample();
    let config = small_lstm(3);
    let job = TrainJob {
        model: ModelKind::Lstm,
        window: 2,
    };
    let clock = SteppingClock {
        now: Cell::new(0.0),
    };
    let mut runner = JobRunner::new(&data, job, &config).expect("enough data");
    let mut batches = 0;
    let mut last_fraction = 0.0;
    let result = loop {
        match runner.step(&data, &clock).expect("no error") {
            JobStep::Progress(progress) => {
                assert!(
                    progress.fraction >= last_fraction,
                    "progress never goes back"
                );
                last_fraction = progress.fraction;
                if progress.detail.contains("batch") {
                    batches += 1;
                }
                // A worker's yield: a long pause between two steps.
                clock.now.set(clock.now.get() + 100.0);
            }
            JobStep::Finished(result) => break result,
        }
    };
    let row = &result.row;
    let epochs = row.details.epochs_run.expect("an LSTM row has epochs");
    assert!((1..=3).contains(&epochs));
    // 70% of the sample's 2,161 windows in batches of 64: about 24 per epoch.
    assert!(
        batches >= 20 * epochs - 20,
        "{batches} batch steps for {epochs} epochs"
    );
    assert!(
        row.fit_seconds > 0.0 && row.fit_seconds < 100.0,
        "fit time {} counts a pause",
        row.fit_seconds
    );
    assert_eq!(row.details.history.as_ref().map(Vec::len), Some(epochs));
}

#[test]
fn run_job_stops_an_lstm_between_batches_when_asked() {
    let data = sample();
    let config = small_lstm(50);
    let job = TrainJob {
        model: ModelKind::Lstm,
        window: 1,
    };
    let clock = SteppingClock {
        now: Cell::new(0.0),
    };
    let mut reports = 0;
    let outcome = run_job(&data, job, &config, &clock, &mut |progress| {
        reports += 1;
        !progress.detail.contains("batch 3/")
    });
    assert!(matches!(outcome, Err(PipelineError::Cancelled(_))));
    // Warm-up, start, and the first three batches: stopped long before 50 epochs.
    assert!(reports < 10, "{reports} reports before stopping");
}

#[test]
fn stepping_measures_what_one_call_measures() {
    let data = sample();
    let config = TrainConfig {
        models: vec![ModelKind::Ngram, ModelKind::Bn],
        windows: vec![1, 2],
        ..TrainConfig::default()
    };
    let clock = perfspec::clock::SystemClock::default();
    for job in config.jobs() {
        let whole = run_job(&data, job, &config, &clock, &mut |_| true).expect("runs");
        let mut runner = JobRunner::new(&data, job, &config).expect("enough data");
        let stepped = loop {
            if let JobStep::Finished(result) = runner.step(&data, &clock).expect("runs") {
                break result;
            }
        };
        assert_eq!(whole.row.topk_curve, stepped.row.topk_curve, "{job:?}");
        assert_eq!(whole.row.details.per_class, stepped.row.details.per_class);
        assert_eq!(whole.row.details.structure, stepped.row.details.structure);
    }
}
