//! One JSON value that should hold an audit event: a native `audit.k8s.io` Event (v1, v1beta1,
//! v1alpha1), or one of the cloud wrappers around it (a GKE Cloud Audit Logs entry, an AKS
//! diagnostic record, a CloudWatch Logs event).
//!
//! A value is first read, by one borrowed serde parse, as a native event ([`RawEvent`]): that is
//! all an event with a verb costs, as in a plain NDJSON reader. Only a value without a verb is
//! read again for the wrappers' fields ([`RawWrapper`]), whose presence tells the shapes apart,
//! so a file may even mix shapes.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, Visitor};
use serde::Deserialize;

use super::{event_scanner, gke, wrapped, Skip};
#[cfg(test)]
use crate::ingest::record::AuditRecord;
use crate::ingest::record::RecordFields;

/// The fields of a native audit event, each optional.
#[derive(Deserialize, Default)]
pub(super) struct RawEvent<'a> {
    #[serde(borrow)]
    pub kind: Option<Text<'a>>,
    #[serde(borrow, rename = "apiVersion")]
    pub api_version: Option<Text<'a>>,
    #[serde(borrow)]
    pub verb: Option<Text<'a>>,
    #[serde(borrow, rename = "auditID")]
    pub audit_id: Option<Text<'a>>,
    #[serde(borrow)]
    pub stage: Option<Text<'a>>,
    #[serde(borrow)]
    pub user: Option<RawUser<'a>>,
    #[serde(borrow, rename = "objectRef")]
    pub object_ref: Option<RawObjectRef<'a>>,
    #[serde(rename = "responseStatus")]
    pub response_status: Option<RawStatus>,
    #[serde(borrow, rename = "requestReceivedTimestamp")]
    pub request_received_timestamp: Option<Text<'a>>,
    /// v1beta1 and v1alpha1 name the receive time `timestamp`, as does a GKE log entry; a
    /// CloudWatch event has a number there (milliseconds since the epoch).
    #[serde(borrow)]
    pub timestamp: Option<TextOrNumber<'a>>,
}

/// The fields of the cloud wrappers and list wrappers, each optional.
#[derive(Deserialize)]
pub(super) struct RawWrapper<'a> {
    /// GKE: the Cloud Audit Logs `AuditLog` payload.
    #[serde(borrow, rename = "protoPayload")]
    pub proto_payload: Option<gke::RawAuditLog<'a>>,
    #[serde(borrow, rename = "insertId")]
    pub insert_id: Option<Cow<'a, str>>,
    #[serde(borrow, rename = "receiveTimestamp")]
    pub receive_timestamp: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub operation: Option<gke::RawOperation<'a>>,

    /// AKS: `kube-audit`, `kube-audit-admin`, or another diagnostic category.
    #[serde(borrow)]
    pub category: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub properties: Option<wrapped::RawProperties<'a>>,

    /// CloudWatch Logs: the audit event as JSON text.
    #[serde(borrow)]
    pub message: Option<Cow<'a, str>>,

    /// Envelopes, whose elements the splitter normally hands over one by one.
    items: Option<IgnoredAny>,
    records: Option<IgnoredAny>,
    events: Option<IgnoredAny>,
}

#[derive(Deserialize)]
pub(super) struct RawUser<'a> {
    #[serde(borrow)]
    pub username: Option<Text<'a>>,
}

#[derive(Deserialize, Default)]
pub(super) struct RawObjectRef<'a> {
    #[serde(borrow)]
    pub resource: Option<Text<'a>>,
    #[serde(borrow)]
    pub subresource: Option<Text<'a>>,
    #[serde(borrow)]
    pub namespace: Option<Text<'a>>,
}

/// A JSON string, borrowed from the value's text unless escapes had to be decoded.
///
/// serde borrows a `Cow<str>` only where it is the field's whole type: inside an `Option` it
/// always copies, which cost every event about ten allocations before anything was kept.
pub(super) struct Text<'a>(Cow<'a, str>);

impl<'a> Text<'a> {
    pub fn borrowed(text: &'a str) -> Self {
        Text(Cow::Borrowed(text))
    }

    pub fn into_cow(self) -> Cow<'a, str> {
        self.0
    }
}

impl std::ops::Deref for Text<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;
            // As `String` says it, so that a skip's reason reads as before.
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(text)))
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(text.to_string())))
            }
            fn visit_string<E: de::Error>(self, text: String) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(text)))
            }
        }
        deserializer.deserialize_string(TextVisitor)
    }
}

#[derive(Deserialize)]
pub(super) struct RawStatus {
    pub code: Option<i64>,
}

/// A field that is text in one shape and a number in another.
pub(super) enum TextOrNumber<'a> {
    Text(Cow<'a, str>),
    Number,
}

