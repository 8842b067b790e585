use leptos::prelude::*;

use crate::format;
use crate::page::state::AppState;

/// The comparison in the paper's columns, plus top-1 and the inference tail.
#[component]
pub(crate) fn ResultsTable() -> impl IntoView {
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
        <Show
            when=move || state.rows.with(|rows| !rows.is_empty())
            fallback=|| view! { <section class="card"><p class="muted">"Results appear here as each model finishes training."</p></section> }
        >
            <section class="card" aria-labelledby="results-heading">
                <h2 id="results-heading">"Results"</h2>
                <p class="muted" data-testid="results-split">
                    {move || {
                        state
                            .rows
                            .with(|rows| rows.first().map(|row| format!("Split: {}.", row.split.label())))
                    }}
                </p>
                {move || {
                    state
                        .rows
                        .with(|rows| {
                            let random = rows.first().is_some_and(|row| row.split == perfspec::dataset::SplitMode::Random);
                            let leakage = rows
                                .iter()
                                .max_by_key(|row| row.window)
                                .map(|row| row.details.leakage_share)?;
                            random
                                .then(|| {
                                    view! {
                                        <p class="badge optimistic" data-testid="leakage-label">
                                            {format!(
                                                "Random split: {} of the test windows (context and next event) also occur in training, so accuracy partly measures memory.",
                                                format::percent(leakage),
                                            )}
                                        </p>
                                    }
                                })
                        })
                }}
                <Show when=optimistic>
                    <p class="badge optimistic" data-testid="optimistic-label">
                        "Paper-compatible: measured on the training windows. These figures are optimistic."
                    </p>
                </Show>
                <div class="table-scroll unbounded">
                    <table class="named-rows" data-testid="results-table">
                        <thead>
                            <tr>
                                <th scope="col">"Approach"</th>
                                <th scope="col">"Window"</th>
                                <th scope="col">{move || format!("Accuracy (top-{})", k())}</th>
                                <th scope="col">"Top-1"</th>
                                <th scope="col">"Offline learning time"</th>
                                <th scope="col">"Runtime inference time (median)"</th>
                                <th scope="col">"Inference p99"</th>
                                <th scope="col">"F1 (macro)"</th>
                                <th scope="col">"Log-loss"</th>
                                <th scope="col" title="Smallest k whose top-k holds 95% of next events">"k for 95%"</th>
                                <th scope="col" title="Share of test events of types never seen in training (a ceiling for whole-type models only), and the top-k accuracy on them">"Unseen types · their top-k"</th>
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
                                            <td class="number">{format!("{:.3}", row.details.macro_f1)}</td>
                                            <td class="number">{format!("{:.3}", row.details.log_loss)}</td>
                                            <td class="number">{row.details.k95}</td>
                                            <td class="number" data-testid="unseen">
                                                {format!("{} · {}", format::percent(row.unseen_share), format::percent(row.unseen_topk))}
                                            </td>
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
                <BnStructures/>
            </section>
        </Show>
    }
}

/// The structure each Bayesian network learned, as parent → child arcs.
#[component]
pub(crate) fn BnStructures() -> impl IntoView {
    let state = expect_context::<AppState>();
    let structures = move || {
        state.rows.with(|rows| {
            rows.iter()
                .filter_map(|row| {
                    row.details
                        .structure
                        .clone()
                        .map(|edges| (row.window, edges))
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <For
            each=structures
            key=|(window, edges)| (*window, edges.len())
            children=|(window, edges)| {
                view! {
                    <details class="bn-structure" data-testid=format!("bn-structure-{window}")>
                        <summary>{format!("Bayesian network structure, window {window}: {} arcs", edges.len())}</summary>
                        <EdgeList edges=edges/>
                    </details>
                }
            }
        />
    }
}

/// A Bayesian network's arcs, parent → child.
#[component]
pub(crate) fn EdgeList(edges: Vec<perfspec::models::Edge>) -> impl IntoView {
    view! {
        <ul>
            {edges
                .into_iter()
                .map(|edge| view! { <li><code>{format!("{} → {}", edge.parent, edge.child)}</code></li> })
                .collect_view()}
        </ul>
    }
}
