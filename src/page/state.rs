//! The page's state: signals, handed down with `provide_context`.

use leptos::prelude::*;
use perfspec::pipeline::{DatasetSummary, ResultRow};

use crate::protocol::{ImportedModel, LoadStats, ModelPrediction};
use perfspec::models::{HyperParameters, ModelKind};
use perfspec::replay::ReplayReport;
use perfspec::run_config::RunConfig;

use crate::page::replay_settings::ReplaySettings;
use perfspec::dataset::SplitMode;
use perfspec::pipeline::{TrainConfig, TrainReport};
use perfspec::prepare::PrepareOptions;
use perfspec::progress::Stage;

/// The page's sections, in the order of the flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tab {
    Data,
    Vocabulary,
    Train,
    Results,
    Replay,
    Review,
    Predict,
    Export,
}

impl Tab {
    pub(crate) const ALL: [Tab; 8] = [
        Tab::Data,
        Tab::Vocabulary,
        Tab::Train,
        Tab::Results,
        Tab::Replay,
        Tab::Review,
        Tab::Predict,
        Tab::Export,
    ];

    /// The name in `data-testid="tab-<name>"` and in element ids.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Tab::Data => "data",
            Tab::Vocabulary => "vocabulary",
            Tab::Train => "train",
            Tab::Results => "results",
            Tab::Replay => "replay",
            Tab::Review => "review",
            Tab::Predict => "predict",
            Tab::Export => "export",
        }
    }

    pub(crate) fn label(self) -> &'static str {
        match self {
            Tab::Data => "Data",
            Tab::Vocabulary => "Vocabulary",
            Tab::Train => "Train",
            Tab::Results => "Results",
            Tab::Replay => "Replay",
            Tab::Review => "Review",
            Tab::Predict => "Predict",
            Tab::Export => "Export",
        }
    }
}

/// The two starting points of the Train section (see ARCHITECTURE.md, The page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Preset {
    /// The paper's protocol: its three approaches at windows 1 and 2, top-9, evaluated on the
    /// training data (optimistic), every record kept.
    Paper,
    /// What we recommend: every model and both baselines, a chronological split, and a repeated
    /// run in the data kept once.
    Honest,
}

impl Preset {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Preset::Paper => "paper",
            Preset::Honest => "honest",
        }
    }

    pub(crate) fn label(self) -> &'static str {
        match self {
            Preset::Paper => "PerfSPEC paper",
            Preset::Honest => "Honest",
        }
    }

    pub(crate) fn config(self) -> RunConfig {
        match self {
            Preset::Paper => RunConfig::new(
                PrepareOptions::perfspec(),
                TrainConfig {
                    models: vec![ModelKind::Ngram, ModelKind::Bn, ModelKind::Lstm],
                    windows: vec![1, 2],
                    k: 9,
                    split: SplitMode::Paper,
                    ..TrainConfig::default()
                },
            ),
            Preset::Honest => RunConfig::new(
                PrepareOptions {
                    dedup_repeated_run: true,
                    ..PrepareOptions::perfspec()
                },
                TrainConfig {
                    models: ModelKind::ALL.to_vec(),
                    windows: vec![1, 2, 3],
                    k: 9,
                    split: SplitMode::Chrono,
                    ..TrainConfig::default()
                },
            ),
        }
    }
}

/// A run in progress, as the progress bar shows it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RunStatus {
    pub(crate) stage: Stage,
    pub(crate) fraction: f64,
    pub(crate) detail: String,
    /// `performance.now()` in ms when the current stage started, for the time-remaining estimate.
    pub(crate) stage_started_ms: f64,
    pub(crate) now_ms: f64,
}

impl RunStatus {
    /// Seconds left in the current stage, extrapolated from its pace so far.
    pub(crate) fn remaining_seconds(&self) -> Option<f64> {
        let elapsed = (self.now_ms - self.stage_started_ms) / 1000.0;
        (self.fraction > 0.02 && elapsed > 0.5)
            .then(|| elapsed / self.fraction * (1.0 - self.fraction))
    }
}

