//! Windowed next-event samples and their train / validation / test split (SPEC §5).

use serde::{Deserialize, Serialize};

use crate::prepare::PreparedData;

/// Samples of `window` previous events and the event that followed, stored flat.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Windows {
    pub window: usize,
    contexts: Vec<u32>,
    targets: Vec<u32>,
}

impl Windows {
    pub fn new(window: usize) -> Self {
        Self {
            window,
            ..Self::default()
        }
    }

    pub fn push(&mut self, context: &[u32], target: u32) {
        debug_assert_eq!(context.len(), self.window);
        self.contexts.extend_from_slice(context);
        self.targets.push(target);
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

    pub fn target(&self, index: usize) -> u32 {
        self.targets[index]
    }

    pub fn targets(&self) -> &[u32] {
        &self.targets
    }

    pub fn iter(&self) -> impl Iterator<Item = (&[u32], u32)> + '_ {
        (0..self.len()).map(|index| (self.context(index), self.target(index)))
    }

    fn extend_from_sequence(&mut self, events: &[u32], range: std::ops::Range<usize>) {
        for end in range {
            self.push(&events[end - self.window..end], events[end]);
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
    /// The paper's protocol: fit on every window and measure on the same windows. Optimistic.
    Paper,
}

impl SplitMode {
    pub fn label(self) -> &'static str {
        match self {
            SplitMode::Chrono => "chronological 70/15/15",
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

/// Cuts every sequence into windows of `window` events and splits them; windows never cross a
/// sequence boundary.
pub fn split_windows(data: &PreparedData, window: usize, mode: SplitMode) -> SplitWindows {
    let mut split = SplitWindows {
        train: Windows::new(window),
        validation: Windows::new(window),
        test: Windows::new(window),
    };
    for sequence in &data.sequences {
        let events = data.sequence_events(sequence);
        if events.len() <= window {
            continue;
        }
        let count = events.len() - window;
        match mode {
            SplitMode::Chrono => {
                let train_end = window + (count as f64 * TRAIN_SHARE).floor() as usize;
                let validation_end = train_end + (count as f64 * VALIDATION_SHARE).floor() as usize;
                split.train.extend_from_sequence(events, window..train_end);
                split
                    .validation
                    .extend_from_sequence(events, train_end..validation_end);
                split
                    .test
                    .extend_from_sequence(events, validation_end..events.len());
            }
            SplitMode::Paper => {
                split
                    .train
                    .extend_from_sequence(events, window..events.len());
                split
                    .validation
                    .extend_from_sequence(events, window..events.len());
                split
                    .test
                    .extend_from_sequence(events, window..events.len());
            }
        }
    }
    split
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prepare::Sequence;
    use crate::vocabulary::Vocabulary;

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
}
