//! What a replay is asked: the verifier's settings (cost, lookup, workers, result reuse), the grid
//! of k and horizons, the budget and the beam, with their limits and their wording.

use serde::{Deserialize, Serialize};

use super::cost::VerificationCost;
use super::verifier::{OnArrival, Reuse, VerifierSettings};

/// Largest number of events ahead a plan covers.
pub const MAX_HORIZON: usize = 8;
/// Largest beam (paths of predicted events followed for steps beyond the first).
pub const MAX_BEAM: usize = 32;
/// Largest number of candidates per step (the evaluation's largest top-k).
pub const MAX_K: usize = crate::models::ranking::CURVE_MAX_K;

/// What the replay measures: the grid of candidates and horizons, and the verifier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReplayConfig {
    /// Candidates per predicted step (each ≤ [`MAX_K`]).
    pub ks: Vec<usize>,
    /// Events ahead a plan covers (each ≤ [`MAX_HORIZON`]).
    pub horizons: Vec<usize>,
    /// What verifying an event costs.
    pub cost: VerificationCost,
    /// Time to answer from a result that is ready, in ms.
    pub lookup_ms: f64,
    /// Verifier workers (at least one).
    pub workers: usize,
    /// Which results answer which events.
    pub reuse: Reuse,
    /// Where an event that finds no result is verified.
    pub on_arrival: OnArrival,
    /// Paths of predicted events followed for steps beyond the first.
    pub beam: usize,
    /// Most verification work per event (ms) that [`ReplayReport::best`] may choose; None: any.
    pub budget_ms: Option<f64>,
}

/// The defaults: k 1, 3, 9; horizons 1, 2, 3; 600 ms per verification (the paper's runtime
/// check), 1 ms lookup, one worker, results per prediction, inline on arrival, beam 5, no
/// budget.
impl Default for ReplayConfig {
    fn default() -> Self {
        Self {
            ks: vec![1, 3, 9],
            horizons: vec![1, 2, 3],
            cost: VerificationCost::default(),
            lookup_ms: 1.0,
            workers: 1,
            reuse: Reuse::PerPrediction,
            on_arrival: OnArrival::Inline,
            beam: 5,
            budget_ms: None,
        }
    }
}

impl ReplayConfig {
    /// Checks every figure; the message names the one that is wrong.
    pub fn validate(&self) -> Result<(), String> {
        if self.ks.is_empty() || self.ks.iter().any(|&k| k == 0 || k > MAX_K) {
            return Err(format!("each k must be between 1 and {MAX_K}"));
        }
        if self.horizons.is_empty() || self.horizons.iter().any(|&h| h == 0 || h > MAX_HORIZON) {
            return Err(format!("each horizon must be between 1 and {MAX_HORIZON}"));
        }
        if !(1..=MAX_BEAM).contains(&self.beam) {
            return Err(format!("the beam must be between 1 and {MAX_BEAM}"));
        }
        if self.workers == 0 {
            return Err("the verifier needs at least one worker".into());
        }
        if !(self.lookup_ms.is_finite() && self.lookup_ms >= 0.0) {
            return Err("the lookup cost must be zero or more milliseconds".into());
        }
        if let Reuse::Lifetime(ms) = self.reuse {
            if ms.is_nan() || ms < 0.0 {
                return Err("the cache lifetime must be zero or more milliseconds".into());
            }
        }
        if let Some(budget) = self.budget_ms {
            if budget.is_nan() || budget < 0.0 {
                return Err("the work budget must be zero or more milliseconds per event".into());
            }
        }
        self.cost.validate()
    }

    /// The grid's k values, ascending, each once.
    pub fn k_values(&self) -> Vec<usize> {
        sorted_unique(&self.ks)
    }

    /// The grid's horizons, ascending, each once.
    pub fn horizon_values(&self) -> Vec<usize> {
        sorted_unique(&self.horizons)
    }

    /// Every point of the grid, in the rows' order: k ascending, then horizon ascending.
    pub fn points(&self) -> Vec<(usize, usize)> {
        let horizons = self.horizon_values();
        self.k_values()
            .into_iter()
            .flat_map(|k| horizons.iter().map(move |&horizon| (k, horizon)))
            .collect()
    }

    /// The verifier's settings in words, as tables and the page head them: "verification
    /// 600 ms, lookup 1 ms, 1 worker, results per prediction, verified inline on arrival, beam 5".
    pub fn describe(&self) -> String {
        format!(
            "verification {}, lookup {} ms, {} worker{}, {}, {} on arrival, beam {}",
            self.cost.describe(),
            self.lookup_ms,
            self.workers,
            if self.workers == 1 { "" } else { "s" },
            self.reuse.describe(),
            match self.on_arrival {
                OnArrival::Inline => "verified inline",
                OnArrival::Queued => "queued",
            },
            self.beam
        )
    }

    /// The verifier's settings for one point of the grid.
    pub fn settings(&self, k: usize, horizon: usize) -> VerifierSettings {
        VerifierSettings {
            k,
            horizon,
            workers: self.workers,
            lookup_ms: self.lookup_ms,
            reuse: self.reuse,
            on_arrival: self.on_arrival,
        }
    }
}

fn sorted_unique(values: &[usize]) -> Vec<usize> {
    let mut values = values.to_vec();
    values.sort_unstable();
    values.dedup();
    values
}

/// Parses a list such as `1,3,9` or `1-3` (the window syntax), for k and horizon lists.
pub fn parse_list(text: &str) -> Result<Vec<usize>, String> {
    crate::pipeline::parse_windows(text)
        .map_err(|_| format!("\"{text}\" is not a list of numbers (use 1,3,9 or 1-3)"))
}
