//! Files and standard input into the engine's streaming ingest.

use std::fs::File;
use std::io::{self, BufReader};

use perfspec::ingest::record::AuditRecords;
use perfspec::ingest::IngestReport;
use perfspec::ingest::Ingestor;

use crate::Failure;

pub fn read_files(paths: &[String]) -> Result<(AuditRecords, IngestReport), Failure> {
    let mut ingestor = Ingestor::default();
    for path in paths {
        let result = if path == "-" {
            ingestor.read_from("<stdin>", io::stdin().lock())
        } else {
            let file = File::open(path)
                .map_err(|error| Failure::usage(format!("cannot open {path}: {error}")))?;
            ingestor.read_from(path, BufReader::new(file))
        };
        result.map_err(|error| Failure::usage(format!("cannot read {path}: {error}")))?;
    }
    Ok(ingestor.finish())
}
