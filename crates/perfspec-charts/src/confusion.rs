//! The confusion matrix of the test set's most frequent types: actual types as rows, top-1
//! predictions as columns (plus "other" for predictions outside them). A cell's colour is its
//! share of the row, so that each type's recall reads on the diagonal whatever its frequency.

use perfspec::evaluate::Confusion;
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::layout::{
    axis_labels, cell_square, draw_heat_cells, font, heading, line, name_at, no_data, style_mesh,
    text_size, widest, with_ramp_key, Ticked, LABEL_SIZE,
};
use crate::{ChartError, ChartKind, ChartTable, Theme};

const OTHER: &str = "other";

pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    confusion: &Confusion,
    subject: &str,
    theme: &Theme,
) -> Result<(), ChartError> {
    let title = if subject.is_empty() {
        ChartKind::Confusion.title().to_string()
    } else {
        format!("{}: {subject}", ChartKind::Confusion.title())
    };
    let body = heading(area, theme, &title, None)?;
    // A malformed matrix (from a hand-edited results file) is cut to what is consistent.
    let size = confusion
        .types
        .len()
        .min(confusion.matrix.len())
        .min(confusion.matrix.iter().map(Vec::len).min().unwrap_or(0));
    if size == 0 {
        return no_data(
            &body,
            theme,
            "No confusion matrix: the model has no test windows.",
        );
    }
    let plot = with_ramp_key(&body, theme, "Share of the actual type", "0%", "100%")?;

    // The number goes after the name so that, right-aligned, the numbers line up at the axis.
    let (names, _) = axis_labels(&plot, theme, confusion.types[..size].to_vec())?;
    let labels: Vec<String> = names
        .iter()
        .enumerate()
        .map(|(index, name)| format!("{name} · {}", index + 1))
        .collect();
    let label_width = widest(&plot, &labels, &font(theme, LABEL_SIZE))?;
    let columns = size + 1;
    let x = Ticked::new(
        0.0..columns as f64,
        (0..columns).map(|c| c as f64 + 0.5).collect(),
    );
    let y_of = |index: usize| (size - index) as f64 - 0.5;
    let y = Ticked::new(0.0..size as f64, (0..size).map(y_of).collect());
    let mut chart = ChartBuilder::on(&plot)
        .margin_top(theme.px(8.0))
        .margin_right(theme.px(12.0))
        .x_label_area_size(theme.px(48.0))
        .y_label_area_size(label_width + theme.px(36.0))
        .build_cartesian_2d(x, y)?;
    // Column numbers that would touch their neighbours are thinned out to every `step`-th
    // (the rows carry every number), and the last one gives way to "other".
    let label_font = font(theme, LABEL_SIZE);
    let (plot_width, _) = chart.plotting_area().dim_in_pixel();
    let column_width = f64::from(plot_width) / columns as f64;
    let number_width = f64::from(text_size(&plot, &size.to_string(), &label_font)?.0);
    let other_width = f64::from(text_size(&plot, OTHER, &label_font)?.0);
    let gap = f64::from(theme.px(4.0));
    let step = ((number_width + gap) / column_width).ceil().max(1.0) as usize;
    let last_fits = column_width >= (number_width + other_width) / 2.0 + gap;
    let column_name = |value: &f64| {
        let column = value.floor();
        if !(0.0..columns as f64).contains(&column) {
            return String::new();
        }
        let column = column as usize;
        let numbered = column == 0 || (column + 1).is_multiple_of(step);
        if column == size {
            OTHER.to_string()
        } else if numbered && (column + 1 < size || last_fits) {
            format!("{}", column + 1)
        } else {
            String::new()
        }
    };
    let row_name = |value: &f64| name_at(&labels, size as f64 - value - 0.5);
    let mut mesh = chart.configure_mesh();
    style_mesh(&mut mesh, theme);
    mesh.x_desc("Predicted type (top-1), numbered as the rows")
        .y_desc("Actual type")
        .x_label_formatter(&column_name)
        .y_label_formatter(&row_name)
        .disable_mesh()
        .draw()?;

    let (plot_width, plot_height) = chart.plotting_area().dim_in_pixel();
    let show_counts = f64::from(plot_height) / size as f64 >= 13.0 * theme.scale
        && f64::from(plot_width) / columns as f64 >= 20.0 * theme.scale;
    let mut cells = Vec::new();
    for row in 0..size {
        let counts = confusion.matrix[row][..size]
            .iter()
            .copied()
            .chain(std::iter::once(
                confusion.predicted_other.get(row).copied().unwrap_or(0),
            ));
        let total: usize = counts.clone().sum();
        for (column, count) in counts.enumerate() {
            if count > 0 {
                let share = count as f64 / total.max(1) as f64;
                cells.push((
                    row,
                    column,
                    count as u64,
                    theme.ramp_color(0.08 + 0.92 * share),
                ));
            }
        }
    }
    draw_heat_cells(&mut chart, &cells, y_of, show_counts, theme)?;
    // The diagonal framed, so that the correct predictions read as a line even where empty.
    chart.draw_series((0..size).map(|index| {
        Rectangle::new(
            cell_square(index, y_of(index)),
            line(theme.muted, theme, 1.0),
        )
    }))?;
    Ok(())
}

/// The counts: one row per actual type, one column per predicted type and "other".
pub fn table(confusion: &Confusion, subject: &str) -> ChartTable {
    let mut caption = format!(
        "Confusion matrix of the {} most frequent test types (rows actual, columns top-1 predicted)",
        confusion.types.len()
    );
    if !subject.is_empty() {
        caption = format!("{caption}: {subject}");
    }
    let mut table = ChartTable::new(caption, &["Actual \\ predicted"]);
    table.headers.extend(confusion.types.iter().cloned());
    table.headers.push(OTHER.into());
    table.rows = confusion
        .types
        .iter()
        .enumerate()
        .map(|(row, name)| {
            let counts = confusion.matrix.get(row);
            std::iter::once(name.clone())
                .chain((0..confusion.types.len()).map(|column| {
                    counts
                        .and_then(|counts| counts.get(column))
                        .copied()
                        .unwrap_or(0)
                        .to_string()
                }))
                .chain(std::iter::once(
                    confusion
                        .predicted_other
                        .get(row)
                        .copied()
                        .unwrap_or(0)
                        .to_string(),
                ))
                .collect()
        })
        .collect();
    table
}
