//! Accuracy and cost of a fitted model (see ARCHITECTURE.md, Evaluation protocol).

use std::hint::black_box;

use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::dataset::Windows;
use crate::models::learner::{NextEventModel, ValidationScores};
use crate::models::ranking::{argmax, rank_of, top_k, CURVE_MAX_K};
use crate::prepare::vocabulary::Vocabulary;

/// The share of test events the proactive verification cache should cover (`k95`).
pub const COVERAGE_TARGET: f64 = 0.95;
/// Rows and columns of the confusion matrix: the test set's most frequent types.
pub const CONFUSION_TYPES: usize = 20;
/// Probabilities are floored here in the log-loss, as scikit-learn does, so that one event a
/// model deems impossible cannot make the figure infinite.
pub const LOG_LOSS_FLOOR: f64 = 1e-15;
/// Inference is timed over at least this many single predictions.
pub const TIMED_PREDICTIONS: usize = 1_000;
const WARM_UP_PREDICTIONS: usize = 200;
/// Cap on back-to-back repetitions of one timed prediction.
const MAX_REPETITIONS: usize = 16_384;

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

impl Accuracy {
    /// The curve of windows whose next event ranked `rank_counts[r]` times at r (0 = top).
    fn from_rank_counts(rank_counts: &[usize]) -> Self {
        let windows: usize = rank_counts.iter().sum();
        let total = windows.max(1) as f64;
        let mut cumulative = 0;
        let curve = (0..CURVE_MAX_K)
            .map(|rank| {
                cumulative += rank_counts.get(rank).copied().unwrap_or(0);
                if windows == 0 {
                    0.0
                } else {
                    cumulative as f64 / total
                }
            })
            .collect();
        Accuracy { curve, windows }
    }
}

pub fn accuracy(model: &dyn NextEventModel, test: &Windows) -> Accuracy {
    let mut ranker = Ranker::new(model, test);
    // The last slot gathers every rank beyond the curve.
    let mut rank_counts = [0usize; CURVE_MAX_K + 1];
    for index in 0..test.len() {
        rank_counts[ranker.score_at(test, index).rank.min(CURVE_MAX_K)] += 1;
    }
    Accuracy::from_rank_counts(&rank_counts)
}

/// Where the next event stands in one prediction.
struct Scored {
    /// How many candidates rank ahead of the next event (0 = top), with [`rank_of`]'s tie rule.
    rank: usize,
    /// The probability the model gave the next event.
    probability: f64,
    /// The top candidate, when it is a type of the vocabulary.
    guess: Option<usize>,
}

/// Ranks the next event among a model's candidates: the vocabulary's types for a model of whole
/// types; every verb × resource pair for a model that composes them
/// ([`NextEventModel::composes_pairs`]), so that such a model competes against the pairs the log
/// never holds too and gains nothing from the vocabulary knowing which pairs occur (the
/// vocabulary is built from the whole log, test part included).
struct Ranker<'m> {
    model: &'m dyn NextEventModel,
    distribution: Vec<f64>,
    /// The distributions of [`BLOCK`] windows asked at once ([`NextEventModel::distributions`]),
    /// row by row, the first being window `block_start`'s; `batched` is off for models without
    /// that path.
    block: Vec<f64>,
    block_start: usize,
    batched: bool,
}

/// Windows whose distributions a model with a batched forward pass computes in one call.
const BLOCK: usize = 256;

impl<'m> Ranker<'m> {
    /// A ranker for `model` on `windows`.
    fn new(model: &'m dyn NextEventModel, windows: &Windows) -> Self {
        let size = match model.composes_pairs() {
            Some(factors) => factors.pairs(),
            None => model.vocabulary_size(),
        };
        Self {
            model,
            distribution: vec![0.0; size],
            block: Vec::new(),
            block_start: 0,
            batched: model.composes_pairs().is_none()
                && size > 0
                && windows.window == model.window(),
        }
    }

