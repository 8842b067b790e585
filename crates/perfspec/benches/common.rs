//! Data shared by the benchmarks: the bundled PerfSPEC sample, prepared with the paper's preset.

use std::path::PathBuf;

use perfspec::ingest::Ingestor;
use perfspec::prepare::{prepare, PrepareOptions, PreparedData};

pub fn sample_bytes() -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../sample_logs/audit-logs.csv");
    std::fs::read(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

pub fn ingest(name: &str, bytes: &[u8], chunk: usize) -> Ingestor {
    let mut ingestor = Ingestor::default();
    ingestor.start_file(name);
    for piece in bytes.chunks(chunk) {
        ingestor.push(piece);
    }
    ingestor.finish_file();
    ingestor
}

#[allow(dead_code)]
pub fn sample_data() -> PreparedData {
    let (records, _) = ingest("audit-logs.csv", &sample_bytes(), 1 << 20).finish();
    prepare(&records, &PrepareOptions::perfspec())
}
