//! Every chart rendered to SVG from the engine's real output on the bundled PerfSPEC sample
//! (`sample_logs/audit-logs.csv`), read back as XML and checked for what a reader relies on:
//! legends, axis captions, one mark per datum at the right place, and no panic on empty data.

// Reads the sample from disk and times with the system clock: native only (see canvas.rs).
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;
use std::sync::OnceLock;

use perfspec::clock::SystemClock;
use perfspec::evaluate::Confusion;
use perfspec::ingest::Ingestor;
use perfspec::models::{EpochRecord, HyperParameters, LstmParams, ModelKind};
use perfspec::pipeline::{DatasetSummary, ResultRow, TrainConfig, TrainReport};
use perfspec::prepare::vocabulary::VocabularyEntry;
use perfspec::prepare::{prepare, PrepareOptions, PreparedData};
use perfspec::replay::{ReplayConfig, ReplayReport};
use perfspec_charts::type_frequency::TOP_TYPES;
use perfspec_charts::{Chart, ChartKind, Theme};

struct Sample {
    data: PreparedData,
    vocabulary: Vec<VocabularyEntry>,
    report: TrainReport,
}

/// The sample prepared with the paper's preset and the fast models trained at windows 1 and 2,
/// once for all tests of this file.
fn sample() -> &'static Sample {
    static SAMPLE: OnceLock<Sample> = OnceLock::new();
    SAMPLE.get_or_init(|| {
        let path =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../sample_logs/audit-logs.csv");
        let bytes = std::fs::read(path).expect("the bundled sample");
        let mut ingestor = Ingestor::default();
        ingestor.start_file("audit-logs.csv");
        ingestor.push(&bytes);
        let (records, ingest) = ingestor.finish();
        let options = PrepareOptions::perfspec();
        let data = prepare(&records, &options);
        let summary = DatasetSummary::new(&ingest, &data, &options);
        let config = TrainConfig {
            models: vec![
                ModelKind::Ngram,
                ModelKind::Bn,
                ModelKind::Mfe,
                ModelKind::Repeat,
            ],
            windows: vec![1, 2],
            ..TrainConfig::default()
        };
        let trained = perfspec::pipeline::train_and_evaluate(
            &data,
            &config,
            &SystemClock::default(),
            &mut |_| true,
        )
        .expect("trains");
        Sample {
            vocabulary: summary.vocabulary,
            report: trained.report,
            data,
        }
    })
}

fn rows() -> Vec<ResultRow> {
    sample().report.rows.clone()
}

fn svg(chart: &Chart) -> String {
    chart
        .render_svg(&Theme::light(), 960, 600)
        .unwrap_or_else(|error| panic!("{:?}: {error}", chart.kind()))
}

/// The SVG's text elements, trimmed, with their anchor points.
struct Texts(Vec<(String, f64, f64)>);

impl Texts {
    fn of(svg: &str) -> Self {
        let document = roxmltree::Document::parse(svg).expect("well-formed SVG");
        assert_eq!(document.root_element().tag_name().name(), "svg");
        Self(
            document
                .descendants()
                .filter(|node| node.has_tag_name("text"))
                .map(|node| {
                    (
                        node.text().unwrap_or("").trim().to_string(),
                        number(node.attribute("x")),
                        number(node.attribute("y")),
                    )
                })
                .collect(),
        )
    }

    fn has(&self, text: &str) -> bool {
        self.0.iter().any(|(t, _, _)| t == text)
    }

    fn position(&self, text: &str) -> (f64, f64) {
        self.0
            .iter()
            .find(|(t, _, _)| t == text)
            .map(|(_, x, y)| (*x, *y))
            .unwrap_or_else(|| panic!("no text {text:?} in {:?}", self.names()))
    }

    fn names(&self) -> Vec<&str> {
        self.0.iter().map(|(t, _, _)| t.as_str()).collect()
    }

    fn assert_has(&self, texts: &[&str]) {
        for text in texts {
            assert!(self.has(text), "no text {text:?} in {:?}", self.names());
        }
    }
}

fn number(value: Option<&str>) -> f64 {
    value.and_then(|v| v.parse().ok()).unwrap_or(f64::NAN)
}

/// Elements named `tag` as attribute maps.
fn elements(svg: &str, tag: &str) -> Vec<Vec<(String, String)>> {
    let document = roxmltree::Document::parse(svg).expect("well-formed SVG");
    document
        .descendants()
        .filter(|node| node.has_tag_name(tag))
        .map(|node| {
            node.attributes()
                .map(|a| (a.name().to_string(), a.value().to_string()))
                .collect()
        })
        .collect()
}

