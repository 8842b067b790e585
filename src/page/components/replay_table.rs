//! The replay's figures: how it was run, what the reader should know, one row per model,
//! window, k and horizon, and each model's best point under the work budget.

use leptos::prelude::*;
use perfspec::replay::{ReplayReport, ReplayRow};

use crate::format;
use crate::page::state::AppState;

/// A time in ms as the CLI's table prints it (one decimal), or a dash where there is none.
fn ms(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_string(), |value| format!("{value:.1}"))
}

/// A share as a percentage, or a dash where there is none.
fn share(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_string(), format::percent)
}

/// A model's name as the tables show it ("n-grams" for `ngram`).
fn approach_of(model: &str) -> String {
    perfspec::models::ModelKind::ALL
        .iter()
        .find(|kind| kind.name() == model)
        .map_or_else(|| model.to_string(), |kind| kind.approach().to_string())
}

#[component]
pub(crate) fn ReplayResults() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        {move || state.replay.get().map(|report| view! { <ReplayReportView report=report/> })}
    }
}

#[component]
fn ReplayReportView(report: ReplayReport) -> impl IntoView {
    let config = &report.config;
    let settings = format!(
        "Test events of the {} split in time order; {}.",
        report.split.label(),
        config.describe(),
    );
    let windows = report
        .timelines
        .iter()
        .map(|timeline| {
            format!(
                "window {}: {} events in {} sequence{}",
                timeline.window,
                format::count(timeline.events as u64),
                timeline.sequences,
                if timeline.sequences == 1 { "" } else { "s" }
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let best = report.best.clone();
    let timed = report.timed;
    let budget = match config.budget_ms {
        Some(budget) => format!("verification work at most {budget} ms per event"),
        None => "any verification work".to_string(),
    };
    let without_best: Vec<String> = {
        let mut models: Vec<String> = Vec::new();
        for row in &report.rows {
            if !models.contains(&row.approach)
                && !report.best.iter().any(|best| best.model == row.model)
            {
                models.push(row.approach.clone());
            }
        }
        models
    };
    view! {
        <section class="card" aria-labelledby="replay-results-heading" data-testid="replay-results">
            <h2 id="replay-results-heading">"Replay results"</h2>
            <p class="muted" data-testid="replay-settings">{settings}</p>
            <p class="muted">{windows}</p>
            {report.optimistic.then(|| view! {
                <p class="badge optimistic" data-testid="replay-optimistic">
                    "Paper-compatible: the models were fitted on the events replayed. These figures are optimistic."
                </p>
            })}
            {(!report.notes.is_empty()).then(|| view! {
                <ul class="replay-notes" data-testid="replay-notes">
                    {report.notes.iter().map(|note| view! { <li>{note.clone()}</li> }).collect_view()}
                </ul>
            })}
            {timed.then(|| view! {
                <div class="replay-best" data-testid="replay-best">
                    <h3>{format!("Lowest median response per model ({budget})")}</h3>
                    <ul>
                        {best
                            .iter()
                            .map(|best| {
                                view! {
                                    <li data-model=best.model.clone()>
                                        <strong>{approach_of(&best.model)}</strong>
                                        {format!(
                                            ": window {}, k {}, horizon {}: median {:.1} ms, mean {:.1} ms (without prediction: median {:.1} ms), work {:.1} ms per event",
                                            best.window,
                                            best.k,
                                            best.horizon,
                                            best.response_ms_median,
                                            best.response_ms_mean,
                                            best.baseline_ms_median,
                                            best.work_per_event_ms,
                                        )}
                                    </li>
                                }
                            })
                            .collect_view()}
                        {without_best
                            .into_iter()
                            .map(|approach| view! { <li>{format!("{approach}: no point of the grid within the budget")}</li> })
                            .collect_view()}
                    </ul>
                </div>
            })}
            <ReplayTable rows=report.rows.clone()/>
            <p class="muted small">
                "Among: the next event was among the candidates. Ready: its result was ready on arrival. "
                "Response: mean, median and 99th percentile, in ms. Without prediction: the mean response "
                "when every event is verified on arrival. Work: verification ms per event; wasted: its share "
                "spent on results no event used."
            </p>
        </section>
    }
}

/// One row per model, window, k and horizon. Below 640 px it scrolls sideways inside its card
/// with the model's name kept in view, as the results table does: stacked, a phone would show
/// a dozen lines per row over a hundred rows.
#[component]
fn ReplayTable(rows: Vec<ReplayRow>) -> impl IntoView {
    view! {
        <div class="table-scroll unbounded">
            <table class="named-rows" data-testid="replay-table">
                <thead>
                    <tr>
                        <th scope="col">"Model"</th>
                        <th scope="col" class="number">"Window"</th>
                        <th scope="col" class="number">"k"</th>
                        <th scope="col" class="number">"Horizon"</th>
                        <th scope="col" class="number">"Among"</th>
                        <th scope="col" class="number">"Ready"</th>
                        <th scope="col" class="number">"Mean ms"</th>
                        <th scope="col" class="number">"Median ms"</th>
                        <th scope="col" class="number">"p99 ms"</th>
                        <th scope="col" class="number">"Without prediction ms"</th>
                        <th scope="col" class="number">"Work per event ms"</th>
                        <th scope="col" class="number">"Wasted"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|row| {
                            view! {
                                <tr
                                    data-model=row.model.clone()
                                    data-window=row.window.to_string()
                                    data-k=row.k.to_string()
                                    data-horizon=row.horizon.to_string()
                                >
                                    <td data-testid="replay-model">{row.approach.clone()}</td>
                                    <td class="number" data-testid="replay-window">{row.window}</td>
                                    <td class="number" data-testid="replay-k-value">{row.k}</td>
                                    <td class="number" data-testid="replay-horizon-value">{row.horizon}</td>
                                    <td class="number" data-testid="replay-among">{format::percent(row.candidate_share)}</td>
                                    <td class="number" data-testid="replay-ready">{share(row.ready_share)}</td>
                                    <td class="number" data-testid="replay-mean">{ms(row.response_ms_mean)}</td>
                                    <td class="number" data-testid="replay-median">{ms(row.response_ms_median)}</td>
                                    <td class="number" data-testid="replay-p99">{ms(row.response_ms_p99)}</td>
                                    <td class="number" data-testid="replay-baseline">{ms(row.baseline_ms)}</td>
                                    <td class="number" data-testid="replay-work">{ms(row.work_per_event_ms)}</td>
                                    <td class="number" data-testid="replay-wasted">{share(row.wasted_share)}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}
