//! Finds long stretches of a sequence that repeat an earlier stretch exactly, as when a
//! processing script appends the same output twice (the paper's published token file holds its
//! run twice). Such copies put test windows in the training data and inflate every accuracy.
//!
//! Helm installs make short exact repeats of event types all the time, so only long stretches
//! count: at least [`MIN_RUN_EVENTS`] events and [`MIN_RUN_SHARE`] of the sequence.

use rustc_hash::FxHasher;
use serde::{Deserialize, Serialize};
use std::hash::Hasher;

pub const MIN_RUN_EVENTS: usize = 200;
pub const MIN_RUN_SHARE: f64 = 0.2;
/// Length of the stretches hashed to find candidate matches.
const ANCHOR: usize = 32;
/// Earlier positions of one anchor that a query compares with; caps the work on sequences that
/// are one event over and over.
const CANDIDATES: usize = 64;

/// `length` events from `repeat_start` equal those from `first_start`, in sequence `sequence`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepeatedRun {
    pub sequence: usize,
    pub first_start: usize,
    pub repeat_start: usize,
    pub length: usize,
}

fn anchor_hash(window: &[u32]) -> u64 {
    let mut hasher = FxHasher::default();
    for &id in window {
        hasher.write_u32(id);
    }
    hasher.finish()
}

/// The long repeated stretches of `ids`, each a later copy of an earlier, non-overlapping one.
///
/// Every position's anchor is indexed, but only every `step`-th position is looked up: a copy
/// of at least `threshold` events holds a looked-up anchor whatever its offset, and from that
/// anchor the match is extended both ways along its diagonal. Since the threshold grows with the
/// sequence, the number of look-ups stays small and the work linear.
pub fn find_repeated_runs(ids: &[u32]) -> Vec<RepeatedRun> {
    let n = ids.len();
    let threshold = MIN_RUN_EVENTS.max((MIN_RUN_SHARE * n as f64).ceil() as usize);
    if n < 2 * threshold {
        return Vec::new();
    }
    // (anchor hash, position), sorted; at most CANDIDATES positions per hash.
    let mut index: Vec<(u64, u32)> = (0..=n - ANCHOR)
        .map(|at| (anchor_hash(&ids[at..at + ANCHOR]), at as u32))
        .collect();
    index.sort_unstable();
    let mut kept = 0;
    index.dedup_by(|current, previous| {
        if current.0 == previous.0 {
            kept += 1;
        } else {
            kept = 0;
        }
        kept >= CANDIDATES
    });

    let step = ((threshold - ANCHOR) / 2).max(1);
    let mut runs: Vec<RepeatedRun> = Vec::new();
    let mut copies_end = 0;
    let mut query = step;
    while query + ANCHOR <= n {
        if query < copies_end {
            query += step;
            continue;
        }
        let hash = anchor_hash(&ids[query..query + ANCHOR]);
        let first = index.partition_point(|&(h, _)| h < hash);
        let mut best: Option<RepeatedRun> = None;
        for &(h, candidate) in &index[first..] {
            if h != hash {
                break;
            }
            let candidate = candidate as usize;
            if candidate >= query {
                break;
            }
            let offset = query - candidate;
            let mut back = 0;
            while back < candidate
                && query - back > copies_end
                && ids[candidate - back - 1] == ids[query - back - 1]
            {
                back += 1;
            }
            let mut forward = 0;
            while query + forward < n && ids[candidate + forward] == ids[query + forward] {
                forward += 1;
            }
            // The copy may not overlap its source: a periodic stretch matches itself shifted.
            let length = (back + forward).min(offset);
            if length >= threshold && best.as_ref().is_none_or(|b| length > b.length) {
                best = Some(RepeatedRun {
                    sequence: 0,
                    first_start: candidate - back,
                    repeat_start: query - back,
                    length,
                });
            }
        }
        match best {
            Some(run) => {
                copies_end = run.repeat_start + run.length;
                runs.push(run);
            }
            None => query += step,
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pseudo_random(n: usize, seed: u64, alphabet: u32) -> Vec<u32> {
        let mut state = seed;
        (0..n)
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((state >> 33) % u64::from(alphabet)) as u32
            })
            .collect()
    }

    #[test]
    fn a_run_appended_twice_is_found_whole() {
        let run = pseudo_random(1_000, 7, 40);
        let mut ids = run.clone();
        ids.extend(&run);
        let runs = find_repeated_runs(&ids);
        assert_eq!(
            runs,
            vec![RepeatedRun {
                sequence: 0,
                first_start: 0,
                repeat_start: 1_000,
                length: 1_000
            }]
        );
    }

    #[test]
    fn a_copy_inside_other_events_is_found() {
        let mut ids = pseudo_random(300, 1, 50);
        let copy = pseudo_random(400, 2, 50);
        ids.extend(&copy);
        ids.extend(pseudo_random(200, 3, 50));
        ids.extend(&copy);
        ids.extend(pseudo_random(100, 4, 50));
        let runs = find_repeated_runs(&ids);
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].first_start, 300);
        assert_eq!(runs[0].repeat_start, 900);
        assert_eq!(runs[0].length, 400);
    }

    #[test]
    fn short_natural_repeats_are_not_flagged() {
        // A pattern of 50 events recurring with variations, as chart installs do.
        let pattern = pseudo_random(50, 9, 30);
        let mut ids = Vec::new();
        for round in 0..40u32 {
            ids.extend(&pattern);
            ids.push(1_000 + round);
        }
        assert!(find_repeated_runs(&ids).is_empty());
        // A constant sequence is one long repetition: it is flagged, each copy after its source.
        let constant = vec![3u32; 2_000];
        let runs = find_repeated_runs(&constant);
        assert!(!runs.is_empty());
        for run in runs {
            assert!(run.first_start + run.length <= run.repeat_start);
            assert!(run.length >= 400);
        }
    }
}