fn attribute<'a>(element: &'a [(String, String)], name: &str) -> &'a str {
    element
        .iter()
        .find(|(n, _)| n == name)
        .map_or("", |(_, v)| v.as_str())
}

/// A model's place in the table's order, which gives its colour.
fn model_order(model: &str) -> usize {
    ModelKind::ALL
        .iter()
        .position(|kind| kind.name() == model)
        .unwrap()
}

fn hex(color: plotters::style::RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", color.0, color.1, color.2)
}

#[test]
fn accuracy_versus_window_draws_each_model_with_top_k_above_top_1() {
    let rows = rows();
    let svg = svg(&Chart::AccuracyWindow(rows.clone()));
    let texts = Texts::of(&svg);
    texts.assert_has(&[
        "Accuracy versus window",
        "n-grams",
        "Bayesian network",
        "most frequent",
        "repeat last",
        "top-9",
        "top-1",
        "Window (events of context)",
        "Accuracy on the test windows",
        "1",
        "2",
        "0%",
        "100%",
    ]);
    // A filled dot (top-k) and a hollow one (top-1) per row; top-k never lies below top-1.
    let circles = elements(&svg, "circle");
    let filled: Vec<_> = circles
        .iter()
        .filter(|c| attribute(c, "fill") != "none")
        .collect();
    let hollow: Vec<_> = circles
        .iter()
        .filter(|c| attribute(c, "fill") == "none")
        .collect();
    assert_eq!(filled.len(), rows.len());
    assert_eq!(hollow.len(), rows.len());
    let theme = Theme::light();
    for row in &rows {
        let color = hex(theme.series(model_order(&row.model)));
        let (top_k, top_1) = (
            filled
                .iter()
                .filter(|c| attribute(c, "fill") == color)
                .nth(row.window - 1),
            hollow
                .iter()
                .filter(|c| attribute(c, "stroke") == color)
                .nth(row.window - 1),
        );
        let (top_k, top_1) = (top_k.unwrap(), top_1.unwrap());
        assert_eq!(attribute(top_k, "cx"), attribute(top_1, "cx"));
        assert!(
            number(Some(attribute(top_k, "cy"))) < number(Some(attribute(top_1, "cy"))),
            "{} w{}: top-{} {} is drawn below top-1 {}",
            row.model,
            row.window,
            row.k,
            row.topk,
            row.top1
        );
    }
    // The 0% and 100% labels frame the plot; a dot's height is its accuracy.
    let zero = texts.position("0%").1;
    let full = texts.position("100%").1;
    let ngram = &rows[0];
    let dot = number(Some(attribute(filled[0], "cy")));
    let expected = zero + (full - zero) * ngram.topk;
    assert!(
        (dot - expected).abs() < 3.0,
        "dot at {dot}, expected {expected}"
    );
}

#[test]
fn topk_curve_draws_a_curve_per_row_and_marks_the_runs_k() {
    let rows = rows();
    let svg = svg(&Chart::TopkCurve(rows.clone()));
    let texts = Texts::of(&svg);
    texts.assert_has(&[
        "Top-k accuracy curve",
        "n-grams, w1",
        "n-grams, w2",
        "Bayesian network, w2",
        "repeat last, w1",
        "k = 9",
        "k (size of the candidate set)",
        "Top-k accuracy on the test windows",
        "1",
        "20",
    ]);
    // Window 1 is solid: one polyline through all 20 points in the model's colour.
    let theme = Theme::light();
    let polylines = elements(&svg, "polyline");
    let ngram_color = hex(theme.series(0));
    let curve = polylines
        .iter()
        .find(|p| {
            attribute(p, "stroke") == ngram_color
                && attribute(p, "points").split_whitespace().count() == 20
        })
        .expect("the n-gram window-1 curve");
    let heights: Vec<f64> = attribute(curve, "points")
        .split_whitespace()
        .map(|point| point.split(',').nth(1).unwrap().parse().unwrap())
        .collect();
    // A top-k curve never falls: on screen, y never grows.
    assert!(
        heights.windows(2).all(|pair| pair[1] <= pair[0]),
        "{heights:?}"
    );
    // Window 2 is dashed: many short pieces, not one line.
    let dashes = polylines
        .iter()
        .filter(|p| attribute(p, "stroke") == ngram_color)
        .count();
    assert!(dashes > 10, "{dashes}");
}

