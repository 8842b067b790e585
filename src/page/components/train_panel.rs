use leptos::prelude::*;
use perfspec::dataset::SplitMode;
use perfspec::models::ModelKind;

use crate::page::components::number_field::NumberField;
use crate::page::engine_client::Engine;
use crate::page::state::{AppState, Preset};

/// Windows, k and split for the next run, and the button that starts it.
#[component]
pub(crate) fn TrainPanel() -> impl IntoView {
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
            <div class="presets" role="group" aria-label="Presets">
                <span class="muted">"Start from: "</span>
                {[Preset::Paper, Preset::Honest]
                    .into_iter()
                    .map(|preset| {
                        view! {
                            <button
                                type="button"
                                data-testid=format!("preset-{}", preset.name())
                                title=match preset {
                                    Preset::Paper => "The paper's protocol: n-gram, Bayesian network and LSTM at windows 1 and 2, top-9, evaluated on the training data (optimistic)",
                                    Preset::Honest => "Every model (the compositional one included) and both baselines at windows 1-3, chronological split, repeated runs kept once",
                                }
                                on:click=move |_| {
                                    // A preset is about training: the Replay section keeps its settings.
                                    let mut config = preset.config();
                                    if let Ok(replay) = state.replay_settings.config() {
                                        config.replay = replay;
                                    }
                                    engine.apply_config(&config)
                                }
                            >
                                {preset.label()}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
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
                        prop:value=move || settings.split.get().name()
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
            <HyperParameterFields/>
        </section>
    }
}

/// The learners' hyper-parameters, folded away: the defaults are sound (see `LstmParams`).
#[component]
fn HyperParameterFields() -> impl IntoView {
    let state = expect_context::<AppState>();
    let hyper = state.settings.hyper_parameters;
    macro_rules! field {
        ($label:expr, $testid:expr, $($path:ident).+, $step:expr, $hint:expr) => {
            view! {
                <NumberField
                    label=$label
                    testid=$testid
                    step=$step
                    hint=$hint
                    get=move || hyper.with(|h| h.$($path).+)
                    set=move |value| hyper.update(|h| h.$($path).+ = value)
                />
            }
        };
    }
    view! {
        <details class="hyper-parameters" data-testid="hyper-parameters">
            <summary>"Hyper-parameters"</summary>
            <fieldset>
                <legend>"LSTM"</legend>
                {field!("Epochs (at most)", "lstm-epochs", lstm.epochs, "1", "Training stops earlier when the validation loss stops improving")}
                {field!("Embedding size", "lstm-embedding", lstm.embedding, "1", "Width of each event type's learned vector")}
                {field!("Hidden size", "lstm-hidden", lstm.hidden, "1", "Units per LSTM layer")}
                {field!("Layers", "lstm-layers", lstm.layers, "1", "1 or 2 stacked LSTM layers")}
                {field!("Dropout", "lstm-dropout", lstm.dropout, "0.05", "Share of units dropped during training, in [0, 1)")}
                {field!("Learning rate", "lstm-lr", lstm.learning_rate, "any", "Adam's initial learning rate")}
                {field!("Batch size", "lstm-batch", lstm.batch, "1", "Windows per mini-batch")}
                {field!("Patience", "lstm-patience", lstm.patience, "1", "Epochs without a better validation loss before stopping")}
                {field!("LR factor", "lstm-lr-factor", lstm.lr_factor, "0.05", "The learning rate is multiplied by this on a plateau")}
                {field!("LR patience", "lstm-lr-patience", lstm.lr_patience, "1", "Flat epochs before the learning rate drops")}
                {field!("Minimum LR", "lstm-min-lr", lstm.min_learning_rate, "any", "The learning rate never drops below this")}
                {field!("Minimum gain", "lstm-min-improvement", lstm.min_improvement, "0.001", "An epoch counts as better for both patiences only when its validation loss beats the last better one by this share")}
                <label class="field" title="Types: one softmax over the event types. Factorised: the verb, then the resource with a copy from the context, so that pairs never seen in training can be predicted">
                    "Output"
                    <select
                        data-testid="lstm-output"
                        on:change=move |event| {
                            if let Some(output) = perfspec::models::LstmOutput::parse(&event_target_value(&event)) {
                                hyper.update(|h| h.lstm.output = output);
                            }
                        }
                    >
                        {perfspec::models::LstmOutput::ALL
                            .into_iter()
                            .map(|output| {
                                view! {
                                    <option value=output.name() selected=move || hyper.with(|h| h.lstm.output == output)>
                                        {output.name()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
            </fieldset>
            <fieldset>
                <legend>"Compositional"</legend>
                {field!("Copy reach", "compose-copy-reach", compose.copy_reach, "1", "How many earlier events the resource copy looks back over")}
                {field!("Type weight", "compose-type-weight", compose.type_weight, "0.05", "Share given to the whole-type n-gram, in [0, 1); the rest scores verb and resource apart")}
                {field!("Type gate", "compose-type-gate", compose.type_gate, "any", "The whole-type share shrinks where the last event's type was rarely a context in training (0: never)")}
                {field!("Copy prior", "compose-copy-prior", compose.copy_prior, "any", "Pseudo-count tying each verb's copy distances to all verbs'")}
                {field!("Cache reach", "compose-cache-reach", compose.cache_reach, "1", "How many of the latest events the recent-history cache counts")}
                {field!("Cache weight", "compose-cache-weight", compose.cache_weight, "0.05", "Weight of the recent-history cache against the learned counts (which weigh 1)")}
                {field!("Cache order", "compose-cache-order", compose.cache_order, "1", "Longest context, in events, of the recent-history cache's own n-gram")}
            </fieldset>
            <fieldset>
                <legend>"Bayesian network"</legend>
                {field!("Most parents", "bn-max-parents", bn.max_parents, "1", "Most parents a variable may have (1-4)")}
                {field!("Equivalent sample size", "bn-ess", bn.equivalent_sample_size, "any", "Weight of the structure score's uniform prior, in windows")}
                {field!("Prior strength", "bn-prior", bn.prior_strength, "any", "Dirichlet prior of the conditional tables, in windows")}
            </fieldset>
            <fieldset>
                <legend>"Baselines"</legend>
                {field!("Pseudo-count", "baseline-pseudo-count", baseline.pseudo_count, "any", "Added to every type's count (1 = Laplace)")}
                {field!("Repeat mass", "baseline-repeat-mass", baseline.repeat_mass, "0.05", "Probability the repeat baseline puts on the last event, in [0.5, 1)")}
            </fieldset>
        </details>
    }
}
