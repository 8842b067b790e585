//! A run's whole configuration as a file: how the events were prepared and what was trained how.
//! The page exports it and imports it to restore every setting and reproduce the run.

use serde::{Deserialize, Serialize};

use crate::pipeline::TrainConfig;
use crate::prepare::PrepareOptions;
use crate::replay::ReplayConfig;

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
    /// The Replay section's settings; files written before it existed get the defaults.
    #[serde(default)]
    pub replay: ReplayConfig,
}

impl RunConfig {
    /// A configuration with the replay's default settings.
    pub fn new(prepare: PrepareOptions, train: TrainConfig) -> Self {
        Self {
            format: FORMAT.into(),
            version: VERSION,
            prepare,
            train,
            replay: ReplayConfig::default(),
        }
    }

    /// The same configuration with these replay settings.
    pub fn with_replay(mut self, replay: ReplayConfig) -> Self {
        self.replay = replay;
        self
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
        config
            .replay
            .validate()
            .map_err(|why| format!("replay settings: {why}"))?;
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
        let replay = ReplayConfig {
            ks: vec![2, 5],
            horizons: vec![1, 4],
            cost: crate::replay::VerificationCost::from_csv("create_pods,250\n", 40.0).unwrap(),
            lookup_ms: 0.5,
            workers: 3,
            reuse: crate::replay::Reuse::Lifetime(1500.0),
            budget_ms: Some(120.0),
            ..ReplayConfig::default()
        };
        let config = RunConfig::new(prepare, train).with_replay(replay);
        assert_eq!(RunConfig::from_json(&config.to_json()).unwrap(), config);
    }

    #[test]
    fn a_configuration_without_replay_settings_gets_the_defaults() {
        let config = RunConfig::new(PrepareOptions::perfspec(), TrainConfig::default());
        let mut value: serde_json::Value = serde_json::from_str(&config.to_json()).unwrap();
        value.as_object_mut().unwrap().remove("replay");
        let read = RunConfig::from_json(&value.to_string()).unwrap();
        assert_eq!(read.replay, ReplayConfig::default());
        let bad = config.to_json().replace("\"workers\": 1", "\"workers\": 0");
        assert!(RunConfig::from_json(&bad)
            .unwrap_err()
            .contains("replay settings"));
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
