//! Streaming ingest: byte chunks of any size in, [`AuditRecord`]s out, with every skipped line
//! counted and the first few reported by file, line and reason.
//!
//! The format is detected per file from its content (the first line that looks like one of the
//! accepted formats decides), so several files of different kinds can be read together.

mod audit_json;
mod line_splitter;
mod logstash_csv;
mod tokens;

use serde::{Deserialize, Serialize};

use crate::record::AuditRecord;
use line_splitter::LineSplitter;
use logstash_csv::CsvLineParser;

/// How many skipped records are kept with their reason; the rest are only counted.
pub const MAX_REPORTED_SKIPS: usize = 100;
/// A file whose first this-many non-blank lines match no format is given up as unrecognised.
const DETECTION_LINE_LIMIT: u64 = 1_000;

/// The kinds of input a file can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputFormat {
    /// One `audit.k8s.io` Event object per line, as kube-apiserver's `--audit-log-path` writes.
    AuditNdjson,
    /// The PerfSPEC dataset's Logstash CSV projection (15 columns, no header).
    PerfspecCsv,
    /// One `verb_resource` event type per line.
    Tokens,
    /// Nothing in the file matched an accepted format.
    Unrecognised,
}

impl InputFormat {
    pub fn label(self) -> &'static str {
        match self {
            InputFormat::AuditNdjson => "audit events (NDJSON)",
            InputFormat::PerfspecCsv => "PerfSPEC Logstash CSV",
            InputFormat::Tokens => "event-type tokens",
            InputFormat::Unrecognised => "unrecognised",
        }
    }
}

/// Why a line gave no record; `incomplete` when the line ended before its record did, which on
/// an unterminated last line means the file was cut short.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Skip {
    pub reason: String,
    pub incomplete: bool,
}

impl Skip {
    pub fn new(reason: impl Into<String>) -> Self {
        Self {
            reason: reason.into(),
            incomplete: false,
        }
    }

    pub fn incomplete(reason: impl Into<String>) -> Self {
        Self {
            reason: reason.into(),
            incomplete: true,
        }
    }
}

/// A record that was not kept, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedRecord {
    pub file: String,
    pub line: u64,
    pub reason: String,
}

/// What one file gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileReport {
    pub file: String,
    pub format: InputFormat,
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
    /// The first [`MAX_REPORTED_SKIPS`] skipped records.
    pub skipped: Vec<SkippedRecord>,
}

struct OpenFile {
    report: FileReport,
    splitter: LineSplitter,
    format: Option<InputFormat>,
    lines_without_format: u64,
    gave_up: bool,
}

/// Reads any number of files, one after the other, each fed as byte chunks.
///
/// ```
/// let mut ingestor = perfspec::Ingestor::default();
/// ingestor.start_file("tokens.txt");
/// ingestor.push(b"create_pods\nupdate_dep");
/// ingestor.push(b"loyments\n");
/// ingestor.finish_file();
/// let (records, report) = ingestor.finish();
/// assert_eq!(records.len(), 2);
/// assert_eq!(report.records_skipped, 0);
/// ```
#[derive(Default)]
pub struct Ingestor {
    records: Vec<AuditRecord>,
    report: IngestReport,
    open: Option<OpenFile>,
    csv: CsvLineParser,
}

impl Ingestor {
    /// Begins a new file; an open one is finished first.
    pub fn start_file(&mut self, name: &str) {
        self.finish_file();
        self.open = Some(OpenFile {
            report: FileReport {
                file: name.to_string(),
                format: InputFormat::Unrecognised,
                bytes: 0,
                records: 0,
                skipped: 0,
            },
            splitter: LineSplitter::default(),
            format: None,
            lines_without_format: 0,
            gave_up: false,
        });
    }

