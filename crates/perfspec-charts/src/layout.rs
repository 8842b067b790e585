//! What the charts share: the heading, the "no data" message, the legend panel, the colour key,
//! text styles and the models' colours.

use perfspec::models::ModelKind;
use perfspec::pipeline::ResultRow;
use perfspec::replay::ReplayRow;
use plotters::chart::MeshStyle;
use std::ops::Range;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::{ChartError, Theme};

/// Below this size (in CSS pixels) a chart cannot show anything legible.
const MIN_WIDTH: f64 = 220.0;
const MIN_HEIGHT: f64 = 150.0;

pub(crate) const TITLE_SIZE: f64 = 17.0;
pub(crate) const LABEL_SIZE: f64 = 13.0;
pub(crate) const SMALL_SIZE: f64 = 11.5;
/// The "no data" message.
pub(crate) const NO_DATA_SIZE: f64 = LABEL_SIZE + 1.0;

pub(crate) fn font(theme: &Theme, size: f64) -> TextStyle<'static> {
    colored_font(theme, size, theme.foreground)
}

pub(crate) fn muted_font(theme: &Theme, size: f64) -> TextStyle<'static> {
    colored_font(theme, size, theme.muted)
}

pub(crate) fn colored_font(theme: &Theme, size: f64, color: RGBColor) -> TextStyle<'static> {
    FontDesc::new(
        FontFamily::Name(theme.font_family),
        theme.font_px(size),
        FontStyle::Normal,
    )
    .color(&color)
}

pub(crate) fn line(color: RGBColor, theme: &Theme, width: f64) -> ShapeStyle {
    ShapeStyle {
        color: color.to_rgba(),
        filled: false,
        stroke_width: theme.upx(width).max(1),
    }
}

pub(crate) fn fill(color: RGBColor) -> ShapeStyle {
    ShapeStyle {
        color: color.to_rgba(),
        filled: true,
        stroke_width: 0,
    }
}

/// Width and height of `text` as the backend will draw it.
pub(crate) fn text_size<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
) -> Result<(i32, i32), ChartError> {
    let (width, height) = area.estimate_text_size(text, style)?;
    Ok((width as i32, height as i32))
}

/// The widest of `texts`, in pixels.
pub(crate) fn widest<DB: DrawingBackend, S: AsRef<str>>(
    area: &DrawingArea<DB, Shift>,
    texts: impl IntoIterator<Item = S>,
    style: &TextStyle,
) -> Result<i32, ChartError> {
    let mut widest = 0;
    for text in texts {
        widest = widest.max(text_size(area, text.as_ref(), style)?.0);
    }
    Ok(widest)
}

/// A category axis's labels, shortened to at most 40% of the plot's width, and their widest.
pub(crate) fn axis_labels<DB: DrawingBackend>(
    plot: &DrawingArea<DB, Shift>,
    theme: &Theme,
    labels: Vec<String>,
) -> Result<(Vec<String>, i32), ChartError> {
    let (width, _) = plot.dim_in_pixel();
    fit_labels(plot, labels, &font(theme, LABEL_SIZE), width as i32 * 2 / 5)
}

/// `labels` shortened with an ellipsis where wider than `max_width` (the table beside the chart
/// has them in full), and the width of the widest.
pub(crate) fn fit_labels<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    labels: Vec<String>,
    style: &TextStyle,
    max_width: i32,
) -> Result<(Vec<String>, i32), ChartError> {
    let mut fitted = Vec::with_capacity(labels.len());
    let mut widest = 0;
    for label in labels {
        let (label, width) = fit_text(area, label, style, max_width)?;
        widest = widest.max(width);
        fitted.push(label);
    }
    Ok((fitted, widest))
}

fn fit_text<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: String,
    style: &TextStyle,
    max_width: i32,
) -> Result<(String, i32), ChartError> {
    let width = text_size(area, &text, style)?.0;
    if width <= max_width {
        return Ok((text, width));
    }
    let chars: Vec<char> = text.chars().collect();
    let shortened = |keep: usize| chars[..keep].iter().collect::<String>() + "…";
    // The longest prefix that fits, by bisection: each measurement may be a layout in a browser.
    let (mut fits, mut too_long) = (0, chars.len());
    while too_long - fits > 1 {
        let middle = (fits + too_long) / 2;
        if text_size(area, &shortened(middle), style)?.0 <= max_width {
            fits = middle;
        } else {
            too_long = middle;
        }
    }
    let label = shortened(fits);
    let width = text_size(area, &label, style)?.0;
    Ok((label, width))
}

