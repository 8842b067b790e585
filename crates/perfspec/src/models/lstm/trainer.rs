//! The LSTM's training loop as a stepper: [`LstmTrainer::step`] trains one mini-batch (and, after
//! an epoch's last batch, validates it), so that a caller decides what happens between steps. The
//! browser worker yields to its event loop there (a `Cancel` message can only arrive then); the
//! [`Learner`](super::Learner) implementation for the CLI loops over the steps and reports each.
//!
//! burn's own `Learner` does not run in WASM, so the loop is explicit: forward, cross-entropy,
//! `backward`, `GradientsParams::from_grads`, Adam's `step` at the schedule's rate. With the
//! factorised output ([`super::LstmOutput`]) the loss is the verb's cross-entropy plus the
//! resource's, under the actual verb (`factorised_net`). Mini-batches
//! are the training windows shuffled each epoch by a generator seeded from the fit's seed; the
//! initial weights and the dropout masks come from seeded generators the trainer owns (see
//! `init`). so a seed reproduces the weights, the history and the predictions.
//!
//! After each epoch the weights are measured on the validation windows by the measure the caller
//! hands over ([`FitData::measure`], the same evaluation as the test windows'): the validation loss is the mean
//! cross-entropy of the actual next event. Early stopping and reduce-on-plateau watch it
//! ([`Schedule`]); the best epoch's weights are what [`LstmTrainer::finish`] returns. Without
//! validation windows (too few events) the training windows stand in for them.

use burn::nn::loss::{CrossEntropyLoss, CrossEntropyLossConfig};
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::tensor::{Device, Tensor, TensorData};
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

use super::factorised::LstmOutput;
use super::factorised_net::FactorisedBatch;
use super::init::{initial_factorised, initial_weights, Shape};
use super::model::LstmModel;
use super::net::LstmNet;
use super::params::LstmParams;
use super::schedule::Schedule;
use super::schedule::StopReason;
use super::tensors::DropoutMasks;
use super::weights::LstmWeights;
use crate::dataset::Windows;
use crate::models::factors::Factors;
use crate::models::learner::{EpochRecord, FitData, FitError, ValidationMeasure};
use crate::prepare::vocabulary::Vocabulary;

/// Keeps the shuffling and dropout draws apart from the initial weights' (same seed).
const TRAINING_STREAM: u64 = 0x9E37_79B9_7F4A_7C15;

/// One trained mini-batch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BatchReport {
    /// 1-based.
    pub epoch: usize,
    /// 1-based, of `batches` in this epoch.
    pub batch: usize,
    pub batches: usize,
    /// Mean cross-entropy of the batch, before the update.
    pub loss: f64,
}

/// What one [`LstmTrainer::step`] did.
#[derive(Debug, Clone, PartialEq)]
pub enum StepOutcome {
    /// A mini-batch was trained; the epoch goes on.
    Batch(BatchReport),
    /// The epoch's last mini-batch was trained and the epoch validated. `stopped` is set when
    /// this ends training: call [`LstmTrainer::finish`].
    Epoch {
        batch: BatchReport,
        record: EpochRecord,
        stopped: Option<StopReason>,
    },
    /// Training is over without a new epoch (a diverged batch, or a step after the end).
    Finished(StopReason),
}

/// Everything one fit needs, owned, so that a caller can keep the trainer across its own
/// awaits.
pub struct LstmTrainer {
    params: LstmParams,
    window: usize,
    vocabulary: Vocabulary,
    factors: Factors,
    train: Windows,
    /// The validation windows, or the training windows when there are none.
    validation: Windows,
    measure: ValidationMeasure,
    device: Device,
    /// `None` only while Adam's step has it.
    net: Option<LstmNet>,
    optimizer: ModuleOptimizer,
    loss: CrossEntropyLoss,
    rng: ChaCha8Rng,
    order: Vec<u32>,
    /// Next position in `order`.
    cursor: usize,
    loss_sum: f64,
    loss_windows: usize,
    schedule: Schedule,
    history: Vec<EpochRecord>,
    /// The weights of the best epoch so far (the initial ones before the first).
    best: LstmWeights,
    stopped: Option<StopReason>,
}

impl LstmTrainer {
    /// Prepares a fit: checks the parameters, draws the initial weights, builds the network on
    /// burn's pure-Rust CPU backend with autodiff. Nothing is trained yet.
    pub fn new(data: &FitData<'_>, params: &LstmParams) -> Result<Self, FitError> {
        params.validate().map_err(FitError::Invalid)?;
        if data.train.is_empty() {
            return Err(FitError::Invalid(
                "the LSTM has no training windows to learn from".into(),
            ));
        }
        if data.vocabulary.is_empty() {
            return Err(FitError::Invalid("the LSTM needs a vocabulary".into()));
        }
        Ok(Self::start(data, params))
    }

