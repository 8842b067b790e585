//! Which charts each section shows, over the state they draw.
//!
//! Charts are drawn on the page's thread, so a section's charts are mounted the first time it is
//! shown, stay mounted (a drawn chart is not drawn again on return) and draw only while their
//! section is shown, and the results charts draw the finished run rather than every row as it
//! arrives: training never competes with drawing. See `chart_view` for how a drawing is kept
//! out of the click that shows it.

use leptos::prelude::*;
use perfspec_charts::{Chart, ChartKind};

use crate::page::components::chart_view::ChartView;
use crate::page::state::{AppState, Tab};

/// Results: accuracy against window, the top-k curves, inference time.
#[component]
pub(crate) fn ResultsCharts() -> impl IntoView {
    let state = expect_context::<AppState>();
    let rows = move || {
        state
            .report
            .with(|report| report.as_ref().map(|r| r.rows.clone()).unwrap_or_default())
    };
    let visible = shown_while(state, Tab::Results);
    let mounted = once_shown(state, Tab::Results);
    view! {
        <Show when=move || {
            mounted.get()
                && state.report.with(|report| report.as_ref().is_some_and(|r| !r.rows.is_empty()))
        }>
            <section class="card charts" aria-labelledby="results-charts-heading">
                <h2 id="results-charts-heading">"Charts"</h2>
                <div class="chart-grid">
                    <ChartView
                        kind=ChartKind::AccuracyWindow
                        visible=visible
                        chart=Signal::derive(move || Chart::AccuracyWindow(rows()))
                    />
                    <ChartView
                        kind=ChartKind::TopkCurve
                        visible=visible
                        chart=Signal::derive(move || Chart::TopkCurve(rows()))
                    />
                    <ChartView
                        kind=ChartKind::InferenceTime
                        visible=visible
                        chart=Signal::derive(move || Chart::InferenceTime(rows()))
                    />
                </div>
            </section>
        </Show>
    }
}

/// Vocabulary: the most frequent types and the verb × resource matrix.
#[component]
pub(crate) fn VocabularyCharts() -> impl IntoView {
    let state = expect_context::<AppState>();
    let entries = move || {
        state
            .dataset
            .with(|d| d.as_ref().map(|d| d.vocabulary.clone()).unwrap_or_default())
    };
    let visible = shown_while(state, Tab::Vocabulary);
    let mounted = once_shown(state, Tab::Vocabulary);
    view! {
        <Show when=move || mounted.get() && state.dataset.with(Option::is_some)>
            <section class="card charts" aria-labelledby="vocabulary-charts-heading">
                <h2 id="vocabulary-charts-heading">"Charts"</h2>
                <div class="chart-grid">
                    <ChartView
                        kind=ChartKind::TypeFrequency
                        visible=visible
                        chart=Signal::derive(move || Chart::TypeFrequency(entries()))
                    />
                    <ChartView
                        kind=ChartKind::VerbResource
                        visible=visible
                        chart=Signal::derive(move || Chart::VerbResource(entries()))
                    />
                </div>
            </section>
        </Show>
    }
}

/// Whether `tab` is the section shown.
fn shown_while(state: AppState, tab: Tab) -> Signal<bool> {
    Memo::new(move |_| state.tab.get() == tab).into()
}

/// Turns true the first time `tab` is shown, and stays so.
fn once_shown(state: AppState, tab: Tab) -> Memo<bool> {
    Memo::new(move |before: Option<&bool>| {
        before.copied().unwrap_or(false) || state.tab.get() == tab
    })
}
