//! Events per verb and resource, as the PerfSPEC paper's dataset figure shows them: a heat map
//! with resources as rows (most events first), verbs as columns, the count in each cell and its
//! colour on a log scale (a few resources hold most events).

use perfspec::prepare::vocabulary::VocabularyEntry;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::layout::{
    axis_labels, draw_heat_cells, fit_labels, font, heading, name_at, no_data, style_mesh,
    text_size, with_ramp_key, Ticked, LABEL_SIZE,
};
use crate::{ChartError, ChartKind, ChartTable, Theme};

/// Height a row needs, in CSS pixels, for its label and count to stay legible.
const MIN_ROW_PITCH: f64 = 16.0;

/// CSS pixels right of the plot, into which the last verb label may reach.
const RIGHT_MARGIN: f64 = 12.0;

/// Events per (verb, resource): verbs and resources each ordered by their total, most first.
struct Matrix<'a> {
    verbs: Vec<(&'a str, u64)>,
    resources: Vec<(&'a str, u64)>,
    /// `counts[resource][verb]`.
    counts: Vec<Vec<u64>>,
}

impl<'a> Matrix<'a> {
    fn new(entries: &'a [VocabularyEntry]) -> Self {
        fn totals(
            entries: &[VocabularyEntry],
            key: fn(&VocabularyEntry) -> &str,
        ) -> Vec<(&str, u64)> {
            let mut totals: Vec<(&str, u64)> = Vec::new();
            for entry in entries.iter().filter(|entry| entry.count > 0) {
                match totals.iter_mut().find(|(name, _)| *name == key(entry)) {
                    Some((_, total)) => *total += entry.count,
                    None => totals.push((key(entry), entry.count)),
                }
            }
            totals.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
            totals
        }
        let verbs = totals(entries, |entry| &entry.verb);
        let resources = totals(entries, |entry| &entry.resource);
        let mut counts = vec![vec![0; verbs.len()]; resources.len()];
        for entry in entries {
            let verb = verbs.iter().position(|(verb, _)| *verb == entry.verb);
            let resource = resources.iter().position(|(r, _)| *r == entry.resource);
            if let (Some(verb), Some(resource)) = (verb, resource) {
                counts[resource][verb] += entry.count;
            }
        }
        Self {
            verbs,
            resources,
            counts,
        }
    }
}

pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[VocabularyEntry],
    theme: &Theme,
) -> Result<(), ChartError> {
    let matrix = Matrix::new(entries);
    // Heading, axis and margins take about this many CSS pixels of the height.
    let (_, height) = area.dim_in_pixel();
    let fit = ((f64::from(height) / theme.scale - 120.0) / MIN_ROW_PITCH).max(1.0) as usize;
    let rows = matrix.resources.len().min(fit);
    let title = if rows < matrix.resources.len() {
        format!(
            "{} (top {rows} of {} resources)",
            ChartKind::VerbResource.title(),
            matrix.resources.len()
        )
    } else {
        ChartKind::VerbResource.title().to_string()
    };
    let body = heading(area, theme, &title, None)?;
    if rows == 0 || matrix.verbs.is_empty() {
        return no_data(
            &body,
            theme,
            "No events yet: load audit logs to see verbs and resources.",
        );
    }
    let max = matrix.counts[..rows]
        .iter()
        .flatten()
        .copied()
        .max()
        .unwrap_or(1)
        .max(1);
    let plot = with_ramp_key(&body, theme, "Events (log colour)", "1", &max.to_string())?;

    let columns = matrix.verbs.len();
    let (resources, label_width) = axis_labels(
        &plot,
        theme,
        matrix.resources[..rows]
            .iter()
            .map(|(resource, _)| resource.to_string())
            .collect(),
    )?;
    let x = Ticked::new(
        0.0..columns as f64,
        (0..columns).map(|c| c as f64 + 0.5).collect(),
    );
    let y_of = |index: usize| (rows - index) as f64 - 0.5;
    let y = Ticked::new(0.0..rows as f64, (0..rows).map(y_of).collect());
    let y_label_area = label_width + theme.px(36.0);
    let plot_width = plot.dim_in_pixel().0 as i32 - y_label_area - theme.px(RIGHT_MARGIN);
    let verbs = VerbLabels::new(&plot, &matrix, plot_width, theme)?;
    let mut chart = ChartBuilder::on(&plot)
        .margin_top(theme.px(8.0))
        .margin_right(theme.px(RIGHT_MARGIN))
        .x_label_area_size(verbs.area)
        .y_label_area_size(y_label_area)
        .build_cartesian_2d(x, y)?;
    // Turned labels are written below (plotters would centre them on their ticks, half inside
    // the plot); the mesh then draws only the ticks.
    let verb_name = |value: &f64| {
        if verbs.turned {
            String::new()
        } else {
            name_at(&verbs.labels, value.floor())
        }
    };
    let resource_name = |value: &f64| name_at(&resources, rows as f64 - value - 0.5);
    let mut mesh = chart.configure_mesh();
    style_mesh(&mut mesh, theme);
    mesh.x_desc("Verb")
        .y_desc("Resource")
        .x_label_formatter(&verb_name)
        .y_label_formatter(&resource_name)
        .disable_mesh()
        .draw()?;
    if verbs.turned {
        let (left, top) = plot.get_base_pixel();
        let style = font(theme, LABEL_SIZE)
            .transform(FontTransform::Rotate90)
            .pos(Pos::new(HPos::Left, VPos::Center));
        for (column, label) in verbs.labels.iter().enumerate() {
            let (x, y) = chart.backend_coord(&(column as f64 + 0.5, 0.0));
            plot.draw_text(label, &style, (x - left, y - top + theme.px(8.0)))?;
        }
    }

    let cell_height = chart.plotting_area().dim_in_pixel().1 as f64 / rows as f64;
    let show_counts = cell_height >= 12.0 * theme.scale;
    let max_log = (max as f64).ln();
    let mut cells = Vec::new();
    for (row, counts) in matrix.counts[..rows].iter().enumerate() {
        for (column, &count) in counts.iter().enumerate() {
            if count == 0 {
                continue;
            }
            // Log colour, kept off the ramp's faint end so that single events still show.
            let t = if max_log > 0.0 {
                0.12 + 0.88 * (count as f64).ln() / max_log
            } else {
                0.5
            };
            cells.push((row, column, count, theme.ramp_color(t)));
        }
    }
    draw_heat_cells(&mut chart, &cells, y_of, show_counts, theme)?;
    Ok(())
}

