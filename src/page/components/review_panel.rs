use leptos::prelude::*;
use perfspec::pipeline::ResultRow;
use perfspec_charts::{Chart, ChartKind};

use crate::format;
use crate::page::components::chart_view::ChartView;
use crate::page::components::explain_panel::ExplainPanel;
use crate::page::components::results_table::EdgeList;
use crate::page::state::{AppState, Tab};

/// Review: one model at a time, with what a table row hides: its training curves, the confusion
/// among the most frequent types, per-class figures, and the Bayesian network's structure.
#[component]
pub(crate) fn ReviewPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    // The chosen row, or the first one when none is chosen (or the choice left the table).
    let row = Memo::new(move |_| {
        state.rows.with(|rows| {
            let chosen = state.review.get();
            chosen
                .and_then(|(model, window)| {
                    rows.iter()
                        .find(|row| row.model == model && row.window == window)
                })
                .or_else(|| rows.first())
                .cloned()
        })
    });
    let choices = move || {
        state.rows.with(|rows| {
            rows.iter()
                .map(|row| (row.model.clone(), row.window, row.approach.clone()))
                .collect::<Vec<_>>()
        })
    };
    let selected_value = move || {
        row.with(|row| {
            row.as_ref()
                .map(|row| format!("{}:{}", row.model, row.window))
                .unwrap_or_default()
        })
    };
    view! {
        <section class="card" aria-labelledby="review-heading">
            <h2 id="review-heading">"Review"</h2>
            <Show
                when=move || row.with(Option::is_some)
                fallback=|| view! { <p class="muted">"Train models to review them here."</p> }
            >
                <label>
                    "Model "
                    <select
                        data-testid="review-model"
                        prop:value=selected_value
                        on:change=move |event| {
                            let value = event_target_value(&event);
                            if let Some((model, window)) = value.split_once(':') {
                                if let Ok(window) = window.parse() {
                                    state.review.set(Some((model.to_string(), window)));
                                }
                            }
                        }
                    >
                        {move || {
                            choices()
                                .into_iter()
                                .map(|(model, window, approach)| {
                                    view! {
                                        <option value=format!("{model}:{window}")>
                                            {format!("{approach}, window {window}")}
                                        </option>
                                    }
                                })
                                .collect_view()
                        }}
                    </select>
                </label>
                {move || row.get().map(|row| view! { <RowReview row=row/> })}
            </Show>
        </section>
    }
}

#[component]
fn RowReview(row: ResultRow) -> impl IntoView {
    let state = expect_context::<AppState>();
    let details = &row.details;
    let figures = [
        ("Top-1", format::percent(row.top1)),
        (
            if row.k == 9 { "Top-9" } else { "Top-k" },
            format!("{} (k = {})", format::percent(row.topk), row.k),
        ),
        (
            "F1 (macro / weighted)",
            format!("{:.3} / {:.3}", details.macro_f1, details.weighted_f1),
        ),
        (
            "Precision (macro)",
            format!("{:.3}", details.macro_precision),
        ),
        ("Recall (macro)", format!("{:.3}", details.macro_recall)),
        (
            "Log-loss / perplexity",
            format!("{:.3} nats / {:.1}", details.log_loss, details.perplexity),
        ),
        ("k for 95% of next events", details.k95.to_string()),
        (
            "Unseen types in test",
            format!(
                "{} (ceiling for whole-type models: {})",
                format::percent(row.unseen_share),
                format::percent(1.0 - row.unseen_share)
            ),
        ),
        (
            "Top-k on unseen types",
            format!("{} (k = {})", format::percent(row.unseen_topk), row.k),
        ),
        ("Offline learning time", format::seconds(row.fit_seconds)),
        (
            "Inference (median / p99)",
            format!(
                "{} / {}",
                format::seconds(row.infer_seconds_median),
                format::seconds(row.infer_seconds_p99)
            ),
        ),
    ];
    let epochs = details
        .epochs_run
        .map(|epochs| format!("Trained {epochs} epochs; the best epoch's weights were kept."));
    let mut classes = details.per_class.clone();
    classes.sort_by(|a, b| b.support.cmp(&a.support).then(a.name.cmp(&b.name)));
    let structure = details.structure.clone();
    let has_history = details.history.as_ref().is_some_and(|h| !h.is_empty());
    // The worker finds the model by its place among the run's rows.
    let explain_row = (row.model == perfspec::models::ModelKind::Compose.name())
        .then(|| {
            state.rows.with_untracked(|rows| {
                rows.iter()
                    .position(|r| r.model == row.model && r.window == row.window)
            })
        })
        .flatten();
    let history = {
        let row = row.clone();
        Signal::derive(move || Chart::training_history_of(&row))
    };
    let confusion = {
        let row = row.clone();
        Signal::derive(move || Chart::confusion_of(&row))
    };
    let shown = Signal::derive(move || state.tab.get() == Tab::Review);
    view! {
        <div class="review" data-testid="review" data-model=row.model.clone() data-window=row.window.to_string()>
            <dl class="figures">
                {figures
                    .into_iter()
                    .map(|(name, value)| view! { <div><dt>{name}</dt><dd>{value}</dd></div> })
                    .collect_view()}
            </dl>
            {epochs.map(|text| view! { <p class="muted">{text}</p> })}
            {structure
                .map(|edges| {
                    view! {
                        <details class="bn-structure" open data-testid="review-structure">
                            <summary>{format!("Learned structure: {} arcs", edges.len())}</summary>
                            <EdgeList edges=edges/>
                        </details>
                    }
                })}
            // Drawn while Review is shown, and not again on return (see `chart_sections`).
            <div class="chart-grid">
                {has_history
                    .then(|| {
                        view! { <ChartView kind=ChartKind::TrainingHistory visible=shown chart=history/> }
                    })}
                <ChartView kind=ChartKind::Confusion visible=shown chart=confusion/>
            </div>
            {explain_row.map(|row_index| view! { <ExplainPanel row_index=row_index test_windows=row.test_windows/> })}
            <h3>"Per class (top-1 predictions on the test windows)"</h3>
            <div class="table-scroll tall">
                <table data-testid="per-class">
                    <thead>
                        <tr>
                            <th scope="col">"Event type"</th>
                            <th scope="col">"Support"</th>
                            <th scope="col">"Predicted"</th>
                            <th scope="col">"Precision"</th>
                            <th scope="col">"Recall"</th>
                            <th scope="col">"F1"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {classes
                            .into_iter()
                            .map(|class| {
                                view! {
                                    <tr>
                                        <td><code>{class.name}</code></td>
                                        <td class="number">{class.support}</td>
                                        <td class="number">{class.predicted}</td>
                                        <td class="number">{format!("{:.3}", class.precision)}</td>
                                        <td class="number">{format!("{:.3}", class.recall)}</td>
                                        <td class="number">{format!("{:.3}", class.f1)}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </div>
    }
}
