//! `--charts DIR`: the dashboard's charts as SVG files, each with its numbers as CSV beside it.

use std::path::{Path, PathBuf};

use perfspec::pipeline::{DatasetSummary, ResultRow, TrainReport};
use perfspec_charts::{Chart, ChartKind, ChartTable, Theme};

use crate::output::Failure;

/// Pixel sizes of the files: wide enough for the legends, and tall enough for the charts that
/// show more rows the more room they get.
const WIDTH: u32 = 960;
const HEIGHT: u32 = 600;
const TALL_HEIGHT: u32 = 760;

/// The dataset's charts: type frequency and verb × resource. Returns the files written.
pub fn write_dataset(directory: &str, summary: &DatasetSummary) -> Result<Vec<String>, Failure> {
    let directory = create(directory)?;
    let mut written = Vec::new();
    for chart in [
        Chart::TypeFrequency(summary.vocabulary.clone()),
        Chart::VerbResource(summary.vocabulary.clone()),
    ] {
        written.extend(write(&directory, chart.kind().name(), &chart)?);
    }
    Ok(written)
}

/// The results' charts: accuracy versus window, top-k curve and inference time over all rows,
/// then a confusion matrix for each row and a training history for each row trained in epochs.
pub fn write_results(directory: &str, report: &TrainReport) -> Result<Vec<String>, Failure> {
    let directory = create(directory)?;
    let mut written = Vec::new();
    for chart in [
        Chart::AccuracyWindow(report.rows.clone()),
        Chart::TopkCurve(report.rows.clone()),
        Chart::InferenceTime(report.rows.clone()),
    ] {
        written.extend(write(&directory, chart.kind().name(), &chart)?);
    }
    for row in &report.rows {
        let chart = Chart::confusion_of(row);
        written.extend(write(
            &directory,
            &row_stem(ChartKind::Confusion, row),
            &chart,
        )?);
        if row.details.history.as_ref().is_some_and(|h| !h.is_empty()) {
            let chart = Chart::training_history_of(row);
            let stem = row_stem(ChartKind::TrainingHistory, row);
            written.extend(write(&directory, &stem, &chart)?);
        }
    }
    Ok(written)
}

/// `confusion-ngram-w1`: one row's file name without extension.
fn row_stem(kind: ChartKind, row: &ResultRow) -> String {
    format!("{}-{}-w{}", kind.name(), row.model, row.window)
}

fn create(directory: &str) -> Result<PathBuf, Failure> {
    let path = PathBuf::from(directory);
    std::fs::create_dir_all(&path).map_err(|error| cannot_write(&path, &error))?;
    Ok(path)
}

/// Writes `<stem>.svg` and `<stem>.csv`.
fn write(directory: &Path, stem: &str, chart: &Chart) -> Result<[String; 2], Failure> {
    let height = match chart.kind() {
        ChartKind::VerbResource | ChartKind::Confusion => TALL_HEIGHT,
        _ => HEIGHT,
    };
    let svg = chart
        .render_svg(&Theme::light(), WIDTH, height)
        .map_err(|error| Failure {
            code: 1,
            message: format!("cannot draw the {} chart: {error}", chart.kind().name()),
        })?;
    let svg_path = directory.join(format!("{stem}.svg"));
    std::fs::write(&svg_path, svg).map_err(|error| cannot_write(&svg_path, &error))?;
    let csv_path = directory.join(format!("{stem}.csv"));
    std::fs::write(&csv_path, csv(&chart.table()))
        .map_err(|error| cannot_write(&csv_path, &error))?;
    Ok([display(&svg_path), display(&csv_path)])
}

/// The table as CSV: the headers, then the rows (the caption belongs to the SVG's title).
fn csv(table: &ChartTable) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    // Writing records into memory cannot fail.
    let _ = writer.write_record(&table.headers);
    for row in &table.rows {
        let _ = writer.write_record(row);
    }
    writer.into_inner().unwrap_or_default()
}

fn display(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

fn cannot_write(path: &Path, error: &dyn std::fmt::Display) -> Failure {
    Failure {
        code: 1,
        message: format!("cannot write {}: {error}", path.display()),
    }
}
