//! Accuracy versus window: one colour per model, top-k at the run's k as a solid line and top-1
//! as a dashed one, so that the gain from a longer context reads along each line.

use perfspec::pipeline::ResultRow;
use perfspec::units::percent;
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::layout::{
    accuracy_axes, dot_style, draw_path, heading, line, model_color, models, no_data,
    optimistic_note, with_legend, Dash, LegendItem, Mark, Ticked,
};
use crate::{ChartError, ChartKind, ChartTable, Theme};

const TOP1_DASH: Dash = Dash::Dashed(7.0, 4.0);

pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    rows: &[ResultRow],
    theme: &Theme,
) -> Result<(), ChartError> {
    let body = heading(
        area,
        theme,
        ChartKind::AccuracyWindow.title(),
        optimistic_note(rows),
    )?;
    let rows: Vec<ResultRow> = rows
        .iter()
        .filter(|row| row.top1.is_finite() && row.topk.is_finite())
        .cloned()
        .collect();
    let Some(first) = rows.first() else {
        return no_data(
            &body,
            theme,
            "No results yet: train models to compare them.",
        );
    };
    let k = first.k;
    let models = models(&rows);
    let mut items: Vec<LegendItem> = models
        .iter()
        .map(|(model, approach)| {
            LegendItem::new(*approach, Mark::Swatch(model_color(theme, model)))
        })
        .collect();
    items.push(LegendItem::new(
        format!("top-{k}"),
        Mark::Line {
            color: theme.muted,
            dash: Dash::Solid,
        },
    ));
    items.push(LegendItem::new(
        "top-1",
        Mark::Line {
            color: theme.muted,
            dash: TOP1_DASH,
        },
    ));
    let plot = with_legend(&body, theme, None, &items)?;

    let mut windows: Vec<usize> = rows.iter().map(|row| row.window).collect();
    windows.sort_unstable();
    windows.dedup();
    let low = windows[0] as f64;
    let high = windows[windows.len() - 1] as f64;
    let x = Ticked::new(
        (low - 0.5)..(high + 0.5),
        windows.iter().map(|&w| w as f64).collect(),
    );
    let mut chart = accuracy_axes(
        &plot,
        theme,
        x,
        "Window (events of context)",
        "Accuracy on the test windows",
    )?;

    for (model, _) in &models {
        let color = model_color(theme, model);
        let mut own: Vec<&ResultRow> = rows.iter().filter(|row| row.model == *model).collect();
        own.sort_by_key(|row| row.window);
        let topk: Vec<(f64, f64)> = own
            .iter()
            .map(|row| (row.window as f64, row.topk))
            .collect();
        let top1: Vec<(f64, f64)> = own
            .iter()
            .map(|row| (row.window as f64, row.top1))
            .collect();
        chart.draw_series(LineSeries::new(topk.clone(), line(color, theme, 2.5)))?;
        draw_path(
            chart.plotting_area(),
            theme,
            top1.clone(),
            color,
            1.8,
            TOP1_DASH,
        )?;
        chart.draw_series(
            topk.iter()
                .map(|&point| Circle::new(point, theme.px(4.5), dot_style(color, true, theme))),
        )?;
        chart.draw_series(
            top1.iter()
                .map(|&point| Circle::new(point, theme.px(4.0), dot_style(color, false, theme))),
        )?;
    }
    Ok(())
}

/// Model, window, top-k and top-1, in the rows' order.
pub fn table(rows: &[ResultRow]) -> ChartTable {
    let k = rows.first().map_or(9, |row| row.k);
    let top_k = format!("Top-{k} accuracy");
    let mut table = ChartTable::new(
        format!("Accuracy on the test windows by window: top-{k} and top-1"),
        &["Model", "Window", &top_k, "Top-1 accuracy"],
    );
    if optimistic_note(rows).is_some() {
        table.caption.push_str(" (paper mode: optimistic)");
    }
    table.rows = rows
        .iter()
        .map(|row| {
            vec![
                row.approach.clone(),
                row.window.to_string(),
                percent(row.topk),
                percent(row.top1),
            ]
        })
        .collect();
    table
}
