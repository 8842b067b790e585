//! The compositional model: the next event as a verb and a resource, so that it can name
//! `verb_resource` pairs never seen together in training.
//!
//! Clusters keep meeting new software: in a chronological split of a real log a quarter to a
//! half of the test events are types absent from training, though each is a known verb with a
//! known resource (an uninstall deletes what the install created; a new chart creates what
//! others only patched). A model of whole types cannot rank them; this one scores
//!
//! ```text
//! P(v, r | h) ∝ λ(h) · P_type(v_r | last w events)
//!             + (1 − λ(h)) · P_verb(v | last w verbs) · P_res(r | v, h)
//!             + c · P_cache(v_r | h)
//! λ(h)        = λ₀ · n / (n + κ)        n: training windows whose context ended with h's last type
//! P_res(r | v, h) = π_v(0) · P_gen(r | v, last resource) + Σ_j π_v(j) · [r is the nearest r_{t−j}]
//! ```
//!
//! - `P_type` is the whole-type n-gram (interpolated Witten-Bell), restricted to the types seen
//!   in training: where a context recurs, whole types are the sharpest evidence. Its share is
//!   gated by the evidence for the last type (κ, the type gate): after a type rarely or never
//!   seen in training, whole types say little and verb × resource carries the prediction.
//! - `P_verb` is the same n-gram over the verbs alone, which recur far more than whole types.
//! - `π_v(j)`, the copy: how often, in training, the next event with verb `v` had the resource
//!   of the event `j` back (`j` up to the copy reach) rather than none of them (`π_v(0)`),
//!   tied to the pooled distances of all verbs by a Dirichlet prior. It names resources of the
//!   history, the test part's new ones included, which is what lets the model predict a type
//!   never seen in training.
//! - `P_gen` generates a resource from the counts: given the verb, backing off (Witten-Bell) to
//!   the resource that follows the last one, to resource frequencies, to a uniform choice among
//!   the resources seen in training.
//! - `P_cache`, weight `c`: an interpolated Witten-Bell n-gram (contexts up to the cache order)
//!   counted afresh over the latest events (the cache reach), so that the model follows a
//!   cluster whose behaviour moved since training, new types included, without refitting.
//!
//! Candidates are every verb seen in training with every resource seen in training or in the
//! history; the evaluation ranks the next event among all of them (see
//! [`NextEventModel::composes_pairs`]), not only among the vocabulary's types. Predictions read
//! the whole sequence so far (the online setting), up to the copy and cache reaches, not only the
//! window. The parameters and how they were chosen: [`ComposeParams`] (figures: BENCHMARKS.md,
//! "Compositional model: validation").

mod params;
mod resource_counts;

use std::cell::RefCell;

use serde::{Deserialize, Serialize};

use params::MAX_CACHE_ORDER;
pub use params::{ComposeParams, MAX_COPY_REACH};
use resource_counts::{ResourceCounts, SavedResourceCounts};

use crate::dataset::seen_in_training;
use crate::dataset::Windows;
use crate::models::factors::Factors;
use crate::models::kind::ModelKind;
use crate::models::learner::{report_fit, FitData, Learner, NextEventModel, PairExplanation};
use crate::models::ngram::NgramModel;
use crate::prepare::vocabulary::Vocabulary;
use crate::progress::{Cancelled, Progress};

/// Training windows counted between two progress reports (and cancellation checks).
const WINDOWS_PER_REPORT: usize = 1 << 15;

#[derive(Debug)]
pub struct ComposeModel {
    params: ComposeParams,
    window: usize,
    factors: Factors,
    /// Each type's index among the pairs ([`Factors::pair_index`]), looked up per event of the
    /// cache's reach.
    type_pairs: Vec<u32>,
    /// The whole-type n-gram.
    types: NgramModel,
    /// The n-gram of verbs alone.
    verbs: NgramModel,
    resources: ResourceCounts,
    /// Types and verbs that occur in training: the rest get no mass from the n-grams.
    seen_types: Vec<bool>,
    seen_verbs: Vec<bool>,
    /// The copy distances of all verbs together, add-one smoothed over the reach: the prior of
    /// each verb's own.
    pooled_copy: Vec<f64>,
    /// Buffers reused by every prediction, so that one allocates nothing.
    scratch: RefCell<Scratch>,
}

