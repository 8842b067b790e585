//! The dashboard: a thin Leptos app over the `perfspec` engine, which runs in a Web Worker.
//!
//! - [`protocol`]: the one message protocol between the page and the worker.
//! - [`engine_worker`]: the worker side (reads files, prepares, trains) over the engine; the
//!   replay of a run's models is `worker_replay`.
//! - [`engine_client`]: the page side: spawns the worker and turns its replies into state.
//! - [`state`] and [`components`]: signals handed down by context, and small components.

pub mod app;
pub mod codec;
pub mod components;
pub mod download;
pub mod engine_client;
pub mod engine_worker;
pub mod file_text;
pub mod format;
pub mod persist;
pub mod protocol;
pub mod replay_settings;
pub mod state;
mod worker_replay;

pub use app::App;
