use leptos::prelude::*;
use perfspec::pipeline::DatasetSummary;

use crate::format;
use crate::page::components::warning_list::WarningList;
use crate::page::state::AppState;

/// How many skipped records are listed on the page (the engine keeps the first 100).
const SKIPS_SHOWN: usize = 10;

/// What the logs gave: events and types, the files read, the funnel and what was skipped.
#[component]
pub(crate) fn DataSummary() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        state
            .dataset
            .get()
            .map(|summary| view! { <DatasetView summary/> })
    }
}

#[component]
pub(crate) fn DatasetView(summary: DatasetSummary) -> impl IntoView {
    let span = summary
        .time_span
        .clone()
        .map(|(first, last)| format!("{first} → {last}"));
    let skipped_more = summary.records_skipped.saturating_sub(SKIPS_SHOWN as u64);
    view! {
        <section class="card data-summary" aria-labelledby="data-heading">
            <h2 id="data-heading">"Data"</h2>
            <dl class="figures">
                <div>
                    <dt>"Events"</dt>
                    <dd data-testid="event-count">{format::count(summary.events as u64)}</dd>
                </div>
                <div>
                    <dt>"Event types"</dt>
                    <dd data-testid="type-count">{format::count(summary.types as u64)}</dd>
                </div>
                <div>
                    <dt>"Records read"</dt>
                    <dd data-testid="records-read">{format::count(summary.records_read)}</dd>
                </div>
                <div>
                    <dt>"Skipped"</dt>
                    <dd data-testid="records-skipped">{format::count(summary.records_skipped)}</dd>
                </div>
            </dl>
            {span.map(|span| view! { <p class="time-span">"Time span: " {span}</p> })}
            <LoadStatsLine/>
            <WarningList/>
            <div class="table-scroll unbounded">
                <table class="quality stack" data-testid="quality-table">
                    <caption>"Split quality (chronological 70/15/15)"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Window"</th>
                            <th scope="col">"Sequences"</th>
                            <th scope="col">"Test windows"</th>
                            <th scope="col">"Test events of unseen types"</th>
                            <th scope="col">"Test windows also in training"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {summary
                            .quality
                            .iter()
                            .map(|quality| {
                                view! {
                                    <tr>
                                        <td class="number" data-label="Window">{quality.window}</td>
                                        <td class="number" data-label="Sequences">{format::count(summary.sequences as u64)}</td>
                                        <td class="number" data-label="Test windows">{format::count(quality.test_windows as u64)}</td>
                                        <td class="number" data-label="Test events of unseen types">{format::percent(quality.oov_share)}</td>
                                        <td class="number" data-label="Test windows also in training">{format::percent(quality.leakage_share)}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
            <div class="table-scroll unbounded">
                <table class="files stack" data-testid="file-table">
                    <caption>"Files"</caption>
                    <thead>
                        <tr><th scope="col">"File"</th><th scope="col">"Format"</th><th scope="col">"Records"</th><th scope="col">"Skipped"</th></tr>
                    </thead>
                    <tbody>
                        {summary
                            .files
                            .iter()
                            .map(|file| {
                                view! {
                                    <tr>
                                        <td data-label="File">{file.file.clone()}</td>
                                        <td data-label="Format">{file.format.label()}</td>
                                        <td class="number" data-label="Records">{format::count(file.records)}</td>
                                        <td class="number" data-label="Skipped">{format::count(file.skipped)}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
            <div class="table-scroll unbounded">
                <table class="funnel stack" data-testid="funnel">
                    <caption>"From records to events"</caption>
                    <thead>
                        <tr><th scope="col">"Step"</th><th scope="col">"Removed"</th><th scope="col">"Remaining"</th></tr>
                    </thead>
                    <tbody>
                        {summary
                            .funnel
                            .iter()
                            .map(|step| {
                                view! {
                                    <tr>
                                        <td data-label="Step">{step.step.clone()}</td>
                                        <td class="number" data-label="Removed">{format::count(step.removed)}</td>
                                        <td class="number" data-label="Remaining">{format::count(step.remaining)}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
            {(!summary.skipped.is_empty())
                .then(|| {
                    view! {
                        <details class="skipped" data-testid="skipped">
                            <summary>
                                {format!(
                                    "{} {} skipped",
                                    format::count(summary.records_skipped),
                                    if summary.records_skipped == 1 { "record" } else { "records" },
                                )}
                            </summary>
                            <ul>
                                {summary
                                    .skipped
                                    .iter()
                                    .take(SKIPS_SHOWN)
                                    .map(|skip| {
                                        view! {
                                            <li>{format!("{} line {}: {}", skip.file, skip.line, skip.reason)}</li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                            {(skipped_more > 0).then(|| view! { <p>{format!("and {skipped_more} more")}</p> })}
                        </details>
                    }
                })}
        </section>
    }
}

/// Throughput and memory of the last read, measured in the worker.
#[component]
pub(crate) fn LoadStatsLine() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        state.load_stats.get().map(|stats| {
            let megabytes = stats.bytes / 1e6;
            let rate = megabytes / stats.read_seconds.max(1e-9);
            view! {
                <p
                    class="load-stats"
                    data-testid="load-stats"
                    data-bytes=stats.bytes.to_string()
                    data-read-seconds=stats.read_seconds.to_string()
                    data-wasm-memory-bytes=stats.wasm_memory_bytes.to_string()
                >
                    {format!(
                        "Read {megabytes:.1} MB in {:.2} s ({rate:.0} MB/s), prepared in {:.2} s; worker memory {:.0} MB.",
                        stats.read_seconds,
                        stats.prepare_seconds,
                        stats.wasm_memory_bytes / 1e6,
                    )}
                </p>
            }
        })
    }
}