    /// Scores window `index` of `windows` (the ones the ranker was made for): from a block of
    /// distributions computed at once when the model can, else with [`Self::score`].
    fn score_at(&mut self, windows: &Windows, index: usize) -> Scored {
        let target = windows.target(index);
        let types = self.distribution.len();
        if self.batched && (target as usize) < types {
            let rows = self.block.len() / types;
            if !(self.block_start..self.block_start + rows).contains(&index) {
                let end = (index + BLOCK).min(windows.len());
                self.block.resize((end - index) * types, 0.0);
                self.block_start = index;
                self.batched = self
                    .model
                    .distributions(windows.contexts(index..end), &mut self.block);
                if !self.batched {
                    self.block.clear();
                }
            }
            if self.batched {
                let row = &self.block[(index - self.block_start) * types..][..types];
                return Scored {
                    rank: rank_of(row, target),
                    probability: row[target as usize],
                    guess: Some(argmax(row) as usize),
                };
            }
        }
        self.score(windows.history(index), target)
    }

    /// Scores `target` after `history` (oldest first). A target the model cannot name ranks
    /// last with a floored probability.
    fn score(&mut self, history: &[u32], target: u32) -> Scored {
        let last = Scored {
            rank: self.distribution.len().max(1) - 1,
            probability: 0.0,
            guess: None,
        };
        match self.model.composes_pairs() {
            Some(factors) => {
                self.model
                    .pair_distribution_after(history, &mut self.distribution);
                let (Some(&verb), Some(&resource)) = (
                    factors.type_verb.get(target as usize),
                    factors.type_resource.get(target as usize),
                ) else {
                    return last;
                };
                let at = factors.pair_index(verb, resource) as u32;
                let top = argmax(&self.distribution) as usize;
                let (top_verb, top_resource) = (
                    (top / factors.resources.len()) as u32,
                    (top % factors.resources.len()) as u32,
                );
                Scored {
                    rank: rank_of(&self.distribution, at),
                    probability: self.distribution[at as usize],
                    guess: factors
                        .type_of(top_verb, top_resource)
                        .map(|id| id as usize),
                }
            }
            None => {
                if target as usize >= self.distribution.len() {
                    return last;
                }
                self.model
                    .distribution_after(history, &mut self.distribution);
                Scored {
                    rank: rank_of(&self.distribution, target),
                    probability: self.distribution[target as usize],
                    guess: Some(argmax(&self.distribution) as usize),
                }
            }
        }
    }
}

/// Precision, recall and F1 averaged over classes.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Averages {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// One event type's figures on the test windows, for its top-1 predictions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassMetrics {
    #[serde(rename = "type")]
    pub name: String,
    /// Test windows whose next event is this type.
    pub support: usize,
    /// Test windows whose top-1 prediction is this type.
    pub predicted: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// Counts of (actual, top-1 predicted) among the test set's most frequent types.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Confusion {
    /// The types of the rows and columns, most frequent in the test set first.
    pub types: Vec<String>,
    /// `matrix[actual][predicted]`.
    pub matrix: Vec<Vec<usize>>,
    /// Per row: predictions of a type outside `types`.
    pub predicted_other: Vec<usize>,
}

/// Everything measured on the test windows of one model (ARCHITECTURE.md, Evaluation protocol).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub accuracy: Accuracy,
    /// The top-k curve over the test windows whose next event is of a type never seen in
    /// training alone; its `windows` counts them.
    pub unseen: Accuracy,
    /// Over the classes that occur or are predicted (scikit-learn's labels), 0 where undefined.
    pub macro_average: Averages,
    /// Weighted by each class's support.
    pub weighted_average: Averages,
    /// Mean of `-ln P(actual next event)`, in nats.
    pub log_loss: f64,
    /// `exp(log_loss)`: the number of equally likely types the model is as unsure as.
    pub perplexity: f64,
    /// Smallest k whose top-k holds the next event in at least 95% of the test windows (up to
    /// the vocabulary size); 0 without test windows.
    pub k95: usize,
    /// Classes that occur in the test windows or are predicted there, by id.
    pub per_class: Vec<ClassMetrics>,
    pub confusion: Confusion,
}

