use leptos::ev::{DragEvent, KeyboardEvent};
use leptos::html::Input;
use leptos::prelude::*;

use crate::engine_client::Engine;
use crate::state::AppState;

/// Where logs come in: drag and drop, a file input (also reached by keyboard from the zone), and
/// the bundled sample.
#[component]
pub fn DropZone() -> impl IntoView {
    let state = expect_context::<AppState>();
    let engine = expect_context::<Engine>();
    let input = NodeRef::<Input>::new();
    let hovering = RwSignal::new(false);
    let busy = move || state.is_busy();

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
                "NDJSON audit events (audit.k8s.io v1, v1beta1), the PerfSPEC CSV, or token files. "
                "Several files at once are read as one log."
            </p>
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
