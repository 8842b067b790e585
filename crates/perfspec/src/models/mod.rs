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
pub(crate) mod factors;
pub(crate) mod kind;
pub(crate) mod learner;
mod lstm;
pub mod model_file;
pub(crate) mod ngram;
pub(crate) mod ranking;

use serde::{Deserialize, Serialize};

pub use baselines::{BaselineParams, MostFrequentModel, RepeatLastModel};
pub use bn::{BayesianNetwork, BnParams, CptSmoothing, StructureScore};
pub use compose::{ComposeModel, ComposeParams, MAX_COPY_REACH};
pub use factors::Factors;
pub use kind::ModelKind;
pub use learner::{Edge, EpochRecord, FitData, FitError, Learner, NextEventModel, PairExplanation};
pub use lstm::{
    lstm_step_detail, BatchReport, FactorisedWeights, LstmModel, LstmOutput, LstmParams,
    LstmTrainer, LstmWeights, StepOutcome, StopReason, TrainingSummary,
};
pub use ngram::{NgramModel, NgramParams};
pub use ranking::{argmax, rank_of, top_k, CURVE_MAX_K};

use crate::progress::Progress;

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
