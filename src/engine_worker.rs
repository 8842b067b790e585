//! The worker side: reads dropped files in slices, prepares the event sequence and trains, off
//! the page's thread, streaming progress back.
//!
//! Each request runs as an async task that yields to the worker's event loop between steps (a
//! file slice, a model), so a `Cancel` sent meanwhile is received and stops it at the next step.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_worker::{HandlerId, Worker, WorkerScope};
use perfspec::dataset::split_windows_seeded;
use perfspec::models::model_file;
use perfspec::pipeline::{DatasetSummary, PipelineError};
use perfspec::predict::{explain_test_event, predict_named};
use perfspec::prepare::prepare;
use perfspec::record::AuditRecords;
use perfspec::{
    Clock, IngestReport, Ingestor, JobRunner, JobStep, LoadedModel, ModelFile, NextEventModel,
    PrepareOptions, PreparedData, Progress, Stage, TrainConfig, TrainReport,
};
use wasm_bindgen::JsCast;

use crate::protocol::{
    ImportedModel, InputFile, LoadStats, ModelPrediction, ModelSource, Request, Response,
    SavedModel,
};

/// Bytes read from a file per step. Large enough that the yield between steps costs little,
/// small enough that progress moves and Cancel is felt at once.
const SLICE_BYTES: f64 = 4.0 * 1024.0 * 1024.0;
/// Longest stretch of reading between two looks at the message queue.
const YIELD_EVERY_SECONDS: f64 = 0.1;
/// The same while training: shorter, so that per-batch progress looks live and Cancel is felt
/// at once. The pauses are not counted in the fit time (see `JobRunner`).
pub(crate) const TRAIN_YIELD_EVERY_SECONDS: f64 = 0.05;

/// A finished run's models, with the data they learned from: their ids are that data's.
pub(crate) struct TrainedModels {
    pub(crate) data: Rc<PreparedData>,
    options: PrepareOptions,
    /// In the run's row order.
    pub(crate) models: Vec<Box<dyn NextEventModel>>,
    /// The run's split and seed, to find a row's test windows again.
    pub(crate) config: TrainConfig,
}

#[derive(Default)]
struct Shared {
    /// Measured during the last read, completed by the prepare that follows it.
    stats: LoadStats,
    /// The records read, kept so that other prepare options need no second read.
    records: Option<Rc<(AuditRecords, IngestReport)>>,
    data: Option<Rc<PreparedData>>,
    /// The options `data` was prepared with.
    options: PrepareOptions,
    /// Shared with a replay that runs over them, which a new run must not pull away.
    trained: Option<Rc<TrainedModels>>,
    imported: Vec<(ImportedModel, LoadedModel)>,
    /// Bumped by every request that starts or stops a run; a task whose generation is no longer current stops.
    generation: u64,
}

pub struct EngineWorker {
    shared: Rc<RefCell<Shared>>,
}

impl Worker for EngineWorker {
    type Message = ();
    type Input = Request;
    type Output = Response;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        Self {
            shared: Rc::default(),
        }
    }

    fn update(&mut self, _scope: &WorkerScope<Self>, _message: Self::Message) {}

    fn received(&mut self, scope: &WorkerScope<Self>, request: Self::Input, id: HandlerId) {
        // Questions about models are answered at once and leave a running task alone.
        let request = match request {
            Request::Predict { context, k } => {
                return scope.respond(id, self.predict(&context, k));
            }
            Request::SaveModels => return scope.respond(id, self.save_models()),
            Request::Explain { row, index, k } => {
                return scope.respond(id, self.explain(row, index, k));
            }
            Request::ImportModel { name, text } => {
                return scope.respond(id, self.import_model(name, &text));
            }
            Request::ClearImported => {
                self.shared.borrow_mut().imported.clear();
                return scope.respond(id, Response::Imported(Vec::new()));
            }
            other => other,
        };
        let generation = {
            let mut shared = self.shared.borrow_mut();
            shared.generation += 1;
            shared.generation
        };
        let task = Task {
            scope: scope.clone(),
            id,
            shared: self.shared.clone(),
            generation,
        };
        match request {
            Request::Cancel => task.respond(Response::Cancelled),
            Request::Load { files, options } => {
                wasm_bindgen_futures::spawn_local(async move { task.load(files, options).await })
            }
            Request::Prepare(options) => {
                wasm_bindgen_futures::spawn_local(async move { task.prepare(options).await })
            }
            Request::Train(config) => {
                wasm_bindgen_futures::spawn_local(async move { task.train(config).await })
            }
            Request::Replay(config) => {
                wasm_bindgen_futures::spawn_local(async move { task.replay(config).await })
            }
            Request::Predict { .. }
            | Request::SaveModels
            | Request::Explain { .. }
            | Request::ImportModel { .. }
            | Request::ClearImported => {}
        }
    }
}

