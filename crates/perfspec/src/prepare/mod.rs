//! From audit records to event sequences under a preset and options (see ARCHITECTURE.md,
//! Prepare).

pub mod repeated_run;
pub mod vocabulary;

use serde::{Deserialize, Serialize};

use crate::ingest::record::{AuditKey, AuditRecords, RecordRef, Symbol, ToAuditRecords};
use repeated_run::{find_repeated_runs, RepeatedRun};
use vocabulary::Vocabulary;

/// Which record stands for a request that the log holds in several stages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditIdDedup {
    /// The first record seen for each `auditID`, whatever its stage.
    First,
    /// Only `ResponseComplete` records (the first one per `auditID`).
    Complete,
}

/// The order of events within the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventOrder {
    /// As written: the API server's write order (the paper's choice).
    #[default]
    File,
    /// By `requestReceivedTimestamp`, stable (records without one keep their place at the start).
    Time,
}

/// How the event stream is cut into sequences that windows never cross.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sequencing {
    /// One sequence of every event (the paper's choice).
    #[default]
    Global,
    /// One sequence per user.
    User,
    /// One sequence per namespace; cluster-scoped requests form their own.
    Namespace,
    /// A new sequence wherever the stream is idle for longer than this many seconds.
    Idle(f64),
}

impl Sequencing {
    /// Parses `global`, `user`, `namespace` or `idle:SECONDS`.
    pub fn parse(text: &str) -> Result<Self, String> {
        match text {
            "global" => Ok(Sequencing::Global),
            "user" => Ok(Sequencing::User),
            "namespace" => Ok(Sequencing::Namespace),
            _ => {
                let seconds = text
                    .strip_prefix("idle:")
                    .and_then(|s| s.parse::<f64>().ok())
                    .filter(|s| s.is_finite() && *s > 0.0)
                    .ok_or_else(|| {
                        format!(
                            "\"{text}\" is not a sequencing (global, user, namespace or idle:SECONDS)"
                        )
                    })?;
                Ok(Sequencing::Idle(seconds))
            }
        }
    }
}

/// Which records become events and how they are ordered and cut.
/// [`PrepareOptions::perfspec`] is the paper's `parse.py`; every other option is off in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PrepareOptions {
    /// Verbs whose requests are not events (read-only requests in the paper).
    pub drop_verbs: Vec<String>,
    /// Resources whose requests are not events (noise the paper removes).
    pub drop_resources: Vec<String>,
    /// Also drop `deletecollection` (the paper's own figure counts events without it).
    pub drop_deletecollection: bool,
    /// Make the subresource part of the type (`create_pods/binding`) instead of folding it.
    pub subresource_in_type: bool,
    pub dedup_audit_id: Option<AuditIdDedup>,
    /// Drop requests that failed (status code 400 or more).
    pub drop_failed: bool,
    /// Users to leave out, as globs (`system:*`).
    pub exclude_users: Vec<String>,
    /// Namespaces to keep, as globs; when given, cluster-scoped requests are left out too.
    pub namespaces: Vec<String>,
    /// Namespaces to leave out, as globs.
    pub exclude_namespaces: Vec<String>,
    pub order: EventOrder,
    pub sequences: Sequencing,
    /// Keep one copy of a long stretch that repeats an earlier one exactly.
    pub dedup_repeated_run: bool,
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
            drop_deletecollection: false,
            subresource_in_type: false,
            dedup_audit_id: None,
            drop_failed: false,
            exclude_users: Vec::new(),
            namespaces: Vec::new(),
            exclude_namespaces: Vec::new(),
            order: EventOrder::File,
            sequences: Sequencing::Global,
            dedup_repeated_run: false,
        }
    }

    /// Checks the globs, so that a typo is an error and not a filter that silently keeps all.
    pub fn validate(&self) -> Result<(), String> {
        for glob in self
            .exclude_users
            .iter()
            .chain(&self.namespaces)
            .chain(&self.exclude_namespaces)
        {
            glob::Pattern::new(glob).map_err(|error| format!("bad pattern \"{glob}\": {error}"))?;
        }
        if let Sequencing::Idle(seconds) = self.sequences {
            if !(seconds.is_finite() && seconds > 0.0) {
                return Err("the idle gap must be a positive number of seconds".into());
            }
        }
        Ok(())
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
    /// Long stretches that repeat an earlier one exactly, as found before any fix, with
    /// positions in the sequence they were found in.
    pub repeated_runs: Vec<RepeatedRun>,
    /// Receive time of each event, parallel to `events`: seconds since the Unix epoch, NaN
    /// where the record has none (a token file has none at all). What the proactive replay
    /// ([`crate::replay`]) times arrivals by. Left out of serialised data when no event has a
    /// time, so that such outputs are as they were before the field existed; NaN is written
    /// as `null` (JSON has no NaN).
    #[serde(default, skip_serializing_if = "no_times", with = "nan_as_null")]
    pub times: Vec<f64>,
}

