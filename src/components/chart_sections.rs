//! Which charts each section shows, over the state they draw.
//!
//! Charts are drawn on the page's thread, and plotters measures every label through the DOM, so
//! a chart is only mounted while its section is shown, and the results charts draw the finished
//! run rather than every row as it arrives: training never competes with drawing.

use leptos::prelude::*;
use perfspec_charts::{Chart, ChartKind};

use crate::components::chart_view::ChartView;
use crate::state::{AppState, Tab};

/// Results: accuracy against window, the top-k curves, inference time.
#[component]
pub fn ResultsCharts() -> impl IntoView {
    let state = expect_context::<AppState>();
    let rows = move || {
        state
            .report
            .with(|report| report.as_ref().map(|r| r.rows.clone()).unwrap_or_default())
    };
    view! {
        <Show when=move || {
            state.tab.get() == Tab::Results
                && state.report.with(|report| report.as_ref().is_some_and(|r| !r.rows.is_empty()))
        }>
            <section class="card charts" aria-labelledby="results-charts-heading">
                <h2 id="results-charts-heading">"Charts"</h2>
                <div class="chart-grid">
                    <ChartView
                        kind=ChartKind::AccuracyWindow
                        chart=Signal::derive(move || Chart::AccuracyWindow(rows()))
                    />
                    <ChartView
                        kind=ChartKind::TopkCurve
                        chart=Signal::derive(move || Chart::TopkCurve(rows()))
                    />
                    <ChartView
                        kind=ChartKind::InferenceTime
                        chart=Signal::derive(move || Chart::InferenceTime(rows()))
                    />
                </div>
            </section>
        </Show>
    }
}

/// Vocabulary: the most frequent types and the verb × resource matrix.
#[component]
pub fn VocabularyCharts() -> impl IntoView {
    let state = expect_context::<AppState>();
    let entries = move || {
        state
            .dataset
            .with(|d| d.as_ref().map(|d| d.vocabulary.clone()).unwrap_or_default())
    };
    view! {
        <Show when=move || state.tab.get() == Tab::Vocabulary && state.dataset.with(Option::is_some)>
            <section class="card charts" aria-labelledby="vocabulary-charts-heading">
                <h2 id="vocabulary-charts-heading">"Charts"</h2>
                <div class="chart-grid">
                    <ChartView
                        kind=ChartKind::TypeFrequency
                        chart=Signal::derive(move || Chart::TypeFrequency(entries()))
                    />
                    <ChartView
                        kind=ChartKind::VerbResource
                        chart=Signal::derive(move || Chart::VerbResource(entries()))
                    />
                </div>
            </section>
        </Show>
    }
}