fn epochs(losses: &[(f64, f64)]) -> Vec<EpochRecord> {
    losses
        .iter()
        .enumerate()
        .map(|(index, &(train_loss, validation_loss))| EpochRecord {
            epoch: index + 1,
            train_loss,
            validation_loss,
            validation_accuracy: 0.2 + 0.02 * index as f64,
            validation_topk: 0.7 + 0.02 * index as f64,
            validation_precision: 0.2,
            validation_recall: 0.2,
            validation_f1: 0.2,
            learning_rate: 0.01,
        })
        .collect()
}

#[test]
fn training_history_shows_both_losses_accuracies_and_the_kept_epoch() {
    let history = epochs(&[
        (4.0, 3.5),
        (3.0, 3.0),
        (2.6, 2.8),
        (2.3, 2.7),
        (2.1, 2.75),
        (1.9, 2.9),
    ]);
    let chart = Chart::TrainingHistory {
        history: history.clone(),
        k: 9,
        subject: "LSTM, window 2".into(),
    };
    let svg = svg(&chart);
    let texts = Texts::of(&svg);
    texts.assert_has(&[
        "Training history: LSTM, window 2",
        "training loss",
        "validation loss",
        "validation top-1",
        "validation top-9",
        "best epoch (kept)",
        "best: epoch 4",
        "Loss (nats)",
        "Validation accuracy",
        "Epoch",
        "6",
    ]);
    // A dot per epoch and series: two losses and two accuracies.
    assert_eq!(elements(&svg, "circle").len(), 4 * history.len());
    let table = chart.table();
    assert_eq!(table.rows.len(), 6);
    assert_eq!(table.rows[3][..3], ["4", "2.3000", "2.7000"]);
    assert!(table.headers.contains(&"Validation top-9".to_string()));
}

#[test]
fn training_history_of_a_real_lstm() {
    let data = &sample().data;
    let config = TrainConfig {
        models: vec![ModelKind::Lstm],
        windows: vec![1],
        hyper_parameters: HyperParameters {
            lstm: LstmParams {
                epochs: 3,
                hidden: 16,
                ..LstmParams::default()
            },
            ..HyperParameters::default()
        },
        ..TrainConfig::default()
    };
    let trained =
        perfspec::pipeline::train_and_evaluate(data, &config, &SystemClock::default(), &mut |_| {
            true
        })
        .expect("trains");
    let row = &trained.report.rows[0];
    let chart = Chart::training_history_of(row);
    let epochs = row.details.epochs_run.expect("an LSTM trains in epochs");
    let drawn = svg(&chart);
    let texts = Texts::of(&drawn);
    texts.assert_has(&[
        "Training history: LSTM, window 1",
        "validation loss",
        "Epoch",
    ]);
    assert_eq!(elements(&drawn, "circle").len(), 4 * epochs);
    assert_eq!(chart.table().rows.len(), epochs);
    // Models that do not train in epochs have no history, and say so.
    let ngram = Chart::training_history_of(&rows()[0]);
    let texts = Texts::of(&svg(&ngram));
    assert!(texts
        .0
        .iter()
        .any(|(t, _, _)| t.starts_with("No training history")));
}

#[test]
fn inference_time_is_on_a_log_axis_with_median_and_p99_per_row() {
    let rows = rows();
    let svg = svg(&Chart::InferenceTime(rows.clone()));
    let texts = Texts::of(&svg);
    texts.assert_has(&[
        "Inference time per prediction",
        "Time per prediction (µs, log scale)",
        "median",
        "p99",
        "n-grams, w1",
        "Bayesian network, w2",
        "repeat last, w2",
    ]);
    // Decade labels, evenly spaced: the axis is logarithmic.
    let decades: Vec<(String, f64)> = ["0.001", "0.01", "0.1", "1", "10", "100", "1,000", "10,000"]
        .iter()
        .filter(|label| texts.has(label))
        .map(|label| (label.to_string(), texts.position(label).0))
        .collect();
    assert!(decades.len() >= 2, "{:?}", texts.names());
    let gaps: Vec<f64> = decades
        .windows(2)
        .map(|pair| pair[1].1 - pair[0].1)
        .collect();
    assert!(
        gaps.iter()
            .all(|gap| (gap - gaps[0]).abs() <= 2.0 && *gap > 0.0),
        "{gaps:?}"
    );
    // A median dot and a p99 ring per row (and one of each in the legend), at their times on
    // that axis.
    let muted = hex(Theme::light().muted);
    let circles: Vec<_> = elements(&svg, "circle")
        .into_iter()
        .filter(|c| attribute(c, "fill") != muted && attribute(c, "stroke") != muted)
        .collect();
    assert_eq!(elements(&svg, "circle").len(), circles.len() + 2);
    assert_eq!(
        circles
            .iter()
            .filter(|c| attribute(c, "fill") != "none")
            .count(),
        rows.len()
    );
    assert_eq!(
        circles
            .iter()
            .filter(|c| attribute(c, "fill") == "none")
            .count(),
        rows.len()
    );
    let (label, x0) = &decades[0];
    let decade_width = gaps[0];
    let value0: f64 = label.replace(',', "").parse().unwrap();
    let ngram = &rows[0];
    let median_x = circles
        .iter()
        .find(|c| attribute(c, "fill") == hex(Theme::light().series(0)))
        .map(|c| number(Some(attribute(c, "cx"))))
        .unwrap();
    let expected = x0 + decade_width * (ngram.infer_seconds_median * 1e6 / value0).log10();
    assert!(
        (median_x - expected).abs() < 3.0,
        "{median_x} vs {expected}"
    );
}

