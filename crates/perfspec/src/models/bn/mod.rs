//! A discrete Bayesian network over the context and the next event, its structure learned from
//! the training windows (see ARCHITECTURE.md, Learners).
//!
//! **Variables.** For each of the `w` previous events (lag 1 = the last one): its type
//! `event(t-i)` (optional, [`BnParams::event_variables`]), its verb `verb(t-i)` and its resource
//! `resource(t-i)`; and the next event, factorised as `verb(t)` and `resource(t)`. Factorising
//! matters twice. A whole next-event type has ~150 states, so any parent multiplies its table by
//! 150 and a score-based search keeps the next event isolated (predicting its marginal); a verb
//! has 5 states and a resource ~100, and their tables stay small enough to earn parents. And a
//! pair never seen as a type still gets a probability from its seen verb and seen resource, which
//! no model of whole types can give (the reason for the compositional model, `models::compose`).
//!
//! **Structure.** Score-based, with a decomposable Bayesian-Dirichlet score: BDs by default
//! (Scutari 2016), BDeu and BIC selectable. Arcs never point back in time (a two-slice dynamic
//! network's constraint): `event(t-2) → event(t-1)` and `verb(t-1) → verb(t)` are allowed,
//! `verb(t) → verb(t-1)` is not. So the next event's verb and resource have no children, and
//! their parent sets are searched exhaustively: every set of at most [`BnParams::max_parents`]
//! context variables, plus the other next-event variable, in whichever order (`verb(t) →
//! resource(t)` or the reverse) scores higher. That is the optimum under the score of the only
//! families that predict, not a greedy step toward it, and it stays cheap (a few hundred families
//! at w = 5, in-degree 2). The arcs among context variables describe the workload (what follows
//! what) without changing a prediction; they are found by greedy hill climbing (add, remove or
//! reverse the best arc until nothing gains), cached family scores making each step cheap.
//!
//! Hill climbing and exhaustive parent sets rather than Chow-Liu or TAN: both force a tree, TAN
//! with the class a parent of every feature, which fits one class variable and not two, and
//! neither says which context variables the next verb and resource really depend on, which is the
//! structure worth showing. BDs rather than BDeu or BIC, because of sparsity. BIC charges
//! `½ ln N · q (r − 1)` for every cell of a table, observed or not: on the sample, the charge for
//! `resource(t-1) → resource(t)` (q = r ≈ 100) is far more than the arc can gain, and BIC keeps
//! only `verb(t-1) → verb(t)`. BDeu spreads its equivalent sample size over all `q` parent
//! configurations, most of which never occur, so each observed one gets almost no prior and an
//! informative parent with many values is penalised: at the usual ESS of 1–10 it learns
//! `resource(t)` from `verb(t)` alone, well below the n-gram in top-9. BDs spreads the same prior
//! over the configurations that occur. With an ESS of 30–100 it learns `verb(t-1), verb(t-2) →
//! verb(t)` and `resource(t-1), verb(t) → resource(t)` on the sample's chronological split at
//! window 2, and results hardly move within that range (50 is the default). In-degree 2 gives
//! the same structures on the sample as 3 or 4, and fits much faster (figures: BENCHMARKS.md,
//! "Bayesian network: structure score and in-degree").
//!
//! **Inference.** With no arc into the past, the next-event variables have no children, and with
//! a full context every other variable is observed, so the tables of the context variables cancel
//! out of `P(next | context)`, which is exactly `P(verb(t) | its parents) · P(resource(t) | its
//! parents)` (one of the two may be a parent of the other), enumerated over the (verb, resource)
//! pairs that form the vocabulary's types and normalised. Only the tables of the two next-event
//! variables are therefore kept (and saved); the arcs among context variables are part of the
//! learned structure that is shown, not of the predictor.
//!
//! **Tables.** Dirichlet-smoothed with a hierarchical prior: `P(x | p1..pk) = (N(x, p1..pk) + a ·
//! P(x | p1..pk-1)) / (N(p1..pk) + a)`, parents ordered by how much each tells alone, down to an
//! add-one marginal; `a` is Witten-Bell's (the number of distinct values the row has seen), as in
//! the n-gram, or a fixed strength. An unseen configuration (say a context type never seen in training) thus
//! backs off to what its other parents say instead of to a uniform guess. Counts are kept for
//! every subset of a node's parents (at most 2^4 tables), so a context shorter than the window
//! drops the missing parents and is answered from the counts of the parents it has: the empirical
//! marginalisation over the missing ones.

