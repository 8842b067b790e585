//! The replay end to end: each (model, window) fitted once as the pipeline fits it, one plan
//! per replayed event with the largest k and horizon, and every point of the grid replayed
//! from those plans.

use crate::clock::Clock;
use crate::dataset::{split_windows_seeded, Windows};
use crate::models::{ModelKind, NextEventModel};
use crate::pipeline::{run_job, PipelineError, TrainConfig};
use crate::prepare::PreparedData;
use crate::progress::{report, Cancelled, Progress, Stage};

use super::candidates::CandidateRanks;
use super::config::ReplayConfig;
use super::forecast::Forecaster;
use super::report::{assemble_report, check_split, ReplayReport, ReplayRow};
use super::stats::ResponseSummary;
use super::timeline::{test_timeline, Timeline};
use super::verifier::{simulate, Arrival};

/// Fits every (model, window) of `train` with the pipeline ([`run_job`]), replays it at every
/// point of `config`'s grid, and picks each model's best point. `progress` gets
/// [`Stage::Training`] reports over the whole run; returning false cancels. The split must be
/// chronological or paper-compatible.
pub fn replay(
    data: &PreparedData,
    train: &TrainConfig,
    config: &ReplayConfig,
    clock: &dyn Clock,
    progress: &mut dyn FnMut(&Progress) -> bool,
) -> Result<ReplayReport, PipelineError> {
    train.validate().map_err(PipelineError::Invalid)?;
    config.validate().map_err(PipelineError::Invalid)?;
    check_split(train.split).map_err(PipelineError::Invalid)?;
    let (costs, unknown) = config.cost.resolve(&data.vocabulary);
    let jobs = train.jobs();
    let mut timelines: Vec<(usize, Windows, Timeline)> = Vec::new();
    let mut rows = Vec::new();
    for (done, job) in jobs.iter().enumerate() {
        let share = |fraction: f64| (done as f64 + fraction) / jobs.len() as f64;
        let label = format!("{} window {}", job.model.approach(), job.window);
        if !timelines.iter().any(|(window, _, _)| *window == job.window) {
            let split = split_windows_seeded(data, job.window, train.split, train.seed);
            let timeline = test_timeline(data, &split.test).map_err(PipelineError::Invalid)?;
            timelines.push((job.window, split.test, timeline));
        }
        let mut job_progress = |update: &Progress| {
            progress(&Progress {
                stage: Stage::Training,
                fraction: share(0.9 * update.fraction),
                detail: format!("{label}: {}", update.detail),
            })
        };
        let fitted = run_job(data, *job, train, clock, &mut job_progress)?;
        report(
            progress,
            Stage::Training,
            share(0.9),
            format!("{label}: replaying"),
        )?;
        let (_, test, timeline) = timelines
            .iter()
            .find(|(window, _, _)| *window == job.window)
            .expect("made above");
        let model_rows = replay_model(
            fitted.model.as_ref(),
            test,
            timeline,
            &costs,
            config,
            &mut || {
                progress(&Progress {
                    stage: Stage::Training,
                    fraction: share(0.95),
                    detail: format!("{label}: replaying"),
                })
            },
        )?;
        rows.extend(model_rows);
    }
    report(progress, Stage::Training, 1.0, "done")?;
    let models: Vec<ModelKind> = jobs.iter().map(|job| job.model).collect();
    let windows: Vec<(usize, &Timeline)> = timelines
        .iter()
        .map(|(window, _, timeline)| (*window, timeline))
        .collect();
    Ok(assemble_report(
        train.split,
        config,
        &unknown,
        &windows,
        &models,
        rows,
    ))
}

/// Replays one fitted model over `timeline` (made by [`test_timeline`] from `test`, the test
/// windows the model was not fitted on) at every (k, horizon) of `config`, k ascending then
/// horizon ascending; `costs[type]` in ms. Each event is planned once, with the largest k and
/// horizon, and every point is cut from those plans. `tick` is called between points;
/// returning false cancels.
pub fn replay_model(
    model: &dyn NextEventModel,
    test: &Windows,
    timeline: &Timeline,
    costs: &[f64],
    config: &ReplayConfig,
    tick: &mut dyn FnMut() -> bool,
) -> Result<Vec<ReplayRow>, Cancelled> {
    let planned = PlannedReplay::new(model, test, timeline, costs, config);
    let points = config.points();
    let mut rows = Vec::with_capacity(points.len());
    // Points are independent replays of the same plans: natively they run side by side, a
    // batch per core (each point is a whole pass over the timeline, milliseconds to seconds).
    for batch in points.chunks(parallelism()) {
        if !tick() {
            return Err(Cancelled);
        }
        if let [(k, horizon)] = batch {
            rows.push(planned.row(costs, config, *k, *horizon));
            continue;
        }
        let planned = &planned;
        std::thread::scope(|scope| {
            let replays: Vec<_> = batch
                .iter()
                .map(|&(k, horizon)| scope.spawn(move || planned.row(costs, config, k, horizon)))
                .collect();
            rows.extend(
                replays
                    .into_iter()
                    .map(|replay| replay.join().expect("a replay point does not panic")),
            );
        });
    }
    Ok(rows)
}

