//! Share of events whose verification was ready on arrival against the horizon in the proactive
//! replay, one line per model at one window and k: whether predicting further ahead gives the
//! verifier the time it lacks for events that follow each other closely.

use perfspec::replay::ReplayRow;
use perfspec::units::percent;
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::layout::{
    accuracy_axes, dot_style, heading, line, model_color, no_data, replay_models, replay_note,
    with_legend, Dash, LegendItem, Mark, Ticked,
};
use crate::{ChartError, ChartKind, ChartTable, Theme};

/// The rows drawn: those at `window` and `k` with a ready share, in the rows' order.
fn slice(rows: &[ReplayRow], window: usize, k: usize) -> Vec<&ReplayRow> {
    rows.iter()
        .filter(|row| row.window == window && row.k == k)
        .filter(|row| row.ready_share.is_some_and(f64::is_finite))
        .collect()
}

/// Draws the chart of `rows` at `window` and `k`; `optimistic` notes a paper-compatible split
/// under the title.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    rows: &[ReplayRow],
    window: usize,
    k: usize,
    optimistic: bool,
    theme: &Theme,
) -> Result<(), ChartError> {
    let note = replay_note(optimistic);
    let body = heading(area, theme, ChartKind::ReplayReady.title(), Some(&note))?;
    let shown = slice(rows, window, k);
    if shown.is_empty() {
        return no_data(
            &body,
            theme,
            "No arrival times: replay models on a log with timestamps.",
        );
    }
    let models = replay_models(&shown);
    let items: Vec<LegendItem> = models
        .iter()
        .map(|(model, approach)| {
            LegendItem::new(
                *approach,
                Mark::Line {
                    color: model_color(theme, model),
                    dash: Dash::Solid,
                },
            )
        })
        .collect();
    let heading_text = format!("window {window}, top-{k}");
    let plot = with_legend(&body, theme, Some(&heading_text), &items)?;

    let mut horizons: Vec<usize> = shown.iter().map(|row| row.horizon).collect();
    horizons.sort_unstable();
    horizons.dedup();
    let (low, high) = (horizons[0] as f64, horizons[horizons.len() - 1] as f64);
    let x = Ticked::new(
        (low - 0.5)..(high + 0.5),
        horizons.iter().map(|&h| h as f64).collect(),
    );
    let mut chart = accuracy_axes(
        &plot,
        theme,
        x,
        "Horizon (events predicted ahead)",
        "Ready on arrival",
    )?;
    for (model, _) in &models {
        let color = model_color(theme, model);
        let mut own: Vec<&&ReplayRow> = shown.iter().filter(|row| row.model == *model).collect();
        own.sort_by_key(|row| row.horizon);
        let points: Vec<(f64, f64)> = own
            .iter()
            .filter_map(|row| Some((row.horizon as f64, row.ready_share?.clamp(0.0, 1.0))))
            .collect();
        chart.draw_series(LineSeries::new(points.clone(), line(color, theme, 2.5)))?;
        chart.draw_series(
            points
                .iter()
                .map(|&point| Circle::new(point, theme.px(4.5), dot_style(color, true, theme))),
        )?;
    }
    Ok(())
}

/// One row per horizon, a ready-share column per model: the chart's numbers.
pub fn table(rows: &[ReplayRow], window: usize, k: usize, optimistic: bool) -> ChartTable {
    let mut table = ChartTable::new(
        format!("Share ready on arrival by horizon, window {window}, top-{k}"),
        &["Horizon"],
    );
    if optimistic {
        table.caption.push_str(" (paper mode: optimistic)");
    }
    let shown = slice(rows, window, k);
    let models = replay_models(&shown);
    table
        .headers
        .extend(models.iter().map(|(_, approach)| approach.to_string()));
    let mut horizons: Vec<usize> = shown.iter().map(|row| row.horizon).collect();
    horizons.sort_unstable();
    horizons.dedup();
    table.rows = horizons
        .iter()
        .map(|&horizon| {
            std::iter::once(horizon.to_string())
                .chain(models.iter().map(|(model, _)| {
                    shown
                        .iter()
                        .find(|row| row.horizon == horizon && row.model == *model)
                        .and_then(|row| row.ready_share)
                        .map_or_else(String::new, percent)
                }))
                .collect()
        })
        .collect();
    table
}
