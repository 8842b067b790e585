//! One Load, Prepare, Train or Replay request at work. Each runs as an async task that yields to
//! the worker's event loop between steps (a file slice, a model), so a `Cancel` sent meanwhile is
//! received and stops it at the next step. The tasks themselves are `load.rs`, `prepare.rs`,
//! `train.rs` and `replay.rs`.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_worker::{HandlerId, WorkerScope};
use perfspec::progress::{Progress, Stage};

use super::shared::{Shared, TrainedModels};
use super::EngineWorker;
use crate::protocol::Response;

/// Longest stretch of training or replaying between two looks at the message queue: short, so
/// that per-batch progress looks live and Cancel is felt at once. The pauses are not counted in
/// the fit time (see `JobRunner`).
pub(crate) const TRAIN_YIELD_EVERY_SECONDS: f64 = 0.05;

/// One Load, Prepare, Train or Replay request at work (see the module's comment).
pub(crate) struct Task {
    scope: WorkerScope<EngineWorker>,
    id: HandlerId,
    pub(crate) shared: Rc<RefCell<Shared>>,
    generation: u64,
}

impl Task {
    /// A task answering request `id`, which supersedes any task before it: those stop at their
    /// next look at the queue.
    pub(crate) fn start(
        scope: &WorkerScope<EngineWorker>,
        id: HandlerId,
        shared: &Rc<RefCell<Shared>>,
    ) -> Self {
        let generation = {
            let mut shared = shared.borrow_mut();
            shared.generation += 1;
            shared.generation
        };
        Self {
            scope: scope.clone(),
            id,
            shared: shared.clone(),
            generation,
        }
    }

    pub(crate) fn respond(&self, response: Response) {
        self.scope.respond(self.id, response);
    }

    /// The last finished run's models, if any.
    pub(crate) fn trained(&self) -> Option<Rc<TrainedModels>> {
        self.shared.borrow().trained.clone()
    }

    pub(crate) fn progress(&self, stage: Stage, fraction: f64, detail: impl Into<String>) {
        self.respond(Response::Progress(Progress {
            stage,
            fraction,
            detail: detail.into(),
        }));
    }

    /// Lets queued messages in; false when this task has been superseded or cancelled.
    pub(crate) async fn still_current(&self) -> bool {
        gloo_timers::future::TimeoutFuture::new(0).await;
        self.shared.borrow().generation == self.generation
    }
}
