use leptos::prelude::*;

use crate::format;
use crate::state::AppState;

/// The comparison in the paper's columns, plus top-1 and the inference tail.
#[component]
pub fn ResultsTable() -> impl IntoView {
    let state = expect_context::<AppState>();
    // The label follows the rows shown, not the setting for the next run.
    let optimistic = move || {
        state
            .rows
            .with(|rows| rows.first().is_some_and(|row| row.split.is_optimistic()))
    };
    let k = move || {
        state
            .report
            .with(|report| report.as_ref().map(|r| r.k))
            .unwrap_or_else(|| state.settings.k.get())
    };
    view! {
        <Show when=move || state.rows.with(|rows| !rows.is_empty())>
            <section class="card" aria-labelledby="results-heading">
                <h2 id="results-heading">"Results"</h2>
                <Show when=optimistic>
                    <p class="badge optimistic" data-testid="optimistic-label">
                        "Paper-compatible: measured on the training windows. These figures are optimistic."
                    </p>
                </Show>
                <div class="table-scroll">
                    <table data-testid="results-table">
                        <thead>
                            <tr>
                                <th scope="col">"Approach"</th>
                                <th scope="col">"Window"</th>
                                <th scope="col">{move || format!("Accuracy (top-{})", k())}</th>
                                <th scope="col">"Top-1"</th>
                                <th scope="col">"Offline learning time"</th>
                                <th scope="col">"Runtime inference time (median)"</th>
                                <th scope="col">"Inference p99"</th>
                                <th scope="col">"Train / test windows"</th>
                            </tr>
                        </thead>
                        <tbody>
                            <For
                                each=move || state.rows.get()
                                key=|row| (row.model.clone(), row.window)
                                children=|row| {
                                    view! {
                                        <tr data-model=row.model.clone() data-window=row.window.to_string()>
                                            <td>{row.approach.clone()}</td>
                                            <td class="number">{row.window}</td>
                                            <td class="number">{format::percent(row.topk)}</td>
                                            <td class="number">{format::percent(row.top1)}</td>
                                            <td class="number">{format::seconds(row.fit_seconds)}</td>
                                            <td class="number">{format::seconds(row.infer_seconds_median)}</td>
                                            <td class="number">{format::seconds(row.infer_seconds_p99)}</td>
                                            <td class="number">
                                                {format!("{} / {}", format::count(row.train_windows as u64), format::count(row.test_windows as u64))}
                                            </td>
                                        </tr>
                                    }
                                }
                            />
                        </tbody>
                    </table>
                </div>
            </section>
        </Show>
    }
}
