//! What the engine's integration tests share: the real logs bundled with the repository, and the
//! PerfSPEC sample prepared with the paper's preset.

#![allow(dead_code)] // Each test file uses its own subset.

use std::path::{Path, PathBuf};

use perfspec::ingest::Ingestor;
use perfspec::prepare::{prepare, PrepareOptions, PreparedData};

/// A real log by the name its source gives it (`perfspec/audit-logs.csv`, `falco/attach_pod.json`),
/// at its place in this repository: the PerfSPEC CSV and the audit2rbac log are the bundled
/// samples (`sample_logs/`), the falco and AKS files test fixtures (`tests/fixtures/`); origins and
/// licences are in the README beside each. Panics on a name that would leave the repository, so a
/// test cannot come to depend on files that a clone does not have.
pub fn real_log(name: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let path = match name.split_once('/') {
        Some(("perfspec" | "audit2rbac", file)) => root.join("sample_logs").join(file),
        _ => root.join("tests/fixtures").join(name),
    };
    assert!(
        !name.split('/').any(|part| part == ".."),
        "{name}: tests read only files inside the repository"
    );
    path
}

pub fn sample() -> PreparedData {
    let bytes = std::fs::read(real_log("perfspec/audit-logs.csv")).expect("bundled sample");
    let mut ingestor = Ingestor::default();
    ingestor.start_file("audit-logs.csv");
    ingestor.push(&bytes);
    let (records, _) = ingestor.finish();
    prepare(&records, &PrepareOptions::perfspec())
}
