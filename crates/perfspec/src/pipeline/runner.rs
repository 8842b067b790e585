//! One (model, window) job as a sequence of short steps.
//!
//! A caller with its own event loop (the browser worker) runs a step, and between steps lets its
//! messages in: a Cancel is seen within one step, progress reaches the page while the LSTM
//! trains. The CLI drives the same steps in a plain loop ([`crate::pipeline::run_job`]), so both
//! measure with the same code.

use super::job::{JobResult, PipelineError, ResultRow, RowDetails, TrainConfig, TrainJob};
use crate::clock::Clock;
use crate::dataset::seen_in_training;
use crate::dataset::{split_windows_seeded, SplitWindows};
use crate::evaluate::{evaluate, time_inference, Evaluation};
use crate::models::{
    fit, EpochRecord, FitData, HyperParameters, LstmTrainer, ModelKind, NextEventModel, StepOutcome,
};
use crate::prepare::PreparedData;
use crate::progress::{Progress, Stage};
use crate::quality::leakage_share;

/// Share of a job's progress spent fitting; measuring takes the rest.
const FIT_SHARE: f64 = 0.8;
/// Training windows of the untimed warm-up fit before the timed one.
const WARM_UP_WINDOWS: usize = 256;
/// A fit shorter than this many clock ticks is repeated, and the mean reported, so that a
/// browser's coarse clock still resolves it.
const MIN_FIT_TICKS: f64 = 20.0;

/// What one [`JobRunner::step`] produced.
pub enum JobStep {
    /// The job goes on; the fraction is of this job.
    Progress(Progress),
    Finished(Box<JobResult>),
}

enum Phase {
    WarmUp,
    Fit,
    /// The LSTM, one mini-batch per step.
    Lstm(Box<LstmTrainer>),
    Measure(Box<dyn NextEventModel>),
    Time(Box<dyn NextEventModel>, Box<Evaluation>),
    Done,
}

/// A job in progress. It owns its split, so a caller can keep it across its own awaits; the
/// prepared data is lent to each step.
pub struct JobRunner {
    job: TrainJob,
    config: TrainConfig,
    /// The configuration's, with the LSTM's history measured at the run's k.
    hyper_parameters: HyperParameters,
    split: SplitWindows,
    phase: Phase,
    /// The fit's compute time so far: the sum of its steps, not the wall time from its start,
    /// so that the pauses a caller makes between steps are not counted as learning time.
    fit_seconds: f64,
}

impl JobRunner {
    pub fn new(
        data: &PreparedData,
        job: TrainJob,
        config: &TrainConfig,
    ) -> Result<Self, PipelineError> {
        let split = split_windows_seeded(data, job.window, config.split, config.seed);
        if split.train.is_empty() || split.test.is_empty() {
            return Err(PipelineError::Invalid(format!(
                "window {} leaves no {} windows: {} events are too few",
                job.window,
                if split.train.is_empty() {
                    "training"
                } else {
                    "test"
                },
                data.events.len()
            )));
        }
        let mut hyper_parameters = config.hyper_parameters.clone();
        hyper_parameters.lstm.topk = config.k;
        Ok(Self {
            job,
            config: config.clone(),
            hyper_parameters,
            split,
            phase: Phase::WarmUp,
            fit_seconds: 0.0,
        })
    }

    pub fn job(&self) -> TrainJob {
        self.job
    }

    fn fit_data<'a>(&'a self, data: &'a PreparedData) -> FitData<'a> {
        FitData {
            train: &self.split.train,
            validation: &self.split.validation,
            vocabulary: &data.vocabulary,
            seed: self.config.seed,
            measure: crate::evaluate::validation_scores,
        }
    }