/// Fills the background and writes the title (and a note under it); returns the area below.
pub(crate) fn heading<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    theme: &Theme,
    title: &str,
    note: Option<&str>,
) -> Result<DrawingArea<DB, Shift>, ChartError> {
    let (width, height) = area.dim_in_pixel();
    if f64::from(width) < MIN_WIDTH * theme.scale || f64::from(height) < MIN_HEIGHT * theme.scale {
        area.fill(&theme.background)?;
        return Err(ChartError::new(format!(
            "the chart needs at least {MIN_WIDTH}×{MIN_HEIGHT} pixels, it has {width}×{height}"
        )));
    }
    area.fill(&theme.background)?;
    let left = theme.px(14.0);
    let mut top = theme.px(10.0);
    let title_style = FontDesc::new(
        FontFamily::Name(theme.font_family),
        theme.font_px(TITLE_SIZE),
        FontStyle::Bold,
    )
    .color(&theme.foreground)
    .pos(Pos::new(HPos::Left, VPos::Top));
    area.draw_text(title, &title_style, (left, top))?;
    top += text_size(area, title, &title_style)?.1 + theme.px(4.0);
    if let Some(note) = note {
        let note_style = muted_font(theme, SMALL_SIZE).pos(Pos::new(HPos::Left, VPos::Top));
        area.draw_text(note, &note_style, (left, top))?;
        top += text_size(area, note, &note_style)?.1 + theme.px(4.0);
    }
    let body = area.margin(
        top + theme.px(6.0),
        theme.px(8.0),
        theme.px(8.0),
        theme.px(8.0),
    );
    Ok(body)
}

/// The message in place of a chart without data.
pub(crate) fn no_data<DB: DrawingBackend>(
    body: &DrawingArea<DB, Shift>,
    theme: &Theme,
    message: &str,
) -> Result<(), ChartError> {
    let (width, height) = body.dim_in_pixel();
    let style = muted_font(theme, NO_DATA_SIZE).pos(Pos::new(HPos::Center, VPos::Center));
    body.draw_text(message, &style, (width as i32 / 2, height as i32 / 2))?;
    Ok(())
}

/// How a series is drawn, as its legend shows it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Mark {
    Line { color: RGBColor, dash: Dash },
    Swatch(RGBColor),
    Dot { color: RGBColor, filled: bool },
}

/// A line's dash pattern: solid, or dash and gap lengths in CSS pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Dash {
    Solid,
    Dashed(f64, f64),
}

