//! The Train task: every (model, window) job of a configuration on the prepared data, one
//! `JobRunner` step at a time, each finished row sent at once; the run's models are then kept
//! for Predict, Explain, SaveModels and Replay.

use std::rc::Rc;

use perfspec::clock::Clock;
use perfspec::pipeline::{JobRunner, JobStep, PipelineError, TrainConfig, TrainReport};
use perfspec::progress::Stage;

use super::clock::PerformanceClock;
use super::shared::TrainedModels;
use super::task::{Task, TRAIN_YIELD_EVERY_SECONDS};
use crate::protocol::Response;

impl Task {
    pub(crate) async fn train(self, config: TrainConfig) {
        let Some(data) = self.shared.borrow().data.clone() else {
            return self.respond(Response::Failed("load audit logs before training".into()));
        };
        if let Err(why) = config.validate() {
            return self.respond(Response::Failed(why));
        }
        // Predict answers for the rows on show: none until this run has finished.
        let options = {
            let mut shared = self.shared.borrow_mut();
            shared.trained = None;
            shared.options.clone()
        };
        let clock = PerformanceClock::new();
        let jobs = config.jobs();
        let mut rows = Vec::with_capacity(jobs.len());
        let mut models = Vec::with_capacity(jobs.len());
        let mut last_yield = clock.now();
        for (index, job) in jobs.iter().enumerate() {
            let label = format!("{} · window {}", job.model.approach(), job.window);
            let scale = |fraction: f64| (index as f64 + fraction) / jobs.len() as f64;
            self.progress(Stage::Training, scale(0.0), label.clone());
            if !self.still_current().await {
                return;
            }
            let mut runner = match JobRunner::new(&data, *job, &config) {
                Ok(runner) => runner,
                Err(why) => return self.respond(Response::Failed(why.to_string())),
            };
            // One step at a time, with a look at the message queue every so often: a Cancel
            // stops the LSTM between two mini-batches.
            loop {
                match runner.step(&data, &clock) {
                    Ok(JobStep::Progress(update)) => {
                        let now = clock.now();
                        if now - last_yield < TRAIN_YIELD_EVERY_SECONDS {
                            continue;
                        }
                        self.progress(
                            update.stage,
                            scale(update.fraction),
                            format!("{label}: {}", update.detail),
                        );
                        if !self.still_current().await {
                            return;
                        }
                        last_yield = clock.now();
                    }
                    Ok(JobStep::Finished(result)) => {
                        self.respond(Response::Row(result.row.clone()));
                        rows.push(result.row);
                        models.push(result.model);
                        break;
                    }
                    Err(PipelineError::Cancelled(_)) => return,
                    Err(PipelineError::Invalid(why)) => return self.respond(Response::Failed(why)),
                }
            }
        }
        self.shared.borrow_mut().trained = Some(Rc::new(TrainedModels {
            data,
            options,
            models,
            config: config.clone(),
        }));
        self.respond(Response::Trained(TrainReport {
            split: config.split,
            optimistic: config.split.is_optimistic(),
            k: config.k,
            rows,
        }));
    }
}