    /// Runs the next step. `data` must be the data the runner was made for.
    pub fn step(
        &mut self,
        data: &PreparedData,
        clock: &dyn Clock,
    ) -> Result<JobStep, PipelineError> {
        match std::mem::replace(&mut self.phase, Phase::Done) {
            Phase::WarmUp => {
                self.warm_up(data)?;
                self.phase = Phase::Fit;
                Ok(self.progress(0.0, "fitting"))
            }
            Phase::Fit if self.job.model == ModelKind::Lstm => {
                let started = clock.now();
                let trainer = LstmTrainer::new(&self.fit_data(data), &self.hyper_parameters.lstm)?;
                self.fit_seconds += clock.now() - started;
                let epochs = trainer.params().epochs;
                self.phase = Phase::Lstm(Box::new(trainer));
                Ok(self.progress(0.0, format!("LSTM: up to {epochs} epochs")))
            }
            Phase::Fit => {
                let fit_data = self.fit_data(data);
                let (model, seconds) = timed_fit(
                    || {
                        fit(
                            self.job.model,
                            &fit_data,
                            &self.hyper_parameters,
                            &mut |_| true,
                        )
                    },
                    clock,
                )?;
                self.fit_seconds = seconds;
                self.phase = Phase::Measure(model);
                Ok(self.progress(FIT_SHARE, "measuring on the test windows"))
            }
            Phase::Lstm(mut trainer) => {
                let started = clock.now();
                let outcome = trainer.step();
                let over = matches!(
                    outcome,
                    StepOutcome::Finished(_)
                        | StepOutcome::Epoch {
                            stopped: Some(_),
                            ..
                        }
                );
                let epochs = trainer.params().epochs;
                let fraction = trainer.fraction();
                if over {
                    let model = trainer.finish();
                    self.fit_seconds += clock.now() - started;
                    let detail = model
                        .training()
                        .map_or_else(|| "LSTM: trained".into(), |training| training.describe());
                    self.phase = Phase::Measure(Box::new(model));
                    Ok(self.progress(FIT_SHARE, detail))
                } else {
                    self.fit_seconds += clock.now() - started;
                    self.phase = Phase::Lstm(trainer);
                    Ok(self.progress(
                        fraction * FIT_SHARE,
                        crate::models::lstm_step_detail(&outcome, epochs),
                    ))
                }
            }
            Phase::Measure(model) => {
                let seen = seen_in_training(&self.split.train, data.vocabulary.len());
                let evaluation =
                    evaluate(model.as_ref(), &self.split.test, &data.vocabulary, &seen);
                self.phase = Phase::Time(model, Box::new(evaluation));
                Ok(self.progress(0.9, "timing predictions"))
            }
            Phase::Time(model, evaluation) => {
                let result = self.measure(model, *evaluation, clock);
                Ok(JobStep::Finished(Box::new(result)))
            }
            Phase::Done => Err(PipelineError::Invalid("the job has finished".into())),
        }
    }

    fn progress(&self, fraction: f64, detail: impl Into<String>) -> JobStep {
        JobStep::Progress(Progress {
            stage: Stage::Training,
            fraction,
            detail: detail.into(),
        })
    }

    /// The first fit of a model's code in a process (in a browser: its first call, which
    /// compiles it) costs far more than later ones; an untimed fit on a small slice keeps that
    /// cost out of the figure, as a warm Python process kept it out of the paper's.
    fn warm_up(&self, data: &PreparedData) -> Result<(), PipelineError> {
        let train = self.split.train.prefix(WARM_UP_WINDOWS);
        let validation = self.split.validation.prefix(WARM_UP_WINDOWS / 4);
        let mut parameters = self.hyper_parameters.clone();
        parameters.lstm.epochs = 1;
        let warm_data = FitData {
            train: &train,
            validation: &validation,
            ..self.fit_data(data)
        };
        fit(self.job.model, &warm_data, &parameters, &mut |_| true)?;
        Ok(())
    }

    fn measure(
        &self,
        model: Box<dyn NextEventModel>,
        evaluation: Evaluation,
        clock: &dyn Clock,
    ) -> JobResult {
        let split = &self.split;
        let config = &self.config;
        let timing = time_inference(model.as_ref(), &split.test, config.k, clock);
        let accuracy = &evaluation.accuracy;
        let history = model.history().map(<[EpochRecord]>::to_vec);
        let row = ResultRow {
            model: self.job.model.name().into(),
            approach: self.job.model.approach().into(),
            window: self.job.window,
            k: config.k,
            top1: accuracy.top(1),
            topk: accuracy.top(config.k),
            topk_curve: accuracy.curve.clone(),
            unseen_share: evaluation.unseen.windows as f64 / split.test.len().max(1) as f64,
            unseen_topk: evaluation.unseen.top(config.k),
            fit_seconds: self.fit_seconds,
            infer_seconds_median: timing.median_seconds,
            infer_seconds_p99: timing.p99_seconds,
            train_windows: split.train.len(),
            test_windows: split.test.len(),
            split: config.split,
            details: Box::new(RowDetails {
                validation_windows: split.validation.len(),
                seed: config.seed,
                macro_precision: evaluation.macro_average.precision,
                macro_recall: evaluation.macro_average.recall,
                macro_f1: evaluation.macro_average.f1,
                weighted_precision: evaluation.weighted_average.precision,
                weighted_recall: evaluation.weighted_average.recall,
                weighted_f1: evaluation.weighted_average.f1,
                log_loss: evaluation.log_loss,
                perplexity: evaluation.perplexity,
                k95: evaluation.k95,
                leakage_share: leakage_share(split),
                per_class: evaluation.per_class,
                confusion: evaluation.confusion,
                structure: model.structure(),
                epochs_run: history.as_ref().map(Vec::len),
                history,
            }),
        };
        JobResult { row, model }
    }
}

/// Fits once, and again while the total is too short for the clock to measure: the result is the
/// mean wall time of one whole fit. A failed fit (cancelled) ends it.
fn timed_fit<M, E>(
    mut fit: impl FnMut() -> Result<M, E>,
    clock: &dyn Clock,
) -> Result<(M, f64), E> {
    let start = clock.now();
    let mut model = fit()?;
    let mut fits = 1u32;
    while clock.now() - start < MIN_FIT_TICKS * clock.resolution() && fits < 1_000 {
        model = fit()?;
        fits += 1;
    }
    Ok((model, (clock.now() - start) / f64::from(fits)))
}