#[derive(Debug, Default)]
struct Scratch {
    types: Vec<f64>,
    verbs: Vec<f64>,
    verb_context: Vec<u32>,
    generated: Vec<f64>,
    /// Resources of the recent events, the last first, each at its nearest distance only.
    recent: Vec<(u32, usize)>,
    /// Per resource: already in `recent` (cleared after each use).
    recent_marks: Vec<bool>,
    pairs: Vec<f64>,
    /// The cache part's followers: the type after each place where the latest events recur,
    /// with how many of them recur there (the longest matching context).
    followers: Vec<(u32, usize)>,
    /// Per type, a bit per cache order: already counted as a distinct follower at that order.
    follower_marks: Vec<u8>,
    /// Per type, its events within the cache's reach, and the types counted there.
    tail_counts: Vec<u32>,
    tail_types: Vec<u32>,
}

impl ComposeModel {
    fn empty(params: ComposeParams, vocabulary: &Vocabulary, window: usize) -> Self {
        let factors = Factors::new(vocabulary);
        let (verbs, resources) = (factors.verbs.len(), factors.resources.len());
        let type_pairs = (0..vocabulary.len())
            .map(|id| factors.pair_index(factors.type_verb[id], factors.type_resource[id]) as u32)
            .collect();
        Self {
            type_pairs,
            window,
            types: NgramModel::fit(&Windows::new(window), vocabulary.len()),
            verbs: NgramModel::fit(&Windows::new(window), verbs),
            resources: ResourceCounts::new(verbs, resources, params.copy_reach),
            seen_types: vec![false; vocabulary.len()],
            seen_verbs: vec![false; verbs],
            pooled_copy: Vec::new(),
            scratch: RefCell::default(),
            factors,
            params,
        }
    }

    /// Completes a model whose counts are in: marks the verbs and resources of the types seen
    /// in training and pools the copy distances.
    fn finish(&mut self, seen_types: Vec<bool>) {
        let copy = &self.resources.copy;
        let verbs = self.factors.verbs.len();
        let reach = self.params.copy_reach;
        let total: f64 = (0..verbs).map(|v| copy.total(v) as f64).sum();
        self.pooled_copy = (0..=reach)
            .map(|distance| {
                let count: f64 = (0..verbs).map(|v| copy.count(v, distance) as f64).sum();
                (count + 1.0) / (total + (reach + 1) as f64)
            })
            .collect();
        for (id, &seen) in seen_types.iter().enumerate() {
            if seen {
                self.seen_verbs[self.factors.type_verb[id] as usize] = true;
                self.resources.known[self.factors.type_resource[id] as usize] = true;
            }
        }
        self.seen_types = seen_types;
    }

    /// The pair distribution after `history` (oldest first) into `out`, of length
    /// [`Factors::pairs`].
    fn score(&self, history: &[u32], out: &mut [f64]) {
        let scratch = &mut *self.scratch.borrow_mut();
        let factors = &self.factors;
        let (verb_count, resource_count) = (factors.verbs.len(), factors.resources.len());
        out.fill(0.0);
        if verb_count == 0 || resource_count == 0 {
            return;
        }
        let context = &history[history.len().saturating_sub(self.window)..];
        let lambda = self.type_weight_after(context);

        // Whole types where they were seen in training.
        scratch.types.resize(self.seen_types.len(), 0.0);
        self.types.distribution(context, &mut scratch.types);
        restrict(&mut scratch.types, &self.seen_types);
        for (id, &p) in scratch.types.iter().enumerate() {
            if p > 0.0 {
                out[self.type_pairs[id] as usize] += lambda * p;
            }
        }

        // The next verb.
        scratch.verb_context.clear();
        scratch
            .verb_context
            .extend(context.iter().map(|&id| factors.type_verb[id as usize]));
        scratch.verbs.resize(verb_count, 0.0);
        self.verbs
            .distribution(&scratch.verb_context, &mut scratch.verbs);
        restrict(&mut scratch.verbs, &self.seen_verbs);

        // Resources generated from the counts, before the verb is known.
        let counts = &self.resources;
        scratch.generated.resize(resource_count, 0.0);
        let known = counts.known.iter().filter(|&&k| k).count().max(1) as f64;
        for (p, &k) in scratch.generated.iter_mut().zip(&counts.known) {
            *p = if k { 1.0 / known } else { 0.0 };
        }
        counts.overall.witten_bell(0, &mut scratch.generated);
        if let Some(&last) = history.last() {
            counts.after.witten_bell(
                factors.type_resource[last as usize] as usize,
                &mut scratch.generated,
            );
        }

        // Resources of the recent history at their nearest distance.
        scratch.recent.clear();
        scratch.recent_marks.resize(resource_count, false);
        for (back, &id) in history
            .iter()
            .rev()
            .take(self.params.copy_reach)
            .enumerate()
        {
            let resource = factors.type_resource[id as usize];
            let mark = &mut scratch.recent_marks[resource as usize];
            if !*mark {
                *mark = true;
                scratch.recent.push((resource, back + 1));
            }
        }
        for &(resource, _) in &scratch.recent {
            scratch.recent_marks[resource as usize] = false;
        }

        let prior = self.params.copy_prior;
        for verb in 0..verb_count {
            let p_verb = (1.0 - lambda) * scratch.verbs[verb];
            if p_verb <= 0.0 {
                continue;
            }
            // π_v(j): this verb's copy distances with a prior of the pooled ones.
            let verb_total = counts.copy.total(verb) as f64;
            let pi = |distance: usize| {
                (counts.copy.count(verb, distance) as f64 + prior * self.pooled_copy[distance])
                    / (verb_total + prior)
            };
            let base = verb * resource_count;
            counts.by_verb.add_witten_bell(
                verb,
                &scratch.generated,
                p_verb * pi(0),
                &mut out[base..base + resource_count],
            );
            for &(resource, distance) in &scratch.recent {
                out[base + resource as usize] += p_verb * pi(distance);
            }
        }
        self.add_cache(history, out, scratch);
        let total: f64 = out.iter().sum();
        if total > 0.0 {
            let scale = total.recip();
            for p in out.iter_mut() {
                *p *= scale;
            }
        }
    }

