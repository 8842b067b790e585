//! The page: state and engine provided by context, sections as small components.

use leptos::prelude::*;

use crate::components::{
    DataSummary, DropZone, ErrorBanner, PreparePanel, ProgressBar, ResultsTable, TrainPanel,
    VocabularyTable,
};
use crate::engine_client::Engine;
use crate::state::AppState;

#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new();
    provide_context(state);
    provide_context(Engine::spawn(state));
    view! {
        <header class="page-header">
            <h1>"PerfSPEC Learn"</h1>
            <p class="tagline">
                "Next-event predictors for proactive Kubernetes security, learned from your audit logs. "
                "Everything runs in this tab: your logs never leave the browser."
            </p>
        </header>
        <main>
            <DropZone/>
            <ProgressBar/>
            <ErrorBanner/>
            <p class="visually-hidden" aria-live="polite">{move || state.notice.get()}</p>
            <PreparePanel/>
            <DataSummary/>
            <TrainPanel/>
            <ResultsTable/>
            <VocabularyTable/>
        </main>
        <footer class="page-footer">
            "Method: Kermabon-Bobinnec et al., PerfSPEC, IEEE TDSC 2024. "
            "Sample data: the PerfSPEC dataset (CC BY 4.0)."
        </footer>
    }
}