/// Points replayed at once: the cores there are (at most 8), one in WebAssembly, where the
/// worker has no threads.
fn parallelism() -> usize {
    if cfg!(target_arch = "wasm32") {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |cores| cores.get().min(8))
    }
}

/// One fitted model's plans over one timeline, made once (the costly part: every model call),
/// from which each point of the grid is replayed on its own ([`PlannedReplay::row`]), so that
/// a caller that must yield between steps (the page's worker) can.
pub struct PlannedReplay {
    arrivals: Vec<Arrival>,
    candidates: CandidateRanks,
    timed: bool,
    baseline: Option<ResponseSummary>,
    kind: ModelKind,
    window: usize,
    events: usize,
}

impl PlannedReplay {
    /// Plans every event of `timeline` with `config`'s largest k and horizon and replays the
    /// baseline; `test` and `costs` as [`replay_model`] takes them.
    pub fn new(
        model: &dyn NextEventModel,
        test: &Windows,
        timeline: &Timeline,
        costs: &[f64],
        config: &ReplayConfig,
    ) -> Self {
        let k_max = config.k_values().last().copied().unwrap_or(1);
        let horizon_max = config.horizon_values().last().copied().unwrap_or(1);
        let arrivals = arrivals(model, test, timeline, k_max, horizon_max, config.beam);
        let candidates = CandidateRanks::new(&arrivals, k_max, horizon_max);
        let timed = timeline.timed();
        let baseline = timed.then(|| {
            let outcome = simulate(&arrivals, costs, config.settings(0, 1).baseline());
            ResponseSummary::of(&outcome.responses_ms)
        });
        Self {
            arrivals,
            candidates,
            timed,
            baseline,
            kind: model.kind(),
            window: test.window,
            events: timeline.events,
        }
    }

    /// The row of one point of the grid (`k` and `horizon` at most those planned with); the
    /// same `costs` and `config` as given to [`PlannedReplay::new`].
    pub fn row(&self, costs: &[f64], config: &ReplayConfig, k: usize, horizon: usize) -> ReplayRow {
        let outcome = self
            .timed
            .then(|| simulate(&self.arrivals, costs, config.settings(k, horizon)));
        let summary = outcome
            .as_ref()
            .map(|outcome| ResponseSummary::of(&outcome.responses_ms));
        let baseline = self.baseline;
        ReplayRow {
            model: self.kind.name().into(),
            approach: self.kind.approach().into(),
            window: self.window,
            k,
            horizon,
            events: self.events,
            candidate_share: self.candidates.share(k, horizon),
            ready_share: outcome.as_ref().map(|outcome| outcome.ready_share()),
            under_way_share: outcome.as_ref().map(|outcome| outcome.under_way_share()),
            response_ms_mean: summary.map(|summary| summary.mean),
            response_ms_median: summary.map(|summary| summary.median),
            response_ms_p99: summary.map(|summary| summary.p99),
            baseline_ms: baseline.map(|summary| summary.mean),
            baseline_ms_median: baseline.map(|summary| summary.median),
            baseline_ms_p99: baseline.map(|summary| summary.p99),
            work_per_event_ms: outcome.as_ref().map(|outcome| outcome.work_per_event_ms()),
            wasted_share: outcome.as_ref().map(|outcome| outcome.wasted_share()),
            precomputed_per_event: outcome
                .as_ref()
                .map(|outcome| outcome.precomputed as f64 / outcome.measured().max(1) as f64),
        }
    }
}

/// The arrivals of the timeline with the plan made on each (none on the last of a sequence),
/// merged across sequences by time (ties in sequence order).
fn arrivals(
    model: &dyn NextEventModel,
    test: &Windows,
    timeline: &Timeline,
    k: usize,
    horizon: usize,
    beam: usize,
) -> Vec<Arrival> {
    let mut forecaster = Forecaster::new(model, beam);
    let mut arrivals = Vec::with_capacity(timeline.events + timeline.stretches.len());
    for (index, stretch) in timeline.stretches.iter().enumerate() {
        let sequence = index as u32;
        let first = stretch.windows.start;
        let history = test.history(first);
        arrivals.push(Arrival {
            time_ms: stretch.times_ms[0],
            sequence,
            event_type: history.last().copied().unwrap_or(0),
            measured: false,
            plan: forecaster.plan(history, k, horizon),
        });
        for (offset, window) in stretch.windows.clone().enumerate() {
            // The plan made on this event predicts the next window's target from its history.
            let plan = if window + 1 < stretch.windows.end {
                forecaster.plan(test.history(window + 1), k, horizon)
            } else {
                Vec::new()
            };
            arrivals.push(Arrival {
                time_ms: stretch.times_ms[offset + 1],
                sequence,
                event_type: test.target(window),
                measured: true,
                plan,
            });
        }
    }
    // Stable: each sequence keeps its order, as its times never decrease.
    arrivals.sort_by(|a, b| a.time_ms.total_cmp(&b.time_ms));
    arrivals
}
