//! The LSTM next-event model (see ARCHITECTURE.md, Learners): embedding → LSTM (1–2 layers) →
//! dropout → linear → softmax, trained with burn ([`LstmTrainer`]) and run by hand on the plain
//! weights (`forward`). A fitted model holds no burn state: it predicts, saves and loads with
//! serde_json alone, in the CLI and in the browser. With the factorised output ([`LstmOutput`])
//! it predicts verb and resource and is ranked among every verb × resource pair.

use serde::{Deserialize, Serialize};

use super::forward::Forward;
use super::params::LstmParams;
use super::schedule::StopReason;
use super::weights::LstmWeights;
use crate::models::factors::Factors;
use crate::models::kind::ModelKind;
use crate::models::learner::{EpochRecord, NextEventModel};
use crate::prepare::vocabulary::Vocabulary;

/// How a model was trained, as its file keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingSummary {
    /// The epoch whose weights the model holds (1-based; 0 = the initial weights).
    pub best_epoch: usize,
    pub stop_reason: StopReason,
    pub history: Vec<EpochRecord>,
}

#[derive(Debug, Clone)]
pub struct LstmModel {
    params: LstmParams,
    window: usize,
    forward: Forward,
    /// The vocabulary's verbs and resources, for the factorised output only.
    factors: Option<Factors>,
    /// Which types occurred in training, for the factorised output (which can predict the
    /// others), so that Predict can mark them new.
    pub(super) seen_types: Option<Vec<bool>>,
    pub(super) training: Option<TrainingSummary>,
}

/// The `weights` of a model file: the matrices, and how training went.
#[derive(Serialize, Deserialize)]
pub(super) struct SavedLstm {
    #[serde(flatten)]
    pub(super) weights: LstmWeights,
    #[serde(default)]
    pub(super) training: Option<TrainingSummary>,
    /// Ids of the types seen in training (factorised output only).
    #[serde(default)]
    pub(super) seen_types: Option<Vec<u32>>,
}

impl LstmModel {
    /// A model of `weights` (checked beforehand against `vocabulary`), without training
    /// history.
    pub(crate) fn from_weights(
        params: LstmParams,
        window: usize,
        weights: LstmWeights,
        vocabulary: &Vocabulary,
    ) -> Self {
        let factors = weights
            .factorised
            .is_some()
            .then(|| Factors::new(vocabulary));
        Self {
            params,
            window,
            forward: Forward::new(weights),
            factors,
            seen_types: None,
            training: None,
        }
    }

    /// Records which types occurred in training (kept by the factorised output only).
    pub(crate) fn with_seen_types(mut self, seen: Vec<bool>) -> Self {
        if self.factors.is_some() {
            self.seen_types = Some(seen);
        }
        self
    }

    pub(crate) fn trained(
        params: LstmParams,
        window: usize,
        weights: LstmWeights,
        vocabulary: &Vocabulary,
        history: Vec<EpochRecord>,
        best_epoch: usize,
        stop_reason: StopReason,
    ) -> Self {
        Self {
            training: Some(TrainingSummary {
                best_epoch,
                stop_reason,
                history,
            }),
            ..Self::from_weights(params, window, weights, vocabulary)
        }
    }

    pub fn params(&self) -> &LstmParams {
        &self.params
    }

    /// The learned matrices.
    pub fn lstm_weights(&self) -> &LstmWeights {
        self.forward.weights()
    }

    pub(crate) fn into_weights(self) -> LstmWeights {
        self.forward.weights().clone()
    }

    /// How training went: best epoch, why it stopped, the per-epoch history.
    pub fn training(&self) -> Option<&TrainingSummary> {
        self.training.as_ref()
    }

    /// The distributions burn's own forward pass gives for `contexts` (all of one length,
    /// within the window): the reference the hand-written inference is tested against. Builds a
    /// burn network each call; for tests and checks, not for serving.
    pub fn reference_distributions(&self, contexts: &[Vec<u32>]) -> Vec<Vec<f64>> {
        super::net::reference_distributions(self.forward.weights(), contexts)
    }

