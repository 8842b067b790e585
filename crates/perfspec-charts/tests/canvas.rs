//! The charts on a real canvas in headless Chromium, as the dashboard draws them: plotters measures
//! text through the page there, and the canvas backend does the drawing. Run with
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --release --target wasm32-unknown-unknown
//! -p perfspec-charts --test canvas`.

#![cfg(target_arch = "wasm32")]

use std::cell::Cell;

use perfspec::clock::Clock;
use perfspec::ingest::Ingestor;
use perfspec::models::{EpochRecord, ModelKind};
use perfspec::pipeline::TrainConfig;
use perfspec::prepare::{prepare, PrepareOptions};
use perfspec_charts::plotters::prelude::IntoDrawingArea;
use perfspec_charts::{Chart, Theme};
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

wasm_bindgen_test_configure!(run_in_browser);

const SAMPLE: &[u8] = include_bytes!("../../../sample_logs/audit-logs.csv");

/// `Instant` panics in this target: a clock that ticks once per reading will do. A tick of many
/// resolutions keeps the engine's timing loops from repeating work to measure it.
struct TickingClock(Cell<f64>);

impl Clock for TickingClock {
    fn now(&self) -> f64 {
        let now = self.0.get() + 1e-2;
        self.0.set(now);
        now
    }

    fn resolution(&self) -> f64 {
        1e-4
    }
}

fn charts() -> Vec<Chart> {
    let mut ingestor = Ingestor::default();
    ingestor.start_file("audit-logs.csv");
    ingestor.push(SAMPLE);
    let (records, _) = ingestor.finish();
    let data = prepare(&records, &PrepareOptions::perfspec());
    let config = TrainConfig {
        models: vec![ModelKind::Ngram, ModelKind::Mfe],
        windows: vec![1, 2],
        ..TrainConfig::default()
    };
    let clock = TickingClock(Cell::new(0.0));
    let trained = perfspec::pipeline::train_and_evaluate(&data, &config, &clock, &mut |_| true)
        .expect("trains");
    let rows = trained.report.rows;
    let vocabulary = data.vocabulary.entries(&data.events);
    let history: Vec<EpochRecord> = (1..=5)
        .map(|epoch| EpochRecord {
            epoch,
            train_loss: 4.0 / epoch as f64,
            validation_loss: 3.0 / epoch as f64 + 0.1 * epoch as f64,
            validation_accuracy: 0.1 * epoch as f64,
            validation_topk: 0.15 * epoch as f64,
            validation_precision: 0.1,
            validation_recall: 0.1,
            validation_f1: 0.1,
            learning_rate: 0.01,
        })
        .collect();
    vec![
        Chart::AccuracyWindow(rows.clone()),
        Chart::TopkCurve(rows.clone()),
        Chart::TrainingHistory {
            history,
            k: 9,
            subject: "LSTM, window 1".into(),
        },
        Chart::InferenceTime(rows.clone()),
        Chart::TypeFrequency(vocabulary.clone()),
        Chart::VerbResource(vocabulary),
        Chart::confusion_of(&rows[0]),
    ]
}

fn canvas(width: u32, height: u32) -> HtmlCanvasElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let canvas: HtmlCanvasElement = document
        .create_element("canvas")
        .unwrap()
        .dyn_into()
        .unwrap();
    canvas.set_width(width);
    canvas.set_height(height);
    document.body().unwrap().append_child(&canvas).unwrap();
    canvas
}

/// The canvas's pixels as RGBA bytes.
fn pixels(canvas: &HtmlCanvasElement) -> Vec<u8> {
    let context: CanvasRenderingContext2d = canvas
        .get_context("2d")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    context
        .get_image_data(0.0, 0.0, canvas.width().into(), canvas.height().into())
        .unwrap()
        .data()
        .0
}

#[wasm_bindgen_test]
fn every_chart_draws_on_a_high_density_canvas_in_both_themes() {
    for chart in charts() {
        for theme in [Theme::light(), Theme::dark()] {
            let canvas = canvas(1440, 900);
            let area = CanvasBackend::with_canvas_object(canvas.clone())
                .unwrap()
                .into_drawing_area();
            chart
                .draw(&area, &theme.clone().scaled(2.0))
                .unwrap_or_else(|error| panic!("{:?}: {error}", chart.kind()));
            let pixels = pixels(&canvas);
            let background = [theme.background.0, theme.background.1, theme.background.2];
            assert_eq!(pixels[..3], background, "{:?}", chart.kind());
            // Marks and text cover a fair part of the canvas, in the theme's own colours.
            let painted = pixels
                .chunks(4)
                .filter(|pixel| pixel[..3] != background)
                .count();
            let share = painted as f64 / (1440.0 * 900.0);
            assert!(share > 0.01, "{:?}: {share}", chart.kind());
            let foreground = [theme.foreground.0, theme.foreground.1, theme.foreground.2];
            assert!(
                pixels.chunks(4).any(|pixel| pixel[..3] == foreground),
                "{:?}: no text drawn",
                chart.kind()
            );
            canvas.remove();
        }
    }
}

#[wasm_bindgen_test]
fn svg_export_works_in_the_browser_too() {
    for chart in charts() {
        let svg = chart
            .render_svg(&Theme::light(), 720, 450)
            .unwrap_or_else(|error| panic!("{:?}: {error}", chart.kind()));
        assert!(svg.starts_with("<svg"), "{:?}", chart.kind());
        assert!(svg.contains(chart.kind().title()), "{:?}", chart.kind());
    }
}
