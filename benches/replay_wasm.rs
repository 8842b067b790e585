//! The proactive replay at scale in WebAssembly, the twin of the engine's native
//! `crates/perfspec/benches/replay_large.rs` and on the same setting (shared from there): the
//! test part of a simulated log of 1 M audit events (seed 1), every learner at window 2, the
//! whole grid k = 1..20 × horizon = 1..5, in a dedicated worker of headless Chromium as the
//! dashboard's worker runs it (one thread).
//!
//!   make bench-wasm-replay   (cargo bench --target wasm32-unknown-unknown -p perfspec-web
//!                             --bench replay_wasm, with CHROMEDRIVER set)
#![cfg(target_arch = "wasm32")]

#[path = "../crates/perfspec/benches/large_replay/mod.rs"]
mod large_replay;

use std::time::Duration;

use large_replay::{LargeReplay, WINDOW};
use perfspec::replay::replay_model;
use wasm_bindgen_test::{console_log, wasm_bindgen_bench, wasm_bindgen_test_configure, Criterion};

wasm_bindgen_test_configure!(run_in_dedicated_worker);

#[wasm_bindgen_bench]
fn replay_grid(_: &mut Criterion) {
    // One epoch: the replay's cost is the LSTM's predictions, not its accuracy.
    let setting = LargeReplay::new(1);
    console_log!("replay_wasm: {}", setting.describe());
    // Each replay takes seconds: the fewest samples and the shortest times the harness allows.
    let mut criterion = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(1))
        .measurement_time(Duration::from_secs(1));
    for (name, model) in &setting.models {
        criterion.bench_function(
            &format!("replay_grid_20k_x_5h/sim1m/{name}_w{WINDOW}"),
            |b| {
                b.iter(|| {
                    replay_model(
                        model.as_ref(),
                        &setting.split.test,
                        &setting.timeline,
                        &setting.costs,
                        &setting.grid,
                        &mut || true,
                    )
                    .expect("not cancelled")
                })
            },
        );
    }
}
