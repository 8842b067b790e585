//! The learning phase end to end, shared by the CLI and the browser worker: summarise the
//! prepared data, then fit and evaluate every (model, window) pair of a configuration.

pub(crate) mod job;
pub(crate) mod runner;

pub use job::{
    parse_windows, JobResult, PipelineError, ResultRow, RowDetails, TrainConfig, TrainJob,
    MAX_WINDOW,
};
pub use runner::{JobRunner, JobStep};

use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::dataset::SplitMode;
use crate::ingest::{FileReport, IngestReport, SkippedRecord};
use crate::models::NextEventModel;
use crate::prepare::repeated_run::RepeatedRun;
use crate::prepare::vocabulary::VocabularyEntry;
use crate::prepare::{FunnelStep, PrepareOptions, PreparedData};
use crate::progress::{report, Cancelled, Progress, Stage};
use crate::quality::{dataset_quality, dataset_warnings, SplitQuality, Warning};

/// What the data view shows: the ingest report and the prepared sequence in numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetSummary {
    pub records_read: u64,
    pub records_skipped: u64,
    pub events: usize,
    pub types: usize,
    pub sequences: usize,
    pub time_span: Option<(String, String)>,
    pub files: Vec<FileReport>,
    pub funnel: Vec<FunnelStep>,
    pub vocabulary: Vec<VocabularyEntry>,
    pub skipped: Vec<SkippedRecord>,
    /// Long stretches that repeat an earlier one (before any fix).
    pub repeated_runs: Vec<RepeatedRun>,
    /// Out-of-vocabulary and leakage shares of the honest split at the paper's windows.
    pub quality: Vec<SplitQuality>,
    pub warnings: Vec<Warning>,
}

impl DatasetSummary {
    pub fn new(ingest: &IngestReport, data: &PreparedData, options: &PrepareOptions) -> Self {
        let quality = dataset_quality(data);
        let warnings = dataset_warnings(ingest, data, &quality, options.dedup_repeated_run);
        Self {
            records_read: ingest.records_read,
            records_skipped: ingest.records_skipped,
            events: data.events.len(),
            types: data.vocabulary.len(),
            sequences: data.sequences.len(),
            time_span: data.time_span.clone(),
            files: ingest.files.clone(),
            funnel: data.funnel.clone(),
            vocabulary: data.vocabulary.entries(&data.events),
            skipped: ingest.skipped.clone(),
            repeated_runs: data.repeated_runs.clone(),
            quality,
            warnings,
        }
    }
}

/// Every row of a run, with how it was measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainReport {
    pub split: SplitMode,
    /// True when the figures were measured on training data (paper-compatible mode).
    pub optimistic: bool,
    pub k: usize,
    pub rows: Vec<ResultRow>,
}

impl TrainReport {
    /// The leakage share to show beside the results: at the largest window trained, as the
    /// dataset view's warning measures it (shorter contexts naturally recur more).
    pub fn leakage_share(&self) -> Option<f64> {
        self.rows
            .iter()
            .max_by_key(|row| row.window)
            .map(|row| row.details.leakage_share)
    }
}

/// A finished run: the report, and the fitted models in the order of its rows.
pub struct Trained {
    pub report: TrainReport,
    pub models: Vec<Box<dyn NextEventModel>>,
}
/// Fits and evaluates one model at one window, running [`JobRunner`]'s steps in a loop.
/// `progress` receives [`Stage::Training`] reports whose fraction is of this job; returning false
/// cancels the job at its next step.
pub fn run_job(
    data: &PreparedData,
    job: TrainJob,
    config: &TrainConfig,
    clock: &dyn Clock,
    progress: &mut dyn FnMut(&Progress) -> bool,
) -> Result<JobResult, PipelineError> {
    let mut runner = JobRunner::new(data, job, config)?;
    loop {
        match runner.step(data, clock)? {
            JobStep::Progress(update) => {
                if !progress(&update) {
                    return Err(Cancelled.into());
                }
            }
            JobStep::Finished(result) => return Ok(*result),
        }
    }
}

/// Runs every job of the configuration; each job's progress is scaled into the whole run's.
pub fn train_and_evaluate(
    data: &PreparedData,
    config: &TrainConfig,
    clock: &dyn Clock,
    progress: &mut dyn FnMut(&Progress) -> bool,
) -> Result<Trained, PipelineError> {
    config.validate().map_err(PipelineError::Invalid)?;
    let jobs = config.jobs();
    let mut rows = Vec::with_capacity(jobs.len());
    let mut models = Vec::with_capacity(jobs.len());
    for (done, job) in jobs.iter().enumerate() {
        let label = format!("{} window {}", job.model.approach(), job.window);
        let mut job_progress = |update: &Progress| {
            progress(&Progress {
                stage: update.stage,
                fraction: (done as f64 + update.fraction) / jobs.len() as f64,
                detail: format!("{label}: {}", update.detail),
            })
        };
        let result = run_job(data, *job, config, clock, &mut job_progress)?;
        rows.push(result.row);
        models.push(result.model);
    }
    report(progress, Stage::Training, 1.0, "done")?;
    Ok(Trained {
        report: TrainReport {
            split: config.split,
            optimistic: config.split.is_optimistic(),
            k: config.k,
            rows,
        },
        models,
    })
}
