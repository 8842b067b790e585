//! When the LSTM stops and how its learning rate falls: early stopping on the monitored loss
//! with patience, and reduce-on-plateau (factor, patience, minimum), as Keras's `EarlyStopping`
//! and `ReduceLROnPlateau` callbacks do without cooldown. Their `min_delta` is relative here
//! (`min_improvement`, a share of the best loss, since losses differ by log): a loss that beats
//! the best by less still has its weights kept, but counts as a flat epoch for the patiences.

use serde::{Deserialize, Serialize};

/// What one epoch's loss decided.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Verdict {
    /// The loss is the best so far: its weights are the ones to keep.
    pub improved: bool,
    /// `patience` epochs in a row without a loss better by `min_improvement`: training ends.
    pub stop: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Schedule {
    patience: usize,
    lr_factor: f64,
    lr_patience: usize,
    min_learning_rate: f64,
    min_improvement: f64,
    learning_rate: f64,
    best: f64,
    best_epoch: usize,
    /// The loss a later one must beat by `min_improvement` to reset the patiences.
    reference: f64,
    /// Epochs since the reference, for early stopping.
    since_best: usize,
    /// Epochs without improvement since the rate last changed.
    lr_wait: usize,
}

impl Schedule {
    pub(crate) fn new(
        learning_rate: f64,
        patience: usize,
        lr_factor: f64,
        lr_patience: usize,
        min_learning_rate: f64,
        min_improvement: f64,
    ) -> Self {
        Self {
            patience,
            lr_factor,
            lr_patience,
            min_learning_rate,
            min_improvement,
            learning_rate,
            best: f64::INFINITY,
            best_epoch: 0,
            reference: f64::INFINITY,
            since_best: 0,
            lr_wait: 0,
        }
    }

    /// The rate for the next epoch.
    pub(crate) fn learning_rate(&self) -> f64 {
        self.learning_rate
    }

    /// The epoch (1-based) of the best loss, 0 before any finite loss.
    pub(crate) fn best_epoch(&self) -> usize {
        self.best_epoch
    }

    /// Records the monitored loss of `epoch`. A non-finite loss never improves.
    pub(crate) fn observe(&mut self, epoch: usize, loss: f64) -> Verdict {
        let improved = loss < self.best;
        if improved {
            self.best = loss;
            self.best_epoch = epoch;
        }
        let margin = self.min_improvement * self.reference.abs();
        if loss < self.reference && (self.reference.is_infinite() || self.reference - loss > margin)
        {
            self.reference = loss;
            self.since_best = 0;
            self.lr_wait = 0;
            return Verdict {
                improved,
                stop: false,
            };
        }
        self.since_best += 1;
        self.lr_wait += 1;
        if self.lr_wait >= self.lr_patience {
            if self.learning_rate > self.min_learning_rate {
                self.learning_rate =
                    (self.learning_rate * self.lr_factor).max(self.min_learning_rate);
            }
            self.lr_wait = 0;
        }
        Verdict {
            improved,
            stop: self.since_best >= self.patience,
        }
    }
}

/// Why training ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// The maximum number of epochs ran.
    EpochLimit,
    /// `patience` epochs in a row without a better validation loss.
    EarlyStopping,
    /// A mini-batch's loss was not finite; the last finished epoch's best weights are kept.
    Diverged,
    /// [`LstmTrainer::finish`] was called before training ended.
    Interrupted,
}

impl StopReason {
    pub fn label(self) -> &'static str {
        match self {
            StopReason::EpochLimit => "the epoch limit",
            StopReason::EarlyStopping => "early stopping",
            StopReason::Diverged => "a non-finite loss (lower the learning rate)",
            StopReason::Interrupted => "an interruption",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plateau_halves_the_rate_then_patience_stops() {
        let mut schedule = Schedule::new(0.01, 3, 0.5, 2, 0.003, 0.0);
        assert!(schedule.observe(1, 2.0).improved);
        assert!(schedule.observe(2, 1.5).improved);
        let v = schedule.observe(3, 1.6);
        assert!(!v.improved && !v.stop);
        assert_eq!(schedule.learning_rate(), 0.01);
        assert!(!schedule.observe(4, 1.5).stop, "equal is no improvement");
        assert_eq!(schedule.learning_rate(), 0.005);
        let v = schedule.observe(5, f64::NAN);
        assert!(!v.improved && v.stop);
        assert_eq!(schedule.best_epoch(), 2);
        // The floor holds.
        let mut schedule = Schedule::new(0.01, 10, 0.5, 1, 0.003, 0.0);
        schedule.observe(1, 1.0);
        for epoch in 2..6 {
            schedule.observe(epoch, 2.0);
        }
        assert_eq!(schedule.learning_rate(), 0.003);
    }

    #[test]
    fn small_gains_keep_their_weights_but_run_out_the_patience() {
        // 1% of the reference: 2.0 → 1.99 is too small, 1.99 → 1.97 is enough (from 2.0).
        let mut schedule = Schedule::new(0.01, 2, 0.5, 1, 0.0001, 0.01);
        assert!(schedule.observe(1, 2.0).improved);
        let v = schedule.observe(2, 1.99);
        assert!(v.improved && !v.stop, "a better loss is kept");
        assert_eq!(
            schedule.learning_rate(),
            0.005,
            "but the epoch counts as flat"
        );
        let v = schedule.observe(3, 1.97);
        assert!(v.improved && !v.stop);
        assert_eq!(
            schedule.learning_rate(),
            0.005,
            "1.5% below 2.0 resets the patience"
        );
        assert!(schedule.observe(4, 1.969).improved);
        let v = schedule.observe(5, 1.968);
        assert!(
            v.improved && v.stop,
            "two small gains in a row end training"
        );
        assert_eq!(schedule.best_epoch(), 5);
    }
}
