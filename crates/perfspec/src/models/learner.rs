//! What every learner is: a model that answers [`NextEventModel`] and a [`Learner`] that fits
//! and restores it, with what a fit takes ([`FitData`]) and gives back besides the model.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::factors::Factors;
use super::kind::ModelKind;
use super::ranking::top_k;
use crate::dataset::Windows;
use crate::prepare::vocabulary::Vocabulary;
use crate::progress::{Cancelled, Progress};

/// One row of counts as model files store them: the values it is conditioned on (a context, or
/// parent values) and `(value, count)` pairs of what followed, sorted by value.
pub(crate) type SavedRow = (Vec<u32>, Vec<(u32, u32)>);

/// One arc of a learned structure, by variable name (`verb(t-1)` → `verb(t)`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edge {
    pub parent: String,
    pub child: String,
}

/// One epoch of an iteratively trained model (the LSTM), as its training curves show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpochRecord {
    /// 1-based.
    pub epoch: usize,
    pub train_loss: f64,
    pub validation_loss: f64,
    pub validation_accuracy: f64,
    /// Top-k accuracy on the validation windows, at the configuration's k.
    pub validation_topk: f64,
    /// Macro averages over the validation windows' top-1 predictions.
    pub validation_precision: f64,
    pub validation_recall: f64,
    pub validation_f1: f64,
    pub learning_rate: f64,
}

/// What an iteratively trained learner (the LSTM) learns of its model on the validation windows
/// after each epoch: the evaluator's figures, at top-1 and at the learner's k.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ValidationScores {
    pub log_loss: f64,
    pub top1: f64,
    pub topk: f64,
    pub macro_precision: f64,
    pub macro_recall: f64,
    pub macro_f1: f64,
}

/// Scores a model on windows at top-k ([`crate::evaluate::validation_scores`] is the one every
/// caller passes). It is handed to the learners in [`FitData`] rather than imported by them,
/// because the evaluator sits above the models: it ranks their distributions.
pub(crate) type ValidationMeasure =
    fn(&dyn NextEventModel, &Windows, &Vocabulary, usize) -> ValidationScores;

/// What a learner is fitted on.
#[derive(Debug, Clone, Copy)]
pub struct FitData<'a> {
    pub train: &'a Windows,
    /// Windows for early stopping and tuning; never the test windows.
    pub validation: &'a Windows,
    pub vocabulary: &'a Vocabulary,
    /// Seeds whatever is random in a fit, so that a seed reproduces a model.
    pub seed: u64,
    /// How an iteratively trained learner scores its epochs on `validation`.
    pub measure: ValidationMeasure,
}

/// Why a fit produced no model.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FitError {
    #[error(transparent)]
    Cancelled(#[from] Cancelled),
    #[error("the {} model is not built yet", .0.name())]
    NotBuilt(ModelKind),
    #[error("{0}")]
    Invalid(String),
}

/// A model that gives a probability for every event type of the vocabulary after a context.
pub trait NextEventModel {
    fn kind(&self) -> ModelKind;

    /// How many previous events the model reads; shorter contexts are accepted.
    fn window(&self) -> usize;

    /// Number of event types scored.
    fn vocabulary_size(&self) -> usize;

    /// Writes the probability of each event type after `context` (oldest first) into `out`,
    /// whose length is [`Self::vocabulary_size`]. The values sum to 1. A context longer than the
    /// window is cut to its last events; a shorter one (down to empty) is answered as far as
    /// the model can.
    fn distribution(&self, context: &[u32], out: &mut [f64]);

    /// How many of the latest events [`Self::distribution_after`] reads: the window, or more
    /// for a model that reads the sequence so far.
    fn history_reach(&self) -> usize {
        self.window()
    }

    /// [`Self::distribution`] after the events of a sequence so far (oldest first), of which a
    /// model of a fixed window reads the last [`Self::window`]; a model that uses the whole
    /// sequence (the online setting) reads more.
    fn distribution_after(&self, history: &[u32], out: &mut [f64]) {
        let start = history.len().saturating_sub(self.window());
        self.distribution(&history[start..], out);
    }

    /// The distributions after many contexts at once: `contexts` holds `out.len() /
    /// vocabulary_size()` contexts of [`Self::window`] events each, flat, and `out` receives
    /// their distributions row by row. For models whose batched forward pass is faster than one
    /// call per context (the LSTM); the default answers `false` and writes nothing, and the
    /// caller asks one context at a time.
    fn distributions(&self, _contexts: &[u32], _out: &mut [f64]) -> bool {
        false
    }

