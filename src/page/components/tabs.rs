use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::page::state::{AppState, Tab};

/// The section switcher: a WAI-ARIA tab list (arrow keys, Home and End move between tabs).
#[component]
pub(crate) fn TabBar() -> impl IntoView {
    let state = expect_context::<AppState>();
    let focus_tab = |tab: Tab| {
        let button = web_sys::window()
            .and_then(|window| window.document())
            .and_then(|document| document.get_element_by_id(&format!("tab-{}", tab.name())))
            .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(button) = button {
            let _ = button.focus();
        }
    };
    let on_key = move |event: web_sys::KeyboardEvent| {
        let current = Tab::ALL
            .iter()
            .position(|tab| *tab == state.tab.get_untracked())
            .unwrap_or(0);
        let last = Tab::ALL.len() - 1;
        let next = match event.key().as_str() {
            "ArrowRight" => (current + 1) % Tab::ALL.len(),
            "ArrowLeft" => (current + last) % Tab::ALL.len(),
            "Home" => 0,
            "End" => last,
            _ => return,
        };
        event.prevent_default();
        state.tab.set(Tab::ALL[next]);
        focus_tab(Tab::ALL[next]);
    };
    view! {
        <nav class="tabs" aria-label="Sections">
            <div role="tablist" on:keydown=on_key>
                {Tab::ALL
                    .into_iter()
                    .map(|tab| {
                        let selected = move || state.tab.get() == tab;
                        view! {
                            <button
                                type="button"
                                role="tab"
                                id=format!("tab-{}", tab.name())
                                data-testid=format!("tab-{}", tab.name())
                                aria-controls=format!("panel-{}", tab.name())
                                aria-selected=move || selected().to_string()
                                tabindex=move || if selected() { "0" } else { "-1" }
                                class:selected=selected
                                on:click=move |_| state.tab.set(tab)
                            >
                                {tab.label()}
                                <TabBadge tab=tab/>
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
        </nav>
    }
}

/// A count beside a tab's name, where one says what is in it.
#[component]
fn TabBadge(tab: Tab) -> impl IntoView {
    let state = expect_context::<AppState>();
    let count = move || match tab {
        Tab::Vocabulary => state.dataset.with(|d| d.as_ref().map(|d| d.types)),
        Tab::Results => state
            .rows
            .with(|rows| (!rows.is_empty()).then_some(rows.len())),
        Tab::Data => state
            .dataset
            .with(|d| d.as_ref().map(|d| d.warnings.len()).filter(|n| *n > 0)),
        _ => None,
    };
    view! {
        {move || count().map(|n| view! { <span class="tab-badge">{n}</span> })}
    }
}

/// One section; hidden, not unmounted, while another is shown, so that its state (a search,
/// a drawn chart) is still there on return.
#[component]
pub(crate) fn TabPanel(tab: Tab, children: Children) -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <div
            role="tabpanel"
            class="tab-panel"
            id=format!("panel-{}", tab.name())
            aria-labelledby=format!("tab-{}", tab.name())
            hidden=move || state.tab.get() != tab
        >
            {children()}
        </div>
    }
}
