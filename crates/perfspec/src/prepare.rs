//! From audit records to the event sequence under a preset (SPEC §2).

use serde::{Deserialize, Serialize};

use crate::record::AuditRecord;
use crate::vocabulary::Vocabulary;

/// Which records become events. [`PrepareOptions::perfspec`] is the paper's `parse.py`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrepareOptions {
    /// Verbs whose requests are not events (read-only requests in the paper).
    pub drop_verbs: Vec<String>,
    /// Resources whose requests are not events (noise the paper removes).
    pub drop_resources: Vec<String>,
}

impl Default for PrepareOptions {
    fn default() -> Self {
        Self::perfspec()
    }
}

impl PrepareOptions {
    /// The PerfSPEC preset: drop `get`, `list`, `watch`; drop `events`, `leases`,
    /// `replicationcontrollers`; drop requests without a resource; keep every stage, user and
    /// status; subresources fold into their resource; one global sequence in file order.
    pub fn perfspec() -> Self {
        Self {
            drop_verbs: ["get", "list", "watch"].map(String::from).to_vec(),
            drop_resources: ["events", "leases", "replicationcontrollers"]
                .map(String::from)
                .to_vec(),
        }
    }
}

/// One step of the funnel from records read to events kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunnelStep {
    pub step: String,
    pub removed: u64,
    pub remaining: u64,
}

/// A run of consecutive events that windows never cross.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sequence {
    pub label: String,
    pub start: usize,
    pub len: usize,
}

/// The prepared dataset: event ids in order, cut into sequences, with the vocabulary.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PreparedData {
    pub vocabulary: Vocabulary,
    pub events: Vec<u32>,
    pub sequences: Vec<Sequence>,
    pub funnel: Vec<FunnelStep>,
    /// Earliest and latest receive time among kept events, as written (RFC 3339).
    pub time_span: Option<(String, String)>,
}

impl PreparedData {
    pub fn sequence_events(&self, sequence: &Sequence) -> &[u32] {
        &self.events[sequence.start..sequence.start + sequence.len]
    }
}

/// Applies the options to the records, in input order.
pub fn prepare(records: &[AuditRecord], options: &PrepareOptions) -> PreparedData {
    let mut funnel = vec![FunnelStep {
        step: "records parsed".into(),
        removed: 0,
        remaining: records.len() as u64,
    }];
    let mut kept: Vec<&AuditRecord> = records.iter().collect();
    let mut apply = |step: String, keep: &dyn Fn(&AuditRecord) -> bool| {
        let before = kept.len();
        kept.retain(|record| keep(record));
        funnel.push(FunnelStep {
            step,
            removed: (before - kept.len()) as u64,
            remaining: kept.len() as u64,
        });
    };
    apply("requests without a resource".into(), &|record| {
        record.resource.is_some()
    });
    if !options.drop_verbs.is_empty() {
        apply(
            format!("verbs {}", options.drop_verbs.join(", ")),
            &|record| !options.drop_verbs.iter().any(|verb| *verb == record.verb),
        );
    }
    if !options.drop_resources.is_empty() {
        apply(
            format!("resources {}", options.drop_resources.join(", ")),
            &|record| {
                record.resource.as_ref().is_none_or(|resource| {
                    !options
                        .drop_resources
                        .iter()
                        .any(|dropped| dropped == resource)
                })
            },
        );
    }

    let mut vocabulary = Vocabulary::default();
    let events: Vec<u32> = kept
        .iter()
        .map(|record| vocabulary.intern(&record.verb, record.resource.as_deref().unwrap_or("")))
        .collect();
    let time_span = time_span(&kept);
    let sequences = if events.is_empty() {
        Vec::new()
    } else {
        vec![Sequence {
            label: "all events".into(),
            start: 0,
            len: events.len(),
        }]
    };
    PreparedData {
        vocabulary,
        events,
        sequences,
        funnel,
        time_span,
    }
}

fn time_span(records: &[&AuditRecord]) -> Option<(String, String)> {
    // RFC 3339 UTC stamps of one writer compare correctly as text.
    let mut stamps = records
        .iter()
        .filter_map(|record| record.received_at.as_deref());
    let first = stamps.next()?;
    let (earliest, latest) = stamps.fold((first, first), |(low, high), stamp| {
        (low.min(stamp), high.max(stamp))
    });
    Some((earliest.to_string(), latest.to_string()))
}