    /// For a model that ranks verb × resource pairs rather than the vocabulary's types: its
    /// factors, whose every pair is a candidate (see [`Self::pair_distribution_after`]). None
    /// for models of whole types.
    fn composes_pairs(&self) -> Option<&Factors> {
        None
    }

    /// For a model that [`Self::composes_pairs`]: the probability of every pair of its factors
    /// after `history`, at [`Factors::pair_index`], summing to 1. The default spreads
    /// [`Self::distribution_after`] over the types' own pairs.
    fn pair_distribution_after(&self, history: &[u32], out: &mut [f64]) {
        if let Some(factors) = self.composes_pairs() {
            let start = history.len().saturating_sub(self.window());
            self.pair_distribution(&history[start..], factors, out);
        }
    }

    /// The `k` most probable event types after `context`, most probable first.
    fn top_k(&self, context: &[u32], k: usize) -> Vec<(u32, f64)> {
        let mut distribution = vec![0.0; self.vocabulary_size()];
        self.distribution(context, &mut distribution);
        top_k(&distribution, k)
    }

    /// The probability of every verb × resource pair after `context`, at
    /// [`Factors::pair_index`], summing to 1 over all pairs. A model of whole types puts each
    /// type's probability on its own pair and nothing elsewhere; a model that scores the verb
    /// and the resource separately also scores pairs the vocabulary never saw.
    fn pair_distribution(&self, context: &[u32], factors: &Factors, out: &mut [f64]) {
        let mut distribution = vec![0.0; self.vocabulary_size()];
        self.distribution(context, &mut distribution);
        factors.spread(&distribution, out);
    }

    /// Which types of the vocabulary occurred in the model's training data, for a model that
    /// keeps track (to mark the types it composed as new).
    fn seen_in_training(&self) -> Option<&[bool]> {
        None
    }

    /// For a model that composes verb and resource: its `k` best pairs after `history` with
    /// the factors behind each (see [`ComposeModel::explain`]).
    fn explain_pairs(&self, _history: &[u32], _k: usize) -> Option<Vec<PairExplanation>> {
        None
    }

    /// The learned graph, for a model that has one (the Bayesian network).
    fn structure(&self) -> Option<Vec<Edge>> {
        None
    }

    /// Per-epoch training history, for a model trained in epochs (the LSTM).
    fn history(&self) -> Option<&[EpochRecord]> {
        None
    }

    /// The hyper-parameters the model was fitted with, as its model file records them.
    fn hyper_parameters(&self) -> serde_json::Value;

    /// Everything else needed to restore the model: counts or weights (see [`model_file`]).
    fn weights(&self) -> serde_json::Value;
}

/// A learner: how a model kind is fitted and restored from a model file.
pub trait Learner: NextEventModel + Sized {
    type Params: Serialize + DeserializeOwned + Default + Clone;

    /// Fits on `data`, reporting progress (stage [`crate::progress::Stage::Training`], fraction of this
    /// fit) and stopping with [`Cancelled`] when the sink returns false.
    fn learn(
        data: &FitData<'_>,
        params: &Self::Params,
        progress: &mut dyn FnMut(&Progress) -> bool,
    ) -> Result<Self, Cancelled>;

    /// Rebuilds a model from its file's parts; the vocabulary and window were read already. The
    /// error says what in `weights` is wrong.
    fn restore(
        params: Self::Params,
        weights: serde_json::Value,
        vocabulary: &Vocabulary,
        window: usize,
    ) -> Result<Self, String>;
}

/// One candidate of [`ComposeModel::explain`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairExplanation {
    pub verb: String,
    pub resource: String,
    pub probability: f64,
    /// The verb's own probability (before the resource is chosen).
    pub verb_probability: f64,
    /// How many events back the resource last appeared, within the copy reach.
    pub copied_from: Option<usize>,
    /// False for a pair the training part never held: a type the model composed.
    pub seen_in_training: bool,
}

/// Reports progress of a fit: `Stage::Training`, `fraction` of this fit.
pub(crate) fn report_fit(
    progress: &mut dyn FnMut(&Progress) -> bool,
    fraction: f64,
    detail: impl Into<String>,
) -> Result<(), Cancelled> {
    crate::progress::report(progress, crate::progress::Stage::Training, fraction, detail)
}
