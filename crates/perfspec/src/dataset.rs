//! Windowed next-event samples and their train / validation / test split (see ARCHITECTURE.md,
//! Evaluation protocol).

use std::ops::Range;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::prepare::PreparedData;

/// Samples of `window` previous events and the event that followed, stored flat.
///
/// Windows cut from a prepared sequence also know where they stand in it, so that a model that
/// reads more than its window (the compositional one reads the whole sequence so far: the
/// online setting) can be given every earlier event: see [`Windows::history`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Windows {
    pub window: usize,
    contexts: Vec<u32>,
    targets: Vec<u32>,
    /// The events the windows were cut from (shared by a split's three parts), and for each
    /// window the range of them before its target that belongs to its sequence. Empty for
    /// windows pushed by hand, which have no more history than their context.
    events: Arc<[u32]>,
    histories: Vec<Range<u32>>,
}

impl Windows {
    pub fn new(window: usize) -> Self {
        Self {
            window,
            ..Self::default()
        }
    }

    /// The windows of one sequence, `events`, whose targets are at the positions `ends` (each at
    /// least `window`), with their histories: for studies that cut a sequence otherwise than
    /// the split does (the compositional model's held-out-type check).
    pub fn of_sequence(events: &[u32], window: usize, ends: Range<usize>) -> Self {
        assert!(ends.start >= window && ends.end <= events.len());
        let mut windows = Self::cut_from(window, events.into());
        windows.extend_from_sequence(0, ends);
        windows
    }

    /// Windows to be cut from `events` with [`Windows::push_at`].
    fn cut_from(window: usize, events: Arc<[u32]>) -> Self {
        Self {
            events,
            ..Self::new(window)
        }
    }

    pub fn push(&mut self, context: &[u32], target: u32) {
        debug_assert_eq!(context.len(), self.window);
        debug_assert!(
            self.histories.is_empty(),
            "windows with histories are cut, not pushed"
        );
        self.contexts.extend_from_slice(context);
        self.targets.push(target);
    }

    /// The window whose target is `events[end]`, in a sequence that starts at `start`.
    fn push_at(&mut self, start: usize, end: usize) {
        let events = &self.events;
        self.contexts
            .extend_from_slice(&events[end - self.window..end]);
        self.targets.push(events[end]);
        self.histories.push(start as u32..end as u32);
    }

    /// Every event of window `index`'s sequence before its target, oldest first (its context
    /// is the last [`Windows::window`] of them); just the context for windows pushed by hand.
    pub fn history(&self, index: usize) -> &[u32] {
        match self.histories.get(index) {
            Some(range) => &self.events[range.start as usize..range.end as usize],
            None => self.context(index),
        }
    }

    /// Each window's history and target, in order.
    pub fn histories(&self) -> impl Iterator<Item = (&[u32], u32)> + '_ {
        (0..self.len()).map(|index| (self.history(index), self.target(index)))
    }

    pub fn len(&self) -> usize {
        self.targets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }

    pub fn context(&self, index: usize) -> &[u32] {
        &self.contexts[index * self.window..(index + 1) * self.window]
    }

    /// The contexts of the windows `range`, flat (`range.len() × window` ids).
    pub fn contexts(&self, range: Range<usize>) -> &[u32] {
        &self.contexts[range.start * self.window..range.end * self.window]
    }

    pub fn target(&self, index: usize) -> u32 {
        self.targets[index]
    }

    pub fn targets(&self) -> &[u32] {
        &self.targets
    }

    /// The first `count` windows (all of them when there are fewer).
    pub fn prefix(&self, count: usize) -> Windows {
        let count = count.min(self.len());
        Windows {
            window: self.window,
            contexts: self.contexts[..count * self.window].to_vec(),
            targets: self.targets[..count].to_vec(),
            events: self.events.clone(),
            histories: self.histories[..count.min(self.histories.len())].to_vec(),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&[u32], u32)> + '_ {
        (0..self.len()).map(|index| (self.context(index), self.target(index)))
    }

    /// The windows of the sequence starting at `start` whose targets are at `ends`.
    fn extend_from_sequence(&mut self, start: usize, ends: Range<usize>) {
        for end in ends {
            self.push_at(start, end);
        }
    }
}

/// How windows are divided between fitting and measuring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SplitMode {
    /// Each sequence's windows in time order: the first 70% train, the next 15% validate, the
    /// last 15% test. The honest default.
    #[default]
    Chrono,
    /// All windows pooled and shuffled with a seed, then cut 70/15/15. Test windows then sit
    /// between training windows of the same stretch of log, so many of them (context and next
    /// event alike) also occur in training: the leakage share is shown beside its figures.
    Random,
    /// The paper's protocol: fit on every window and measure on the same windows. Optimistic.
    Paper,
}

