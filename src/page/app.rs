//! The page: state and engine provided by context, sections as small components.

use leptos::prelude::*;

use crate::page::components::{
    DataSummary, DropZone, ErrorBanner, ExportPanel, PredictPanel, PreparePanel, ProgressBar,
    ReplayPanel, ResultsCharts, ResultsTable, ReviewPanel, TabBar, TabPanel, TrainPanel,
    VocabularyCharts, VocabularyTable,
};
use crate::page::engine_client::Engine;
use crate::page::state::{AppState, Tab};

#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new();
    provide_context(state);
    let engine = Engine::spawn(state);
    provide_context(engine);
    if let Some(saved) = crate::page::persist::load() {
        engine.apply_config(&saved);
    }
    crate::page::components::chart_view::prepare_fonts();
    // Every change of a setting is kept for the next visit (when the settings are valid).
    Effect::new(move |_| {
        let settings = state.settings;
        settings.models.track();
        settings.windows.track();
        settings.k.track();
        settings.split.track();
        settings.seed.track();
        settings.hyper_parameters.track();
        state.prepare_options.track();
        state.replay_settings.track();
        if let Ok(config) = state.run_config() {
            crate::page::persist::save(&config);
        }
    });
    view! {
        <header class="page-header">
            <h1>"PerfSPEC Learn"</h1>
            <p class="tagline">
                "Next-event predictors for proactive Kubernetes security, learned from your audit logs. "
                "Everything runs in this tab: your logs never leave the browser."
            </p>
        </header>
        <TabBar/>
        <main>
            <ProgressBar/>
            <ErrorBanner/>
            <p class="visually-hidden" aria-live="polite">{move || state.notice.get()}</p>
            <NextStep/>
            <TabPanel tab=Tab::Data>
                <DropZone/>
                <PreparePanel/>
                <DataSummary/>
            </TabPanel>
            <TabPanel tab=Tab::Vocabulary>
                <VocabularyTable/>
                <VocabularyCharts/>
            </TabPanel>
            <TabPanel tab=Tab::Train>
                <TrainPanel/>
            </TabPanel>
            <TabPanel tab=Tab::Results>
                <ResultsTable/>
                <ResultsCharts/>
            </TabPanel>
            <TabPanel tab=Tab::Replay>
                <ReplayPanel/>
            </TabPanel>
            <TabPanel tab=Tab::Review>
                <ReviewPanel/>
            </TabPanel>
            <TabPanel tab=Tab::Predict>
                <PredictPanel/>
            </TabPanel>
            <TabPanel tab=Tab::Export>
                <ExportPanel/>
            </TabPanel>
        </main>
        <footer class="page-footer">
            "Method: Kermabon-Bobinnec et al., PerfSPEC, IEEE TDSC 2024. "
            "Sample data: the PerfSPEC dataset (CC BY 4.0)."
        </footer>
    }
}

/// After a run, on the sections before Results: one click to the results.
#[component]
fn NextStep() -> impl IntoView {
    let state = expect_context::<AppState>();
    let show = move || {
        state.report.with(Option::is_some)
            && matches!(state.tab.get(), Tab::Data | Tab::Vocabulary | Tab::Train)
            && !state.is_busy()
    };
    view! {
        <Show when=show>
            <p class="next-step" data-testid="next-step">
                {move || state.report.with(|r| r.as_ref().map_or(0, |r| r.rows.len()))}
                " models trained. "
                <button type="button" class="link" on:click=move |_| state.tab.set(Tab::Results)>
                    "See the results →"
                </button>
            </p>
        </Show>
    }
}