impl Dash {
    /// Patterns told apart at a glance, for series that share a colour.
    pub(crate) fn nth(index: usize) -> Dash {
        match index % 4 {
            0 => Dash::Solid,
            1 => Dash::Dashed(8.0, 4.0),
            2 => Dash::Dashed(2.0, 3.0),
            _ => Dash::Dashed(14.0, 4.0),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LegendItem {
    pub label: String,
    pub mark: Mark,
}

impl LegendItem {
    pub(crate) fn new(label: impl Into<String>, mark: Mark) -> Self {
        Self {
            label: label.into(),
            mark,
        }
    }
}

const SAMPLE_WIDTH: f64 = 26.0;
const LEGEND_ROW: f64 = 20.0;

/// Splits `body` into the plot and, on the right, a legend wide enough for `items`' labels (at
/// most 40% of the width), and draws the legend. An optional `heading` tops the list.
pub(crate) fn with_legend<DB: DrawingBackend>(
    body: &DrawingArea<DB, Shift>,
    theme: &Theme,
    heading: Option<&str>,
    items: &[LegendItem],
) -> Result<DrawingArea<DB, Shift>, ChartError> {
    if items.is_empty() {
        return Ok(body.clone());
    }
    let style = font(theme, LABEL_SIZE);
    let heading_style = muted_font(theme, SMALL_SIZE);
    let labels = widest(body, items.iter().map(|item| item.label.as_str()), &style)?;
    let heading_width = match heading {
        Some(text) => text_size(body, text, &heading_style)?.0,
        None => 0,
    };
    let (width, _) = body.dim_in_pixel();
    let wanted = (theme.px(SAMPLE_WIDTH + 8.0 + 16.0) + labels).max(heading_width + theme.px(16.0));
    let legend_width = wanted.min(width as i32 * 2 / 5);
    let (plot, legend) = body.split_horizontally(width as i32 - legend_width);
    draw_legend(&legend, theme, heading, items)?;
    Ok(plot)
}

fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    theme: &Theme,
    heading: Option<&str>,
    items: &[LegendItem],
) -> Result<(), ChartError> {
    let (_, height) = area.dim_in_pixel();
    let row = theme.px(LEGEND_ROW);
    let left = theme.px(12.0);
    let mut y = theme.px(14.0);
    if let Some(heading) = heading {
        let style = muted_font(theme, SMALL_SIZE).pos(Pos::new(HPos::Left, VPos::Center));
        area.draw_text(heading, &style, (left, y))?;
        y += row;
    }
    let style = font(theme, LABEL_SIZE).pos(Pos::new(HPos::Left, VPos::Center));
    let room = ((height as i32 - y) / row.max(1)).max(0) as usize;
    let shown = if items.len() > room {
        room.saturating_sub(1)
    } else {
        items.len()
    };
    for item in &items[..shown] {
        draw_mark(area, theme, item.mark, (left, y))?;
        let text_x = left + theme.px(SAMPLE_WIDTH + 8.0);
        area.draw_text(&item.label, &style, (text_x, y))?;
        y += row;
    }
    if shown < items.len() {
        let more = format!("… {} more (see the table)", items.len() - shown);
        area.draw_text(&more, &muted_font(theme, SMALL_SIZE), (left, y))?;
    }
    Ok(())
}

/// A legend sample whose left end is at `(x, y)`, centred on `y`.
fn draw_mark<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    theme: &Theme,
    mark: Mark,
    (x, y): (i32, i32),
) -> Result<(), ChartError> {
    let end = x + theme.px(SAMPLE_WIDTH);
    match mark {
        Mark::Line { color, dash } => {
            draw_path(area, theme, vec![(x, y), (end, y)], color, 2.5, dash)?;
        }
        Mark::Swatch(color) => {
            let half = theme.px(6.0);
            let middle = (x + end) / 2;
            area.draw(&Rectangle::new(
                [(middle - half, y - half), (middle + half, y + half)],
                fill(color),
            ))?;
        }
        Mark::Dot { color, filled } => {
            let middle = (x + end) / 2;
            area.draw(&Circle::new(
                (middle, y),
                theme.px(4.5),
                dot_style(color, filled, theme),
            ))?;
        }
    }
    Ok(())
}

/// A path in the area's own coordinates, solid or dashed.
pub(crate) fn draw_path<DB, CT, P>(
    area: &DrawingArea<DB, CT>,
    theme: &Theme,
    points: Vec<P>,
    color: RGBColor,
    width: f64,
    dash: Dash,
) -> Result<(), ChartError>
where
    DB: DrawingBackend,
    CT: plotters::coord::CoordTranslate<From = P>,
    P: Clone + 'static,
{
    let style = line(color, theme, width);
    match dash {
        Dash::Solid => area.draw(&PathElement::new(points, style))?,
        Dash::Dashed(on, off) => area.draw(&DashedPathElement::new(
            points,
            theme.px(on),
            theme.px(off),
            style,
        ))?,
    }
    Ok(())
}

pub(crate) fn dot_style(color: RGBColor, filled: bool, theme: &Theme) -> ShapeStyle {
    if filled {
        fill(color)
    } else {
        line(color, theme, 1.8)
    }
}

/// A vertical colour key for a heat map: the ramp from `low` (bottom) to `high` (top), with a
/// caption above. Returns the plot area left of it.
pub(crate) fn with_ramp_key<DB: DrawingBackend>(
    body: &DrawingArea<DB, Shift>,
    theme: &Theme,
    caption: &str,
    low: &str,
    high: &str,
) -> Result<DrawingArea<DB, Shift>, ChartError> {
    let small = muted_font(theme, SMALL_SIZE);
    let labels = widest(body, [low, high], &small)?;
    let caption_width = text_size(body, caption, &small)?.0;
    let bar = theme.px(14.0);
    let gap = theme.px(6.0);
    let (width, height) = body.dim_in_pixel();
    let key_width = (theme.px(16.0) + bar + gap + labels)
        .max(caption_width + theme.px(24.0))
        .min(width as i32 / 3);
    let (plot, key) = body.split_horizontally(width as i32 - key_width);
    let left = theme.px(12.0);
    key.draw_text(
        caption,
        &small.pos(Pos::new(HPos::Left, VPos::Top)),
        (left - theme.px(4.0), theme.px(6.0)),
    )?;
    let top = theme.px(30.0);
    let bottom = (height as i32 * 3 / 5).max(top + theme.px(40.0));
    let steps = 48;
    for step in 0..steps {
        let y0 = bottom - (bottom - top) * (step + 1) / steps;
        let y1 = bottom - (bottom - top) * step / steps;
        let color = theme.ramp_color((f64::from(step) + 0.5) / f64::from(steps));
        key.draw(&Rectangle::new([(left, y0), (left + bar, y1)], fill(color)))?;
    }
    key.draw(&Rectangle::new(
        [(left, top), (left + bar, bottom)],
        line(theme.axis(), theme, 1.0),
    ))?;
    let label = small.pos(Pos::new(HPos::Left, VPos::Center));
    key.draw_text(high, &label, (left + bar + gap, top))?;
    key.draw_text(low, &label, (left + bar + gap, bottom))?;
    Ok(plot)
}

/// One cell of a heat map: row, column, count and fill colour.
pub(crate) type HeatCell = (usize, usize, u64, RGBColor);

/// The square of the cell at `column` whose row is centred on `y`.
pub(crate) fn cell_square(column: usize, y: f64) -> [(f64, f64); 2] {
    let x = column as f64;
    [(x, y - 0.5), (x + 1.0, y + 0.5)]
}

/// A heat map's cells: filled, parted by borders in the background colour (which keep
/// neighbouring cells of close colours apart), and, when `show_counts`, labelled with their
/// count in a colour that reads on the fill. `y_of` places a row.
pub(crate) fn draw_heat_cells<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<Ticked, Ticked>>,
    cells: &[HeatCell],
    y_of: impl Fn(usize) -> f64,
    show_counts: bool,
    theme: &Theme,
) -> Result<(), ChartError> {
    chart.draw_series(cells.iter().map(|&(row, column, _, color)| {
        Rectangle::new(cell_square(column, y_of(row)), fill(color))
    }))?;
    chart.draw_series(cells.iter().map(|&(row, column, _, _)| {
        Rectangle::new(
            cell_square(column, y_of(row)),
            line(theme.background, theme, 1.0),
        )
    }))?;
    if show_counts {
        chart.draw_series(cells.iter().map(|&(row, column, count, color)| {
            Text::new(
                count.to_string(),
                (column as f64 + 0.5, y_of(row)),
                colored_font(theme, SMALL_SIZE, theme.text_on(&color))
                    .pos(Pos::new(HPos::Center, VPos::Center)),
            )
        }))?;
    }
    Ok(())
}

