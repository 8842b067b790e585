//! Streaming ingest: byte chunks of any size in, [`AuditRecords`] out, with every skipped record
//! counted and the first few reported by file, line and reason.
//!
//! Each file is read through up to three stages, all push-based (the browser worker hands over
//! `File` slices as they arrive, so nothing here may pull from a reader):
//!
//! 1. **Compression**: the first two bytes decide. gzip (`1f 8b`, as logrotate's `audit.log.1.gz`)
//!    is inflated by flate2's `MultiGzDecoder` in write mode, so concatenated members are read in
//!    turn and the inflated bytes are pushed on as they come.
//! 2. **Detection**, from the first non-blank line of the (inflated) content: `{` or `[` starts
//!    JSON; otherwise the whole line decides between `<timestamp> <JSON event>` lines (EKS
//!    through CloudWatch), the PerfSPEC CSV and token files. Lines that match nothing are skipped
//!    until one does, within limits.
//! 3. **Reading**: JSON goes through `json_splitter`, which cuts values out of the stream (one
//!    per NDJSON line, pretty-printed values, the elements of arrays and of `EventList`/`records`/
//!    `events` envelopes) and hands each to `audit_json`, which tells the shapes apart (native
//!    events, GKE, AKS, CloudWatch) in one parse. Line formats go through `line_splitter`.
//!
//! Memory grows with the records kept, not with the file: the stages hold at most one line or one
//! JSON value (16 MiB at most) and inflater state, and requests without a resource, which never
//! become events, are only counted (see [`AuditRecords`]).

mod audit_json;
mod event_scanner;
mod gke;
mod json_splitter;
mod line_splitter;
mod logstash_csv;
mod raw_event;
mod raw_wrapper;
pub mod record;
mod skip;
// Vector loads and compares of 16 bytes (SSE2, simd128): the engine's only unsafe code.
#[allow(unsafe_code)]
mod string_end;
mod tokens;
mod wrapped;

use std::io::Write;

use flate2::write::MultiGzDecoder;
use serde::{Deserialize, Serialize};

use json_splitter::BOM;
use json_splitter::{Container, End, EnvelopeKey, JsonSplitter, Layout, ValueSink};
use line_splitter::{Line, LineSplitter};
use logstash_csv::CsvLineParser;
use raw_event::{DecodeSink, Shape};
use record::{AuditRecords, RecordFields};
use skip::Skip;

/// How many skipped records are kept with their reason; the rest are only counted.
pub const MAX_REPORTED_SKIPS: usize = 100;
/// A file whose first this-many non-blank lines match no format is given up as unrecognised.
const DETECTION_LINE_LIMIT: u64 = 1_000;
/// ... and so is one whose first this-many bytes do not.
const DETECTION_BYTE_LIMIT: u64 = 1024 * 1024;
/// A first line is classified once this much of it is read: only a `<timestamp> <JSON event>`
/// line can be longer, and its start says so.
const DETECTION_LINE_BYTES: usize = 64 * 1024;
/// JSON whose first this-many values were all skipped, none recognisable as an audit event or a
/// wrapper of one, is given up (a binary file that happens to start with `{`).
const JSON_GIVE_UP_LIMIT: u64 = 1_000;
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// The kinds of input a file can hold, as detected from its content.
///
/// gzip-compressed files have their own variants (rather than a flag beside the format) so that
/// [`InputFormat::label`] alone tells the user everything about the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputFormat {
    /// One `audit.k8s.io` Event object per line, as kube-apiserver's `--audit-log-path` writes.
    AuditNdjson,
    /// Audit events as pretty-printed or concatenated JSON objects, or a JSON array of them.
    AuditJson,
    /// `EventList` objects, as the audit webhook sends them.
    AuditEventList,
    /// GKE Cloud Audit Logs entries (`protoPayload`), one per line or as a JSON array.
    GkeAuditLogs,
    /// AKS diagnostic records (`records[].properties.log`), or single records as Event Hubs
    /// delivers them.
    AksDiagnostics,
    /// EKS audit events exported from CloudWatch Logs: `filter-log-events` JSON or
    /// `<timestamp> <JSON event>` lines.
    EksCloudwatch,
    /// The PerfSPEC dataset's Logstash CSV projection (15 columns, no header).
    PerfspecCsv,
    /// One `verb_resource` event type per line.
    Tokens,
    /// Nothing in the file matched an accepted format.
    Unrecognised,
    GzipAuditNdjson,
    GzipAuditJson,
    GzipAuditEventList,
    GzipGkeAuditLogs,
    GzipAksDiagnostics,
    GzipEksCloudwatch,
    GzipPerfspecCsv,
    GzipTokens,
    /// gzip data whose content matched no accepted format (or was not gzip after all).
    GzipUnrecognised,
}

