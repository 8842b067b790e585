//! A run's whole configuration as a file: how the events were prepared and what was trained how.
//! The page exports it and imports it to restore every setting and reproduce the run.

use serde::{Deserialize, Serialize};

use crate::pipeline::TrainConfig;
use crate::prepare::PrepareOptions;

/// The `format` of every configuration file.
pub const FORMAT: &str = "perfspec-config";
/// The newest `version` this build writes and reads.
pub const VERSION: u64 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunConfig {
    pub format: String,
    pub version: u64,
    pub prepare: PrepareOptions,
    pub train: TrainConfig,
}

impl RunConfig {
    pub fn new(prepare: PrepareOptions, train: TrainConfig) -> Self {
        Self {
            format: FORMAT.into(),
            version: VERSION,
            prepare,
            train,
        }
    }

    pub fn to_json(&self) -> String {
        // Plain data with string keys always serialises.
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Reads a configuration file; the error says what is wrong, and a valid file holds settings
    /// that pass every check a run makes.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|error| format!("not readable JSON (damaged or truncated?): {error}"))?;
        match value.get("format").and_then(serde_json::Value::as_str) {
            Some(FORMAT) => {}
            Some(other) => {
                return Err(format!(
                    "not a PerfSPEC configuration: its format is \"{other}\", not \"{FORMAT}\""
                ))
            }
            None => {
                return Err(format!(
                    "not a PerfSPEC configuration: it has no \"format\": \"{FORMAT}\""
                ))
            }
        }
        match value.get("version").and_then(serde_json::Value::as_u64) {
            Some(version) if (1..=VERSION).contains(&version) => {}
            Some(version) => {
                return Err(format!(
                "the configuration is version {version}; this build reads up to version {VERSION}"
            ))
            }
            None => return Err("\"version\" is not a positive integer".into()),
        }
        let config: RunConfig = serde_json::from_value(value)
            .map_err(|error| format!("the configuration is inconsistent: {error}"))?;
        config.prepare.validate()?;
        config.train.validate()?;
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::SplitMode;
    use crate::models::ModelKind;

    #[test]
    fn a_configuration_reads_back_as_written() {
        let mut prepare = PrepareOptions::perfspec();
        prepare.drop_failed = true;
        let train = TrainConfig {
            models: vec![ModelKind::Bn, ModelKind::Lstm],
            windows: vec![1, 3],
            k: 5,
            split: SplitMode::Random,
            seed: 99,
            ..TrainConfig::default()
        };
        let config = RunConfig::new(prepare, train);
        assert_eq!(RunConfig::from_json(&config.to_json()).unwrap(), config);
    }

    #[test]
    fn wrong_files_are_refused_with_the_reason() {
        let good = RunConfig::new(PrepareOptions::perfspec(), TrainConfig::default()).to_json();
        assert!(RunConfig::from_json("{")
            .unwrap_err()
            .contains("not readable JSON"));
        assert!(RunConfig::from_json(r#"{"format": "perfspec-model"}"#)
            .unwrap_err()
            .contains("perfspec-model"));
        let future = good.replace("\"version\": 1", "\"version\": 7");
        assert!(RunConfig::from_json(&future)
            .unwrap_err()
            .contains("version 7"));
        let bad_k = good.replace("\"k\": 9", "\"k\": 0");
        assert!(RunConfig::from_json(&bad_k)
            .unwrap_err()
            .contains("k must be"));
    }
}
