//! The network as model files keep it, and its checks when read back.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::parent_sets::{bits, reaches};
use super::tables::{Cpt, Row};
use super::variable::Variable;
use crate::models::factors::Factors;
use crate::models::learner::SavedRow;

/// Checks a saved structure: indices, the arrow of time, the in-degree, and no cycle.
pub(super) fn check_structure(
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
pub(super) fn restore_cpt(
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
pub(super) struct SavedNetwork {
    /// Variable names, in index order (checked against the window on load).
    pub(super) variables: Vec<String>,
    /// Each variable's parents by index; the next-event variables' in back-off order.
    pub(super) parents: Vec<Vec<usize>>,
    /// For each next-event variable, one table per subset of its parents.
    pub(super) tables: Vec<SavedTable>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct SavedTable {
    pub(super) child: usize,
    /// Parent indices in the child's back-off order.
    pub(super) parents: Vec<usize>,
    /// `(parent values, [(child value, count)])`, sorted.
    pub(super) rows: Vec<SavedRow>,
}
