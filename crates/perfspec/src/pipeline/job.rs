//! One (model, window) job: what a run trains ([`TrainConfig`], [`TrainJob`]), what a finished
//! job gives ([`JobResult`], [`ResultRow`]), and how it fails ([`PipelineError`]).

use serde::{Deserialize, Serialize};

use crate::dataset::{SplitMode, DEFAULT_SEED};
use crate::evaluate::{ClassMetrics, Confusion};
use crate::models::{Edge, EpochRecord, FitError, HyperParameters, ModelKind, NextEventModel};
use crate::progress::Cancelled;

/// Largest window accepted.
pub const MAX_WINDOW: usize = 10;
/// What to train and how to measure it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    pub models: Vec<ModelKind>,
    pub windows: Vec<usize>,
    /// The k of the top-k accuracy column.
    pub k: usize,
    pub split: SplitMode,
    /// Seeds the random split and whatever is random in a fit.
    #[serde(default = "default_seed")]
    pub seed: u64,
    #[serde(default)]
    pub hyper_parameters: HyperParameters,
}

fn default_seed() -> u64 {
    DEFAULT_SEED
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            models: vec![ModelKind::Ngram],
            windows: vec![1, 2],
            k: 9,
            split: SplitMode::Chrono,
            seed: DEFAULT_SEED,
            hyper_parameters: HyperParameters::default(),
        }
    }
}

impl TrainConfig {
    pub fn validate(&self) -> Result<(), String> {
        if self.models.is_empty() {
            return Err("choose at least one model".into());
        }
        if let Some(kind) = self.models.iter().find(|kind| !kind.is_built()) {
            return Err(format!(
                "the {} model ({}) is not built yet; choose from {}",
                kind.approach(),
                kind.name(),
                ModelKind::ALL
                    .iter()
                    .filter(|kind| kind.is_built())
                    .map(|kind| kind.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        self.hyper_parameters.validate()?;
        if self.windows.is_empty() {
            return Err("give at least one window".into());
        }
        if let Some(bad) = self.windows.iter().find(|&&w| w == 0 || w > MAX_WINDOW) {
            return Err(format!("window {bad} is out of range 1..={MAX_WINDOW}"));
        }
        if self.k == 0 || self.k > crate::models::ranking::CURVE_MAX_K {
            return Err(format!(
                "k must be between 1 and {}",
                crate::models::ranking::CURVE_MAX_K
            ));
        }
        Ok(())
    }

    /// Each (model, window) pair to run, in table order: models as listed (a repeat only
    /// once), windows ascending.
    pub fn jobs(&self) -> Vec<TrainJob> {
        let mut windows = self.windows.clone();
        windows.sort_unstable();
        windows.dedup();
        let mut models: Vec<ModelKind> = Vec::with_capacity(self.models.len());
        for &model in &self.models {
            if !models.contains(&model) {
                models.push(model);
            }
        }
        models
            .into_iter()
            .flat_map(|model| {
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

/// One row of the comparison table: one model at one window, measured on the test windows.
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
    /// Share of test events whose type never occurs in training. A model of whole types
    /// predicts at most `1 - unseen_share` of them; a model that composes verb and resource, or
    /// copies from the context, is not bound by that ceiling.
    #[serde(alias = "oov_share")]
    pub unseen_share: f64,
    /// Top-k accuracy on those test events alone (0 when there are none).
    #[serde(default)]
    pub unseen_topk: f64,
    /// Wall time of the whole fit.
    pub fit_seconds: f64,
    pub infer_seconds_median: f64,
    pub infer_seconds_p99: f64,
    pub train_windows: usize,
    pub test_windows: usize,
    pub split: SplitMode,
    /// Every figure beyond the paper's, flattened into the row's JSON; boxed so that a row
    /// stays small to move around (the worker streams rows to the page).
    #[serde(flatten)]
    pub details: Box<RowDetails>,
}

/// The rest of a row: the figures of the evaluation protocol (ARCHITECTURE.md) beyond the
/// paper's columns, and what the model learned that can be shown.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RowDetails {
    pub validation_windows: usize,
    /// The seed of the split and the fit.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Averages over classes of the top-1 predictions' precision, recall and F1.
    pub macro_precision: f64,
    pub macro_recall: f64,
    pub macro_f1: f64,
    pub weighted_precision: f64,
    pub weighted_recall: f64,
    pub weighted_f1: f64,
    /// Mean negative log-probability of the actual next event, in nats.
    pub log_loss: f64,
    pub perplexity: f64,
    /// Smallest k whose top-k holds 95% of the test events.
    pub k95: usize,
    /// Share of test windows (context and next event) that also occur in training.
    pub leakage_share: f64,
    pub per_class: Vec<ClassMetrics>,
    pub confusion: Confusion,
    /// The learned structure, for the Bayesian network.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub structure: Option<Vec<Edge>>,
    /// Epochs trained and their history, for a model trained in epochs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub epochs_run: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<EpochRecord>>,
}

/// A finished job: its row, and the fitted model (for saving, or for predicting).
pub struct JobResult {
    pub row: ResultRow,
    pub model: Box<dyn NextEventModel>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PipelineError {
    #[error(transparent)]
    Cancelled(#[from] Cancelled),
    #[error("{0}")]
    Invalid(String),
}

impl From<FitError> for PipelineError {
    fn from(error: FitError) -> Self {
        match error {
            FitError::Cancelled(cancelled) => PipelineError::Cancelled(cancelled),
            other => PipelineError::Invalid(other.to_string()),
        }
    }
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
        let config = TrainConfig {
            models: vec![ModelKind::Bn, ModelKind::Ngram, ModelKind::Bn],
            windows: vec![1],
            ..TrainConfig::default()
        };
        let models: Vec<ModelKind> = config.jobs().iter().map(|job| job.model).collect();
        assert_eq!(models, vec![ModelKind::Bn, ModelKind::Ngram]);
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
