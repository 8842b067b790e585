//! The most frequent event types as horizontal bars (type names are long), coloured by verb.

use perfspec::prepare::vocabulary::VocabularyEntry;
use perfspec::units::percent;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::layout::{
    axis_labels, fill, heading, muted_font, name_at, no_data, style_mesh, with_legend, LegendItem,
    Mark, Ticked, SMALL_SIZE,
};
use crate::{ChartError, ChartKind, ChartTable, Theme};

/// Bars shown at most; fewer when the area is too short for them to stay legible.
pub const TOP_TYPES: usize = 20;
/// Height a bar needs, in CSS pixels, for its label to stay legible.
const MIN_BAR_PITCH: f64 = 18.0;

pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[VocabularyEntry],
    theme: &Theme,
) -> Result<(), ChartError> {
    // Heading, axis and margins take about this many CSS pixels of the height.
    let (_, height) = area.dim_in_pixel();
    let fit = ((f64::from(height) / theme.scale - 110.0) / MIN_BAR_PITCH).max(1.0) as usize;
    let shown = top(entries, TOP_TYPES.min(fit));
    let body = heading(area, theme, &title(shown.len(), entries.len()), None)?;
    if shown.is_empty() {
        return no_data(
            &body,
            theme,
            "No events yet: load audit logs to see their types.",
        );
    }
    bars(&body, theme, &shown)
}

fn title(shown: usize, types: usize) -> String {
    if types == 0 {
        ChartKind::TypeFrequency.title().to_string()
    } else if shown < types {
        format!(
            "{} (top {shown} of {types} types)",
            ChartKind::TypeFrequency.title()
        )
    } else {
        format!("{} ({types} types)", ChartKind::TypeFrequency.title())
    }
}

/// The `n` most frequent entries, ties by name (the vocabulary's own order).
fn top(entries: &[VocabularyEntry], n: usize) -> Vec<&VocabularyEntry> {
    let mut sorted: Vec<&VocabularyEntry> = entries.iter().filter(|e| e.count > 0).collect();
    sorted.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    sorted.truncate(n);
    sorted
}

/// The verbs among `shown`, most events first, so that colours go to the common verbs first.
fn verbs<'a>(shown: &[&'a VocabularyEntry]) -> Vec<&'a str> {
    let mut totals: Vec<(&str, u64)> = Vec::new();
    for entry in shown {
        match totals.iter_mut().find(|(verb, _)| *verb == entry.verb) {
            Some((_, total)) => *total += entry.count,
            None => totals.push((&entry.verb, entry.count)),
        }
    }
    totals.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    totals.into_iter().map(|(verb, _)| verb).collect()
}

fn bars<DB: DrawingBackend>(
    body: &DrawingArea<DB, Shift>,
    theme: &Theme,
    shown: &[&VocabularyEntry],
) -> Result<(), ChartError> {
    let verbs = verbs(shown);
    let color_of = |verb: &str| theme.series(verbs.iter().position(|v| *v == verb).unwrap_or(0));
    let items: Vec<LegendItem> = verbs
        .iter()
        .map(|verb| LegendItem::new(*verb, Mark::Swatch(color_of(verb))))
        .collect();
    let plot = with_legend(body, theme, Some("Verb"), &items)?;

    let (names, label_width) = axis_labels(
        &plot,
        theme,
        shown.iter().map(|entry| entry.name.clone()).collect(),
    )?;
    let count = names.len();
    let max = shown
        .iter()
        .map(|entry| entry.count)
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    // Room at the right end of the longest bar for its count.
    let x_end = max * 1.12;
    let y_of = |index: usize| (count - index) as f64 - 0.5;
    let y = Ticked::new(0.0..count as f64, (0..count).map(y_of).collect());
    let mut chart = ChartBuilder::on(&plot)
        .margin_top(theme.px(8.0))
        .margin_right(theme.px(16.0))
        .x_label_area_size(theme.px(48.0))
        .y_label_area_size(label_width + theme.px(18.0))
        .build_cartesian_2d(0.0..x_end, y)?;
    let type_name = |value: &f64| name_at(&names, count as f64 - value - 0.5);
    let mut mesh = chart.configure_mesh();
    style_mesh(&mut mesh, theme);
    mesh.x_desc("Events")
        .x_label_formatter(&|value| format!("{value:.0}"))
        .y_label_formatter(&type_name)
        .x_labels(6)
        .disable_y_mesh()
        .draw()?;

    chart.draw_series(shown.iter().enumerate().map(|(index, entry)| {
        let y = y_of(index);
        Rectangle::new(
            [(0.0, y - 0.36), (entry.count as f64, y + 0.36)],
            fill(color_of(&entry.verb)),
        )
    }))?;
    let label = muted_font(theme, SMALL_SIZE).pos(Pos::new(HPos::Left, VPos::Center));
    chart.draw_series(shown.iter().enumerate().map(|(index, entry)| {
        Text::new(
            format!(" {}", entry.count),
            (entry.count as f64, y_of(index)),
            label.clone(),
        )
    }))?;
    Ok(())
}

/// The types as the chart shows them: the top [`TOP_TYPES`], with verb, resource, count and share.
pub fn table(entries: &[VocabularyEntry]) -> ChartTable {
    let shown = top(entries, TOP_TYPES);
    let caption = if shown.len() < entries.len() {
        format!(
            "The {} most frequent of {} event types",
            shown.len(),
            entries.len()
        )
    } else {
        format!("All {} event types by frequency", entries.len())
    };
    let mut table = ChartTable::new(
        caption,
        &["Rank", "Type", "Verb", "Resource", "Count", "Share"],
    );
    table.rows = shown
        .iter()
        .enumerate()
        .map(|(index, entry)| {
            vec![
                (index + 1).to_string(),
                entry.name.clone(),
                entry.verb.clone(),
                entry.resource.clone(),
                entry.count.to_string(),
                percent(entry.share),
            ]
        })
        .collect();
    table
}
