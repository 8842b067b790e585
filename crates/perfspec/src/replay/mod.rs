//! Proactive replay, PerfSPEC's runtime phase as a what-if: had a model driven the proactive
//! verifier over the test part of the user's own log, what would each event's response time
//! have been?
//!
//! # Semantics
//!
//! **Timeline.** The replay covers the test part of a chronological (or paper-compatible) split:
//! in each sequence, the events whose windows are test windows, in sequence order, preceded by
//! the event just before the first of them (the *context event*, which is predicted from but not
//! measured). Events arrive at their receive timestamps ([`crate::prepare::PreparedData::times`]); a
//! timestamp that is missing, or earlier than one before it in the sequence (the file order is
//! the API server's write order, not its receive order), is moved up to the latest time before
//! it, and the replay counts those moves. Sequences share one verifier: their events are merged
//! by time. A log without timestamps (a token file) gets only the timing-free figure,
//! [`ReplayRow::candidate_share`].
//!
//! **Predictions.** On every arrival but the last of its sequence, the model predicts from the
//! sequence so far (the test window's [`crate::dataset::Windows::history`]) and a *plan* is formed: for
//! each step `s = 1..=h` ahead, the `k` types of highest probability of being the `s`-th next
//! event ([`Forecaster`]: step 1 is the model's own distribution; later steps follow the `beam`
//! most probable paths of predicted events, weighting each path's next distribution by the
//! path's probability; at most `1 + beam·(h−1)` model calls per event). A model that ranks
//! verb × resource pairs is read through its pair distribution, and pairs that are no type of
//! the vocabulary are left out (no event of the log can have them). The plan's verifications are
//! queued step by step, rank by rank, each type once. Predicting is taken to cost nothing (the
//! paper's inference times are 1e-4 s for n-grams).
//!
//! **Verifier.** `W` workers; verifying an event of type `T` costs `c(T)` ms. A new plan
//! replaces its sequence's queued (not yet started) verifications: those it still wants move to
//! its order, the others are dropped without cost. A verification once started runs to its end,
//! except a precomputation that can no longer answer any event (with results per prediction:
//! its plans' horizon has passed), which is cancelled to free its worker; the work it did
//! counts, as wasted.
//!
//! **Which result answers which event** ([`Reuse`]):
//! - [`Reuse::PerPrediction`] (the default; PerfSPEC's runtime as the paper describes it): a
//!   result is precomputed for the events a plan predicts and answers at most one event of its
//!   type among the next `h` events of its sequence after that plan; once it has answered an
//!   event it is spent (that event changed the cluster's state). A later plan that predicts the
//!   type again while the result still covers the next event keeps it rather than verifying
//!   again, but does not lengthen its life: a result never outlives the `h` events after the
//!   plan that asked for it, and at `h = 1` serves only the very next event.
//! - [`Reuse::Lifetime`]: a cache per type, as a runtime would keep if a result for a type holds
//!   while the policy and the cluster state do not change, that change approximated by a
//!   lifetime: any result for the type, precomputed or computed on arrival, answers every event
//!   of the type within `lifetime` ms of its completion. The paper does not do this; it is an
//!   upper view of what caching adds.
//!
//! **Response time** of an event that arrives at `t`:
//! - its result is ready (completed at or before `t`): the lookup cost (default 1 ms);
//! - its verification is under way (finishing at `f > t`): `max(f − t, lookup)`;
//! - otherwise it is verified on arrival ([`OnArrival`]): with [`OnArrival::Inline`] (default)
//!   in the request's own path, outside the workers, as an admission webhook serves concurrent
//!   requests: `c(T)`, never queued; with [`OnArrival::Queued`] on the `W` workers, ahead of
//!   every precomputation but behind the verifications already running and the arrivals queued
//!   before it: `c(T)` plus the wait. A queued precomputation of its type is taken over.
//!
//! At the same instant, completions come first, then the arrival, then new starts.
//!
//! **Baseline.** The same verifier without predictions: every event verified on arrival. With
//! the defaults that is exactly `c(T)` per event; with [`OnArrival::Queued`] the baseline
//! queues just the same (so with bursts and few workers it can reach seconds); with
//! [`Reuse::Lifetime`] it reuses on-arrival results just the same.
//!
//! **Work.** Verification work is the time workers (and inline on-arrival checks) spend
//! verifying: every started verification counts whole, including those still running at the
//! end; queued ones left at the end (no event comes after them) count nothing. Work per event
//! divides it by the measured events; the wasted share is the part spent on precomputed
//! results that never answered an event.

