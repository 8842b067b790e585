//! The learning phase end to end, shared by the CLI and the browser worker: summarise the
//! prepared data, then fit and evaluate every (model, window) pair of a configuration.

use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::dataset::{split_windows, SplitMode};
use crate::evaluate::{accuracy, time_inference};
use crate::ingest::{FileReport, IngestReport, SkippedRecord};
use crate::models::{NextEventModel, NgramModel};
use crate::prepare::{FunnelStep, PrepareOptions, PreparedData};
use crate::progress::{report, Cancelled, Progress, Stage};
use crate::quality::{dataset_quality, dataset_warnings, SplitQuality, Warning};
use crate::repeated_run::RepeatedRun;
use crate::vocabulary::VocabularyEntry;

/// Largest window accepted.
pub const MAX_WINDOW: usize = 10;

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

/// The learners.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelKind {
    Ngram,
}

impl ModelKind {
    pub const ALL: [ModelKind; 1] = [ModelKind::Ngram];

    /// The name used on the command line and in result files.
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Ngram => "ngram",
        }
    }

    /// The name of the approach in the paper's table.
    pub fn approach(self) -> &'static str {
        match self {
            ModelKind::Ngram => "n-grams",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.name() == name)
    }
}

/// What to train and how to measure it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainConfig {
    pub models: Vec<ModelKind>,
    pub windows: Vec<usize>,
    /// The k of the top-k accuracy column.
    pub k: usize,
    pub split: SplitMode,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            models: vec![ModelKind::Ngram],
            windows: vec![1, 2],
            k: 9,
            split: SplitMode::Chrono,
        }
    }
}

impl TrainConfig {
    pub fn validate(&self) -> Result<(), String> {
        if self.models.is_empty() {
            return Err("choose at least one model".into());
        }
        if self.windows.is_empty() {
            return Err("give at least one window".into());
        }
        if let Some(bad) = self.windows.iter().find(|&&w| w == 0 || w > MAX_WINDOW) {
            return Err(format!("window {bad} is out of range 1..={MAX_WINDOW}"));
        }
        if self.k == 0 || self.k > crate::evaluate::CURVE_MAX_K {
            return Err(format!(
                "k must be between 1 and {}",
                crate::evaluate::CURVE_MAX_K
            ));
        }
        Ok(())
    }

    /// Each (model, window) pair to run, in table order.
    pub fn jobs(&self) -> Vec<TrainJob> {
        let mut windows = self.windows.clone();
        windows.sort_unstable();
        windows.dedup();
        self.models
            .iter()
            .flat_map(|&model| {
                windows
                    .iter()
                    .map(move |&window| TrainJob { model, window })
            })
            .collect()
    }
}