impl EngineWorker {
    fn predict(&self, context: &[String], k: usize) -> Response {
        let shared = self.shared.borrow();
        let names: Vec<&str> = context.iter().map(String::as_str).collect();
        let mut answers = Vec::new();
        if let Some(trained) = &shared.trained {
            for model in &trained.models {
                answers.push(ModelPrediction {
                    model: model.kind().name().into(),
                    approach: model.kind().approach().into(),
                    window: model.window(),
                    source: ModelSource::Trained,
                    prediction: predict_named(model.as_ref(), &trained.data.vocabulary, &names, k),
                });
            }
        }
        for (info, loaded) in &shared.imported {
            answers.push(ModelPrediction {
                model: info.model.clone(),
                approach: info.approach.clone(),
                window: info.window,
                source: ModelSource::Imported(info.file.clone()),
                prediction: predict_named(loaded.model.as_ref(), &loaded.vocabulary, &names, k),
            });
        }
        Response::Predictions(answers)
    }

    fn explain(&self, row: usize, index: usize, k: usize) -> Response {
        let shared = self.shared.borrow();
        let explanation = shared.trained.as_ref().and_then(|trained| {
            let model = trained.models.get(row)?;
            let config = &trained.config;
            let split =
                split_windows_seeded(&trained.data, model.window(), config.split, config.seed);
            explain_test_event(
                model.as_ref(),
                &trained.data.vocabulary,
                &split.test,
                index,
                k,
            )
        });
        Response::Explanation(explanation.map(Box::new))
    }

    fn save_models(&self) -> Response {
        let shared = self.shared.borrow();
        let Some(trained) = &shared.trained else {
            return Response::Failed("train a model before saving it".into());
        };
        Response::Models(
            trained
                .models
                .iter()
                .map(|model| SavedModel {
                    file_name: ModelFile::file_name(model.kind(), model.window()),
                    text: ModelFile::new(
                        model.as_ref(),
                        &trained.data.vocabulary,
                        &trained.options,
                    )
                    .to_json(),
                })
                .collect(),
        )
    }

    fn import_model(&self, file: String, text: &str) -> Response {
        match model_file::load(text) {
            Ok(loaded) => {
                let info = ImportedModel {
                    file,
                    model: loaded.kind().name().into(),
                    approach: loaded.kind().approach().into(),
                    window: loaded.window,
                    types: loaded.vocabulary.len(),
                };
                let mut shared = self.shared.borrow_mut();
                // A file of the same name replaces the one read before.
                shared.imported.retain(|(known, _)| known.file != info.file);
                shared.imported.push((info, loaded));
                Response::Imported(
                    shared
                        .imported
                        .iter()
                        .map(|(info, _)| info.clone())
                        .collect(),
                )
            }
            Err(error) => Response::ImportFailed {
                file,
                why: error.to_string(),
            },
        }
    }
}

/// One Load, Prepare, Train or Replay request at work (see the module's comment).
pub(crate) struct Task {
    scope: WorkerScope<EngineWorker>,
    id: HandlerId,
    shared: Rc<RefCell<Shared>>,
    generation: u64,
}

impl Task {
    pub(crate) fn respond(&self, response: Response) {
        self.scope.respond(self.id, response);
    }

    /// The last finished run's models, if any.
    pub(crate) fn trained(&self) -> Option<Rc<TrainedModels>> {
        self.shared.borrow().trained.clone()
    }

    pub(crate) fn progress(&self, stage: Stage, fraction: f64, detail: impl Into<String>) {
        self.respond(Response::Progress(Progress {
            stage,
            fraction,
            detail: detail.into(),
        }));
    }

    /// Lets queued messages in; false when this task has been superseded or cancelled.
    pub(crate) async fn still_current(&self) -> bool {
        gloo_timers::future::TimeoutFuture::new(0).await;
        self.shared.borrow().generation == self.generation
    }

