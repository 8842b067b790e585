//! The messages between the page and the engine worker.

use perfspec::pipeline::{DatasetSummary, ResultRow, TrainConfig, TrainReport};
use perfspec::predict::{NamedPrediction, TestEventExplanation};
use perfspec::prepare::PrepareOptions;
use perfspec::progress::Progress;
use perfspec::replay::{ReplayConfig, ReplayReport};
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
    /// Replay the last run's models over the test events of the data they were trained on
    /// (the Replay section), answered by `Replayed`.
    Replay(ReplayConfig),
    /// Stop whatever is running.
    Cancel,
    /// The top k next events after a context (type names, oldest first) from every trained
    /// and every imported model.
    Predict { context: Vec<String>, k: usize },
    /// The factors behind a compositional model's candidates for one test event: `row` of
    /// the last run, `index` (0-based) among its test windows, the best `k` pairs.
    Explain { row: usize, index: usize, k: usize },
    /// The model files of the last run's models, in row order.
    SaveModels,
    /// Reads a model file (saved by the page or the CLI) for Predict.
    ImportModel { name: String, text: String },
    /// Forgets the imported models.
    ClearImported,
}

/// Where a model that predicts comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ModelSource {
    /// Trained in this page, on the loaded data.
    Trained,
    /// Read from a model file of this name.
    Imported(String),
}

/// One model's answer in the Predict section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelPrediction {
    pub model: String,
    pub approach: String,
    pub window: usize,
    pub source: ModelSource,
    pub prediction: NamedPrediction,
}

/// A model file read for Predict, as the page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportedModel {
    pub file: String,
    pub model: String,
    pub approach: String,
    pub window: usize,
    pub types: usize,
}

/// A model file to download.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedModel {
    pub file_name: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Response {
    Progress(Progress),
    Loaded(Box<DatasetSummary>, LoadStats),
    /// One finished row, sent as soon as it is measured.
    Row(ResultRow),
    Trained(TrainReport),
    /// The answer to [`Request::Replay`], as `perfspec replay --json` prints it.
    Replayed(Box<ReplayReport>),
    Cancelled,
    Failed(String),
    Predictions(Vec<ModelPrediction>),
    /// The answer to [`Request::Explain`]; None when the row's model does not compose pairs.
    Explanation(Option<Box<TestEventExplanation>>),
    Models(Vec<SavedModel>),
    /// Every model imported so far, the new one last.
    Imported(Vec<ImportedModel>),
    /// A model file that could not be read, and why; nothing else changes.
    ImportFailed {
        file: String,
        why: String,
    },
}
