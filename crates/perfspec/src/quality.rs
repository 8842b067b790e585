//! Data-quality checks that decide whether an accuracy figure can be trusted (see
//! ARCHITECTURE.md, Evaluation protocol: out-of-vocabulary share and leakage).

use rustc_hash::FxHashSet;
use serde::{Deserialize, Serialize};

use crate::dataset::{split_windows, SplitMode, SplitWindows};
use crate::ingest::IngestReport;
use crate::prepare::PreparedData;

/// Windows measured for the dataset view's quality figures (the paper's two).
pub const QUALITY_WINDOWS: [usize; 2] = [1, 2];
/// Above this share of test events of unseen types, the ceiling on accuracy is worth a warning.
pub const OOV_WARNING_SHARE: f64 = 0.05;
/// Above this share of test windows also present in training (at the largest quality window), the
/// honest split measures memory. Workloads repeat themselves, so a good part of any real log's test
/// windows recur in training (the PerfSPEC sample's figure: BENCHMARKS.md, "Models on the PerfSPEC
/// sample"): that is the workload, not a fault, and is shown as a figure. Near-total overlap means
/// copied data, and is a warning.
pub const LEAKAGE_WARNING_SHARE: f64 = 0.9;

/// One warning for the user; `kind` is stable (`repeated_run`, `no_events`, `skipped_records`,
/// `out_of_vocabulary`, `leakage`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    pub kind: String,
    pub message: String,
}

impl Warning {
    fn new(kind: &str, message: String) -> Self {
        Self {
            kind: kind.into(),
            message,
        }
    }
}

/// Quality of one split at one window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SplitQuality {
    pub window: usize,
    pub split: SplitMode,
    /// Share of test events whose type never occurs in the training windows: no whole-type
    /// model can predict them, so accuracy is at most `1 - oov_share`.
    pub oov_share: f64,
    /// Share of test windows whose exact context and next event also occur in training.
    pub leakage_share: f64,
    pub test_windows: usize,
}

pub fn oov_share(split: &SplitWindows) -> f64 {
    let mut seen = FxHashSet::default();
    for (context, target) in split.train.iter() {
        seen.extend(context.iter().copied());
        seen.insert(target);
    }
    let unseen = split
        .test
        .targets()
        .iter()
        .filter(|t| !seen.contains(t))
        .count();
    unseen as f64 / split.test.len().max(1) as f64
}

pub fn leakage_share(split: &SplitWindows) -> f64 {
    let training: FxHashSet<(&[u32], u32)> = split.train.iter().collect();
    let leaked = split
        .test
        .iter()
        .filter(|pair| training.contains(pair))
        .count();
    leaked as f64 / split.test.len().max(1) as f64
}

pub fn split_quality(data: &PreparedData, window: usize, mode: SplitMode) -> SplitQuality {
    let split = split_windows(data, window, mode);
    SplitQuality {
        window,
        split: mode,
        oov_share: oov_share(&split),
        leakage_share: leakage_share(&split),
        test_windows: split.test.len(),
    }
}

/// The dataset view's quality figures: the honest split at the paper's windows.
pub fn dataset_quality(data: &PreparedData) -> Vec<SplitQuality> {
    QUALITY_WINDOWS
        .iter()
        .map(|&window| split_quality(data, window, SplitMode::Chrono))
        .filter(|quality| quality.test_windows > 0)
        .collect()
}

fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

/// How many skipped records [`no_events_message`] names, with file, line and reason.
pub const NO_EVENTS_SKIPS_SHOWN: usize = 3;

