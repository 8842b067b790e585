//! What a Bayesian network is learned with: the structure score, the tables' smoothing, the search's limits.

use serde::{Deserialize, Serialize};

/// The largest in-degree accepted: 2^4 count tables per next-event variable.
pub(crate) const MAX_PARENTS_LIMIT: usize = 4;
/// A search step must gain at least this much log-score; ties and rounding never move it.
pub(super) const MIN_GAIN: f64 = 1e-9;

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
