//! Ingest throughput (see ARCHITECTURE.md, Tests and benchmarks): bytes of audit log turned
//! into records per second, fed in the 4 MiB slices the browser worker uses.
//! `cargo bench -p perfspec --bench ingest`

mod common;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use perfspec_simulate::{simulate, SimulationConfig, SimulationLimit};

const SLICE: usize = 4 << 20;

fn perfspec_csv(c: &mut Criterion) {
    let bytes = common::sample_bytes();
    let mut group = c.benchmark_group("ingest");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("perfspec_csv/sample", |b| {
        b.iter(|| common::ingest("audit-logs.csv", &bytes, SLICE).record_count())
    });
    group.finish();
}

/// Metadata-level NDJSON as kube-apiserver writes it, from the simulator (seed 1).
fn audit_ndjson(c: &mut Criterion) {
    let mut bytes = Vec::new();
    let config = SimulationConfig {
        seed: 1,
        limit: SimulationLimit::Bytes(64_000_000),
    };
    simulate(&config, &mut bytes).expect("writing to memory");
    let mut group = c.benchmark_group("ingest");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.sample_size(10);
    group.bench_function("audit_ndjson/simulated_64mb", |b| {
        b.iter(|| common::ingest("simulated.log", &bytes, SLICE).record_count())
    });
    group.finish();
}

criterion_group!(benches, perfspec_csv, audit_ndjson);
criterion_main!(benches);
