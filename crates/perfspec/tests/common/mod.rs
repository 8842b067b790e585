//! What the integration tests of the learners share: the PerfSPEC sample
//! (`../shared/data/perfspec/audit-logs.csv`, Kermabon-Bobinnec et al., CC BY 4.0), prepared with
//! the paper's preset.

use std::path::PathBuf;

use perfspec::prepare::{prepare, PrepareOptions, PreparedData};
use perfspec::Ingestor;

pub fn sample() -> PreparedData {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/perfspec/audit-logs.csv");
    let bytes = std::fs::read(path).expect("shared data present");
    let mut ingestor = Ingestor::default();
    ingestor.start_file("audit-logs.csv");
    ingestor.push(&bytes);
    let (records, _) = ingestor.finish();
    prepare(&records, &PrepareOptions::perfspec())
}