mod params;
mod parent_sets;
mod saved;
mod scorer;
mod search;
mod tables;
mod variable;

use params::MAX_PARENTS_LIMIT;
pub use params::{BnParams, CptSmoothing, StructureScore};

use crate::models::factors::Factors;
use crate::models::kind::ModelKind;
use crate::models::learner::{report_fit, Edge, FitData, Learner, NextEventModel, SavedRow};
use crate::prepare::vocabulary::Vocabulary;
use crate::progress::{Cancelled, Progress};
use parent_sets::bits;
use saved::{check_structure, restore_cpt, SavedNetwork, SavedTable};
use scorer::Scorer;
use search::{hill_climb, next_event_parents};
use tables::{count_tables, Cpt, Joint, Rows};
use variable::{variables, Columns, Variable};

/// The learned network: its structure, and the tables of the next event's verb and resource.
#[derive(Debug, Clone, PartialEq)]
pub struct BayesianNetwork {
    window: usize,
    params: BnParams,
    factors: Factors,
    variables: Vec<Variable>,
    /// Each variable's parents (indices); the next-event variables' in back-off order.
    parents: Vec<Vec<usize>>,
    /// `[verb(t), resource(t)]`.
    cpts: [Cpt; 2],
}

impl BayesianNetwork {
    fn verb_index(&self) -> usize {
        self.variables.len() - 2
    }

    /// The next-event variables' values given a context: each variable's value, `None` for the
    /// next event's and for events beyond the context.
    fn evidence(&self, context: &[u32]) -> Vec<Option<u32>> {
        let context = &context[context.len().saturating_sub(self.window)..];
        self.variables
            .iter()
            .map(|variable| {
                let lag = variable.lag;
                if lag == 0 || lag > context.len() {
                    return None;
                }
                variable.of_type(&self.factors, context[context.len() - lag])
            })
            .collect()
    }

    /// `P(verb(t) = v, resource(t) = r | context)` for every pair, as a function of (v, r).
    fn joint(&self, context: &[u32]) -> Joint {
        let mut evidence = self.evidence(context);
        let verb = self.verb_index();
        let resource = verb + 1;
        let [verb_cpt, resource_cpt] = &self.cpts;
        let mut parent_values = Vec::with_capacity(MAX_PARENTS_LIMIT + 1);
        // Rows of `cpt` for each value of `other` when it is one of its parents, else one row.
        let mut rows = |cpt: &Cpt, other: usize| -> Rows {
            let depends = cpt.parents.contains(&other);
            let count = if depends {
                self.variables[other].cardinality(&self.factors)
            } else {
                1
            };
            let marginal = cpt.marginal();
            let mut values = vec![0.0; count * cpt.cardinality];
            for (value, row) in values.chunks_exact_mut(cpt.cardinality).enumerate() {
                evidence[other] = depends.then_some(value as u32);
                parent_values.clear();
                parent_values.extend(cpt.parents.iter().map(|&p| evidence[p]));
                cpt.estimate(&parent_values, &marginal, &self.params, row);
            }
            Rows {
                values,
                width: cpt.cardinality,
                per_other_value: depends,
            }
        };
        let verbs = rows(verb_cpt, resource);
        let resources = rows(resource_cpt, verb);
        Joint { verbs, resources }
    }
}

impl Learner for BayesianNetwork {
    type Params = BnParams;

