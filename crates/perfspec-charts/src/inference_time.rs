//! Runtime inference time per prediction, median and p99, for every (model, window) row, on a
//! log scale: the models differ by orders of magnitude (the paper's 1e-4 s against 0.06 s).

use perfspec::pipeline::ResultRow;
use perfspec::units::seconds;
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::layout::{
    axis_labels, dot_style, heading, line, model_color, models, name_at, no_data, row_label,
    style_mesh, with_legend, LegendItem, Mark, Ticked,
};
use crate::{ChartError, ChartKind, ChartTable, Theme};

pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    rows: &[ResultRow],
    theme: &Theme,
) -> Result<(), ChartError> {
    let body = heading(area, theme, ChartKind::InferenceTime.title(), None)?;
    let timed: Vec<(&ResultRow, Option<f64>, Option<f64>)> = rows
        .iter()
        .map(|row| {
            (
                row,
                micros(row.infer_seconds_median),
                micros(row.infer_seconds_p99),
            )
        })
        .filter(|(_, median, p99)| median.is_some() || p99.is_some())
        .collect();
    let values = || {
        timed
            .iter()
            .flat_map(|(_, median, p99)| [*median, *p99])
            .flatten()
    };
    let (Some(min), Some(max)) = (
        values().min_by(f64::total_cmp),
        values().max_by(f64::total_cmp),
    ) else {
        return no_data(
            &body,
            theme,
            "No timings yet: train models to time their predictions.",
        );
    };
    let timed_rows: Vec<ResultRow> = timed.iter().map(|(row, _, _)| (*row).clone()).collect();
    let mut items: Vec<LegendItem> = models(&timed_rows)
        .iter()
        .map(|(model, approach)| {
            LegendItem::new(*approach, Mark::Swatch(model_color(theme, model)))
        })
        .collect();
    items.push(LegendItem::new(
        "median",
        Mark::Dot {
            color: theme.muted,
            filled: true,
        },
    ));
    items.push(LegendItem::new(
        "p99",
        Mark::Dot {
            color: theme.muted,
            filled: false,
        },
    ));
    let plot = with_legend(&body, theme, None, &items)?;

    // Whole decades with some room beyond the data, so that no dot sits on the frame.
    let low_exponent = (min / 1.5).log10().floor() as i32;
    let high_exponent = ((max * 1.5).log10().ceil() as i32).max(low_exponent + 1);
    let decades: Vec<f64> = (low_exponent..=high_exponent)
        .map(|exponent| 10f64.powi(exponent))
        .collect();
    let minor: Vec<f64> = decades
        .iter()
        .take(decades.len() - 1)
        .flat_map(|&decade| (2..10).map(move |step| decade * f64::from(step)))
        .collect();
    let x = (decades[0]..decades[decades.len() - 1])
        .log_scale()
        .with_key_points(decades.clone())
        .with_light_points(minor);

    let (labels, label_width) = axis_labels(
        &plot,
        theme,
        timed.iter().map(|(row, _, _)| row_label(row)).collect(),
    )?;
    let count = labels.len();
    // The first row is drawn at the top, as in the results table.
    let y_of = |index: usize| (count - index) as f64 - 0.5;
    let y = Ticked::new(0.0..count as f64, (0..count).map(y_of).collect());
    let mut chart = ChartBuilder::on(&plot)
        .margin_top(theme.px(8.0))
        .margin_right(theme.px(20.0))
        .x_label_area_size(theme.px(48.0))
        .y_label_area_size(label_width + theme.px(18.0))
        .build_cartesian_2d(x, y)?;
    let row_name = |value: &f64| name_at(&labels, count as f64 - value - 0.5);
    let mut mesh = chart.configure_mesh();
    style_mesh(&mut mesh, theme);
    mesh.x_desc("Time per prediction (µs, log scale)")
        .x_label_formatter(&decade_label)
        .y_label_formatter(&row_name)
        .light_line_style(line(theme.grid, theme, 1.0).color.mix(0.45))
        .disable_y_mesh()
        .draw()?;

    for (index, (row, median, p99)) in timed.iter().enumerate() {
        let y = y_of(index);
        let color = model_color(theme, &row.model);
        if let (Some(median), Some(p99)) = (median, p99) {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(*median, y), (*p99, y)],
                line(color, theme, 2.0),
            )))?;
        }
        if let Some(p99) = p99 {
            chart.draw_series(std::iter::once(Circle::new(
                (*p99, y),
                theme.px(5.0),
                dot_style(color, false, theme),
            )))?;
        }
        if let Some(median) = median {
            chart.draw_series(std::iter::once(Circle::new(
                (*median, y),
                theme.px(5.5),
                dot_style(color, true, theme),
            )))?;
        }
    }
    Ok(())
}

/// A positive, finite time in seconds as microseconds; nothing to draw otherwise.
fn micros(seconds: f64) -> Option<f64> {
    (seconds.is_finite() && seconds > 0.0).then_some(seconds * 1e6)
}

/// A power of ten of microseconds as people write it: `0.01`, `1`, `10,000`.
fn decade_label(value: &f64) -> String {
    if !value.is_finite() || *value <= 0.0 {
        return String::new();
    }
    let exponent = value.log10().round() as i32;
    if exponent < 0 {
        return format!("{value:.*}", exponent.unsigned_abs() as usize);
    }
    let digits = format!("{value:.0}");
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// Model, window, median and p99 in the paper's seconds (with microseconds beside small values).
pub fn table(rows: &[ResultRow]) -> ChartTable {
    let mut table = ChartTable::new(
        "Runtime inference time per prediction (batch 1), median and p99",
        &["Model", "Window", "Median", "p99"],
    );
    table.rows = rows
        .iter()
        .map(|row| {
            vec![
                row.approach.clone(),
                row.window.to_string(),
                seconds(row.infer_seconds_median),
                seconds(row.infer_seconds_p99),
            ]
        })
        .collect();
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decades_read_as_plain_numbers() {
        assert_eq!(decade_label(&0.01), "0.01");
        assert_eq!(decade_label(&0.1), "0.1");
        assert_eq!(decade_label(&1.0), "1");
        assert_eq!(decade_label(&100.0), "100");
        assert_eq!(decade_label(&10_000.0), "10,000");
        assert_eq!(decade_label(&0.0), "");
    }

    #[test]
    fn only_positive_times_are_drawn() {
        assert_eq!(micros(2e-4), Some(200.0));
        assert_eq!(micros(0.0), None);
        assert_eq!(micros(f64::NAN), None);
    }
}
