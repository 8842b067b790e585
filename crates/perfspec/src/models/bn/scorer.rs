//! The decomposable score of a family (a variable and its parents), cached.

use rustc_hash::FxHashMap;

use super::params::{BnParams, StructureScore};
use super::parent_sets::bits;
use super::variable::Columns;

/// Scores families (a child and a parent set) on the training columns, with a cache.
pub(super) struct Scorer<'a> {
    pub(super) columns: &'a Columns,
    pub(super) params: &'a BnParams,
    pub(super) cache: FxHashMap<(usize, u64), f64>,
    pub(super) keys: Vec<u64>,
}

impl<'a> Scorer<'a> {
    pub(super) fn new(columns: &'a Columns, params: &'a BnParams) -> Self {
        Self {
            columns,
            params,
            cache: FxHashMap::default(),
            keys: Vec::with_capacity(columns.rows),
        }
    }

    /// The family's score; minus infinity when its table cannot even be indexed.
    pub(super) fn score(&mut self, child: usize, parents: u64) -> f64 {
        if let Some(&score) = self.cache.get(&(child, parents)) {
            return score;
        }
        let score = self.compute(child, parents).unwrap_or(f64::NEG_INFINITY);
        self.cache.insert((child, parents), score);
        score
    }

    pub(super) fn compute(&mut self, child: usize, parents: u64) -> Option<f64> {
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
