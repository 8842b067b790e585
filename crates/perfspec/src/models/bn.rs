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
//! `½ ln N · q (r − 1)` for every cell of a table, observed or not: `resource(t-1) →
//! resource(t)` (q = r ≈ 100) costs ~35,000 nats on the sample's 1,500 training windows, far more
//! than it can gain, and BIC keeps only `verb(t-1) → verb(t)`. BDeu spreads its equivalent sample
//! size over all `q` parent configurations, most of which never occur, so each observed one gets
//! almost no prior and an informative parent with many values is penalised: at the usual ESS of
//! 1–10 it learns `resource(t)` from `verb(t)` alone, 15 points of top-9 below the n-gram. BDs spreads
//! the same prior over the configurations that occur. With an ESS of 30–100 it learns
//! `verb(t-1), verb(t-2) → verb(t)` and `resource(t-1), verb(t) → resource(t)` on the sample's
//! chronological split at window 2, and results hardly move within that range (50 is the
//! default). In-degree 2 gives the same structures on the sample as 3 or 4, at a quarter of the
//! fit time.
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

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::{report_fit, Edge, Factors, FitData, Learner, ModelKind, NextEventModel, SavedRow};
use crate::progress::{Cancelled, Progress};
use crate::prepare::vocabulary::Vocabulary;

/// The largest in-degree accepted: 2^4 count tables per next-event variable.
pub const MAX_PARENTS_LIMIT: usize = 4;
/// A search step must gain at least this much log-score; ties and rounding never move it.
const MIN_GAIN: f64 = 1e-9;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StructureScore {
    /// Bayesian Dirichlet sparse (Scutari 2016): BDeu's uniform prior spread over the parent
    /// configurations that occur in the data rather than over all of them.
    #[default]
    Bds,
    /// Bayesian Dirichlet, likelihood-equivalent, uniform prior with an equivalent sample size.
    Bdeu,
    /// Bayesian information criterion (maximum likelihood less ½ ln N per free parameter).
    Bic,
}

/// The strength `a` of a table row's prior, the back-off to fewer parents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CptSmoothing {
    /// `a` = the number of distinct values seen in the row, as the n-gram's Witten-Bell: a row
    /// that has seen many different children trusts its counts less. Nothing to tune.
    #[default]
    WittenBell,
    /// A fixed `a` ([`BnParams::prior_strength`]).
    Dirichlet,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BnParams {
    pub score: StructureScore,
    /// Most parents any variable may have (1..=4).
    pub max_parents: usize,
    /// BDs' and BDeu's equivalent sample size: the weight of their uniform prior, in windows.
    pub equivalent_sample_size: f64,
    /// How much of a table's row is left to the back-off.
    pub smoothing: CptSmoothing,
    /// `a` of [`CptSmoothing::Dirichlet`], in windows.
    pub prior_strength: f64,
    /// Whether the previous events' whole types are variables too, beside their verb and
    /// resource.
    pub event_variables: bool,
}

impl Default for BnParams {
    fn default() -> Self {
        Self {
            score: StructureScore::Bds,
            max_parents: 2,
            equivalent_sample_size: 50.0,
            smoothing: CptSmoothing::WittenBell,
            prior_strength: 1.0,
            event_variables: true,
        }
    }
}

impl BnParams {
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=MAX_PARENTS_LIMIT).contains(&self.max_parents) {
            return Err(format!(
                "the Bayesian network's maximum number of parents must be 1..={MAX_PARENTS_LIMIT}"
            ));
        }
        if !(self.equivalent_sample_size > 0.0 && self.equivalent_sample_size.is_finite()) {
            return Err("the Bayesian network's equivalent sample size must be positive".into());
        }
        if !(self.prior_strength > 0.0 && self.prior_strength.is_finite()) {
            return Err("the Bayesian network's prior strength must be positive".into());
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Feature {
    Event,
    Verb,
    Resource,
}

/// A variable of the network: one feature of the event `lag` steps back (0 = the next event).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Variable {
    feature: Feature,
    lag: usize,
}

impl Variable {
    fn name(self) -> String {
        let feature = match self.feature {
            Feature::Event => "event",
            Feature::Verb => "verb",
            Feature::Resource => "resource",
        };
        match self.lag {
            0 => format!("{feature}(t)"),
            lag => format!("{feature}(t-{lag})"),
        }
    }

    fn cardinality(self, factors: &Factors) -> usize {
        match self.feature {
            Feature::Event => factors.type_verb.len(),
            Feature::Verb => factors.verbs.len(),
            Feature::Resource => factors.resources.len(),
        }
    }

