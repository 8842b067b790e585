use leptos::prelude::*;
use perfspec::models::ModelKind;
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
            <fieldset class="models" data-testid="models">
                <legend>"Models"</legend>
                {ModelKind::ALL
                    .into_iter()
                    .map(|kind| {
                        view! {
                            <label class="check">
                                <input
                                    type="checkbox"
                                    data-testid=format!("model-{}", kind.name())
                                    prop:checked=move || settings.models.with(|m| m.contains(&kind))
                                    on:change=move |event| {
                                        let on = event_target_checked(&event);
                                        settings
                                            .models
                                            .update(|models| {
                                                models.retain(|k| *k != kind);
                                                if on {
                                                    models.push(kind);
                                                }
                                            });
                                    }
                                />
                                {kind.approach()}
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
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
                                    match event_target_value(&event).as_str() {
                                        "paper" => SplitMode::Paper,
                                        "random" => SplitMode::Random,
                                        _ => SplitMode::Chrono,
                                    },
                                )
                        }
                    >
                        <option value="chrono" selected=move || settings.split.get() == SplitMode::Chrono>
                            "Chronological 70/15/15 (honest)"
                        </option>
                        <option value="random" selected=move || settings.split.get() == SplitMode::Random>
                            "Random 70/15/15 (seeded, leaky)"
                        </option>
                        <option value="paper" selected=move || settings.split.get() == SplitMode::Paper>
                            "Paper-compatible (optimistic)"
                        </option>
                    </select>
                </label>
                <label>
                    "Seed"
                    <input
                        type="number"
                        data-testid="seed"
                        min="0"
                        prop:value=move || settings.seed.get().to_string()
                        on:input=move |event| {
                            if let Ok(seed) = event_target_value(&event).parse() {
                                settings.seed.set(seed);
                            }
                        }
                    />
                </label>
                <button type="submit" class="primary" data-testid="train" prop:disabled=move || !can_train()>
                    "Train"
                </button>
            </form>
        </section>
    }
}