    fn learn(
        data: &FitData<'_>,
        params: &BnParams,
        progress: &mut dyn FnMut(&Progress) -> bool,
    ) -> Result<Self, Cancelled> {
        report_fit(progress, 0.0, "reading the training windows")?;
        let window = data.train.window;
        let factors = Factors::new(data.vocabulary);
        let variables = variables(window, params.event_variables);
        let columns = Columns::new(data, &variables, &factors);
        let mut scorer = Scorer::new(&columns, params);
        // An out-of-range setting from an unvalidated configuration is clamped, not trusted.
        let max_parents = params.max_parents.clamp(1, MAX_PARENTS_LIMIT);
        let n = variables.len();
        let mut masks = hill_climb(&variables[..n - 2], &mut scorer, max_parents, progress)?;
        report_fit(progress, 0.5, "choosing the next event's parents")?;
        let (verb_parents, resource_parents) = next_event_parents(&mut scorer, n, max_parents);
        masks.extend([verb_parents, resource_parents]);
        report_fit(progress, 0.95, "counting the tables")?;
        let mut parents: Vec<Vec<usize>> = masks.iter().map(|&mask| bits(mask).collect()).collect();
        for child in [n - 2, n - 1] {
            // Most informative alone first, so that the back-off drops the least useful parent.
            let alone = scorer.score(child, 0);
            let mut gains: Vec<(usize, f64)> = parents[child]
                .iter()
                .map(|&p| (p, scorer.score(child, 1 << p) - alone))
                .collect();
            gains.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            parents[child] = gains.into_iter().map(|(p, _)| p).collect();
        }
        let cpt = |child: usize| {
            count_tables(
                &columns,
                child,
                parents[child].clone(),
                variables[child].cardinality(&factors),
            )
        };
        let cpts = [cpt(n - 2), cpt(n - 1)];
        report_fit(progress, 1.0, "fitted")?;
        Ok(Self {
            window,
            params: params.clone(),
            factors,
            variables,
            parents,
            cpts,
        })
    }

    fn restore(
        params: BnParams,
        weights: serde_json::Value,
        vocabulary: &Vocabulary,
        window: usize,
    ) -> Result<Self, String> {
        params
            .validate()
            .map_err(|why| format!("bad hyper-parameters: {why}"))?;
        let saved: SavedNetwork = serde_json::from_value(weights)
            .map_err(|error| format!("the network is malformed: {error}"))?;
        let factors = Factors::new(vocabulary);
        let variables = variables(window, params.event_variables);
        let names: Vec<String> = variables.iter().map(|v| v.name()).collect();
        if saved.variables != names {
            return Err(format!(
                "the network's variables ({}) are not those of window {window} ({})",
                saved.variables.join(", "),
                names.join(", ")
            ));
        }
        let parents = check_structure(&saved.parents, &variables, params.max_parents)?;
        let n = variables.len();
        let cpt = |child: usize| {
            restore_cpt(
                &saved.tables,
                child,
                &parents[child],
                &variables,
                &factors,
                &names,
            )
        };
        let cpts = [cpt(n - 2)?, cpt(n - 1)?];
        let expected = cpts.iter().map(|cpt| cpt.tables.len()).sum::<usize>();
        if saved.tables.len() != expected {
            return Err(format!(
                "the network has {} tables, its next-event variables {expected}",
                saved.tables.len()
            ));
        }
        Ok(Self {
            window,
            params,
            factors,
            variables,
            parents,
            cpts,
        })
    }
}

impl NextEventModel for BayesianNetwork {
    fn kind(&self) -> ModelKind {
        ModelKind::Bn
    }

    fn window(&self) -> usize {
        self.window
    }

    fn vocabulary_size(&self) -> usize {
        self.factors.type_verb.len()
    }

    /// The network scores the next verb and resource, so it is measured among every pair: its
    /// distribution over the vocabulary alone would be renormalised over the pairs the whole
    /// log holds, test part included.
    fn composes_pairs(&self) -> Option<&Factors> {
        Some(&self.factors)
    }

