//! One JSON value that should hold an audit event: a native `audit.k8s.io` Event (v1, v1beta1,
//! v1alpha1), or one of the cloud wrappers around it (a GKE Cloud Audit Logs entry, an AKS
//! diagnostic record, a CloudWatch Logs event).
//!
//! A value is first read, by one borrowed serde parse, as a native event ([`RawEvent`]): that is
//! all an event with a verb costs, as in a plain NDJSON reader. Only a value without a verb is
//! read again for the wrappers' fields ([`RawWrapper`]), whose presence tells the shapes apart,
//! so a file may even mix shapes.

use serde::de::IgnoredAny;

use super::raw_event::{DecodeSink, RawEvent, Shape};
use super::raw_wrapper::RawWrapper;
use super::skip::Skip;
use super::wrapped::{self, Embedded};
use super::{event_scanner, gke};
#[cfg(test)]
use crate::ingest::record::AuditRecord;
use crate::ingest::record::RecordFields;

/// The value as text. Validating the UTF-8 of the whole value at once and then parsing text is
/// faster than letting serde_json validate each string of a byte slice on its own.
fn text_of(bytes: &[u8]) -> Result<&str, Skip> {
    simdutf8::basic::from_utf8(bytes).map_err(|_| {
        // Let serde_json say where, if it can.
        match serde_json::from_slice::<RawEvent<'_>>(bytes) {
            Err(error) if error.is_eof() => Skip::incomplete(format!("invalid JSON ({error})")),
            Err(error) => Skip::new(format!("invalid JSON ({error})")),
            Ok(_) => Skip::new("invalid JSON (not UTF-8 text)"),
        }
    })
}

/// Delivers the event the scanner read, if it read one with a verb: the usual value, without
/// serde. Anything else is serde's to decode.
fn scanned(text: &str, sink: &mut impl DecodeSink) -> bool {
    match event_scanner::scan_event(text).filter(|event| event.verb.is_some()) {
        Some(event) => {
            event.deliver(sink);
            true
        }
        None => false,
    }
}

/// Decodes one JSON value; a skip's reason says what is wrong with it.
pub(super) fn decode(bytes: &[u8], sink: &mut impl DecodeSink) {
    let text = match text_of(bytes) {
        Ok(text) => text,
        Err(skip) => return sink.skip(Shape::Unknown, skip),
    };
    if scanned(text, sink) {
        return;
    }
    match serde_json::from_str::<RawEvent<'_>>(text) {
        Ok(event) if event.verb.is_some() => event.deliver(sink),
        Ok(event) => without_verb(event, serde_json::from_str(text), sink),
        Err(error) => sink.skip(Shape::Unknown, json_error(text, error)),
    }
}

/// The NDJSON fast path: decodes a line if it is exactly one JSON value that is not a list
/// wrapper, and says whether it did; otherwise the line goes through the splitter (which cuts
/// concatenated values apart, descends into wrappers, and gives invalid JSON its reason).
pub(super) fn decode_line(bytes: &[u8], sink: &mut impl DecodeSink) -> bool {
    let Ok(text) = simdutf8::basic::from_utf8(bytes) else {
        return false;
    };
    if scanned(text, sink) {
        return true;
    }
    let Ok(event) = serde_json::from_str::<RawEvent<'_>>(text) else {
        return false;
    };
    if event.verb.is_some() {
        event.deliver(sink);
        return true;
    }
    let wrapper = serde_json::from_str::<RawWrapper<'_>>(text);
    if wrapper.as_ref().is_ok_and(RawWrapper::is_list_wrapper) {
        return false;
    }
    without_verb(event, wrapper, sink);
    true
}

/// A value without a verb: a cloud wrapper, a list wrapper whose list is not an array, an empty
/// `EventList`, or an event that lost its verb (or is none).
fn without_verb(
    event: RawEvent<'_>,
    wrapper: Result<RawWrapper<'_>, serde_json::Error>,
    sink: &mut impl DecodeSink,
) {
    let Ok(wrapper) = wrapper else {
        // Wrapper fields of another type than the wrappers': not a wrapper.
        return event.deliver(sink);
    };
    let (shape, result) = if wrapper.proto_payload.is_some() {
        (Shape::Gke, gke::record(wrapper, event.timestamp))
    } else if wrapper.category.is_some() || wrapper.properties.is_some() {
        (
            Shape::Aks,
            wrapped::aks_event(wrapper).and_then(embedded_record),
        )
    } else if wrapper.message.is_some() {
        (
            Shape::CloudWatch,
            wrapped::cloudwatch_event(wrapper).and_then(embedded_record),
        )
    } else if wrapper.is_list_wrapper() {
        let skip = Skip::new("not an audit event (a list wrapper whose list is not an array)");
        return sink.skip(Shape::Envelope, skip);
    } else if event.kind.as_deref() == Some("EventList") {
        // Go writes an empty batch's list as `"items": null`.
        return;
    } else {
        return event.deliver(sink);
    };
    match result {
        Ok(record) => sink.record(shape, record),
        Err(skip) => sink.skip(shape, skip),
    }
}

