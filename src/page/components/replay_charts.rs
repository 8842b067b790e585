//! The replay's two charts: median response against k, and ready share against horizon, one
//! line per model, each at a window (and horizon, or k) the user picks. Like the results'
//! charts, they draw the finished replay and only while the Replay section is shown.

use leptos::prelude::*;
use perfspec::replay::ReplayReport;
use perfspec_charts::{Chart, ChartKind};

use crate::page::components::chart_view::ChartView;
use crate::page::state::{AppState, Tab};

/// The values of one column of the grid, ascending and each once.
fn values(report: &ReplayReport, of: fn(&perfspec::replay::ReplayRow) -> usize) -> Vec<usize> {
    let mut values: Vec<usize> = report.rows.iter().map(of).collect();
    values.sort_unstable();
    values.dedup();
    values
}

#[component]
pub(crate) fn ReplayCharts() -> impl IntoView {
    let state = expect_context::<AppState>();
    let visible: Signal<bool> = Memo::new(move |_| state.tab.get() == Tab::Replay).into();
    // The picks, reset to the defaults by each new replay: the first window, the largest
    // horizon (where prediction has the most time) and the largest k.
    let window = RwSignal::new(1_usize);
    let horizon = RwSignal::new(1_usize);
    let k = RwSignal::new(1_usize);
    Effect::new(move |_| {
        state.replay.with(|report| {
            if let Some(report) = report {
                window.set(
                    values(report, |row| row.window)
                        .first()
                        .copied()
                        .unwrap_or(1),
                );
                horizon.set(
                    values(report, |row| row.horizon)
                        .last()
                        .copied()
                        .unwrap_or(1),
                );
                k.set(values(report, |row| row.k).last().copied().unwrap_or(1));
            }
        })
    });
    let rows = move || {
        state
            .replay
            .with(|report| report.as_ref().map(|r| r.rows.clone()).unwrap_or_default())
    };
    let optimistic = move || {
        state
            .replay
            .with(|r| r.as_ref().is_some_and(|r| r.optimistic))
    };
    let options = move |of: fn(&perfspec::replay::ReplayRow) -> usize| {
        state
            .replay
            .with(|report| report.as_ref().map(|r| values(r, of)).unwrap_or_default())
    };
    view! {
        <Show when=move || state.replay.with(|r| r.as_ref().is_some_and(|r| r.timed && !r.rows.is_empty()))>
            <section class="card charts" aria-labelledby="replay-charts-heading">
                <h2 id="replay-charts-heading">"Charts"</h2>
                <div class="chart-grid">
                    <div>
                        <div class="chart-picks">
                            <Pick label="Window" testid="replay-chart-window" value=window options=Signal::derive(move || options(|row| row.window))/>
                            <Pick label="Horizon" testid="replay-chart-horizon" value=horizon options=Signal::derive(move || options(|row| row.horizon))/>
                        </div>
                        <ChartView
                            kind=ChartKind::ReplayResponse
                            visible=visible
                            chart=Signal::derive(move || Chart::ReplayResponse {
                                rows: rows(),
                                window: window.get(),
                                horizon: horizon.get(),
                                optimistic: optimistic(),
                            })
                        />
                    </div>
                    <div>
                        <div class="chart-picks">
                            <Pick label="Window" testid="replay-chart-window-ready" value=window options=Signal::derive(move || options(|row| row.window))/>
                            <Pick label="k" testid="replay-chart-k" value=k options=Signal::derive(move || options(|row| row.k))/>
                        </div>
                        <ChartView
                            kind=ChartKind::ReplayReady
                            visible=visible
                            chart=Signal::derive(move || Chart::ReplayReady {
                                rows: rows(),
                                window: window.get(),
                                k: k.get(),
                                optimistic: optimistic(),
                            })
                        />
                    </div>
                </div>
            </section>
        </Show>
    }
}

/// A select over the grid's values of one column.
#[component]
fn Pick(
    label: &'static str,
    testid: &'static str,
    value: RwSignal<usize>,
    options: Signal<Vec<usize>>,
) -> impl IntoView {
    view! {
        <label class="field">
            {label}
            <select
                data-testid=testid
                on:change=move |event| {
                    if let Ok(chosen) = event_target_value(&event).parse() {
                        value.set(chosen);
                    }
                }
            >
                {move || {
                    options
                        .get()
                        .into_iter()
                        .map(|option| {
                            view! {
                                <option value=option.to_string() selected=move || value.get() == option>
                                    {option}
                                </option>
                            }
                        })
                        .collect_view()
                }}
            </select>
        </label>
    }
}
