//! Text output: the data summary and the comparison table in the paper's layout.

use std::fmt::Write;

use perfspec::pipeline::{DatasetSummary, TrainReport};

use perfspec::units::{percent, seconds};

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

/// The comparison table: the paper's columns (Approach, Window, Accuracy, Offline learning time,
/// Runtime inference time), then top-1, macro F1, log-loss, k95 and the window counts; below it
/// what bounds or flatters the figures, and the Bayesian networks' learned structures.
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
            out,
            "NOTE: measured on the training windows, as the paper did: these figures are optimistic."
        );
    }
    let accuracy = format!("Accuracy (top-{})", report.k);
    let approach_width = report
        .rows
        .iter()
        .map(|row| row.approach.chars().count())
        .max()
        .unwrap_or(0)
        .max("Approach".len());
    let line = |out: &mut String, cells: [&str; 12]| {
        let _ = writeln!(
            out,
            "{:<approach_width$} {:>6} {:>17} {:>22} {:>24} {:>6} {:>10} {:>8} {:>4} {:>12} {:>6} {:>5}",
            cells[0],
            cells[1],
            cells[2],
            cells[3],
            cells[4],
            cells[5],
            cells[6],
            cells[7],
            cells[8],
            cells[9],
            cells[10],
            cells[11]
        );
    };
    line(
        &mut out,
        [
            "Approach",
            "Window",
            &accuracy,
            "Offline learning time",
            "Runtime inference time",
            "Top-1",
            "F1 (macro)",
            "Log-loss",
            "k95",
            "Unseen top-k",
            "Train",
            "Test",
        ],
    );
    for row in &report.rows {
        line(
            &mut out,
            [
                &row.approach,
                &row.window.to_string(),
                &percent(row.topk),
                &seconds(row.fit_seconds),
                &seconds(row.infer_seconds_median),
                &percent(row.top1),
                &format!("{:.3}", row.details.macro_f1),
                &format!("{:.3}", row.details.log_loss),
                &row.details.k95.to_string(),
                &percent(row.unseen_topk),
                &row.train_windows.to_string(),
                &row.test_windows.to_string(),
            ],
        );
    }
    out.push_str(&split_notes(report));
    for row in report
        .rows
        .iter()
        .filter(|row| row.details.structure.is_some())
    {
        let arcs = row.details.structure.as_deref().unwrap_or_default();
        let _ = writeln!(
            out,
            "{} structure, window {} ({} arcs):",
            row.approach,
            row.window,
            arcs.len()
        );
        // The next event's parents first: they are what predicts.
        let (next, context): (Vec<_>, Vec<_>) =
            arcs.iter().partition(|edge| edge.child.ends_with("(t)"));
        for (label, edges) in [("  next event:", next), ("  context:   ", context)] {
            if !edges.is_empty() {
                let listed: Vec<String> = edges
                    .iter()
                    .map(|edge| format!("{} → {}", edge.parent, edge.child))
                    .collect();
                let _ = writeln!(out, "{label} {}", listed.join(", "));
            }
        }
    }
    out
}

/// Per window: the share of test events no whole-type model can predict, and for a random split
/// the share of test windows that are copies of training windows.
fn split_notes(report: &TrainReport) -> String {
    let mut out = String::new();
    let mut windows: Vec<_> = report
        .rows
        .iter()
        .map(|row| (row.window, row.unseen_share, row.details.leakage_share))
        .collect();
    windows.sort_by_key(|&(window, ..)| window);
    windows.dedup_by_key(|&mut (window, ..)| window);
    for (window, oov, leakage) in windows {
        let _ = write!(
            out,
            "window {window}: {} of test events are of types unseen in training (models of whole types reach at most {}; compose is not bound by it)",
            percent(oov),
            percent(1.0 - oov)
        );
        if report.split == perfspec::dataset::SplitMode::Random {
            let _ = write!(
                out,
                "; leakage: {} of test windows also occur in training",
                percent(leakage)
            );
        }
        out.push('\n');
    }
    out
}
