//! The Replay section's inputs (see `replay_settings` for what each holds).

use leptos::prelude::*;
use perfspec::replay::{OnArrival, VerificationCost};

use crate::page::components::number_field::NumberField;
use crate::page::file_text::{chosen_files, read_text};
use crate::page::replay_settings::CostFile;
use crate::page::state::AppState;

#[component]
pub(crate) fn ReplayForm() -> impl IntoView {
    let state = expect_context::<AppState>();
    let settings = state.replay_settings;
    view! {
        <div class="replay-form">
            <NumberField
                label="Verification cost (ms)"
                testid="replay-cost"
                min="0"
                hint="What verifying one event costs (the paper's runtime check: 600 ms); with a cost file, of every type it does not list"
                get=move || settings.cost_ms.get()
                set=move |value| settings.cost_ms.set(value)
            />
            <NumberField
                label="Lookup (ms)"
                testid="replay-lookup"
                min="0"
                hint="Time to answer an event from a result that is ready"
                get=move || settings.lookup_ms.get()
                set=move |value| settings.lookup_ms.set(value)
            />
            <NumberField
                label="Workers"
                testid="replay-workers"
                step="1"
                min="1"
                hint="Verifications the verifier runs at once"
                get=move || settings.workers.get()
                set=move |value| settings.workers.set(value)
            />
            <TextField
                label="k"
                testid="replay-k"
                placeholder="1,3,9"
                hint="Candidates verified per predicted event, a list: 1,3,9 or 1-5 (each 1 to 20)"
                value=settings.ks
            />
            <TextField
                label="Horizon"
                testid="replay-horizon"
                placeholder="1,2,3"
                hint="How many events ahead each prediction covers, a list (each 1 to 8)"
                value=settings.horizons
            />
            <TextField
                label="Cache lifetime (ms)"
                testid="replay-lifetime"
                placeholder="per prediction"
                hint="Empty: a result answers one predicted event, as PerfSPEC's runtime does. A number: any result for a type answers every event of the type for that many ms"
                value=settings.lifetime_ms
            />
            <TextField
                label="Work budget (ms per event)"
                testid="replay-budget"
                placeholder="none"
                hint="The best k and horizon per model spend at most this much verification per event"
                value=settings.budget_ms
            />
        </div>
        <CostFileField/>
        <details class="replay-more">
            <summary>"More options"</summary>
            <div class="replay-form">
                <label class="field" title="Where an event without a ready result is verified">
                    "On arrival"
                    <select
                        data-testid="replay-on-arrival"
                        on:change=move |event| {
                            settings.on_arrival.set(match event_target_value(&event).as_str() {
                                "queued" => OnArrival::Queued,
                                _ => OnArrival::Inline,
                            })
                        }
                    >
                        <option value="inline" selected=move || settings.on_arrival.get() == OnArrival::Inline>
                            "Inline, at once"
                        </option>
                        <option value="queued" selected=move || settings.on_arrival.get() == OnArrival::Queued>
                            "Queued on the workers"
                        </option>
                    </select>
                </label>
                <NumberField
                    label="Beam"
                    testid="replay-beam"
                    step="1"
                    min="1"
                    hint="Paths of predicted events followed for the steps after the next"
                    get=move || settings.beam.get()
                    set=move |value| settings.beam.set(value)
                />
            </div>
        </details>
    }
}

/// A labelled text input bound to a string signal, shown as typed.
#[component]
fn TextField(
    label: &'static str,
    testid: &'static str,
    placeholder: &'static str,
    hint: &'static str,
    value: RwSignal<String>,
) -> impl IntoView {
    view! {
        <label class="field" title=hint>
            {label}
            <input
                type="text"
                data-testid=testid
                placeholder=placeholder
                prop:value=move || value.get()
                on:input=move |event| value.set(event_target_value(&event))
            />
        </label>
    }
}

/// Costs per event type from a `type,cost_ms` CSV file, or the one cost for every type.
#[component]
fn CostFileField() -> impl IntoView {
    let state = expect_context::<AppState>();
    let settings = state.replay_settings;
    let on_change = move |event: web_sys::Event| {
        let Some(file) = chosen_files(&event).into_iter().next() else {
            return;
        };
        wasm_bindgen_futures::spawn_local(async move {
            let name = file.name();
            let read = read_text(&file).await.and_then(|text| {
                VerificationCost::from_csv(&text, settings.cost_ms.get_untracked())
                    .map_err(|why| format!("{name}: {why}"))
            });
            match read {
                Ok(cost) => {
                    state.notice.set(format!(
                        "Read {} verification costs from {name}.",
                        cost.per_type.len()
                    ));
                    settings.cost_file.set(Some(CostFile {
                        name,
                        per_type: cost.per_type,
                    }));
                }
                Err(why) => state.error.set(Some(why)),
            }
        });
    };
    view! {
        <div class="replay-costs">
            {move || match settings.cost_file.get() {
                Some(file) => view! {
                    <span data-testid="replay-cost-file">
                        {format!(
                            "Costs per type: {} types from {}; every other type costs the verification cost. ",
                            file.per_type.len(),
                            file.name,
                        )}
                    </span>
                    <button type="button" class="link" data-testid="replay-cost-clear" on:click=move |_| settings.cost_file.set(None)>
                        "Use one cost for every type"
                    </button>
                }
                .into_any(),
                None => view! {
                    <label class="file-button" title="A CSV of type,cost_ms lines (a header line is allowed)">
                        "Costs per event type (CSV)… "
                        <input type="file" accept=".csv,text/csv,text/plain" data-testid="replay-cost-csv" on:change=on_change/>
                    </label>
                }
                .into_any(),
            }}
        </div>
    }
}
