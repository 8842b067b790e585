//! The two baselines every learner has to beat (see ARCHITECTURE.md, Learners): the most
//! frequent event, and the last event again.
//!
//! Both answer with a full distribution rather than one type, so that top-k, log-loss and k95
//! mean something for them too: event frequencies in the training windows with an additive
//! (Laplace) pseudo-count, so that a type never seen in training keeps a small probability and the
//! log-loss stays finite. "Repeat" puts a fixed share of the mass on the last event, at least
//! half, so that its top-1 is always the last event, and spreads the rest by frequency.

use serde::{Deserialize, Serialize};

use super::{report_fit, FitData, Learner, ModelKind, NextEventModel};
use crate::progress::{Cancelled, Progress};
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
struct Frequencies {
    counts: Vec<u32>,
    /// `(count + pseudo_count) / (total + pseudo_count * types)`, precomputed.
    probabilities: Vec<f64>,
}

impl Frequencies {
    fn new(counts: Vec<u32>, pseudo_count: f64) -> Self {
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

    fn fit(data: &FitData<'_>, pseudo_count: f64) -> Self {
        let mut counts = vec![0u32; data.vocabulary.len()];
        for &target in data.train.targets() {
            if let Some(count) = counts.get_mut(target as usize) {
                *count = count.saturating_add(1);
            }
        }
        Self::new(counts, pseudo_count)
    }

    fn restore(
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

    fn weights(&self) -> serde_json::Value {
        serde_json::json!({ "counts": self.counts })
    }
}

#[derive(Debug, Deserialize)]
struct SavedFrequencies {
    counts: Vec<u32>,
}

fn checked(params: &BaselineParams) -> Result<(), String> {
    params
        .validate()
        .map_err(|why| format!("bad hyper-parameters: {why}"))
}

/// Predicts the training frequencies whatever the context.
#[derive(Debug, Clone, PartialEq)]
pub struct MostFrequentModel {
    window: usize,
    params: BaselineParams,
    frequencies: Frequencies,
}

impl Learner for MostFrequentModel {
    type Params = BaselineParams;

    fn learn(
        data: &FitData<'_>,
        params: &BaselineParams,
        progress: &mut dyn FnMut(&Progress) -> bool,
    ) -> Result<Self, Cancelled> {
        report_fit(progress, 0.0, "counting events")?;
        Ok(Self {
            window: data.train.window,
            params: params.clone(),
            frequencies: Frequencies::fit(data, params.pseudo_count),
        })
    }

    fn restore(
        params: BaselineParams,
        weights: serde_json::Value,
        vocabulary: &Vocabulary,
        window: usize,
    ) -> Result<Self, String> {
        checked(&params)?;
        Ok(Self {
            window,
            frequencies: Frequencies::restore(weights, vocabulary, params.pseudo_count)?,
            params,
        })
    }
}

impl NextEventModel for MostFrequentModel {
    fn kind(&self) -> ModelKind {
        ModelKind::Mfe
    }

    fn window(&self) -> usize {
        self.window
    }

    fn vocabulary_size(&self) -> usize {
        self.frequencies.counts.len()
    }

    fn distribution(&self, _context: &[u32], out: &mut [f64]) {
        out.copy_from_slice(&self.frequencies.probabilities);
    }

    fn hyper_parameters(&self) -> serde_json::Value {
        serde_json::to_value(&self.params).unwrap_or_default()
    }

    fn weights(&self) -> serde_json::Value {
        self.frequencies.weights()
    }
}

/// Predicts the last event again, then the others by training frequency.
#[derive(Debug, Clone, PartialEq)]
pub struct RepeatLastModel {
    window: usize,
    params: BaselineParams,
    frequencies: Frequencies,
}

impl Learner for RepeatLastModel {
    type Params = BaselineParams;

    fn learn(
        data: &FitData<'_>,
        params: &BaselineParams,
        progress: &mut dyn FnMut(&Progress) -> bool,
    ) -> Result<Self, Cancelled> {
        report_fit(progress, 0.0, "counting events")?;
        Ok(Self {
            window: data.train.window,
            params: params.clone(),
            frequencies: Frequencies::fit(data, params.pseudo_count),
        })
    }

    fn restore(
        params: BaselineParams,
        weights: serde_json::Value,
        vocabulary: &Vocabulary,
        window: usize,
    ) -> Result<Self, String> {
        checked(&params)?;
        Ok(Self {
            window,
            frequencies: Frequencies::restore(weights, vocabulary, params.pseudo_count)?,
            params,
        })
    }
}

impl NextEventModel for RepeatLastModel {
    fn kind(&self) -> ModelKind {
        ModelKind::Repeat
    }

    fn window(&self) -> usize {
        self.window
    }

    fn vocabulary_size(&self) -> usize {
        self.frequencies.counts.len()
    }

    fn distribution(&self, context: &[u32], out: &mut [f64]) {
        let last = context
            .last()
            .map(|&id| id as usize)
            .filter(|&id| id < out.len());
        let Some(last) = last else {
            out.copy_from_slice(&self.frequencies.probabilities);
            return;
        };
        let rest = 1.0 - self.params.repeat_mass;
        for (p, &frequency) in out.iter_mut().zip(&self.frequencies.probabilities) {
            *p = rest * frequency;
        }
        out[last] += self.params.repeat_mass;
    }

    fn hyper_parameters(&self) -> serde_json::Value {
        serde_json::to_value(&self.params).unwrap_or_default()
    }

    fn weights(&self) -> serde_json::Value {
        self.frequencies.weights()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::Windows;
    use crate::models::top_k;

    fn setup() -> (Windows, Vocabulary) {
        let mut vocabulary = Vocabulary::default();
        for resource in ["a", "b", "c"] {
            vocabulary.intern("create", resource);
        }
        let mut windows = Windows::new(1);
        // Next events: 0 three times, 1 once.
        for (context, target) in [(1, 0), (0, 0), (0, 0), (2, 1)] {
            windows.push(&[context], target);
        }
        (windows, vocabulary)
    }

    #[test]
    fn most_frequent_is_laplace_smoothed_frequency() {
        let (windows, vocabulary) = setup();
        let data = FitData {
            train: &windows,
            validation: &windows,
            vocabulary: &vocabulary,
            seed: 1,
        };
        let model =
            MostFrequentModel::learn(&data, &BaselineParams::default(), &mut |_| true).unwrap();
        let mut out = vec![0.0; 3];
        model.distribution(&[2], &mut out);
        // (3 + 1) / (4 + 3), (1 + 1) / 7, (0 + 1) / 7
        assert_eq!(out, vec![4.0 / 7.0, 2.0 / 7.0, 1.0 / 7.0]);
    }

    #[test]
    fn repeat_ranks_the_last_event_first_then_by_frequency() {
        let (windows, vocabulary) = setup();
        let data = FitData {
            train: &windows,
            validation: &windows,
            vocabulary: &vocabulary,
            seed: 1,
        };
        let model =
            RepeatLastModel::learn(&data, &BaselineParams::default(), &mut |_| true).unwrap();
        let mut out = vec![0.0; 3];
        model.distribution(&[0, 2], &mut out);
        let ranked: Vec<u32> = top_k(&out, 3).into_iter().map(|(id, _)| id).collect();
        assert_eq!(ranked, vec![2, 0, 1]);
        assert!((out.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!((out[2] - (0.5 + 0.5 / 7.0)).abs() < 1e-12);
    }
}
