//! Data-quality checks that decide whether an accuracy figure can be trusted (SPEC §2).

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
/// windows recur in training (53% at window 2 on the PerfSPEC sample): that is the workload, not a
/// fault, and is shown as a figure. Near-total overlap means copied data, and is a warning.
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

/// Everything worth telling the user about a dataset before training on it.
pub fn dataset_warnings(
    ingest: &IngestReport,
    data: &PreparedData,
    quality: &[SplitQuality],
    repeated_run_fixed: bool,
) -> Vec<Warning> {
    let mut warnings = Vec::new();
    if data.events.is_empty() {
        let message = if ingest.records_read == ingest.records_skipped {
            format!("No audit records were found; {}.", crate::ACCEPTED_FORMATS)
        } else {
            "Records were read, but the preset and filters keep none of them as events.".into()
        };
        warnings.push(Warning::new("no_events", message));
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
                "{} of the test events (chronological split) are types never seen in training: no \
                 model of whole event types can predict them, so accuracy is at most {}.",
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
