//! The page side of the worker: spawns it, sends requests, and turns its replies into state.

use gloo_worker::{Spawnable, WorkerBridge};
use leptos::prelude::*;
use perfspec::prepare::PrepareOptions;
use perfspec::progress::Stage;
use perfspec::run_config::RunConfig;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::codec::JsCodec;
use crate::page::state::{AppState, RunStatus};
use crate::protocol::{InputFile, Request, Response};
use crate::worker::EngineWorker;

/// Where Trunk puts the worker, relative to the page's base URL (so it works under a sub-path).
const WORKER_SCRIPT: &str = "./worker.js";
/// The bundled sample, copied next to the page by Trunk.
pub(crate) const SAMPLE_FILE: &str = "sample_logs/audit-logs.csv";
/// Between two model files of one "Model files" click: 4 a second, well under Chromium's limit
/// of 10 downloads a second per frame, with room for the user's own export clicks.
const DOWNLOAD_SPACING_MS: u32 = 250;
/// The progress detail while the sample is fetched, by which its fetch knows it is still wanted.
const FETCHING_SAMPLE: &str = "fetching the sample";

/// A handle on the engine worker, cheap to copy into event handlers.
#[derive(Clone, Copy)]
pub(crate) struct Engine {
    bridge: StoredValue<Option<WorkerBridge<EngineWorker>>, LocalStorage>,
    state: AppState,
}

impl Engine {
    /// Spawns the worker; its replies update `state`.
    pub(crate) fn spawn(state: AppState) -> Self {
        let engine = Self {
            bridge: StoredValue::new_local(None),
            state,
        };
        let bridge = EngineWorker::spawner()
            .encoding::<JsCodec>()
            .as_module(false)
            .callback(move |response| engine.receive(response))
            .spawn(WORKER_SCRIPT);
        engine.bridge.set_value(Some(bridge));
        engine
    }

    fn send(&self, request: Request) {
        self.bridge.with_value(|bridge| {
            if let Some(bridge) = bridge {
                bridge.send(request);
            }
        });
    }

    fn begin(&self, stage: Stage, detail: &str) {
        let now = now_ms();
        self.state.error.set(None);
        self.state.status.set(Some(RunStatus {
            stage,
            fraction: 0.0,
            detail: detail.to_string(),
            stage_started_ms: now,
            now_ms: now,
        }));
    }

    /// Reads the files and prepares their events, then trains with the current settings.
    pub(crate) fn load(&self, files: Vec<InputFile>) {
        if files.is_empty() {
            return;
        }
        self.state.dataset.set(None);
        self.state.rows.set(Vec::new());
        self.state.report.set(None);
        self.state.replay.set(None);
        self.begin(Stage::Reading, "starting");
        self.send(Request::Load {
            files,
            options: self.state.prepare_options.get_untracked(),
        });
    }

    /// Prepares the loaded records again with new options, then trains.
    pub(crate) fn prepare(&self, options: PrepareOptions) {
        if let Err(why) = options.validate() {
            self.state.error.set(Some(why));
            return;
        }
        self.state.prepare_options.set(options.clone());
        self.state.rows.set(Vec::new());
        self.state.report.set(None);
        self.state.replay.set(None);
        self.begin(Stage::Preparing, "starting");
        self.send(Request::Prepare(options));
    }

    pub(crate) fn load_file_list(&self, list: web_sys::FileList) {
        let files = (0..list.length())
            .filter_map(|index| list.get(index))
            .map(|file| InputFile {
                name: file.name(),
                blob: file.into(),
            })
            .collect();
        self.load(files);
    }

    /// Fetches the bundled sample (a static file of this page) and loads it.
    pub(crate) fn load_sample(&self) {
        let engine = *self;
        engine.begin(Stage::Reading, FETCHING_SAMPLE);
        wasm_bindgen_futures::spawn_local(async move {
            let fetched = fetch_blob(SAMPLE_FILE).await;
            // A Cancel, or another load, while the sample was on its way wins: loading it now
            // would start a run the user has stopped.
            let still_wanted = engine.state.status.with_untracked(|status| {
                status
                    .as_ref()
                    .is_some_and(|s| s.stage == Stage::Reading && s.detail == FETCHING_SAMPLE)
            });
            if !still_wanted {
                return;
            }
            match fetched {
                Ok(blob) => engine.load(vec![InputFile {
                    name: "audit-logs.csv (PerfSPEC sample)".into(),
                    blob,
                }]),
                Err(why) => {
                    engine.state.status.set(None);
                    engine
                        .state
                        .error
                        .set(Some(format!("The sample could not be loaded: {why}")));
                }
            }
        });
    }

    /// Trains with the current settings on the loaded data.
    pub(crate) fn train(&self) {
        match self.state.settings.config() {
            Ok(config) => {
                self.state.rows.set(Vec::new());
                self.state.report.set(None);
                self.state.replay.set(None);
                self.state.predictions.set(Vec::new());
                self.begin(Stage::Training, "starting");
                self.send(Request::Train(config));
            }
            Err(why) => self.state.error.set(Some(why)),
        }
    }

    /// Replays the last run's models with the Replay section's settings; the report lands in
    /// [`AppState::replay`]. Settings that do not hold are shown as the page's error.
    pub(crate) fn replay(&self) {
        match self.state.replay_settings.config() {
            Ok(config) => {
                self.state.replay.set(None);
                self.begin(Stage::Replaying, "starting");
                self.send(Request::Replay(config));
            }
            Err(why) => self.state.error.set(Some(why)),
        }
    }