mod candidates;
mod cost;
mod forecast;
mod report;
mod run;
mod stats;
mod timeline;
mod verifier;

use serde::{Deserialize, Serialize};

pub use candidates::{candidate_share, CandidateRanks};
pub use cost::VerificationCost;
pub use forecast::{forecast, Forecaster};
pub use report::{assemble_report, check_split};
pub use run::{
    replay, replay_model, BestChoice, PlannedReplay, ReplayReport, ReplayRow, TimelineSummary,
};
pub use stats::{best_under_budget, ResponseSummary};
pub use timeline::{test_timeline, Timeline};
pub use verifier::{simulate, Arrival, Outcome, VerifierSettings};

/// Largest number of events ahead a plan covers.
pub const MAX_HORIZON: usize = 8;
/// Largest beam (paths of predicted events followed for steps beyond the first).
pub const MAX_BEAM: usize = 32;
/// Largest number of candidates per step (the evaluation's largest top-k).
pub const MAX_K: usize = crate::models::ranking::CURVE_MAX_K;

/// Which results answer which events (see the module's semantics).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "ms")]
pub enum Reuse {
    /// A result answers one event among the next `h` after the plan that asked for it.
    #[default]
    PerPrediction,
    /// A result for a type answers every event of the type within this many ms of its
    /// completion (infinite: for ever).
    Lifetime(f64),
}

impl Reuse {
    /// `None` is per prediction; a lifetime in ms (which may be infinite) reuses by type.
    pub fn from_lifetime(lifetime_ms: Option<f64>) -> Self {
        lifetime_ms.map_or(Reuse::PerPrediction, Reuse::Lifetime)
    }

    /// Words for tables and notes.
    pub fn describe(self) -> String {
        match self {
            Reuse::PerPrediction => "results per prediction".into(),
            Reuse::Lifetime(ms) if ms.is_infinite() => "results reused by type for ever".into(),
            Reuse::Lifetime(ms) => format!("results reused by type for {ms} ms"),
        }
    }
}

/// Where an event that finds no result is verified (see the module's semantics).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnArrival {
    /// In the request's own path, at once, outside the workers.
    #[default]
    Inline,
    /// On the workers, ahead of precomputations, first come first served.
    Queued,
}

/// What the replay measures: the grid of candidates and horizons, and the verifier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReplayConfig {
    /// Candidates per predicted step (each ≤ [`MAX_K`]).
    pub ks: Vec<usize>,
    /// Events ahead a plan covers (each ≤ [`MAX_HORIZON`]).
    pub horizons: Vec<usize>,
    /// What verifying an event costs.
    pub cost: VerificationCost,
    /// Time to answer from a result that is ready, in ms.
    pub lookup_ms: f64,
    /// Verifier workers (at least one).
    pub workers: usize,
    /// Which results answer which events.
    pub reuse: Reuse,
    /// Where an event that finds no result is verified.
    pub on_arrival: OnArrival,
    /// Paths of predicted events followed for steps beyond the first.
    pub beam: usize,
    /// Most verification work per event (ms) that [`ReplayReport::best`] may choose; None: any.
    pub budget_ms: Option<f64>,
}

