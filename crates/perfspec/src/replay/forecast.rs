//! Plans: the candidate types for each of the next `h` events, from a model's own predictions.
//!
//! Step 1 ranks the model's distribution after the sequence so far. A later step `s` has no
//! observed events to condition on, so it follows the `beam` most probable paths of `s − 1`
//! predicted events: the probability of type `T` at step `s` is approximated by
//! `Σ_path P(path) · P(T | history, path)` over those paths, and the next beam keeps the most
//! probable extensions. The ranking of each step does not depend on k, so one plan made with
//! the largest k is cut to every smaller one.

use rustc_hash::FxHashMap;

use crate::models::{top_k, NextEventModel};

/// Models that read at most this many latest events have their distributions remembered per
/// context: a beam revisits the same few contexts at every event, so a plan then costs lookups
/// instead of model calls. Models that read further (the compositional one reads hundreds of
/// events) are asked every time.
const MEMO_MAX_REACH: usize = 8;

/// Probabilities the memo may hold before it starts afresh (64 MB of f64).
const MEMO_MAX_VALUES: usize = 8 << 20;

/// Type distributions by the context events they follow.
type Memo = FxHashMap<Box<[u32]>, Box<[f64]>>;

/// Makes plans with one model, reusing its buffers from one call to the next.
pub struct Forecaster<'m> {
    model: &'m dyn NextEventModel,
    beam: usize,
    types: usize,
    /// A pair model's distribution over verb × resource pairs.
    pairs: Vec<f64>,
    distribution: Vec<f64>,
    /// The tail of the history that the model reads, followed by a path's predicted events.
    context: Vec<u32>,
    /// How many latest events the model reads.
    reach: usize,
    /// The type distribution after each context the model was asked about, keyed by the
    /// events it reads, when that reach is short (see [`MEMO_MAX_REACH`]).
    memo: Option<Memo>,
}

impl<'m> Forecaster<'m> {
    /// A forecaster following `beam` paths (at least one).
    pub fn new(model: &'m dyn NextEventModel, beam: usize) -> Self {
        let types = model.vocabulary_size();
        Self {
            model,
            beam: beam.max(1),
            types,
            pairs: Vec::new(),
            distribution: vec![0.0; types],
            context: Vec::new(),
            reach: model.history_reach().max(model.window()),
            memo: (model.history_reach().max(model.window()) <= MEMO_MAX_REACH)
                .then(FxHashMap::default),
        }
    }

    /// The plan after `history` (the sequence so far, oldest first): for each step
    /// `1..=horizon`, the `k` most probable types, most probable first (ties to the lower id,
    /// as [`top_k`]). At most `1 + beam · (horizon − 1)` model calls.
    pub fn plan(&mut self, history: &[u32], k: usize, horizon: usize) -> Vec<Vec<u32>> {
        let mut steps = Vec::with_capacity(horizon);
        if horizon == 0 || self.types == 0 {
            return steps;
        }
        self.type_distribution(history);
        steps.push(ids(&top_k(&self.distribution, k)));
        if horizon == 1 {
            return steps;
        }
        // Paths of predicted events and their probabilities.
        let mut beam: Vec<(Vec<u32>, f64)> = top_k(&self.distribution, self.beam)
            .into_iter()
            .filter(|&(_, p)| p > 0.0)
            .map(|(id, p)| (vec![id], p))
            .collect();
        let tail = &history[history.len().saturating_sub(self.reach)..];
        let mut marginal = vec![0.0; self.types];
        for _ in 1..horizon {
            marginal.fill(0.0);
            let mut extensions: Vec<(usize, u32, f64)> = Vec::new();
            for (index, (path, p)) in beam.iter().enumerate() {
                self.context.clear();
                self.context.extend_from_slice(tail);
                self.context.extend_from_slice(path);
                let context = std::mem::take(&mut self.context);
                self.type_distribution(&context);
                self.context = context;
                for (total, q) in marginal.iter_mut().zip(&self.distribution) {
                    *total += p * q;
                }
                // The best extensions overall are among each path's best.
                for (id, q) in top_k(&self.distribution, self.beam) {
                    if q > 0.0 {
                        extensions.push((index, id, p * q));
                    }
                }
            }
            steps.push(ids(&top_k(&marginal, k)));
            extensions.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)).then(a.1.cmp(&b.1)));
            extensions.truncate(self.beam);
            beam = extensions
                .into_iter()
                .map(|(index, id, p)| {
                    let mut path = beam[index].0.clone();
                    path.push(id);
                    (path, p)
                })
                .collect();
            if beam.is_empty() {
                // The model gives no path any probability: later steps have nothing to rank
                // but the marginal's ties, which the last ranking already holds.
                while steps.len() < horizon {
                    steps.push(steps[steps.len() - 1].clone());
                }
                break;
            }
        }
        steps
    }

    /// [`Self::ask_model`]'s answer into `distribution`, from the memo where it has it.
    fn type_distribution(&mut self, history: &[u32]) {
        let read = &history[history.len().saturating_sub(self.reach)..];
        if let Some(known) = self.memo.as_ref().and_then(|memo| memo.get(read)) {
            self.distribution.copy_from_slice(known);
            return;
        }
        self.ask_model(history);
        if let Some(memo) = &mut self.memo {
            if (memo.len() + 1) * self.types > MEMO_MAX_VALUES {
                memo.clear();
            }
            memo.insert(read.into(), self.distribution.as_slice().into());
        }
    }

    /// The model's probability of each type of the vocabulary after `history`: its own
    /// distribution, or for a model of verb × resource pairs the probability of each type's
    /// pair (pairs that are no type are left out: no event can have them).
    fn ask_model(&mut self, history: &[u32]) {
        match self.model.composes_pairs() {
            Some(factors) => {
                self.pairs.clear();
                self.pairs.resize(factors.pairs(), 0.0);
                self.model.pair_distribution_after(history, &mut self.pairs);
                for (id, p) in self.distribution.iter_mut().enumerate() {
                    *p = match (factors.type_verb.get(id), factors.type_resource.get(id)) {
                        (Some(&verb), Some(&resource)) => {
                            self.pairs[factors.pair_index(verb, resource)]
                        }
                        _ => 0.0,
                    };
                }
            }
            None => self
                .model
                .distribution_after(history, &mut self.distribution),
        }
    }
}

/// [`Forecaster::plan`] with a fresh forecaster.
pub fn forecast(
    model: &dyn NextEventModel,
    history: &[u32],
    k: usize,
    horizon: usize,
    beam: usize,
) -> Vec<Vec<u32>> {
    Forecaster::new(model, beam).plan(history, k, horizon)
}

fn ids(ranked: &[(u32, f64)]) -> Vec<u32> {
    ranked.iter().map(|&(id, _)| id).collect()
}
