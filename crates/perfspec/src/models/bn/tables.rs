//! Conditional probability tables with a hierarchical Dirichlet prior, counted from the columns.

use rustc_hash::FxHashMap;

use super::params::{BnParams, CptSmoothing};
use super::variable::Columns;

/// Counts of a child's values under one configuration of (some of) its parents.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Row {
    pub(super) total: u32,
    /// `(child value, count)`, sorted by value.
    pub(super) counts: Vec<(u32, u32)>,
}

impl Row {
    pub(super) fn add(&mut self, value: u32) {
        self.total += 1;
        match self.counts.binary_search_by_key(&value, |&(v, _)| v) {
            Ok(at) => self.counts[at].1 += 1,
            Err(at) => self.counts.insert(at, (value, 1)),
        }
    }
}

/// The smoothed table of one next-event variable.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Cpt {
    /// Index of the child among the network's variables.
    pub(super) child: usize,
    pub(super) cardinality: usize,
    /// Parent variable indices, most informative first (the back-off drops from the end).
    pub(super) parents: Vec<usize>,
    pub(super) parent_cardinalities: Vec<u64>,
    /// `tables[mask]` holds the counts under the parents selected by `mask` (bit i = the i-th
    /// parent), keyed by their values in mixed radix; `tables[0]` is the marginal under key 0.
    pub(super) tables: Vec<FxHashMap<u64, Row>>,
}

impl Cpt {
    /// Mixed-radix key of the parents selected by `mask`; `None` if one of them is unknown.
    pub(super) fn key(&self, mask: usize, values: &[Option<u32>]) -> Option<u64> {
        let mut key = 0u64;
        for (position, &cardinality) in self.parent_cardinalities.iter().enumerate() {
            if mask & (1 << position) != 0 {
                key = key * cardinality + u64::from(values[position]?);
            }
        }
        Some(key)
    }

    /// The add-one marginal of the child, where every back-off ends.
    pub(super) fn marginal(&self) -> Vec<f64> {
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
    pub(super) fn estimate(
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

/// Rows of a next-event variable's table under the context: one, or one per value of the other
/// next-event variable when that is a parent.
pub(super) struct Rows {
    /// Row after row, each `width` long.
    pub(super) values: Vec<f64>,
    pub(super) width: usize,
    pub(super) per_other_value: bool,
}

impl Rows {
    pub(super) fn get(&self, value: u32, other: u32) -> f64 {
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
pub(super) struct Joint {
    pub(super) verbs: Rows,
    pub(super) resources: Rows,
}

impl Joint {
    pub(super) fn probability(&self, verb: u32, resource: u32) -> f64 {
        self.verbs.get(verb, resource) * self.resources.get(resource, verb)
    }
}

/// Counts every subset of each next-event variable's parents in one pass.
pub(super) fn count_tables(
    columns: &Columns,
    child: usize,
    parents: Vec<usize>,
    cardinality: usize,
) -> Cpt {
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
