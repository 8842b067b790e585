use leptos::prelude::*;
use perfspec::export::{results_csv, results_json, vocabulary_csv};
use perfspec::run_config::RunConfig;

use crate::page::download::download_text;
use crate::page::engine_client::Engine;
use crate::page::file_text::{chosen_files, read_text};
use crate::page::state::AppState;

/// Export: results, vocabulary, configuration and model files as downloads, and a configuration
/// read back in. Each chart has its own PNG and SVG buttons under it.
#[component]
pub(crate) fn ExportPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let engine = expect_context::<Engine>();
    let save = move |name: &str, mime: &str, text: String| {
        if let Err(why) = download_text(name, mime, &text) {
            state.error.set(Some(why));
        }
    };
    let has_report = move || state.report.with(Option::is_some);
    let has_data = move || state.dataset.with(Option::is_some);
    let results_json_text = move || {
        let report = state.report.get_untracked()?;
        let (events, types) = state
            .dataset
            .with_untracked(|d| d.as_ref().map_or((0, 0), |d| (d.events, d.types)));
        let seed = report.rows.first().map_or(0, |row| row.details.seed);
        let mut text =
            serde_json::to_string_pretty(&results_json(events, types, seed, &report)).ok()?;
        text.push('\n');
        Some(text)
    };
    view! {
        <section class="card" aria-labelledby="export-heading">
            <h2 id="export-heading">"Export"</h2>
            <p class="muted">"Files are made in this tab and saved by your browser; nothing is uploaded."</p>
            <div class="export-groups">
                <fieldset>
                    <legend>"Results"</legend>
                    <ExportButton
                        testid="export-results-csv"
                        label="Results CSV"
                        enabled=Signal::derive(has_report)
                        on_click=move || {
                            if let Some(report) = state.report.get_untracked() {
                                save("perfspec-results.csv", "text/csv", results_csv(&report));
                            }
                        }
                    />
                    <ExportButton
                        testid="export-results-json"
                        label="Results JSON"
                        enabled=Signal::derive(has_report)
                        on_click=move || {
                            if let Some(text) = results_json_text() {
                                save("perfspec-results.json", "application/json", text);
                            }
                        }
                    />
                    <ExportButton
                        testid="export-models"
                        label="Model files"
                        title="One model file per row, for Predict here or `perfspec predict`"
                        enabled=Signal::derive(has_report)
                        on_click=move || engine.save_models()
                    />
                </fieldset>
                <fieldset>
                    <legend>"Data"</legend>
                    <ExportButton
                        testid="export-vocabulary-csv"
                        label="Vocabulary CSV"
                        enabled=Signal::derive(has_data)
                        on_click=move || {
                            if let Some(text) = state
                                .dataset
                                .with_untracked(|d| d.as_ref().map(|d| vocabulary_csv(&d.vocabulary)))
                            {
                                save("perfspec-vocabulary.csv", "text/csv", text);
                            }
                        }
                    />
                    <ExportButton
                        testid="export-vocabulary-json"
                        label="Vocabulary JSON"
                        enabled=Signal::derive(has_data)
                        on_click=move || {
                            let text = state.dataset.with_untracked(|d| {
                                d.as_ref().and_then(|d| serde_json::to_string_pretty(&d.vocabulary).ok())
                            });
                            if let Some(text) = text {
                                save("perfspec-vocabulary.json", "application/json", text);
                            }
                        }
                    />
                </fieldset>
                <fieldset>
                    <legend>"Configuration"</legend>
                    <ExportButton
                        testid="export-config"
                        label="Configuration JSON"
                        enabled=Signal::derive(|| true)
                        on_click=move || match state.run_config() {
                            Ok(config) => save("perfspec-config.json", "application/json", config.to_json()),
                            Err(why) => state.error.set(Some(why)),
                        }
                    />
                    <ConfigImport/>
                </fieldset>
            </div>
        </section>
    }
}

/// One export: a button, enabled when there is something to export.
#[component]
fn ExportButton(
    testid: &'static str,
    label: &'static str,
    #[prop(into)] enabled: Signal<bool>,
    on_click: impl Fn() + 'static,
    #[prop(optional)] title: Option<&'static str>,
) -> impl IntoView {
    view! {
        <button
            type="button"
            data-testid=testid
            title=title
            prop:disabled=move || !enabled.get()
            on:click=move |_| on_click()
        >
            {label}
        </button>
    }
}

/// Reads a configuration file back: every setting is restored and, with data loaded, the run
/// reproduced.
#[component]
fn ConfigImport() -> impl IntoView {
    let state = expect_context::<AppState>();
    let engine = expect_context::<Engine>();
    let on_change = move |event: web_sys::Event| {
        let Some(file) = chosen_files(&event).into_iter().next() else {
            return;
        };
        wasm_bindgen_futures::spawn_local(async move {
            let name = file.name();
            let read = read_text(&file).await.and_then(|text| {
                RunConfig::from_json(&text).map_err(|why| format!("{name}: {why}"))
            });
            match read {
                Ok(config) => {
                    state.notice.set(format!("Settings read from {name}."));
                    engine.apply_config(&config);
                }
                Err(why) => state.error.set(Some(why)),
            }
        });
    };
    view! {
        <label class="file-button">
            "Import configuration… "
            <input type="file" accept=".json,application/json" data-testid="config-file" on:change=on_change/>
        </label>
    }
}
