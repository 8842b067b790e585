//! The replay end to end: each (model, window) fitted once as the pipeline fits it, one plan
//! per replayed event with the largest k and horizon, and every point of the grid replayed
//! from those plans.

use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::dataset::{split_windows_seeded, SplitMode, Windows};
use crate::models::{ModelKind, NextEventModel};
use crate::pipeline::{run_job, PipelineError, TrainConfig};
use crate::prepare::PreparedData;
use crate::progress::{report, Cancelled, Progress, Stage};

use super::candidates::candidate_share;
use super::forecast::Forecaster;
use super::stats::{best_under_budget, ResponseSummary};
use super::timeline::{test_timeline, Timeline};
use super::verifier::{simulate, Arrival};
use super::ReplayConfig;

/// One model at one window, k and horizon. Timed figures are None when the log has no
/// timestamps ([`ReplayReport::timed`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReplayRow {
    /// The model's name on the command line (`ngram`).
    pub model: String,
    /// Its approach, as the comparison table names it (`n-grams`).
    pub approach: String,
    /// Context window the model was fitted with.
    pub window: usize,
    /// Candidates verified per predicted step.
    pub k: usize,
    /// Events ahead each plan covers.
    pub horizon: usize,
    /// Events measured (the test windows).
    pub events: usize,
    /// Share of events whose type was among the candidates of a plan covering them
    /// ([`super::candidate_share`]; timing-free; at horizon 1, the top-k accuracy).
    pub candidate_share: f64,
    /// Share of events whose result was ready on arrival.
    pub ready_share: Option<f64>,
    /// Share of events that waited for their verification under way.
    pub under_way_share: Option<f64>,
    pub response_ms_mean: Option<f64>,
    pub response_ms_median: Option<f64>,
    pub response_ms_p99: Option<f64>,
    /// The same verifier without predictions: mean, median and p99 response in ms.
    pub baseline_ms: Option<f64>,
    pub baseline_ms_median: Option<f64>,
    pub baseline_ms_p99: Option<f64>,
    /// Verification work (precomputed and on arrival) per measured event, in ms.
    pub work_per_event_ms: Option<f64>,
    /// Share of that work spent on precomputed results that answered no event.
    pub wasted_share: Option<f64>,
    /// Precomputations started per measured event.
    pub precomputed_per_event: Option<f64>,
}

/// The point of the grid with the lowest median response for one model, within the budget.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BestChoice {
    /// The model's name.
    pub model: String,
    /// The point of the grid chosen: window, k and horizon.
    pub window: usize,
    /// Candidates per step.
    pub k: usize,
    /// Events ahead.
    pub horizon: usize,
    /// Its median response, in ms, as in its [`ReplayRow`].
    pub response_ms_median: f64,
    /// Its mean response, in ms.
    pub response_ms_mean: f64,
    /// Its verification work per event, in ms.
    pub work_per_event_ms: f64,
    /// The median response without prediction, to compare with.
    pub baseline_ms_median: f64,
}

/// The arrivals of one window's replay, whatever the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineSummary {
    /// The window whose test part this is.
    pub window: usize,
    /// Events measured.
    pub events: usize,
    /// Sequences they belong to.
    pub sequences: usize,
    /// Events whose timestamp was missing or out of order, moved up (see [`Timeline`]).
    pub adjusted_times: usize,
}