    /// The variable's value for event type `id`.
    fn of_type(self, factors: &Factors, id: u32) -> Option<u32> {
        match self.feature {
            Feature::Event => ((id as usize) < factors.type_verb.len()).then_some(id),
            Feature::Verb => factors.type_verb.get(id as usize).copied(),
            Feature::Resource => factors.type_resource.get(id as usize).copied(),
        }
    }

    /// Whether an arc `self → child` is allowed: never from a later event to an earlier one.
    fn may_precede(self, child: Variable) -> bool {
        self != child && self.lag >= child.lag
    }
}

/// The variables for a window, most recent event first, the next event's verb and resource last.
fn variables(window: usize, event_variables: bool) -> Vec<Variable> {
    let mut variables = Vec::with_capacity(3 * window + 2);
    for lag in 1..=window {
        if event_variables {
            variables.push(Variable {
                feature: Feature::Event,
                lag,
            });
        }
        for feature in [Feature::Verb, Feature::Resource] {
            variables.push(Variable { feature, lag });
        }
    }
    for feature in [Feature::Verb, Feature::Resource] {
        variables.push(Variable { feature, lag: 0 });
    }
    variables
}

/// Counts of a child's values under one configuration of (some of) its parents.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Row {
    total: u32,
    /// `(child value, count)`, sorted by value.
    counts: Vec<(u32, u32)>,
}

impl Row {
    fn add(&mut self, value: u32) {
        self.total += 1;
        match self.counts.binary_search_by_key(&value, |&(v, _)| v) {
            Ok(at) => self.counts[at].1 += 1,
            Err(at) => self.counts.insert(at, (value, 1)),
        }
    }
}

/// The smoothed table of one next-event variable.
#[derive(Debug, Clone, PartialEq)]
struct Cpt {
    /// Index of the child among the network's variables.
    child: usize,
    cardinality: usize,
    /// Parent variable indices, most informative first (the back-off drops from the end).
    parents: Vec<usize>,
    parent_cardinalities: Vec<u64>,
    /// `tables[mask]` holds the counts under the parents selected by `mask` (bit i = the i-th
    /// parent), keyed by their values in mixed radix; `tables[0]` is the marginal under key 0.
    tables: Vec<FxHashMap<u64, Row>>,
}

impl Cpt {
    /// Mixed-radix key of the parents selected by `mask`; `None` if one of them is unknown.
    fn key(&self, mask: usize, values: &[Option<u32>]) -> Option<u64> {
        let mut key = 0u64;
        for (position, &cardinality) in self.parent_cardinalities.iter().enumerate() {
            if mask & (1 << position) != 0 {
                key = key * cardinality + u64::from(values[position]?);
            }
        }
        Some(key)
    }

    /// The add-one marginal of the child, where every back-off ends.
    fn marginal(&self) -> Vec<f64> {
        let row = self.tables[0].get(&0);
        let denominator = row.map_or(0.0, |row| f64::from(row.total)) + self.cardinality as f64;
        let mut out = vec![1.0 / denominator; self.cardinality];
        for &(value, count) in row.map_or(&[][..], |row| &row.counts) {
            if let Some(p) = out.get_mut(value as usize) {
                *p += f64::from(count) / denominator;
            }
        }
        out
    }

    /// Writes `P(child | the known parents)` into `out` (length = the child's cardinality),
    /// starting from `marginal` ([`Cpt::marginal`]); `values[i]` is the i-th parent's value,
    /// `None` when unknown.
    fn estimate(
        &self,
        values: &[Option<u32>],
        marginal: &[f64],
        params: &BnParams,
        out: &mut [f64],
    ) {
        let (smoothing, prior_strength) = (params.smoothing, params.prior_strength);
        out.copy_from_slice(marginal);
        let mut mask = 0;
        for (position, value) in values.iter().enumerate() {
            if value.is_none() {
                continue;
            }
            mask |= 1 << position;
            let Some(row) = self
                .key(mask, values)
                .and_then(|key| self.tables[mask].get(&key))
            else {
                // No longer configuration containing this one can have been seen either.
                break;
            };
            let strength = match smoothing {
                CptSmoothing::WittenBell => row.counts.len() as f64,
                CptSmoothing::Dirichlet => prior_strength,
            };
            let denominator = f64::from(row.total) + strength;
            let keep = strength / denominator;
            for p in out.iter_mut() {
                *p *= keep;
            }
            for &(value, count) in &row.counts {
                if let Some(p) = out.get_mut(value as usize) {
                    *p += f64::from(count) / denominator;
                }
            }
        }
    }
}