/// Measures `model` on `test`; `vocabulary` names the classes, and `seen[id]` tells which types
/// occur in training ([`seen_in_training`]; empty when unknown), for the figures on the next
/// events of unseen types.
pub fn evaluate(
    model: &dyn NextEventModel,
    test: &Windows,
    vocabulary: &Vocabulary,
    seen: &[bool],
) -> Evaluation {
    let types = model.vocabulary_size();
    let mut ranker = Ranker::new(model, test);
    let mut rank_counts = vec![0usize; ranker.distribution.len().max(1)];
    let mut unseen_rank_counts = vec![0usize; CURVE_MAX_K + 1];
    let mut support = vec![0usize; types];
    let mut predicted = vec![0usize; types];
    let mut correct = vec![0usize; types];
    let mut pairs = Vec::with_capacity(test.len());
    let mut log_loss = 0.0;
    for index in 0..test.len() {
        let target = test.target(index);
        let scored = ranker.score_at(test, index);
        rank_counts[scored.rank] += 1;
        if seen.get(target as usize) == Some(&false) {
            unseen_rank_counts[scored.rank.min(CURVE_MAX_K)] += 1;
        }
        log_loss -= scored.probability.max(LOG_LOSS_FLOOR).ln();
        let actual = target as usize;
        if actual >= types {
            continue;
        }
        support[actual] += 1;
        if let Some(guess) = scored.guess {
            predicted[guess] += 1;
            if guess == actual {
                correct[actual] += 1;
            }
            pairs.push((actual, guess));
        } else {
            pairs.push((actual, usize::MAX));
        }
    }
    let windows = test.len();
    let total = windows.max(1) as f64;
    let mut cumulative = 0;
    let curve = rank_counts
        .iter()
        .take(CURVE_MAX_K)
        .map(|hits| {
            cumulative += hits;
            cumulative as f64 / total
        })
        .chain(std::iter::repeat(1.0))
        .take(CURVE_MAX_K)
        .collect();
    let k95 = smallest_k_covering(&rank_counts, COVERAGE_TARGET);
    let unseen = Accuracy::from_rank_counts(&unseen_rank_counts);
    let log_loss = log_loss / total;

    let per_class: Vec<ClassMetrics> = (0..types)
        .filter(|&id| support[id] > 0 || predicted[id] > 0)
        .map(|id| {
            let precision = ratio(correct[id], predicted[id]);
            let recall = ratio(correct[id], support[id]);
            ClassMetrics {
                name: vocabulary.name(id as u32).to_string(),
                support: support[id],
                predicted: predicted[id],
                precision,
                recall,
                f1: f1(precision, recall),
            }
        })
        .collect();
    let classes = per_class.len().max(1) as f64;
    let macro_average = Averages {
        precision: per_class.iter().map(|c| c.precision).sum::<f64>() / classes,
        recall: per_class.iter().map(|c| c.recall).sum::<f64>() / classes,
        f1: per_class.iter().map(|c| c.f1).sum::<f64>() / classes,
    };
    let supported = support.iter().sum::<usize>().max(1) as f64;
    let weighted = |metric: fn(&ClassMetrics) -> f64| {
        per_class
            .iter()
            .map(|c| metric(c) * c.support as f64)
            .sum::<f64>()
            / supported
    };
    let weighted_average = Averages {
        precision: weighted(|c| c.precision),
        recall: weighted(|c| c.recall),
        f1: weighted(|c| c.f1),
    };
    Evaluation {
        accuracy: Accuracy { curve, windows },
        unseen,
        macro_average,
        weighted_average,
        log_loss,
        perplexity: log_loss.exp(),
        k95: if windows == 0 { 0 } else { k95 },
        per_class,
        confusion: confusion(&pairs, &support, vocabulary),
    }
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

fn f1(precision: f64, recall: f64) -> f64 {
    if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    }
}