    /// The whole-type n-gram's share after `context`: the type weight, scaled down by the
    /// evidence gate where the last event's type was rarely (or never) a context in training,
    /// since there whole types say little and verb × resource must carry the prediction.
    fn type_weight_after(&self, context: &[u32]) -> f64 {
        let (weight, gate) = (self.params.type_weight, self.params.type_gate);
        match context.last() {
            Some(&last) if gate > 0.0 => {
                let seen = self.types.context_total(&[last]) as f64;
                weight * seen / (seen + gate)
            }
            _ => weight,
        }
    }

    /// Adds the recent history's own statistics, with weight [`ComposeParams::cache_weight`]:
    /// what followed the latest 1..=cache order events where they recur within the cache reach
    /// (interpolated Witten-Bell), down to how often each type occurred there. The counts above are frozen at training; a cluster
    /// that moves to new software repeats its new types within minutes, and this part follows
    /// it without refitting (the online setting) at a cost bounded by the reach.
    fn add_cache(&self, history: &[u32], out: &mut [f64], scratch: &mut Scratch) {
        let weight = self.params.cache_weight;
        let tail = &history[history.len().saturating_sub(self.params.cache_reach)..];
        let n = tail.len();
        if weight <= 0.0 || n < 2 {
            return;
        }
        let pair = |id: u32| self.type_pairs[id as usize] as usize;
        // One pass finds every earlier place where the latest 1..=order events recur; the type
        // after it follows each of those contexts. Distinct followers per order are marked in a
        // bit per order, and the unigram counted per type, so that nothing is searched or
        // allocated per call.
        let order = self.params.cache_order.min(n - 1);
        let mut followers = [0usize; MAX_CACHE_ORDER + 1];
        let mut distinct = [0usize; MAX_CACHE_ORDER + 1];
        scratch.followers.clear();
        scratch.tail_types.clear();
        scratch.follower_marks.resize(self.seen_types.len(), 0);
        scratch.tail_counts.resize(self.seen_types.len(), 0);
        let first = tail[0];
        scratch.tail_counts[first as usize] += 1;
        scratch.tail_types.push(first);
        for end in 1..n {
            let next = tail[end];
            let count = &mut scratch.tail_counts[next as usize];
            if *count == 0 {
                scratch.tail_types.push(next);
            }
            *count += 1;
            if tail[end - 1] != tail[n - 1] {
                continue;
            }
            let matched = 1
                + (1..order.min(end))
                    .take_while(|&back| tail[end - 1 - back] == tail[n - 1 - back])
                    .count();
            let marks = &mut scratch.follower_marks[next as usize];
            for level in 1..=matched {
                followers[level] += 1;
                if *marks & (1 << level) == 0 {
                    *marks |= 1 << level;
                    distinct[level] += 1;
                }
            }
            scratch.followers.push((next, matched));
        }
        // Interpolated Witten-Bell from the longest context down: each level keeps
        // `followers / (followers + distinct)` of what it has left and hands the rest down.
        let mut share = [0.0; MAX_CACHE_ORDER + 1];
        let mut left = weight;
        for level in (1..=order).rev() {
            if followers[level] > 0 {
                share[level] = left / (followers[level] + distinct[level]) as f64;
                left *= distinct[level] as f64 / (followers[level] + distinct[level]) as f64;
            }
        }
        for &(next, matched) in &scratch.followers {
            scratch.follower_marks[next as usize] = 0;
            out[pair(next)] += share[1..=matched].iter().sum::<f64>();
        }
        let unigram = left / n as f64;
        for &id in &scratch.tail_types {
            let count = std::mem::take(&mut scratch.tail_counts[id as usize]);
            out[pair(id)] += unigram * f64::from(count);
        }
    }