/// The user's training settings, as the train panel edits them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TrainSettings {
    pub(crate) models: RwSignal<Vec<ModelKind>>,
    pub(crate) windows: RwSignal<String>,
    pub(crate) k: RwSignal<usize>,
    pub(crate) split: RwSignal<SplitMode>,
    pub(crate) seed: RwSignal<u64>,
    pub(crate) hyper_parameters: RwSignal<HyperParameters>,
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
            // The paper's three approaches' fast members, the compositional model and both
            // baselines by default; the LSTM is one click away, as it takes far longer to train.
            models: RwSignal::new(vec![
                ModelKind::Ngram,
                ModelKind::Bn,
                ModelKind::Compose,
                ModelKind::Mfe,
                ModelKind::Repeat,
            ]),
            windows: RwSignal::new(windows),
            k: RwSignal::new(defaults.k),
            split: RwSignal::new(defaults.split),
            seed: RwSignal::new(defaults.seed),
            hyper_parameters: RwSignal::new(defaults.hyper_parameters),
        }
    }

    /// Shows `config` in the controls.
    pub(crate) fn apply(&self, config: &TrainConfig) {
        let mut models = config.models.clone();
        models.dedup();
        self.models.set(models);
        self.windows.set(
            config
                .windows
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(","),
        );
        self.k.set(config.k);
        self.split.set(config.split);
        self.seed.set(config.seed);
        self.hyper_parameters.set(config.hyper_parameters.clone());
    }

    /// The configuration to send, or what is wrong with the settings.
    pub(crate) fn config(&self) -> Result<TrainConfig, String> {
        let mut models = self.models.get_untracked();
        // Table order, whatever order the boxes were ticked in.
        models.sort_by_key(|kind| ModelKind::ALL.iter().position(|k| k == kind));
        let config = TrainConfig {
            models,
            windows: perfspec::pipeline::parse_windows(&self.windows.get_untracked())?,
            k: self.k.get_untracked(),
            split: self.split.get_untracked(),
            seed: self.seed.get_untracked(),
            hyper_parameters: self.hyper_parameters.get_untracked(),
        };
        config.validate()?;
        Ok(config)
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct AppState {
    pub(crate) dataset: RwSignal<Option<DatasetSummary>>,
    /// How the last read went (throughput, worker memory).
    pub(crate) load_stats: RwSignal<Option<LoadStats>>,
    /// Rows as they arrive during a run.
    pub(crate) rows: RwSignal<Vec<ResultRow>>,
    /// The finished run.
    pub(crate) report: RwSignal<Option<TrainReport>>,
    pub(crate) status: RwSignal<Option<RunStatus>>,
    pub(crate) error: RwSignal<Option<String>>,
    /// A short line announced to screen readers (loaded, trained, cancelled).
    pub(crate) notice: RwSignal<String>,
    pub(crate) settings: TrainSettings,
    /// The prepare options the loaded data was (or is about to be) prepared with.
    pub(crate) prepare_options: RwSignal<PrepareOptions>,
    pub(crate) tab: RwSignal<Tab>,
    /// The Predict section's last answers, one per model.
    pub(crate) predictions: RwSignal<Vec<ModelPrediction>>,
    /// Model files read for Predict.
    pub(crate) imported: RwSignal<Vec<ImportedModel>>,
    /// The row the Review section shows, by (model, window).
    pub(crate) review: RwSignal<Option<(String, usize)>>,
    /// The compositional model's factors for the test event Review asked about.
    pub(crate) explanation: RwSignal<Option<Box<perfspec::predict::TestEventExplanation>>>,
    pub(crate) replay_settings: ReplaySettings,
    /// The last replay of the last run's models; cleared when those models go.
    pub(crate) replay: RwSignal<Option<ReplayReport>>,
}

impl AppState {
    pub(crate) fn new() -> Self {
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
            tab: RwSignal::new(Tab::Data),
            predictions: RwSignal::new(Vec::new()),
            imported: RwSignal::new(Vec::new()),
            review: RwSignal::new(None),
            explanation: RwSignal::new(None),
            replay_settings: ReplaySettings::new(),
            replay: RwSignal::new(None),
        }
    }

    /// Every setting of the next run, if the controls hold a valid one.
    pub(crate) fn run_config(&self) -> Result<RunConfig, String> {
        let replay = self
            .replay_settings
            .config()
            .map_err(|why| format!("Replay settings: {why}"))?;
        Ok(RunConfig::new(
            self.prepare_options.get_untracked(),
            self.settings.config()?,
        )
        .with_replay(replay))
    }

    pub(crate) fn is_busy(&self) -> bool {
        self.status.with(Option::is_some)
    }
}

impl Default for AppState {
    fn default() -> Self {
        Self::new()
    }
}