#[test]
fn type_frequency_has_one_bar_per_top_type_sized_by_its_count() {
    let entries = &sample().vocabulary;
    let svg = svg(&Chart::TypeFrequency(entries.clone()));
    let texts = Texts::of(&svg);
    let top = &entries[..TOP_TYPES];
    texts.assert_has(&[
        &format!(
            "Event-type frequency (top {TOP_TYPES} of {} types)",
            entries.len()
        ),
        "Events",
        "Verb",
        &top[0].name,
        &top[TOP_TYPES - 1].name,
        &top[0].count.to_string(),
    ]);
    assert!(!texts.has(&entries[TOP_TYPES].name));
    let theme = Theme::light();
    let palette: Vec<String> = theme.palette.iter().map(|c| hex(*c)).collect();
    let colored: Vec<_> = elements(&svg, "rect")
        .into_iter()
        .filter(|r| palette.contains(&attribute(r, "fill").to_string()))
        .collect();
    let mut verbs: Vec<&str> = top.iter().map(|e| e.verb.as_str()).collect();
    verbs.sort_unstable();
    verbs.dedup();
    // The bars, plus one legend swatch per verb.
    assert_eq!(colored.len(), TOP_TYPES + verbs.len());
    let mut bars: Vec<(f64, f64)> = colored
        .iter()
        .map(|r| {
            (
                number(Some(attribute(r, "y"))),
                number(Some(attribute(r, "width"))),
            )
        })
        .filter(|(_, width)| *width > 14.0)
        .collect();
    bars.sort_by(|a, b| a.0.total_cmp(&b.0));
    assert_eq!(bars.len(), TOP_TYPES);
    for (entry, (_, width)) in top.iter().zip(&bars) {
        let expected = bars[0].1 * entry.count as f64 / top[0].count as f64;
        assert!(
            (width - expected).abs() <= 2.0,
            "{}: {width} vs {expected}",
            entry.name
        );
    }
}

#[test]
fn a_short_area_shows_fewer_bars_and_says_so() {
    let entries = &sample().vocabulary;
    let svg = Chart::TypeFrequency(entries.clone())
        .render_svg(&Theme::light(), 700, 300)
        .unwrap();
    let title = Texts::of(&svg).0[0].0.clone();
    assert!(
        title.contains(&format!(" of {} types)", entries.len())),
        "{title}"
    );
    assert!(!title.contains(&format!("top {TOP_TYPES} ")), "{title}");
}

#[test]
fn verb_labels_turn_down_the_page_when_they_would_touch() {
    let entries = &sample().vocabulary;
    let chart = Chart::VerbResource(entries.clone());
    // The verb labels' text elements, with whether each is turned.
    let verbs = |width: u32| -> Vec<(String, bool)> {
        let svg = chart.render_svg(&Theme::light(), width, 600).unwrap();
        let document = roxmltree::Document::parse(&svg).expect("well-formed SVG");
        document
            .descendants()
            .filter(|node| node.has_tag_name("text"))
            .filter_map(|node| {
                let text = node.text()?.trim().to_string();
                let turned = node
                    .attribute("transform")
                    .is_some_and(|transform| transform.contains("rotate"));
                ["update", "create", "delete", "patch", "deletecollection"]
                    .contains(&text.as_str())
                    .then_some((text, turned))
            })
            .collect()
    };
    let wide = verbs(960);
    assert_eq!(wide.len(), 5, "{wide:?}");
    assert!(wide.iter().all(|(_, turned)| !turned), "{wide:?}");
    // At 420 pixels a column is narrower than "deletecollection": every label turns, whole.
    let narrow = verbs(420);
    assert_eq!(narrow.len(), 5, "{narrow:?}");
    assert!(narrow.iter().all(|(_, turned)| *turned), "{narrow:?}");
}