    /// The factors' verb and resource probabilities behind the top pairs after `history`, for
    /// showing why the model ranks what it ranks: `(verb, resource, P(pair), P_verb(v),
    /// copied)` where `copied` tells whether the resource was in the history's reach.
    pub fn explain(&self, history: &[u32], k: usize) -> Vec<PairExplanation> {
        let mut pairs = vec![0.0; self.factors.pairs()];
        self.score(history, &mut pairs);
        let scratch = self.scratch.borrow();
        let resources = self.factors.resources.len();
        crate::models::ranking::top_k(&pairs, k)
            .into_iter()
            .map(|(index, probability)| {
                let (verb, resource) = (index as usize / resources, index as usize % resources);
                PairExplanation {
                    verb: self.factors.verbs[verb].clone(),
                    resource: self.factors.resources[resource].clone(),
                    probability,
                    verb_probability: scratch.verbs[verb],
                    copied_from: scratch
                        .recent
                        .iter()
                        .find(|&&(r, _)| r as usize == resource)
                        .map(|&(_, distance)| distance),
                    seen_in_training: self
                        .factors
                        .type_of(verb as u32, resource as u32)
                        .is_some_and(|id| self.seen_types[id as usize]),
                }
            })
            .collect()
    }
}

/// Zeroes what was not seen and renormalises the rest.
fn restrict(distribution: &mut [f64], seen: &[bool]) {
    let mut total = 0.0;
    for (p, &seen) in distribution.iter_mut().zip(seen) {
        if seen {
            total += *p;
        } else {
            *p = 0.0;
        }
    }
    if total > 0.0 {
        for p in distribution.iter_mut() {
            *p /= total;
        }
    }
}

/// Windows of verbs in place of types.
fn verb_windows(train: &Windows, factors: &Factors) -> Windows {
    let mut verbs = Windows::new(train.window);
    let mut context = Vec::with_capacity(train.window);
    for (types, target) in train.iter() {
        context.clear();
        context.extend(types.iter().map(|&id| factors.type_verb[id as usize]));
        verbs.push(&context, factors.type_verb[target as usize]);
    }
    verbs
}

/// What a model file holds beyond the hyper-parameters.
#[derive(Debug, Serialize, Deserialize)]
struct SavedCompose {
    types: serde_json::Value,
    verbs: serde_json::Value,
    resources: SavedResourceCounts,
    /// Ids of the types seen in training.
    seen_types: Vec<u32>,
}

impl Learner for ComposeModel {
    type Params = ComposeParams;

    fn learn(
        data: &FitData<'_>,
        params: &ComposeParams,
        progress: &mut dyn FnMut(&Progress) -> bool,
    ) -> Result<Self, Cancelled> {
        let train = data.train;
        let mut model = Self::empty(params.clone(), data.vocabulary, train.window);
        report_fit(progress, 0.0, "counting whole types and verbs")?;
        model.types = NgramModel::fit(train, data.vocabulary.len());
        model.verbs = NgramModel::fit(
            &verb_windows(train, &model.factors),
            model.factors.verbs.len(),
        );
        let factors = &model.factors;
        for index in 0..train.len() {
            if index % WINDOWS_PER_REPORT == 0 {
                report_fit(
                    progress,
                    0.5 + 0.5 * index as f64 / train.len() as f64,
                    "counting resources",
                )?;
            }
            let target = train.target(index) as usize;
            let recent = train
                .history(index)
                .iter()
                .rev()
                .map(|&id| factors.type_resource[id as usize]);
            model.resources.count(
                factors.type_verb[target],
                factors.type_resource[target],
                recent,
            );
        }
        model.finish(seen_in_training(train, data.vocabulary.len()));
        report_fit(progress, 1.0, "counted")?;
        Ok(model)
    }

