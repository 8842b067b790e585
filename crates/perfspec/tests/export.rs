//! The files the page's Export section and the CLI write, from a run on the PerfSPEC sample
//! (`sample_logs/audit-logs.csv`, CC BY 4.0).

mod common;

use common::sample;

use perfspec::clock::SystemClock;
use perfspec::dataset::SplitMode;
use perfspec::export::{results_csv, results_json, vocabulary_csv};
use perfspec::models::ModelKind;
use perfspec::pipeline::{train_and_evaluate, TrainConfig};

#[test]
fn results_csv_has_one_line_per_row_with_the_rows_figures() {
    let data = sample();
    let config = TrainConfig {
        models: vec![ModelKind::Ngram, ModelKind::Mfe],
        windows: vec![1, 2],
        split: SplitMode::Paper,
        ..TrainConfig::default()
    };
    let report = train_and_evaluate(&data, &config, &SystemClock::default(), &mut |_| true)
        .expect("trains")
        .report;
    let csv = results_csv(&report);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 1 + report.rows.len());
    let header: Vec<&str> = lines[0].split(',').collect();
    assert_eq!(&header[..4], ["approach", "model", "window", "split"]);
    let top1 = header
        .iter()
        .position(|h| *h == "top1")
        .expect("top1 column");
    let optimistic = header
        .iter()
        .position(|h| *h == "optimistic")
        .expect("column");
    for (line, row) in lines[1..].iter().zip(&report.rows) {
        let fields: Vec<&str> = line.split(',').collect();
        assert_eq!(fields.len(), header.len(), "{line}");
        assert_eq!(fields[1], row.model);
        assert_eq!(fields[3], "paper");
        assert_eq!(fields[optimistic], "true");
        let shown: f64 = fields[top1].parse().expect("a number");
        assert_eq!(shown, row.top1);
    }
    let json = results_json(data.events.len(), data.vocabulary.len(), 1, &report);
    assert_eq!(json["optimistic"], true);
    assert_eq!(
        json["rows"].as_array().map(Vec::len),
        Some(report.rows.len())
    );
    assert_eq!(json["rows"][0]["top1"].as_f64(), Some(report.rows[0].top1));
}

#[test]
fn vocabulary_csv_lists_every_type_with_its_count() {
    let data = sample();
    let entries = data.vocabulary.entries(&data.events);
    let csv = vocabulary_csv(&entries);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "type,verb,resource,count,share,share_percent,first,last"
    );
    assert_eq!(lines.len(), 1 + 146);
    let total: u64 = lines[1..]
        .iter()
        .map(|line| line.split(',').nth(3).unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(total, data.events.len() as u64);
    assert!(lines[1].starts_with("update_secrets,update,secrets,357,"));
}