    /// [`Self::new`] without the checks: sizes are clamped to what the network can be. With no
    /// training windows, training is over at once.
    pub(crate) fn start(data: &FitData<'_>, params: &LstmParams) -> Self {
        let mut params = params.clone();
        params.layers = params.layers.clamp(1, 2);
        params.embedding = params.embedding.max(1);
        params.hidden = params.hidden.max(1);
        params.batch = params.batch.max(1);
        params.epochs = params.epochs.max(1);
        params.topk = params.topk.max(1);
        let shape = Shape {
            vocabulary: data.vocabulary.len().max(1),
            embedding: params.embedding,
            hidden: params.hidden,
            layers: params.layers,
        };
        let factors = Factors::new(data.vocabulary);
        let initial = match params.output {
            LstmOutput::Types => initial_weights(shape, data.seed),
            LstmOutput::Factorised => {
                initial_factorised(shape, &factors, data.train.window, data.seed)
            }
        };
        // Nothing here draws from burn's generator (it is process-wide, see `init`), but
        // seed it all the same so that any draw burn makes internally repeats too.
        let device = Device::flex().autodiff();
        device.seed(data.seed);
        let net = LstmNet::from_weights(&initial, &device);
        let optimizer = AdamConfig::new().init();
        let loss = CrossEntropyLossConfig::new().init(&device);
        let validation = if data.validation.is_empty() {
            data.train.clone()
        } else {
            data.validation.clone()
        };
        let schedule = Schedule::new(
            params.learning_rate,
            params.patience,
            params.lr_factor,
            params.lr_patience,
            params.min_learning_rate,
            params.min_improvement,
        );
        let mut trainer = Self {
            measure: data.measure,
            window: data.train.window,
            vocabulary: data.vocabulary.clone(),
            factors,
            train: data.train.clone(),
            validation,
            device,
            net: Some(net),
            optimizer,
            loss,
            rng: ChaCha8Rng::seed_from_u64(data.seed ^ TRAINING_STREAM),
            order: (0..data.train.len() as u32).collect(),
            cursor: 0,
            loss_sum: 0.0,
            loss_windows: 0,
            schedule,
            history: Vec::new(),
            best: initial,
            stopped: None,
            params,
        };
        if trainer.train.is_empty() {
            trainer.stopped = Some(StopReason::EpochLimit);
        } else {
            trainer.shuffle();
        }
        trainer
    }

    /// The parameters in use (after clamping).
    pub fn params(&self) -> &LstmParams {
        &self.params
    }

    /// Mini-batches per epoch.
    pub fn batches_per_epoch(&self) -> usize {
        self.train.len().div_ceil(self.params.batch)
    }

    /// The epochs finished so far, one record each.
    pub fn history(&self) -> &[EpochRecord] {
        &self.history
    }

    /// Set once training is over.
    pub fn stopped(&self) -> Option<StopReason> {
        self.stopped
    }

    pub fn is_finished(&self) -> bool {
        self.stopped.is_some()
    }

    /// How far training is, in [0, 1], counting the maximum number of epochs (an early stop
    /// jumps to 1).
    pub fn fraction(&self) -> f64 {
        if self.stopped.is_some() {
            return 1.0;
        }
        let within = self.cursor as f64 / self.train.len().max(1) as f64;
        ((self.history.len() as f64 + within) / self.params.epochs as f64).min(1.0)
    }

    /// The learning rate the next mini-batch uses.
    pub fn learning_rate(&self) -> f64 {
        self.schedule.learning_rate()
    }

    fn shuffle(&mut self) {
        // Fisher–Yates with our own draws, so the order never depends on a library's shuffle.
        for i in (1..self.order.len()).rev() {
            let j = self.rng.random_range(0..=i);
            self.order.swap(i, j);
        }
        self.cursor = 0;
    }

    /// Trains the next mini-batch; after an epoch's last one, validates the epoch and applies
    /// early stopping and the learning-rate schedule. Once training is over, every call answers
    /// [`StepOutcome::Finished`] and does nothing.
    pub fn step(&mut self) -> StepOutcome {
        if let Some(reason) = self.stopped {
            return StepOutcome::Finished(reason);
        }
        let epoch = self.history.len() + 1;
        let batches = self.batches_per_epoch();
        let batch_index = self.cursor / self.params.batch + 1;
        let end = (self.cursor + self.params.batch).min(self.order.len());
        let loss = self.train_batch(self.cursor, end);
        if !loss.is_finite() {
            self.stopped = Some(StopReason::Diverged);
            return StepOutcome::Finished(StopReason::Diverged);
        }
        let size = end - self.cursor;
        self.loss_sum += loss * size as f64;
        self.loss_windows += size;
        self.cursor = end;
        let batch = BatchReport {
            epoch,
            batch: batch_index,
            batches,
            loss,
        };
        if self.cursor < self.order.len() {
            return StepOutcome::Batch(batch);
        }
        let (record, stopped) = self.end_epoch(epoch);
        StepOutcome::Epoch {
            batch,
            record,
            stopped,
        }
    }

