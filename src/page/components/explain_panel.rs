use leptos::prelude::*;
use perfspec::predict::TestEventExplanation;

use crate::format;
use crate::page::engine_client::Engine;
use crate::page::state::AppState;

/// Candidates shown per explained test event.
const EXPLAINED_CANDIDATES: usize = 10;

/// For a compositional model's row: one test event at a time, with the verb and resource
/// factors behind the model's best candidates, so a user can see why it named a type it never
/// saw in training (the verb's own probability, and the resource copied from j events back).
#[component]
pub(crate) fn ExplainPanel(row_index: usize, test_windows: usize) -> impl IntoView {
    let state = expect_context::<AppState>();
    let engine = expect_context::<Engine>();
    // 1-based, as shown.
    let chosen = RwSignal::new(1usize);
    let ask = move || {
        let index = chosen.get_untracked().clamp(1, test_windows.max(1)) - 1;
        engine.explain(row_index, index, EXPLAINED_CANDIDATES);
    };
    ask();
    view! {
        <section class="explain" data-testid="explain">
            <h3>"Why it ranks what it ranks: one test event"</h3>
            <p class="muted small">
                "The model scores a verb and a resource apart and reads the whole sequence so far (the online setting): a resource seen a few events back can be copied, so a pair never seen in training can rank high."
            </p>
            <label class="field">
                {format!("Test event (1–{test_windows})")}
                <input
                    type="number"
                    data-testid="explain-index"
                    min="1"
                    max=test_windows.to_string()
                    prop:value=move || chosen.get().to_string()
                    on:change=move |event| {
                        if let Ok(value) = event_target_value(&event).trim().parse::<usize>() {
                            chosen.set(value.clamp(1, test_windows.max(1)));
                            ask();
                        }
                    }
                />
            </label>
            {move || state.explanation.get().map(|explanation| view! { <Explanation explanation=*explanation/> })}
        </section>
    }
}

#[component]
fn Explanation(explanation: TestEventExplanation) -> impl IntoView {
    let rank = match explanation.actual_rank {
        Some(rank) => format!("ranked {rank}"),
        None => format!("not among the first {}", explanation.candidates.len()),
    };
    let new = (!explanation.actual_seen_in_training).then_some(" (a type never seen in training)");
    view! {
        <p data-testid="explain-actual">
            {format!("Event {} of {}: after ", explanation.index, explanation.test_windows)}
            <code class="wrap">{explanation.history.join(" → ")}</code>
            " came "
            <code>{explanation.actual.clone()}</code>
            {new}
            {format!(", {rank}.")}
        </p>
        <div class="table-scroll">
            <table data-testid="explain-candidates">
                <thead>
                    <tr>
                        <th scope="col">"#"</th>
                        <th scope="col">"Verb"</th>
                        <th scope="col">"Resource"</th>
                        <th scope="col">"P(pair)"</th>
                        <th scope="col">"P(verb)"</th>
                        <th scope="col">"Resource copied from"</th>
                    </tr>
                </thead>
                <tbody>
                    {explanation
                        .candidates
                        .into_iter()
                        .enumerate()
                        .map(|(position, candidate)| {
                            let copied = candidate
                                .copied_from
                                .map_or_else(|| "–".to_string(), |back| format!("{back} back"));
                            let actual = explanation.actual_rank == Some(position + 1);
                            view! {
                                <tr class:actual=actual>
                                    <td class="number">{position + 1}</td>
                                    <td><code>{candidate.verb}</code></td>
                                    <td>
                                        <code>{candidate.resource}</code>
                                        {(!candidate.seen_in_training).then(|| view! { " " <span class="new-type">"new"</span> })}
                                    </td>
                                    <td class="number">{format::percent(candidate.probability)}</td>
                                    <td class="number">{format::percent(candidate.verb_probability)}</td>
                                    <td>{copied}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}