#[test]
fn verb_resource_matrix_has_the_verbs_the_resources_and_the_counts() {
    let entries = &sample().vocabulary;
    let chart = Chart::VerbResource(entries.clone());
    let svg = chart.render_svg(&Theme::light(), 960, 760).unwrap();
    let texts = Texts::of(&svg);
    texts.assert_has(&[
        "update",
        "create",
        "delete",
        "patch",
        "deletecollection",
        "secrets",
        "pods",
        "Verb",
        "Resource",
        "Events (log colour)",
    ]);
    let update_secrets = entries.iter().find(|e| e.name == "update_secrets").unwrap();
    texts.assert_has(&[&update_secrets.count.to_string()]);
    let table = chart.table();
    let resources = {
        let mut r: Vec<&str> = entries.iter().map(|e| e.resource.as_str()).collect();
        r.sort_unstable();
        r.dedup();
        r.len()
    };
    // Every resource and a total row; every verb and a total column.
    assert_eq!(table.rows.len(), resources + 1);
    assert_eq!(table.headers.len(), 1 + 5 + 1);
    assert_eq!(table.rows[0][0], "secrets");
    let events: u64 = entries.iter().map(|e| e.count).sum();
    assert_eq!(
        table.rows.last().unwrap().last().unwrap(),
        &events.to_string()
    );
    // The title says when not every resource fits.
    assert!(
        texts.0[0].0.contains(&format!("of {resources} resources")),
        "{}",
        texts.0[0].0
    );
}

#[test]
fn confusion_matrix_labels_twenty_types_and_counts_the_diagonal() {
    let row = &rows()[1];
    let confusion = &row.details.confusion;
    assert_eq!(confusion.types.len(), 20);
    let chart = Chart::confusion_of(row);
    let svg = chart.render_svg(&Theme::light(), 960, 760).unwrap();
    let texts = Texts::of(&svg);
    texts.assert_has(&[
        "Confusion matrix: n-grams, window 2",
        &format!("{} · 1", confusion.types[0]),
        &format!("{} · 20", confusion.types[19]),
        "other",
        "Actual type",
        "Predicted type (top-1), numbered as the rows",
        "Share of the actual type",
    ]);
    let table = chart.table();
    assert_eq!(table.rows.len(), 20);
    assert_eq!(table.headers.len(), 22);
    assert_eq!(table.rows[0][1], confusion.matrix[0][0].to_string());
    assert_eq!(table.rows[0][21], confusion.predicted_other[0].to_string());
    // One cell per non-zero count (filled), each with its count written in it.
    let cells: usize = confusion
        .matrix
        .iter()
        .flatten()
        .chain(&confusion.predicted_other)
        .filter(|&&count| count > 0)
        .count();
    let filled = elements(&svg, "rect")
        .into_iter()
        .filter(|r| attribute(r, "stroke") == "none" && attribute(r, "width") != "960")
        .count();
    let key_steps = 48;
    assert_eq!(filled, cells + key_steps);
}

/// The proactive replay of the sample with n-grams, the Bayesian network and the most frequent
/// event at windows 1 and 2, k 1, 3, 9 and horizons 1, 2, 3, once for all tests of this file.
fn replay_report() -> &'static ReplayReport {
    static REPORT: OnceLock<ReplayReport> = OnceLock::new();
    REPORT.get_or_init(|| {
        let train = TrainConfig {
            models: vec![ModelKind::Ngram, ModelKind::Bn, ModelKind::Mfe],
            windows: vec![1, 2],
            ..TrainConfig::default()
        };
        perfspec::replay::replay(
            &sample().data,
            &train,
            &ReplayConfig::default(),
            &SystemClock::default(),
            &mut |_| true,
        )
        .expect("replays")
    })
}

