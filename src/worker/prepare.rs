//! The Prepare task: the loaded records to the event sequence under some prepare options,
//! answered by `Loaded` with the dataset's summary. A Load ends with it; a Prepare request runs
//! it again on the kept records, without reading them again.

use std::rc::Rc;

use perfspec::clock::Clock;
use perfspec::pipeline::DatasetSummary;
use perfspec::prepare::{prepare, PrepareOptions};
use perfspec::progress::Stage;

use super::clock::PerformanceClock;
use super::memory::wasm_memory_bytes;
use super::task::Task;
use crate::protocol::Response;

impl Task {
    pub(crate) async fn prepare(self, options: PrepareOptions) {
        let Some(records) = self.shared.borrow().records.clone() else {
            return self.respond(Response::Failed("load audit logs first".into()));
        };
        if let Err(why) = options.validate() {
            return self.respond(Response::Failed(why));
        }
        self.progress(Stage::Preparing, 0.0, "building the event sequence");
        if !self.still_current().await {
            return;
        }
        let (records, report) = records.as_ref();
        let clock = PerformanceClock::new();
        let started = clock.now();
        let data = prepare(records, &options);
        let summary = DatasetSummary::new(report, &data, &options);
        let stats = {
            let mut shared = self.shared.borrow_mut();
            shared.data = Some(Rc::new(data));
            shared.options = options;
            shared.stats.prepare_seconds = clock.now() - started;
            shared.stats.wasm_memory_bytes = wasm_memory_bytes();
            shared.stats
        };
        self.respond(Response::Loaded(Box::new(summary), stats));
    }
}
