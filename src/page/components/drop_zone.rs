use leptos::ev::{DragEvent, KeyboardEvent};
use leptos::html::Input;
use leptos::prelude::*;

use crate::page::engine_client::Engine;
use crate::page::state::AppState;

/// Where logs come in: drag and drop, a file input (also reached by keyboard from the zone), and
/// the bundled sample.
#[component]
pub(crate) fn DropZone() -> impl IntoView {
    let state = expect_context::<AppState>();
    let engine = expect_context::<Engine>();
    let input = NodeRef::<Input>::new();
    let hovering = RwSignal::new(false);
    let busy = move || state.is_busy();
    let formats = accepted_formats();

    let on_drop = move |event: DragEvent| {
        event.prevent_default();
        hovering.set(false);
        if let Some(files) = event.data_transfer().and_then(|transfer| transfer.files()) {
            engine.load_file_list(files);
        }
    };
    let on_key = move |event: KeyboardEvent| {
        if event.target() == event.current_target() && matches!(event.key().as_str(), "Enter" | " ")
        {
            event.prevent_default();
            if let Some(input) = input.get() {
                input.click();
            }
        }
    };
    let on_change = move |_| {
        if let Some(files) = input.get().and_then(|input| input.files()) {
            engine.load_file_list(files);
        }
        if let Some(input) = input.get() {
            // Choosing the same file again should load it again.
            input.set_value("");
        }
    };

    view! {
        <section
            class="drop-zone"
            class:hovering=move || hovering.get()
            data-testid="drop-zone"
            tabindex="0"
            role="group"
            aria-label="Audit logs: drop files here, or press Enter to choose files"
            on:dragover=move |event: DragEvent| {
                event.prevent_default();
                hovering.set(true);
            }
            on:dragleave=move |_| hovering.set(false)
            on:drop=on_drop
            on:keydown=on_key
        >
            <p class="drop-title">"Drop Kubernetes audit logs here"</p>
            <p class="drop-hint">
                "Each file's format is recognised from its content; several files at once are read as one log."
            </p>
            <details class="formats" data-testid="formats">
                <summary>"Formats it reads"</summary>
                <ul>
                    {formats
                        .into_iter()
                        .map(|format| view! { <li>{with_code(format)}</li> })
                        .collect_view()}
                </ul>
            </details>
            <div class="drop-actions">
                <label class="file-button">
                    "Choose files"
                    <input
                        type="file"
                        multiple
                        data-testid="file-input"
                        node_ref=input
                        on:change=on_change
                        prop:disabled=busy
                    />
                </label>
                <span class="or">"or"</span>
                <button
                    class="primary"
                    data-testid="use-sample"
                    prop:disabled=busy
                    on:click=move |_| engine.load_sample()
                >
                    "Use sample data"
                </button>
            </div>
        </section>
    }
}

/// The formats the engine reads, one per item, taken from the sentence the engine itself shows
/// when nothing could be read: a format added to (or dropped from) the engine shows up here
/// without anyone remembering to edit the page.
fn accepted_formats() -> Vec<&'static str> {
    let list = perfspec::ACCEPTED_FORMATS;
    let list = list
        .strip_prefix("accepted formats:")
        .unwrap_or(list)
        .trim();
    list.split(';')
        .map(str::trim)
        .map(|item| item.strip_prefix("and ").unwrap_or(item))
        .filter(|item| !item.is_empty())
        .collect()
}

/// The engine's sentence marks literal text with backticks; on the page that is `<code>`.
fn with_code(text: &'static str) -> impl IntoView {
    text.split('`')
        .enumerate()
        .map(|(index, part)| {
            if index % 2 == 1 {
                view! { <code>{part}</code> }.into_any()
            } else {
                part.into_any()
            }
        })
        .collect_view()
}

#[cfg(test)]
mod tests {
    use super::accepted_formats;

    /// The split must keep up with the engine's sentence: if its wording changes shape (another
    /// separator, a lost prefix), the list on the page would turn into one blob or lose items.
    #[test]
    fn one_item_per_format() {
        let formats = accepted_formats();
        assert!(formats.len() >= 7, "{formats:#?}");
        for item in &formats {
            assert!(
                !item.contains(';') && !item.starts_with("accepted") && !item.starts_with("and "),
                "{item}"
            );
            assert_eq!(
                item.matches('`').count() % 2,
                0,
                "unbalanced backticks in {item}"
            );
        }
        for name in [
            "audit.k8s.io",
            "EventList",
            "GKE",
            "AKS",
            "EKS",
            "CSV",
            "token",
            "gzip",
        ] {
            assert_eq!(
                formats.iter().filter(|item| item.contains(name)).count(),
                1,
                "{name}: {formats:#?}"
            );
        }
    }
}
