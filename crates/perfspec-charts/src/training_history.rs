//! A model's training per epoch: training and validation loss above, validation accuracy (top-1
//! and top-k) below, on a shared epoch axis, with the epoch whose weights were kept marked.

use perfspec::models::EpochRecord;
use perfspec::units::percent;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::layout::{
    draw_path, finite, heading, integer_ticks, muted_font, no_data, percent_label, style_mesh,
    with_legend, Dash, LegendItem, Mark, Ticked, SMALL_SIZE,
};
use crate::{ChartError, ChartKind, ChartTable, Theme};

const TOPK_DASH: Dash = Dash::Dashed(7.0, 4.0);
const BEST_DASH: Dash = Dash::Dashed(2.0, 3.0);
/// Markers on every epoch only while they do not merge into a thick line.
const MAX_MARKED_EPOCHS: usize = 40;

struct Series {
    label: String,
    color: RGBColor,
    dash: Dash,
    value: fn(&EpochRecord) -> f64,
}

pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    history: &[EpochRecord],
    k: usize,
    subject: &str,
    theme: &Theme,
) -> Result<(), ChartError> {
    let title = if subject.is_empty() {
        ChartKind::TrainingHistory.title().to_string()
    } else {
        format!("{}: {subject}", ChartKind::TrainingHistory.title())
    };
    let body = heading(area, theme, &title, None)?;
    if history.is_empty() {
        return no_data(
            &body,
            theme,
            "No training history: only the LSTM trains in epochs.",
        );
    }
    let losses = [
        Series {
            label: "training loss".into(),
            color: theme.series(0),
            dash: Dash::Solid,
            value: |record| record.train_loss,
        },
        Series {
            label: "validation loss".into(),
            color: theme.series(1),
            dash: Dash::Solid,
            value: |record| record.validation_loss,
        },
    ];
    let accuracies = [
        Series {
            label: "validation top-1".into(),
            color: theme.series(2),
            dash: Dash::Solid,
            value: |record| record.validation_accuracy,
        },
        Series {
            label: format!("validation top-{k}"),
            color: theme.series(2),
            dash: TOPK_DASH,
            value: |record| record.validation_topk,
        },
    ];
    let best = best_epoch(history);
    let mut items: Vec<LegendItem> = losses
        .iter()
        .chain(&accuracies)
        .map(|series| {
            LegendItem::new(
                series.label.clone(),
                Mark::Line {
                    color: series.color,
                    dash: series.dash,
                },
            )
        })
        .collect();
    if best.is_some() {
        items.push(LegendItem::new(
            "best epoch (kept)",
            Mark::Line {
                color: theme.muted,
                dash: BEST_DASH,
            },
        ));
    }
    let plot = with_legend(&body, theme, None, &items)?;

    let last_epoch = history
        .iter()
        .map(|record| record.epoch)
        .max()
        .unwrap_or(1)
        .max(1);
    let ticks = integer_ticks(last_epoch, 12);
    let x = || Ticked::new(0.5..last_epoch as f64 + 0.5, ticks.clone());
    let (_, height) = plot.dim_in_pixel();
    let (upper, lower) = plot.split_vertically(height as i32 * 52 / 100);

    let max_loss = finite(
        history
            .iter()
            .flat_map(|r| [r.train_loss, r.validation_loss]),
    )
    .fold(0.0, f64::max);
    let max_loss = if max_loss > 0.0 { max_loss * 1.08 } else { 1.0 };
    let mut chart = ChartBuilder::on(&upper)
        .margin_top(theme.px(8.0))
        .margin_right(theme.px(16.0))
        .x_label_area_size(theme.px(26.0))
        .y_label_area_size(theme.px(68.0))
        .build_cartesian_2d(x(), 0.0..max_loss)?;
    let mut mesh = chart.configure_mesh();
    style_mesh(&mut mesh, theme);
    mesh.y_desc("Loss (nats)")
        .x_label_formatter(&|epoch| format!("{epoch:.0}"))
        .y_label_formatter(&|loss| format!("{loss:.1}"))
        .y_labels(5)
        .draw()?;
    if let Some(best) = best {
        draw_path(
            chart.plotting_area(),
            theme,
            vec![(best, 0.0), (best, max_loss)],
            theme.muted,
            1.2,
            BEST_DASH,
        )?;
        // On the side of the line with more room, so that it stays inside the plot; the
        // no-break space keeps it off the line (SVG collapses ordinary spaces at the ends).
        let (text, side) = if best > (last_epoch as f64 + 1.0) / 2.0 {
            (format!("best: epoch {best:.0}\u{a0}"), HPos::Right)
        } else {
            (format!("\u{a0}best: epoch {best:.0}"), HPos::Left)
        };
        chart.draw_series(std::iter::once(Text::new(
            text,
            (best, max_loss),
            muted_font(theme, SMALL_SIZE).pos(Pos::new(side, VPos::Top)),
        )))?;
    }
    for series in &losses {
        draw_series(&mut chart, theme, history, series)?;
    }

    let mut chart = ChartBuilder::on(&lower)
        .margin_top(theme.px(12.0))
        .margin_right(theme.px(16.0))
        .x_label_area_size(theme.px(48.0))
        .y_label_area_size(theme.px(68.0))
        .build_cartesian_2d(x(), 0.0..1.0)?;
    let mut mesh = chart.configure_mesh();
    style_mesh(&mut mesh, theme);
    mesh.x_desc("Epoch")
        .y_desc("Validation accuracy")
        .x_label_formatter(&|epoch| format!("{epoch:.0}"))
        .y_label_formatter(&percent_label)
        .y_labels(5)
        .draw()?;
    if let Some(best) = best {
        draw_path(
            chart.plotting_area(),
            theme,
            vec![(best, 0.0), (best, 1.0)],
            theme.muted,
            1.2,
            BEST_DASH,
        )?;
    }
    for series in &accuracies {
        draw_series(&mut chart, theme, history, series)?;
    }
    Ok(())
}