impl<'a> TextOrNumber<'a> {
    pub fn into_text(self) -> Option<Cow<'a, str>> {
        match self {
            TextOrNumber::Text(text) => Some(text),
            TextOrNumber::Number => None,
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for TextOrNumber<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextOrNumberVisitor;
        impl<'de> Visitor<'de> for TextOrNumberVisitor {
            type Value = TextOrNumber<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a number")
            }
            fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Self::Value, E> {
                Ok(TextOrNumber::Text(Cow::Borrowed(text)))
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
                Ok(TextOrNumber::Text(Cow::Owned(text.to_string())))
            }
            fn visit_string<E: de::Error>(self, text: String) -> Result<Self::Value, E> {
                Ok(TextOrNumber::Text(Cow::Owned(text)))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(TextOrNumber::Number)
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(TextOrNumber::Number)
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(TextOrNumber::Number)
            }
        }
        deserializer.deserialize_any(TextOrNumberVisitor)
    }
}

/// What a value looked like, which names the file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    /// Not recognisably any accepted shape.
    Unknown,
    /// An `audit.k8s.io` Event.
    Event,
    Gke,
    Aks,
    CloudWatch,
    /// A list wrapper (`EventList`, `records`, `events`) whose list is not an array.
    Envelope,
}

/// Receives what a value decoded to: one record or one skip, or neither for an empty
/// `EventList`. Records go straight to the receiver, borrowing from the value's text, which
/// does not outlive the decode.
pub(super) trait DecodeSink {
    fn record(&mut self, shape: Shape, record: RecordFields<'_>);
    fn skip(&mut self, shape: Shape, skip: Skip);
}

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
        (Shape::Aks, wrapped::aks_record(wrapper))
    } else if wrapper.message.is_some() {
        (Shape::CloudWatch, wrapped::cloudwatch_record(wrapper))
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

/// Decodes JSON text that must be a native audit event (AKS `properties.log`, a CloudWatch
/// message): `place` names where the text was found, for the skip reason.
pub(super) fn decode_embedded(text: &str, place: &str) -> Result<RecordFields<'static>, Skip> {
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

/// A field's text; an empty string is no value.
fn text(value: Option<Text<'_>>) -> Option<Cow<'_, str>> {
    value.map(Text::into_cow).filter(|text| !text.is_empty())
}

impl RawWrapper<'_> {
    /// An `items`, `records` or `events` field, and none of an entry's own.
    fn is_list_wrapper(&self) -> bool {
        self.proto_payload.is_none()
            && self.category.is_none()
            && self.properties.is_none()
            && self.message.is_none()
            && (self.items.is_some() || self.records.is_some() || self.events.is_some())
    }
}

impl<'a> RawEvent<'a> {
    fn deliver(self, sink: &mut impl DecodeSink) {
        let shape = if self.looks_like_event() {
            Shape::Event
        } else {
            Shape::Unknown
        };
        match self.record() {
            Ok(record) => sink.record(shape, record),
            Err(skip) => sink.skip(shape, skip),
        }
    }

    fn looks_like_event(&self) -> bool {
        self.verb.is_some()
            || self.kind.as_deref() == Some("Event")
            || self
                .api_version
                .as_deref()
                .is_some_and(|version| version.starts_with("audit.k8s.io/"))
    }

    /// The record of a native audit event.
    pub fn record(self) -> Result<RecordFields<'a>, Skip> {
        if let Some(kind) = self.kind.as_deref() {
            if kind != "Event" {
                return Err(Skip::new(format!("not an audit event (kind \"{kind}\")")));
            }
        }
        if let Some(api_version) = self.api_version.as_deref() {
            if !api_version.starts_with("audit.k8s.io/") {
                return Err(Skip::new(format!(
                    "not an audit event (apiVersion \"{api_version}\")"
                )));
            }
        }
        let looks_like_event = self.looks_like_event()
            || self.audit_id.is_some()
            || self.stage.is_some()
            || self.object_ref.is_some();
        let Some(verb) = text(self.verb) else {
            return Err(Skip::new(if looks_like_event {
                "audit event without a verb"
            } else {
                "not an audit event (no verb, kind or auditID)"
            }));
        };
        let (resource, subresource, namespace) = match self.object_ref {
            Some(object) => (
                text(object.resource),
                text(object.subresource),
                text(object.namespace),
            ),
            None => (None, None, None),
        };
        Ok(RecordFields {
            verb,
            resource,
            subresource,
            namespace,
            user: self.user.and_then(|user| text(user.username)),
            stage: text(self.stage),
            audit_id: text(self.audit_id),
            status_code: self
                .response_status
                .and_then(|status| status.code)
                .and_then(|code| u16::try_from(code).ok()),
            received_at: self
                .request_received_timestamp
                .map(Text::into_cow)
                .or(self.timestamp.and_then(TextOrNumber::into_text))
                .filter(|text| !text.is_empty()),
        })
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
