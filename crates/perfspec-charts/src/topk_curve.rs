//! Top-k accuracy for k = 1..20, one curve per (model, window): how large the proactive
//! verification cache must be for a model to hold the next event. The run's k is marked.

use perfspec::models::CURVE_MAX_K;
use perfspec::pipeline::ResultRow;
use perfspec::units::percent;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::layout::{
    accuracy_axes, draw_path, heading, integer_ticks, model_color, muted_font, no_data,
    optimistic_note, row_label, with_legend, Dash, LegendItem, Mark, Ticked, SMALL_SIZE,
};
use crate::{ChartError, ChartKind, ChartTable, Theme};

pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    rows: &[ResultRow],
    theme: &Theme,
) -> Result<(), ChartError> {
    let body = heading(
        area,
        theme,
        ChartKind::TopkCurve.title(),
        optimistic_note(rows),
    )?;
    let rows: Vec<&ResultRow> = rows
        .iter()
        .filter(|row| row.topk_curve.iter().any(|value| value.is_finite()))
        .collect();
    let Some(first) = rows.first() else {
        return no_data(
            &body,
            theme,
            "No results yet: train models to see their top-k curves.",
        );
    };
    let run_k = first.k;
    // The dash tells a model's windows apart; the colour tells the models apart.
    let mut windows: Vec<usize> = rows.iter().map(|row| row.window).collect();
    windows.sort_unstable();
    windows.dedup();
    let dash = |window: usize| Dash::nth(windows.iter().position(|&w| w == window).unwrap_or(0));
    let items: Vec<LegendItem> = rows
        .iter()
        .map(|row| {
            LegendItem::new(
                row_label(row),
                Mark::Line {
                    color: model_color(theme, &row.model),
                    dash: dash(row.window),
                },
            )
        })
        .collect();
    let plot = with_legend(&body, theme, None, &items)?;

    let max_k = rows
        .iter()
        .map(|row| row.topk_curve.len())
        .max()
        .unwrap_or(CURVE_MAX_K)
        .max(1);
    let x = Ticked::new(0.5..max_k as f64 + 0.5, integer_ticks(max_k, 20));
    let mut chart = accuracy_axes(
        &plot,
        theme,
        x,
        "k (size of the candidate set)",
        "Top-k accuracy on the test windows",
    )?;

    if (1..=max_k).contains(&run_k) {
        let k = run_k as f64;
        draw_path(
            chart.plotting_area(),
            theme,
            vec![(k, 0.0), (k, 1.0)],
            theme.muted,
            1.0,
            Dash::Dashed(3.0, 3.0),
        )?;
        chart.draw_series(std::iter::once(Text::new(
            format!(" k = {run_k}"),
            (k, 0.04),
            muted_font(theme, SMALL_SIZE).pos(Pos::new(HPos::Left, VPos::Bottom)),
        )))?;
    }
    for row in &rows {
        let color = model_color(theme, &row.model);
        let points: Vec<(f64, f64)> = row
            .topk_curve
            .iter()
            .enumerate()
            .filter(|(_, value)| value.is_finite())
            .map(|(index, &value)| ((index + 1) as f64, value.clamp(0.0, 1.0)))
            .collect();
        draw_path(
            chart.plotting_area(),
            theme,
            points.clone(),
            color,
            2.2,
            dash(row.window),
        )?;
        if let [only] = points[..] {
            chart.draw_series(std::iter::once(Circle::new(
                only,
                theme.px(3.5),
                color.filled(),
            )))?;
        }
    }
    Ok(())
}

/// One row per k, one column per (model, window): the layout a spreadsheet plots directly.
pub fn table(rows: &[ResultRow]) -> ChartTable {
    let mut table = ChartTable::new("Top-k accuracy on the test windows for k = 1..20", &["k"]);
    if optimistic_note(rows).is_some() {
        table.caption.push_str(" (paper mode: optimistic)");
    }
    table.headers.extend(rows.iter().map(row_label));
    let max_k = rows
        .iter()
        .map(|row| row.topk_curve.len())
        .max()
        .unwrap_or(0);
    table.rows = (0..max_k)
        .map(|index| {
            std::iter::once((index + 1).to_string())
                .chain(rows.iter().map(|row| {
                    row.topk_curve
                        .get(index)
                        .map_or_else(String::new, |&value| percent(value))
                }))
                .collect()
        })
        .collect();
    table
}
