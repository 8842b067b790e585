//! The Vocabulary section's table: every event type, searchable and sortable by any column.
//!
//! A large log has hundreds or thousands of types, and laying out that many rows made showing the
//! section, and every sort or search, a long main-thread task. The table therefore draws only the
//! rows in view and a margin around them (its scroll box shows about fifteen), with empty rows of
//! the right height above and below standing in for the rest, so that the scroll bar and the
//! position in the list are those of the whole table; scrolling draws the rows that come into
//! view. Search and sort work on the whole vocabulary, as indices into it.

use leptos::html::{Div, Tbody};
use leptos::prelude::*;
use perfspec::prepare::vocabulary::VocabularyEntry;

use crate::format;
use crate::page::state::{AppState, Tab};

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

/// Rows drawn beyond those in view, above and below.
const OVERSCAN: usize = 20;
/// The rows drawn move in steps of this many, so that scrolling redraws a few rows at a time.
const STEP: usize = 10;
/// Rows drawn until the table has been measured in view: more than its scroll box (or a phone's
/// screen) shows.
const FIRST_ROWS: usize = 40;
/// A row's height in CSS pixels until one is measured.
const ROW_HEIGHT: f64 = 33.0;

/// The event types, most frequent first, filtered by a search box and sortable by any column.
#[component]
pub(crate) fn VocabularyTable() -> impl IntoView {
    let state = expect_context::<AppState>();
    let query = RwSignal::new(String::new());
    // (column, descending): counts start high-to-low, names A-to-Z.
    let order = RwSignal::new((Column::Count, true));
    // The rows shown, in order, as indices into the vocabulary: filtering and sorting copy no
    // entry.
    let shown = Memo::new(move |_| {
        let needle = query.get().to_lowercase();
        let (column, descending) = order.get();
        state.dataset.with(|dataset| {
            let Some(dataset) = dataset else {
                return Vec::new();
            };
            let entries = &dataset.vocabulary;
            let mut shown: Vec<usize> = (0..entries.len())
                .filter(|&index| {
                    needle.is_empty() || entries[index].name.to_lowercase().contains(&needle)
                })
                .collect();
            shown.sort_by(|&a, &b| column.compare(&entries[a], &entries[b], descending));
            shown
        })
    });
    let total = move || {
        state
            .dataset
            .with(|d| d.as_ref().map_or(0, |d| d.vocabulary.len()))
    };
    // Which of `shown` are drawn, [first, end), and the height of a row.
    let drawn = RwSignal::new((0, FIRST_ROWS));
    let row_height = RwSignal::new(ROW_HEIGHT);
    let drawn_range = move || {
        let len = shown.with(Vec::len);
        let (first, end) = clamp(drawn.get(), len);
        (first, end, len)
    };
    let space_above = move || {
        let (first, _, _) = drawn_range();
        first as f64 * row_height.get()
    };
    let space_below = move || {
        let (_, end, len) = drawn_range();
        (len - end) as f64 * row_height.get()
    };
    let scroller = NodeRef::<Div>::new();
    let body = NodeRef::<Tbody>::new();

    // Draws the rows that are in view (in the table's box and in the window, whichever scrolls).
    let follow = move || {
        let (Some(scroller), Some(body)) = (scroller.get_untracked(), body.get_untracked()) else {
            return;
        };
        let view = scroller.get_bounding_client_rect();
        if view.height() <= 0.0 {
            return; // the section is hidden
        }
        // The rows drawn, measured: the body less the empty rows above and below.
        let len = shown.with_untracked(Vec::len);
        let (first, end) = clamp(drawn.get_untracked(), len);
        if end > first {
            let spaces = (first + len - end) as f64 * row_height.get_untracked();
            let measured = (f64::from(body.offset_height()) - spaces) / (end - first) as f64;
            if measured.is_finite()
                && measured >= 8.0
                && (measured - row_height.get_untracked()).abs() > 0.5
            {
                row_height.set(measured);
            }
        }
        let height = row_height.get_untracked();
        let window_bottom = window()
            .inner_height()
            .ok()
            .and_then(|height| height.as_f64())
            .unwrap_or(view.bottom());
        let body_top = body.get_bounding_client_rect().top();
        let top = view.top().max(0.0) - body_top;
        let bottom = view.bottom().min(window_bottom) - body_top;
        if bottom <= top.max(0.0) {
            return; // no row in view
        }
        let first_seen = (top / height).floor().max(0.0) as usize;
        let last_seen = (bottom / height).ceil().max(0.0) as usize;
        let wanted = (
            first_seen.saturating_sub(OVERSCAN) / STEP * STEP,
            (last_seen + OVERSCAN).div_ceil(STEP) * STEP,
        );
        if drawn.get_untracked() != wanted {
            drawn.set(wanted);
        }
    };
    let on_window_scroll = window_event_listener(leptos::ev::scroll, move |_| follow());
    let on_resize = window_event_listener(leptos::ev::resize, move |_| follow());
    on_cleanup(move || {
        on_window_scroll.remove();
        on_resize.remove();
    });
    // Other data starts at the top.
    Effect::new(move |_| {
        state.dataset.track();
        drawn.set((0, FIRST_ROWS));
    });
    // A search or sort may leave the box scrolled anywhere, and the window may have scrolled or
    // changed size while the section was hidden: look again once it is laid out.
    Effect::new(move |_| {
        shown.track();
        if state.tab.get() == Tab::Vocabulary {
            request_animation_frame(follow);
        }
    });

    let rows = move || {
        let (first, end, _) = drawn_range();
        shown.with(|shown| {
            state.dataset.with(|dataset| {
                dataset
                    .as_ref()
                    .map(|dataset| {
                        (first..end)
                            .map(|position| (position, dataset.vocabulary[shown[position]].clone()))
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default()
            })
        })
    };

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
    // An empty row of `height` pixels, standing in for the rows not drawn.
    let spacer = move |height: Signal<f64>| {
        view! {
            <tr class="spacer" aria-hidden="true" hidden=move || height.get() <= 0.0>
                <td
                    colspan="7"
                    style:height=move || format!("{}px", height.get())
                    style:padding="0"
                    style:border="0"
                ></td>
            </tr>
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
                " "
                <span class="muted" data-testid="vocabulary-matches" aria-live="polite">
                    {move || {
                        let (matches, total) = (shown.with(Vec::len), total());
                        if matches == total {
                            format!("{} types", format::count(total as u64))
                        } else {
                            format!("{} of {} types", format::count(matches as u64), format::count(total as u64))
                        }
                    }}
                </span>
                <div class="table-scroll" node_ref=scroller on:scroll=move |_| follow()>
                    <table data-testid="vocabulary-table" aria-rowcount=move || shown.with(Vec::len) + 1>
                        <thead>
                            <tr aria-rowindex="1">
                                {header(Column::Type)}
                                {header(Column::Verb)}
                                {header(Column::Resource)}
                                {header(Column::Count)}
                                <th scope="col" class="number">"Share"</th>
                                {header(Column::First)}
                                {header(Column::Last)}
                            </tr>
                        </thead>
                        <tbody node_ref=body>
                            {spacer(Signal::derive(space_above))}
                            <For
                                each=rows
                                key=|(position, entry)| (*position, entry.name.clone())
                                children=|(position, entry)| {
                                    view! {
                                        <tr aria-rowindex=position + 2>
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
                            {spacer(Signal::derive(space_below))}
                        </tbody>
                    </table>
                </div>
            </section>
        </Show>
    }
}

/// `[first, end)` within a list of `len` rows: past the end (a search left fewer rows), the
/// last rows, as many.
fn clamp((first, end): (usize, usize), len: usize) -> (usize, usize) {
    let width = end.saturating_sub(first);
    let end = end.min(len);
    (first.min(end.saturating_sub(width)), end)
}

#[cfg(test)]
mod tests {
    use super::clamp;

    #[test]
    fn the_rows_drawn_stay_within_the_list() {
        assert_eq!(clamp((0, 40), 230), (0, 40));
        assert_eq!(clamp((100, 160), 230), (100, 160));
        assert_eq!(clamp((200, 260), 230), (170, 230));
        // a search that leaves 5 rows shows them, whatever the scroll position was
        assert_eq!(clamp((100, 160), 5), (0, 5));
        assert_eq!(clamp((0, 40), 0), (0, 0));
    }
}
