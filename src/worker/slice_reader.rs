//! Where the slices of a dropped file come from: a nested worker that reads ahead of the engine
//! (`reader.js`), or this thread where none can start. The Load task (`load.rs`) takes them one
//! by one.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;

/// Bytes read from a file per step. Large enough that the yield between steps costs little,
/// small enough that progress moves and Cancel is felt at once.
const SLICE_BYTES: f64 = 4.0 * 1024.0 * 1024.0;

/// The nested worker that reads files ahead of the engine. Reading a `File` goes through the
/// browser process, and the bytes reach a worker only while its thread is free to take them: in
/// the engine's thread (synchronously, or by `Blob.arrayBuffer()`) the read and the parse took
/// turns, the read alone about half the time of a load. From a thread of its own the read
/// overlaps the parse. Slices are transferred, not copied, and each one the engine takes lets
/// the reader start one more, so at most [`SLICES_AHEAD`] wait in memory.
const READER_JS: &str = include_str!("reader.js");

/// Slices the reader has in hand at once: being read, or read and not yet taken.
const SLICES_AHEAD: u32 = 3;

/// Where the slices of the file being read come from, in order.
pub(crate) enum SliceSource {
    Reader(SliceReader),
    /// This thread, one slice at a time, where no nested worker could be started.
    Direct {
        blob: Option<web_sys::Blob>,
        offset: f64,
        size: f64,
    },
}

impl SliceSource {
    pub(crate) fn new() -> Self {
        SliceReader::spawn()
            .map(SliceSource::Reader)
            .unwrap_or(SliceSource::Direct {
                blob: None,
                offset: 0.0,
                size: 0.0,
            })
    }

    /// Begins a file of `size` bytes (more than none); the previous one was read to its end.
    pub(crate) fn start(&mut self, file: &web_sys::Blob, file_size: f64) {
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
    pub(crate) async fn next(&mut self) -> Result<js_sys::ArrayBuffer, wasm_bindgen::JsValue> {
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
    pub(crate) fn taken(&self) {
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

/// The nested worker running `reader.js`, and what it sent that the engine has not taken yet.
pub(crate) struct SliceReader {
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