impl SplitMode {
    pub const ALL: [SplitMode; 3] = [SplitMode::Chrono, SplitMode::Random, SplitMode::Paper];

    /// The name in files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            SplitMode::Chrono => "chrono",
            SplitMode::Random => "random",
            SplitMode::Paper => "paper",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SplitMode::Chrono => "chronological 70/15/15",
            SplitMode::Random => "random 70/15/15 (seeded; test windows may repeat training ones)",
            SplitMode::Paper => "paper-compatible (evaluated on training data, optimistic)",
        }
    }

    pub fn is_optimistic(self) -> bool {
        matches!(self, SplitMode::Paper)
    }
}

/// Windows of one size, split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitWindows {
    pub train: Windows,
    pub validation: Windows,
    pub test: Windows,
}

pub const TRAIN_SHARE: f64 = 0.70;
pub const VALIDATION_SHARE: f64 = 0.15;
/// The seed of [`SplitMode::Random`] when none is given.
pub const DEFAULT_SEED: u64 = 1;

/// Cuts every sequence into windows of `window` events and splits them; windows never cross a
/// sequence boundary. A random split uses [`DEFAULT_SEED`].
pub fn split_windows(data: &PreparedData, window: usize, mode: SplitMode) -> SplitWindows {
    split_windows_seeded(data, window, mode, DEFAULT_SEED)
}

/// [`split_windows`] with the seed of the random split (ignored by the other modes).
pub fn split_windows_seeded(
    data: &PreparedData,
    window: usize,
    mode: SplitMode,
    seed: u64,
) -> SplitWindows {
    match mode {
        SplitMode::Chrono => per_sequence_split(data, window, true),
        SplitMode::Random => random_split(data, window, seed),
        SplitMode::Paper => per_sequence_split(data, window, false),
    }
}

/// Each sequence in time order: cut 70/15/15 when `chronological`, else every window in all
/// three parts (the paper's protocol).
fn per_sequence_split(data: &PreparedData, window: usize, chronological: bool) -> SplitWindows {
    let events: Arc<[u32]> = data.events.as_slice().into();
    let mut split = SplitWindows {
        train: Windows::cut_from(window, events.clone()),
        validation: Windows::cut_from(window, events.clone()),
        test: Windows::cut_from(window, events),
    };
    for sequence in &data.sequences {
        let (start, len) = (sequence.start, sequence.len);
        if len <= window {
            continue;
        }
        let count = len - window;
        let first = start + window;
        if chronological {
            let train_end = first + (count as f64 * TRAIN_SHARE).floor() as usize;
            let validation_end = train_end + (count as f64 * VALIDATION_SHARE).floor() as usize;
            split.train.extend_from_sequence(start, first..train_end);
            split
                .validation
                .extend_from_sequence(start, train_end..validation_end);
            split
                .test
                .extend_from_sequence(start, validation_end..start + len);
        } else {
            split.train.extend_from_sequence(start, first..start + len);
            split
                .validation
                .extend_from_sequence(start, first..start + len);
            split.test.extend_from_sequence(start, first..start + len);
        }
    }
    split
}

/// Every window of every sequence, shuffled by `seed`, cut 70/15/15 with the chronological
/// split's rounding; each part keeps time order, so only membership is random.
fn random_split(data: &PreparedData, window: usize, seed: u64) -> SplitWindows {
    // The position in `data.events` of each window's next event; its context precedes it.
    // (sequence start, target position) of every window.
    let mut ends: Vec<(usize, usize)> = data
        .sequences
        .iter()
        .filter(|sequence| sequence.len > window)
        .flat_map(|sequence| {
            (sequence.start + window..sequence.start + sequence.len)
                .map(|end| (sequence.start, end))
        })
        .collect();
    let count = ends.len();
    let train_count = (count as f64 * TRAIN_SHARE).floor() as usize;
    let validation_count = (count as f64 * VALIDATION_SHARE).floor() as usize;
    shuffle(&mut ends, seed);
    let events: Arc<[u32]> = data.events.as_slice().into();
    let part = |ends: &mut [(usize, usize)]| {
        ends.sort_unstable();
        let mut windows = Windows::cut_from(window, events.clone());
        for &(start, end) in ends.iter() {
            windows.push_at(start, end);
        }
        windows
    };
    let (train, rest) = ends.split_at_mut(train_count);
    let (validation, test) = rest.split_at_mut(validation_count);
    SplitWindows {
        train: part(train),
        validation: part(validation),
        test: part(test),
    }
}

/// Fisher-Yates with SplitMix64. The generator is written out here rather than taken from a
/// crate so that a seed gives the same split on every platform and in every future build.
pub(crate) fn shuffle<T>(items: &mut [T], seed: u64) {
    let mut rng = SplitMix64::new(seed);
    for i in (1..items.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        items.swap(i, j);
    }
}

