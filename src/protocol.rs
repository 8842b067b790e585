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

/// How the last read went, as the worker measured it: the page shows it, and the browser
/// benchmark reads it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct LoadStats {
    pub bytes: f64,
    /// Wall time of reading and parsing, without preparing.
    pub read_seconds: f64,
    pub prepare_seconds: f64,
    /// The worker's WebAssembly memory once done. Linear memory never shrinks, so this is the
    /// peak of the whole read.
    pub wasm_memory_bytes: f64,
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
    Loaded(Box<DatasetSummary>, LoadStats),
    /// One finished row, sent as soon as it is measured.
    Row(ResultRow),
    Trained(TrainReport),
    Cancelled,
    Failed(String),
}