/// True when no event has a receive time: the field is then not written.
fn no_times(times: &[f64]) -> bool {
    times.iter().all(|time| time.is_nan())
}

/// A list of times with NaN as `null`, both ways.
mod nan_as_null {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub(crate) fn serialize<S: Serializer>(
        times: &[f64],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let values: Vec<Option<f64>> = times
            .iter()
            .map(|&time| (!time.is_nan()).then_some(time))
            .collect();
        values.serialize(serializer)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<f64>, D::Error> {
        let values = Vec::<Option<f64>>::deserialize(deserializer)?;
        Ok(values
            .into_iter()
            .map(|time| time.unwrap_or(f64::NAN))
            .collect())
    }
}

impl PreparedData {
    pub fn sequence_events(&self, sequence: &Sequence) -> &[u32] {
        &self.events[sequence.start..sequence.start + sequence.len]
    }

    /// The receive time (seconds since the epoch) of the event at `position`; None when the
    /// record had none or the data was built without times.
    pub fn time(&self, position: usize) -> Option<f64> {
        self.times
            .get(position)
            .copied()
            .filter(|time| !time.is_nan())
    }
}

/// Seconds since the Unix epoch of an RFC 3339 stamp.
pub fn parse_timestamp(stamp: &str) -> Option<f64> {
    let parsed =
        time::OffsetDateTime::parse(stamp, &time::format_description::well_known::Rfc3339).ok()?;
    Some(parsed.unix_timestamp_nanos() as f64 / 1e9)
}

fn patterns(globs: &[String]) -> Vec<glob::Pattern> {
    // Invalid patterns were rejected by `validate`; one that slips through matches nothing.
    globs
        .iter()
        .filter_map(|glob| glob::Pattern::new(glob).ok())
        .collect()
}

struct Funnel<'a> {
    kept: Vec<RecordRef<'a>>,
    steps: Vec<FunnelStep>,
}

impl<'a> Funnel<'a> {
    fn apply(&mut self, step: impl Into<String>, mut keep: impl FnMut(RecordRef<'a>) -> bool) {
        let before = self.kept.len();
        self.kept.retain(|record| keep(*record));
        self.steps.push(FunnelStep {
            step: step.into(),
            removed: (before - self.kept.len()) as u64,
            remaining: self.kept.len() as u64,
        });
    }
}

/// Applies the options to the records, in input order: the records of an ingest
/// ([`AuditRecords`]) or plain records.
pub fn prepare(records: &(impl ToAuditRecords + ?Sized), options: &PrepareOptions) -> PreparedData {
    prepare_records(&records.to_audit_records(), options)
}

/// Whether a symbol's string is one of `names`, decided once per distinct symbol: the filters
/// below ask it of every record.
struct SymbolSet<'a> {
    records: &'a AuditRecords,
    names: &'a [String],
    known: rustc_hash::FxHashMap<Symbol, bool>,
}

impl<'a> SymbolSet<'a> {
    fn new(records: &'a AuditRecords, names: &'a [String]) -> Self {
        Self {
            records,
            names,
            known: rustc_hash::FxHashMap::default(),
        }
    }

    fn contains(&mut self, symbol: Symbol) -> bool {
        let (records, names) = (self.records, self.names);
        *self
            .known
            .entry(symbol)
            .or_insert_with(|| names.iter().any(|name| name == records.symbol(symbol)))
    }
}