    /// Every trained and imported model's top k after `context`.
    pub(crate) fn predict(&self, context: Vec<String>, k: usize) {
        self.send(Request::Predict { context, k });
    }

    /// The factors behind a compositional model's best `k` pairs for test window `index` of
    /// row `row`; the answer lands in [`AppState::explanation`].
    pub(crate) fn explain(&self, row: usize, index: usize, k: usize) {
        self.send(Request::Explain { row, index, k });
    }

    /// Asks for the last run's model files; they download when they arrive.
    pub(crate) fn save_models(&self) {
        self.send(Request::SaveModels);
    }

    /// Reads a model file for Predict.
    pub(crate) fn import_model(&self, name: String, text: String) {
        self.send(Request::ImportModel { name, text });
    }

    pub(crate) fn clear_imported(&self) {
        self.send(Request::ClearImported);
    }

    /// Restores every setting of `config`, and reproduces its run on the loaded data.
    pub(crate) fn apply_config(&self, config: &RunConfig) {
        self.state.settings.apply(&config.train);
        self.state.replay_settings.apply(&config.replay);
        if self.state.dataset.with_untracked(Option::is_some) && !self.state.is_busy() {
            self.prepare(config.prepare.clone());
        } else {
            self.state.prepare_options.set(config.prepare.clone());
        }
    }

    pub(crate) fn cancel(&self) {
        self.send(Request::Cancel);
        self.state.status.set(None);
        self.state.notice.set("Cancelled.".into());
    }

    fn receive(&self, response: Response) {
        let state = self.state;
        // Replies of a run the user cancelled may still be in flight: only a running page listens
        // to a run's replies.
        let running = state.status.with_untracked(Option::is_some);
        let of_a_run = matches!(
            response,
            Response::Progress(_)
                | Response::Loaded(..)
                | Response::Row(_)
                | Response::Trained(_)
                | Response::Replayed(_)
        );
        if of_a_run && !running {
            return;
        }
        match response {
            Response::Progress(progress) => state.status.update(|status| {
                let now = now_ms();
                if let Some(status) = status {
                    if status.stage != progress.stage {
                        status.stage_started_ms = now;
                    }
                    status.stage = progress.stage;
                    status.fraction = progress.fraction;
                    status.detail = progress.detail;
                    status.now_ms = now;
                }
            }),
            Response::Loaded(summary, stats) => {
                state.load_stats.set(Some(stats));
                let events = summary.events;
                state.notice.set(format!(
                    "Loaded {} events of {} types.",
                    crate::format::count(events as u64),
                    summary.types
                ));
                if events == 0 {
                    state.status.set(None);
                    // The engine says why (what was read and skipped, first reasons, formats).
                    let why = summary
                        .warnings
                        .iter()
                        .find(|warning| warning.kind == "no_events")
                        .map(|warning| warning.message.clone());
                    state.error.set(why);
                    state.dataset.set(Some(*summary));
                } else {
                    state.dataset.set(Some(*summary));
                    self.train();
                }
            }
            Response::Row(row) => state.rows.update(|rows| rows.push(row)),
            Response::Predictions(predictions) => state.predictions.set(predictions),
            Response::Explanation(explanation) => state.explanation.set(explanation),
            Response::Models(models) => {
                // Chromium silently drops a frame's downloads beyond 10 a second, so one click
                // on a run of more rows (Honest has 15) would lose files: space them out.
                wasm_bindgen_futures::spawn_local(async move {
                    for (index, model) in models.into_iter().enumerate() {
                        if index > 0 {
                            gloo_timers::future::TimeoutFuture::new(DOWNLOAD_SPACING_MS).await;
                        }
                        if let Err(why) = crate::page::download::download_text(
                            &model.file_name,
                            "application/json",
                            &model.text,
                        ) {
                            state.error.set(Some(why));
                        }
                    }
                });
            }
            Response::Imported(imported) => {
                if let Some(last) = imported.last() {
                    state.notice.set(format!(
                        "Read {}: {} model, window {}.",
                        last.file, last.approach, last.window
                    ));
                }
                state.imported.set(imported);
                state.error.set(None);
            }
            Response::ImportFailed { file, why } => {
                state.error.set(Some(format!("{file}: {why}")));
            }
            Response::Trained(report) => {
                state
                    .notice
                    .set(format!("Trained {} models.", report.rows.len()));
                state.rows.set(report.rows.clone());
                state.report.set(Some(report));
                state.status.set(None);
            }
            Response::Replayed(report) => {
                state.notice.set(format!(
                    "Replayed {} models: {} rows.",
                    report.rows.len() / report.config.points().len().max(1),
                    report.rows.len()
                ));
                state.replay.set(Some(*report));
                state.status.set(None);
            }
            Response::Cancelled => {}
            Response::Failed(why) => {
                state.status.set(None);
                state.error.set(Some(why));
            }
        }
    }
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|window| window.performance())
        .map_or(0.0, |performance| performance.now())
}

async fn fetch_blob(url: &str) -> Result<web_sys::Blob, String> {
    let describe = |error: wasm_bindgen::JsValue| {
        error
            .as_string()
            .or_else(|| {
                js_sys::JSON::stringify(&error)
                    .ok()
                    .and_then(|s| s.as_string())
            })
            .unwrap_or_else(|| "network error".into())
    };
    let window = web_sys::window().ok_or("no window")?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(describe)?
        .dyn_into()
        .map_err(describe)?;
    if !response.ok() {
        return Err(format!("{url} answered HTTP {}", response.status()));
    }
    let blob = JsFuture::from(response.blob().map_err(describe)?)
        .await
        .map_err(describe)?;
    blob.dyn_into().map_err(describe)
}
