//! The dashboard: a thin Leptos app over the `perfspec` engine, which runs in a Web Worker. Two
//! sides, each a bin of its own that Trunk builds from `index.html`, and one protocol between
//! them:
//!
//! - `page` (bin `app`): the page's thread. The Leptos [`App`], its state and sections, and
//!   `engine_client`, which spawns the worker and turns its replies into state. It never runs the
//!   engine's work itself.
//! - [`worker`] (bin `worker`): the [`worker::EngineWorker`] that holds the engine's data and
//!   models, runs each Load, Prepare, Train or Replay request as a task that can be cancelled,
//!   and answers questions about the models at once.
//! - [`protocol`]: the one message protocol between them, [`protocol::Request`] to the worker
//!   and [`protocol::Response`] back, which [`codec::JsCodec`] carries as structured-cloneable JS
//!   values (a dropped `File` crosses as a handle).
//!
//! What both sides use stays at this root: the protocol, its codec, and `format` (numbers as the
//! page shows them, also in the worker's progress details). Neither side reaches into the other:
//! the page names only the worker's type, to spawn it.
//!
//! Public are only what the bins use ([`App`], [`worker::EngineWorker`], [`codec::JsCodec`]) and
//! the protocol, which is the worker's input and output; everything else is `pub(crate)`.

pub mod codec;
pub(crate) mod format;
mod page;
pub mod protocol;
pub mod worker;

pub use page::App;