/// SplitMix64 (Steele, Lea and Flood 2014): tiny, fast and well mixed, ample for shuffling.
#[derive(Debug, Clone)]
pub(crate) struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub(crate) fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..bound` (Lemire's multiply-and-reject, no modulo bias).
    pub(crate) fn below(&mut self, bound: u64) -> u64 {
        debug_assert!(bound > 0);
        let threshold = bound.wrapping_neg() % bound;
        loop {
            let product = u128::from(self.next_u64()) * u128::from(bound);
            if (product as u64) >= threshold {
                return (product >> 64) as u64;
            }
        }
    }
}

/// Which event types occur in `train` (as a context or a next event): `seen[id]`. A type absent
/// from training is one no model of whole types can have learned.
pub fn seen_in_training(train: &Windows, types: usize) -> Vec<bool> {
    let mut seen = vec![false; types];
    for (context, target) in train.iter() {
        for &id in context.iter().chain([&target]) {
            if let Some(flag) = seen.get_mut(id as usize) {
                *flag = true;
            }
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prepare::vocabulary::Vocabulary;
    use crate::prepare::Sequence;

    fn data(events: Vec<u32>, cuts: &[usize]) -> PreparedData {
        let mut sequences = Vec::new();
        let mut start = 0;
        for &end in cuts.iter().chain(std::iter::once(&events.len())) {
            sequences.push(Sequence {
                label: format!("s{start}"),
                start,
                len: end - start,
            });
            start = end;
        }
        PreparedData {
            vocabulary: Vocabulary::default(),
            events,
            sequences,
            funnel: Vec::new(),
            time_span: None,
            repeated_runs: Vec::new(),
            times: Vec::new(),
        }
    }

    #[test]
    fn chronological_split_keeps_time_order_and_covers_every_window() {
        let events: Vec<u32> = (0..102).collect();
        let split = split_windows(&data(events, &[]), 2, SplitMode::Chrono);
        assert_eq!(split.train.len(), 70);
        assert_eq!(split.validation.len(), 15);
        assert_eq!(split.test.len(), 15);
        assert_eq!(split.train.context(0), &[0, 1]);
        assert_eq!(split.train.target(0), 2);
        let last_train = split.train.target(69);
        assert!(split.validation.targets().iter().all(|&t| t > last_train));
        let last_validation = *split.validation.targets().last().unwrap();
        assert!(split.test.targets().iter().all(|&t| t > last_validation));
        assert_eq!(*split.test.targets().last().unwrap(), 101);
    }

    #[test]
    fn windows_never_cross_a_sequence_boundary() {
        let events: Vec<u32> = (0..20).collect();
        let split = split_windows(&data(events, &[10]), 3, SplitMode::Paper);
        assert_eq!(split.train.len(), 14);
        for (context, target) in split.train.iter() {
            let crosses = context.iter().any(|&e| e < 10) && target >= 10;
            assert!(!crosses, "{context:?} -> {target}");
        }
        assert_eq!(split.test, split.train);
    }

    #[test]
    fn random_split_is_a_seeded_partition() {
        let events: Vec<u32> = (0..203).collect();
        let data = data(events, &[100]);
        let split = split_windows_seeded(&data, 2, SplitMode::Random, 7);
        // 98 + 101 windows.
        assert_eq!(split.train.len(), 139);
        assert_eq!(split.validation.len(), 29);
        assert_eq!(split.test.len(), 31);
        let mut targets: Vec<u32> = [&split.train, &split.validation, &split.test]
            .iter()
            .flat_map(|part| part.targets().iter().copied())
            .collect();
        targets.sort_unstable();
        let expected: Vec<u32> = (2..100).chain(102..203).collect();
        assert_eq!(
            targets, expected,
            "every window once, none crossing the cut"
        );
        for (context, target) in split.test.iter() {
            assert_eq!(context, &[target - 2, target - 1]);
        }
        assert!(split
            .train
            .targets()
            .windows(2)
            .all(|pair| pair[0] < pair[1]));
        assert_eq!(split, split_windows_seeded(&data, 2, SplitMode::Random, 7));
        assert_ne!(split, split_windows_seeded(&data, 2, SplitMode::Random, 8));
    }

    #[test]
    fn bounded_draws_are_uniform_enough() {
        let mut rng = SplitMix64::new(3);
        let mut histogram = [0u32; 6];
        for _ in 0..60_000 {
            histogram[rng.below(6) as usize] += 1;
        }
        assert!(
            histogram.iter().all(|&n| (9_500..10_500).contains(&n)),
            "{histogram:?}"
        );
    }
}
