use leptos::prelude::*;
use perfspec::SplitMode;

use crate::engine_client::Engine;
use crate::state::AppState;

/// Windows, k and split for the next run, and the button that starts it.
#[component]
pub fn TrainPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let engine = expect_context::<Engine>();
    let settings = state.settings;
    let can_train = move || {
        !state.is_busy()
            && state
                .dataset
                .with(|d| d.as_ref().is_some_and(|d| d.events > 0))
    };
    view! {
        <section class="card train" aria-labelledby="train-heading">
            <h2 id="train-heading">"Train"</h2>
            <form
                class="train-form"
                on:submit=move |event| {
                    event.prevent_default();
                    engine.train();
                }
            >
                <label>
                    "Windows"
                    <input
                        type="text"
                        data-testid="windows"
                        inputmode="numeric"
                        placeholder="1,2,3"
                        prop:value=move || settings.windows.get()
                        on:input=move |event| settings.windows.set(event_target_value(&event))
                    />
                </label>
                <label>
                    "Top-k"
                    <input
                        type="number"
                        data-testid="k"
                        min="1"
                        max="20"
                        prop:value=move || settings.k.get().to_string()
                        on:input=move |event| {
                            if let Ok(k) = event_target_value(&event).parse() {
                                settings.k.set(k);
                            }
                        }
                    />
                </label>
                <label>
                    "Split"
                    <select
                        data-testid="split"
                        on:change=move |event| {
                            settings
                                .split
                                .set(
                                    if event_target_value(&event) == "paper" {
                                        SplitMode::Paper
                                    } else {
                                        SplitMode::Chrono
                                    },
                                )
                        }
                    >
                        <option value="chrono" selected=move || settings.split.get() == SplitMode::Chrono>
                            "Chronological 70/15/15 (honest)"
                        </option>
                        <option value="paper" selected=move || settings.split.get() == SplitMode::Paper>
                            "Paper-compatible (optimistic)"
                        </option>
                    </select>
                </label>
                <button type="submit" class="primary" data-testid="train" prop:disabled=move || !can_train()>
                    "Train n-grams"
                </button>
            </form>
        </section>
    }
}
