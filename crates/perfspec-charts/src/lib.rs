//! The dashboard's charts (see ARCHITECTURE.md, The page), drawn with plotters.
//!
//! Each chart is one function generic over the plotters [`DrawingBackend`], so that the same code
//! draws on the page's canvas (`plotters-canvas`), into SVG exports and into the CLI's
//! `--charts DIR` files. Every chart also gives its numbers as a [`ChartTable`], for the table
//! beside it and for CSV.
//!
//! A chart never panics on what it is given: empty data draws a "no data" message, figures that
//! are not finite are left out, and an area too small to hold a chart is an error.

pub mod accuracy_window;
pub mod confusion;
pub mod inference_time;
mod layout;
pub mod replay_ready;
pub mod replay_response;
pub mod theme;
pub mod topk_curve;
pub mod training_history;
pub mod type_frequency;
pub mod verb_resource;

use std::fmt;

use perfspec::evaluate::Confusion;
use perfspec::models::EpochRecord;
use perfspec::pipeline::ResultRow;
use perfspec::prepare::vocabulary::VocabularyEntry;
use perfspec::replay::ReplayRow;
pub use plotters;
use plotters::coord::Shift;
use plotters::drawing::DrawingAreaErrorKind;
use plotters::prelude::{DrawingArea, DrawingBackend, IntoDrawingArea, SVGBackend};
use plotters::style::FontStyle;

pub use theme::Theme;

/// Every font the charts draw text in: a size in CSS pixels (before [`Theme::font_px`]) and a
/// style, so that a page can have the browser ready these fonts before the first chart is drawn.
pub const TEXT_FONTS: [(f64, FontStyle); 4] = [
    (layout::TITLE_SIZE, FontStyle::Bold),
    (layout::LABEL_SIZE, FontStyle::Normal),
    (layout::NO_DATA_SIZE, FontStyle::Normal),
    (layout::SMALL_SIZE, FontStyle::Normal),
];

/// The charts there are, for test ids and file names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChartKind {
    AccuracyWindow,
    TopkCurve,
    TrainingHistory,
    InferenceTime,
    TypeFrequency,
    VerbResource,
    Confusion,
    ReplayResponse,
    ReplayReady,
}

impl ChartKind {
    pub const ALL: [ChartKind; 9] = [
        ChartKind::AccuracyWindow,
        ChartKind::TopkCurve,
        ChartKind::TrainingHistory,
        ChartKind::InferenceTime,
        ChartKind::TypeFrequency,
        ChartKind::VerbResource,
        ChartKind::Confusion,
        ChartKind::ReplayResponse,
        ChartKind::ReplayReady,
    ];

    /// Kebab-case: the page's `data-testid="chart-<name>"` and the exported file's name.
    pub fn name(self) -> &'static str {
        match self {
            ChartKind::AccuracyWindow => "accuracy-window",
            ChartKind::TopkCurve => "topk-curve",
            ChartKind::TrainingHistory => "training-history",
            ChartKind::InferenceTime => "inference-time",
            ChartKind::TypeFrequency => "type-frequency",
            ChartKind::VerbResource => "verb-resource",
            ChartKind::Confusion => "confusion",
            ChartKind::ReplayResponse => "replay-response",
            ChartKind::ReplayReady => "replay-ready",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            ChartKind::AccuracyWindow => "Accuracy versus window",
            ChartKind::TopkCurve => "Top-k accuracy curve",
            ChartKind::TrainingHistory => "Training history",
            ChartKind::InferenceTime => "Inference time per prediction",
            ChartKind::TypeFrequency => "Event-type frequency",
            ChartKind::VerbResource => "Verb × resource",
            ChartKind::Confusion => "Confusion matrix",
            ChartKind::ReplayResponse => "Median response time against k",
            ChartKind::ReplayReady => "Ready on arrival against horizon",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.name() == name)
    }
}

/// Why a chart could not be drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartError {
    pub message: String,
}

impl ChartError {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

impl fmt::Display for ChartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ChartError {}

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for ChartError {
    fn from(error: DrawingAreaErrorKind<E>) -> Self {
        Self::new(format!("cannot draw the chart: {error}"))
    }
}

/// A chart's numbers, as the table beside it and as CSV.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChartTable {
    pub caption: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl ChartTable {
    pub(crate) fn new(caption: impl Into<String>, headers: &[&str]) -> Self {
        Self {
            caption: caption.into(),
            headers: headers.iter().map(|header| header.to_string()).collect(),
            rows: Vec::new(),
        }
    }
}

/// One chart and its data, owned so that a page can hold it in a signal and draw, tabulate or
/// export it from there.
#[derive(Debug, Clone, PartialEq)]
pub enum Chart {
    AccuracyWindow(Vec<ResultRow>),
    TopkCurve(Vec<ResultRow>),
    /// One model's epochs; `k` is the run's k (the history's top-k), `subject` names the model.
    TrainingHistory {
        history: Vec<EpochRecord>,
        k: usize,
        subject: String,
    },
    InferenceTime(Vec<ResultRow>),
    TypeFrequency(Vec<VocabularyEntry>),
    VerbResource(Vec<VocabularyEntry>),
    Confusion {
        confusion: Confusion,
        subject: String,
    },
    /// The replay's median response against k, one line per model, at one window and horizon;
    /// `optimistic` when the split was paper-compatible.
    ReplayResponse {
        rows: Vec<ReplayRow>,
        window: usize,
        horizon: usize,
        optimistic: bool,
    },
    /// The replay's ready share against horizon, one line per model, at one window and k.
    ReplayReady {
        rows: Vec<ReplayRow>,
        window: usize,
        k: usize,
        optimistic: bool,
    },
}

impl Chart {
    /// The training history of a result row (empty for a model that does not train in epochs).
    pub fn training_history_of(row: &ResultRow) -> Self {
        Chart::TrainingHistory {
            history: row.details.history.clone().unwrap_or_default(),
            k: row.k,
            subject: subject(row),
        }
    }

