//! Next-event predictors behind one interface (see ARCHITECTURE.md, Learners).
//!
//! Every learner is fitted the same way ([`fit`]: training and validation windows in, progress
//! out, cancellable between steps), answers the same question ([`NextEventModel::distribution`]:
//! a probability for every event type after a context) and is saved and loaded the same way
//! ([`model_file`]). The kinds are listed once, in [`ModelKind`]; adding a learner means a
//! variant there, a type implementing [`Learner`], and one arm in [`fit`] and in
//! [`model_file::load`].
//!
//! Event types keep their verb and resource ([`Factors`]), and every model can score any
//! verb × resource pair ([`NextEventModel::pair_distribution`]), including pairs that are no
//! type of the vocabulary: a compositional predictor ([`ComposeModel`]) fits behind this same
//! interface. The Bayesian network already predicts that way.

mod baselines;
mod bn;
mod compose;
mod lstm;
mod lstm_factorised;
mod lstm_factorised_net;
mod lstm_forward;
mod lstm_init;
mod lstm_net;
mod lstm_schedule;
mod lstm_trainer;
pub mod lstm_weights;
pub mod model_file;
mod ngram;

use rustc_hash::FxHashMap;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

pub use baselines::{BaselineParams, MostFrequentModel, RepeatLastModel};
pub use bn::{BayesianNetwork, BnParams, CptSmoothing, StructureScore};
pub use compose::{ComposeModel, ComposeParams, PairExplanation, MAX_COPY_REACH};
pub use lstm::{lstm_step_detail, LstmModel, TrainingSummary};
pub use lstm_factorised::{FactorisedWeights, LstmOutput};
pub use lstm_trainer::{BatchReport, LstmTrainer, StepOutcome, StopReason};
pub use lstm_weights::LstmWeights;
pub use model_file::{LoadedModel, ModelFile, ModelFileError};
pub use ngram::{NgramModel, NgramParams};

use crate::dataset::Windows;
use crate::progress::{Cancelled, Progress};
use crate::prepare::vocabulary::Vocabulary;

/// The learners, in the order the comparison table lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelKind {
    Ngram,
    Bn,
    Lstm,
    Mfe,
    Repeat,
    Compose,
}

impl ModelKind {
    pub const ALL: [ModelKind; 6] = [
        ModelKind::Ngram,
        ModelKind::Bn,
        ModelKind::Lstm,
        ModelKind::Mfe,
        ModelKind::Repeat,
        // Last, so that the models before it keep their place and colour in every chart.
        ModelKind::Compose,
    ];

    /// The name used on the command line, in result files and in model files.
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Ngram => "ngram",
            ModelKind::Bn => "bn",
            ModelKind::Lstm => "lstm",
            ModelKind::Mfe => "mfe",
            ModelKind::Repeat => "repeat",
            ModelKind::Compose => "compose",
        }
    }

    /// The name of the approach in the comparison table (the paper's, for its three).
    pub fn approach(self) -> &'static str {
        match self {
            ModelKind::Ngram => "n-grams",
            ModelKind::Bn => "Bayesian network",
            ModelKind::Lstm => "LSTM",
            ModelKind::Mfe => "most frequent",
            ModelKind::Repeat => "repeat last",
            ModelKind::Compose => "compositional",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.name() == name)
    }

    /// False for a kind that is named (so that configurations and files can carry it) but whose
    /// learner this build does not have yet.
    pub fn is_built(self) -> bool {
        match self {
            ModelKind::Ngram
            | ModelKind::Bn
            | ModelKind::Lstm
            | ModelKind::Mfe
            | ModelKind::Repeat
            | ModelKind::Compose => true,
        }
    }
}

/// The verb and resource of every event type as dense ids, so that a model can reason about
/// the two parts separately. Ids follow first appearance in the vocabulary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Factors {
    pub verbs: Vec<String>,
    pub resources: Vec<String>,
    /// `type_verb[type id]` is the verb id of that type.
    pub type_verb: Vec<u32>,
    pub type_resource: Vec<u32>,
    /// The type id of each (verb id, resource id) pair that is a type.
    pair_type: FxHashMap<(u32, u32), u32>,
}