    fn restore(
        params: ComposeParams,
        weights: serde_json::Value,
        vocabulary: &Vocabulary,
        window: usize,
    ) -> Result<Self, String> {
        params.validate()?;
        let saved: SavedCompose = serde_json::from_value(weights)
            .map_err(|error| format!("the compositional model's counts are malformed: {error}"))?;
        let mut model = Self::empty(params, vocabulary, window);
        let (verbs, resources) = (model.factors.verbs.len(), model.factors.resources.len());
        model.types = NgramModel::from_weights(saved.types, vocabulary.len(), window)?;
        model.verbs = NgramModel::from_weights(saved.verbs, verbs, window)?;
        model.resources =
            ResourceCounts::restored(&saved.resources, verbs, resources, model.params.copy_reach)?;
        let mut seen = vec![false; vocabulary.len()];
        for id in saved.seen_types {
            *seen.get_mut(id as usize).ok_or_else(|| {
                format!(
                    "seen type {id} is beyond the vocabulary's {}",
                    vocabulary.len()
                )
            })? = true;
        }
        model.finish(seen);
        Ok(model)
    }
}

impl NextEventModel for ComposeModel {
    fn kind(&self) -> ModelKind {
        ModelKind::Compose
    }

    fn window(&self) -> usize {
        self.window
    }

    fn vocabulary_size(&self) -> usize {
        self.seen_types.len()
    }

    /// The pairs that are types of the vocabulary, renormalised over them (what Predict and
    /// model files show); the evaluation ranks among every pair instead.
    fn distribution(&self, context: &[u32], out: &mut [f64]) {
        self.distribution_after(context, out);
    }

    fn distribution_after(&self, history: &[u32], out: &mut [f64]) {
        let mut pairs = std::mem::take(&mut self.scratch.borrow_mut().pairs);
        pairs.resize(self.factors.pairs(), 0.0);
        self.score(history, &mut pairs);
        let mut total = 0.0;
        for (p, &pair) in out.iter_mut().zip(&self.type_pairs) {
            *p = pairs[pair as usize];
            total += *p;
        }
        if total > 0.0 {
            for p in out.iter_mut() {
                *p /= total;
            }
        }
        self.scratch.borrow_mut().pairs = pairs;
    }

    fn composes_pairs(&self) -> Option<&Factors> {
        Some(&self.factors)
    }

    fn explain_pairs(&self, history: &[u32], k: usize) -> Option<Vec<PairExplanation>> {
        Some(self.explain(history, k))
    }

    fn history_reach(&self) -> usize {
        self.params
            .copy_reach
            .max(self.params.cache_reach)
            .max(self.window)
    }

    fn pair_distribution_after(&self, history: &[u32], out: &mut [f64]) {
        self.score(history, out);
    }

    fn pair_distribution(&self, context: &[u32], factors: &Factors, out: &mut [f64]) {
        if std::ptr::eq(factors, &self.factors) || factors == &self.factors {
            self.score(context, out);
        } else {
            // Another vocabulary's pairs: only the whole-type answer maps onto them.
            let mut distribution = vec![0.0; self.vocabulary_size()];
            self.distribution(context, &mut distribution);
            factors.spread(&distribution, out);
        }
    }

    fn seen_in_training(&self) -> Option<&[bool]> {
        Some(&self.seen_types)
    }

    fn hyper_parameters(&self) -> serde_json::Value {
        serde_json::to_value(&self.params).unwrap_or_default()
    }

