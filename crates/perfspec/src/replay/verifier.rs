//! The proactive verifier, simulated arrival by arrival (the rules are the module's
//! semantics, in [`crate::replay`]).
//!
//! Nothing here knows about models: each [`Arrival`] carries the plan made on it, so that the
//! same predictions can be replayed at every k and horizon, and so that tests can give plans by
//! hand.

use std::collections::VecDeque;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use smallvec::SmallVec;

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

/// One event of the replay as the verifier sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Arrival {
    /// When it arrives, in ms from any origin; [`simulate`] expects these non-decreasing.
    pub time_ms: f64,
    /// Its sequence: plans, and results per prediction, belong to one sequence.
    pub sequence: u32,
    /// Its type, an id of the vocabulary (an index into the costs).
    pub event_type: u32,
    /// Whether its response time is measured; false for the context event that opens a
    /// sequence's replay, which is predicted from but neither verified nor answered.
    pub measured: bool,
    /// The plan made on its arrival: `plan[s]` ranks the candidate types for the `s+1`-th
    /// next event of its sequence, most probable first. Empty when no plan is made.
    pub plan: Vec<Vec<u32>>,
}

/// One point of the grid, and the verifier.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VerifierSettings {
    /// Candidates used per step (the first `k` of each step of a plan); 0 makes no
    /// precomputation at all: the baseline.
    pub k: usize,
    /// Steps of a plan used (the first `horizon`).
    pub horizon: usize,
    /// Workers precomputing (and, queued on arrival, verifying arrivals); at least one.
    pub workers: usize,
    /// Time to answer from a ready result, in ms.
    pub lookup_ms: f64,
    /// Which results answer which events.
    pub reuse: Reuse,
    /// Where an event that finds no result is verified.
    pub on_arrival: OnArrival,
}

impl VerifierSettings {
    /// The same verifier without predictions.
    pub fn baseline(self) -> Self {
        Self { k: 0, ..self }
    }
}

/// What a replay measured.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Outcome {
    /// Response time of each measured event in ms, in arrival order.
    pub responses_ms: Vec<f64>,
    /// Measured events whose result was ready on arrival.
    pub ready: usize,
    /// Measured events that waited for a verification already under way when they arrived.
    pub under_way: usize,
    /// Verification work in ms: every verification started, precomputed or on arrival.
    pub work_ms: f64,
    /// The part of `work_ms` spent on precomputed results that never answered an event.
    pub wasted_ms: f64,
    /// Precomputations started.
    pub precomputed: usize,
}

impl Outcome {
    /// Number of measured events.
    pub fn measured(&self) -> usize {
        self.responses_ms.len()
    }

    /// Share of measured events whose result was ready on arrival (0 when none was measured).
    pub fn ready_share(&self) -> f64 {
        self.ready as f64 / self.measured().max(1) as f64
    }

    /// Share of measured events that waited for a verification under way.
    pub fn under_way_share(&self) -> f64 {
        self.under_way as f64 / self.measured().max(1) as f64
    }

    /// Verification work per measured event, in ms.
    pub fn work_per_event_ms(&self) -> f64 {
        self.work_ms / self.measured().max(1) as f64
    }

    /// Share of the work spent on results that answered nothing (0 when there was no work).
    pub fn wasted_share(&self) -> f64 {
        if self.work_ms > 0.0 {
            self.wasted_ms / self.work_ms
        } else {
            0.0
        }
    }
}

/// Replays `arrivals` (in time order) through the verifier; `costs[type]` is the verification
/// cost of each type in ms.
///
/// # Panics
/// If an arrival's type has no cost.
pub fn simulate(arrivals: &[Arrival], costs: &[f64], settings: VerifierSettings) -> Outcome {
    let mut verifier = Verifier::new(costs, settings);
    for arrival in arrivals {
        verifier.advance(arrival.time_ms);
        verifier.now = arrival.time_ms;
        let number = verifier.seen.entry(arrival.sequence).or_insert(0);
        *number += 1;
        let number = *number;
        if arrival.measured {
            verifier.arrive(arrival, number);
        }
        verifier.cancel_stale(arrival.sequence, number);
        if settings.k > 0 && settings.horizon > 0 && !arrival.plan.is_empty() {
            verifier.plan(arrival, number);
        }
    }
    verifier.finish()
}

/// Results shared by every sequence (the lifetime cache) are kept under this scope.
const SHARED: u32 = u32::MAX;

#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    Queued,
    Running { finish: f64 },
    Dropped,
}