impl InputFormat {
    pub fn label(self) -> &'static str {
        use InputFormat::*;
        match self {
            AuditNdjson => "audit events (NDJSON)",
            AuditJson => "audit events (JSON)",
            AuditEventList => "audit events (EventList)",
            GkeAuditLogs => "GKE Cloud Audit Logs",
            AksDiagnostics => "AKS diagnostic records",
            EksCloudwatch => "EKS CloudWatch export",
            PerfspecCsv => "PerfSPEC Logstash CSV",
            Tokens => "event-type tokens",
            Unrecognised => "unrecognised",
            GzipAuditNdjson => "gzip: audit events (NDJSON)",
            GzipAuditJson => "gzip: audit events (JSON)",
            GzipAuditEventList => "gzip: audit events (EventList)",
            GzipGkeAuditLogs => "gzip: GKE Cloud Audit Logs",
            GzipAksDiagnostics => "gzip: AKS diagnostic records",
            GzipEksCloudwatch => "gzip: EKS CloudWatch export",
            GzipPerfspecCsv => "gzip: PerfSPEC Logstash CSV",
            GzipTokens => "gzip: event-type tokens",
            GzipUnrecognised => "gzip: unrecognised content",
        }
    }

    /// Whether the file was gzip-compressed.
    pub fn is_gzip(self) -> bool {
        self.content() != self
    }

    /// The format of the content, compressed or not.
    pub fn content(self) -> InputFormat {
        use InputFormat::*;
        match self {
            GzipAuditNdjson => AuditNdjson,
            GzipAuditJson => AuditJson,
            GzipAuditEventList => AuditEventList,
            GzipGkeAuditLogs => GkeAuditLogs,
            GzipAksDiagnostics => AksDiagnostics,
            GzipEksCloudwatch => EksCloudwatch,
            GzipPerfspecCsv => PerfspecCsv,
            GzipTokens => Tokens,
            GzipUnrecognised => Unrecognised,
            plain => plain,
        }
    }

    fn gzipped(self) -> InputFormat {
        use InputFormat::*;
        match self.content() {
            AuditNdjson => GzipAuditNdjson,
            AuditJson => GzipAuditJson,
            AuditEventList => GzipAuditEventList,
            GkeAuditLogs => GzipGkeAuditLogs,
            AksDiagnostics => GzipAksDiagnostics,
            EksCloudwatch => GzipEksCloudwatch,
            PerfspecCsv => GzipPerfspecCsv,
            Tokens => GzipTokens,
            _ => GzipUnrecognised,
        }
    }
}

/// A record that was not kept, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedRecord {
    pub file: String,
    /// 1-based line of the (decompressed) file where the record started.
    pub line: u64,
    pub reason: String,
}

/// What one file gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileReport {
    pub file: String,
    pub format: InputFormat,
    /// Bytes fed, compressed if the file was.
    pub bytes: u64,
    pub records: u64,
    pub skipped: u64,
}

/// What the whole ingest gave: counts, per-file summaries and the first skipped records.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngestReport {
    /// Non-blank records examined: kept plus skipped.
    pub records_read: u64,
    pub records_skipped: u64,
    pub files: Vec<FileReport>,
    /// The first [`MAX_REPORTED_SKIPS`] skipped records, and after them any problem with a whole
    /// file (corrupt gzip data, a file given up as unrecognised), which must not go unseen.
    pub skipped: Vec<SkippedRecord>,
}

/// The records and report of the whole ingest; lent to the open file's reader while it is open.
#[derive(Default)]
struct Collected {
    records: AuditRecords,
    report: IngestReport,
}