/// A linear axis whose ticks (and minor grid lines) are exactly the values given: window
/// numbers, epochs, or the centres of categories, which plotters' own "nice" steps would miss.
pub(crate) struct Ticked {
    inner: RangedCoordf64,
    bold: Vec<f64>,
    light: Vec<f64>,
}

impl Ticked {
    /// `range` with ticks at `ticks`; an empty range is widened so that it still maps.
    pub(crate) fn new(range: Range<f64>, ticks: Vec<f64>) -> Self {
        let range = if range.end > range.start {
            range
        } else {
            range.start - 0.5..range.start + 0.5
        };
        Self {
            inner: range.into(),
            bold: ticks,
            light: Vec::new(),
        }
    }
}

impl Ranged for Ticked {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.inner.map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            self.light.clone()
        } else {
            self.bold.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.inner.range()
    }
}

/// The look every chart's axes share: faint grid, muted axis line, themed labels, no minor
/// lines (a chart that wants them sets them after this).
pub(crate) fn style_mesh<'a, 'b, X, Y, DB>(mesh: &mut MeshStyle<'a, 'b, X, Y, DB>, theme: &Theme)
where
    X: Ranged,
    Y: Ranged,
    DB: DrawingBackend,
{
    mesh.bold_line_style(line(theme.grid, theme, 1.0))
        .light_line_style(line(theme.grid, theme, 1.0))
        .max_light_lines(0)
        .axis_style(line(theme.axis(), theme, 1.0))
        .label_style(font(theme, LABEL_SIZE))
        .axis_desc_style(muted_font(theme, LABEL_SIZE))
        .set_all_tick_mark_size(theme.px(4.0));
}

/// Position of a model in the comparison table's order, so that a model keeps its colour in
/// every chart; unknown names come after the known ones.
pub(crate) fn model_order(model: &str) -> usize {
    ModelKind::ALL
        .iter()
        .position(|kind| kind.name() == model)
        .unwrap_or(ModelKind::ALL.len())
}

pub(crate) fn model_color(theme: &Theme, model: &str) -> RGBColor {
    theme.series(model_order(model))
}

/// The models of `rows` in order of first appearance, each with its approach's name.
pub(crate) fn models(rows: &[ResultRow]) -> Vec<(&str, &str)> {
    let mut models: Vec<(&str, &str)> = Vec::new();
    for row in rows {
        if !models.iter().any(|(model, _)| *model == row.model) {
            models.push((&row.model, &row.approach));
        }
    }
    models
}

