//! Median response time against k in the proactive replay, one line per model at one window and
//! horizon: how many candidates the verifier must precompute before requests stop waiting for
//! it. The response without prediction (the baseline) is drawn across for comparison.

use perfspec::replay::ReplayRow;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::layout::{
    dot_style, draw_path, heading, line, model_color, muted_font, no_data, replay_models,
    replay_note, style_mesh, with_legend, Dash, LegendItem, Mark, Ticked, SMALL_SIZE,
};
use crate::{ChartError, ChartKind, ChartTable, Theme};

const BASELINE_DASH: Dash = Dash::Dashed(6.0, 4.0);

/// The rows drawn: those at `window` and `horizon` with a median response, in the rows' order.
fn slice(rows: &[ReplayRow], window: usize, horizon: usize) -> Vec<&ReplayRow> {
    rows.iter()
        .filter(|row| row.window == window && row.horizon == horizon)
        .filter(|row| row.response_ms_median.is_some_and(f64::is_finite))
        .collect()
}

/// Draws the chart of `rows` at `window` and `horizon`; `optimistic` notes a paper-compatible
/// split under the title.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    rows: &[ReplayRow],
    window: usize,
    horizon: usize,
    optimistic: bool,
    theme: &Theme,
) -> Result<(), ChartError> {
    let note = replay_note(optimistic);
    let body = heading(area, theme, ChartKind::ReplayResponse.title(), Some(&note))?;
    let shown = slice(rows, window, horizon);
    if shown.is_empty() {
        return no_data(
            &body,
            theme,
            "No response times: replay models on a log with timestamps.",
        );
    }
    let baseline = shown
        .iter()
        .find_map(|row| row.baseline_ms_median)
        .filter(|value| value.is_finite());
    let models = replay_models(&shown);
    let mut items: Vec<LegendItem> = models
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
    if baseline.is_some() {
        items.push(LegendItem::new(
            "no prediction",
            Mark::Line {
                color: theme.muted,
                dash: BASELINE_DASH,
            },
        ));
    }
    let heading_text = format!("window {window}, horizon {horizon}");
    let plot = with_legend(&body, theme, Some(&heading_text), &items)?;

    let mut ks: Vec<usize> = shown.iter().map(|row| row.k).collect();
    ks.sort_unstable();
    ks.dedup();
    let (low, high) = (ks[0] as f64, ks[ks.len() - 1] as f64);
    let x = Ticked::new(
        (low - 0.5)..(high + 0.5),
        ks.iter().map(|&k| k as f64).collect(),
    );
    let top = shown
        .iter()
        .filter_map(|row| row.response_ms_median)
        .chain(baseline)
        .fold(0.0_f64, f64::max);
    let top = if top > 0.0 { top * 1.1 } else { 1.0 };
    let mut chart = ChartBuilder::on(&plot)
        .margin_top(theme.px(8.0))
        .margin_right(theme.px(16.0))
        .x_label_area_size(theme.px(48.0))
        .y_label_area_size(theme.px(68.0))
        .build_cartesian_2d(x, 0.0..top)?;
    let mut mesh = chart.configure_mesh();
    style_mesh(&mut mesh, theme);
    mesh.x_desc("k (candidates verified per predicted event)")
        .y_desc("Median response time (ms)")
        .x_label_formatter(&|k| format!("{k:.0}"))
        .y_label_formatter(&|ms| format!("{ms:.0}"))
        .y_labels(6)
        .draw()?;

    if let Some(baseline) = baseline {
        draw_path(
            chart.plotting_area(),
            theme,
            vec![(low - 0.5, baseline), (high + 0.5, baseline)],
            theme.muted,
            1.5,
            BASELINE_DASH,
        )?;
        chart.draw_series(std::iter::once(Text::new(
            format!(" no prediction: {baseline:.0} ms"),
            (low - 0.5, baseline),
            muted_font(theme, SMALL_SIZE).pos(Pos::new(HPos::Left, VPos::Bottom)),
        )))?;
    }
    for (model, _) in &models {
        let color = model_color(theme, model);
        let mut own: Vec<&&ReplayRow> = shown.iter().filter(|row| row.model == *model).collect();
        own.sort_by_key(|row| row.k);
        let points: Vec<(f64, f64)> = own
            .iter()
            .filter_map(|row| Some((row.k as f64, row.response_ms_median?)))
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

/// One row per k, a median column per model and the baseline's median: the chart's numbers.
pub fn table(rows: &[ReplayRow], window: usize, horizon: usize, optimistic: bool) -> ChartTable {
    let mut table = ChartTable::new(
        format!("Median response time (ms) by k, window {window}, horizon {horizon}"),
        &["k"],
    );
    if optimistic {
        table.caption.push_str(" (paper mode: optimistic)");
    }
    let shown = slice(rows, window, horizon);
    let models = replay_models(&shown);
    table
        .headers
        .extend(models.iter().map(|(_, approach)| approach.to_string()));
    table.headers.push("No prediction".into());
    let mut ks: Vec<usize> = shown.iter().map(|row| row.k).collect();
    ks.sort_unstable();
    ks.dedup();
    let ms = |value: Option<f64>| value.map_or_else(String::new, |value| format!("{value:.1}"));
    table.rows = ks
        .iter()
        .map(|&k| {
            let at_k: Vec<&&ReplayRow> = shown.iter().filter(|row| row.k == k).collect();
            std::iter::once(k.to_string())
                .chain(models.iter().map(|(model, _)| {
                    ms(at_k
                        .iter()
                        .find(|row| row.model == *model)
                        .and_then(|row| row.response_ms_median))
                }))
                .chain(std::iter::once(ms(at_k
                    .iter()
                    .find_map(|row| row.baseline_ms_median))))
                .collect()
        })
        .collect();
    table
}
