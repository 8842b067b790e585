//! The Replay section: PerfSPEC's runtime phase as a what-if over the last run's models (the
//! engine's `perfspec::replay` says exactly what is replayed), its settings, and its results.

use leptos::prelude::*;
use perfspec::dataset::SplitMode;

use crate::page::components::replay_charts::ReplayCharts;
use crate::page::components::replay_form::ReplayForm;
use crate::page::components::replay_table::ReplayResults;
use crate::page::engine_client::Engine;
use crate::page::state::AppState;

/// Why the last run's models cannot be replayed now, if they cannot.
fn blocked(state: AppState) -> Option<&'static str> {
    if state.is_busy() {
        return Some("Busy: wait for the running task, or cancel it.");
    }
    match state.report.with(|report| report.as_ref().map(|r| r.split)) {
        None => Some("Train first: the replay runs the models of the last run."),
        Some(SplitMode::Random) => Some(
            "The last run used the random split: the replay needs each sequence's test part \
             in time order. Train with the chronological (or the paper's) split.",
        ),
        Some(_) => None,
    }
}

#[component]
pub(crate) fn ReplayPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let engine = expect_context::<Engine>();
    let invalid = move || {
        state.replay_settings.track();
        state.replay_settings.config().err()
    };
    let can_run = move || blocked(state).is_none() && invalid().is_none();
    view! {
        <section class="card replay" aria-labelledby="replay-heading" data-testid="replay">
            <h2 id="replay-heading">"Replay"</h2>
            <p class="muted">
                "What the last run's models would have saved PerfSPEC's runtime verifier on this log: "
                "each test event arrives at its timestamp, the model predicts the next events, and the "
                "verifier precomputes the top-k candidates for the next h events. An event whose result "
                "is ready costs a lookup; one whose verification is under way waits for it; any other is "
                "verified on arrival, as it is without prediction (the baseline)."
            </p>
            <form
                on:submit=move |event| {
                    event.prevent_default();
                    if can_run() {
                        engine.replay();
                    }
                }
            >
                <ReplayForm/>
                <div class="replay-actions">
                    <button type="submit" class="primary" data-testid="replay-run" prop:disabled=move || !can_run()>
                        "Replay"
                    </button>
                    {move || blocked(state).map(|why| view! { <span class="muted" data-testid="replay-blocked">{why}</span> })}
                </div>
            </form>
            {move || invalid().map(|why| view! { <p class="field-error" role="alert" data-testid="replay-invalid">{why}</p> })}
        </section>
        <ReplayResults/>
        <ReplayCharts/>
    }
}
