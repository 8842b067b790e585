//! The learners by name: the one list every table, chart, file and flag follows.

use serde::{Deserialize, Serialize};

/// The learners, in the order the comparison table lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelKind {
    Ngram,
    Bn,
    Lstm,
    Mfe,
    Repeat,
    Compose,
}

impl ModelKind {
    pub const ALL: [ModelKind; 6] = [
        ModelKind::Ngram,
        ModelKind::Bn,
        ModelKind::Lstm,
        ModelKind::Mfe,
        ModelKind::Repeat,
        // Last, so that the models before it keep their place and colour in every chart.
        ModelKind::Compose,
    ];

    /// The name used on the command line, in result files and in model files.
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Ngram => "ngram",
            ModelKind::Bn => "bn",
            ModelKind::Lstm => "lstm",
            ModelKind::Mfe => "mfe",
            ModelKind::Repeat => "repeat",
            ModelKind::Compose => "compose",
        }
    }

    /// The name of the approach in the comparison table (the paper's, for its three).
    pub fn approach(self) -> &'static str {
        match self {
            ModelKind::Ngram => "n-grams",
            ModelKind::Bn => "Bayesian network",
            ModelKind::Lstm => "LSTM",
            ModelKind::Mfe => "most frequent",
            ModelKind::Repeat => "repeat last",
            ModelKind::Compose => "compositional",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.name() == name)
    }

    /// False for a kind that is named (so that configurations and files can carry it) but whose
    /// learner this build does not have yet.
    pub fn is_built(self) -> bool {
        match self {
            ModelKind::Ngram
            | ModelKind::Bn
            | ModelKind::Lstm
            | ModelKind::Mfe
            | ModelKind::Repeat
            | ModelKind::Compose => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_their_names() {
        for kind in ModelKind::ALL {
            assert_eq!(ModelKind::parse(kind.name()), Some(kind));
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.name()));
        }
        assert_eq!(ModelKind::parse("svm"), None);
    }
}