/// What an arrival finds for its type.
enum Found {
    Ready,
    UnderWay(f64),
    Queued,
}

#[derive(Debug)]
struct Job {
    event_type: u32,
    /// The sequence whose plan first asked for it (per prediction, the only one it serves).
    sequence: u32,
    /// Its cost; for a cancelled job, the work done until it was cancelled.
    cost: f64,
    state: State,
    started: bool,
    /// A precomputation; false for a verification an arrival asked for (including a
    /// precomputation an arrival took over while it was still queued).
    speculative: bool,
    /// Per prediction: the last event (numbered from 1 within its sequence) it may answer.
    covers_until: u64,
    /// The sequences whose latest plan wants it, while it is queued (most often one: no
    /// allocation per job).
    owners: SmallVec<[u32; 2]>,
    /// It answered at least one event.
    used: bool,
    /// The plan that last asked for it, so that a plan handles each job once.
    plan: u64,
    /// Measured arrivals waiting for it to start (queued on arrival): (slot, arrival time).
    waiting: Vec<(usize, f64)>,
}

struct Verifier<'a> {
    settings: VerifierSettings,
    costs: &'a [f64],
    jobs: Vec<Job>,
    /// The job that answers (scope, type) now: scope is the sequence per prediction, or
    /// [`SHARED`] for the lifetime cache.
    current: FxHashMap<(u32, u32), usize>,
    /// Precomputations in the order the workers take them.
    planned: VecDeque<usize>,
    /// Verifications asked for by arrivals, taken before any precomputation.
    demanded: VecDeque<usize>,
    /// When each worker is next free, and the job it runs (or ran last).
    free_at: Vec<f64>,
    on_worker: Vec<Option<usize>>,
    /// The latest arrival time: every queued job was queued at or before it.
    now: f64,
    plans: u64,
    /// Events seen so far per sequence.
    seen: FxHashMap<u32, u64>,
    outcome: Outcome,
    /// Slots of `jobs` free for reuse: precomputations dropped before they started, which
    /// nothing refers to any more. Without reuse, a large k × h makes millions of jobs.
    free: Vec<usize>,
    /// A plan's order of precomputations, kept between plans for its buffer.
    order: Vec<usize>,
}

impl<'a> Verifier<'a> {
    fn new(costs: &'a [f64], settings: VerifierSettings) -> Self {
        Self {
            settings,
            costs,
            jobs: Vec::new(),
            current: FxHashMap::default(),
            planned: VecDeque::new(),
            demanded: VecDeque::new(),
            free_at: vec![f64::NEG_INFINITY; settings.workers.max(1)],
            on_worker: vec![None; settings.workers.max(1)],
            now: f64::NEG_INFINITY,
            plans: 0,
            seen: FxHashMap::default(),
            outcome: Outcome::default(),
            free: Vec::new(),
            order: Vec::new(),
        }
    }

    fn per_prediction(&self) -> bool {
        self.settings.reuse == Reuse::PerPrediction
    }

    fn scope(&self, sequence: u32) -> u32 {
        if self.per_prediction() {
            sequence
        } else {
            SHARED
        }
    }

    /// Whether a result that completed at `finish` still holds at `time` (lifetime cache).
    fn fresh(&self, finish: f64, time: f64) -> bool {
        match self.settings.reuse {
            Reuse::PerPrediction => true,
            Reuse::Lifetime(lifetime) => finish > time || time - finish <= lifetime,
        }
    }

    /// Starts queued jobs on the workers as they free up, up to (not including) `time`: an
    /// arrival at `time` comes before any start at that instant.
    fn advance(&mut self, time: f64) {
        loop {
            let (worker, free) = self
                .free_at
                .iter()
                .copied()
                .enumerate()
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .expect("at least one worker");
            let start = free.max(self.now);
            if start >= time {
                break;
            }
            let Some(id) = self.next_job() else {
                break;
            };
            let job = &mut self.jobs[id];
            let finish = start + job.cost;
            job.state = State::Running { finish };
            job.started = true;
            self.free_at[worker] = finish;
            self.on_worker[worker] = Some(id);
            self.outcome.work_ms += job.cost;
            if job.speculative {
                self.outcome.precomputed += 1;
            }
            for (slot, arrived) in job.waiting.drain(..) {
                self.outcome.responses_ms[slot] = finish - arrived;
            }
        }
    }

    fn next_job(&mut self) -> Option<usize> {
        if let Some(id) = self.demanded.pop_front() {
            return Some(id);
        }
        while let Some(id) = self.planned.pop_front() {
            let job = &self.jobs[id];
            if job.state == State::Queued && job.speculative {
                return Some(id);
            }
        }
        None
    }

