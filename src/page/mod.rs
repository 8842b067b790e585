//! The page side: the Leptos app on the page's thread (bin `app`). It never runs the engine's
//! work itself; it sends [`Request`](crate::protocol::Request)s to the worker and turns the
//! [`Response`](crate::protocol::Response)s into signals.
//!
//! - `app.rs`: the page's layout; `components/`: its sections, each a small component that
//!   reads what it needs from the Leptos context.
//! - `state.rs`: the signals (`AppState`), handed down by context; `replay_settings.rs`: the
//!   Replay section's settings as its controls hold them.
//! - `engine_client.rs`: spawns the worker and is the page's only way to it (`Engine`).
//! - `persist.rs` (settings in localStorage), `download.rs` (files the page offers),
//!   `file_text.rs` (small files the user chose, read as text): the browser's services the
//!   sections use.
//!
//! Everything here is the crate's own but [`App`], which the `app` bin mounts. What the worker
//! uses too stays at the crate's root: the protocol, its codec and `format`.

mod app;
mod components;
mod download;
mod engine_client;
mod file_text;
mod persist;
mod replay_settings;
mod state;

pub use app::App;
