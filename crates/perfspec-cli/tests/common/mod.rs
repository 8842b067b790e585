//! What the CLI test files share: the real logs beside the clone and running `perfspec`.

#![allow(dead_code)] // Each test file uses its own subset.

use std::path::PathBuf;

use assert_cmd::Command;
use serde_json::Value;

/// A file of `../shared/data` (see its README for origin and licence).
pub fn shared(path: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(path)
        .to_string_lossy()
        .into_owned()
}

/// The PerfSPEC dataset's CSV.
pub fn sample() -> String {
    shared("perfspec/audit-logs.csv")
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
