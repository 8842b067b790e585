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
use crate::prepare::vocabulary::Vocabulary;

/// One candidate next event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prediction {
    #[serde(rename = "type")]
    pub name: String,
    pub probability: f64,
    /// A type the model never saw in training (it composed it from a known verb and resource).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub new: bool,
}

/// A model's answer to a named context.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NamedPrediction {
    /// The events the model read: the known ones after the last unknown, cut to its window (or,
    /// for a model that reads the sequence so far, to its reach).
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
    let used = &known[known.len().saturating_sub(model.history_reach())..];
    let ids: Vec<u32> = used.iter().filter_map(|name| vocabulary.id(name)).collect();
    let mut distribution = vec![0.0; model.vocabulary_size()];
    model.distribution_after(&ids, &mut distribution);
    let seen = model.seen_in_training();
    let predictions = crate::models::top_k(&distribution, k)
        .into_iter()
        .map(|(id, probability)| Prediction {
            name: vocabulary.name(id).to_string(),
            probability,
            new: seen.is_some_and(|seen| !seen[id as usize]),
        })
        .collect();
    NamedPrediction {
        context: used.iter().map(|name| name.to_string()).collect(),
        ignored,
        predictions,
    }
}

/// One test event and the compositional factors behind a model's best candidates for it, for
/// the Review section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestEventExplanation {
    /// 1-based, among the test windows.
    pub index: usize,
    pub test_windows: usize,
    /// The latest events before it (up to the model's reach, at most [`EXPLAINED_HISTORY`]),
    /// oldest first.
    pub history: Vec<String>,
    /// The event that came next.
    pub actual: String,
    /// Whether the next event's type occurs in training.
    pub actual_seen_in_training: bool,
    /// 1-based rank of the next event among the model's candidates, when within the listed ones.
    pub actual_rank: Option<usize>,
    pub candidates: Vec<crate::models::PairExplanation>,
}

/// Events of the history shown with an explanation.
pub const EXPLAINED_HISTORY: usize = 12;

/// Explains test window `index` (0-based) of `test` with `model`'s best `k` pairs; None for a
/// model that does not compose verb and resource, or an index beyond the test windows.
pub fn explain_test_event(
    model: &dyn NextEventModel,
    vocabulary: &Vocabulary,
    test: &crate::dataset::Windows,
    index: usize,
    k: usize,
) -> Option<TestEventExplanation> {
    if index >= test.len() {
        return None;
    }
    let history = test.history(index);
    let candidates = model.explain_pairs(history, k)?;
    let actual = test.target(index);
    let event_type = &vocabulary.types()[actual as usize];
    let actual_rank = candidates
        .iter()
        .position(|c| c.verb == event_type.verb && c.resource == event_type.resource)
        .map(|position| position + 1);
    let shown = &history[history
        .len()
        .saturating_sub(EXPLAINED_HISTORY.min(model.history_reach()))..];
    Some(TestEventExplanation {
        index: index + 1,
        test_windows: test.len(),
        history: shown
            .iter()
            .map(|&id| vocabulary.name(id).to_string())
            .collect(),
        actual: vocabulary.name(actual).to_string(),
        actual_seen_in_training: model
            .seen_in_training()
            .is_none_or(|seen| seen[actual as usize]),
        actual_rank,
        candidates,
    })
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