    fn weights(&self) -> serde_json::Value {
        serde_json::to_value(SavedCompose {
            types: self.types.weights(),
            verbs: self.verbs.weights(),
            resources: self.resources.saved(),
            seen_types: (0..self.seen_types.len() as u32)
                .filter(|&id| self.seen_types[id as usize])
                .collect(),
        })
        .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A vocabulary of `verb_resource` names, ids in order.
    fn vocabulary(names: &[&str]) -> Vocabulary {
        let mut vocabulary = Vocabulary::default();
        for name in names {
            let (verb, resource) = name.split_once('_').unwrap();
            vocabulary.intern(verb, resource);
        }
        vocabulary
    }

    fn windows(events: &[u32], window: usize) -> Windows {
        let mut windows = Windows::new(window);
        for end in window..events.len() {
            windows.push(&events[end - window..end], events[end]);
        }
        windows
    }

    fn fitted(events: &[u32], vocabulary: &Vocabulary) -> ComposeModel {
        let train = windows(events, 1);
        let validation = Windows::new(1);
        let data = FitData {
            train: &train,
            validation: &validation,
            vocabulary,
            seed: 1,
            measure: crate::evaluate::validation_scores,
        };
        ComposeModel::learn(&data, &ComposeParams::default(), &mut |_| true).unwrap()
    }

    #[test]
    fn names_a_delete_of_what_was_created_though_never_seen_together() {
        // Training: charts create a thing and delete it again. `create_secrets` is then seen in
        // the history, and `delete_secrets` was never seen in training.
        let vocabulary = vocabulary(&[
            "create_configmaps",
            "delete_configmaps",
            "create_services",
            "delete_services",
            "create_secrets",
            "delete_secrets",
        ]);
        let events: Vec<u32> = (0..40)
            .flat_map(|i| [(i % 2) * 2, (i % 2) * 2 + 1])
            .collect();
        let model = fitted(&events, &vocabulary);
        let factors = model.composes_pairs().unwrap().clone();
        let mut pairs = vec![0.0; factors.pairs()];
        let history: Vec<u32> = events.iter().copied().chain([4]).collect();
        model.pair_distribution_after(&history, &mut pairs);
        assert!((pairs.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        let delete_secrets = factors.pair_index(1, 2);
        let top = crate::models::ranking::top_k(&pairs, 1)[0].0 as usize;
        assert_eq!(top, delete_secrets, "{pairs:?}");
        assert!(!model.seen_in_training().unwrap()[5]);
    }

    #[test]
    fn the_cache_follows_the_latest_two_events_where_they_recur() {
        // a = get_a, x = get_x, b = get_b, d = get_d. After "a x" came b; after "c x", d.
        let vocabulary = vocabulary(&["get_a", "get_x", "get_b", "get_c", "get_d"]);
        let mut model = fitted(&[0, 1, 2, 3, 1, 4], &vocabulary);
        let history = [0, 1, 2, 3, 1, 4, 0, 1];
        let (b, d) = (2, 4);
        let mut cached = |order: usize| {
            model.params.cache_order = order;
            let mut out = vec![0.0; model.factors.pairs()];
            let mut scratch = Scratch::default();
            model.add_cache(&history, &mut out, &mut scratch);
            let at = |id: usize| {
                out[model
                    .factors
                    .pair_index(model.factors.type_verb[id], model.factors.type_resource[id])]
            };
            let (weight, total) = (model.params.cache_weight, out.iter().sum::<f64>());
            assert!((total - weight).abs() < 1e-12, "{total} vs {weight}");
            (at(b), at(d))
        };
        let (b1, d1) = cached(1);
        assert!(
            (b1 - d1).abs() < 1e-12,
            "one event of context cannot tell b from d"
        );
        let (b2, d2) = cached(2);
        assert!(
            b2 > 2.0 * d2,
            "two events of context: b ({b2}) well above d ({d2})"
        );
    }

    #[test]
    fn resources_never_seen_get_nothing_unless_in_the_history() {
        let vocabulary = vocabulary(&["create_pods", "create_secrets", "create_leases"]);
        let model = fitted(&[0, 1, 0, 1, 0, 1, 0, 1], &vocabulary);
        let factors = model.composes_pairs().unwrap().clone();
        let mut pairs = vec![0.0; factors.pairs()];
        model.pair_distribution_after(&[0], &mut pairs);
        assert_eq!(
            pairs[factors.pair_index(0, 2)],
            0.0,
            "leases: neither seen nor in history"
        );
        model.pair_distribution_after(&[2, 0], &mut pairs);
        assert!(
            pairs[factors.pair_index(0, 2)] > 0.0,
            "leases in the history can be copied"
        );
    }

    #[test]
    fn a_saved_model_predicts_the_same() {
        let vocabulary = vocabulary(&["create_pods", "patch_pods", "delete_pods", "create_jobs"]);
        let model = fitted(&[0, 1, 1, 2, 3, 0, 1, 2, 3, 0, 1, 1, 2], &vocabulary);
        let back = ComposeModel::restore(
            serde_json::from_value(model.hyper_parameters()).unwrap(),
            model.weights(),
            &vocabulary,
            1,
        )
        .unwrap();
        let (mut a, mut b) = (vec![0.0; 4], vec![0.0; 4]);
        for history in [&[0u32][..], &[3, 0, 1], &[2, 2, 3]] {
            model.distribution_after(history, &mut a);
            back.distribution_after(history, &mut b);
            assert_eq!(a, b);
        }
    }
}