    /// What `job` can do for the `number`-th event of its sequence arriving at `time`.
    fn found(&self, id: usize, number: u64, time: f64) -> Option<Found> {
        let job = &self.jobs[id];
        let covers = !self.per_prediction() || !job.speculative || job.covers_until >= number;
        match job.state {
            State::Dropped => None,
            State::Queued => covers.then_some(Found::Queued),
            State::Running { finish } if covers && self.fresh(finish, time) => {
                Some(if finish <= time {
                    Found::Ready
                } else {
                    Found::UnderWay(finish)
                })
            }
            State::Running { .. } => None,
        }
    }

    fn arrive(&mut self, arrival: &Arrival, number: u64) {
        let (time, event_type) = (arrival.time_ms, arrival.event_type);
        let slot = self.outcome.responses_ms.len();
        self.outcome.responses_ms.push(f64::NAN);
        let key = (self.scope(arrival.sequence), event_type);
        let found = self
            .current
            .get(&key)
            .and_then(|&id| self.found(id, number, time).map(|found| (id, found)));
        let lookup = self.settings.lookup_ms;
        match found {
            Some((id, Found::Ready)) => {
                self.outcome.responses_ms[slot] = lookup;
                self.outcome.ready += 1;
                self.spend(id, key);
            }
            Some((id, Found::UnderWay(finish))) => {
                self.outcome.responses_ms[slot] = (finish - time).max(lookup);
                self.outcome.under_way += 1;
                self.spend(id, key);
            }
            Some((id, Found::Queued)) => match self.settings.on_arrival {
                OnArrival::Inline => {
                    // Verified on arrival instead: the queued copy would be the same work.
                    self.jobs[id].state = State::Dropped;
                    self.current.remove(&key);
                    self.verify_inline(slot, key, arrival.sequence, time);
                }
                OnArrival::Queued => {
                    let job = &mut self.jobs[id];
                    job.used = true;
                    job.waiting.push((slot, time));
                    if job.speculative {
                        job.speculative = false;
                        job.owners.clear();
                        self.demanded.push_back(id);
                    }
                    if self.per_prediction() {
                        self.current.remove(&key);
                    }
                }
            },
            None => match self.settings.on_arrival {
                OnArrival::Inline => self.verify_inline(slot, key, arrival.sequence, time),
                OnArrival::Queued => {
                    let id = self.push_job(event_type, arrival.sequence, State::Queued, false, 0);
                    let job = &mut self.jobs[id];
                    job.used = true;
                    job.waiting.push((slot, time));
                    self.demanded.push_back(id);
                    if !self.per_prediction() {
                        self.current.insert(key, id);
                    }
                }
            },
        }
    }

    /// A result answered an event: per prediction it is spent.
    fn spend(&mut self, id: usize, key: (u32, u32)) {
        self.jobs[id].used = true;
        if self.per_prediction() {
            self.current.remove(&key);
        }
    }

    /// The arrival is verified in its own path: `c` for it; the lifetime cache keeps the result.
    fn verify_inline(&mut self, slot: usize, key: (u32, u32), sequence: u32, time: f64) {
        let cost = self.costs[key.1 as usize];
        self.outcome.responses_ms[slot] = cost;
        self.outcome.work_ms += cost;
        if !self.per_prediction() {
            let finish = time + cost;
            let id = self.push_job(key.1, sequence, State::Running { finish }, false, 0);
            self.jobs[id].used = true;
            self.current.insert(key, id);
        }
    }

    fn push_job(
        &mut self,
        event_type: u32,
        sequence: u32,
        state: State,
        speculative: bool,
        covers_until: u64,
    ) -> usize {
        // A job made running is an inline verification, off the workers.
        let started = matches!(state, State::Running { .. });
        let job = Job {
            event_type,
            sequence,
            cost: self.costs[event_type as usize],
            state,
            started,
            speculative,
            covers_until,
            owners: if speculative {
                smallvec::smallvec![sequence]
            } else {
                SmallVec::new()
            },
            used: false,
            plan: 0,
            waiting: Vec::new(),
        };
        match self.free.pop() {
            Some(id) => {
                self.jobs[id] = job;
                id
            }
            None => {
                self.jobs.push(job);
                self.jobs.len() - 1
            }
        }
    }

