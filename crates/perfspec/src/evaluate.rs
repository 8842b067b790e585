//! Accuracy and cost of a fitted model (SPEC §5).

use std::hint::black_box;

use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::dataset::Windows;
use crate::models::{rank_of, top_k, NextEventModel};

/// The top-k curve runs to this k.
pub const CURVE_MAX_K: usize = 20;
/// Inference is timed over at least this many single predictions.
pub const TIMED_PREDICTIONS: usize = 1_000;
const WARM_UP_PREDICTIONS: usize = 200;

/// Share of windows whose next event is among the model's top k, for k = 1..=20.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Accuracy {
    /// `curve[k - 1]` is the top-k accuracy, in [0, 1].
    pub curve: Vec<f64>,
    pub windows: usize,
}

impl Accuracy {
    pub fn top(&self, k: usize) -> f64 {
        let k = k.clamp(1, self.curve.len().max(1));
        self.curve.get(k - 1).copied().unwrap_or(0.0)
    }
}

pub fn accuracy(model: &dyn NextEventModel, test: &Windows) -> Accuracy {
    let mut hits_at_rank = [0usize; CURVE_MAX_K];
    let mut distribution = vec![0.0; model.vocabulary_size()];
    for (context, target) in test.iter() {
        model.distribution(context, &mut distribution);
        let rank = rank_of(&distribution, target);
        if rank < CURVE_MAX_K {
            hits_at_rank[rank] += 1;
        }
    }
    let total = test.len().max(1) as f64;
    let mut cumulative = 0;
    let curve = hits_at_rank
        .iter()
        .map(|hits| {
            cumulative += hits;
            cumulative as f64 / total
        })
        .collect();
    Accuracy {
        curve,
        windows: test.len(),
    }
}

/// Seconds per single prediction (one context, its distribution and top-k).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct InferenceTiming {
    pub median_seconds: f64,
    pub p99_seconds: f64,
    pub predictions: usize,
    /// Back-to-back repetitions per timed prediction, so that a coarse clock can still resolve
    /// it; the figure is the per-prediction mean of each group.
    pub repetitions: usize,
}

/// Times single predictions over contexts taken in turn from `windows` (cycled when there are
/// fewer than [`TIMED_PREDICTIONS`]), after a warm-up.
pub fn time_inference(
    model: &dyn NextEventModel,
    windows: &Windows,
    k: usize,
    clock: &dyn Clock,
) -> InferenceTiming {
    if windows.is_empty() {
        return InferenceTiming {
            median_seconds: 0.0,
            p99_seconds: 0.0,
            predictions: 0,
            repetitions: 0,
        };
    }
    let mut distribution = vec![0.0; model.vocabulary_size()];
    let mut predict = |index: usize| {
        model.distribution(
            black_box(windows.context(index % windows.len())),
            &mut distribution,
        );
        black_box(top_k(&distribution, k));
    };
    let warm_start = clock.now();
    for index in 0..WARM_UP_PREDICTIONS {
        predict(index);
    }
    let per_prediction = (clock.now() - warm_start) / WARM_UP_PREDICTIONS as f64;
    let repetitions = if per_prediction > 0.0 {
        ((10.0 * clock.resolution()) / per_prediction)
            .ceil()
            .clamp(1.0, 10_000.0) as usize
    } else {
        // The warm-up finished within one tick of the clock.
        10_000
    };
    let predictions = TIMED_PREDICTIONS.max(windows.len().min(10 * TIMED_PREDICTIONS));
    let mut samples: Vec<f64> = (0..predictions)
        .map(|index| {
            let start = clock.now();
            for _ in 0..repetitions {
                predict(index);
            }
            (clock.now() - start) / repetitions as f64
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    InferenceTiming {
        median_seconds: quantile(&samples, 0.5),
        p99_seconds: quantile(&samples, 0.99),
        predictions,
        repetitions,
    }
}

/// Nearest-rank quantile of sorted samples.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_quantiles() {
        let samples: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(quantile(&samples, 0.5), 50.0);
        assert_eq!(quantile(&samples, 0.99), 99.0);
        assert_eq!(quantile(&[3.0], 0.99), 3.0);
    }
}