impl Factors {
    pub fn new(vocabulary: &Vocabulary) -> Self {
        fn id_of(names: &mut Vec<String>, index: &mut FxHashMap<String, u32>, name: &str) -> u32 {
            *index.entry(name.to_string()).or_insert_with(|| {
                names.push(name.to_string());
                names.len() as u32 - 1
            })
        }
        let (mut verbs, mut resources) = (Vec::new(), Vec::new());
        let (mut verb_index, mut resource_index) = (FxHashMap::default(), FxHashMap::default());
        let mut type_verb = Vec::with_capacity(vocabulary.len());
        let mut type_resource = Vec::with_capacity(vocabulary.len());
        let mut pair_type = FxHashMap::default();
        for (id, event_type) in vocabulary.types().iter().enumerate() {
            let verb = id_of(&mut verbs, &mut verb_index, &event_type.verb);
            let resource = id_of(&mut resources, &mut resource_index, &event_type.resource);
            type_verb.push(verb);
            type_resource.push(resource);
            pair_type.insert((verb, resource), id as u32);
        }
        Self {
            verbs,
            resources,
            type_verb,
            type_resource,
            pair_type,
        }
    }

    /// Number of verb × resource pairs, the length of a pair distribution.
    pub fn pairs(&self) -> usize {
        self.verbs.len() * self.resources.len()
    }

    /// Index of a pair in a pair distribution.
    pub fn pair_index(&self, verb: u32, resource: u32) -> usize {
        verb as usize * self.resources.len() + resource as usize
    }

    /// Puts each type's probability in `distribution` (by type id) on its own pair of `out`
    /// and nothing elsewhere: how a distribution over whole types reads as one over pairs.
    /// Ids these factors do not know are left out.
    pub fn spread(&self, distribution: &[f64], out: &mut [f64]) {
        out.fill(0.0);
        for (id, &p) in distribution.iter().enumerate() {
            if let (Some(&verb), Some(&resource)) =
                (self.type_verb.get(id), self.type_resource.get(id))
            {
                out[self.pair_index(verb, resource)] += p;
            }
        }
    }

    /// The event type a pair forms, if the vocabulary has it.
    pub fn type_of(&self, verb: u32, resource: u32) -> Option<u32> {
        self.pair_type.get(&(verb, resource)).copied()
    }
}

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

/// The LSTM's controls (see [`LstmTrainer`] and ARCHITECTURE.md, Learners). Named here so that
/// configurations, the CLI, the page and model files can carry them before the learner itself
/// lands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LstmParams {
    pub epochs: usize,
    pub embedding: usize,
    pub hidden: usize,
    pub layers: usize,
    pub dropout: f64,
    pub learning_rate: f64,
    pub batch: usize,
    /// Epochs without a better validation loss before training stops.
    pub patience: usize,
    /// Reduce-on-plateau: the learning rate is multiplied by `lr_factor` after `lr_patience`
    /// epochs without improvement, down to `min_learning_rate`.
    pub lr_factor: f64,
    pub lr_patience: usize,
    pub min_learning_rate: f64,
    /// The k of the history's top-k validation accuracy: the run's k (the pipeline sets it).
    pub topk: usize,
    /// What the output layer predicts: whole types, or verb and resource with a copy from the
    /// context (see [`LstmOutput`]). Files and configurations without it have the type output.
    pub output: LstmOutput,
}

/// The defaults: embedding 16, hidden 64, 1 layer, dropout 0.2, Adam at 0.01, batch 64, up to 50
/// epochs, patience 5, the rate halved after 2 flat epochs down to 1e-4. Checked on the sample's
/// chronological split (windows 1 and 2, seeds 1 and 2) against a grid of learning rate
/// {0.003, 0.01, 0.03} × hidden {32, 64, 128} × embedding {16, 32} × dropout {0, 0.2, 0.5} ×
/// batch {32, 64}: the best validation loss of every sensible setting lies within 0.05 nats of
/// these (2.78–2.83 against 2.83), while the seed alone moves it by up to 0.12, and top-1 / top-9
/// on the test windows stay within 27–31% / 79–82%. Nothing beats them beyond that noise; 0.003
/// is marginally better (−0.03 nats) but early-stops 1.7× later, and 0.03 is worse.
impl Default for LstmParams {
    fn default() -> Self {
        Self {
            epochs: 50,
            embedding: 16,
            hidden: 64,
            layers: 1,
            dropout: 0.2,
            learning_rate: 0.01,
            batch: 64,
            patience: 5,
            lr_factor: 0.5,
            lr_patience: 2,
            min_learning_rate: 1e-4,
            topk: 9,
            output: LstmOutput::Types,
        }
    }
}