    /// The plan made on the `number`-th event of a sequence replaces that sequence's queued
    /// precomputations.
    fn plan(&mut self, arrival: &Arrival, number: u64) {
        self.plans += 1;
        let plan_id = self.plans;
        let sequence = arrival.sequence;
        let scope = self.scope(sequence);
        let time = arrival.time_ms;
        let horizon = self.settings.horizon.min(arrival.plan.len());
        let covers_until = number + horizon as u64;
        let mut order = std::mem::take(&mut self.order);
        order.clear();
        for step in &arrival.plan[..horizon] {
            for &event_type in step.iter().take(self.settings.k) {
                let key = (scope, event_type);
                if let Some(&id) = self.current.get(&key) {
                    if self.jobs[id].plan == plan_id {
                        continue;
                    }
                    if self.keeps(id, number, time) {
                        let job = &mut self.jobs[id];
                        job.plan = plan_id;
                        // Its coverage stays its own plan's (a result never outlives the h
                        // events after the plan that asked for it); queued, it moves to this
                        // plan's order.
                        if job.speculative && job.state == State::Queued {
                            if !job.owners.contains(&sequence) {
                                job.owners.push(sequence);
                            }
                            order.push(id);
                        }
                        continue;
                    }
                }
                let id = self.push_job(event_type, sequence, State::Queued, true, covers_until);
                self.jobs[id].plan = plan_id;
                self.current.insert(key, id);
                order.push(id);
            }
        }
        // What this sequence's previous plan queued and this one does not want is dropped,
        // unless another sequence's plan still wants it.
        for &id in &self.planned {
            let job = &mut self.jobs[id];
            if job.state == State::Queued && job.speculative && job.plan != plan_id {
                job.owners.retain(|owner| *owner != sequence);
                if job.owners.is_empty() {
                    // Queued, never started: once out of `planned` below, nothing refers to it.
                    job.state = State::Dropped;
                    self.free.push(id);
                    let key = (scope, job.event_type);
                    if self.current.get(&key) == Some(&id) {
                        self.current.remove(&key);
                    }
                }
            }
        }
        let jobs = &self.jobs;
        self.planned.retain(|&id| {
            let job = &jobs[id];
            job.state == State::Queued && job.speculative && job.plan != plan_id
        });
        self.planned.extend(order.iter().copied());
        self.order = order;
    }

    /// Whether a plan on the `number`-th event keeps job `id` rather than asking again.
    fn keeps(&self, id: usize, number: u64, time: f64) -> bool {
        let job = &self.jobs[id];
        match job.state {
            State::Dropped => false,
            // Per prediction, a result kept must still cover the next event.
            _ if self.per_prediction() => job.covers_until > number,
            State::Queued => true,
            State::Running { finish } => self.fresh(finish, time),
        }
    }

    /// Per prediction, a precomputation of `sequence` still running whose plans covered no
    /// event after its `number`-th can answer nothing any more: it is cancelled, freeing its
    /// worker, and the work it did counts as wasted. (With the lifetime cache it runs on: its
    /// result will be kept.)
    fn cancel_stale(&mut self, sequence: u32, number: u64) {
        if !self.per_prediction() {
            return;
        }
        for worker in 0..self.on_worker.len() {
            let Some(id) = self.on_worker[worker] else {
                continue;
            };
            let job = &mut self.jobs[id];
            let State::Running { finish } = job.state else {
                continue;
            };
            let stale = job.speculative
                && !job.used
                && job.sequence == sequence
                && job.covers_until <= number
                && finish > self.now;
            if stale {
                let remaining = finish - self.now;
                job.cost -= remaining;
                job.state = State::Dropped;
                self.outcome.work_ms -= remaining;
                self.free_at[worker] = self.now;
                self.on_worker[worker] = None;
                let key = (sequence, job.event_type);
                if self.current.get(&key) == Some(&id) {
                    self.current.remove(&key);
                }
            }
        }
    }

    /// No event comes after the last arrival: queued precomputations are dropped, arrivals
    /// still queued are verified, and the waste is counted.
    fn finish(mut self) -> Outcome {
        for &id in &self.planned {
            let job = &mut self.jobs[id];
            if job.state == State::Queued && job.speculative {
                job.state = State::Dropped;
            }
        }
        self.planned.clear();
        self.advance(f64::INFINITY);
        self.outcome.wasted_ms = self
            .jobs
            .iter()
            .filter(|job| job.speculative && job.started && !job.used)
            .map(|job| job.cost)
            .sum();
        debug_assert!(self.outcome.responses_ms.iter().all(|ms| !ms.is_nan()));
        self.outcome
    }
}
