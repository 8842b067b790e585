//! The last event again, then the others by training frequency.

use super::frequencies::{checked, BaselineParams, Frequencies};
use crate::models::kind::ModelKind;
use crate::models::learner::{report_fit, FitData, Learner, NextEventModel};
use crate::prepare::vocabulary::Vocabulary;
use crate::progress::{Cancelled, Progress};

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