/// Reads any number of files, one after the other, each fed as byte chunks.
///
/// ```
/// let mut ingestor = perfspec::ingest::Ingestor::default();
/// ingestor.start_file("tokens.txt");
/// ingestor.push(b"create_pods\nupdate_dep");
/// ingestor.push(b"loyments\n");
/// ingestor.finish_file();
/// let (records, report) = ingestor.finish();
/// assert_eq!(records.len(), 2);
/// assert_eq!(records.get(1).unwrap().resource(), Some("deployments"));
/// assert_eq!(report.records_skipped, 0);
/// ```
#[derive(Default)]
pub struct Ingestor {
    collected: Collected,
    open: Option<OpenFile>,
}

impl Ingestor {
    /// An ingestor that keeps every record, the requests without a resource too, which by
    /// default are only counted (see [`AuditRecords`]).
    pub fn keeping_every_record() -> Self {
        Self {
            collected: Collected {
                records: AuditRecords::keeping_every_record(),
                report: IngestReport::default(),
            },
            open: None,
        }
    }

    /// Begins a new file; an open one is finished first.
    pub fn start_file(&mut self, name: &str) {
        self.finish_file();
        let index = u32::try_from(self.collected.report.files.len()).unwrap_or(u32::MAX);
        let collected = std::mem::take(&mut self.collected);
        self.open = Some(OpenFile::new(Content::new(name, index, collected)));
    }

    /// Feeds the next bytes of the open file. Chunks may split lines, JSON values, UTF-8
    /// sequences and gzip blocks anywhere.
    pub fn push(&mut self, chunk: &[u8]) {
        if let Some(open) = &mut self.open {
            open.push(chunk);
        }
    }

    /// Ends the open file: whatever it left unfinished (an unterminated last line, an open JSON
    /// value, a gzip stream cut short) is reported.
    pub fn finish_file(&mut self) {
        let Some(open) = self.open.take() else {
            return;
        };
        let (collected, file) = open.finish();
        self.collected = collected;
        self.collected.report.files.push(file);
    }

    /// Bytes fed so far to the open file.
    pub fn bytes_of_open_file(&self) -> u64 {
        self.open.as_ref().map_or(0, |open| open.bytes)
    }

    /// Records read and not skipped so far, over all files (see [`AuditRecords::len`]).
    pub fn record_count(&self) -> usize {
        match &self.open {
            Some(open) => open.content().recorder.out.records.len(),
            None => self.collected.records.len(),
        }
    }

    /// Reads a whole file from a reader, in 64 KiB chunks.
    pub fn read_from(&mut self, name: &str, mut reader: impl std::io::Read) -> std::io::Result<()> {
        self.start_file(name);
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            let read = match reader.read(&mut buffer) {
                Ok(0) => break,
                Ok(read) => read,
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(error),
            };
            self.push(&buffer[..read]);
        }
        self.finish_file();
        Ok(())
    }

    /// Ends the ingest, returning the records in input order and the report.
    pub fn finish(mut self) -> (AuditRecords, IngestReport) {
        self.finish_file();
        (self.collected.records, self.collected.report)
    }
}

/// Stage 1: the open file's bytes, inflated if they are gzip.
struct OpenFile {
    bytes: u64,
    /// The first bytes, until there are enough to recognise gzip's magic number.
    head: Vec<u8>,
    decoding: Decoding,
}

enum Decoding {
    Undecided(Content),
    Plain(Content),
    Gzip {
        decoder: Box<MultiGzDecoder<Content>>,
        /// After a corrupt stream the rest of the file is ignored.
        failed: bool,
    },
}

impl OpenFile {
    fn new(content: Content) -> Self {
        Self {
            bytes: 0,
            head: Vec::with_capacity(GZIP_MAGIC.len()),
            decoding: Decoding::Undecided(content),
        }
    }

    fn content(&self) -> &Content {
        match &self.decoding {
            Decoding::Undecided(content) | Decoding::Plain(content) => content,
            Decoding::Gzip { decoder, .. } => decoder.get_ref(),
        }
    }

    fn push(&mut self, mut chunk: &[u8]) {
        self.bytes += chunk.len() as u64;
        if matches!(self.decoding, Decoding::Undecided(_)) {
            let wanted = GZIP_MAGIC.len() - self.head.len();
            let taken = wanted.min(chunk.len());
            self.head.extend_from_slice(&chunk[..taken]);
            chunk = &chunk[taken..];
            if self.head.len() < GZIP_MAGIC.len() {
                return;
            }
            self.decide();
        }
        self.inflate_or_read(chunk);
    }