/// The verbs as column labels: across when each fits beside its neighbours (a label may be wider
/// than its column as long as the two half-widths beside each boundary fit), otherwise turned
/// to run down the page, where a column needs only a line's height ("patch" beside
/// "deletecollection" on a narrow page).
struct VerbLabels {
    labels: Vec<String>,
    turned: bool,
    /// Height of the label area under the plot.
    area: i32,
}

impl VerbLabels {
    fn new<DB: DrawingBackend>(
        plot: &DrawingArea<DB, Shift>,
        matrix: &Matrix,
        plot_width: i32,
        theme: &Theme,
    ) -> Result<Self, ChartError> {
        let style = font(theme, LABEL_SIZE);
        let labels: Vec<String> = matrix
            .verbs
            .iter()
            .map(|(verb, _)| verb.to_string())
            .collect();
        let column = plot_width / labels.len().max(1) as i32;
        let gap = theme.px(12.0);
        let widths = labels
            .iter()
            .map(|label| Ok(text_size(plot, label, &style)?.0))
            .collect::<Result<Vec<i32>, ChartError>>()?;
        let across = widths
            .windows(2)
            .all(|pair| (pair[0] + pair[1]) / 2 + gap <= column)
            && widths
                .last()
                .is_none_or(|&last| last / 2 <= column / 2 + theme.px(RIGHT_MARGIN));
        if across {
            return Ok(Self {
                labels,
                turned: false,
                area: theme.px(48.0),
            });
        }
        let (labels, widest) = fit_labels(plot, labels, &style, theme.px(120.0))?;
        Ok(Self {
            labels,
            turned: true,
            area: widest + theme.px(36.0),
        })
    }
}

/// Every resource (rows) by every verb (columns), with totals.
pub fn table(entries: &[VocabularyEntry]) -> ChartTable {
    let matrix = Matrix::new(entries);
    let mut table = ChartTable::new(
        format!(
            "Events per resource and verb ({} resources, {} verbs)",
            matrix.resources.len(),
            matrix.verbs.len()
        ),
        &["Resource"],
    );
    table
        .headers
        .extend(matrix.verbs.iter().map(|(verb, _)| verb.to_string()));
    table.headers.push("Total".into());
    table.rows = matrix
        .resources
        .iter()
        .zip(&matrix.counts)
        .map(|((resource, total), counts)| {
            std::iter::once(resource.to_string())
                .chain(counts.iter().map(u64::to_string))
                .chain(std::iter::once(total.to_string()))
                .collect()
        })
        .collect();
    if !matrix.resources.is_empty() {
        let total: u64 = matrix.verbs.iter().map(|(_, total)| total).sum();
        table.rows.push(
            std::iter::once("Total".to_string())
                .chain(matrix.verbs.iter().map(|(_, total)| total.to_string()))
                .chain(std::iter::once(total.to_string()))
                .collect(),
        );
    }
    table
}
