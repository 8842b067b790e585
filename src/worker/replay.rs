//! The Replay task, the worker side of the Replay section: the last run's models replayed over
//! the test events of the data they were trained on, one short step at a time, so that the worker
//! can look at its message queue (Cancel) between steps. The report is the engine's
//! ([`perfspec::replay::assemble_report`]), the same the CLI's `perfspec replay` prints.

use std::rc::Rc;

use perfspec::clock::Clock;
use perfspec::dataset::{split_windows_seeded, Windows};
use perfspec::progress::{Progress, Stage};
use perfspec::replay::{
    assemble_report, check_split, test_timeline, PlannedReplay, ReplayConfig, ReplayReport,
    ReplayRow, Timeline,
};

use super::clock::PerformanceClock;
use super::shared::TrainedModels;
use super::task::{Task, TRAIN_YIELD_EVERY_SECONDS};
use crate::protocol::Response;

/// What one step of a replay gave.
pub(crate) enum ReplayStep {
    /// More to do; how far it is.
    Progress(Progress),
    Finished(Box<ReplayReport>),
}

/// A replay of every model of one finished run, a step at a time: planning a model's events
/// (every model call), then each point of the grid.
pub(crate) struct ReplayRunner {
    trained: Rc<TrainedModels>,
    config: ReplayConfig,
    costs: Vec<f64>,
    unknown_costs: Vec<String>,
    points: Vec<(usize, usize)>,
    /// Each window's test windows and timeline, in the order the models first need them.
    timelines: Vec<(usize, Windows, Timeline)>,
    /// The model being replayed (index into the run's models) and its plans once made.
    model: usize,
    planned: Option<PlannedReplay>,
    point: usize,
    rows: Vec<ReplayRow>,
}

impl ReplayRunner {
    /// Checks `config` and the run's split; the error says what is wrong.
    pub(crate) fn new(trained: Rc<TrainedModels>, config: ReplayConfig) -> Result<Self, String> {
        config.validate()?;
        check_split(trained.config.split)?;
        if trained.models.is_empty() {
            return Err("the last run trained no model".into());
        }
        let (costs, unknown_costs) = config.cost.resolve(&trained.data.vocabulary);
        let points = config.points();
        Ok(Self {
            trained,
            config,
            costs,
            unknown_costs,
            points,
            timelines: Vec::new(),
            model: 0,
            planned: None,
            point: 0,
            rows: Vec::new(),
        })
    }

    /// Does the next step: plans the next model, or replays one point of the grid, or (all
    /// done) assembles the report. An error is a window that leaves no test events to replay.
    pub(crate) fn step(&mut self) -> Result<ReplayStep, String> {
        let trained = self.trained.clone();
        let Some(model) = trained.models.get(self.model) else {
            return Ok(ReplayStep::Finished(Box::new(self.report())));
        };
        let label = format!("{} · window {}", model.kind().approach(), model.window());
        let Some(planned) = &self.planned else {
            let window = model.window();
            if !self.timelines.iter().any(|(w, _, _)| *w == window) {
                let config = &trained.config;
                let split = split_windows_seeded(&trained.data, window, config.split, config.seed);
                let timeline = test_timeline(&trained.data, &split.test)?;
                self.timelines.push((window, split.test, timeline));
            }
            let (_, test, timeline) = self
                .timelines
                .iter()
                .find(|(w, _, _)| *w == window)
                .ok_or("no timeline for the window")?;
            self.planned = Some(PlannedReplay::new(
                model.as_ref(),
                test,
                timeline,
                &self.costs,
                &self.config,
            ));
            self.point = 0;
            return Ok(self.progress(format!("{label}: predicted")));
        };
        let (k, horizon) = self.points[self.point];
        self.rows
            .push(planned.row(&self.costs, &self.config, k, horizon));
        self.point += 1;
        if self.point == self.points.len() {
            self.planned = None;
            self.model += 1;
        }
        Ok(self.progress(format!("{label}: k {k}, horizon {horizon}")))
    }

    /// How far the replay is: each model a share, planning counted as one point.
    fn progress(&self, detail: String) -> ReplayStep {
        let steps = self.points.len() as f64 + 1.0;
        let within = if self.planned.is_some() {
            (self.point as f64 + 1.0) / steps
        } else {
            0.0
        };
        ReplayStep::Progress(Progress {
            stage: Stage::Replaying,
            fraction: (self.model as f64 + within) / self.trained.models.len() as f64,
            detail,
        })
    }

    fn report(&mut self) -> ReplayReport {
        let models: Vec<_> = self.trained.models.iter().map(|m| m.kind()).collect();
        let timelines: Vec<(usize, &Timeline)> = self
            .timelines
            .iter()
            .map(|(window, _, timeline)| (*window, timeline))
            .collect();
        assemble_report(
            self.trained.config.split,
            &self.config,
            &self.unknown_costs,
            &timelines,
            &models,
            std::mem::take(&mut self.rows),
        )
    }
}

impl Task {
    /// Replays the last run's models under `config`, answering `Replayed` (or `Failed`); stops
    /// without a reply once cancelled or superseded.
    pub(crate) async fn replay(self, config: ReplayConfig) {
        let Some(trained) = self.trained() else {
            return self.respond(Response::Failed(
                "train models before replaying them".into(),
            ));
        };
        let mut runner = match ReplayRunner::new(trained, config) {
            Ok(runner) => runner,
            Err(why) => return self.respond(Response::Failed(why)),
        };
        self.progress(Stage::Replaying, 0.0, "starting");
        if !self.still_current().await {
            return;
        }
        let clock = PerformanceClock::new();
        let mut last_yield = clock.now();
        loop {
            match runner.step() {
                Ok(ReplayStep::Progress(update)) => {
                    if clock.now() - last_yield < TRAIN_YIELD_EVERY_SECONDS {
                        continue;
                    }
                    self.respond(Response::Progress(update));
                    if !self.still_current().await {
                        return;
                    }
                    last_yield = clock.now();
                }
                Ok(ReplayStep::Finished(report)) => {
                    return self.respond(Response::Replayed(report))
                }
                Err(why) => return self.respond(Response::Failed(why)),
            }
        }
    }
}
