use leptos::prelude::*;
use perfspec::prepare::{AuditIdDedup, EventOrder, PrepareOptions, Sequencing};

use crate::page::engine_client::Engine;
use crate::page::state::AppState;

fn globs(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|glob| !glob.is_empty())
        .map(String::from)
        .collect()
}

/// The prepare options beyond the PerfSPEC preset (see `PrepareOptions` and ARCHITECTURE.md,
/// Prepare). They apply to the next load, or at once to the loaded records with "Apply".
#[component]
pub(crate) fn PreparePanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let engine = expect_context::<Engine>();
    let options = state.prepare_options;
    let edit = move |change: &dyn Fn(&mut PrepareOptions)| options.update(|o| change(o));
    let checkbox = move |label: &'static str,
                         testid: &'static str,
                         get: fn(&PrepareOptions) -> bool,
                         set: fn(&mut PrepareOptions, bool)| {
        view! {
            <label class="check">
                <input
                    type="checkbox"
                    data-testid=testid
                    prop:checked=move || options.with(get)
                    on:change=move |event| {
                        let on = event_target_checked(&event);
                        options.update(|o| set(o, on));
                    }
                />
                {label}
            </label>
        }
    };
    let glob_field = move |label: &'static str,
                           testid: &'static str,
                           get: fn(&PrepareOptions) -> &Vec<String>,
                           set: fn(&mut PrepareOptions, Vec<String>)| {
        view! {
            <label>
                {label}
                <input
                    type="text"
                    data-testid=testid
                    placeholder="glob, glob"
                    prop:value=move || options.with(|o| get(o).join(", "))
                    on:change=move |event| {
                        let value = globs(&event_target_value(&event));
                        options.update(|o| set(o, value));
                    }
                />
            </label>
        }
    };
    let sequencing_kind = move || match options.with(|o| o.sequences) {
        Sequencing::Global => "global",
        Sequencing::User => "user",
        Sequencing::Namespace => "namespace",
        Sequencing::Idle(_) => "idle",
    };
    let idle_seconds = move || match options.with(|o| o.sequences) {
        Sequencing::Idle(seconds) => seconds,
        _ => 30.0,
    };
    let has_data = move || state.dataset.with(Option::is_some);
    view! {
        <details class="card prepare" data-testid="prepare-options">
            <summary><h2>"Prepare options"</h2><span class="hint">"PerfSPEC preset, plus:"</span></summary>
            <div class="prepare-grid">
                {checkbox("Drop deletecollection", "opt-drop-deletecollection", |o| o.drop_deletecollection, |o, v| o.drop_deletecollection = v)}
                {checkbox("Subresource in the type (create_pods/binding)", "opt-subresource", |o| o.subresource_in_type, |o, v| o.subresource_in_type = v)}
                {checkbox("Drop failed requests (status ≥ 400)", "opt-drop-failed", |o| o.drop_failed, |o, v| o.drop_failed = v)}
                {checkbox("Keep one copy of repeated runs", "opt-dedup-repeated-run", |o| o.dedup_repeated_run, |o, v| o.dedup_repeated_run = v)}
                <label>
                    "One record per auditID"
                    <select
                        data-testid="opt-dedup-audit-id"
                        on:change=move |event| {
                            let choice = match event_target_value(&event).as_str() {
                                "first" => Some(AuditIdDedup::First),
                                "complete" => Some(AuditIdDedup::Complete),
                                _ => None,
                            };
                            edit(&|o| o.dedup_audit_id = choice);
                        }
                    >
                        <option value="off" selected=move || options.with(|o| o.dedup_audit_id.is_none())>"Off (every stage)"</option>
                        <option value="first" selected=move || options.with(|o| o.dedup_audit_id == Some(AuditIdDedup::First))>"First stage seen"</option>
                        <option value="complete" selected=move || options.with(|o| o.dedup_audit_id == Some(AuditIdDedup::Complete))>"ResponseComplete only"</option>
                    </select>
                </label>
                <label>
                    "Order"
                    <select
                        data-testid="opt-order"
                        on:change=move |event| {
                            let order = if event_target_value(&event) == "time" { EventOrder::Time } else { EventOrder::File };
                            edit(&|o| o.order = order);
                        }
                    >
                        <option value="file" selected=move || options.with(|o| o.order == EventOrder::File)>"As written (file order)"</option>
                        <option value="time" selected=move || options.with(|o| o.order == EventOrder::Time)>"By requestReceivedTimestamp"</option>
                    </select>
                </label>
                <label>
                    "Sequences"
                    <select
                        data-testid="opt-sequences"
                        on:change=move |event| {
                            let sequences = match event_target_value(&event).as_str() {
                                "user" => Sequencing::User,
                                "namespace" => Sequencing::Namespace,
                                "idle" => Sequencing::Idle(idle_seconds()),
                                _ => Sequencing::Global,
                            };
                            edit(&|o| o.sequences = sequences);
                        }
                    >
                        <option value="global" selected=move || sequencing_kind() == "global">"One global sequence"</option>
                        <option value="user" selected=move || sequencing_kind() == "user">"Per user"</option>
                        <option value="namespace" selected=move || sequencing_kind() == "namespace">"Per namespace"</option>
                        <option value="idle" selected=move || sequencing_kind() == "idle">"Split on idle gaps"</option>
                    </select>
                </label>
                <Show when=move || sequencing_kind() == "idle">
                    <label>
                        "Idle gap (seconds)"
                        <input
                            type="number"
                            min="0.001"
                            step="any"
                            data-testid="opt-idle-seconds"
                            prop:value=move || idle_seconds().to_string()
                            on:change=move |event| {
                                if let Ok(seconds) = event_target_value(&event).parse::<f64>() {
                                    if seconds > 0.0 {
                                        edit(&|o| o.sequences = Sequencing::Idle(seconds));
                                    }
                                }
                            }
                        />
                    </label>
                </Show>
                {glob_field("Exclude users", "opt-exclude-users", |o| &o.exclude_users, |o, v| o.exclude_users = v)}
                {glob_field("Only namespaces", "opt-namespaces", |o| &o.namespaces, |o, v| o.namespaces = v)}
                {glob_field("Exclude namespaces", "opt-exclude-namespaces", |o| &o.exclude_namespaces, |o, v| o.exclude_namespaces = v)}
            </div>
            <div class="prepare-actions">
                <button
                    class="primary"
                    data-testid="apply-prepare"
                    prop:disabled=move || !has_data() || state.is_busy()
                    on:click=move |_| engine.prepare(options.get_untracked())
                >
                    "Apply to loaded data"
                </button>
                <button
                    data-testid="reset-prepare"
                    on:click=move |_| options.set(PrepareOptions::perfspec())
                >
                    "Reset to the PerfSPEC preset"
                </button>
            </div>
        </details>
    }
}
