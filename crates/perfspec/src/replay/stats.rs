//! Response-time figures, and the best point of the grid under a work budget.

use serde::{Deserialize, Serialize};

/// Mean, median and 99th percentile of response times, in ms.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct ResponseSummary {
    /// Arithmetic mean.
    pub mean: f64,
    /// Nearest-rank 50th percentile.
    pub median: f64,
    /// Nearest-rank 99th percentile.
    pub p99: f64,
}

impl ResponseSummary {
    /// The figures of `responses_ms` (all zero when empty). Percentiles are nearest-rank, as
    /// the evaluation's inference times: the median of 1, 2, 3, 4 is 2.
    pub fn of(responses_ms: &[f64]) -> Self {
        if responses_ms.is_empty() {
            return Self::default();
        }
        // Two selections instead of a sort: the replay takes these figures at every point of
        // its grid, over every replayed event.
        let mut values = responses_ms.to_vec();
        let n = values.len();
        let rank = |q: f64| ((q * n as f64).ceil() as usize).clamp(1, n) - 1;
        let (median_rank, p99_rank) = (rank(0.5), rank(0.99));
        let (below, &mut p99, _) = values.select_nth_unstable_by(p99_rank, f64::total_cmp);
        let median = if median_rank == p99_rank {
            p99
        } else {
            *below.select_nth_unstable_by(median_rank, f64::total_cmp).1
        };
        Self {
            mean: responses_ms.iter().sum::<f64>() / n as f64,
            median,
            p99,
        }
    }
}

/// Of `points` (each: median response, mean response, work per event, k, horizon), the index
/// of the best whose work per event is within `budget_ms` (any when None): lowest median, then
/// lowest mean, then least work, then fewest candidates and shortest horizon. None when no
/// point fits the budget.
pub fn best_under_budget(
    points: &[(f64, f64, f64, usize, usize)],
    budget_ms: Option<f64>,
) -> Option<usize> {
    points
        .iter()
        .enumerate()
        .filter(|(_, point)| budget_ms.is_none_or(|budget| point.2 <= budget))
        .min_by(|(_, a), (_, b)| {
            a.0.total_cmp(&b.0)
                .then(a.1.total_cmp(&b.1))
                .then(a.2.total_cmp(&b.2))
                .then(a.3.cmp(&b.3))
                .then(a.4.cmp(&b.4))
        })
        .map(|(index, _)| index)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_figures() {
        let summary = ResponseSummary::of(&[4.0, 1.0, 3.0, 2.0]);
        assert_eq!(summary.mean, 2.5);
        assert_eq!(summary.median, 2.0);
        assert_eq!(summary.p99, 4.0);
        assert_eq!(ResponseSummary::of(&[]), ResponseSummary::default());
    }

    #[test]
    fn the_best_point_respects_the_budget() {
        let points = [
            (1.0, 5.0, 900.0, 9, 1),
            (600.0, 400.0, 100.0, 1, 1),
            (600.0, 300.0, 200.0, 3, 1),
        ];
        assert_eq!(best_under_budget(&points, None), Some(0));
        assert_eq!(best_under_budget(&points, Some(250.0)), Some(2));
        assert_eq!(best_under_budget(&points, Some(150.0)), Some(1));
        assert_eq!(best_under_budget(&points, Some(50.0)), None);
    }
}