/// "n-grams, w2": a row's short name on an axis or in a legend.
pub(crate) fn row_label(row: &ResultRow) -> String {
    format!("{}, w{}", row.approach, row.window)
}

/// The note under a results chart's title when its figures come from the paper's mode.
pub(crate) fn optimistic_note(rows: &[ResultRow]) -> Option<&'static str> {
    rows.iter()
        .any(|row| row.split.is_optimistic())
        .then_some("Paper-compatible mode: measured on the training windows, so optimistic.")
}

/// The models of replay rows in order of first appearance, each with its approach's name.
pub(crate) fn replay_models<'a>(rows: &[&'a ReplayRow]) -> Vec<(&'a str, &'a str)> {
    let mut models: Vec<(&str, &str)> = Vec::new();
    for row in rows {
        if !models.iter().any(|(model, _)| *model == row.model) {
            models.push((&row.model, &row.approach));
        }
    }
    models
}

/// The note under a replay chart's title: what was replayed, and whether it is optimistic.
pub(crate) fn replay_note(optimistic: bool) -> String {
    if optimistic {
        "Paper-compatible mode: replayed on the training events, so optimistic.".into()
    } else {
        "Replay of the test events in time order.".into()
    }
}

/// `values` with the non-finite ones left out.
pub(crate) fn finite(values: impl IntoIterator<Item = f64>) -> impl Iterator<Item = f64> {
    values.into_iter().filter(|value| value.is_finite())
}

/// Axes for accuracy (0 to 100%) against a count on `x` (windows, k), with their descriptions:
/// the set-up the accuracy-versus-window and top-k charts share.
pub(crate) fn accuracy_axes<'a, DB: DrawingBackend>(
    plot: &'a DrawingArea<DB, Shift>,
    theme: &Theme,
    x: Ticked,
    x_desc: &str,
    y_desc: &str,
) -> Result<ChartContext<'a, DB, Cartesian2d<Ticked, RangedCoordf64>>, ChartError> {
    let mut chart = ChartBuilder::on(plot)
        .margin_top(theme.px(8.0))
        .margin_right(theme.px(16.0))
        .x_label_area_size(theme.px(48.0))
        .y_label_area_size(theme.px(68.0))
        .build_cartesian_2d(x, 0.0..1.0)?;
    let mut mesh = chart.configure_mesh();
    style_mesh(&mut mesh, theme);
    mesh.x_desc(x_desc)
        .y_desc(y_desc)
        .x_label_formatter(&|count| format!("{count:.0}"))
        .y_label_formatter(&percent_label)
        .y_labels(6)
        .draw()?;
    Ok(chart)
}

/// Percent axis labels: `0.25` → `25%`.
pub(crate) fn percent_label(value: &f64) -> String {
    format!("{:.0}%", value * 100.0)
}

/// Integer key points in `1..=count`, at most about `max_ticks` of them, on multiples of a step
/// (and 1), so that they read as round numbers.
pub(crate) fn integer_ticks(count: usize, max_ticks: usize) -> Vec<f64> {
    let step = count.div_ceil(max_ticks.max(1)).max(1);
    if step == 1 {
        return (1..=count).map(|v| v as f64).collect();
    }
    std::iter::once(1)
        .chain((step..=count).step_by(step))
        .map(|v| v as f64)
        .collect()
}

/// The name at a position of the axis (`index` counts from the first name, rounded); empty
/// between and beyond the names, so that an axis tick off the rows prints nothing.
pub(crate) fn name_at(names: &[String], index: f64) -> String {
    if index.is_finite() && index >= 0.0 {
        names
            .get(index.round() as usize)
            .cloned()
            .unwrap_or_default()
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_ticks_are_round_and_do_not_crowd() {
        assert_eq!(integer_ticks(5, 20), vec![1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(integer_ticks(0, 20), Vec::<f64>::new());
        let ticks = integer_ticks(50, 10);
        assert_eq!(ticks.len(), 11, "{ticks:?}");
        assert_eq!(ticks[..3], [1.0, 5.0, 10.0]);
        assert_eq!(ticks.last(), Some(&50.0));
    }

    #[test]
    fn models_keep_their_colour() {
        assert_eq!(model_order("ngram"), 0);
        assert_eq!(model_order("repeat"), 4);
        assert_eq!(model_order("compose"), 5);
        assert_eq!(model_order("future"), 6);
    }
}