#[test]
fn replay_response_draws_a_line_per_model_against_k_and_the_baseline() {
    let report = replay_report();
    let chart = Chart::ReplayResponse {
        rows: report.rows.clone(),
        window: 2,
        horizon: 3,
        optimistic: false,
    };
    let svg = svg(&chart);
    let texts = Texts::of(&svg);
    texts.assert_has(&[
        "Median response time against k",
        "window 2, horizon 3",
        "n-grams",
        "Bayesian network",
        "most frequent",
        "no prediction",
        "no prediction: 600 ms",
        "k (candidates verified per predicted event)",
        "Median response time (ms)",
        "1",
        "3",
        "9",
    ]);
    // A dot per model and k, in the model's colour, at its median.
    let theme = Theme::light();
    let circles = elements(&svg, "circle");
    assert_eq!(circles.len(), 3 * 3, "one dot per model and k");
    for model in ["ngram", "bn", "mfe"] {
        let color = hex(theme.series(model_order(model)));
        let dots = circles
            .iter()
            .filter(|c| attribute(c, "fill") == color)
            .count();
        assert_eq!(dots, 3, "{model}");
    }
    // The numbers beside it are the rows' medians at one decimal, the baseline last.
    let table = chart.table();
    assert_eq!(
        table.headers,
        [
            "k",
            "n-grams",
            "Bayesian network",
            "most frequent",
            "No prediction"
        ]
    );
    assert_eq!(table.rows.len(), 3);
    for row in report
        .rows
        .iter()
        .filter(|row| row.window == 2 && row.horizon == 3)
    {
        let line = table
            .rows
            .iter()
            .find(|line| line[0] == row.k.to_string())
            .unwrap();
        let column = 1 + ["ngram", "bn", "mfe"]
            .iter()
            .position(|m| *m == row.model)
            .unwrap();
        assert_eq!(
            line[column],
            format!("{:.1}", row.response_ms_median.unwrap())
        );
        assert_eq!(line[4], "600.0");
    }
}

#[test]
fn replay_ready_draws_a_line_per_model_against_horizon() {
    let report = replay_report();
    let chart = Chart::ReplayReady {
        rows: report.rows.clone(),
        window: 1,
        k: 9,
        optimistic: true,
    };
    let svg = svg(&chart);
    let texts = Texts::of(&svg);
    texts.assert_has(&[
        "Ready on arrival against horizon",
        "Paper-compatible mode: replayed on the training events, so optimistic.",
        "window 1, top-9",
        "n-grams",
        "Bayesian network",
        "most frequent",
        "Horizon (events predicted ahead)",
        "Ready on arrival",
        "0%",
        "100%",
    ]);
    assert_eq!(
        elements(&svg, "circle").len(),
        3 * 3,
        "one dot per model and horizon"
    );
    let table = chart.table();
    assert_eq!(table.rows.len(), 3);
    assert!(table.caption.ends_with("(paper mode: optimistic)"));
    for row in report
        .rows
        .iter()
        .filter(|row| row.window == 1 && row.k == 9)
    {
        let line = &table.rows[row.horizon - 1];
        assert_eq!(line[0], row.horizon.to_string());
        let column = 1 + ["ngram", "bn", "mfe"]
            .iter()
            .position(|m| *m == row.model)
            .unwrap();
        assert_eq!(
            line[column],
            perfspec::units::percent(row.ready_share.unwrap())
        );
    }
}

#[test]
fn replay_charts_of_an_untimed_log_say_so() {
    let mut rows = replay_report().rows.clone();
    for row in &mut rows {
        row.ready_share = None;
        row.response_ms_median = None;
    }
    for chart in [
        Chart::ReplayResponse {
            rows: rows.clone(),
            window: 1,
            horizon: 1,
            optimistic: false,
        },
        Chart::ReplayReady {
            rows: rows.clone(),
            window: 1,
            k: 1,
            optimistic: false,
        },
    ] {
        let texts = Texts::of(&svg(&chart));
        assert!(
            texts.0.iter().any(|(t, _, _)| t.starts_with("No ")),
            "{:?}",
            texts.names()
        );
        assert!(chart.table().rows.is_empty());
    }
}

#[test]
fn empty_data_says_so_instead_of_panicking() {
    let empty_confusion = Confusion::default();
    for chart in [
        Chart::AccuracyWindow(Vec::new()),
        Chart::TopkCurve(Vec::new()),
        Chart::TrainingHistory {
            history: Vec::new(),
            k: 9,
            subject: String::new(),
        },
        Chart::InferenceTime(Vec::new()),
        Chart::TypeFrequency(Vec::new()),
        Chart::VerbResource(Vec::new()),
        Chart::Confusion {
            confusion: empty_confusion.clone(),
            subject: String::new(),
        },
        Chart::ReplayResponse {
            rows: Vec::new(),
            window: 1,
            horizon: 1,
            optimistic: false,
        },
        Chart::ReplayReady {
            rows: Vec::new(),
            window: 1,
            k: 1,
            optimistic: false,
        },
    ] {
        let kind = chart.kind();
        for theme in [Theme::light(), Theme::dark()] {
            let svg = chart.render_svg(&theme, 640, 400).unwrap();
            let texts = Texts::of(&svg);
            assert!(
                texts.0.iter().any(|(t, _, _)| t.starts_with("No ")),
                "{kind:?}: {:?}",
                texts.names()
            );
            assert!(
                texts.0[0].0.starts_with(kind.title()),
                "{:?}",
                texts.names()
            );
        }
        assert!(chart.table().rows.is_empty(), "{kind:?}");
        assert!(!chart.table().headers.is_empty(), "{kind:?}");
    }
}