    /// For the factorised output: the pair distributions (at [`Factors::pair_index`]) burn's own
    /// forward gives for `contexts` (all of the window's length), the reference of
    /// [`NextEventModel::pair_distribution_after`]. Empty for the type output. Slow; for tests.
    pub fn reference_pair_distributions(&self, contexts: &[Vec<u32>]) -> Vec<Vec<f64>> {
        match &self.factors {
            Some(factors) => {
                super::net::reference_pair_distributions(self.forward.weights(), factors, contexts)
            }
            None => Vec::new(),
        }
    }
}

impl TrainingSummary {
    /// How training ended, in one progress line.
    pub fn describe(&self) -> String {
        format!(
            "LSTM: stopped by {} after {} epochs, epoch {} kept",
            self.stop_reason.label(),
            self.history.len(),
            self.best_epoch
        )
    }
}

impl NextEventModel for LstmModel {
    fn kind(&self) -> ModelKind {
        ModelKind::Lstm
    }

    fn window(&self) -> usize {
        self.window
    }

    fn vocabulary_size(&self) -> usize {
        self.forward.vocabulary_size()
    }

    fn distribution(&self, context: &[u32], out: &mut [f64]) {
        let context = &context[context.len().saturating_sub(self.window)..];
        let Some(factors) = &self.factors else {
            self.forward.distribution(context, out);
            return;
        };
        // The vocabulary's types among the pairs, renormalised.
        let mut pairs = vec![0.0; factors.pairs()];
        self.forward
            .pairs(context, &factors.type_resource, &mut pairs);
        let mut total = 0.0;
        for (id, p) in out.iter_mut().enumerate() {
            *p = pairs[factors.pair_index(factors.type_verb[id], factors.type_resource[id])];
            total += *p;
        }
        for p in out.iter_mut() {
            *p /= total;
        }
    }

    fn distributions(&self, contexts: &[u32], out: &mut [f64]) -> bool {
        self.factors.is_none() && self.forward.distributions(contexts, self.window, out)
    }

    fn composes_pairs(&self) -> Option<&Factors> {
        self.factors.as_ref()
    }

    fn seen_in_training(&self) -> Option<&[bool]> {
        self.seen_types.as_deref()
    }

    fn pair_distribution_after(&self, history: &[u32], out: &mut [f64]) {
        if let Some(factors) = &self.factors {
            let context = &history[history.len().saturating_sub(self.window)..];
            self.forward.pairs(context, &factors.type_resource, out);
        }
    }

    fn pair_distribution(&self, context: &[u32], factors: &Factors, out: &mut [f64]) {
        match &self.factors {
            Some(own) if own == factors => self.pair_distribution_after(context, out),
            _ => {
                // Another layout: the types' probabilities on their own pairs.
                let mut distribution = vec![0.0; self.vocabulary_size()];
                self.distribution(context, &mut distribution);
                factors.spread(&distribution, out);
            }
        }
    }

    fn history(&self) -> Option<&[EpochRecord]> {
        self.training
            .as_ref()
            .map(|training| training.history.as_slice())
    }

    fn hyper_parameters(&self) -> serde_json::Value {
        serde_json::to_value(&self.params).unwrap_or_default()
    }

    fn weights(&self) -> serde_json::Value {
        #[derive(Serialize)]
        struct Saving<'a> {
            #[serde(flatten)]
            weights: &'a LstmWeights,
            training: &'a Option<TrainingSummary>,
            #[serde(skip_serializing_if = "Option::is_none")]
            seen_types: Option<Vec<u32>>,
        }
        serde_json::to_value(Saving {
            weights: self.forward.weights(),
            training: &self.training,
            seen_types: self.seen_types.as_ref().map(|seen| {
                (0..seen.len() as u32)
                    .filter(|&id| seen[id as usize])
                    .collect()
            }),
        })
        .unwrap_or_default()
    }
}
