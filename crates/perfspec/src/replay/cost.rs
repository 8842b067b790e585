//! What verifying one event costs: one figure, or a figure per event type.

use serde::{Deserialize, Serialize};

use crate::prepare::vocabulary::Vocabulary;

/// The verification cost of each event type, in ms: `default_ms` for every type that
/// `per_type` does not name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct VerificationCost {
    /// The cost of every type not in `per_type`, in ms.
    pub default_ms: f64,
    /// `(type name, ms)`, as a cost file lists them.
    pub per_type: Vec<(String, f64)>,
}

/// 600 ms for every type: the paper's runtime verification without precomputation.
impl Default for VerificationCost {
    fn default() -> Self {
        Self::uniform(600.0)
    }
}

impl VerificationCost {
    /// The same cost for every type.
    pub fn uniform(ms: f64) -> Self {
        Self {
            default_ms: ms,
            per_type: Vec::new(),
        }
    }

    /// Reads a two-column CSV `type,cost_ms` (a first line whose second column is not a
    /// number is a header and skipped; blank lines and lines starting with `#` too); types it
    /// does not name cost `default_ms`. The error names the line that is wrong, or says that no
    /// line gave a cost.
    pub fn from_csv(text: &str, default_ms: f64) -> Result<Self, String> {
        let mut per_type = Vec::new();
        for (index, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((name, cost)) = line.split_once(',') else {
                return Err(format!(
                    "line {}: expected `type,cost_ms`, found \"{line}\"",
                    index + 1
                ));
            };
            let (name, cost) = (name.trim().trim_matches('"'), cost.trim().trim_matches('"'));
            match cost.parse::<f64>() {
                Ok(ms) if ms.is_finite() && ms >= 0.0 => per_type.push((name.to_string(), ms)),
                Ok(_) => {
                    return Err(format!(
                        "line {}: the cost of {name} must be zero or more milliseconds",
                        index + 1
                    ))
                }
                // A header names its columns; only the first line may be one.
                Err(_) if per_type.is_empty() && index == 0 => {}
                Err(_) => {
                    return Err(format!(
                        "line {}: \"{cost}\" is not a number of milliseconds",
                        index + 1
                    ))
                }
            }
        }
        if per_type.is_empty() {
            return Err("no `type,cost_ms` line with a number of milliseconds".into());
        }
        let cost = Self {
            default_ms,
            per_type,
        };
        cost.validate()?;
        Ok(cost)
    }

    /// Every figure finite and not negative.
    pub fn validate(&self) -> Result<(), String> {
        if !(self.default_ms.is_finite() && self.default_ms >= 0.0) {
            return Err("the verification cost must be zero or more milliseconds".into());
        }
        if let Some((name, _)) = self
            .per_type
            .iter()
            .find(|(_, ms)| !(ms.is_finite() && *ms >= 0.0))
        {
            return Err(format!(
                "the verification cost of {name} must be zero or more milliseconds"
            ));
        }
        Ok(())
    }

    /// The cost of every type of `vocabulary`, by id, and the names in `per_type` that are no
    /// type of it (to warn about: a misspelt type would otherwise silently cost the default).
    /// A name listed twice takes its last cost.
    pub fn resolve(&self, vocabulary: &Vocabulary) -> (Vec<f64>, Vec<String>) {
        let mut costs = vec![self.default_ms; vocabulary.len()];
        let mut unknown = Vec::new();
        for (name, ms) in &self.per_type {
            match vocabulary.id(name) {
                Some(id) => costs[id as usize] = *ms,
                None => unknown.push(name.clone()),
            }
        }
        (costs, unknown)
    }

    /// Words for tables: `600 ms` or `per type (12 listed, others 600 ms)`.
    pub fn describe(&self) -> String {
        if self.per_type.is_empty() {
            format!("{} ms", self.default_ms)
        } else {
            format!(
                "per type ({} listed, others {} ms)",
                self.per_type.len(),
                self.default_ms
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cost_file_with_a_header_sets_the_types_it_names() {
        let mut vocabulary = Vocabulary::default();
        vocabulary.intern("create", "pods");
        vocabulary.intern("delete", "pods");
        let cost = VerificationCost::from_csv(
            "type,cost_ms\ncreate_pods, 250\n\n# slow\nupdate_nodes,9\n",
            600.0,
        )
        .unwrap();
        let (costs, unknown) = cost.resolve(&vocabulary);
        assert_eq!(costs, vec![250.0, 600.0]);
        assert_eq!(unknown, vec!["update_nodes".to_string()]);
        assert!(VerificationCost::from_csv("create_pods,fast\n", 600.0).is_err());
        assert!(VerificationCost::from_csv("create_pods,1\ndelete_pods,x\n", 600.0).is_err());
        assert!(VerificationCost::from_csv("create_pods,-1\n", 600.0).is_err());
        assert!(VerificationCost::from_csv("create_pods\n", 600.0).is_err());
    }
}
