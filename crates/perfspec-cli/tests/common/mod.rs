//! What the CLI test files share: the real logs bundled with the repository and running
//! `perfspec`.

#![allow(dead_code)] // Each test file uses its own subset.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

/// A real log by the name its source gives it (`perfspec/audit-logs.csv`, `falco/attach_pod.json`),
/// at its place in this repository: the PerfSPEC CSV and the audit2rbac log are the bundled
/// samples (`sample_logs/`), the falco and AKS files test fixtures (`tests/fixtures/`); origins and
/// licences are in the README beside each. Panics on a name that would leave the repository.
pub fn real_log(name: &str) -> String {
    assert!(
        !name.split('/').any(|part| part == ".."),
        "{name}: tests read only files inside the repository"
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let path = match name.split_once('/') {
        Some(("perfspec" | "audit2rbac", file)) => root.join("sample_logs").join(file),
        _ => root.join("tests/fixtures").join(name),
    };
    path.to_string_lossy().into_owned()
}

/// The PerfSPEC dataset's CSV.
pub fn sample() -> String {
    real_log("perfspec/audit-logs.csv")
}

pub fn perfspec() -> Command {
    Command::cargo_bin("perfspec").unwrap()
}

/// Runs `perfspec` with `args`, expects success, and parses its one JSON object.
pub fn json(args: &[&str]) -> Value {
    let output = perfspec().args(args).output().unwrap();
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("one JSON object on stdout")
}
