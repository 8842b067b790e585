//! Model files: one fitted model as versioned JSON, read by the CLI and the page alike (see
//! ARCHITECTURE.md, Learners).
//!
//! ```json
//! {"format": "perfspec-model", "version": 1, "kind": "bn", "window": 2,
//!  "vocabulary": [{"name": "create_pods", "verb": "create", "resource": "pods"}, ...],
//!  "prepare_options": {...}, "hyper_parameters": {...}, "weights": {...}}
//! ```
//!
//! `vocabulary` lists the event types in id order, each with its verb and resource, so that a
//! loaded model can be asked about types by name and about verb × resource pairs. `weights` is
//! the kind's own: the counts of the count-based models (integers, so that a loaded model gives
//! bit-identical probabilities), the learned parameters of a neural one (the LSTM's matrices as
//! plain float arrays, which JSON carries exactly: f32 values print in their shortest form that
//! reads back to the same value, and the training history). JSON through serde_json
//! only, so the page (wasm32) reads the same files. Reading never panics: a damaged, foreign,
//! newer or inconsistent file is an error that says what is wrong.

use serde::{Deserialize, Serialize};

use super::{
    BayesianNetwork, ComposeModel, Learner, LstmModel, ModelKind, MostFrequentModel,
    NextEventModel, NgramModel, RepeatLastModel,
};
use crate::pipeline::job::MAX_WINDOW;
use crate::prepare::vocabulary::{EventType, Vocabulary};
use crate::prepare::PrepareOptions;

/// The `format` of every model file.
pub const FORMAT: &str = "perfspec-model";
/// The newest `version` this build writes and reads.
pub const VERSION: u64 = 1;

/// A model file's contents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelFile {
    pub format: String,
    pub version: u64,
    pub kind: ModelKind,
    pub window: usize,
    pub vocabulary: Vec<EventType>,
    /// How the events were prepared: a context must be prepared the same way to be meaningful.
    pub prepare_options: PrepareOptions,
    pub hyper_parameters: serde_json::Value,
    pub weights: serde_json::Value,
}

impl ModelFile {
    pub fn new(
        model: &dyn NextEventModel,
        vocabulary: &Vocabulary,
        prepare_options: &PrepareOptions,
    ) -> Self {
        Self {
            format: FORMAT.into(),
            version: VERSION,
            kind: model.kind(),
            window: model.window(),
            vocabulary: vocabulary.types().to_vec(),
            prepare_options: prepare_options.clone(),
            hyper_parameters: model.hyper_parameters(),
            weights: model.weights(),
        }
    }

    /// The file's text: compact JSON and a final newline.
    pub fn to_json(&self) -> String {
        // Plain data with string keys always serialises.
        let mut text = serde_json::to_string(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// The conventional file name of a model: `<kind>-w<window>.json`.
    pub fn file_name(kind: ModelKind, window: usize) -> String {
        format!("{}-w{window}.json", kind.name())
    }
}

/// What is wrong with a model file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelFileError {
    #[error("the model file is not readable JSON (damaged or truncated?): {0}")]
    Damaged(String),
    #[error("not a PerfSPEC model file: {0}")]
    NotAModelFile(String),
    #[error(
        "the model file is version {found}, newer than this build reads (up to version {VERSION})"
    )]
    FutureVersion { found: u64 },
    #[error("the model file names model kind \"{0}\", which this build does not know")]
    UnknownKind(String),
    #[error("the model file holds a {} model, which this build cannot run yet", .0.name())]
    NotBuilt(ModelKind),
    #[error("the model file is inconsistent: {0}")]
    Invalid(String),
    #[error("the model does not match: {0}")]
    Mismatch(String),
}

/// A model read from a file, with what it was trained on.
pub struct LoadedModel {
    pub model: Box<dyn NextEventModel>,
    pub vocabulary: Vocabulary,
    pub window: usize,
    pub prepare_options: PrepareOptions,
}

impl std::fmt::Debug for LoadedModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadedModel")
            .field("kind", &self.model.kind())
            .field("window", &self.window)
            .field("types", &self.vocabulary.len())
            .finish_non_exhaustive()
    }
}

impl LoadedModel {
    pub fn kind(&self) -> ModelKind {
        self.model.kind()
    }

    /// Checks that the model was trained on `vocabulary` (same types, same ids) and, if given,
    /// at `window`, so that ids from that data mean the same to the model.
    pub fn check_compatible(
        &self,
        vocabulary: &Vocabulary,
        window: Option<usize>,
    ) -> Result<(), ModelFileError> {
        if let Some(window) = window.filter(|&w| w != self.window) {
            return Err(ModelFileError::Mismatch(format!(
                "the model reads {} previous events, not {window}",
                self.window
            )));
        }
        let ours = self.vocabulary.types();
        let theirs = vocabulary.types();
        if let Some((id, (a, b))) = ours
            .iter()
            .zip(theirs)
            .enumerate()
            .find(|(_, (a, b))| a != b)
        {
            return Err(ModelFileError::Mismatch(format!(
                "event type {id} is {} in the model and {} in the data",
                a.name, b.name
            )));
        }
        if ours.len() != theirs.len() {
            return Err(ModelFileError::Mismatch(format!(
                "the model knows {} event types, the data has {}",
                ours.len(),
                theirs.len()
            )));
        }
        Ok(())
    }
}

