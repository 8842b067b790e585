//! Text output: the data summary and the comparison table in the paper's layout.

use std::fmt::Write;

use perfspec::pipeline::DatasetSummary;
use perfspec::TrainReport;

/// Seconds as the paper writes them, with microseconds beside for small figures.
pub fn seconds(value: f64) -> String {
    if value >= 0.01 {
        format!("{value:.2} s")
    } else {
        format!("{value:.0e} s ({:.2} µs)", value * 1e6)
    }
}

fn percent(value: f64) -> String {
    format!("{:.1}%", value * 100.0)
}

pub fn summary(summary: &DatasetSummary) -> String {
    let mut out = String::new();
    for file in &summary.files {
        let _ = writeln!(
            out,
            "{}: {} ({} records, {} skipped)",
            file.file,
            file.format.label(),
            file.records,
            file.skipped
        );
    }
    let _ = writeln!(
        out,
        "records read {}, skipped {}",
        summary.records_read, summary.records_skipped
    );
    for step in summary.funnel.iter().skip(1) {
        let _ = writeln!(
            out,
            "  - {:<40} -{:>8}  = {}",
            step.step, step.removed, step.remaining
        );
    }
    let _ = writeln!(
        out,
        "events {}, types {}, sequences {}",
        summary.events, summary.types, summary.sequences
    );
    if let Some((first, last)) = &summary.time_span {
        let _ = writeln!(out, "time span {first} .. {last}");
    }
    for quality in &summary.quality {
        let _ = writeln!(
            out,
            "window {} (chronological split): {} test windows, {:.1}% of test events of unseen types, {:.1}% of test windows also in training",
            quality.window,
            quality.test_windows,
            quality.oov_share * 100.0,
            quality.leakage_share * 100.0
        );
    }
    out.push_str(&warnings(summary));
    for skipped in &summary.skipped {
        let _ = writeln!(
            out,
            "skipped {}:{}: {}",
            skipped.file, skipped.line, skipped.reason
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "{:<40} {:>7} {:>7}", "type", "count", "share");
    for entry in summary.vocabulary.iter().take(25) {
        let _ = writeln!(
            out,
            "{:<40} {:>7} {:>6.1}%",
            entry.name,
            entry.count,
            entry.share * 100.0
        );
    }
    if summary.vocabulary.len() > 25 {
        let _ = writeln!(
            out,
            "... {} more types (--json lists all)",
            summary.vocabulary.len() - 25
        );
    }
    out
}

/// The dataset's warnings, one per line.
pub fn warnings(summary: &DatasetSummary) -> String {
    summary
        .warnings
        .iter()
        .map(|warning| format!("warning [{}]: {}\n", warning.kind, warning.message))
        .collect()
}

pub fn results(summary: &DatasetSummary, report: &TrainReport) -> String {
    let mut out = warnings(summary);
    let _ = writeln!(
        out,
        "{} events, {} types; split: {}",
        summary.events,
        summary.types,
        report.split.label()
    );
    if report.optimistic {
        let _ = writeln!(
        out,"NOTE: measured on the training windows, as the paper did: these figures are optimistic.");
    }
    let accuracy = format!("Accuracy (top-{})", report.k);
    let _ = writeln!(
        out,
        "{:<10} {:>6} {:>17} {:>7} {:>22} {:>24} {:>8} {:>8}",
        "Approach",
        "Window",
        accuracy,
        "Top-1",
        "Offline learning time",
        "Runtime inference time",
        "Train",
        "Test"
    );
    for row in &report.rows {
        let _ = writeln!(
            out,
            "{:<10} {:>6} {:>17} {:>7} {:>22} {:>24} {:>8} {:>8}",
            row.approach,
            row.window,
            percent(row.topk),
            percent(row.top1),
            seconds(row.fit_seconds),
            seconds(row.infer_seconds_median),
            row.train_windows,
            row.test_windows
        );
    }
    out
}
