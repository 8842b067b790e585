use leptos::prelude::*;

use crate::format;
use crate::state::AppState;

/// The event types, most frequent first, filtered by a search box.
#[component]
pub fn VocabularyTable() -> impl IntoView {
    let state = expect_context::<AppState>();
    let query = RwSignal::new(String::new());
    let entries = Memo::new(move |_| {
        let needle = query.get().to_lowercase();
        state.dataset.with(|dataset| {
            dataset
                .as_ref()
                .map(|dataset| {
                    dataset
                        .vocabulary
                        .iter()
                        .filter(|entry| {
                            needle.is_empty() || entry.name.to_lowercase().contains(&needle)
                        })
                        .cloned()
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    view! {
        <Show when=move || state.dataset.with(Option::is_some)>
            <section class="card" aria-labelledby="vocabulary-heading">
                <h2 id="vocabulary-heading">"Vocabulary"</h2>
                <label class="search">
                    "Search types "
                    <input
                        type="search"
                        data-testid="vocabulary-search"
                        placeholder="e.g. secrets"
                        prop:value=move || query.get()
                        on:input=move |event| query.set(event_target_value(&event))
                    />
                </label>
                <div class="table-scroll">
                    <table data-testid="vocabulary-table">
                        <thead>
                            <tr>
                                <th scope="col">"Type"</th>
                                <th scope="col">"Verb"</th>
                                <th scope="col">"Resource"</th>
                                <th scope="col">"Count"</th>
                                <th scope="col">"Share"</th>
                            </tr>
                        </thead>
                        <tbody>
                            <For
                                each=move || entries.get()
                                key=|entry| entry.name.clone()
                                children=|entry| {
                                    view! {
                                        <tr>
                                            <td><code>{entry.name}</code></td>
                                            <td>{entry.verb}</td>
                                            <td>{entry.resource}</td>
                                            <td class="number">{format::count(entry.count)}</td>
                                            <td class="number">{format::percent(entry.share)}</td>
                                        </tr>
                                    }
                                }
                            />
                        </tbody>
                    </table>
                </div>
            </section>
        </Show>
    }
}
