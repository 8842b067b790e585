//! How the LSTM is fitted and restored: the trainer's steps driven in a loop with progress, and
//! a model rebuilt from its file. Apart from the model, which holds no training state.

use super::factorised::LstmOutput;
use super::model::{LstmModel, SavedLstm};
use super::params::LstmParams;
use super::trainer::{LstmTrainer, StepOutcome};
use crate::models::factors::Factors;
use crate::models::learner::{report_fit, FitData, FitError, Learner};
use crate::prepare::vocabulary::Vocabulary;
use crate::progress::{Cancelled, Progress};

impl LstmModel {
    /// Fits without progress reports: [`LstmTrainer`] run to its end.
    pub fn fit(data: &FitData<'_>, params: &LstmParams) -> Result<Self, FitError> {
        Ok(Self::run(LstmTrainer::new(data, params)?, &mut |_| true)?)
    }

    /// Fits by looping over [`LstmTrainer`]'s steps, reporting every mini-batch and epoch;
    /// the sink returning false stops at the next mini-batch.
    pub fn run(
        mut trainer: LstmTrainer,
        progress: &mut dyn FnMut(&Progress) -> bool,
    ) -> Result<Self, Cancelled> {
        let epochs = trainer.params().epochs;
        report_fit(progress, 0.0, format!("LSTM: up to {epochs} epochs"))?;
        loop {
            let outcome = trainer.step();
            let fraction = trainer.fraction();
            report_fit(progress, fraction, lstm_step_detail(&outcome, epochs))?;
            if matches!(
                outcome,
                StepOutcome::Finished(_)
                    | StepOutcome::Epoch {
                        stopped: Some(_),
                        ..
                    }
            ) {
                break;
            }
        }
        let model = trainer.finish();
        if let Some(training) = &model.training {
            report_fit(progress, 1.0, training.describe())?;
        }
        Ok(model)
    }
}

/// What a progress line says about one training step.
pub fn lstm_step_detail(outcome: &StepOutcome, epochs: usize) -> String {
    match outcome {
        StepOutcome::Batch(batch) => format!(
            "epoch {}/{epochs}, batch {}/{}, loss {:.4}",
            batch.epoch, batch.batch, batch.batches, batch.loss
        ),
        StepOutcome::Epoch { record, .. } => format!(
            "epoch {}/{epochs}: loss {:.4}, validation loss {:.4}, top-1 {:.3}, learning rate {}",
            record.epoch,
            record.train_loss,
            record.validation_loss,
            record.validation_accuracy,
            record.learning_rate
        ),
        StepOutcome::Finished(reason) => format!("LSTM: {}", reason.label()),
    }
}

impl Learner for LstmModel {
    type Params = LstmParams;

    fn learn(
        data: &FitData<'_>,
        params: &LstmParams,
        progress: &mut dyn FnMut(&Progress) -> bool,
    ) -> Result<Self, Cancelled> {
        Self::run(LstmTrainer::start(data, params), progress)
    }

    fn restore(
        params: LstmParams,
        weights: serde_json::Value,
        vocabulary: &Vocabulary,
        window: usize,
    ) -> Result<Self, String> {
        params.validate()?;
        let saved: SavedLstm = serde_json::from_value(weights)
            .map_err(|error| format!("the LSTM weights are malformed: {error}"))?;
        let mut weights = saved.weights;
        weights.check(
            vocabulary.len(),
            params.embedding,
            params.hidden,
            params.layers,
        )?;
        match (params.output, &weights.factorised) {
            (LstmOutput::Types, None) => {}
            (LstmOutput::Factorised, Some(heads)) => {
                let factors = Factors::new(vocabulary);
                heads.check(
                    factors.verbs.len(),
                    factors.resources.len(),
                    params.embedding,
                    params.hidden,
                    window,
                )?;
                // The type table is derived: rebuilt rather than trusted.
                weights.embedding =
                    heads.input_embedding(&factors.type_verb, &factors.type_resource);
            }
            (output, _) => {
                return Err(format!(
                    "the LSTM's weights do not match its {} output",
                    output.name()
                ))
            }
        }
        let mut seen_types = None;
        if let Some(ids) = saved.seen_types {
            let mut seen = vec![false; vocabulary.len()];
            for id in ids {
                *seen.get_mut(id as usize).ok_or_else(|| {
                    format!("the LSTM's seen types name type {id}, beyond the vocabulary")
                })? = true;
            }
            seen_types = Some(seen);
        }
        let mut model = Self::from_weights(params, window, weights, vocabulary);
        model.training = saved.training;
        model.seen_types = seen_types;
        Ok(model)
    }
}