/// Why an input gave no event, for the CLI's error and the page's banner alike: what was read
/// and skipped, the first reasons with file and line, and either the formats that are accepted
/// (nothing was recognised) or what the filters removed (records were read but none kept).
pub fn no_events_message(ingest: &IngestReport, data: &PreparedData) -> String {
    let files = ingest.files.len();
    let read = format!(
        "{} {} read: {} {}, {} skipped",
        files,
        if files == 1 { "file" } else { "files" },
        ingest.records_read,
        if ingest.records_read == 1 {
            "record"
        } else {
            "records"
        },
        ingest.records_skipped,
    );
    let reasons: Vec<String> = ingest
        .skipped
        .iter()
        .take(NO_EVENTS_SKIPS_SHOWN)
        .map(|skip| format!("{} line {}: {}", skip.file, skip.line, skip.reason))
        .collect();
    let reasons = match reasons.len() {
        0 => String::new(),
        _ => format!(" Skipped: {}.", reasons.join("; ")),
    };
    let kept = ingest.records_read - ingest.records_skipped;
    if kept == 0 {
        format!(
            "No events: {read}.{reasons} Nothing in the input was read as an audit record; {}.",
            crate::ACCEPTED_FORMATS
        )
    } else {
        let removed: Vec<String> = data
            .funnel
            .iter()
            .filter(|step| step.removed > 0)
            .map(|step| format!("{} removed {}", step.step, step.removed))
            .collect();
        format!(
            "No events: {read}.{reasons} The {kept} records read are all removed by the preset \
             and filters ({}); loosen them in the prepare options.",
            removed.join(", ")
        )
    }
}

/// Everything worth telling the user about a dataset before training on it.
pub fn dataset_warnings(
    ingest: &IngestReport,
    data: &PreparedData,
    quality: &[SplitQuality],
    repeated_run_fixed: bool,
) -> Vec<Warning> {
    let mut warnings = Vec::new();
    if data.events.is_empty() {
        warnings.push(Warning::new("no_events", no_events_message(ingest, data)));
    }
    if ingest.records_skipped > 0 {
        let first = ingest
            .skipped
            .first()
            .map(|skip| format!(" First: {} line {}: {}.", skip.file, skip.line, skip.reason))
            .unwrap_or_default();
        warnings.push(Warning::new(
            "skipped_records",
            format!(
                "{} of {} records were skipped and the rest kept.{first}",
                ingest.records_skipped, ingest.records_read
            ),
        ));
    }
    for run in &data.repeated_runs {
        let sequence_len = if repeated_run_fixed {
            None
        } else {
            data.sequences.get(run.sequence).map(|s| s.len)
        };
        let share = sequence_len
            .map(|len| {
                format!(
                    " ({} of the sequence)",
                    percent(run.length as f64 / len.max(1) as f64)
                )
            })
            .unwrap_or_default();
        let action = if repeated_run_fixed {
            "The later copy was removed."
        } else {
            "It makes test windows copies of training windows; keep one copy (--dedup-repeated-run)."
        };
        warnings.push(Warning::new(
            "repeated_run",
            format!(
                "Events {}–{} repeat events {}–{} exactly: {} events{share}. {action}",
                run.repeat_start + 1,
                run.repeat_start + run.length,
                run.first_start + 1,
                run.first_start + run.length,
                run.length,
            ),
        ));
    }
    if let Some(worst) = quality
        .iter()
        .max_by(|a, b| a.oov_share.total_cmp(&b.oov_share))
        .filter(|q| q.oov_share > OOV_WARNING_SHARE)
    {
        warnings.push(Warning::new(
            "out_of_vocabulary",
            format!(
                "{} of the test events (chronological split) are types never seen in training. \
                 This ceiling binds models of whole event types only (n-gram, LSTM with its \
                 default type output, most frequent): their accuracy is at most {}. Models \
                 that score verb and resource apart (compositional, Bayesian network, LSTM \
                 with the factorised output) or copy from the context (repeat-last) can still \
                 name such types.",
                percent(worst.oov_share),
                percent(1.0 - worst.oov_share)
            ),
        ));
    }
    if let Some(worst) = quality
        .iter()
        .max_by_key(|q| q.window)
        .filter(|q| q.leakage_share > LEAKAGE_WARNING_SHARE)
    {
        warnings.push(Warning::new(
            "leakage",
            format!(
                "{} of the test windows (window {}, chronological split) also occur, with the same \
                 next event, in training: accuracy partly measures memory.",
                percent(worst.leakage_share),
                worst.window
            ),
        ));
    }
    warnings
}
