//! Progress reports and cooperative cancellation, shared by every long step.

use serde::{Deserialize, Serialize};

/// Which step of the pipeline is running.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stage {
    Reading,
    Preparing,
    Training,
    Evaluating,
    /// Replaying trained models over the test events (the page's Replay section).
    Replaying,
}

impl Stage {
    pub fn label(self) -> &'static str {
        match self {
            Stage::Reading => "Reading logs",
            Stage::Preparing => "Preparing events",
            Stage::Training => "Training",
            Stage::Evaluating => "Evaluating",
            Stage::Replaying => "Replaying",
        }
    }
}

/// One progress report: the stage, how far it is (0..=1), and what it is doing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    pub stage: Stage,
    pub fraction: f64,
    pub detail: String,
}

/// The caller asked to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cancelled")]
pub struct Cancelled;

/// Receives progress; returning `false` asks the running step to stop at its next check.
pub type ProgressSink<'a> = &'a mut dyn FnMut(&Progress) -> bool;

pub(crate) fn report(
    sink: &mut dyn FnMut(&Progress) -> bool,
    stage: Stage,
    fraction: f64,
    detail: impl Into<String>,
) -> Result<(), Cancelled> {
    let progress = Progress {
        stage,
        fraction: fraction.clamp(0.0, 1.0),
        detail: detail.into(),
    };
    if sink(&progress) {
        Ok(())
    } else {
        Err(Cancelled)
    }
}