    async fn load(self, files: Vec<InputFile>, options: PrepareOptions) {
        {
            let mut shared = self.shared.borrow_mut();
            shared.records = None;
            shared.data = None;
        }
        let clock = PerformanceClock::new();
        let started = clock.now();
        let total: f64 = files
            .iter()
            .map(|file| file.blob.size())
            .sum::<f64>()
            .max(1.0);
        let mut ingestor = Ingestor::default();
        let mut done = 0.0;
        let mut buffer = Vec::new();
        let mut slices = SliceSource::new();
        let mut last_yield = started;
        for file in &files {
            ingestor.start_file(&file.name);
            let size = file.blob.size();
            if size > 0.0 {
                slices.start(&file.blob, size);
            }
            let mut offset = 0.0;
            while offset < size {
                let array = match slices.next().await {
                    Ok(array) => js_sys::Uint8Array::new(&array),
                    Err(error) => {
                        let why = error.as_string().unwrap_or_else(|| format!("{error:?}"));
                        return self.respond(Response::Failed(format!(
                            "cannot read {}: {why}",
                            file.name
                        )));
                    }
                };
                if array.length() == 0 {
                    // A file that shrank while it was read would otherwise be waited for forever.
                    return self.respond(Response::Failed(format!(
                        "cannot read {}: it ended early",
                        file.name
                    )));
                }
                buffer.resize(array.length() as usize, 0);
                array.copy_to(&mut buffer);
                slices.taken();
                ingestor.push(&buffer);
                offset += buffer.len() as f64;
                done += buffer.len() as f64;
                // A yield costs a clamped timer (about 4 ms): pay it a few times a second, not
                // once per slice, which keeps Cancel prompt without slowing the read.
                let now = clock.now();
                if now - last_yield < YIELD_EVERY_SECONDS && offset < size {
                    continue;
                }
                last_yield = now;
                self.progress(
                    Stage::Reading,
                    done / total,
                    format!(
                        "{} · {} records",
                        file.name,
                        crate::format::count(ingestor.record_count() as u64)
                    ),
                );
                if !self.still_current().await {
                    return;
                }
            }
            ingestor.finish_file();
        }
        {
            let mut shared = self.shared.borrow_mut();
            shared.records = Some(Rc::new(ingestor.finish()));
            shared.stats = LoadStats {
                bytes: done,
                read_seconds: clock.now() - started,
                ..LoadStats::default()
            };
        }
        self.prepare(options).await;
    }

    async fn prepare(self, options: PrepareOptions) {
        let Some(records) = self.shared.borrow().records.clone() else {
            return self.respond(Response::Failed("load audit logs first".into()));
        };
        if let Err(why) = options.validate() {
            return self.respond(Response::Failed(why));
        }
        self.progress(Stage::Preparing, 0.0, "building the event sequence");
        if !self.still_current().await {
            return;
        }
        let (records, report) = records.as_ref();
        let clock = PerformanceClock::new();
        let started = clock.now();
        let data = prepare(records, &options);
        let summary = DatasetSummary::new(report, &data, &options);
        let stats = {
            let mut shared = self.shared.borrow_mut();
            shared.data = Some(Rc::new(data));
            shared.options = options;
            shared.stats.prepare_seconds = clock.now() - started;
            shared.stats.wasm_memory_bytes = wasm_memory_bytes();
            shared.stats
        };
        self.respond(Response::Loaded(Box::new(summary), stats));
    }