/// The page gets the browser's fonts ready for `TEXT_FONTS` before its first chart (see the web
/// crate's `chart_view`): a font drawn but not listed there would be resolved in the middle of a
/// drawing instead.
#[test]
fn every_text_is_drawn_in_a_listed_font() {
    let sample = sample();
    let row = &sample.report.rows[0];
    let history = epochs(&[(4.0, 3.5), (3.0, 3.0), (2.6, 2.8)]);
    let mut charts = vec![
        Chart::AccuracyWindow(rows()),
        Chart::TopkCurve(rows()),
        Chart::InferenceTime(rows()),
        Chart::TypeFrequency(sample.vocabulary.clone()),
        Chart::VerbResource(sample.vocabulary.clone()),
        Chart::confusion_of(row),
        Chart::TrainingHistory {
            history,
            k: 9,
            subject: "LSTM, window 1".into(),
        },
        Chart::ReplayResponse {
            rows: replay_report().rows.clone(),
            window: 1,
            horizon: 3,
            optimistic: true,
        },
        Chart::ReplayReady {
            rows: replay_report().rows.clone(),
            window: 2,
            k: 3,
            optimistic: false,
        },
    ];
    // and each with no data
    charts.extend(charts.clone().into_iter().map(|chart| match chart {
        Chart::AccuracyWindow(_) => Chart::AccuracyWindow(Vec::new()),
        Chart::TopkCurve(_) => Chart::TopkCurve(Vec::new()),
        Chart::InferenceTime(_) => Chart::InferenceTime(Vec::new()),
        Chart::TypeFrequency(_) => Chart::TypeFrequency(Vec::new()),
        Chart::VerbResource(_) => Chart::VerbResource(Vec::new()),
        Chart::Confusion { subject, .. } => Chart::Confusion {
            confusion: Confusion::default(),
            subject,
        },
        Chart::TrainingHistory { k, subject, .. } => Chart::TrainingHistory {
            history: Vec::new(),
            k,
            subject,
        },
        Chart::ReplayResponse {
            window,
            horizon,
            optimistic,
            ..
        } => Chart::ReplayResponse {
            rows: Vec::new(),
            window,
            horizon,
            optimistic,
        },
        Chart::ReplayReady {
            window,
            k,
            optimistic,
            ..
        } => Chart::ReplayReady {
            rows: Vec::new(),
            window,
            k,
            optimistic,
        },
    }));
    let listed: Vec<(f64, &str)> = perfspec_charts::TEXT_FONTS
        .iter()
        .map(|(size, style)| (*size, style.as_str()))
        .collect();
    let mut drawn = Vec::new();
    for chart in charts {
        for (width, height) in [(960, 600), (360, 300)] {
            let svg = chart
                .render_svg(&Theme::light(), width, height)
                .unwrap_or_else(|error| panic!("{:?}: {error}", chart.kind()));
            for text in elements(&svg, "text") {
                let size = number(Some(attribute(&text, "font-size")));
                // plotters' SVG writes bold as a weight, any other style as a style.
                let style = match (
                    attribute(&text, "font-weight"),
                    attribute(&text, "font-style"),
                ) {
                    ("bold", _) => "bold",
                    (_, "") => "normal",
                    (_, style) => style,
                };
                let font = listed
                    .iter()
                    .position(|(s, st)| (s - size).abs() < 1e-6 && *st == style);
                let Some(font) = font else {
                    panic!(
                        "{:?} draws {style} text at {size}px, not in TEXT_FONTS {listed:?}",
                        chart.kind()
                    );
                };
                drawn.push(font);
            }
        }
    }
    // Every listed font is drawn somewhere (the list holds no stale font).
    for (index, font) in listed.iter().enumerate() {
        assert!(drawn.contains(&index), "no text in {font:?}");
    }
}