/// The defaults: k 1, 3, 9; horizons 1, 2, 3; 600 ms per verification (the paper's runtime
/// check), 1 ms lookup, one worker, results per prediction, inline on arrival, beam 5, no
/// budget.
impl Default for ReplayConfig {
    fn default() -> Self {
        Self {
            ks: vec![1, 3, 9],
            horizons: vec![1, 2, 3],
            cost: VerificationCost::default(),
            lookup_ms: 1.0,
            workers: 1,
            reuse: Reuse::PerPrediction,
            on_arrival: OnArrival::Inline,
            beam: 5,
            budget_ms: None,
        }
    }
}

impl ReplayConfig {
    /// Checks every figure; the message names the one that is wrong.
    pub fn validate(&self) -> Result<(), String> {
        if self.ks.is_empty() || self.ks.iter().any(|&k| k == 0 || k > MAX_K) {
            return Err(format!("each k must be between 1 and {MAX_K}"));
        }
        if self.horizons.is_empty() || self.horizons.iter().any(|&h| h == 0 || h > MAX_HORIZON) {
            return Err(format!("each horizon must be between 1 and {MAX_HORIZON}"));
        }
        if !(1..=MAX_BEAM).contains(&self.beam) {
            return Err(format!("the beam must be between 1 and {MAX_BEAM}"));
        }
        if self.workers == 0 {
            return Err("the verifier needs at least one worker".into());
        }
        if !(self.lookup_ms.is_finite() && self.lookup_ms >= 0.0) {
            return Err("the lookup cost must be zero or more milliseconds".into());
        }
        if let Reuse::Lifetime(ms) = self.reuse {
            if ms.is_nan() || ms < 0.0 {
                return Err("the cache lifetime must be zero or more milliseconds".into());
            }
        }
        if let Some(budget) = self.budget_ms {
            if budget.is_nan() || budget < 0.0 {
                return Err("the work budget must be zero or more milliseconds per event".into());
            }
        }
        self.cost.validate()
    }

    /// The grid's k values, ascending, each once.
    pub fn k_values(&self) -> Vec<usize> {
        sorted_unique(&self.ks)
    }

    /// The grid's horizons, ascending, each once.
    pub fn horizon_values(&self) -> Vec<usize> {
        sorted_unique(&self.horizons)
    }

    /// Every point of the grid, in the rows' order: k ascending, then horizon ascending.
    pub fn points(&self) -> Vec<(usize, usize)> {
        let horizons = self.horizon_values();
        self.k_values()
            .into_iter()
            .flat_map(|k| horizons.iter().map(move |&horizon| (k, horizon)))
            .collect()
    }

    /// The verifier's settings in words, as tables and the page head them: "verification
    /// 600 ms, lookup 1 ms, 1 worker, results per prediction, verified inline on arrival, beam 5".
    pub fn describe(&self) -> String {
        format!(
            "verification {}, lookup {} ms, {} worker{}, {}, {} on arrival, beam {}",
            self.cost.describe(),
            self.lookup_ms,
            self.workers,
            if self.workers == 1 { "" } else { "s" },
            self.reuse.describe(),
            match self.on_arrival {
                OnArrival::Inline => "verified inline",
                OnArrival::Queued => "queued",
            },
            self.beam
        )
    }

    /// The verifier's settings for one point of the grid.
    pub fn settings(&self, k: usize, horizon: usize) -> VerifierSettings {
        VerifierSettings {
            k,
            horizon,
            workers: self.workers,
            lookup_ms: self.lookup_ms,
            reuse: self.reuse,
            on_arrival: self.on_arrival,
        }
    }
}

fn sorted_unique(values: &[usize]) -> Vec<usize> {
    let mut values = values.to_vec();
    values.sort_unstable();
    values.dedup();
    values
}

/// Parses a list such as `1,3,9` or `1-3` (the window syntax), for k and horizon lists.
pub fn parse_list(text: &str) -> Result<Vec<usize>, String> {
    crate::pipeline::parse_windows(text)
        .map_err(|_| format!("\"{text}\" is not a list of numbers (use 1,3,9 or 1-3)"))
}