    /// The confusion matrix of a result row.
    pub fn confusion_of(row: &ResultRow) -> Self {
        Chart::Confusion {
            confusion: row.details.confusion.clone(),
            subject: subject(row),
        }
    }

    pub fn kind(&self) -> ChartKind {
        match self {
            Chart::AccuracyWindow(_) => ChartKind::AccuracyWindow,
            Chart::TopkCurve(_) => ChartKind::TopkCurve,
            Chart::TrainingHistory { .. } => ChartKind::TrainingHistory,
            Chart::InferenceTime(_) => ChartKind::InferenceTime,
            Chart::TypeFrequency(_) => ChartKind::TypeFrequency,
            Chart::VerbResource(_) => ChartKind::VerbResource,
            Chart::Confusion { .. } => ChartKind::Confusion,
            Chart::ReplayResponse { .. } => ChartKind::ReplayResponse,
            Chart::ReplayReady { .. } => ChartKind::ReplayReady,
        }
    }

    pub fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        theme: &Theme,
    ) -> Result<(), ChartError> {
        match self {
            Chart::AccuracyWindow(rows) => accuracy_window::draw(area, rows, theme),
            Chart::TopkCurve(rows) => topk_curve::draw(area, rows, theme),
            Chart::TrainingHistory {
                history,
                k,
                subject,
            } => training_history::draw(area, history, *k, subject, theme),
            Chart::InferenceTime(rows) => inference_time::draw(area, rows, theme),
            Chart::TypeFrequency(entries) => type_frequency::draw(area, entries, theme),
            Chart::VerbResource(entries) => verb_resource::draw(area, entries, theme),
            Chart::Confusion { confusion, subject } => {
                confusion::draw(area, confusion, subject, theme)
            }
            Chart::ReplayResponse {
                rows,
                window,
                horizon,
                optimistic,
            } => replay_response::draw(area, rows, *window, *horizon, *optimistic, theme),
            Chart::ReplayReady {
                rows,
                window,
                k,
                optimistic,
            } => replay_ready::draw(area, rows, *window, *k, *optimistic, theme),
        }
    }

    pub fn table(&self) -> ChartTable {
        match self {
            Chart::AccuracyWindow(rows) => accuracy_window::table(rows),
            Chart::TopkCurve(rows) => topk_curve::table(rows),
            Chart::TrainingHistory {
                history,
                k,
                subject,
            } => training_history::table(history, *k, subject),
            Chart::InferenceTime(rows) => inference_time::table(rows),
            Chart::TypeFrequency(entries) => type_frequency::table(entries),
            Chart::VerbResource(entries) => verb_resource::table(entries),
            Chart::Confusion { confusion, subject } => confusion::table(confusion, subject),
            Chart::ReplayResponse {
                rows,
                window,
                horizon,
                optimistic,
            } => replay_response::table(rows, *window, *horizon, *optimistic),
            Chart::ReplayReady {
                rows,
                window,
                k,
                optimistic,
            } => replay_ready::table(rows, *window, *k, *optimistic),
        }
    }

    /// The chart as an SVG document of `width` × `height` pixels (see [`render_svg`]).
    pub fn render_svg(&self, theme: &Theme, width: u32, height: u32) -> Result<String, ChartError> {
        render_svg(self, theme, width, height)
    }
}

/// plotters' SVG backend writes font sizes divided by this; the canvas backend does not.
const SVG_FONT_SHRINK: f64 = 1.24;

/// `chart` as an SVG document of `width` × `height` pixels, its text the size the canvas shows.
pub fn render_svg(
    chart: &Chart,
    theme: &Theme,
    width: u32,
    height: u32,
) -> Result<String, ChartError> {
    let theme = Theme {
        text_scale: theme.text_scale * SVG_FONT_SHRINK,
        ..theme.clone()
    };
    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        chart.draw(&area, &theme)?;
        area.present()?;
    }
    Ok(svg)
}

/// "n-grams, window 2", with the paper mode's warning where it applies.
fn subject(row: &ResultRow) -> String {
    let mut subject = format!("{}, window {}", row.approach, row.window);
    if row.split.is_optimistic() {
        subject.push_str(" (paper mode: optimistic)");
    }
    subject
}