/// Training windows as one column of values per variable.
struct Columns {
    values: Vec<Vec<u32>>,
    cardinalities: Vec<u64>,
    rows: usize,
}

impl Columns {
    fn new(data: &FitData<'_>, variables: &[Variable], factors: &Factors) -> Self {
        let window = data.train.window;
        let mut values: Vec<Vec<u32>> = variables
            .iter()
            .map(|_| Vec::with_capacity(data.train.len()))
            .collect();
        for (context, target) in data.train.iter() {
            // A window whose ids fall outside the vocabulary cannot be placed; skip it whole.
            let row: Option<Vec<u32>> = variables
                .iter()
                .map(|variable| {
                    let id = match variable.lag {
                        0 => target,
                        lag => context[window - lag],
                    };
                    variable.of_type(factors, id)
                })
                .collect();
            if let Some(row) = row {
                for (column, value) in values.iter_mut().zip(row) {
                    column.push(value);
                }
            }
        }
        let rows = values.first().map_or(0, Vec::len);
        Self {
            values,
            cardinalities: variables
                .iter()
                .map(|variable| variable.cardinality(factors).max(1) as u64)
                .collect(),
            rows,
        }
    }
}

/// Scores families (a child and a parent set) on the training columns, with a cache.
struct Scorer<'a> {
    columns: &'a Columns,
    params: &'a BnParams,
    cache: FxHashMap<(usize, u64), f64>,
    keys: Vec<u64>,
}

impl<'a> Scorer<'a> {
    fn new(columns: &'a Columns, params: &'a BnParams) -> Self {
        Self {
            columns,
            params,
            cache: FxHashMap::default(),
            keys: Vec::with_capacity(columns.rows),
        }
    }

    /// The family's score; minus infinity when its table cannot even be indexed.
    fn score(&mut self, child: usize, parents: u64) -> f64 {
        if let Some(&score) = self.cache.get(&(child, parents)) {
            return score;
        }
        let score = self.compute(child, parents).unwrap_or(f64::NEG_INFINITY);
        self.cache.insert((child, parents), score);
        score
    }

    fn compute(&mut self, child: usize, parents: u64) -> Option<f64> {
        let columns = self.columns;
        let parent_list: Vec<usize> = bits(parents).collect();
        let r = columns.cardinalities[child];
        let q = parent_list
            .iter()
            .try_fold(1u64, |q, &p| q.checked_mul(columns.cardinalities[p]))?;
        q.checked_mul(r)?;
        self.keys.clear();
        for row in 0..columns.rows {
            let config = parent_list.iter().fold(0u64, |key, &p| {
                key * columns.cardinalities[p] + u64::from(columns.values[p][row])
            });
            self.keys
                .push(config * r + u64::from(columns.values[child][row]));
        }
        self.keys.sort_unstable();
        // Runs of equal keys are cells (N_jk), runs of equal key / r configurations (N_j):
        // `cells` holds each configuration's cell counts, `configurations` its N_j and where
        // its cells end.
        let mut cells: Vec<f64> = Vec::new();
        let mut configurations: Vec<(f64, usize)> = Vec::new();
        let mut start = 0;
        while start < self.keys.len() {
            let config = self.keys[start] / r;
            let mut end = start;
            while end < self.keys.len() && self.keys[end] / r == config {
                let cell_start = end;
                while end < self.keys.len() && self.keys[end] == self.keys[cell_start] {
                    end += 1;
                }
                cells.push((end - cell_start) as f64);
            }
            configurations.push(((end - start) as f64, cells.len()));
            start = end;
        }
        let (q, r) = (q as f64, r as f64);
        let ess = self.params.equivalent_sample_size;
        let mut score = 0.0;
        let mut cell_start = 0;
        match self.params.score {
            StructureScore::Bds | StructureScore::Bdeu => {
                // Only observed configurations contribute; they differ in how much prior each
                // gets.
                let spread_over = match self.params.score {
                    StructureScore::Bds => configurations.len().max(1) as f64,
                    _ => q,
                };
                let (alpha_j, alpha_jk) = (ess / spread_over, ess / (spread_over * r));
                let (lg_alpha_j, lg_alpha_jk) = (libm::lgamma(alpha_j), libm::lgamma(alpha_jk));
                for &(n_j, cell_end) in &configurations {
                    score += lg_alpha_j - libm::lgamma(alpha_j + n_j);
                    for &n_jk in &cells[cell_start..cell_end] {
                        score += libm::lgamma(alpha_jk + n_jk) - lg_alpha_jk;
                    }
                    cell_start = cell_end;
                }
            }
            StructureScore::Bic => {
                for &(n_j, cell_end) in &configurations {
                    for &n_jk in &cells[cell_start..cell_end] {
                        score += n_jk * (n_jk / n_j).ln();
                    }
                    cell_start = cell_end;
                }
                let n = columns.rows.max(1) as f64;
                score -= 0.5 * n.ln() * q * (r - 1.0);
            }
        }
        Some(score)
    }
}

