//! The worker side: reads dropped files in slices, prepares the event sequence and trains, off
//! the page's thread, streaming progress back.
//!
//! Each request runs as an async task that yields to the worker's event loop between steps (a
//! file slice, a model), so a `Cancel` sent meanwhile is received and stops it at the next step.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_worker::{HandlerId, Worker, WorkerScope};
use perfspec::pipeline::{run_job, DatasetSummary, PipelineError};
use perfspec::prepare::prepare;
use perfspec::{
    AuditRecord, Clock, IngestReport, Ingestor, PrepareOptions, PreparedData, Progress, Stage,
    TrainConfig, TrainReport,
};
use wasm_bindgen::JsCast;

use crate::protocol::{InputFile, LoadStats, Request, Response};

/// Bytes read from a file per step. Large enough that the yield between steps costs little,
/// small enough that progress moves and Cancel is felt at once.
const SLICE_BYTES: f64 = 4.0 * 1024.0 * 1024.0;
/// Longest stretch of reading between two looks at the message queue.
const YIELD_EVERY_SECONDS: f64 = 0.1;

#[derive(Default)]
struct Shared {
    /// Measured during the last read, completed by the prepare that follows it.
    stats: LoadStats,
    /// The records read, kept so that other prepare options need no second read.
    records: Option<Rc<(Vec<AuditRecord>, IngestReport)>>,
    data: Option<Rc<PreparedData>>,
    /// Bumped by every request; a task whose generation is no longer current stops.
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
        }
    }
}

struct Task {
    scope: WorkerScope<EngineWorker>,
    id: HandlerId,
    shared: Rc<RefCell<Shared>>,
    generation: u64,
}

impl Task {
    fn respond(&self, response: Response) {
        self.scope.respond(self.id, response);
    }

    fn progress(&self, stage: Stage, fraction: f64, detail: impl Into<String>) {
        self.respond(Response::Progress(Progress {
            stage,
            fraction,
            detail: detail.into(),
        }));
    }

    /// Lets queued messages in; false when this task has been superseded or cancelled.
    async fn still_current(&self) -> bool {
        gloo_timers::future::TimeoutFuture::new(0).await;
        self.shared.borrow().generation == self.generation
    }

    async fn load(self, files: Vec<InputFile>, options: PrepareOptions) {
        {
            let mut shared = self.shared.borrow_mut();
            shared.records = None;
            shared.data = None;
        }
        let reader = match web_sys::FileReaderSync::new() {
            Ok(reader) => reader,
            Err(_) => {
                return self.respond(Response::Failed(
                    "this browser cannot read files in a worker".into(),
                ))
            }
        };
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
        let mut last_yield = started;
        for file in &files {
            ingestor.start_file(&file.name);
            let size = file.blob.size();
            let mut offset = 0.0;
            while offset < size {
                let end = (offset + SLICE_BYTES).min(size);
                let slice = file
                    .blob
                    .slice_with_f64_and_f64(offset, end)
                    .and_then(|slice| reader.read_as_array_buffer(&slice));
                let array = match slice {
                    Ok(array) => js_sys::Uint8Array::new(&array),
                    Err(error) => {
                        let why = error.as_string().unwrap_or_else(|| format!("{error:?}"));
                        return self.respond(Response::Failed(format!(
                            "cannot read {}: {why}",
                            file.name
                        )));
                    }
                };
                buffer.resize(array.length() as usize, 0);
                array.copy_to(&mut buffer);
                ingestor.push(&buffer);
                done += end - offset;
                offset = end;
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
        let clock = PerformanceClock::new();
        let jobs = config.jobs();
        let mut rows = Vec::with_capacity(jobs.len());
        for (index, job) in jobs.iter().enumerate() {
            self.progress(
                Stage::Training,
                index as f64 / jobs.len() as f64,
                format!("{} · window {}", job.model.approach(), job.window),
            );
            if !self.still_current().await {
                return;
            }
            // Progress within a job is not forwarded: the loop below is synchronous, so reports
            // would only queue up behind it. Fits that take long step through `still_current`.
            match run_job(&data, *job, &config, &clock, &mut |_| true) {
                Ok(result) => {
                    self.respond(Response::Row(result.row.clone()));
                    rows.push(result.row);
                }
                Err(PipelineError::Cancelled(_)) => return,
                Err(PipelineError::Invalid(why)) => return self.respond(Response::Failed(why)),
            }
        }
        self.respond(Response::Trained(TrainReport {
            split: config.split,
            optimistic: config.split.is_optimistic(),
            k: config.k,
            rows,
        }));
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
struct PerformanceClock {
    performance: Option<web_sys::Performance>,
}

impl PerformanceClock {
    fn new() -> Self {
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
