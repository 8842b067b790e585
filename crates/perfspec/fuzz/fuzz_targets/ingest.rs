//! Arbitrary bytes through the [`Ingestor`], as one file cut into chunks: it must not panic, its
//! counts must add up, and how the bytes are chunked must not change what it reads.
//!
//! The first input byte drives the chunking (its low 7 bits seed the chunk sizes, 1 to 64
//! bytes) and, when its high bit is set, gzip-compresses the rest first, so the inflater and the
//! content behind it are explored together. `tests/ingest_formats.rs` replays the kept corpus
//! (`tests/fixtures/fuzz-corpus/`) the same way.

#![no_main]

use std::io::Write;

use flate2::write::GzEncoder;
use flate2::Compression;
use libfuzzer_sys::fuzz_target;
use perfspec::ingest::record::AuditRecords;
use perfspec::ingest::{IngestReport, Ingestor};

fn read(content: &[u8], mut next_size: impl FnMut() -> usize) -> (AuditRecords, IngestReport) {
    let mut ingestor = Ingestor::default();
    ingestor.start_file("fuzz");
    let mut rest = content;
    while !rest.is_empty() {
        let (piece, tail) = rest.split_at(next_size().min(rest.len()));
        ingestor.push(piece);
        rest = tail;
    }
    ingestor.finish()
}

fuzz_target!(|data: &[u8]| {
    let Some((&seed, content)) = data.split_first() else {
        return;
    };
    let gzipped;
    let content = if seed & 0x80 != 0 {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
        encoder.write_all(content).unwrap();
        gzipped = encoder.finish().unwrap();
        &gzipped[..]
    } else {
        content
    };

    let (records, report) = read(content, || usize::MAX);
    assert_eq!(
        report.records_read,
        records.len() as u64 + report.records_skipped
    );
    assert_eq!(
        report.files.iter().map(|file| file.records).sum::<u64>(),
        records.len() as u64
    );
    assert_eq!(
        report.files.iter().map(|file| file.skipped).sum::<u64>(),
        report.records_skipped
    );

    let mut state = u32::from(seed & 0x7f) | 1;
    let chunked = read(content, || {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        (state % 64 + 1) as usize
    });
    assert!(chunked.0 == records, "records depend on the chunking");
    assert_eq!(chunked.1, report, "the report depends on the chunking");
});