/// The set bits of a mask, lowest first.
fn bits(mask: u64) -> impl Iterator<Item = usize> {
    (0..64).filter(move |bit| mask & (1u64 << bit) != 0)
}

/// Whether a directed path leads from `from` to `to`; `parents[v]` is v's parent mask.
fn reaches(parents: &[u64], from: usize, to: usize) -> bool {
    let mut seen = 1u64 << from;
    let mut frontier = seen;
    while frontier != 0 {
        let mut next = 0u64;
        for (child, &mask) in parents.iter().enumerate() {
            if mask & frontier != 0 && seen & (1 << child) == 0 {
                next |= 1 << child;
            }
        }
        if next & (1 << to) != 0 {
            return true;
        }
        seen |= next;
        frontier = next;
    }
    false
}

#[derive(Debug, Clone, Copy)]
enum Step {
    Add { parent: usize, child: usize },
    Remove { parent: usize, child: usize },
    Reverse { parent: usize, child: usize },
}

/// Greedy hill climbing from the empty graph over `variables` (the context ones); returns each
/// variable's parent mask.
fn hill_climb(
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
fn best_parents(
    scorer: &mut Scorer<'_>,
    child: usize,
    candidates: &[usize],
    max_parents: usize,
) -> (u64, f64) {
    fn visit(
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
fn next_event_parents(scorer: &mut Scorer<'_>, variables: usize, max_parents: usize) -> (u64, u64) {
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

/// Rows of a next-event variable's table under the context: one, or one per value of the other
/// next-event variable when that is a parent.
struct Rows {
    /// Row after row, each `width` long.
    values: Vec<f64>,
    width: usize,
    per_other_value: bool,
}

impl Rows {
    fn get(&self, value: u32, other: u32) -> f64 {
        let row = if self.per_other_value {
            other as usize
        } else {
            0
        };
        if value as usize >= self.width {
            return 0.0;
        }
        self.values
            .get(row * self.width + value as usize)
            .copied()
            .unwrap_or(0.0)
    }
}

/// `P(verb(t), resource(t) | context)` in factored form.
struct Joint {
    verbs: Rows,
    resources: Rows,
}

impl Joint {
    fn probability(&self, verb: u32, resource: u32) -> f64 {
        self.verbs.get(verb, resource) * self.resources.get(resource, verb)
    }
}

/// Counts every subset of each next-event variable's parents in one pass.
fn count_tables(columns: &Columns, child: usize, parents: Vec<usize>, cardinality: usize) -> Cpt {
    let parent_cardinalities: Vec<u64> =
        parents.iter().map(|&p| columns.cardinalities[p]).collect();
    let mut cpt = Cpt {
        child,
        cardinality,
        tables: vec![FxHashMap::default(); 1 << parents.len()],
        parents,
        parent_cardinalities,
    };
    let mut values = vec![None; cpt.parents.len()];
    for row in 0..columns.rows {
        for (value, &p) in values.iter_mut().zip(&cpt.parents) {
            *value = Some(columns.values[p][row]);
        }
        let child_value = columns.values[child][row];
        for mask in 0..cpt.tables.len() {
            if let Some(key) = cpt.key(mask, &values) {
                cpt.tables[mask].entry(key).or_default().add(child_value);
            }
        }
    }
    cpt
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

/// Checks a saved structure: indices, the arrow of time, the in-degree, and no cycle.
fn check_structure(
    parents: &[Vec<usize>],
    variables: &[Variable],
    max_parents: usize,
) -> Result<Vec<Vec<usize>>, String> {
    let n = variables.len();
    if parents.len() != n {
        return Err(format!(
            "the network lists parents for {} variables, not {n}",
            parents.len()
        ));
    }
    let mut masks = vec![0u64; n];
    for (child, list) in parents.iter().enumerate() {
        if list.len() > max_parents {
            return Err(format!(
                "{} has {} parents, more than the {max_parents} allowed",
                variables[child].name(),
                list.len()
            ));
        }
        for &parent in list {
            let Some(&variable) = variables.get(parent) else {
                return Err(format!("parent index {parent} is not a variable"));
            };
            if !variable.may_precede(variables[child]) {
                return Err(format!(
                    "the arc {} → {} points back in time or to itself",
                    variable.name(),
                    variables[child].name()
                ));
            }
            if masks[child] & (1 << parent) != 0 {
                return Err(format!("{} is listed twice as a parent", variable.name()));
            }
            masks[child] |= 1 << parent;
        }
    }
    for (child, &mask) in masks.iter().enumerate() {
        if bits(mask).any(|parent| reaches(&masks, child, parent)) {
            return Err(format!(
                "the structure has a cycle through {}",
                variables[child].name()
            ));
        }
    }
    Ok(parents.to_vec())
}

/// Rebuilds one next-event variable's tables, checking every value against its variable.
fn restore_cpt(
    tables: &[SavedTable],
    child: usize,
    parents: &[usize],
    variables: &[Variable],
    factors: &Factors,
    names: &[String],
) -> Result<Cpt, String> {
    let cardinality = variables[child].cardinality(factors);
    let parent_cardinalities: Vec<u64> = parents
        .iter()
        .map(|&p| variables[p].cardinality(factors) as u64)
        .collect();
    if parent_cardinalities
        .iter()
        .try_fold(cardinality as u64, |product, &c| product.checked_mul(c))
        .is_none()
    {
        return Err(format!(
            "the table of {} has more cells than can be indexed",
            names[child]
        ));
    }
    let mut cpt = Cpt {
        child,
        cardinality,
        parents: parents.to_vec(),
        parent_cardinalities,
        tables: Vec::with_capacity(1 << parents.len()),
    };
    for mask in 0..1usize << parents.len() {
        let subset: Vec<usize> = bits(mask as u64).map(|i| parents[i]).collect();
        let label = || {
            let given: Vec<&str> = subset.iter().map(|&p| names[p].as_str()).collect();
            format!("the table of {} given ({})", names[child], given.join(", "))
        };
        let mut found = tables
            .iter()
            .filter(|table| table.child == child && table.parents == subset);
        let (Some(saved), None) = (found.next(), found.next()) else {
            return Err(format!("{} is missing or given twice", label()));
        };
        let mut table = FxHashMap::default();
        for (values, counts) in &saved.rows {
            if values.len() != subset.len() {
                return Err(format!("{} has a row of the wrong length", label()));
            }
            let mut key = 0u64;
            for (&value, &p) in values.iter().zip(&subset) {
                let limit = variables[p].cardinality(factors);
                if value as usize >= limit {
                    return Err(format!(
                        "{}: {} has no value {value} (it has {limit})",
                        label(),
                        names[p]
                    ));
                }
                key = key * limit as u64 + u64::from(value);
            }
            let mut row = Row::default();
            for &(value, count) in counts {
                if value as usize >= cardinality || count == 0 {
                    return Err(format!("{}: bad count {count} of value {value}", label()));
                }
                if row.counts.last().is_some_and(|&(last, _)| last >= value) {
                    return Err(format!("{}: values not in increasing order", label()));
                }
                row.total = row
                    .total
                    .checked_add(count)
                    .ok_or_else(|| format!("{}: counts overflow", label()))?;
                row.counts.push((value, count));
            }
            if row.counts.is_empty() || table.insert(key, row).is_some() {
                return Err(format!("{} has an empty or repeated row", label()));
            }
        }
        cpt.tables.push(table);
    }
    Ok(cpt)
}

/// The network as a model file holds it.
#[derive(Debug, Serialize, Deserialize)]
struct SavedNetwork {
    /// Variable names, in index order (checked against the window on load).
    variables: Vec<String>,
    /// Each variable's parents by index; the next-event variables' in back-off order.
    parents: Vec<Vec<usize>>,
    /// For each next-event variable, one table per subset of its parents.
    tables: Vec<SavedTable>,
}

#[derive(Debug, Serialize, Deserialize)]
struct SavedTable {
    child: usize,
    /// Parent indices in the child's back-off order.
    parents: Vec<usize>,
    /// `(parent values, [(child value, count)])`, sorted.
    rows: Vec<SavedRow>,
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
        let best = crate::models::argmax(&out);
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
