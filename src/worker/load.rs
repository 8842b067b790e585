//! The Load task: reads the dropped files slice by slice into the engine's `Ingestor`, then
//! prepares their records (`prepare.rs`).

use std::rc::Rc;

use perfspec::clock::Clock;
use perfspec::ingest::Ingestor;
use perfspec::prepare::PrepareOptions;
use perfspec::progress::Stage;

use super::clock::PerformanceClock;
use super::slice_reader::SliceSource;
use super::task::Task;
use crate::protocol::{InputFile, LoadStats, Response};

/// Longest stretch of reading between two looks at the message queue.
const YIELD_EVERY_SECONDS: f64 = 0.1;

impl Task {
    pub(crate) async fn load(self, files: Vec<InputFile>, options: PrepareOptions) {
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
}
