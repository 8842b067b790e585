//! The bundled logs the validation examples choose parameters on.

use perfspec::ingest::Ingestor;
use perfspec::prepare::{prepare, PrepareOptions, PreparedData};

/// A log of the repository (a path from its root) prepared with `options`.
fn read(path: &str, options: &PrepareOptions) -> PreparedData {
    let full = format!("{}/../../{path}", env!("CARGO_MANIFEST_DIR"));
    let mut ingestor = Ingestor::default();
    ingestor
        .read_from(path, std::fs::File::open(&full).expect("a bundled log"))
        .expect("readable");
    let (records, _) = ingestor.finish();
    prepare(&records, options)
}

/// The start of the PerfSPEC event sequence, deletecollection dropped (the dev data).
#[allow(dead_code)] // Not every example reads it.
pub fn dev_sequence() -> PreparedData {
    read(
        "sample_logs/events-dataset-dev.txt",
        &PrepareOptions {
            drop_deletecollection: true,
            ..PrepareOptions::perfspec()
        },
    )
}

/// The PerfSPEC sample with the paper's preset.
pub fn sample() -> PreparedData {
    read("sample_logs/audit-logs.csv", &PrepareOptions::perfspec())
}
