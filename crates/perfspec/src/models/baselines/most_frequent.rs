//! The most frequent event, whatever the context.

use super::frequencies::{checked, BaselineParams, Frequencies};
use crate::models::kind::ModelKind;
use crate::models::learner::{report_fit, FitData, Learner, NextEventModel};
use crate::prepare::vocabulary::Vocabulary;
use crate::progress::{Cancelled, Progress};

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
