//! The worker side (bin `worker`): the engine off the page's thread. It reads dropped files in
//! slices, prepares the event sequence, trains and replays, streaming progress back, and answers
//! questions about the models it holds.
//!
//! This file is the gloo [`Worker`] and the dispatch of each [`Request`]; each idea has a file of
//! its own:
//!
//! - `shared.rs`: what the worker keeps between requests (records, prepared data, the last run's
//!   models, imported models, the generation that tells a task it has been superseded).
//! - `questions.rs`: Predict, Explain, SaveModels, ImportModel and ClearImported, answered at once.
//! - `task.rs`: a Load, Prepare, Train or Replay request at work, and how it yields; one file per
//!   task: `load.rs`, `prepare.rs`, `train.rs`, `replay.rs`.
//! - `slice_reader.rs`: where a file's slices come from (a nested worker running `reader.js`).
//! - `clock.rs` (the worker's `performance.now()`), `memory.rs` (its WebAssembly memory): what the
//!   tasks measure with.

mod clock;
mod load;
mod memory;
mod prepare;
mod questions;
mod replay;
mod shared;
mod slice_reader;
mod task;
mod train;

use std::cell::RefCell;
use std::rc::Rc;

use gloo_worker::{HandlerId, Worker, WorkerScope};

use crate::protocol::{Request, Response};
use shared::Shared;
use task::Task;

/// The engine worker: the `worker` bin registers it, the page spawns it.
pub struct EngineWorker {
    shared: Rc<RefCell<Shared>>,
}

impl Worker for EngineWorker {
    type Message = ();
    type Input = Request;
    type Output = Response;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        Self {
            shared: Rc::default(),
        }
    }

    fn update(&mut self, _scope: &WorkerScope<Self>, _message: Self::Message) {}

    fn received(&mut self, scope: &WorkerScope<Self>, request: Self::Input, id: HandlerId) {
        // Questions about models are answered at once and leave a running task alone.
        let request = match request {
            Request::Predict { context, k } => {
                return scope.respond(id, self.predict(&context, k));
            }
            Request::SaveModels => return scope.respond(id, self.save_models()),
            Request::Explain { row, index, k } => {
                return scope.respond(id, self.explain(row, index, k));
            }
            Request::ImportModel { name, text } => {
                return scope.respond(id, self.import_model(name, &text));
            }
            Request::ClearImported => return scope.respond(id, self.clear_imported()),
            other => other,
        };
        let task = Task::start(scope, id, &self.shared);
        match request {
            Request::Cancel => task.respond(Response::Cancelled),
            Request::Load { files, options } => {
                wasm_bindgen_futures::spawn_local(async move { task.load(files, options).await })
            }
            Request::Prepare(options) => {
                wasm_bindgen_futures::spawn_local(async move { task.prepare(options).await })
            }
            Request::Train(config) => {
                wasm_bindgen_futures::spawn_local(async move { task.train(config).await })
            }
            Request::Replay(config) => {
                wasm_bindgen_futures::spawn_local(async move { task.replay(config).await })
            }
            Request::Predict { .. }
            | Request::SaveModels
            | Request::Explain { .. }
            | Request::ImportModel { .. }
            | Request::ClearImported => {}
        }
    }
}
