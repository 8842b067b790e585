//! Finds long stretches of a sequence that repeat an earlier stretch exactly, as when a
//! processing script appends the same output twice (the paper's published token file holds its
//! run twice). Such copies put test windows in the training data and inflate every accuracy.
//!
//! Helm installs make short exact repeats of event types all the time, so only long stretches
//! count: at least [`MIN_RUN_EVENTS`] events and [`MIN_RUN_SHARE`] of the sequence.

use rustc_hash::{FxHashMap, FxHasher};
use serde::{Deserialize, Serialize};
use std::hash::Hasher;

pub const MIN_RUN_EVENTS: usize = 200;
pub const MIN_RUN_SHARE: f64 = 0.2;
/// Length of the stretches hashed to find candidate matches.
const ANCHOR: usize = 32;
/// Candidate earlier positions kept per anchor hash.
const CANDIDATES: usize = 8;
/// Comparisons allowed per event before the search gives up (keeps pathological inputs linear).
const WORK_PER_EVENT: usize = 64;

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
pub fn find_repeated_runs(ids: &[u32]) -> Vec<RepeatedRun> {
    let n = ids.len();
    let threshold = MIN_RUN_EVENTS.max((MIN_RUN_SHARE * n as f64).ceil() as usize);
    if n < 2 * threshold || n < ANCHOR {
        return Vec::new();
    }
    let mut seen: FxHashMap<u64, Vec<usize>> = FxHashMap::default();
    let mut runs = Vec::new();
    let mut budget = WORK_PER_EVENT * n;
    let mut j = 0;
    while j + ANCHOR <= n {
        let hash = anchor_hash(&ids[j..j + ANCHOR]);
        let mut found = None;
        if let Some(candidates) = seen.get(&hash) {
            for &i in candidates.iter().filter(|&&i| i + ANCHOR <= j) {
                let mut length = 0;
                while j + length < n && i + length < j && ids[i + length] == ids[j + length] {
                    length += 1;
                }
                budget = budget.saturating_sub(length.max(1));
                if length >= threshold && found.is_none_or(|(_, best)| length > best) {
                    found = Some((i, length));
                }
            }
        }
        if budget == 0 {
            break;
        }
        if let Some((i, length)) = found {
            runs.push(RepeatedRun {
                sequence: 0,
                first_start: i,
                repeat_start: j,
                length,
            });
            j += length;
            continue;
        }
        let candidates = seen.entry(hash).or_default();
        if candidates.len() < CANDIDATES {
            candidates.push(j);
        }
        j += 1;
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