impl LstmParams {
    pub fn validate(&self) -> Result<(), String> {
        let positive = [
            ("epochs", self.epochs),
            ("embedding", self.embedding),
            ("hidden", self.hidden),
            ("batch", self.batch),
        ];
        if let Some((name, _)) = positive.iter().find(|(_, value)| *value == 0) {
            return Err(format!("the LSTM's {name} must be at least 1"));
        }
        if !(1..=2).contains(&self.layers) {
            return Err("the LSTM has 1 or 2 layers".into());
        }
        if !(0.0..1.0).contains(&self.dropout) {
            return Err("the LSTM's dropout must be in [0, 1)".into());
        }
        if !(self.learning_rate > 0.0 && self.learning_rate.is_finite()) {
            return Err("the LSTM's learning rate must be positive".into());
        }
        if !(self.lr_factor > 0.0 && self.lr_factor < 1.0) {
            return Err("the LSTM's learning-rate factor must be in (0, 1)".into());
        }
        if !(self.min_learning_rate >= 0.0 && self.min_learning_rate.is_finite()) {
            return Err("the LSTM's minimum learning rate must be zero or more".into());
        }
        if !(1..=crate::evaluate::CURVE_MAX_K).contains(&self.topk) {
            return Err(format!(
                "the LSTM's history k must be between 1 and {}",
                crate::evaluate::CURVE_MAX_K
            ));
        }
        Ok(())
    }
}

/// Every learner's hyper-parameters; a configuration carries all of them and each learner reads
/// its own.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct HyperParameters {
    pub bn: BnParams,
    pub baseline: BaselineParams,
    pub lstm: LstmParams,
    pub compose: ComposeParams,
}

impl HyperParameters {
    pub fn validate(&self) -> Result<(), String> {
        self.bn.validate()?;
        self.baseline.validate()?;
        self.compose.validate()?;
        self.lstm.validate()
    }
}

/// What a learner is fitted on.
#[derive(Debug, Clone, Copy)]
pub struct FitData<'a> {
    pub train: &'a Windows,
    /// Windows for early stopping and tuning; never the test windows.
    pub validation: &'a Windows,
    pub vocabulary: &'a Vocabulary,
    /// Seeds whatever is random in a fit, so that a seed reproduces a model.
    pub seed: u64,
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

/// Fits one model of `kind`.
pub fn fit(
    kind: ModelKind,
    data: &FitData<'_>,
    params: &HyperParameters,
    progress: &mut dyn FnMut(&Progress) -> bool,
) -> Result<Box<dyn NextEventModel>, FitError> {
    fn boxed<M: Learner + 'static>(
        data: &FitData<'_>,
        params: &M::Params,
        progress: &mut dyn FnMut(&Progress) -> bool,
    ) -> Result<Box<dyn NextEventModel>, FitError> {
        Ok(Box::new(M::learn(data, params, progress)?))
    }
    match kind {
        ModelKind::Ngram => boxed::<NgramModel>(data, &NgramParams::default(), progress),
        ModelKind::Bn => boxed::<BayesianNetwork>(data, &params.bn, progress),
        ModelKind::Mfe => boxed::<MostFrequentModel>(data, &params.baseline, progress),
        ModelKind::Repeat => boxed::<RepeatLastModel>(data, &params.baseline, progress),
        ModelKind::Compose => boxed::<ComposeModel>(data, &params.compose, progress),
        ModelKind::Lstm => {
            // The stepper checks what `Learner::learn` cannot report (it only knows Cancelled).
            let trainer = LstmTrainer::new(data, &params.lstm)?;
            Ok(Box::new(LstmModel::run(trainer, progress)?))
        }
    }
}

/// The `k` most probable event types, most probable first; ties go to the lower id.
pub fn top_k(distribution: &[f64], k: usize) -> Vec<(u32, f64)> {
    if k <= SMALL_K {
        let mut ranked = Vec::with_capacity(k.min(distribution.len()));
        small_top_k(distribution, k, &mut ranked);
        return ranked;
    }
    let mut ranked: Vec<(u32, f64)> = distribution
        .iter()
        .enumerate()
        .map(|(id, &p)| (id as u32, p))
        .collect();
    let k = k.min(ranked.len());
    let order = |a: &(u32, f64), b: &(u32, f64)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    if k > 0 && k < ranked.len() {
        ranked.select_nth_unstable_by(k - 1, order);
    }
    ranked.truncate(k);
    ranked.sort_unstable_by(order);
    ranked
}

