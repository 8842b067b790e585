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
mod config;
mod cost;
mod forecast;
mod report;
mod run;
mod stats;
mod timeline;
mod verifier;

pub use candidates::{candidate_share, CandidateRanks};
pub use config::{parse_list, ReplayConfig, MAX_BEAM, MAX_HORIZON, MAX_K};
pub use cost::VerificationCost;
pub use forecast::{forecast, Forecaster};
pub use report::{assemble_report, check_split};
pub use report::{BestChoice, ReplayReport, ReplayRow, TimelineSummary};
pub use run::{replay, replay_model, PlannedReplay};
pub use stats::{best_under_budget, ResponseSummary};
pub use timeline::{test_timeline, Timeline};
pub use verifier::{simulate, Arrival, OnArrival, Outcome, Reuse, VerifierSettings};