fn draw_series<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<Ticked, plotters::coord::types::RangedCoordf64>>,
    theme: &Theme,
    history: &[EpochRecord],
    series: &Series,
) -> Result<(), ChartError> {
    let points: Vec<(f64, f64)> = history
        .iter()
        .map(|record| (record.epoch as f64, (series.value)(record)))
        .filter(|(_, value)| value.is_finite())
        .collect();
    draw_path(
        chart.plotting_area(),
        theme,
        points.clone(),
        series.color,
        2.2,
        series.dash,
    )?;
    if points.len() <= MAX_MARKED_EPOCHS {
        chart.draw_series(
            points
                .iter()
                .map(|&point| Circle::new(point, theme.px(3.0), series.color.filled())),
        )?;
    }
    Ok(())
}

/// The epoch of the lowest validation loss: the weights early stopping restores.
fn best_epoch(history: &[EpochRecord]) -> Option<f64> {
    history
        .iter()
        .filter(|record| record.validation_loss.is_finite())
        .min_by(|a, b| a.validation_loss.total_cmp(&b.validation_loss))
        .map(|record| record.epoch as f64)
}

/// One row per epoch: the losses, the validation accuracies and the learning rate.
pub fn table(history: &[EpochRecord], k: usize, subject: &str) -> ChartTable {
    let top_k = format!("Validation top-{k}");
    let caption = if subject.is_empty() {
        "Training history per epoch".to_string()
    } else {
        format!("Training history per epoch: {subject}")
    };
    let mut table = ChartTable::new(
        caption,
        &[
            "Epoch",
            "Training loss",
            "Validation loss",
            "Validation top-1",
            &top_k,
            "Validation F1 (macro)",
            "Learning rate",
        ],
    );
    table.rows = history
        .iter()
        .map(|record| {
            vec![
                record.epoch.to_string(),
                format!("{:.4}", record.train_loss),
                format!("{:.4}", record.validation_loss),
                percent(record.validation_accuracy),
                percent(record.validation_topk),
                format!("{:.3}", record.validation_f1),
                format!("{}", record.learning_rate),
            ]
        })
        .collect();
    table
}
