//! The Replay section's settings as its controls hold them: text where the user types lists or
//! may leave a field empty, so that a half-typed value is shown as typed and reported, never
//! applied. [`ReplaySettings::config`] turns them into the engine's [`ReplayConfig`].

use leptos::prelude::*;
use perfspec::replay::{parse_list, OnArrival, ReplayConfig, Reuse, VerificationCost};

/// Costs per event type read from a CSV file, and where they came from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CostFile {
    /// The file's name, or "saved settings" for costs restored from a configuration.
    pub(crate) name: String,
    /// `(type, ms)` as the file lists them.
    pub(crate) per_type: Vec<(String, f64)>,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct ReplaySettings {
    /// Verification cost in ms (of every type the cost file does not list).
    pub(crate) cost_ms: RwSignal<f64>,
    pub(crate) cost_file: RwSignal<Option<CostFile>>,
    pub(crate) lookup_ms: RwSignal<f64>,
    pub(crate) workers: RwSignal<usize>,
    /// The k list as typed, e.g. "1,3,9".
    pub(crate) ks: RwSignal<String>,
    /// The horizon list as typed.
    pub(crate) horizons: RwSignal<String>,
    /// Cache lifetime in ms as typed; empty: a result answers one predicted event.
    pub(crate) lifetime_ms: RwSignal<String>,
    /// Work budget in ms per event as typed; empty: no budget.
    pub(crate) budget_ms: RwSignal<String>,
    pub(crate) on_arrival: RwSignal<OnArrival>,
    pub(crate) beam: RwSignal<usize>,
}

impl ReplaySettings {
    /// The engine's defaults (`ReplayConfig::default`).
    pub(crate) fn new() -> Self {
        let settings = Self {
            cost_ms: RwSignal::new(0.0),
            cost_file: RwSignal::new(None),
            lookup_ms: RwSignal::new(0.0),
            workers: RwSignal::new(1),
            ks: RwSignal::new(String::new()),
            horizons: RwSignal::new(String::new()),
            lifetime_ms: RwSignal::new(String::new()),
            budget_ms: RwSignal::new(String::new()),
            on_arrival: RwSignal::new(OnArrival::default()),
            beam: RwSignal::new(1),
        };
        settings.apply(&ReplayConfig::default());
        settings
    }

    /// Shows `config` in the controls.
    pub(crate) fn apply(&self, config: &ReplayConfig) {
        self.cost_ms.set(config.cost.default_ms);
        self.cost_file
            .set((!config.cost.per_type.is_empty()).then(|| CostFile {
                name: "saved settings".into(),
                per_type: config.cost.per_type.clone(),
            }));
        self.lookup_ms.set(config.lookup_ms);
        self.workers.set(config.workers);
        self.ks.set(list_text(&config.ks));
        self.horizons.set(list_text(&config.horizons));
        self.lifetime_ms.set(match config.reuse {
            Reuse::PerPrediction => String::new(),
            Reuse::Lifetime(ms) => ms.to_string(),
        });
        self.budget_ms.set(
            config
                .budget_ms
                .map(|ms| ms.to_string())
                .unwrap_or_default(),
        );
        self.on_arrival.set(config.on_arrival);
        self.beam.set(config.beam);
    }

    /// The settings as the engine takes them, or what is wrong with them (naming the field).
    pub(crate) fn config(&self) -> Result<ReplayConfig, String> {
        let config = ReplayConfig {
            ks: parse_list(self.ks.get_untracked().trim()).map_err(|why| format!("k: {why}"))?,
            horizons: parse_list(self.horizons.get_untracked().trim())
                .map_err(|why| format!("horizon: {why}"))?,
            cost: VerificationCost {
                default_ms: self.cost_ms.get_untracked(),
                per_type: self
                    .cost_file
                    .with_untracked(|file| file.as_ref().map(|f| f.per_type.clone()))
                    .unwrap_or_default(),
            },
            lookup_ms: self.lookup_ms.get_untracked(),
            workers: self.workers.get_untracked(),
            reuse: Reuse::from_lifetime(optional_ms(
                &self.lifetime_ms.get_untracked(),
                "the cache lifetime",
            )?),
            on_arrival: self.on_arrival.get_untracked(),
            beam: self.beam.get_untracked(),
            budget_ms: optional_ms(&self.budget_ms.get_untracked(), "the work budget")?,
        };
        config.validate()?;
        Ok(config)
    }

    /// Subscribes the running effect to every setting (to save them when one changes).
    pub(crate) fn track(&self) {
        self.cost_ms.track();
        self.cost_file.track();
        self.lookup_ms.track();
        self.workers.track();
        self.ks.track();
        self.horizons.track();
        self.lifetime_ms.track();
        self.budget_ms.track();
        self.on_arrival.track();
        self.beam.track();
    }
}

impl Default for ReplaySettings {
    fn default() -> Self {
        Self::new()
    }
}

/// `[1, 3, 9]` → `"1,3,9"`.
fn list_text(values: &[usize]) -> String {
    values
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// An optional number of ms: empty is None; anything else must be a finite number (the engine
/// checks its sign).
fn optional_ms(text: &str, what: &str) -> Result<Option<f64>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<f64>() {
        Ok(ms) if ms.is_finite() => Ok(Some(ms)),
        _ => Err(format!(
            "{what} must be a number of milliseconds (or empty), not \"{text}\""
        )),
    }
}
