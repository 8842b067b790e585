//! What the worker keeps between requests, shared by its dispatch, its answers and its tasks.

use std::rc::Rc;

use perfspec::ingest::record::AuditRecords;
use perfspec::ingest::IngestReport;
use perfspec::models::model_file::LoadedModel;
use perfspec::models::NextEventModel;
use perfspec::pipeline::TrainConfig;
use perfspec::prepare::{PrepareOptions, PreparedData};

use crate::protocol::{ImportedModel, LoadStats};

/// A finished run's models, with the data they learned from: their ids are that data's.
pub(crate) struct TrainedModels {
    pub(crate) data: Rc<PreparedData>,
    /// The options `data` was prepared with, written into the model files.
    pub(crate) options: PrepareOptions,
    /// In the run's row order.
    pub(crate) models: Vec<Box<dyn NextEventModel>>,
    /// The run's split and seed, to find a row's test windows again.
    pub(crate) config: TrainConfig,
}

#[derive(Default)]
pub(crate) struct Shared {
    /// Measured during the last read, completed by the prepare that follows it.
    pub(crate) stats: LoadStats,
    /// The records read, kept so that other prepare options need no second read.
    pub(crate) records: Option<Rc<(AuditRecords, IngestReport)>>,
    pub(crate) data: Option<Rc<PreparedData>>,
    /// The options `data` was prepared with.
    pub(crate) options: PrepareOptions,
    /// Shared with a replay that runs over them, which a new run must not pull away.
    pub(crate) trained: Option<Rc<TrainedModels>>,
    pub(crate) imported: Vec<(ImportedModel, LoadedModel)>,
    /// Bumped by every request that starts or stops a run; a task whose generation is no longer current stops.
    pub(crate) generation: u64,
}