#[test]
fn broken_figures_and_tiny_areas_are_no_panic() {
    let mut broken = rows();
    for row in &mut broken {
        row.top1 = f64::NAN;
        row.infer_seconds_median = f64::INFINITY;
        row.infer_seconds_p99 = -1.0;
        row.topk_curve = vec![f64::NAN; 20];
    }
    broken[0].topk = 0.5;
    broken[0].top1 = 0.25;
    let ragged = Confusion {
        types: vec!["a".into(), "b".into(), "c".into()],
        matrix: vec![vec![1, 2], vec![3]],
        predicted_other: vec![],
    };
    let charts = [
        Chart::AccuracyWindow(broken.clone()),
        Chart::TopkCurve(broken.clone()),
        Chart::InferenceTime(broken.clone()),
        Chart::TrainingHistory {
            history: epochs(&[(f64::NAN, f64::INFINITY), (1.0, 2.0)]),
            k: 3,
            subject: String::new(),
        },
        Chart::Confusion {
            confusion: ragged,
            subject: String::new(),
        },
    ];
    for chart in &charts {
        let svg = chart.render_svg(&Theme::light(), 640, 400).unwrap();
        roxmltree::Document::parse(&svg).expect("well-formed");
        let _ = chart.table();
    }
    for chart in charts
        .iter()
        .chain([&Chart::TypeFrequency(sample().vocabulary.clone())])
    {
        for (width, height) in [(0, 0), (1, 1), (100, 60), (219, 600)] {
            let result = chart.render_svg(&Theme::light(), width, height);
            assert!(result.is_err(), "{:?} at {width}×{height}", chart.kind());
        }
        // A scaled theme needs proportionally more pixels, and draws in them.
        assert!(chart.render_svg(&Theme::light(), 400, 280).is_ok());
        assert!(chart
            .render_svg(&Theme::light().scaled(2.0), 400, 280)
            .is_err());
        assert!(chart
            .render_svg(&Theme::light().scaled(2.0), 1280, 800)
            .is_ok());
    }
}

#[test]
fn the_dark_theme_draws_on_a_dark_background() {
    let svg = Chart::AccuracyWindow(rows())
        .render_svg(&Theme::dark(), 960, 600)
        .unwrap();
    let background = &elements(&svg, "rect")[0];
    assert_eq!(attribute(background, "fill"), hex(Theme::dark().background));
    let title = roxmltree::Document::parse(&svg)
        .unwrap()
        .descendants()
        .find(|n| n.has_tag_name("text"))
        .map(|n| n.attribute("fill").unwrap_or("").to_string())
        .unwrap();
    assert_eq!(title, hex(Theme::dark().foreground));
}

#[test]
fn tables_hold_the_charts_numbers() {
    let rows = rows();
    let accuracy = Chart::AccuracyWindow(rows.clone()).table();
    assert_eq!(
        accuracy.headers,
        ["Model", "Window", "Top-9 accuracy", "Top-1 accuracy"]
    );
    assert_eq!(accuracy.rows.len(), rows.len());
    assert_eq!(accuracy.rows[0][2], perfspec::units::percent(rows[0].topk));

    let curve = Chart::TopkCurve(rows.clone()).table();
    assert_eq!(curve.rows.len(), 20);
    assert_eq!(curve.headers.len(), 1 + rows.len());
    assert_eq!(curve.rows[8][1], perfspec::units::percent(rows[0].topk));

    let timing = Chart::InferenceTime(rows.clone()).table();
    assert_eq!(
        timing.rows[0][2],
        perfspec::units::seconds(rows[0].infer_seconds_median)
    );
    assert!(timing.rows[0][2].ends_with("µs)"), "{}", timing.rows[0][2]);

    let frequency = Chart::TypeFrequency(sample().vocabulary.clone()).table();
    assert_eq!(frequency.rows.len(), TOP_TYPES);
    assert_eq!(frequency.rows[0][1], "update_secrets");
}

#[test]
fn chart_kinds_have_distinct_names_that_parse_back() {
    let names: Vec<&str> = ChartKind::ALL.iter().map(|kind| kind.name()).collect();
    assert_eq!(
        names,
        [
            "accuracy-window",
            "topk-curve",
            "training-history",
            "inference-time",
            "type-frequency",
            "verb-resource",
            "confusion",
            "replay-response",
            "replay-ready"
        ]
    );
    for kind in ChartKind::ALL {
        assert_eq!(ChartKind::parse(kind.name()), Some(kind));
        assert!(!kind.title().is_empty());
    }
    assert_eq!(ChartKind::parse("pie"), None);
}
