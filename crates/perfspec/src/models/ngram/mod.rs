//! n-gram next-event model with interpolated Witten-Bell smoothing.
//!
//! Witten-Bell rather than Kneser-Ney: with a vocabulary of a few hundred event types and
//! contexts of 1..5 events, what matters is how much mass to hold back for events not yet seen
//! after a context, and Witten-Bell sizes it from the number of distinct followers the context
//! has had, with no discount to tune. Kneser-Ney's continuation counts pay off for large word
//! vocabularies, not here. Each order is interpolated with the one below it, down to a uniform
//! distribution, so an unseen context backs off to a shorter one and an event type never seen in
//! training keeps a small probability.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::dataset::Windows;
use crate::models::kind::ModelKind;
use crate::models::learner::{report_fit, FitData, Learner, NextEventModel, SavedRow};
use crate::prepare::vocabulary::Vocabulary;
use crate::progress::{Cancelled, Progress};

/// Training windows counted between two progress reports (and cancellation checks).
const WINDOWS_PER_REPORT: usize = 1 << 16;

/// Counts of what followed one context.
#[derive(Debug, Clone, Default)]
struct Followers {
    total: u32,
    /// `(event id, count)`, sorted by id.
    counts: Vec<(u32, u32)>,
}

impl Followers {
    fn add(&mut self, event: u32) {
        self.total += 1;
        match self.counts.binary_search_by_key(&event, |&(id, _)| id) {
            Ok(at) => self.counts[at].1 += 1,
            Err(at) => self.counts.insert(at, (event, 1)),
        }
    }
}

#[derive(Debug, Clone)]
pub struct NgramModel {
    window: usize,
    vocabulary_size: usize,
    /// `orders[j]` maps each context of the last `j` events to its followers; `orders[0]` holds
    /// the empty context (unigram counts).
    orders: Vec<FxHashMap<Box<[u32]>, Followers>>,
}

impl NgramModel {
    /// Counts every suffix of every training context.
    pub fn fit(train: &Windows, vocabulary_size: usize) -> Self {
        let mut model = Self::empty(train.window, vocabulary_size);
        model.count(train, 0..train.len());
        model
    }

    fn empty(window: usize, vocabulary_size: usize) -> Self {
        Self {
            window,
            vocabulary_size,
            orders: (0..=window).map(|_| FxHashMap::default()).collect(),
        }
    }

    fn count(&mut self, train: &Windows, range: std::ops::Range<usize>) {
        let window = self.window;
        for index in range {
            let (context, target) = (train.context(index), train.target(index));
            for (length, order) in self.orders.iter_mut().enumerate() {
                let key = &context[window - length..];
                match order.get_mut(key) {
                    Some(followers) => followers.add(target),
                    None => {
                        let mut followers = Followers::default();
                        followers.add(target);
                        order.insert(key.into(), followers);
                    }
                }
            }
        }
    }

    /// How many training windows ended with `context` (at most the window's length), 0 for
    /// a context never seen.
    pub fn context_total(&self, context: &[u32]) -> u32 {
        self.orders
            .get(context.len())
            .and_then(|order| order.get(context))
            .map_or(0, |followers| followers.total)
    }

    /// Distinct contexts seen, per context length (0..=window).
    pub fn context_counts(&self) -> Vec<usize> {
        self.orders.iter().map(|order| order.len()).collect()
    }
}

/// The counts as a model file holds them: per context length, each context with its
/// followers, sorted so that a model always writes the same file.
#[derive(Debug, Serialize, Deserialize)]
struct SavedCounts {
    /// `orders[j]`: `(context of j events, [(event id, count)])`.
    orders: Vec<Vec<SavedRow>>,
}

/// Witten-Bell has nothing to tune: the hyper-parameters are empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NgramParams {}

impl Learner for NgramModel {
    type Params = NgramParams;

    fn learn(
        data: &FitData<'_>,
        _params: &NgramParams,
        progress: &mut dyn FnMut(&Progress) -> bool,
    ) -> Result<Self, Cancelled> {
        let train = data.train;
        let mut model = Self::empty(train.window, data.vocabulary.len());
        let mut start = 0;
        while start < train.len() {
            report_fit(
                progress,
                start as f64 / train.len() as f64,
                "counting contexts",
            )?;
            let end = (start + WINDOWS_PER_REPORT).min(train.len());
            model.count(train, start..end);
            start = end;
        }
        report_fit(progress, 1.0, "counted")?;
        Ok(model)
    }

    fn restore(
        _params: NgramParams,
        weights: serde_json::Value,
        vocabulary: &Vocabulary,
        window: usize,
    ) -> Result<Self, String> {
        Self::from_weights(weights, vocabulary.len(), window)
    }
}

