//! What the page's Export section and the CLI write: results as JSON and CSV, the vocabulary as
//! CSV. One implementation, so a file from either reads the same.

use serde::Serialize;

use crate::pipeline::{ResultRow, TrainReport};
use crate::prepare::vocabulary::VocabularyEntry;
use crate::units::percent;

/// The results document: the run's settings and every row with all its figures.
pub fn results_json(
    events: usize,
    types: usize,
    seed: u64,
    report: &TrainReport,
) -> serde_json::Value {
    serde_json::json!({
        "events": events,
        "types": types,
        "split": report.split,
        "seed": seed,
        "optimistic": report.optimistic,
        "leakage_share": report.leakage_share(),
        "k": report.k,
        "rows": report.rows,
    })
}

/// One CSV line per row: the paper's columns first, then the rest of the row's figures
/// ([`RowDetails`](crate::pipeline::RowDetails); see ARCHITECTURE.md, Evaluation protocol).
#[derive(Serialize)]
struct ResultCsvRow<'a> {
    approach: &'a str,
    model: &'a str,
    window: usize,
    split: &'a str,
    optimistic: bool,
    k: usize,
    top1: f64,
    topk: f64,
    fit_seconds: f64,
    infer_seconds_median: f64,
    infer_seconds_p99: f64,
    macro_f1: f64,
    weighted_f1: f64,
    log_loss: f64,
    perplexity: f64,
    k95: usize,
    unseen_share: f64,
    unseen_topk: f64,
    leakage_share: f64,
    train_windows: usize,
    validation_windows: usize,
    test_windows: usize,
    epochs_run: Option<usize>,
    seed: u64,
}

impl<'a> ResultCsvRow<'a> {
    fn new(row: &'a ResultRow, optimistic: bool) -> Self {
        Self {
            approach: &row.approach,
            model: &row.model,
            window: row.window,
            split: row.split.name(),
            optimistic,
            k: row.k,
            top1: row.top1,
            topk: row.topk,
            fit_seconds: row.fit_seconds,
            infer_seconds_median: row.infer_seconds_median,
            infer_seconds_p99: row.infer_seconds_p99,
            macro_f1: row.details.macro_f1,
            weighted_f1: row.details.weighted_f1,
            log_loss: row.details.log_loss,
            perplexity: row.details.perplexity,
            k95: row.details.k95,
            unseen_share: row.unseen_share,
            unseen_topk: row.unseen_topk,
            leakage_share: row.details.leakage_share,
            train_windows: row.train_windows,
            validation_windows: row.details.validation_windows,
            test_windows: row.test_windows,
            epochs_run: row.details.epochs_run,
            seed: row.details.seed,
        }
    }
}

/// The comparison table as CSV, with a header line; figures unrounded (shares in [0, 1],
/// times in seconds).
pub fn results_csv(report: &TrainReport) -> String {
    write_csv(
        report
            .rows
            .iter()
            .map(|row| ResultCsvRow::new(row, report.optimistic)),
    )
}

#[derive(Serialize)]
struct VocabularyCsvRow<'a> {
    #[serde(rename = "type")]
    name: &'a str,
    verb: &'a str,
    resource: &'a str,
    count: u64,
    share: f64,
    share_percent: String,
    first: usize,
    last: usize,
}

/// The vocabulary table as CSV, with a header line.
pub fn vocabulary_csv(entries: &[VocabularyEntry]) -> String {
    write_csv(entries.iter().map(|entry| VocabularyCsvRow {
        name: &entry.name,
        verb: &entry.verb,
        resource: &entry.resource,
        count: entry.count,
        share: entry.share,
        share_percent: percent(entry.share),
        first: entry.first,
        last: entry.last,
    }))
}

fn write_csv<T: Serialize>(rows: impl Iterator<Item = T>) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        // Writing flat records of numbers and strings into memory cannot fail.
        let _ = writer.serialize(row);
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}