    async fn train(self, config: TrainConfig) {
        let Some(data) = self.shared.borrow().data.clone() else {
            return self.respond(Response::Failed("load audit logs before training".into()));
        };
        if let Err(why) = config.validate() {
            return self.respond(Response::Failed(why));
        }
        // Predict answers for the rows on show: none until this run has finished.
        let options = {
            let mut shared = self.shared.borrow_mut();
            shared.trained = None;
            shared.options.clone()
        };
        let clock = PerformanceClock::new();
        let jobs = config.jobs();
        let mut rows = Vec::with_capacity(jobs.len());
        let mut models = Vec::with_capacity(jobs.len());
        let mut last_yield = clock.now();
        for (index, job) in jobs.iter().enumerate() {
            let label = format!("{} · window {}", job.model.approach(), job.window);
            let scale = |fraction: f64| (index as f64 + fraction) / jobs.len() as f64;
            self.progress(Stage::Training, scale(0.0), label.clone());
            if !self.still_current().await {
                return;
            }
            let mut runner = match JobRunner::new(&data, *job, &config) {
                Ok(runner) => runner,
                Err(why) => return self.respond(Response::Failed(why.to_string())),
            };
            // One step at a time, with a look at the message queue every so often: a Cancel
            // stops the LSTM between two mini-batches.
            loop {
                match runner.step(&data, &clock) {
                    Ok(JobStep::Progress(update)) => {
                        let now = clock.now();
                        if now - last_yield < TRAIN_YIELD_EVERY_SECONDS {
                            continue;
                        }
                        self.progress(
                            update.stage,
                            scale(update.fraction),
                            format!("{label}: {}", update.detail),
                        );
                        if !self.still_current().await {
                            return;
                        }
                        last_yield = clock.now();
                    }
                    Ok(JobStep::Finished(result)) => {
                        self.respond(Response::Row(result.row.clone()));
                        rows.push(result.row);
                        models.push(result.model);
                        break;
                    }
                    Err(PipelineError::Cancelled(_)) => return,
                    Err(PipelineError::Invalid(why)) => return self.respond(Response::Failed(why)),
                }
            }
        }
        self.shared.borrow_mut().trained = Some(Rc::new(TrainedModels {
            data,
            options,
            models,
            config: config.clone(),
        }));
        self.respond(Response::Trained(TrainReport {
            split: config.split,
            optimistic: config.split.is_optimistic(),
            k: config.k,
            rows,
        }));
    }
}

/// The nested worker that reads files ahead of the engine. Reading a `File` goes through the
/// browser process, and the bytes reach a worker only while its thread is free to take them: in
/// the engine's thread (synchronously, or by `Blob.arrayBuffer()`) the read and the parse took
/// turns, the read alone about half the time of a load. From a thread of its own the read
/// overlaps the parse. Slices are transferred, not copied, and each one the engine takes lets
/// the reader start one more, so at most [`SLICES_AHEAD`] wait in memory.
const READER_JS: &str = r#"
let file = null, slice = 0, offset = 0, credit = 0, posted = Promise.resolve();
onmessage = (event) => {
  if (Array.isArray(event.data)) {
    [file, slice, credit] = event.data;
    offset = 0;
  } else {
    credit += 1;
  }
  // The reads run side by side and are handed over in order: one after the other, each waited
  // for its round trip to the browser process, which halved the rate.
  while (file !== null && credit > 0 && offset < file.size) {
    const end = Math.min(offset + slice, file.size);
    const reading = file.slice(offset, end).arrayBuffer();
    offset = end;
    credit -= 1;
    posted = posted.then(() => reading).then(
      (buffer) => postMessage(buffer, [buffer]),
      (error) => postMessage(String(error)),
    );
  }
};
"#;
/// Slices the reader has in hand at once: being read, or read and not yet taken.
const SLICES_AHEAD: u32 = 3;

/// Where the slices of the file being read come from, in order.
enum SliceSource {
    Reader(SliceReader),
    /// This thread, one slice at a time, where no nested worker could be started.
    Direct {
        blob: Option<web_sys::Blob>,
        offset: f64,
        size: f64,
    },
}

impl SliceSource {
    fn new() -> Self {
        SliceReader::spawn()
            .map(SliceSource::Reader)
            .unwrap_or(SliceSource::Direct {
                blob: None,
                offset: 0.0,
                size: 0.0,
            })
    }

    /// Begins a file of `size` bytes (more than none); the previous one was read to its end.
    fn start(&mut self, file: &web_sys::Blob, file_size: f64) {
        match self {
            SliceSource::Reader(reader) => {
                let message =
                    js_sys::Array::of3(file, &SLICE_BYTES.into(), &f64::from(SLICES_AHEAD).into());
                if let Err(error) = reader.worker.post_message(&message) {
                    reader.inbox.borrow_mut().messages.push_back(error);
                }
            }
            SliceSource::Direct { blob, offset, size } => {
                *blob = Some(file.clone());
                *offset = 0.0;
                *size = file_size;
            }
        }
    }

