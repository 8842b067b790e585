use leptos::prelude::*;
use perfspec::predict::parse_context;

use crate::format;
use crate::page::engine_client::Engine;
use crate::page::file_text::{chosen_files, read_text};
use crate::page::state::AppState;
use crate::protocol::{ModelPrediction, ModelSource};

/// Predict: the last events typed or picked, and every model's top-k next events side by side;
/// model files saved earlier (by this page or the CLI) can be read in to predict too.
#[component]
pub(crate) fn PredictPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let engine = expect_context::<Engine>();
    let context = RwSignal::new(String::new());
    let adding = RwSignal::new(String::new());
    let k = RwSignal::new(5usize);
    let run = move || {
        let names = parse_context(&context.get_untracked())
            .into_iter()
            .map(str::to_string)
            .collect();
        engine.predict(names, k.get_untracked());
    };
    let add = move || {
        let name = adding.get_untracked().trim().to_string();
        if name.is_empty() {
            return;
        }
        context.update(|text| {
            let trimmed = text.trim_end().trim_end_matches(',').trim_end();
            *text = if trimmed.is_empty() {
                name
            } else {
                format!("{trimmed}, {name}")
            };
        });
        adding.set(String::new());
        run();
    };
    let has_models = move || {
        state.report.with(Option::is_some) || state.imported.with(|models| !models.is_empty())
    };
    let types = move || {
        state.dataset.with(|dataset| {
            dataset
                .as_ref()
                .map(|d| {
                    d.vocabulary
                        .iter()
                        .map(|e| e.name.clone())
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    view! {
        <section class="card" aria-labelledby="predict-heading">
            <h2 id="predict-heading">"Predict"</h2>
            <p class="muted">
                "Give the last events, oldest first; each model reads as many as its window. "
                "Types a model has never seen are ignored, and the context restarts after them."
            </p>
            <datalist id="vocabulary-types">
                {move || types().into_iter().map(|name| view! { <option value=name></option> }).collect_view()}
            </datalist>
            <form
                class="predict-form"
                on:submit=move |event| {
                    event.prevent_default();
                    run();
                }
            >
                <label class="wide">
                    "Last events"
                    <input
                        type="text"
                        data-testid="predict-context"
                        placeholder="e.g. create_secrets, update_secrets"
                        autocomplete="off"
                        prop:value=move || context.get()
                        on:input=move |event| context.set(event_target_value(&event))
                    />
                </label>
                <label>
                    "Top"
                    <input
                        type="number"
                        data-testid="predict-k"
                        min="1"
                        max="20"
                        prop:value=move || k.get().to_string()
                        on:input=move |event| {
                            if let Ok(value) = event_target_value(&event).parse::<usize>() {
                                k.set(value.clamp(1, 20));
                            }
                        }
                    />
                </label>
                <button type="submit" class="primary" data-testid="predict-run" prop:disabled=move || !has_models()>
                    "Predict"
                </button>
            </form>
            <div class="predict-add">
                <label>
                    "Add an event "
                    <input
                        type="text"
                        list="vocabulary-types"
                        data-testid="predict-add"
                        placeholder="type to search the vocabulary"
                        prop:value=move || adding.get()
                        on:input=move |event| adding.set(event_target_value(&event))
                        on:keydown=move |event| {
                            if event.key() == "Enter" {
                                event.prevent_default();
                                add();
                            }
                        }
                    />
                </label>
                <button type="button" on:click=move |_| add()>"Add"</button>
                <button type="button" on:click=move |_| context.set(String::new())>"Clear"</button>
            </div>
            <ModelFileImport/>
            <Show
                when=has_models
                fallback=|| view! { <p class="muted">"Train models, or read a model file, to predict."</p> }
            >
                <PredictionGrid/>
            </Show>
        </section>
    }
}

/// Every model's answer, one column each.
#[component]
fn PredictionGrid() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <div class="prediction-grid" data-testid="predict-results" aria-live="polite">
            // Each answer replaces the whole set, so there is nothing for a keyed list to keep.
            {move || {
                state
                    .predictions
                    .get()
                    .into_iter()
                    .map(|answer| view! { <PredictionCard answer=answer/> })
                    .collect_view()
            }}
        </div>
    }
}

#[component]
fn PredictionCard(answer: ModelPrediction) -> impl IntoView {
    let source = match &answer.source {
        ModelSource::Trained => "trained here".to_string(),
        ModelSource::Imported(file) => format!("from {file}"),
    };
    let read = if answer.prediction.context.is_empty() {
        "no context".to_string()
    } else {
        answer.prediction.context.join(" → ")
    };
    let ignored = (!answer.prediction.ignored.is_empty()).then(|| {
        format!(
            "Unknown to this model, ignored: {}",
            answer.prediction.ignored.join(", ")
        )
    });
    let top = answer
        .prediction
        .predictions
        .first()
        .map_or(1.0, |p| p.probability)
        .max(1e-12);
    view! {
        <article class="prediction" data-model=answer.model.clone() data-window=answer.window.to_string()>
            <h3>{format!("{} · window {}", answer.approach, answer.window)}</h3>
            <p class="muted small">{source}" · reads: "{read}</p>
            {ignored.map(|text| view! { <p class="warning small">{text}</p> })}
            <ol>
                {answer
                    .prediction
                    .predictions
                    .into_iter()
                    .map(|p| {
                        let width = format!("width: {:.1}%", p.probability / top * 100.0);
                        view! {
                            <li>
                                <span class="type-name">
                                    {p.name.clone()}
                                    {p.new.then(|| view! {
                                        " "
                                        <span class="new-type" data-testid="new-type" title="Never seen in training: composed from a known verb and resource">"new"</span>
                                    })}
                                </span>
                                <span class="probability">{format::percent(p.probability)}</span>
                                <span class="bar" aria-hidden="true"><span style=width></span></span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </article>
    }
}

/// Reading model files for Predict.
#[component]
fn ModelFileImport() -> impl IntoView {
    let state = expect_context::<AppState>();
    let engine = expect_context::<Engine>();
    let on_change = move |event: web_sys::Event| {
        for file in chosen_files(&event) {
            wasm_bindgen_futures::spawn_local(async move {
                match read_text(&file).await {
                    Ok(text) => engine.import_model(file.name(), text),
                    Err(why) => state.error.set(Some(why)),
                }
            });
        }
    };
    view! {
        <div class="model-import">
            <label class="file-button">
                "Read a model file… "
                <input type="file" accept=".json,application/json" multiple data-testid="model-file" on:change=on_change/>
            </label>
            <Show when=move || state.imported.with(|m| !m.is_empty())>
                <ul class="imported" data-testid="imported-models">
                    {move || {
                        state
                            .imported
                            .get()
                            .into_iter()
                            .map(|model| {
                                view! {
                                    <li>
                                        <code>{model.file.clone()}</code>
                                        {format!(": {}, window {}, {} event types", model.approach, model.window, model.types)}
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
                <button type="button" on:click=move |_| engine.clear_imported()>"Forget read models"</button>
            </Show>
        </div>
    }
}