/// Smallest k with at least `share` of the windows ranked below k; `rank_counts[r]` counts the
/// windows whose next event ranked r (0 = top).
fn smallest_k_covering(rank_counts: &[usize], share: f64) -> usize {
    let total: usize = rank_counts.iter().sum();
    // Integer comparison, so that exactly 95% counts as covered despite rounding.
    let needed = (share * total as f64 - 1e-9).ceil().max(0.0) as usize;
    let mut covered = 0;
    for (rank, &count) in rank_counts.iter().enumerate() {
        covered += count;
        if covered >= needed {
            return rank + 1;
        }
    }
    rank_counts.len()
}

/// The confusion matrix of the most frequent actual types (ties to the lower id).
fn confusion(pairs: &[(usize, usize)], support: &[usize], vocabulary: &Vocabulary) -> Confusion {
    let mut frequent: Vec<usize> = (0..support.len()).filter(|&id| support[id] > 0).collect();
    frequent.sort_by(|&a, &b| support[b].cmp(&support[a]).then(a.cmp(&b)));
    frequent.truncate(CONFUSION_TYPES);
    let position = |id: usize| frequent.iter().position(|&f| f == id);
    let mut matrix = vec![vec![0; frequent.len()]; frequent.len()];
    let mut predicted_other = vec![0; frequent.len()];
    for &(actual, guess) in pairs {
        if let Some(row) = position(actual) {
            match position(guess) {
                Some(column) => matrix[row][column] += 1,
                None => predicted_other[row] += 1,
            }
        }
    }
    Confusion {
        types: frequent
            .iter()
            .map(|&id| vocabulary.name(id as u32).to_string())
            .collect(),
        matrix,
        predicted_other,
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
    let size = match model.composes_pairs() {
        Some(factors) => factors.pairs(),
        None => model.vocabulary_size(),
    };
    let mut distribution = vec![0.0; size];
    let mut predict = |index: usize| {
        let history = black_box(windows.history(index % windows.len()));
        if model.composes_pairs().is_some() {
            model.pair_distribution_after(history, &mut distribution);
        } else {
            model.distribution_after(history, &mut distribution);
        }
        black_box(top_k(&distribution, k));
    };
    for index in 0..WARM_UP_PREDICTIONS {
        predict(index);
    }
    // Calibrated after the warm-up, which in a browser also pays for compiling the code: the
    // group size doubles until one group lasts ten clock ticks.
    let mut repetitions = 1usize;
    while repetitions < MAX_REPETITIONS {
        let start = clock.now();
        for index in 0..repetitions {
            predict(index);
        }
        if clock.now() - start >= 10.0 * clock.resolution() {
            break;
        }
        repetitions *= 2;
    }
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

/// The figures an iterative learner watches on its validation windows (the
/// [`crate::models::learner::ValidationMeasure`] every caller passes): the evaluation of the
/// test windows, so that a training history's validation columns mean what the results' columns
/// mean.
pub fn validation_scores(
    model: &dyn NextEventModel,
    windows: &Windows,
    vocabulary: &Vocabulary,
    k: usize,
) -> ValidationScores {
    let measured = evaluate(model, windows, vocabulary, &[]);
    ValidationScores {
        log_loss: measured.log_loss,
        top1: measured.accuracy.top(1),
        topk: measured.accuracy.top(k),
        macro_precision: measured.macro_average.precision,
        macro_recall: measured.macro_average.recall,
        macro_f1: measured.macro_average.f1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smallest_k_counts_exactly_95_percent_as_covered() {
        // 20 windows: 19 ranked 0..=2, the 20th ranked 7.
        let mut ranks = vec![0usize; 10];
        ranks[0] = 10;
        ranks[1] = 5;
        ranks[2] = 4;
        ranks[7] = 1;
        assert_eq!(smallest_k_covering(&ranks, 0.95), 3);
        assert_eq!(smallest_k_covering(&ranks, 1.0), 8);
        assert_eq!(smallest_k_covering(&[0, 0], 0.95), 1);
    }

    #[test]
    fn nearest_rank_quantiles() {
        let samples: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(quantile(&samples, 0.5), 50.0);
        assert_eq!(quantile(&samples, 0.99), 99.0);
        assert_eq!(quantile(&[3.0], 0.99), 3.0);
    }
}
