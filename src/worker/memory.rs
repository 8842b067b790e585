//! The worker's WebAssembly memory, reported with each prepared dataset (`LoadStats::wasm_memory_bytes`).

use wasm_bindgen::JsCast;

/// The size of the worker's linear memory in bytes (0 where it cannot be read). It never
/// shrinks, so after a load it is the peak of the whole read.
pub(crate) fn wasm_memory_bytes() -> f64 {
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