    /// One update on windows `order[start..end]`; returns the batch's loss (not finite: no
    /// update was made).
    fn train_batch(&mut self, start: usize, end: usize) -> f64 {
        let size = end - start;
        let masks = self.dropout_masks(size);
        let net = self
            .net
            .take()
            .unwrap_or_else(|| unreachable!("the network is back after every step"));
        let loss = match net.factorised() {
            Some(heads) => {
                let indices = self.order[start..end].iter().map(|&index| index as usize);
                let batch = FactorisedBatch::new(&self.train, indices, &self.factors, &self.device);
                let input =
                    heads.embed(batch.context_verbs.clone(), batch.context_resources.clone());
                let h = net.last_hidden(input, masks.as_ref());
                heads.loss(h, &batch, &self.loss)
            }
            None => {
                let window = self.window;
                let mut contexts = Vec::with_capacity(size * window);
                let mut targets = Vec::with_capacity(size);
                for &index in &self.order[start..end] {
                    let index = index as usize;
                    contexts.extend_from_slice(self.train.context(index));
                    targets.push(self.train.target(index));
                }
                net.type_loss(&contexts, window, &targets, masks.as_ref(), &self.loss)
            }
        };
        let value = f64::from(loss.clone().into_scalar::<f32>());
        if !value.is_finite() {
            self.net = Some(net);
            return value;
        }
        let gradients = GradientsParams::from_grads(loss.backward(), &net);
        self.net = Some(
            self.optimizer
                .step(self.schedule.learning_rate(), net, gradients),
        );
        value
    }

    /// Inverted-dropout masks for a batch, from the trainer's generator; `None` without dropout.
    fn dropout_masks(&mut self, size: usize) -> Option<DropoutMasks> {
        let p = self.params.dropout;
        if p <= 0.0 {
            return None;
        }
        let hidden = self.params.hidden;
        let keep = (1.0 / (1.0 - p)) as f32;
        let mut draw = |count: usize| -> Vec<f32> {
            (0..count)
                .map(|_| {
                    if self.rng.random::<f64>() < p {
                        0.0
                    } else {
                        keep
                    }
                })
                .collect()
        };
        let between = (1..self.params.layers)
            .map(|_| {
                let values = draw(size * self.window * hidden);
                Tensor::<3>::from_data(
                    TensorData::new(values, [size, self.window, hidden]),
                    &self.device,
                )
            })
            .collect();
        let output = Tensor::<2>::from_data(
            TensorData::new(draw(size * hidden), [size, hidden]),
            &self.device,
        );
        Some(DropoutMasks { between, output })
    }

    fn current_weights(&self) -> LstmWeights {
        self.net
            .as_ref()
            .unwrap_or_else(|| unreachable!("the network is back after every step"))
            .to_weights(&self.factors)
    }

    fn end_epoch(&mut self, epoch: usize) -> (EpochRecord, Option<StopReason>) {
        let learning_rate = self.schedule.learning_rate();
        let train_loss = self.loss_sum / self.loss_windows.max(1) as f64;
        self.loss_sum = 0.0;
        self.loss_windows = 0;
        let snapshot = LstmModel::from_weights(
            self.params.clone(),
            self.window,
            self.current_weights(),
            &self.vocabulary,
        );
        let measured = (self.measure)(
            &snapshot,
            &self.validation,
            &self.vocabulary,
            self.params.topk,
        );
        let record = EpochRecord {
            epoch,
            train_loss,
            validation_loss: measured.log_loss,
            validation_accuracy: measured.top1,
            validation_topk: measured.topk,
            validation_precision: measured.macro_precision,
            validation_recall: measured.macro_recall,
            validation_f1: measured.macro_f1,
            learning_rate,
        };
        self.history.push(record.clone());
        let verdict = self.schedule.observe(epoch, record.validation_loss);
        if verdict.improved {
            self.best = snapshot.into_weights();
        }
        let stopped = if verdict.stop {
            Some(StopReason::EarlyStopping)
        } else if epoch >= self.params.epochs {
            Some(StopReason::EpochLimit)
        } else {
            None
        };
        self.stopped = stopped;
        if stopped.is_none() {
            self.shuffle();
        }
        (record, stopped)
    }

    /// The best epoch's model (the initial weights if no epoch finished), with the history.
    pub fn finish(self) -> LstmModel {
        let stop = self.stopped.unwrap_or(StopReason::Interrupted);
        let seen = crate::dataset::seen_in_training(&self.train, self.vocabulary.len());
        LstmModel::trained(
            self.params,
            self.window,
            self.best,
            &self.vocabulary,
            self.history,
            self.schedule.best_epoch(),
            stop,
        )
        .with_seen_types(seen)
    }
}
