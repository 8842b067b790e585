//! The page's state: signals, handed down with `provide_context`.

use leptos::prelude::*;
use perfspec::pipeline::{DatasetSummary, ResultRow};

use crate::protocol::LoadStats;
use perfspec::models::ModelKind;
use perfspec::{PrepareOptions, SplitMode, Stage, TrainConfig, TrainReport};

/// A run in progress, as the progress bar shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct RunStatus {
    pub stage: Stage,
    pub fraction: f64,
    pub detail: String,
    /// `performance.now()` in ms when the current stage started, for the time-remaining estimate.
    pub stage_started_ms: f64,
    pub now_ms: f64,
}

impl RunStatus {
    /// Seconds left in the current stage, extrapolated from its pace so far.
    pub fn remaining_seconds(&self) -> Option<f64> {
        let elapsed = (self.now_ms - self.stage_started_ms) / 1000.0;
        (self.fraction > 0.02 && elapsed > 0.5)
            .then(|| elapsed / self.fraction * (1.0 - self.fraction))
    }
}

/// The user's training settings, as the train panel edits them.
#[derive(Debug, Clone, Copy)]
pub struct TrainSettings {
    pub models: RwSignal<Vec<ModelKind>>,
    pub windows: RwSignal<String>,
    pub k: RwSignal<usize>,
    pub split: RwSignal<SplitMode>,
    pub seed: RwSignal<u64>,
}

impl TrainSettings {
    fn new() -> Self {
        let defaults = TrainConfig::default();
        let windows = defaults
            .windows
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(",");
        Self {
            // The paper's three approaches' fast members and both baselines by default; the
            // LSTM is one click away, as it takes far longer to train.
            models: RwSignal::new(vec![
                ModelKind::Ngram,
                ModelKind::Bn,
                ModelKind::Mfe,
                ModelKind::Repeat,
            ]),
            windows: RwSignal::new(windows),
            k: RwSignal::new(defaults.k),
            split: RwSignal::new(defaults.split),
            seed: RwSignal::new(defaults.seed),
        }
    }

    /// The configuration to send, or what is wrong with the settings.
    pub fn config(&self) -> Result<TrainConfig, String> {
        let mut models = self.models.get_untracked();
        // Table order, whatever order the boxes were ticked in.
        models.sort_by_key(|kind| ModelKind::ALL.iter().position(|k| k == kind));
        let config = TrainConfig {
            models,
            windows: perfspec::pipeline::parse_windows(&self.windows.get_untracked())?,
            k: self.k.get_untracked(),
            split: self.split.get_untracked(),
            seed: self.seed.get_untracked(),
            ..TrainConfig::default()
        };
        config.validate()?;
        Ok(config)
    }
}

#[derive(Debug, Clone, Copy)]
pub struct AppState {
    pub dataset: RwSignal<Option<DatasetSummary>>,
    /// How the last read went (throughput, worker memory).
    pub load_stats: RwSignal<Option<LoadStats>>,
    /// Rows as they arrive during a run.
    pub rows: RwSignal<Vec<ResultRow>>,
    /// The finished run.
    pub report: RwSignal<Option<TrainReport>>,
    pub status: RwSignal<Option<RunStatus>>,
    pub error: RwSignal<Option<String>>,
    /// A short line announced to screen readers (loaded, trained, cancelled).
    pub notice: RwSignal<String>,
    pub settings: TrainSettings,
    /// The prepare options the loaded data was (or is about to be) prepared with.
    pub prepare_options: RwSignal<PrepareOptions>,
}

impl AppState {
    pub fn new() -> Self {
        Self {
            dataset: RwSignal::new(None),
            load_stats: RwSignal::new(None),
            rows: RwSignal::new(Vec::new()),
            report: RwSignal::new(None),
            status: RwSignal::new(None),
            error: RwSignal::new(None),
            notice: RwSignal::new(String::new()),
            settings: TrainSettings::new(),
            prepare_options: RwSignal::new(PrepareOptions::perfspec()),
        }
    }

    pub fn is_busy(&self) -> bool {
        self.status.with(Option::is_some)
    }
}

impl Default for AppState {
    fn default() -> Self {
        Self::new()
    }
}
