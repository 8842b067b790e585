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
    CandidateRanks::new(arrivals, k, horizon).share(k, horizon)
}

/// [`candidate_share`] at every k and horizon up to a grid's largest, from one pass over the
/// arrivals: each measured arrival's best rank among the plans covering it, per horizon.
pub struct CandidateRanks {
    k_max: usize,
    horizon_max: usize,
    measured: usize,
    /// `among[h − 1][r]`: measured arrivals whose type ranked `r` (0-based, the best over the
    /// plans and steps that horizon `h` uses), for `r < k_max`.
    among: Vec<Vec<usize>>,
}

impl CandidateRanks {
    /// Ranks every measured arrival of `arrivals` within the first `k_max` candidates of the
    /// first `horizon_max` steps of the `horizon_max` plans before it.
    pub fn new(arrivals: &[Arrival], k_max: usize, horizon_max: usize) -> Self {
        let mut among = vec![vec![0usize; k_max]; horizon_max];
        // The latest plans of each sequence, most recent first.
        let mut recent: FxHashMap<u32, VecDeque<&[Vec<u32>]>> = FxHashMap::default();
        let mut measured = 0usize;
        for arrival in arrivals {
            let plans = recent.entry(arrival.sequence).or_default();
            if arrival.measured {
                measured += 1;
                let rank = |distance: usize, step: usize| -> usize {
                    plans
                        .get(distance - 1)
                        .and_then(|plan| plan.get(step - 1))
                        .and_then(|ranked| {
                            ranked
                                .iter()
                                .take(k_max)
                                .position(|&t| t == arrival.event_type)
                        })
                        .unwrap_or(usize::MAX)
                };
                // Horizon h adds the plan h events back (steps 1..=h) and step h of the
                // plans nearer.
                let mut best = usize::MAX;
                for horizon in 1..=horizon_max {
                    for step in 1..=horizon {
                        best = best.min(rank(horizon, step));
                    }
                    for distance in 1..horizon {
                        best = best.min(rank(distance, horizon));
                    }
                    if best < k_max {
                        among[horizon - 1][best] += 1;
                    }
                }
            }
            plans.push_front(&arrival.plan);
            plans.truncate(horizon_max);
        }
        Self {
            k_max,
            horizon_max,
            measured,
            among,
        }
    }

    /// [`candidate_share`] at `k` and `horizon` (each at most the largest given to
    /// [`Self::new`]).
    pub fn share(&self, k: usize, horizon: usize) -> f64 {
        assert!(k <= self.k_max && (1..=self.horizon_max).contains(&horizon));
        let among: usize = self.among[horizon - 1][..k].iter().sum();
        among as f64 / self.measured.max(1) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rule read literally: any of the `horizon` plans before, any of their first
    /// `horizon` steps, any of their first `k` candidates.
    fn literal_share(arrivals: &[Arrival], k: usize, horizon: usize) -> f64 {
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
                among += usize::from(covered);
            }
            plans.push_front(&arrival.plan);
            plans.truncate(horizon);
        }
        among as f64 / measured.max(1) as f64
    }

    #[test]
    fn one_pass_matches_the_rule_at_every_point() {
        // Two interleaved sequences of 6 types; plans of varying lengths, some empty.
        let mut state = 12345u64;
        let mut next = |bound: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % bound
        };
        let arrivals: Vec<Arrival> = (0..400)
            .map(|i| {
                let steps = next(5) as usize;
                Arrival {
                    time_ms: i as f64,
                    sequence: next(2) as u32,
                    event_type: next(6) as u32,
                    measured: next(10) > 0,
                    plan: (0..steps)
                        .map(|_| (0..next(5)).map(|_| next(6) as u32).collect())
                        .collect(),
                }
            })
            .collect();
        let ranks = CandidateRanks::new(&arrivals, 5, 4);
        for k in 0..=5 {
            for horizon in 1..=4 {
                assert_eq!(
                    ranks.share(k, horizon),
                    literal_share(&arrivals, k, horizon),
                    "k {k}, horizon {horizon}"
                );
            }
        }
    }
}
