//! The stretch of each sequence that the replay covers, and when its events arrived.

use std::ops::Range;

use crate::dataset::Windows;
use crate::prepare::PreparedData;

/// The test part of one sequence: its test windows, and the arrival time of the context event
/// before the first of them followed by each window's target.
#[derive(Debug, Clone, PartialEq)]
pub struct Stretch {
    /// Index into [`PreparedData::sequences`].
    pub sequence: usize,
    /// Indices of its test windows, in order; their targets are consecutive events that end
    /// the sequence.
    pub windows: Range<usize>,
    /// Position in [`PreparedData::events`] of the context event (just before the first
    /// target).
    pub context: usize,
    /// Arrival times in ms from the earliest replayed event: the context event's, then each
    /// target's; non-decreasing. All 0 when the timeline is not timed.
    pub times_ms: Vec<f64>,
}

/// Every sequence's test part, and whether it can be timed.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    /// One per sequence long enough to have test windows, in sequence order.
    pub stretches: Vec<Stretch>,
    /// Events measured (test windows).
    pub events: usize,
    /// Why the replay cannot time arrivals; None when it can.
    pub untimed: Option<String>,
    /// Replayed events whose timestamp was missing or earlier than one before it in their
    /// sequence, and that were therefore moved up to the latest time before them.
    pub adjusted: usize,
}

impl Timeline {
    /// Whether arrivals have times, so that response times can be replayed.
    pub fn timed(&self) -> bool {
        self.untimed.is_none()
    }
}

/// The timeline of `test`, the test windows of a chronological or paper-compatible split of
/// `data` (in each sequence they are the windows of its last events). The error says why
/// other windows (a random split's) cannot be replayed.
pub fn test_timeline(data: &PreparedData, test: &Windows) -> Result<Timeline, String> {
    let not_a_tail = || {
        "the replay needs each sequence's test windows to be its last events in time order \
         (a chronological or paper split); a random split scatters them"
            .to_string()
    };
    let mut stretches = Vec::new();
    let mut next = 0;
    for (index, sequence) in data.sequences.iter().enumerate() {
        if sequence.len <= test.window || next >= test.len() {
            continue;
        }
        let first = next;
        let mut expected = test.history(first).len();
        if expected < test.window || expected >= sequence.len {
            return Err(not_a_tail());
        }
        while next < test.len() {
            let offset = test.history(next).len();
            let position = sequence.start + offset;
            if offset != expected || data.events.get(position) != Some(&test.target(next)) {
                return Err(not_a_tail());
            }
            next += 1;
            expected += 1;
            if offset + 1 == sequence.len {
                break;
            }
        }
        if expected != sequence.len {
            return Err(not_a_tail());
        }
        stretches.push(Stretch {
            sequence: index,
            windows: first..next,
            context: sequence.start + test.history(first).len() - 1,
            times_ms: Vec::new(),
        });
    }
    if next != test.len() {
        return Err(not_a_tail());
    }
    let mut timeline = Timeline {
        events: test.len(),
        stretches,
        untimed: None,
        adjusted: 0,
    };
    time_arrivals(data, &mut timeline);
    Ok(timeline)
}

/// Fills each stretch's arrival times from the receive timestamps, or says why it cannot.
fn time_arrivals(data: &PreparedData, timeline: &mut Timeline) {
    let positions = |stretch: &Stretch| stretch.context..=stretch.context + stretch.windows.len();
    let origin = timeline
        .stretches
        .iter()
        .flat_map(|stretch| positions(stretch).filter_map(|position| data.time(position)))
        .fold(f64::INFINITY, f64::min);
    let silent = timeline
        .stretches
        .iter()
        .filter(|stretch| positions(stretch).all(|position| data.time(position).is_none()))
        .count();
    timeline.untimed = if origin.is_infinite() {
        Some(
            "the log has no receive timestamps (a token file has none): only the share of \
             events among the candidates can be replayed"
                .into(),
        )
    } else if silent > 0 {
        Some(format!(
            "{silent} of {} replayed sequences have no receive timestamps: only the share of \
             events among the candidates can be replayed",
            timeline.stretches.len()
        ))
    } else {
        None
    };
    for stretch in &mut timeline.stretches {
        let count = stretch.windows.len() + 1;
        if timeline.untimed.is_some() {
            stretch.times_ms = vec![0.0; count];
            continue;
        }
        let known: Vec<Option<f64>> = (stretch.context..stretch.context + count)
            .map(|position| data.time(position).map(|time| (time - origin) * 1000.0))
            .collect();
        // Events before the first timed one arrive with it.
        let mut latest = known.iter().flatten().copied().next().unwrap_or(0.0);
        stretch.times_ms = known
            .iter()
            .map(|time| {
                match time {
                    Some(time) if *time >= latest => latest = *time,
                    _ => timeline.adjusted += 1,
                }
                latest
            })
            .collect();
    }
}