    fn distribution(&self, context: &[u32], out: &mut [f64]) {
        let joint = self.joint(context);
        let mut total = 0.0;
        for ((p, &verb), &resource) in out
            .iter_mut()
            .zip(&self.factors.type_verb)
            .zip(&self.factors.type_resource)
        {
            *p = joint.probability(verb, resource);
            total += *p;
        }
        if total > 0.0 {
            for p in out.iter_mut() {
                *p /= total;
            }
        } else {
            out.fill(1.0 / out.len().max(1) as f64);
        }
    }

    fn pair_distribution(&self, context: &[u32], factors: &Factors, out: &mut [f64]) {
        // The model's own factors (what the evaluation passes) are recognised by address, so that
        // a prediction does not compare two vocabularies.
        if !std::ptr::eq(factors, &self.factors) && factors != &self.factors {
            // Another vocabulary's pairs: only the whole-type answer can be mapped onto them.
            let mut distribution = vec![0.0; self.vocabulary_size()];
            self.distribution(context, &mut distribution);
            factors.spread(&distribution, out);
            return;
        }
        let joint = self.joint(context);
        for verb in 0..factors.verbs.len() as u32 {
            for resource in 0..factors.resources.len() as u32 {
                out[factors.pair_index(verb, resource)] = joint.probability(verb, resource);
            }
        }
    }

    fn structure(&self) -> Option<Vec<Edge>> {
        Some(
            self.parents
                .iter()
                .enumerate()
                .flat_map(|(child, parents)| {
                    let mut parents = parents.clone();
                    parents.sort_unstable();
                    parents.into_iter().map(move |parent| Edge {
                        parent: self.variables[parent].name(),
                        child: self.variables[child].name(),
                    })
                })
                .collect(),
        )
    }

    fn hyper_parameters(&self) -> serde_json::Value {
        serde_json::to_value(&self.params).unwrap_or_default()
    }

