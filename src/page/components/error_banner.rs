use leptos::prelude::*;

use crate::page::state::AppState;

/// The last error, in words, until dismissed or replaced.
#[component]
pub(crate) fn ErrorBanner() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        {move || {
            state
                .error
                .get()
                .map(|message| {
                    view! {
                        <div class="error" role="alert" data-testid="error">
                            <span>{message}</span>
                            <button aria-label="Dismiss" on:click=move |_| state.error.set(None)>
                                "×"
                            </button>
                        </div>
                    }
                })
        }}
    }
}