impl NgramModel {
    /// Rebuilds counts saved by [`NextEventModel::weights`] over `vocabulary_size` symbols
    /// (event types, or the verbs or resources a compositional model counts).
    pub(crate) fn from_weights(
        weights: serde_json::Value,
        vocabulary_size: usize,
        window: usize,
    ) -> Result<Self, String> {
        let saved: SavedCounts = serde_json::from_value(weights)
            .map_err(|error| format!("the n-gram counts are malformed: {error}"))?;
        if saved.orders.len() != window + 1 {
            return Err(format!(
                "the n-gram counts are for window {}, the file says window {window}",
                saved.orders.len().saturating_sub(1)
            ));
        }
        let check_id = |id: u32| {
            if (id as usize) < vocabulary_size {
                Ok(())
            } else {
                Err(format!(
                    "the n-gram counts name event id {id}, but the vocabulary has {vocabulary_size} types"
                ))
            }
        };
        let mut orders = Vec::with_capacity(saved.orders.len());
        for (length, contexts) in saved.orders.into_iter().enumerate() {
            let mut order = FxHashMap::default();
            for (context, mut counts) in contexts {
                if context.len() != length {
                    return Err(format!(
                        "an n-gram context of {} events is filed under length {length}",
                        context.len()
                    ));
                }
                context.iter().try_for_each(|&id| check_id(id))?;
                counts.sort_unstable_by_key(|&(id, _)| id);
                let mut total = 0u32;
                for pair in counts.windows(2) {
                    if pair[0].0 == pair[1].0 {
                        return Err(format!("event id {} is counted twice", pair[0].0));
                    }
                }
                for &(id, count) in &counts {
                    check_id(id)?;
                    if count == 0 {
                        return Err("an n-gram count is zero".into());
                    }
                    total = total
                        .checked_add(count)
                        .ok_or("the n-gram counts overflow")?;
                }
                if counts.is_empty() {
                    return Err("an n-gram context has no followers".into());
                }
                if order
                    .insert(context.into_boxed_slice(), Followers { total, counts })
                    .is_some()
                {
                    return Err("an n-gram context is listed twice".into());
                }
            }
            orders.push(order);
        }
        Ok(Self {
            window,
            vocabulary_size,
            orders,
        })
    }
}

impl NextEventModel for NgramModel {
    fn kind(&self) -> ModelKind {
        ModelKind::Ngram
    }

    fn window(&self) -> usize {
        self.window
    }

    fn vocabulary_size(&self) -> usize {
        self.vocabulary_size
    }

    fn distribution(&self, context: &[u32], out: &mut [f64]) {
        out.fill(1.0 / self.vocabulary_size.max(1) as f64);
        let context = &context[context.len().saturating_sub(self.window)..];
        for length in 0..=context.len() {
            // Every suffix of a seen context was counted, so once a suffix is unseen no longer
            // one can be seen either.
            let Some(followers) = self.orders[length].get(&context[context.len() - length..])
            else {
                break;
            };
            let seen = followers.total as f64;
            let distinct = followers.counts.len() as f64;
            let held_back = distinct / (seen + distinct);
            for p in out.iter_mut() {
                *p *= held_back;
            }
            for &(id, count) in &followers.counts {
                if let Some(p) = out.get_mut(id as usize) {
                    *p += count as f64 / (seen + distinct);
                }
            }
        }
    }

    fn hyper_parameters(&self) -> serde_json::Value {
        serde_json::json!({})
    }

    fn weights(&self) -> serde_json::Value {
        let orders = self
            .orders
            .iter()
            .map(|order| {
                let mut contexts: Vec<SavedRow> = order
                    .iter()
                    .map(|(context, followers)| (context.to_vec(), followers.counts.clone()))
                    .collect();
                contexts.sort_unstable();
                contexts
            })
            .collect();
        serde_json::to_value(SavedCounts { orders }).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn windows(events: &[u32], window: usize) -> Windows {
        let mut windows = Windows::new(window);
        for end in window..events.len() {
            windows.push(&events[end - window..end], events[end]);
        }
        windows
    }

    #[test]
    fn learns_a_deterministic_cycle() {
        let events: Vec<u32> = (0..300).map(|i| i % 3).collect();
        let model = NgramModel::fit(&windows(&events, 2), 4);
        let mut out = vec![0.0; 4];
        model.distribution(&[0, 1], &mut out);
        assert!(out[2] > 0.9, "{out:?}");
        assert!((out.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        assert!(out[3] > 0.0, "an unseen type keeps some probability");
    }

    #[test]
    fn unseen_context_backs_off_to_shorter_one() {
        // After 1 always comes 2; the context (3, 1) never occurred.
        let events: Vec<u32> = (0..300).map(|i| i % 3).collect();
        let model = NgramModel::fit(&windows(&events, 2), 4);
        let mut out = vec![0.0; 4];
        model.distribution(&[3, 1], &mut out);
        let best = crate::models::ranking::top_k(&out, 1)[0].0;
        assert_eq!(best, 2);
        model.distribution(&[3, 3], &mut out);
        assert!((out.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    }

    #[test]
    fn witten_bell_matches_the_formula() {
        // Unigram counts after fit with window 1 on [0,0,1]: targets 0 and 1, once each.
        let model = NgramModel::fit(&windows(&[0, 0, 1], 1), 2);
        let mut out = vec![0.0; 2];
        model.distribution(&[], &mut out);
        // P(x) = (c(x) + T * 1/V) / (N + T) = (1 + 2 * 0.5) / 4 = 0.5
        assert!((out[0] - 0.5).abs() < 1e-12);
        model.distribution(&[0], &mut out);
        // Context 0 was followed by 0 and by 1 once each: (1 + 2 * 0.5) / (2 + 2) = 0.5
        assert!((out[1] - 0.5).abs() < 1e-12);
    }
}
