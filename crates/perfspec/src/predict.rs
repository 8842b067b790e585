//! Predicting the next events after a context given by name, as a user types it.
//!
//! An event type the model does not know is not an error: it is unseen evidence. Models read the
//! most recent events in order and an unknown one has no id, so the context restarts after it,
//! and the model answers from the known events that follow, as it answers any context it has not
//! seen (the n-gram backs off, the Bayesian network drops the missing parents). What was ignored
//! is reported. Security engineers paste contexts from live clusters, where new types appear;
//! refusing them would make prediction useless exactly when it is needed.

use serde::{Deserialize, Serialize};

use crate::models::NextEventModel;
use crate::vocabulary::Vocabulary;

/// One candidate next event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prediction {
    #[serde(rename = "type")]
    pub name: String,
    pub probability: f64,
}

/// A model's answer to a named context.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NamedPrediction {
    /// The events the model read: the known ones after the last unknown, cut to its window.
    pub context: Vec<String>,
    /// Types of the given context the model does not know.
    pub ignored: Vec<String>,
    /// Most probable first.
    pub predictions: Vec<Prediction>,
}

/// The `k` most probable next events after `context` (oldest first).
pub fn predict_named(
    model: &dyn NextEventModel,
    vocabulary: &Vocabulary,
    context: &[&str],
    k: usize,
) -> NamedPrediction {
    let ignored: Vec<String> = context
        .iter()
        .filter(|name| vocabulary.id(name).is_none())
        .map(|name| name.to_string())
        .collect();
    // Everything up to the last unknown type is cut: what the model sees must be consecutive.
    let start = context
        .iter()
        .rposition(|name| vocabulary.id(name).is_none())
        .map_or(0, |position| position + 1);
    let known = &context[start..];
    let used = &known[known.len().saturating_sub(model.window())..];
    let ids: Vec<u32> = used.iter().filter_map(|name| vocabulary.id(name)).collect();
    let predictions = model
        .top_k(&ids, k)
        .into_iter()
        .map(|(id, probability)| Prediction {
            name: vocabulary.name(id).to_string(),
            probability,
        })
        .collect();
    NamedPrediction {
        context: used.iter().map(|name| name.to_string()).collect(),
        ignored,
        predictions,
    }
}

/// Splits a typed context (`create_pods, update_secrets` or one per line) into type names.
pub fn parse_context(text: &str) -> Vec<&str> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|name| !name.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contexts_split_on_commas_and_whitespace() {
        assert_eq!(
            parse_context(" create_pods,update_secrets\nget_pods ,, "),
            vec!["create_pods", "update_secrets", "get_pods"]
        );
        assert!(parse_context(" , ").is_empty());
    }
}
