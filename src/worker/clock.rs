//! The worker's clock, for the engine's timings and the tasks' yields.

use perfspec::clock::Clock;
use wasm_bindgen::JsCast;

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