    /// Chooses plain or gzip from the head, and passes the head on.
    fn decide(&mut self) {
        let Decoding::Undecided(content) =
            std::mem::replace(&mut self.decoding, Decoding::Plain(Content::default()))
        else {
            return;
        };
        self.decoding = if self.head == GZIP_MAGIC {
            Decoding::Gzip {
                decoder: Box::new(MultiGzDecoder::new(content)),
                failed: false,
            }
        } else {
            Decoding::Plain(content)
        };
        let head = std::mem::take(&mut self.head);
        self.inflate_or_read(&head);
    }

    fn inflate_or_read(&mut self, mut bytes: &[u8]) {
        match &mut self.decoding {
            Decoding::Undecided(_) => unreachable!("decided before reading"),
            Decoding::Plain(content) => content.read(bytes),
            Decoding::Gzip { decoder, failed } => {
                while !bytes.is_empty() && !*failed {
                    match decoder.write(bytes) {
                        Ok(0) => {
                            *failed = true;
                            decoder
                                .get_mut()
                                .gzip_error("the gzip data makes no progress");
                        }
                        Ok(written) => bytes = &bytes[written..],
                        Err(error) => {
                            *failed = true;
                            // What was inflated before the error is still in the decoder's
                            // buffer: flushing hands it on (and fails again, as expected).
                            let _ = decoder.flush();
                            decoder.get_mut().gzip_error(&format!(
                                "corrupt gzip data ({error}); what came before it was read"
                            ));
                        }
                    }
                }
            }
        }
    }

    fn finish(mut self) -> (Collected, FileReport) {
        if matches!(self.decoding, Decoding::Undecided(_)) {
            self.decide();
        }
        let bytes = self.bytes;
        let (collected, mut report) = match self.decoding {
            Decoding::Undecided(content) | Decoding::Plain(content) => content.finish(false),
            Decoding::Gzip {
                mut decoder,
                failed,
            } => {
                if !failed {
                    if let Err(error) = decoder.try_finish() {
                        let _ = decoder.flush();
                        decoder.get_mut().gzip_error(&format!(
                            "gzip stream cut short ({error}); what came before it was read"
                        ));
                    }
                }
                std::mem::take(decoder.get_mut()).finish(true)
            }
        };
        report.bytes = bytes;
        (collected, report)
    }
}

/// Stages 2 and 3: the (inflated) content of one file.
#[derive(Default)]
struct Content {
    stage: Stage,
    recorder: Recorder,
}

