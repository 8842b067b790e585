use leptos::prelude::*;

use crate::page::engine_client::Engine;
use crate::page::state::AppState;

/// The dataset's warnings, each with its one-click fix where there is one.
#[component]
pub(crate) fn WarningList() -> impl IntoView {
    let state = expect_context::<AppState>();
    let engine = expect_context::<Engine>();
    let warnings = move || {
        state.dataset.with(|dataset| {
            dataset
                .as_ref()
                .map(|d| d.warnings.clone())
                .unwrap_or_default()
        })
    };
    let keep_one_copy = move |_| {
        let mut options = state.prepare_options.get_untracked();
        options.dedup_repeated_run = true;
        engine.prepare(options);
    };
    view! {
        <ul class="warnings" aria-label="Data-quality warnings">
            <For
                each=warnings
                key=|warning| (warning.kind.clone(), warning.message.clone())
                children=move |warning| {
                    let fixable = warning.kind == "repeated_run"
                        && !state.prepare_options.with_untracked(|o| o.dedup_repeated_run);
                    view! {
                        <li class="warning" data-testid=format!("warning-{}", warning.kind)>
                            <span>{warning.message}</span>
                            {fixable
                                .then(|| {
                                    view! {
                                        <button data-testid="fix-repeated-run" on:click=keep_one_copy>
                                            "Keep one copy"
                                        </button>
                                    }
                                })}
                        </li>
                    }
                }
            />
        </ul>
    }
}