    /// The next slice of the file; an error is the reason it cannot be read.
    async fn next(&mut self) -> Result<js_sys::ArrayBuffer, wasm_bindgen::JsValue> {
        match self {
            SliceSource::Reader(reader) => reader.next().await,
            SliceSource::Direct { blob, offset, size } => {
                let blob = blob.as_ref().ok_or("no file")?;
                let end = (*offset + SLICE_BYTES).min(*size);
                let slice = blob.slice_with_f64_and_f64(*offset, end)?;
                *offset = end;
                wasm_bindgen_futures::JsFuture::from(slice.array_buffer())
                    .await?
                    .dyn_into()
            }
        }
    }

    /// The last slice was copied out: the reader may read one more.
    fn taken(&self) {
        if let SliceSource::Reader(reader) = self {
            // A lost credit only stalls the reader, which `next` then reports.
            let _ = reader.worker.post_message(&wasm_bindgen::JsValue::NULL);
        }
    }
}

/// What the reader sent and the engine has not taken yet, and how to wake the engine when it
/// waits for more.
#[derive(Default)]
struct Inbox {
    messages: std::collections::VecDeque<wasm_bindgen::JsValue>,
    wake: Option<js_sys::Function>,
}

struct SliceReader {
    worker: web_sys::Worker,
    url: String,
    inbox: Rc<RefCell<Inbox>>,
    _on_message: wasm_bindgen::closure::Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: wasm_bindgen::closure::Closure<dyn FnMut(web_sys::Event)>,
}

impl SliceReader {
    fn spawn() -> Option<Self> {
        let parts = js_sys::Array::of1(&READER_JS.into());
        let options = web_sys::BlobPropertyBag::new();
        options.set_type("text/javascript");
        let script = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
        let url = web_sys::Url::create_object_url_with_blob(&script).ok()?;
        let Ok(worker) = web_sys::Worker::new(&url) else {
            let _ = web_sys::Url::revoke_object_url(&url);
            return None;
        };
        let inbox = Rc::new(RefCell::new(Inbox::default()));
        let deliver = {
            let inbox = inbox.clone();
            move |message: wasm_bindgen::JsValue| {
                let wake = {
                    let mut inbox = inbox.borrow_mut();
                    inbox.messages.push_back(message);
                    inbox.wake.take()
                };
                if let Some(wake) = wake {
                    let _ = wake.call0(&wasm_bindgen::JsValue::NULL);
                }
            }
        };
        let on_message = {
            let deliver = deliver.clone();
            wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
                move |event: web_sys::MessageEvent| deliver(event.data()),
            )
        };
        let on_error = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::Event)>::new(
            move |_event: web_sys::Event| deliver("the file reader stopped".into()),
        );
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Some(Self {
            worker,
            url,
            inbox,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    async fn next(&self) -> Result<js_sys::ArrayBuffer, wasm_bindgen::JsValue> {
        loop {
            let message = self.inbox.borrow_mut().messages.pop_front();
            if let Some(message) = message {
                return message.dyn_into::<js_sys::ArrayBuffer>();
            }
            let inbox = self.inbox.clone();
            let arrived = js_sys::Promise::new(&mut |resolve, _reject| {
                inbox.borrow_mut().wake = Some(resolve);
            });
            wasm_bindgen_futures::JsFuture::from(arrived).await?;
        }
    }
}

impl Drop for SliceReader {
    fn drop(&mut self) {
        self.worker.terminate();
        let _ = web_sys::Url::revoke_object_url(&self.url);
    }
}

fn wasm_memory_bytes() -> f64 {
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .map(|memory| {
            memory
                .buffer()
                .dyn_into::<js_sys::ArrayBuffer>()
                .map_or(0.0, |buffer| f64::from(buffer.byte_length()))
        })
        .unwrap_or(0.0)
}

/// `performance.now()` of the worker.
pub(crate) struct PerformanceClock {
    performance: Option<web_sys::Performance>,
}

impl PerformanceClock {
    pub(crate) fn new() -> Self {
        let performance = js_sys::global()
            .dyn_into::<web_sys::WorkerGlobalScope>()
            .ok()
            .and_then(|scope| scope.performance());
        Self { performance }
    }
}

impl Clock for PerformanceClock {
    fn now(&self) -> f64 {
        self.performance.as_ref().map_or(0.0, |p| p.now() / 1000.0)
    }

    fn resolution(&self) -> f64 {
        // Chromium rounds performance.now() to 100 µs in pages that are not cross-origin
        // isolated, as a static GitHub Pages site is not.
        1e-4
    }
}