/// The record of the event a cloud wrapper holds.
fn embedded_record(embedded: Embedded<'_>) -> Result<RecordFields<'static>, Skip> {
    match embedded {
        Embedded::Json(text, place) => decode_embedded(&text, place),
        Embedded::Event(event) => event.record().map(RecordFields::into_owned),
    }
}

/// One `<timestamp> <JSON event>` line.
pub(super) fn decode_timestamped(line: &str, sink: &mut impl DecodeSink) {
    match wrapped::timestamped_json(line) {
        Some(json) => decode(json.as_bytes(), sink),
        None => sink.skip(
            Shape::Unknown,
            Skip::new("not a `<timestamp> <JSON event>` line"),
        ),
    }
}

/// Decodes JSON text that must be a native audit event (AKS `properties.log`, a CloudWatch
/// message): `place` names where the text was found, for the skip reason.
fn decode_embedded(text: &str, place: &str) -> Result<RecordFields<'static>, Skip> {
    match serde_json::from_str::<RawEvent<'_>>(text) {
        Ok(event) => event.record().map(RecordFields::into_owned),
        Err(error) => Err(Skip::new(format!(
            "{place}: {}",
            json_error(text, error).reason
        ))),
    }
}

/// Why serde_json refused a value: invalid JSON (incomplete if it ended early), or valid JSON
/// of the wrong shape.
fn json_error(text: &str, error: serde_json::Error) -> Skip {
    match serde_json::from_str::<IgnoredAny>(text) {
        Ok(_) => Skip::new(format!("not an audit event ({error})")),
        Err(error) if error.is_eof() => Skip::incomplete(format!("invalid JSON ({error})")),
        Err(error) => Skip::new(format!("invalid JSON ({error})")),
    }
}

/// What decoding one value gave, for tests.
#[cfg(test)]
#[derive(Default)]
pub(super) struct Decoded {
    pub shape: Option<Shape>,
    pub result: Option<Result<AuditRecord, Skip>>,
}

#[cfg(test)]
impl DecodeSink for Decoded {
    fn record(&mut self, shape: Shape, record: RecordFields<'_>) {
        assert!(self.result.is_none(), "one value, one outcome");
        self.shape = Some(shape);
        self.result = Some(Ok(record.to_record()));
    }
    fn skip(&mut self, shape: Shape, skip: Skip) {
        assert!(self.result.is_none(), "one value, one outcome");
        self.shape = Some(shape);
        self.result = Some(Err(skip));
    }
}

#[cfg(test)]
pub(super) fn decoded(bytes: &[u8]) -> Decoded {
    let mut out = Decoded::default();
    decode(bytes, &mut out);
    out
}

/// Parses one native event; the error is the reason the value is skipped.
#[cfg(test)]
pub(crate) fn parse_event(text: &str) -> Result<AuditRecord, Skip> {
    decoded(text.as_bytes())
        .result
        .unwrap_or_else(|| Err(Skip::new("nothing")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v1_event_with_escaped_strings() {
        let line = r#"{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a-1","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/ns/pods","verb":"create","user":{"username":"system:serviceaccount:kube-system:job\u002dcontroller"},"objectRef":{"resource":"pods","namespace":"ns","subresource":"binding"},"responseStatus":{"metadata":{},"code":201},"requestReceivedTimestamp":"2023-01-27T18:28:08.129781Z"}"#;
        let record = parse_event(line).unwrap();
        assert_eq!(record.verb, "create");
        assert_eq!(record.resource.as_deref(), Some("pods"));
        assert_eq!(record.subresource.as_deref(), Some("binding"));
        assert_eq!(record.namespace.as_deref(), Some("ns"));
        assert_eq!(
            record.user.as_deref(),
            Some("system:serviceaccount:kube-system:job-controller")
        );
        assert_eq!(record.status_code, Some(201));
        assert_eq!(
            record.received_at.as_deref(),
            Some("2023-01-27T18:28:08.129781Z")
        );
    }

    #[test]
    fn events_missing_kind_and_api_version_are_kept() {
        let record =
            parse_event(r#"{"verb":"delete","objectRef":{"resource":"secrets"}}"#).unwrap();
        assert_eq!(record.verb, "delete");
        assert_eq!(record.resource.as_deref(), Some("secrets"));
    }

    #[test]
    fn reasons_name_what_is_wrong() {
        let reason = |text| parse_event(text).unwrap_err();
        assert!(reason(r#"{"kind": 0}"#)
            .reason
            .starts_with("not an audit event"));
        assert!(reason(r#"{"kind":"Pod","verb":"get"}"#)
            .reason
            .contains("\"Pod\""));
        let cut = reason(r#"{"verb":"get""#);
        assert!(cut.reason.starts_with("invalid JSON") && cut.incomplete);
        assert!(!reason(r#"{"verb":"get"}}"#).incomplete);
        assert_eq!(
            reason(r#"{"kind":"Event","stage":"ResponseComplete"}"#),
            Skip::new("audit event without a verb")
        );
        assert_eq!(
            reason(r#"{"name":"x"}"#),
            Skip::new("not an audit event (no verb, kind or auditID)")
        );
        assert!(reason(r#"{"kind":"EventList","items":7}"#)
            .reason
            .contains("list wrapper"));
    }

    #[test]
    fn the_fast_path_declines_what_needs_the_splitter() {
        let fast = |line: &[u8]| decode_line(line, &mut Decoded::default());
        assert!(fast(br#"{"verb":"get"}"#));
        assert!(!fast(br#"{"verb":"get"} {"verb":"list"}"#));
        assert!(!fast(br#"{"kind":"EventList","items":[]}"#));
        assert!(!fast(br#"{"verb":"get""#));
        // Semantic skips need no second look.
        assert!(fast(br#"{"kind":"Event"}"#));
    }

    #[test]
    fn an_empty_event_list_written_by_go_is_nothing() {
        let out = decoded(br#"{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":null}"#);
        assert!(out.result.is_none());
    }
}