fn prepare_records(records: &AuditRecords, options: &PrepareOptions) -> PreparedData {
    // Requests without a resource are all gone after the first step, whether the ingest kept
    // them or only counted them.
    let without_resource = records.without_resource();
    let kept: Vec<RecordRef<'_>> = records
        .iter()
        .filter(|record| record.resource_symbol().is_some())
        .collect();
    let mut funnel = Funnel {
        steps: vec![
            FunnelStep {
                step: "records parsed".into(),
                removed: 0,
                remaining: records.len() as u64,
            },
            FunnelStep {
                step: "requests without a resource".into(),
                removed: without_resource,
                remaining: kept.len() as u64,
            },
        ],
        kept,
    };
    let mut drop_verbs = options.drop_verbs.clone();
    if options.drop_deletecollection && !drop_verbs.iter().any(|v| v == "deletecollection") {
        drop_verbs.push("deletecollection".into());
    }
    if !drop_verbs.is_empty() {
        let mut dropped = SymbolSet::new(records, &drop_verbs);
        funnel.apply(format!("verbs {}", drop_verbs.join(", ")), |record| {
            !dropped.contains(record.verb_symbol())
        });
    }
    if !options.drop_resources.is_empty() {
        let mut dropped = SymbolSet::new(records, &options.drop_resources);
        funnel.apply(
            format!("resources {}", options.drop_resources.join(", ")),
            |record| {
                record
                    .resource_symbol()
                    .is_none_or(|resource| !dropped.contains(resource))
            },
        );
    }
    if let Some(dedup) = options.dedup_audit_id {
        let mut seen = rustc_hash::FxHashSet::default();
        let label = match dedup {
            AuditIdDedup::First => "one record per auditID (first stage seen)",
            AuditIdDedup::Complete => "one record per auditID (ResponseComplete only)",
        };
        funnel.apply(label, |record| {
            if dedup == AuditIdDedup::Complete && record.stage() != Some("ResponseComplete") {
                return false;
            }
            // Records without an auditID cannot be matched with their other stages.
            record
                .audit_key()
                .is_none_or(|id: AuditKey<'_>| seen.insert(id))
        });
    }
    if options.drop_failed {
        funnel.apply("failed requests (status 400 or more)", |record| {
            record.status_code().is_none_or(|code| code < 400)
        });
    }
    if !options.exclude_users.is_empty() {
        let excluded = patterns(&options.exclude_users);
        funnel.apply(
            format!("users {}", options.exclude_users.join(", ")),
            |record| {
                let user = record.user().unwrap_or("");
                !excluded.iter().any(|pattern| pattern.matches(user))
            },
        );
    }
    if !options.namespaces.is_empty() {
        let included = patterns(&options.namespaces);
        funnel.apply(
            format!("namespaces other than {}", options.namespaces.join(", ")),
            |record| {
                record
                    .namespace()
                    .is_some_and(|ns| included.iter().any(|pattern| pattern.matches(ns)))
            },
        );
    }
    if !options.exclude_namespaces.is_empty() {
        let excluded = patterns(&options.exclude_namespaces);
        funnel.apply(
            format!("namespaces {}", options.exclude_namespaces.join(", ")),
            |record| {
                record
                    .namespace()
                    .is_none_or(|ns| !excluded.iter().any(|pattern| pattern.matches(ns)))
            },
        );
    }
    let Funnel {
        mut kept,
        mut steps,
    } = funnel;

    if options.order == EventOrder::Time {
        // Parsed once per record, not once per comparison.
        let mut keyed: Vec<(f64, RecordRef<'_>)> = kept
            .iter()
            .map(|record| {
                let stamp = record.received_at().and_then(parse_timestamp);
                (stamp.unwrap_or(f64::NEG_INFINITY), *record)
            })
            .collect();
        keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
        kept = keyed.into_iter().map(|(_, record)| record).collect();
    }

    let groups = group_into_sequences(&kept, options.sequences);
    let mut types = TypeNames::new(options.subresource_in_type);

    // Repeated runs are found on type ids, so a provisional vocabulary numbers the types.
    let mut provisional = Vocabulary::default();
    let mut grouped_ids: Vec<(String, Vec<u32>, Vec<RecordRef<'_>>)> = groups
        .into_iter()
        .map(|(label, members)| {
            let ids = members
                .iter()
                .map(|record| types.intern(&mut provisional, *record))
                .collect();
            (label, ids, members)
        })
        .collect();
    let mut repeated_runs = Vec::new();
    for (index, (_, ids, _)) in grouped_ids.iter().enumerate() {
        for mut run in find_repeated_runs(ids) {
            run.sequence = index;
            repeated_runs.push(run);
        }
    }
    if options.dedup_repeated_run && !repeated_runs.is_empty() {
        let before: usize = grouped_ids.iter().map(|(_, ids, _)| ids.len()).sum();
        for (index, (_, ids, members)) in grouped_ids.iter_mut().enumerate() {
            let mut drop = vec![false; ids.len()];
            for run in repeated_runs.iter().filter(|run| run.sequence == index) {
                drop[run.repeat_start..run.repeat_start + run.length].fill(true);
            }
            retain_unmarked(ids, &drop);
            retain_unmarked(members, &drop);
        }
        let after: usize = grouped_ids.iter().map(|(_, ids, _)| ids.len()).sum();
        steps.push(FunnelStep {
            step: "repeated runs (later copies)".into(),
            removed: (before - after) as u64,
            remaining: after as u64,
        });
    }

    let mut vocabulary = Vocabulary::default();
    let mut types = TypeNames::new(options.subresource_in_type);
    let mut events = Vec::new();
    let mut times = Vec::new();
    let mut sequences = Vec::new();
    let mut all_members = Vec::new();
    for (label, _, members) in grouped_ids {
        if members.is_empty() {
            continue;
        }
        let start = events.len();
        for record in &members {
            events.push(types.intern(&mut vocabulary, *record));
            times.push(
                record
                    .received_at()
                    .and_then(parse_timestamp)
                    .unwrap_or(f64::NAN),
            );
        }
        sequences.push(Sequence {
            label,
            start,
            len: members.len(),
        });
        all_members.extend(members);
    }
    PreparedData {
        time_span: time_span(&all_members, &times),
        vocabulary,
        events,
        sequences,
        funnel: steps,
        repeated_runs,
        times,
    }
}

/// Keeps the items whose position is not marked in `drop`.
fn retain_unmarked<T>(items: &mut Vec<T>, drop: &[bool]) {
    let mut marks = drop.iter();
    items.retain(|_| !marks.next().copied().unwrap_or(false));
}

/// The event type of each record, numbered by a vocabulary: `verb_resource`, or
/// `verb_resource/subresource` when the subresource is part of the type.
struct TypeNames {
    subresource_in_type: bool,
    /// Ids already given, by the symbols that name the type: the names are built once per
    /// type, not once per event.
    ids: rustc_hash::FxHashMap<(Symbol, Option<Symbol>, Option<Symbol>), u32>,
}

impl TypeNames {
    fn new(subresource_in_type: bool) -> Self {
        Self {
            subresource_in_type,
            ids: rustc_hash::FxHashMap::default(),
        }
    }

    fn intern(&mut self, vocabulary: &mut Vocabulary, record: RecordRef<'_>) -> u32 {
        let subresource = record
            .subresource_symbol()
            .filter(|_| self.subresource_in_type);
        let key = (record.verb_symbol(), record.resource_symbol(), subresource);
        *self.ids.entry(key).or_insert_with(|| {
            let resource = record.resource().unwrap_or("");
            let resource = match (record.subresource(), self.subresource_in_type) {
                (Some(subresource), true) => format!("{resource}/{subresource}"),
                _ => resource.to_string(),
            };
            vocabulary.intern(record.verb(), &resource)
        })
    }
}

/// Cuts the ordered records into labelled groups; within a group the order is kept.
fn group_into_sequences<'a>(
    records: &[RecordRef<'a>],
    sequencing: Sequencing,
) -> Vec<(String, Vec<RecordRef<'a>>)> {
    let by_key = |key: &dyn Fn(RecordRef<'a>) -> String| {
        let mut order: Vec<(String, Vec<RecordRef<'a>>)> = Vec::new();
        let mut index = rustc_hash::FxHashMap::default();
        for &record in records {
            let label = key(record);
            let slot = *index.entry(label.clone()).or_insert_with(|| {
                order.push((label, Vec::new()));
                order.len() - 1
            });
            order[slot].1.push(record);
        }
        order
    };
    match sequencing {
        Sequencing::Global => vec![("all events".into(), records.to_vec())],
        Sequencing::User => {
            by_key(&|record| format!("user {}", record.user().unwrap_or("(unknown)")))
        }
        Sequencing::Namespace => by_key(&|record| match record.namespace() {
            Some(namespace) => format!("namespace {namespace}"),
            None => "cluster-scoped".into(),
        }),
        Sequencing::Idle(gap) => {
            let mut groups: Vec<(String, Vec<RecordRef<'a>>)> = Vec::new();
            let mut last: Option<f64> = None;
            for &record in records {
                let stamp = record.received_at().and_then(parse_timestamp);
                let idle = matches!((last, stamp), (Some(a), Some(b)) if b - a > gap);
                if groups.is_empty() || idle {
                    let label = format!("session {}", groups.len() + 1);
                    groups.push((label, Vec::new()));
                }
                if let Some(group) = groups.last_mut() {
                    group.1.push(record);
                }
                if stamp.is_some() {
                    last = stamp;
                }
            }
            groups
        }
    }
}

/// The earliest and latest stamps as written; `times` holds each record's stamp parsed
/// (NaN for none), so that every stamp is parsed once for both uses.
fn time_span(records: &[RecordRef<'_>], times: &[f64]) -> Option<(String, String)> {
    // Compared as instants: stamps of different precision do not order correctly as text.
    let mut earliest: Option<(f64, &str)> = None;
    let mut latest: Option<(f64, &str)> = None;
    for (record, &value) in records.iter().zip(times) {
        let Some(stamp) = record.received_at().filter(|_| !value.is_nan()) else {
            continue;
        };
        if earliest.is_none_or(|(low, _)| value < low) {
            earliest = Some((value, stamp));
        }
        if latest.is_none_or(|(high, _)| value > high) {
            latest = Some((value, stamp));
        }
    }
    Some((earliest?.1.to_string(), latest?.1.to_string()))
}