/// Up to this k, [`top_k`] keeps a sorted list of the best so far instead of selecting among
/// every type: a prediction's top 9 (and a replay's plans, k up to 20, many per event) then
/// cost one pass with a compare per type.
const SMALL_K: usize = 32;

/// [`top_k`] for small k into `ranked`, the same order: one pass over the ids in increasing
/// order, so that a later type never ranks ahead of an earlier one of equal probability.
fn small_top_k(distribution: &[f64], k: usize, ranked: &mut Vec<(u32, f64)>) {
    use std::cmp::Ordering;
    ranked.clear();
    if k == 0 {
        return;
    }
    for (id, &p) in distribution.iter().enumerate() {
        if ranked.len() == k {
            let &(_, last) = ranked.last().expect("k > 0");
            if p.total_cmp(&last) != Ordering::Greater {
                continue;
            }
            ranked.pop();
        }
        let at = ranked.partition_point(|&(_, q)| q.total_cmp(&p) != Ordering::Less);
        ranked.insert(at, (id as u32, p));
    }
}

/// How many event types rank ahead of `target` (0 = it is the top prediction), with the same
/// tie rule as [`top_k`].
pub fn rank_of(distribution: &[f64], target: u32) -> usize {
    let p = distribution[target as usize];
    distribution
        .iter()
        .enumerate()
        .filter(|&(id, &q)| q > p || (q == p && (id as u32) < target))
        .count()
}

/// The id of the most probable type, ties to the lower id (what [`top_k`] ranks first).
pub fn argmax(distribution: &[f64]) -> u32 {
    let mut best = 0;
    for (id, &p) in distribution.iter().enumerate() {
        if p > distribution[best] {
            best = id;
        }
    }
    best as u32
}

/// Reports progress of a fit: `Stage::Training`, `fraction` of this fit.
pub(crate) fn report_fit(
    progress: &mut dyn FnMut(&Progress) -> bool,
    fraction: f64,
    detail: impl Into<String>,
) -> Result<(), Cancelled> {
    crate::progress::report(progress, crate::progress::Stage::Training, fraction, detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_k_and_rank_agree() {
        let distribution = [0.1, 0.3, 0.3, 0.05, 0.25];
        let top = top_k(&distribution, 3);
        assert_eq!(top.iter().map(|p| p.0).collect::<Vec<_>>(), vec![1, 2, 4]);
        for (position, (id, _)) in top.iter().enumerate() {
            assert_eq!(rank_of(&distribution, *id), position);
        }
        assert_eq!(rank_of(&distribution, 3), 4);
        assert_eq!(top_k(&distribution, 10).len(), 5);
        assert_eq!(argmax(&distribution), 1);
    }

    #[test]
    fn small_and_large_k_rank_alike() {
        // Ties, zeros, a NaN and repeated values, ranked by both paths of `top_k`.
        let distribution: Vec<f64> = (0..300u32)
            .map(|i| match i % 7 {
                0 => 0.0,
                1 => f64::from(i % 5) / 10.0,
                2 => f64::NAN,
                _ => f64::from((i * 37) % 101) / 1000.0,
            })
            .collect();
        let mut all: Vec<(u32, f64)> = distribution
            .iter()
            .enumerate()
            .map(|(id, &p)| (id as u32, p))
            .collect();
        all.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        for k in [0, 1, 2, 9, 20, SMALL_K, SMALL_K + 1, 300, 400] {
            let top = top_k(&distribution, k);
            let expected = &all[..k.min(all.len())];
            assert_eq!(top.len(), expected.len(), "k {k}");
            for (got, want) in top.iter().zip(expected) {
                assert_eq!(got.0, want.0, "k {k}");
            }
        }
    }

    #[test]
    fn kinds_round_trip_their_names() {
        for kind in ModelKind::ALL {
            assert_eq!(ModelKind::parse(kind.name()), Some(kind));
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.name()));
        }
        assert_eq!(ModelKind::parse("svm"), None);
    }

    #[test]
    fn factors_split_types_into_verb_and_resource() {
        let mut vocabulary = Vocabulary::default();
        vocabulary.intern("create", "pods");
        vocabulary.intern("delete", "pods");
        vocabulary.intern("create", "secrets");
        let factors = Factors::new(&vocabulary);
        assert_eq!(factors.verbs, ["create", "delete"]);
        assert_eq!(factors.resources, ["pods", "secrets"]);
        assert_eq!(factors.type_of(1, 0), Some(1));
        assert_eq!(factors.type_of(1, 1), None, "delete_secrets is no type");
        assert_eq!(factors.pairs(), 4);
    }
}