/// Parses a window list such as `1,2,3` or `1-3`.
pub fn parse_windows(text: &str) -> Result<Vec<usize>, String> {
    let mut windows = Vec::new();
    for part in text
        .split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
    {
        let number = |s: &str| {
            s.trim()
                .parse::<usize>()
                .map_err(|_| format!("\"{part}\" is not a window (use numbers like 1,2,3 or 1-3)"))
        };
        match part.split_once('-') {
            Some((low, high)) => {
                let (low, high) = (number(low)?, number(high)?);
                if low > high {
                    return Err(format!("\"{part}\" is an empty range"));
                }
                windows.extend(low..=high);
            }
            None => windows.push(number(part)?),
        }
    }
    if windows.is_empty() {
        return Err("give at least one window".into());
    }
    Ok(windows)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainJob {
    pub model: ModelKind,
    pub window: usize,
}

/// One row of the comparison table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultRow {
    pub model: String,
    pub approach: String,
    pub window: usize,
    pub k: usize,
    pub top1: f64,
    pub topk: f64,
    /// Top-k accuracy for k = 1..=20.
    pub topk_curve: Vec<f64>,
    pub fit_seconds: f64,
    pub infer_seconds_median: f64,
    pub infer_seconds_p99: f64,
    pub train_windows: usize,
    pub test_windows: usize,
    pub split: SplitMode,
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

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PipelineError {
    #[error(transparent)]
    Cancelled(#[from] Cancelled),
    #[error("{0}")]
    Invalid(String),
}

/// Fits and evaluates one model at one window.
pub fn run_job(
    data: &PreparedData,
    job: TrainJob,
    config: &TrainConfig,
    clock: &dyn Clock,
) -> Result<ResultRow, PipelineError> {
    let split = split_windows(data, job.window, config.split);
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
    let vocabulary_size = data.vocabulary.len();
    let fit = || -> Box<dyn NextEventModel> {
        match job.model {
            ModelKind::Ngram => Box::new(NgramModel::fit(&split.train, vocabulary_size)),
        }
    };
    let (model, fit_seconds) = timed_fit(fit, clock);
    let accuracy = accuracy(model.as_ref(), &split.test);
    let timing = time_inference(model.as_ref(), &split.test, config.k, clock);
    Ok(ResultRow {
        model: job.model.name().into(),
        approach: job.model.approach().into(),
        window: job.window,
        k: config.k,
        top1: accuracy.top(1),
        topk: accuracy.top(config.k),
        topk_curve: accuracy.curve,
        fit_seconds,
        infer_seconds_median: timing.median_seconds,
        infer_seconds_p99: timing.p99_seconds,
        train_windows: split.train.len(),
        test_windows: split.test.len(),
        split: config.split,
    })
}

/// A fit shorter than this many clock ticks is repeated, and the mean reported, so that a
/// browser's coarse clock still resolves it.
const MIN_FIT_TICKS: f64 = 20.0;

/// Fits once, and again while the total is too short for the clock to measure: the result is the
/// mean wall time of one whole fit.
fn timed_fit<M>(mut fit: impl FnMut() -> M, clock: &dyn Clock) -> (M, f64) {
    let start = clock.now();
    let mut model = fit();
    let mut fits = 1u32;
    while clock.now() - start < MIN_FIT_TICKS * clock.resolution() && fits < 1_000 {
        model = fit();
        fits += 1;
    }
    (model, (clock.now() - start) / f64::from(fits))
}

/// Runs every job of the configuration, reporting progress between jobs.
pub fn train_and_evaluate(
    data: &PreparedData,
    config: &TrainConfig,
    clock: &dyn Clock,
    progress: &mut dyn FnMut(&Progress) -> bool,
) -> Result<TrainReport, PipelineError> {
    config.validate().map_err(PipelineError::Invalid)?;
    let jobs = config.jobs();
    let mut rows = Vec::with_capacity(jobs.len());
    for (done, job) in jobs.iter().enumerate() {
        report(
            progress,
            Stage::Training,
            done as f64 / jobs.len() as f64,
            format!("{} window {}", job.model.approach(), job.window),
        )?;
        rows.push(run_job(data, *job, config, clock)?);
    }
    report(progress, Stage::Training, 1.0, "done")?;
    Ok(TrainReport {
        split: config.split,
        optimistic: config.split.is_optimistic(),
        k: config.k,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_lists() {
        assert_eq!(parse_windows("1,2, 3").unwrap(), vec![1, 2, 3]);
        assert_eq!(parse_windows("1-3,5").unwrap(), vec![1, 2, 3, 5]);
        assert!(parse_windows("a").is_err());
        assert!(parse_windows("3-1").is_err());
        assert!(parse_windows(" , ").is_err());
    }

    #[test]
    fn jobs_are_in_table_order_without_repeats() {
        let config = TrainConfig {
            windows: vec![2, 1, 2],
            ..TrainConfig::default()
        };
        let windows: Vec<usize> = config.jobs().iter().map(|job| job.window).collect();
        assert_eq!(windows, vec![1, 2]);
        assert!(TrainConfig {
            k: 0,
            ..TrainConfig::default()
        }
        .validate()
        .is_err());
        assert!(TrainConfig {
            windows: vec![11],
            ..TrainConfig::default()
        }
        .validate()
        .is_err());
    }
}
