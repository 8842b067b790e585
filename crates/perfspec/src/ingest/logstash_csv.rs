//! The PerfSPEC dataset's Logstash CSV projection: 15 columns, no header (their order: see
//! ARCHITECTURE.md, Ingest).
//!
//! Rows are parsed one line at a time with `csv-core` (quoted JSON in the `host` column uses `""`
//! escapes); buffers are reused across lines.

use std::borrow::Cow;

use super::skip::Skip;
use crate::ingest::record::RecordFields;

pub(crate) const COLUMNS: usize = 15;

const USER: usize = 2;
const VERB: usize = 3;
const RESOURCE: usize = 4;
const SUBRESOURCE: usize = 5;
const REQUEST_URI: usize = 8;
const AUDIT_ID: usize = 9;
const STAGE: usize = 10;
const STATUS_CODE: usize = 11;
const RECEIVED: usize = 1;

pub(crate) struct CsvLineParser {
    /// Built once: constructing a csv-core reader compiles its state machine, which costs far
    /// more than reading one row.
    reader: csv_core::Reader,
    output: Vec<u8>,
    ends: Vec<usize>,
}

impl Default for CsvLineParser {
    fn default() -> Self {
        Self {
            // `Reader::default()` leaves the state machine unbuilt; `new()` builds it.
            reader: csv_core::Reader::new(),
            output: Vec::new(),
            ends: Vec::new(),
        }
    }
}

impl CsvLineParser {
    /// Splits one line into fields; `None` if it is not well-formed CSV.
    fn split(&mut self, line: &str) -> Option<usize> {
        let reader = &mut self.reader;
        reader.reset();
        let input = line.as_bytes();
        self.output.resize(input.len() + 1, 0);
        self.ends.resize(input.len() + 2, 0);
        let (result, consumed, _, fields) =
            reader.read_record(input, &mut self.output, &mut self.ends);
        let fields = match result {
            csv_core::ReadRecordResult::Record => fields,
            csv_core::ReadRecordResult::InputEmpty if consumed == input.len() => {
                // The line has no terminator: an empty read tells csv-core the record ended.
                let (result, _, _, more) =
                    reader.read_record(&[], &mut self.output[..], &mut self.ends[fields..]);
                match result {
                    csv_core::ReadRecordResult::Record => fields + more,
                    _ => return None,
                }
            }
            _ => return None,
        };
        Some(fields)
    }

    pub(crate) fn field_count(&mut self, line: &str) -> usize {
        self.split(line).unwrap_or(0)
    }

    fn field(&self, index: usize) -> &str {
        let start = if index == 0 { 0 } else { self.ends[index - 1] };
        // csv-core copies whole fields of a valid UTF-8 line, so each field is valid UTF-8.
        std::str::from_utf8(&self.output[start..self.ends[index]]).unwrap_or("")
    }

    fn optional(&self, index: usize) -> Option<Cow<'_, str>> {
        let value = self.field(index);
        (!value.is_empty()).then_some(Cow::Borrowed(value))
    }

    pub(crate) fn parse_record(&mut self, line: &str) -> Result<RecordFields<'_>, Skip> {
        let fields = self
            .split(line)
            .ok_or_else(|| Skip::new("malformed CSV row"))?;
        if fields != COLUMNS {
            let reason = format!("expected {COLUMNS} CSV columns, found {fields}");
            return Err(if fields < COLUMNS {
                Skip::incomplete(reason)
            } else {
                Skip::new(reason)
            });
        }
        let verb = self
            .optional(VERB)
            .ok_or_else(|| Skip::new("CSV row without a verb"))?;
        let request_uri = self.field(REQUEST_URI);
        Ok(RecordFields {
            verb,
            resource: self.optional(RESOURCE),
            subresource: self.optional(SUBRESOURCE),
            namespace: namespace_of(request_uri).map(Cow::Borrowed),
            user: self.optional(USER),
            stage: self.optional(STAGE),
            audit_id: self.optional(AUDIT_ID),
            status_code: self.field(STATUS_CODE).parse().ok(),
            received_at: self.optional(RECEIVED),
        })
    }
}

/// The namespace of a namespaced request, read from its URI (the CSV has no namespace column):
/// `/api/v1/namespaces/NS/pods` is in NS, `/api/v1/namespaces/NS` is the namespace object itself.
fn namespace_of(request_uri: &str) -> Option<&str> {
    let path = request_uri.split('?').next().unwrap_or("");
    let mut segments = path.split('/').filter(|segment| !segment.is_empty());
    while let Some(segment) = segments.next() {
        if segment == "namespaces" {
            let namespace = segments.next()?;
            return segments.next().map(|_| namespace);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROW: &str = r#""{""name"":""k8s-master-perfspec""}",2023-01-27T18:28:08.142306Z,system:kube-scheduler,create,pods,binding,web-0,,/api/v1/namespaces/demo/pods/web-0/binding,8e6e8f52-3224,ResponseComplete,201,,,"#;

    #[test]
    fn reads_every_column_it_needs() {
        let mut parser = CsvLineParser::default();
        let record = parser.parse_record(ROW).unwrap();
        assert_eq!(record.verb, "create");
        assert_eq!(record.resource.as_deref(), Some("pods"));
        assert_eq!(record.subresource.as_deref(), Some("binding"));
        assert_eq!(record.namespace.as_deref(), Some("demo"));
        assert_eq!(record.user.as_deref(), Some("system:kube-scheduler"));
        assert_eq!(record.status_code, Some(201));
        assert_eq!(record.stage.as_deref(), Some("ResponseComplete"));
    }

    #[test]
    fn short_rows_are_rejected_with_the_column_count() {
        let mut parser = CsvLineParser::default();
        let cut = &ROW[..60];
        let skip = parser.parse_record(cut).unwrap_err();
        assert!(skip.reason.contains("found 2") && skip.incomplete);
    }

    #[test]
    fn namespace_comes_from_the_uri() {
        assert_eq!(namespace_of("/api/v1/namespaces/a/pods?watch=1"), Some("a"));
        assert_eq!(namespace_of("/api/v1/namespaces/a"), None);
        assert_eq!(namespace_of("/readyz"), None);
    }
}