    fn weights(&self) -> serde_json::Value {
        let tables = self
            .cpts
            .iter()
            .flat_map(|cpt| {
                cpt.tables.iter().enumerate().map(move |(mask, table)| {
                    let subset: Vec<usize> = bits(mask as u64).collect();
                    let mut rows: Vec<SavedRow> = table
                        .iter()
                        .map(|(&key, row)| {
                            // Undo the mixed radix, last parent first.
                            let mut key = key;
                            let mut values = vec![0u32; subset.len()];
                            for (slot, &position) in values.iter_mut().zip(&subset).rev() {
                                let cardinality = cpt.parent_cardinalities[position];
                                *slot = (key % cardinality) as u32;
                                key /= cardinality;
                            }
                            (values, row.counts.clone())
                        })
                        .collect();
                    rows.sort_unstable();
                    SavedTable {
                        child: cpt.child,
                        parents: subset.iter().map(|&i| cpt.parents[i]).collect(),
                        rows,
                    }
                })
            })
            .collect();
        serde_json::to_value(SavedNetwork {
            variables: self.variables.iter().map(|v| v.name()).collect(),
            parents: self.parents.clone(),
            tables,
        })
        .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::Windows;
    use parent_sets::reaches;

    /// Events cycle create_a, update_a, delete_a, create_b, update_b, delete_b: the next verb
    /// follows from the last verb, the next resource from the last resource and verb.
    fn cycle() -> (Windows, Vocabulary) {
        let mut vocabulary = Vocabulary::default();
        let mut events = Vec::new();
        for _ in 0..100 {
            for resource in ["a", "b"] {
                for verb in ["create", "update", "delete"] {
                    events.push(vocabulary.intern(verb, resource));
                }
            }
        }
        let mut windows = Windows::new(1);
        for end in 1..events.len() {
            windows.push(&events[end - 1..end], events[end]);
        }
        (windows, vocabulary)
    }

    fn fit(windows: &Windows, vocabulary: &Vocabulary, params: &BnParams) -> BayesianNetwork {
        let data = FitData {
            train: windows,
            validation: windows,
            vocabulary,
            seed: 1,
            measure: crate::evaluate::validation_scores,
        };
        BayesianNetwork::learn(&data, params, &mut |_| true).unwrap()
    }

    #[test]
    fn learns_the_dependencies_of_a_cycle() {
        let (windows, vocabulary) = cycle();
        let model = fit(&windows, &vocabulary, &BnParams::default());
        let structure = model.structure().unwrap();
        let into = |child: &str| -> Vec<String> {
            structure
                .iter()
                .filter(|edge| edge.child == child)
                .map(|edge| edge.parent.clone())
                .collect()
        };
        assert!(!into("verb(t)").is_empty(), "{structure:?}");
        assert!(!into("resource(t)").is_empty(), "{structure:?}");
        let mut out = vec![0.0; vocabulary.len()];
        let delete_a = vocabulary.id("delete_a").unwrap();
        model.distribution(&[delete_a], &mut out);
        assert!((out.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        let best = crate::models::ranking::argmax(&out);
        assert_eq!(vocabulary.name(best), "create_b", "{out:?}");
        assert!(out[best as usize] > 0.9);
    }

    #[test]
    fn no_arc_points_back_in_time_and_the_graph_is_acyclic() {
        let (windows, vocabulary) = cycle();
        let mut windows2 = Windows::new(2);
        let targets = windows.targets();
        for end in 2..targets.len() {
            windows2.push(&targets[end - 2..end], targets[end]);
        }
        let model = fit(&windows2, &vocabulary, &BnParams::default());
        let masks: Vec<u64> = model
            .parents
            .iter()
            .map(|list| list.iter().map(|&p| 1u64 << p).sum())
            .collect();
        for (child, list) in model.parents.iter().enumerate() {
            assert!(list.len() <= 3);
            for &parent in list {
                assert!(model.variables[parent].lag >= model.variables[child].lag);
                assert!(!reaches(&masks, child, parent));
            }
        }
    }

    #[test]
    fn unseen_and_missing_evidence_still_predict() {
        let (windows, mut vocabulary) = cycle();
        // A type never seen in training, of a seen verb and a seen resource.
        let unseen = vocabulary.intern("patch", "a");
        let model = fit(&windows, &vocabulary, &BnParams::default());
        let mut out = vec![0.0; vocabulary.len()];
        for context in [&[unseen][..], &[], &[999]] {
            model.distribution(context, &mut out);
            assert!((out.iter().sum::<f64>() - 1.0).abs() < 1e-9, "{context:?}");
            assert!(out.iter().all(|&p| p > 0.0), "{context:?}: {out:?}");
        }
        let factors = Factors::new(&vocabulary);
        let mut pairs = vec![0.0; factors.pairs()];
        model.pair_distribution(&[0], &factors, &mut pairs);
        assert!((pairs.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        let patch_b = factors.pair_index(3, 1);
        assert!(factors.type_of(3, 1).is_none() && pairs[patch_b] > 0.0);
    }

    #[test]
    fn bic_is_stricter_than_bdeu() {
        let (windows, vocabulary) = cycle();
        let bdeu = fit(&windows, &vocabulary, &BnParams::default());
        let bic = fit(
            &windows,
            &vocabulary,
            &BnParams {
                score: StructureScore::Bic,
                ..BnParams::default()
            },
        );
        assert!(bic.structure().unwrap().len() <= bdeu.structure().unwrap().len());
    }

    #[test]
    fn restores_what_it_saves() {
        let (windows, vocabulary) = cycle();
        let model = fit(&windows, &vocabulary, &BnParams::default());
        let restored =
            BayesianNetwork::restore(BnParams::default(), model.weights(), &vocabulary, 1).unwrap();
        assert_eq!(restored, model);
        let wrong_window =
            BayesianNetwork::restore(BnParams::default(), model.weights(), &vocabulary, 2);
        assert!(wrong_window.unwrap_err().contains("window 2"));
    }
}
