use leptos::prelude::*;

use crate::page::engine_client::Engine;
use crate::page::state::AppState;

/// Stage, percentage and time remaining of the running step, with Cancel.
#[component]
pub(crate) fn ProgressBar() -> impl IntoView {
    let state = expect_context::<AppState>();
    let engine = expect_context::<Engine>();
    view! {
        <Show when=move || state.is_busy()>
            {move || {
                state
                    .status
                    .get()
                    .map(|status| {
                        let percent = (status.fraction * 100.0).round();
                        let remaining = status
                            .remaining_seconds()
                            .map(|s| format!(" · about {} s left", s.ceil()))
                            .unwrap_or_default();
                        view! {
                            <section class="progress" data-testid="progress" aria-live="polite">
                                <div class="progress-text">
                                    <strong>{status.stage.label()}</strong>
                                    {format!(" {percent}%{remaining}")}
                                    <span class="progress-detail">{status.detail.clone()}</span>
                                </div>
                                <progress max="100" prop:value=percent aria-label=status.stage.label()></progress>
                                <button data-testid="cancel" on:click=move |_| engine.cancel()>
                                    "Cancel"
                                </button>
                            </section>
                        }
                    })
            }}
        </Show>
    }
}
