//! The timing-free figure: how often the next event was among the candidates at all.

use std::collections::VecDeque;

use rustc_hash::FxHashMap;

use super::verifier::Arrival;

/// Share of measured arrivals whose type was among the candidates (the first `k` of each of
/// the first `horizon` steps) of a plan that covered them: one made on one of the `horizon`
/// events before, in the same sequence. That is the verifier's own rule (a result precomputed
/// for a plan answers any of the events its horizon covers), so an event can only be ready or
/// under way if it counts here. At horizon 1 it is the top-k accuracy of the predictions made
/// on the replayed events. It needs no timestamps; 0 when nothing is measured.
pub fn candidate_share(arrivals: &[Arrival], k: usize, horizon: usize) -> f64 {
    // The latest plans of each sequence, most recent first.
    let mut recent: FxHashMap<u32, VecDeque<&[Vec<u32>]>> = FxHashMap::default();
    let (mut measured, mut among) = (0usize, 0usize);
    for arrival in arrivals {
        let plans = recent.entry(arrival.sequence).or_default();
        if arrival.measured {
            measured += 1;
            let covered = plans.iter().any(|plan| {
                plan.iter()
                    .take(horizon)
                    .any(|ranked| ranked.iter().take(k).any(|&t| t == arrival.event_type))
            });
            if covered {
                among += 1;
            }
        }
        plans.push_front(&arrival.plan);
        plans.truncate(horizon);
    }
    among as f64 / measured.max(1) as f64
}
