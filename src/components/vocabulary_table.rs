use leptos::prelude::*;
use perfspec::VocabularyEntry;

use crate::format;
use crate::state::AppState;

/// What the vocabulary table is ordered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Type,
    Verb,
    Resource,
    Count,
    First,
    Last,
}

impl Column {
    fn label(self) -> &'static str {
        match self {
            Column::Type => "Type",
            Column::Verb => "Verb",
            Column::Resource => "Resource",
            Column::Count => "Count",
            Column::First => "First",
            Column::Last => "Last",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Column::Type => "type",
            Column::Verb => "verb",
            Column::Resource => "resource",
            Column::Count => "count",
            Column::First => "first",
            Column::Last => "last",
        }
    }

    /// The order of the column (reversed when `descending`), then by name A-to-Z, so that every
    /// order is total and ties read alphabetically either way.
    fn compare(
        self,
        a: &VocabularyEntry,
        b: &VocabularyEntry,
        descending: bool,
    ) -> std::cmp::Ordering {
        let primary = match self {
            Column::Type => a.name.cmp(&b.name),
            Column::Verb => a.verb.cmp(&b.verb),
            Column::Resource => a.resource.cmp(&b.resource),
            Column::Count => a.count.cmp(&b.count),
            Column::First => a.first.cmp(&b.first),
            Column::Last => a.last.cmp(&b.last),
        };
        let primary = if descending {
            primary.reverse()
        } else {
            primary
        };
        primary.then_with(|| a.name.cmp(&b.name))
    }
}

/// The event types, most frequent first, filtered by a search box and sortable by any column.
#[component]
pub fn VocabularyTable() -> impl IntoView {
    let state = expect_context::<AppState>();
    let query = RwSignal::new(String::new());
    // (column, descending): counts start high-to-low, names A-to-Z.
    let order = RwSignal::new((Column::Count, true));
    let entries = Memo::new(move |_| {
        let needle = query.get().to_lowercase();
        let (column, descending) = order.get();
        state.dataset.with(|dataset| {
            let mut entries = dataset
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
                .unwrap_or_default();
            entries.sort_by(|a, b| column.compare(a, b, descending));
            entries
        })
    });
    let header = move |column: Column| {
        let sorted = move || order.get().0 == column;
        let aria = move || match order.get() {
            (c, true) if c == column => "descending",
            (c, false) if c == column => "ascending",
            _ => "none",
        };
        let numeric = matches!(column, Column::Count | Column::First | Column::Last);
        view! {
            <th
                scope="col"
                aria-sort=aria
                class:number=numeric
                title=match column {
                    Column::First | Column::Last => "Position in the event sequence (0-based)",
                    _ => "",
                }
            >
                <button
                    type="button"
                    class="sort"
                    data-testid=format!("sort-{}", column.name())
                    on:click=move |_| {
                        order
                            .update(|(current, descending)| {
                                if *current == column {
                                    *descending = !*descending;
                                } else {
                                    *current = column;
                                    *descending = column == Column::Count;
                                }
                            })
                    }
                >
                    {column.label()}
                    <span aria-hidden="true">
                        {move || match (sorted(), order.get().1) {
                            (true, true) => " ▾",
                            (true, false) => " ▴",
                            _ => "",
                        }}
                    </span>
                </button>
            </th>
        }
    };
    view! {
        <Show
            when=move || state.dataset.with(Option::is_some)
            fallback=|| view! { <section class="card"><p class="muted">"Load audit logs to see their event types."</p></section> }
        >
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
                                {header(Column::Type)}
                                {header(Column::Verb)}
                                {header(Column::Resource)}
                                {header(Column::Count)}
                                <th scope="col" class="number">"Share"</th>
                                {header(Column::First)}
                                {header(Column::Last)}
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
                                            <td class="number">{format::count(entry.first as u64)}</td>
                                            <td class="number">{format::count(entry.last as u64)}</td>
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
