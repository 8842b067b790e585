//! The messages between the page and the engine worker.

use perfspec::pipeline::{DatasetSummary, ResultRow};
use perfspec::{PrepareOptions, Progress, TrainConfig, TrainReport};
use serde::{Deserialize, Serialize};

/// A file to read, passed by handle: the worker reads it in slices.
#[derive(Serialize, Deserialize)]
pub struct InputFile {
    pub name: String,
    #[serde(with = "serde_wasm_bindgen::preserve")]
    pub blob: web_sys::Blob,
}

#[derive(Serialize, Deserialize)]
pub enum Request {
    /// Read these files (replacing any data loaded before) and prepare the event sequence.
    Load {
        files: Vec<InputFile>,
        options: PrepareOptions,
    },
    /// Prepare the loaded records again under other options (no re-reading).
    Prepare(PrepareOptions),
    /// Train and evaluate on the loaded data.
    Train(TrainConfig),
    /// Stop whatever is running.
    Cancel,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Response {
    Progress(Progress),
    Loaded(Box<DatasetSummary>),
    /// One finished row, sent as soon as it is measured.
    Row(ResultRow),
    Trained(TrainReport),
    Cancelled,
    Failed(String),
}
