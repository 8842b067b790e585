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

use super::NextEventModel;
use crate::dataset::Windows;

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
        let window = train.window;
        let mut orders: Vec<FxHashMap<Box<[u32]>, Followers>> =
            (0..=window).map(|_| FxHashMap::default()).collect();
        for (context, target) in train.iter() {
            for (length, order) in orders.iter_mut().enumerate() {
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
        Self {
            window,
            vocabulary_size,
            orders,
        }
    }

    /// Distinct contexts seen, per context length (0..=window).
    pub fn context_counts(&self) -> Vec<usize> {
        self.orders.iter().map(|order| order.len()).collect()
    }
}

impl NextEventModel for NgramModel {
    fn kind(&self) -> &'static str {
        "ngram"
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
        let best = super::super::top_k(&out, 1)[0].0;
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
