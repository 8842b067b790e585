//! Ingest throughput in WebAssembly (see ARCHITECTURE.md, Tests and benchmarks), the twin of the
//! engine's native benchmark (`crates/perfspec/benches/ingest.rs`): the same 64 MB of simulated
//! Metadata-level NDJSON (seed 1) fed to the engine in the same 4 MiB slices, in a dedicated worker
//! of headless Chromium as the dashboard runs it. The bytes are in memory on both sides, so the two
//! figures compare; loading a dropped file adds the browser's file reading (`tests/e2e/bench.mjs`).
//!
//!   make bench-wasm   (cargo bench --target wasm32-unknown-unknown -p perfspec-web
//!                      --bench ingest_wasm, with CHROMEDRIVER set)
//!
//! The harness reports the time per pass; throughput is the logged size over that time.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use perfspec::ingest::Ingestor;
use perfspec_simulate::{simulate, SimulationConfig, SimulationLimit};
use wasm_bindgen_test::{console_log, wasm_bindgen_bench, wasm_bindgen_test_configure, Criterion};

wasm_bindgen_test_configure!(run_in_dedicated_worker);

const SLICE: usize = 4 << 20;

#[wasm_bindgen_bench]
fn audit_ndjson(_: &mut Criterion) {
    let mut bytes = Vec::new();
    let config = SimulationConfig {
        seed: 1,
        limit: SimulationLimit::Bytes(64_000_000),
    };
    simulate(&config, &mut bytes).expect("writing to memory");
    console_log!(
        "audit_ndjson/simulated_64mb: {} bytes per pass",
        bytes.len()
    );
    // Ten passes of a fraction of a second each, as the native benchmark takes.
    let mut criterion = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    criterion.bench_function("audit_ndjson/simulated_64mb", |b| {
        b.iter(|| {
            let mut ingestor = Ingestor::default();
            ingestor.start_file("simulated.log");
            for piece in bytes.chunks(SLICE) {
                ingestor.push(piece);
            }
            ingestor.finish_file();
            ingestor.record_count()
        })
    });
}