impl Write for Content {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.read(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

enum Stage {
    Detecting(Detector),
    Json(JsonSplitter),
    Lines(LineReader),
    /// Nothing more is read; the line where reading stopped.
    GaveUp(u64),
}

impl Default for Stage {
    fn default() -> Self {
        Stage::Detecting(Detector::default())
    }
}

impl Content {
    fn new(name: &str, index: u32, out: Collected) -> Self {
        Self {
            stage: Stage::default(),
            recorder: Recorder {
                out,
                name: name.to_string(),
                index,
                ..Recorder::default()
            },
        }
    }

    fn read(&mut self, mut bytes: &[u8]) {
        if let Stage::Detecting(detector) = &mut self.stage {
            let Some((detected, rest)) = detector.push(bytes, &mut self.recorder) else {
                return;
            };
            let head = std::mem::take(&mut detector.head);
            let line = detector.line;
            self.begin(detected, line);
            self.read_stage(&head);
            bytes = rest;
        }
        self.read_stage(bytes);
    }

    fn begin(&mut self, detected: Detected, line: u64) {
        self.stage = match detected {
            Detected::Json => Stage::Json(JsonSplitter::new(line)),
            Detected::Lines(format) => Stage::Lines(LineReader::new(format, line)),
            Detected::GaveUp => Stage::GaveUp(line),
        };
    }

    fn read_stage(&mut self, bytes: &[u8]) {
        match &mut self.stage {
            Stage::Detecting(_) => unreachable!("detection is over"),
            Stage::Json(splitter) => {
                splitter.push(bytes, &mut self.recorder);
                if self.recorder.gave_up {
                    self.stage = Stage::GaveUp(splitter.line());
                }
            }
            Stage::Lines(reader) => reader.push(bytes, &mut self.recorder),
            Stage::GaveUp(_) => {}
        }
    }

    /// Line of the content where reading is now.
    fn line(&self) -> u64 {
        match &self.stage {
            Stage::Detecting(detector) => detector.line,
            Stage::Json(splitter) => splitter.line(),
            Stage::Lines(reader) => reader.splitter.line(),
            Stage::GaveUp(line) => *line,
        }
    }

    fn gzip_error(&mut self, reason: &str) {
        let line = self.line();
        self.recorder.file_problem(line, reason.to_string());
    }

    fn finish(mut self, gzip: bool) -> (Collected, FileReport) {
        if let Stage::Detecting(detector) = &mut self.stage {
            let head = std::mem::take(&mut detector.head);
            let line = detector.line;
            match detector.classify_last(&head, &mut self.recorder) {
                Some(detected) => {
                    self.begin(detected, line);
                    self.read_stage(&head);
                }
                None => self.stage = Stage::GaveUp(line),
            }
        }
        let format = match &mut self.stage {
            Stage::Json(splitter) => {
                splitter.finish(&mut self.recorder);
                json_format(
                    self.recorder.first_shape,
                    splitter.first_envelope(),
                    splitter.layout(),
                )
            }
            Stage::Lines(reader) => {
                reader.finish(&mut self.recorder);
                reader.format.input_format()
            }
            Stage::Detecting(_) | Stage::GaveUp(_) => InputFormat::Unrecognised,
        };
        let recorder = self.recorder;
        let report = FileReport {
            file: recorder.name,
            format: if gzip { format.gzipped() } else { format },
            bytes: 0,
            records: recorder.records,
            skipped: recorder.skipped,
        };
        (recorder.out, report)
    }
}

/// The format of a JSON file, named by the first value that was recognisably an audit event (or
/// a wrapper of one) and where it sat.
fn json_format(
    first: Option<(Shape, Container)>,
    envelope: Option<EnvelopeKey>,
    layout: Layout,
) -> InputFormat {
    match (first, envelope) {
        (Some((Shape::Gke, _)), _) => InputFormat::GkeAuditLogs,
        (Some((Shape::Aks, _)), _) => InputFormat::AksDiagnostics,
        (Some((Shape::CloudWatch, _)), _) => InputFormat::EksCloudwatch,
        (Some((_, Container::Envelope(EnvelopeKey::Items))), _) => InputFormat::AuditEventList,
        (Some((_, Container::TopLevel)), _) if layout == Layout::Lines => InputFormat::AuditNdjson,
        (Some(_), _) => InputFormat::AuditJson,
        // Only empty envelopes: their kind is all there is to go by.
        (None, Some(EnvelopeKey::Items)) => InputFormat::AuditEventList,
        (None, Some(EnvelopeKey::Records)) => InputFormat::AksDiagnostics,
        (None, Some(EnvelopeKey::Events)) => InputFormat::EksCloudwatch,
        (None, None) => InputFormat::Unrecognised,
    }
}

/// What the detector chose.
enum Detected {
    Json,
    Lines(LineFormat),
    GaveUp,
}

/// What a complete first line says.
enum Class {
    Detected(Detected),
    Unknown,
}

/// Stage 2: finds the format from the first non-blank line, skipping (and reporting) lines that
/// match none, within [`DETECTION_LINE_LIMIT`] lines and [`DETECTION_BYTE_LIMIT`] bytes.
struct Detector {
    /// The current line so far (after a byte order mark at the very start).
    head: Vec<u8>,
    /// Its number.
    line: u64,
    undetected_lines: u64,
    undetected_bytes: u64,
    /// Whether the start of the file was checked for a byte order mark (and it dropped).
    bom_checked: bool,
    csv: CsvLineParser,
}

impl Default for Detector {
    fn default() -> Self {
        Self {
            head: Vec::new(),
            line: 1,
            undetected_lines: 0,
            undetected_bytes: 0,
            bom_checked: false,
            csv: CsvLineParser::default(),
        }
    }
}

impl Detector {
    /// Takes bytes until the format is known; then returns it with the rest of `chunk`, which,
    /// after `head` (the line that decided), is for the chosen reader.
    fn push<'c>(
        &mut self,
        mut chunk: &'c [u8],
        recorder: &mut Recorder,
    ) -> Option<(Detected, &'c [u8])> {
        while !chunk.is_empty() {
            let room = DETECTION_LINE_BYTES.saturating_sub(self.head.len()).max(1);
            let (piece, ends_line) = match memchr::memchr(b'\n', &chunk[..room.min(chunk.len())]) {
                Some(end) => (&chunk[..=end], true),
                None => (&chunk[..room.min(chunk.len())], false),
            };
            self.head.extend_from_slice(piece);
            chunk = &chunk[piece.len()..];
            if !self.bom_checked {
                if self.head.len() < BOM.len() && BOM.starts_with(&self.head) {
                    continue; // Perhaps a byte order mark, perhaps not: wait and see.
                }
                if self.head.starts_with(BOM) {
                    self.head.drain(..BOM.len());
                }
                self.bom_checked = true;
            }
            let text = trim_line_end(&self.head);
            match text.iter().position(|byte| !byte.is_ascii_whitespace()) {
                Some(first) if matches!(text[first], b'{' | b'[') => {
                    return Some((Detected::Json, chunk));
                }
                Some(_) if ends_line || self.head.len() >= DETECTION_LINE_BYTES => {
                    let complete = ends_line;
                    match self.classify(complete, recorder) {
                        Some(detected) => return Some((detected, chunk)),
                        None => {
                            if !complete {
                                recorder.file_problem(
                                    self.line,
                                    "line longer than 64 KiB that is not JSON: giving up on \
                                     this file"
                                        .to_string(),
                                );
                                return Some((Detected::GaveUp, chunk));
                            }
                            if self.gave_up(recorder) {
                                return Some((Detected::GaveUp, chunk));
                            }
                        }
                    }
                }
                Some(_) => {}
                None if ends_line => self.next_line(),
                None if self.head.len() >= DETECTION_LINE_BYTES => {
                    recorder.file_problem(
                        self.line,
                        "line of more than 64 KiB of spaces: giving up on this file".to_string(),
                    );
                    return Some((Detected::GaveUp, chunk));
                }
                None => {}
            }
        }
        None
    }

    /// Classifies the current line (complete or cut at the length limit): `None` if it was
    /// skipped as matching no format.
    fn classify(&mut self, complete: bool, recorder: &mut Recorder) -> Option<Detected> {
        match classify_line(trim_line_end(&self.head), complete, &mut self.csv) {
            Class::Detected(Detected::GaveUp) => {
                recorder.file_problem(
                    self.line,
                    "binary data, not a recognised format: giving up on this file".to_string(),
                );
                Some(Detected::GaveUp)
            }
            Class::Detected(detected) => Some(detected),
            Class::Unknown => {
                recorder.skip(
                    self.line,
                    "not JSON, a `<timestamp> <JSON event>` line, a CSV row or a verb_resource \
                     token"
                        .to_string(),
                );
                None
            }
        }
    }

    /// Counts an unrecognised line; true when detection should stop.
    fn gave_up(&mut self, recorder: &mut Recorder) -> bool {
        self.undetected_lines += 1;
        self.undetected_bytes += self.head.len() as u64;
        self.next_line();
        let gave_up = self.undetected_lines >= DETECTION_LINE_LIMIT
            || self.undetected_bytes >= DETECTION_BYTE_LIMIT;
        if gave_up {
            recorder.file_problem(
                self.line,
                format!(
                    "giving up on this file: none of its first {} lines is in an accepted format",
                    self.undetected_lines
                ),
            );
        }
        gave_up
    }

    fn next_line(&mut self) {
        self.line += 1;
        self.head.clear();
    }

    /// At the end of the file: what its unterminated last line (in `head`) is, if anything.
    fn classify_last(&mut self, head: &[u8], recorder: &mut Recorder) -> Option<Detected> {
        let text = trim_line_end(head);
        let first = text.iter().position(|byte| !byte.is_ascii_whitespace())?;
        if matches!(text[first], b'{' | b'[') {
            return Some(Detected::Json);
        }
        self.head = head.to_vec();
        self.classify(true, recorder)
    }
}

fn trim_line_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Which line format a first line is in; `complete` is false for a line cut at the length limit.
fn classify_line(line: &[u8], complete: bool, csv: &mut CsvLineParser) -> Class {
    if line.contains(&0) {
        return Class::Detected(Detected::GaveUp);
    }
    let text = match std::str::from_utf8(line) {
        Ok(text) => text,
        // A long line may have been cut inside a character.
        Err(error) if !complete && error.error_len().is_none() => {
            std::str::from_utf8(&line[..error.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => return Class::Detected(Detected::GaveUp),
    };
    if wrapped::timestamped_json(text).is_some() {
        return Class::Detected(Detected::Lines(LineFormat::Timestamped));
    }
    if !complete {
        return Class::Unknown;
    }
    if csv.field_count(text) == logstash_csv::COLUMNS {
        return Class::Detected(Detected::Lines(LineFormat::Csv));
    }
    if tokens::looks_like_token(text) {
        return Class::Detected(Detected::Lines(LineFormat::Tokens));
    }
    Class::Unknown
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineFormat {
    Csv,
    Tokens,
    /// `<timestamp> <JSON event>`, as CloudWatch Logs exports EKS audit logs.
    Timestamped,
}

impl LineFormat {
    fn input_format(self) -> InputFormat {
        match self {
            LineFormat::Csv => InputFormat::PerfspecCsv,
            LineFormat::Tokens => InputFormat::Tokens,
            LineFormat::Timestamped => InputFormat::EksCloudwatch,
        }
    }
}

/// Stage 3 for line formats: one record per line.
struct LineReader {
    splitter: LineSplitter,
    format: LineFormat,
    csv: CsvLineParser,
}

impl LineReader {
    fn new(format: LineFormat, first_line: u64) -> Self {
        Self {
            splitter: LineSplitter::starting_at(first_line),
            format,
            csv: CsvLineParser::default(),
        }
    }

    fn push(&mut self, bytes: &[u8], recorder: &mut Recorder) {
        let (format, csv) = (self.format, &mut self.csv);
        self.splitter
            .push(bytes, |line| read_line(format, csv, recorder, line));
    }

    fn finish(&mut self, recorder: &mut Recorder) {
        let (format, csv) = (self.format, &mut self.csv);
        self.splitter
            .finish(|line| read_line(format, csv, recorder, line));
    }
}

fn read_line(format: LineFormat, csv: &mut CsvLineParser, recorder: &mut Recorder, line: Line<'_>) {
    if line.overlong {
        let limit = line_splitter::MAX_LINE_BYTES >> 20;
        recorder.skip(line.number, format!("line longer than {limit} MiB"));
        return;
    }
    let Ok(text) = std::str::from_utf8(line.bytes) else {
        recorder.skip(line.number, "not UTF-8 text (binary data?)".to_string());
        return;
    };
    if text.trim().is_empty() {
        return;
    }
    let result = match format {
        LineFormat::Csv => csv.parse_record(text),
        LineFormat::Tokens => tokens::parse_token(text),
        LineFormat::Timestamped => {
            let cut = if line.terminated {
                Cut::No
            } else {
                Cut::LastLineIfIncomplete
            };
            let mut placed = Placed {
                recorder,
                line: line.number,
                container: Container::TopLevel,
                cut,
            };
            return audit_json::decode_timestamped(text, &mut placed);
        }
    };
    match result {
        Ok(record) => recorder.keep(record, line.number),
        Err(Skip { reason, incomplete }) => {
            let reason = if incomplete && !line.terminated {
                format!("truncated last line ({reason})")
            } else {
                reason
            };
            recorder.skip(line.number, reason);
        }
    }
}

/// How a decoded value was cut short, which its skip reason says.
#[derive(Clone, Copy)]
enum Cut {
    No,
    /// The file ended inside the value, on the line it started on...
    LastLine,
    /// ... or further down.
    EndOfFile,
    /// The line had no line end: a skip for want of more input means the file was cut short.
    LastLineIfIncomplete,
}

/// A decoded value on its way to the recorder, with its place in the file.
struct Placed<'r> {
    recorder: &'r mut Recorder,
    line: u64,
    container: Container,
    cut: Cut,
}

impl DecodeSink for Placed<'_> {
    fn record(&mut self, shape: Shape, record: RecordFields<'_>) {
        self.recorder.note_shape(shape, self.container);
        self.recorder.keep(record, self.line);
    }

    fn skip(&mut self, shape: Shape, skip: Skip) {
        self.recorder.note_shape(shape, self.container);
        let reason = match self.cut {
            Cut::LastLine => format!("truncated last line ({})", skip.reason),
            Cut::LastLineIfIncomplete if skip.incomplete => {
                format!("truncated last line ({})", skip.reason)
            }
            Cut::EndOfFile => format!("truncated at end of file ({})", skip.reason),
            Cut::No | Cut::LastLineIfIncomplete => skip.reason,
        };
        self.recorder.skip(self.line, reason);
    }
}

/// Where one file's records and skips go, and what is known about its format.
#[derive(Default)]
struct Recorder {
    out: Collected,
    name: String,
    index: u32,
    records: u64,
    skipped: u64,
    /// The first value recognisable as an audit event or a wrapper of one, and where it sat.
    first_shape: Option<(Shape, Container)>,
    /// Set when JSON content gave nothing recognisable for too long.
    gave_up: bool,
}

impl Recorder {
    fn keep(&mut self, record: RecordFields<'_>, line: u64) {
        self.out.records.push(&record, self.index, line);
        self.out.report.records_read += 1;
        self.records += 1;
    }

    fn skip(&mut self, line: u64, reason: String) {
        self.skip_reported(line, reason, false);
    }

    /// A problem with the whole file: reported even after [`MAX_REPORTED_SKIPS`].
    fn file_problem(&mut self, line: u64, reason: String) {
        self.skip_reported(line, reason, true);
    }

    fn skip_reported(&mut self, line: u64, reason: String, always: bool) {
        let report = &mut self.out.report;
        report.records_read += 1;
        report.records_skipped += 1;
        self.skipped += 1;
        if always || report.skipped.len() < MAX_REPORTED_SKIPS {
            report.skipped.push(SkippedRecord {
                file: self.name.clone(),
                line,
                reason,
            });
        }
    }

    fn note_shape(&mut self, shape: Shape, container: Container) {
        let recognised = matches!(
            shape,
            Shape::Event | Shape::Gke | Shape::Aks | Shape::CloudWatch
        );
        if recognised && self.first_shape.is_none() {
            self.first_shape = Some((shape, container));
        }
    }

    fn check_give_up(&mut self, line: u64) {
        if !self.gave_up
            && self.first_shape.is_none()
            && self.records == 0
            && self.skipped >= JSON_GIVE_UP_LIMIT
        {
            self.gave_up = true;
            self.file_problem(
                line,
                format!(
                    "giving up on this file: none of its first {JSON_GIVE_UP_LIMIT} JSON values \
                     is an audit event"
                ),
            );
        }
    }
}

impl ValueSink for Recorder {
    fn line(&mut self, bytes: &[u8], line: u64) -> bool {
        if self.gave_up {
            return true;
        }
        let mut placed = Placed {
            recorder: self,
            line,
            container: Container::TopLevel,
            cut: Cut::No,
        };
        let decoded = audit_json::decode_line(bytes, &mut placed);
        if decoded {
            self.check_give_up(line);
        }
        decoded
    }

    fn value(&mut self, value: json_splitter::Value<'_>) {
        if self.gave_up {
            return;
        }
        let cut = match value.end {
            End::Overlong => {
                let limit = json_splitter::MAX_VALUE_BYTES >> 20;
                self.skip(value.line, format!("JSON value longer than {limit} MiB"));
                self.check_give_up(value.line);
                return;
            }
            End::Truncated { on_last_line: true } => Cut::LastLine,
            End::Truncated {
                on_last_line: false,
            } => Cut::EndOfFile,
            End::Complete | End::Broken => Cut::No,
        };
        let mut placed = Placed {
            recorder: self,
            line: value.line,
            container: value.container,
            cut,
        };
        audit_json::decode(value.bytes, &mut placed);
        self.check_give_up(value.line);
    }

    fn garbage(&mut self, line: u64, reason: String) {
        if self.gave_up {
            return;
        }
        self.skip(line, reason);
        self.check_give_up(line);
    }
}
