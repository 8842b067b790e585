//! What both baselines answer from: the training frequencies, additively smoothed, and the
//! parameters they share.

use serde::{Deserialize, Serialize};

use crate::models::learner::FitData;
use crate::prepare::vocabulary::Vocabulary;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BaselineParams {
    /// Added to every type's training count (1 = Laplace).
    pub pseudo_count: f64,
    /// Share of the probability that "repeat" puts on the last event, in [0.5, 1).
    pub repeat_mass: f64,
}

impl Default for BaselineParams {
    fn default() -> Self {
        Self {
            pseudo_count: 1.0,
            repeat_mass: 0.5,
        }
    }
}

impl BaselineParams {
    pub fn validate(&self) -> Result<(), String> {
        if !(self.pseudo_count > 0.0 && self.pseudo_count.is_finite()) {
            return Err("the baselines' pseudo-count must be positive".into());
        }
        if !(0.5..1.0).contains(&self.repeat_mass) {
            return Err("the repeat baseline's mass on the last event must be in [0.5, 1)".into());
        }
        Ok(())
    }
}

/// Additively smoothed frequencies of the training windows' next events.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Frequencies {
    pub(super) counts: Vec<u32>,
    /// `(count + pseudo_count) / (total + pseudo_count * types)`, precomputed.
    pub(super) probabilities: Vec<f64>,
}

impl Frequencies {
    pub(super) fn new(counts: Vec<u32>, pseudo_count: f64) -> Self {
        let total: f64 = counts.iter().map(|&c| f64::from(c)).sum();
        let denominator = total + pseudo_count * counts.len() as f64;
        let probabilities = counts
            .iter()
            .map(|&c| (f64::from(c) + pseudo_count) / denominator)
            .collect();
        Self {
            counts,
            probabilities,
        }
    }

    pub(super) fn fit(data: &FitData<'_>, pseudo_count: f64) -> Self {
        let mut counts = vec![0u32; data.vocabulary.len()];
        for &target in data.train.targets() {
            if let Some(count) = counts.get_mut(target as usize) {
                *count = count.saturating_add(1);
            }
        }
        Self::new(counts, pseudo_count)
    }

    pub(super) fn restore(
        weights: serde_json::Value,
        vocabulary: &Vocabulary,
        pseudo_count: f64,
    ) -> Result<Self, String> {
        let saved: SavedFrequencies = serde_json::from_value(weights)
            .map_err(|error| format!("the baseline's counts are malformed: {error}"))?;
        if saved.counts.len() != vocabulary.len() {
            return Err(format!(
                "the baseline counts {} types, but the vocabulary has {}",
                saved.counts.len(),
                vocabulary.len()
            ));
        }
        Ok(Self::new(saved.counts, pseudo_count))
    }

    pub(super) fn weights(&self) -> serde_json::Value {
        serde_json::json!({ "counts": self.counts })
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct SavedFrequencies {
    pub(super) counts: Vec<u32>,
}

pub(super) fn checked(params: &BaselineParams) -> Result<(), String> {
    params
        .validate()
        .map_err(|why| format!("bad hyper-parameters: {why}"))
}