/// Every row of a replay, with how it was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReplayReport {
    /// The split whose test part was replayed.
    pub split: SplitMode,
    /// True when the models were fitted on the events replayed (paper-compatible split).
    pub optimistic: bool,
    /// False when the log has no timestamps: rows then hold only the candidate share.
    pub timed: bool,
    /// The settings replayed.
    pub config: ReplayConfig,
    /// One per window.
    pub timelines: Vec<TimelineSummary>,
    /// What the reader should know: no timestamps, moved timestamps, unknown cost types.
    pub notes: Vec<String>,
    /// In order: models as listed, windows ascending, k ascending, horizon ascending.
    pub rows: Vec<ReplayRow>,
    /// For each model with a point within [`ReplayConfig::budget_ms`], its best (timed only).
    pub best: Vec<BestChoice>,
}

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
    if train.split == SplitMode::Random {
        return Err(PipelineError::Invalid(
            "the replay needs each sequence's test part as a stretch of time: use the \
             chronological split (or the paper's)"
                .into(),
        ));
    }
    let (costs, unknown) = config.cost.resolve(&data.vocabulary);
    let mut notes = Vec::new();
    if !unknown.is_empty() {
        notes.push(format!(
            "the cost file names {} type{} that the log does not have (ignored): {}",
            unknown.len(),
            if unknown.len() == 1 { "" } else { "s" },
            unknown.join(", ")
        ));
    }
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
    let timed = timelines.iter().all(|(_, _, timeline)| timeline.timed());
    if let Some(reason) = timelines
        .iter()
        .find_map(|(_, _, timeline)| timeline.untimed.clone())
    {
        notes.push(reason);
    }
    if let Some((window, _, timeline)) = timelines
        .iter()
        .filter(|(_, _, timeline)| timeline.timed() && timeline.adjusted > 0)
        .max_by_key(|(_, _, timeline)| timeline.adjusted)
    {
        notes.push(format!(
            "{} of the {} replayed events at window {window} had a receive time missing or \
             earlier than an event before them in their sequence, and arrive with that event \
             instead (the file order is the API server's write order; ordering events by time, \
             a prepare option, replays them in receive order)",
            timeline.adjusted,
            timeline.events + timeline.stretches.len()
        ));
    }
    let best = if timed {
        let mut models: Vec<ModelKind> = Vec::new();
        for job in &jobs {
            if !models.contains(&job.model) {
                models.push(job.model);
            }
        }
        best_per_model(&rows, &models, config)
    } else {
        Vec::new()
    };
    Ok(ReplayReport {
        split: train.split,
        optimistic: train.split.is_optimistic(),
        timed,
        config: config.clone(),
        timelines: timelines
            .iter()
            .map(|(window, _, timeline)| TimelineSummary {
                window: *window,
                events: timeline.events,
                sequences: timeline.stretches.len(),
                adjusted_times: timeline.adjusted,
            })
            .collect(),
        notes,
        rows,
        best,
    })
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
    let (ks, horizons) = (config.k_values(), config.horizon_values());
    let k_max = ks.last().copied().unwrap_or(1);
    let horizon_max = horizons.last().copied().unwrap_or(1);
    let arrivals = arrivals(model, test, timeline, k_max, horizon_max, config.beam);
    let timed = timeline.timed();
    let baseline = timed.then(|| {
        let outcome = simulate(&arrivals, costs, config.settings(0, 1).baseline());
        ResponseSummary::of(&outcome.responses_ms)
    });
    let kind: ModelKind = model.kind();
    let mut rows = Vec::with_capacity(ks.len() * horizons.len());
    for &k in &ks {
        for &horizon in &horizons {
            if !tick() {
                return Err(Cancelled);
            }
            let outcome = timed.then(|| simulate(&arrivals, costs, config.settings(k, horizon)));
            let summary = outcome
                .as_ref()
                .map(|outcome| ResponseSummary::of(&outcome.responses_ms));
            rows.push(ReplayRow {
                model: kind.name().into(),
                approach: kind.approach().into(),
                window: test.window,
                k,
                horizon,
                events: timeline.events,
                candidate_share: candidate_share(&arrivals, k, horizon),
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
            });
        }
    }
    Ok(rows)
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

/// Each model's best point within the budget, in the order the models were listed.
fn best_per_model(
    rows: &[ReplayRow],
    models: &[ModelKind],
    config: &ReplayConfig,
) -> Vec<BestChoice> {
    let mut best = Vec::new();
    for kind in models {
        let own: Vec<&ReplayRow> = rows.iter().filter(|row| row.model == kind.name()).collect();
        let points: Vec<(f64, f64, f64, usize, usize)> = own
            .iter()
            .map(|row| {
                (
                    row.response_ms_median.unwrap_or(f64::INFINITY),
                    row.response_ms_mean.unwrap_or(f64::INFINITY),
                    row.work_per_event_ms.unwrap_or(f64::INFINITY),
                    row.k,
                    row.horizon,
                )
            })
            .collect();
        if let Some(index) = best_under_budget(&points, config.budget_ms) {
            let row = own[index];
            best.push(BestChoice {
                model: row.model.clone(),
                window: row.window,
                k: row.k,
                horizon: row.horizon,
                response_ms_median: points[index].0,
                response_ms_mean: points[index].1,
                work_per_event_ms: points[index].2,
                baseline_ms_median: row.baseline_ms_median.unwrap_or(f64::NAN),
            });
        }
    }
    best
}
