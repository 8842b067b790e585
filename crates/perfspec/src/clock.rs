//! Time as a parameter: `std::time::Instant` panics on wasm32-unknown-unknown, so the engine asks
//! its caller for the clock (the CLI passes [`SystemClock`], the worker `performance.now()`).

/// A monotonic clock in seconds.
pub trait Clock {
    /// Seconds since an arbitrary origin.
    fn now(&self) -> f64;
    /// The smallest step the clock can show, in seconds. Browsers coarsen `performance.now()`
    /// (100 µs without cross-origin isolation), so timings repeat work until it dwarfs this.
    fn resolution(&self) -> f64;
}

/// The operating system's monotonic clock.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug, Clone, Copy)]
pub struct SystemClock {
    origin: std::time::Instant,
}

#[cfg(not(target_arch = "wasm32"))]
impl Default for SystemClock {
    fn default() -> Self {
        Self {
            origin: std::time::Instant::now(),
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl Clock for SystemClock {
    fn now(&self) -> f64 {
        self.origin.elapsed().as_secs_f64()
    }

    fn resolution(&self) -> f64 {
        1e-7
    }
}