/// Reads a model file's text.
pub fn load(text: &str) -> Result<LoadedModel, ModelFileError> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|error| ModelFileError::Damaged(error.to_string()))?;
    let serde_json::Value::Object(mut object) = value else {
        return Err(ModelFileError::NotAModelFile(
            "it is JSON, but not an object".into(),
        ));
    };
    // Format and version first: a newer file may change everything after them.
    match object.get("format") {
        Some(serde_json::Value::String(format)) if format == FORMAT => {}
        Some(serde_json::Value::String(format)) => {
            return Err(ModelFileError::NotAModelFile(format!(
                "its format is \"{format}\", not \"{FORMAT}\""
            )))
        }
        _ => {
            return Err(ModelFileError::NotAModelFile(format!(
                "it has no \"format\": \"{FORMAT}\""
            )))
        }
    }
    let version = object
        .get("version")
        .and_then(serde_json::Value::as_u64)
        .filter(|&version| version >= 1)
        .ok_or_else(|| ModelFileError::Invalid("\"version\" is not a positive integer".into()))?;
    if version > VERSION {
        return Err(ModelFileError::FutureVersion { found: version });
    }
    let kind_name = object
        .get("kind")
        .and_then(serde_json::Value::as_str)
        .ok_or_else(|| ModelFileError::Invalid("\"kind\" is missing".into()))?;
    let kind = ModelKind::parse(kind_name)
        .ok_or_else(|| ModelFileError::UnknownKind(kind_name.to_string()))?;
    if !kind.is_built() {
        return Err(ModelFileError::NotBuilt(kind));
    }
    let mut take = |field: &str| {
        object
            .remove(field)
            .ok_or_else(|| ModelFileError::Invalid(format!("\"{field}\" is missing")))
    };
    let invalid = |field: &str| {
        let field = field.to_string();
        move |error: serde_json::Error| ModelFileError::Invalid(format!("\"{field}\": {error}"))
    };
    let window: usize = serde_json::from_value(take("window")?).map_err(invalid("window"))?;
    if !(1..=MAX_WINDOW).contains(&window) {
        return Err(ModelFileError::Invalid(format!(
            "window {window} is out of range 1..={MAX_WINDOW}"
        )));
    }
    let types: Vec<EventType> =
        serde_json::from_value(take("vocabulary")?).map_err(invalid("vocabulary"))?;
    let vocabulary = checked_vocabulary(types)?;
    let prepare_options: PrepareOptions =
        serde_json::from_value(take("prepare_options")?).map_err(invalid("prepare_options"))?;
    let hyper_parameters = take("hyper_parameters")?;
    let weights = take("weights")?;
    let model: Box<dyn NextEventModel> = match kind {
        ModelKind::Ngram => restore::<NgramModel>(hyper_parameters, weights, &vocabulary, window)?,
        ModelKind::Bn => {
            restore::<BayesianNetwork>(hyper_parameters, weights, &vocabulary, window)?
        }
        ModelKind::Mfe => {
            restore::<MostFrequentModel>(hyper_parameters, weights, &vocabulary, window)?
        }
        ModelKind::Repeat => {
            restore::<RepeatLastModel>(hyper_parameters, weights, &vocabulary, window)?
        }
        ModelKind::Lstm => restore::<LstmModel>(hyper_parameters, weights, &vocabulary, window)?,
        ModelKind::Compose => {
            restore::<ComposeModel>(hyper_parameters, weights, &vocabulary, window)?
        }
    };
    Ok(LoadedModel {
        model,
        vocabulary,
        window,
        prepare_options,
    })
}

fn restore<M: Learner + 'static>(
    hyper_parameters: serde_json::Value,
    weights: serde_json::Value,
    vocabulary: &Vocabulary,
    window: usize,
) -> Result<Box<dyn NextEventModel>, ModelFileError> {
    let params: M::Params = serde_json::from_value(hyper_parameters)
        .map_err(|error| ModelFileError::Invalid(format!("\"hyper_parameters\": {error}")))?;
    let model = M::restore(params, weights, vocabulary, window).map_err(ModelFileError::Invalid)?;
    Ok(Box::new(model))
}

/// A vocabulary read from a file: names unique and each `verb_resource`.
fn checked_vocabulary(types: Vec<EventType>) -> Result<Vocabulary, ModelFileError> {
    if types.is_empty() {
        return Err(ModelFileError::Invalid("the vocabulary is empty".into()));
    }
    let mut names = std::collections::HashSet::with_capacity(types.len());
    for event_type in &types {
        if event_type.name != format!("{}_{}", event_type.verb, event_type.resource) {
            return Err(ModelFileError::Invalid(format!(
                "vocabulary type \"{}\" is not its verb \"{}\" and resource \"{}\"",
                event_type.name, event_type.verb, event_type.resource
            )));
        }
        if !names.insert(event_type.name.as_str()) {
            return Err(ModelFileError::Invalid(format!(
                "vocabulary type \"{}\" is listed twice",
                event_type.name
            )));
        }
    }
    Ok(Vocabulary::from(types))
}