    /// Feeds the next bytes of the open file. Chunks may split lines and UTF-8 sequences anywhere.
    pub fn push(&mut self, chunk: &[u8]) {
        let Some(mut open) = self.open.take() else {
            return;
        };
        open.report.bytes += chunk.len() as u64;
        let mut splitter = std::mem::take(&mut open.splitter);
        splitter.push(chunk, |line| self.handle_line(&mut open, line));
        open.splitter = splitter;
        self.open = Some(open);
    }

    /// Ends the open file: its unterminated last line, if any, is read as the truncated end.
    pub fn finish_file(&mut self) {
        let Some(mut open) = self.open.take() else {
            return;
        };
        let mut splitter = std::mem::take(&mut open.splitter);
        splitter.finish(|line| self.handle_line(&mut open, line));
        open.report.format = open.format.unwrap_or(InputFormat::Unrecognised);
        self.report.files.push(open.report);
    }

    /// Bytes fed so far to the open file.
    pub fn bytes_of_open_file(&self) -> u64 {
        self.open.as_ref().map_or(0, |open| open.report.bytes)
    }

    /// Records kept so far, over all files.
    pub fn record_count(&self) -> usize {
        self.records.len()
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
    pub fn finish(mut self) -> (Vec<AuditRecord>, IngestReport) {
        self.finish_file();
        (self.records, self.report)
    }

    fn handle_line(&mut self, open: &mut OpenFile, line: line_splitter::Line<'_>) {
        if open.gave_up {
            return;
        }
        let text = match std::str::from_utf8(line.bytes) {
            Ok(text) => text,
            Err(_) => {
                self.skip(open, line.number, "not UTF-8 text (binary data?)".into());
                self.note_undetected(open);
                return;
            }
        };
        if text.trim().is_empty() {
            return;
        }
        let format = match open.format {
            Some(format) => format,
            None => match sniff(text, &mut self.csv) {
                Some(format) => {
                    open.format = Some(format);
                    format
                }
                None => {
                    self.skip(
                        open,
                        line.number,
                        "not an audit event, a CSV row or a verb_resource token".into(),
                    );
                    self.note_undetected(open);
                    return;
                }
            },
        };
        let file_index = (self.report.files.len()) as u32;
        let parsed = match format {
            InputFormat::AuditNdjson => audit_json::parse_event(text),
            InputFormat::PerfspecCsv => self.csv.parse_record(text),
            InputFormat::Tokens => tokens::parse_token(text),
            InputFormat::Unrecognised => return,
        };
        match parsed {
            Ok(mut record) => {
                record.file = file_index;
                record.line = line.number;
                self.records.push(record);
                self.report.records_read += 1;
                open.report.records += 1;
            }
            Err(Skip { reason, incomplete }) => {
                let reason = if incomplete && !line.terminated {
                    format!("truncated last line ({reason})")
                } else {
                    reason
                };
                self.skip(open, line.number, reason);
            }
        }
    }

    fn skip(&mut self, open: &mut OpenFile, line: u64, reason: String) {
        self.report.records_read += 1;
        self.report.records_skipped += 1;
        open.report.skipped += 1;
        if self.report.skipped.len() < MAX_REPORTED_SKIPS {
            self.report.skipped.push(SkippedRecord {
                file: open.report.file.clone(),
                line,
                reason,
            });
        }
    }

    fn note_undetected(&mut self, open: &mut OpenFile) {
        if open.format.is_none() {
            open.lines_without_format += 1;
            if open.lines_without_format >= DETECTION_LINE_LIMIT {
                open.gave_up = true;
            }
        }
    }
}

/// Which format a line looks like, if any.
fn sniff(text: &str, csv: &mut CsvLineParser) -> Option<InputFormat> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        return Some(InputFormat::AuditNdjson);
    }
    if csv.field_count(text) == logstash_csv::COLUMNS {
        return Some(InputFormat::PerfspecCsv);
    }
    if tokens::looks_like_token(text) {
        return Some(InputFormat::Tokens);
    }
    None
}
