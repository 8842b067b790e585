//! A replay's rows made into its report: the notes a reader needs, one summary per window and
//! each model's best point. One function, so that the CLI's replay and the page's worker, which
//! fit or keep their models differently, report alike.

use serde::{Deserialize, Serialize};

use crate::dataset::SplitMode;
use crate::models::ModelKind;

use super::config::ReplayConfig;
use super::stats::best_under_budget;
use super::timeline::Timeline;

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

/// Whether the test part of `split` can be replayed: it must be a stretch of time in each
/// sequence, which the random split's is not. The error says what to use instead.
pub fn check_split(split: SplitMode) -> Result<(), String> {
    if split == SplitMode::Random {
        return Err(
            "the replay needs each sequence's test part as a stretch of time: use the \
             chronological split (or the paper's)"
                .into(),
        );
    }
    Ok(())
}

/// The report of a replay under `config` of the test part of `split`: `unknown_costs` are the
/// cost file's types the log lacks ([`super::VerificationCost::resolve`]), `timelines` each
/// window replayed (in the order first met) with its timeline, `models` the models replayed in
/// order (repeats are ignored), `rows` every row as [`super::replay_model`] made them.
pub fn assemble_report(
    split: SplitMode,
    config: &ReplayConfig,
    unknown_costs: &[String],
    timelines: &[(usize, &Timeline)],
    models: &[ModelKind],
    rows: Vec<ReplayRow>,
) -> ReplayReport {
    let mut notes = Vec::new();
    if !unknown_costs.is_empty() {
        notes.push(format!(
            "the cost file names {} type{} that the log does not have (ignored): {}",
            unknown_costs.len(),
            if unknown_costs.len() == 1 { "" } else { "s" },
            unknown_costs.join(", ")
        ));
    }
    let timed = timelines.iter().all(|(_, timeline)| timeline.timed());
    if let Some(reason) = timelines
        .iter()
        .find_map(|(_, timeline)| timeline.untimed.clone())
    {
        notes.push(reason);
    }
    if let Some((window, timeline)) = timelines
        .iter()
        .filter(|(_, timeline)| timeline.timed() && timeline.adjusted > 0)
        .max_by_key(|(_, timeline)| timeline.adjusted)
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
        let mut distinct: Vec<ModelKind> = Vec::new();
        for model in models {
            if !distinct.contains(model) {
                distinct.push(*model);
            }
        }
        best_per_model(&rows, &distinct, config)
    } else {
        Vec::new()
    };
    ReplayReport {
        split,
        optimistic: split.is_optimistic(),
        timed,
        config: config.clone(),
        timelines: timelines
            .iter()
            .map(|(window, timeline)| TimelineSummary {
                window: *window,
                events: timeline.events,
                sequences: timeline.stretches.len(),
                adjusted_times: timeline.adjusted,
            })
            .collect(),
        notes,
        rows,
        best,
    }
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
