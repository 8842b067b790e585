//! Structure search: exhaustive parent sets for the next verb and resource, hill climbing among
//! the context variables.

use super::params::MIN_GAIN;
use super::parent_sets::reaches;
use super::scorer::Scorer;
use super::variable::Variable;
use crate::models::learner::report_fit;
use crate::progress::{Cancelled, Progress};

#[derive(Debug, Clone, Copy)]
pub(super) enum Step {
    Add { parent: usize, child: usize },
    Remove { parent: usize, child: usize },
    Reverse { parent: usize, child: usize },
}

/// Greedy hill climbing from the empty graph over `variables` (the context ones); returns each
/// variable's parent mask.
pub(super) fn hill_climb(
    variables: &[Variable],
    scorer: &mut Scorer<'_>,
    max_parents: usize,
    progress: &mut dyn FnMut(&Progress) -> bool,
) -> Result<Vec<u64>, Cancelled> {
    let n = variables.len();
    let mut parents = vec![0u64; n];
    let mut current: Vec<f64> = (0..n).map(|child| scorer.score(child, 0)).collect();
    let most_arcs = (n * max_parents).max(1);
    let in_degree = |mask: u64| mask.count_ones() as usize;
    loop {
        let arcs: usize = parents.iter().map(|&mask| in_degree(mask)).sum();
        report_fit(
            progress,
            0.5 * (arcs as f64 / most_arcs as f64).min(1.0),
            format!("structure search among the context: {arcs} arcs"),
        )?;
        let mut best: Option<(f64, Step)> = None;
        let mut consider = |gain: f64, step: Step| {
            if gain > MIN_GAIN && best.is_none_or(|(best_gain, _)| gain > best_gain) {
                best = Some((gain, step));
            }
        };
        for child in 0..n {
            for parent in 0..n {
                if parent == child {
                    continue;
                }
                let bit = 1u64 << parent;
                if parents[child] & bit != 0 {
                    let without = scorer.score(child, parents[child] & !bit) - current[child];
                    consider(without, Step::Remove { parent, child });
                    if variables[child].may_precede(variables[parent])
                        && in_degree(parents[parent]) < max_parents
                    {
                        let mut removed = parents.clone();
                        removed[child] &= !bit;
                        if !reaches(&removed, parent, child) {
                            let gain = without
                                + scorer.score(parent, parents[parent] | (1 << child))
                                - current[parent];
                            consider(gain, Step::Reverse { parent, child });
                        }
                    }
                } else if variables[parent].may_precede(variables[child])
                    && in_degree(parents[child]) < max_parents
                    && !reaches(&parents, child, parent)
                {
                    let gain = scorer.score(child, parents[child] | bit) - current[child];
                    consider(gain, Step::Add { parent, child });
                }
            }
        }
        let Some((_, step)) = best else {
            return Ok(parents);
        };
        match step {
            Step::Add { parent, child } => parents[child] |= 1 << parent,
            Step::Remove { parent, child } => parents[child] &= !(1 << parent),
            Step::Reverse { parent, child } => {
                parents[child] &= !(1 << parent);
                parents[parent] |= 1 << child;
                current[parent] = scorer.score(parent, parents[parent]);
            }
        }
        let child = match step {
            Step::Add { child, .. } | Step::Remove { child, .. } | Step::Reverse { child, .. } => {
                child
            }
        };
        current[child] = scorer.score(child, parents[child]);
    }
}

/// The best-scoring parent set of `child` with at most `max_parents` members of `candidates`,
/// by trying them all, and its score.
pub(super) fn best_parents(
    scorer: &mut Scorer<'_>,
    child: usize,
    candidates: &[usize],
    max_parents: usize,
) -> (u64, f64) {
    pub(super) fn visit(
        scorer: &mut Scorer<'_>,
        child: usize,
        candidates: &[usize],
        chosen: (u64, usize),
        left: usize,
        best: &mut (u64, f64),
    ) {
        for (i, &candidate) in candidates.iter().enumerate() {
            let mask = chosen.0 | (1 << candidate);
            let score = scorer.score(child, mask);
            if score > best.1 + MIN_GAIN {
                *best = (mask, score);
            }
            if left > 1 {
                visit(
                    scorer,
                    child,
                    &candidates[i + 1..],
                    (mask, chosen.1 + 1),
                    left - 1,
                    best,
                );
            }
        }
    }
    let mut best = (0, scorer.score(child, 0));
    visit(scorer, child, candidates, (0, 0), max_parents, &mut best);
    best
}

/// The next event's verb and resource take their parent sets from the context and from each
/// other, whichever way round scores higher; each set is the best of all (exhaustive search),
/// not a greedy step: these two families are the whole predictor.
pub(super) fn next_event_parents(
    scorer: &mut Scorer<'_>,
    variables: usize,
    max_parents: usize,
) -> (u64, u64) {
    let (verb, resource) = (variables - 2, variables - 1);
    let context: Vec<usize> = (0..verb).collect();
    let with = |other: usize| -> Vec<usize> {
        context
            .iter()
            .copied()
            .chain(std::iter::once(other))
            .collect()
    };
    let verb_alone = best_parents(scorer, verb, &context, max_parents);
    let resource_given_verb = best_parents(scorer, resource, &with(verb), max_parents);
    let resource_alone = best_parents(scorer, resource, &context, max_parents);
    let verb_given_resource = best_parents(scorer, verb, &with(resource), max_parents);
    if verb_alone.1 + resource_given_verb.1 + MIN_GAIN >= resource_alone.1 + verb_given_resource.1 {
        (verb_alone.0, resource_given_verb.0)
    } else {
        (verb_given_resource.0, resource_alone.0)
    }
}
