//! Audit events that a cloud hands over inside its own record, usually as escaped JSON text:
//! AKS diagnostic records (`InputFormat::AksDiagnostics`) and EKS audit logs exported from
//! CloudWatch Logs (`InputFormat::EksCloudwatch`), both as JSON (`filter-log-events`) and as
//! `<timestamp> <JSON event>` text lines.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, value::MapAccessDeserializer, Deserializer, MapAccess, Visitor};
use serde::Deserialize;

use super::audit_json::{self, DecodeSink, RawEvent, RawWrapper, Shape};
use super::Skip;
#[cfg(test)]
use crate::ingest::record::AuditRecord;
use crate::ingest::record::RecordFields;

/// The diagnostic categories of AKS that hold Kubernetes audit events.
const AKS_AUDIT_CATEGORIES: [&str; 2] = ["kube-audit", "kube-audit-admin"];

#[derive(Deserialize)]
pub(super) struct RawProperties<'a> {
    #[serde(borrow)]
    log: Option<LogPayload<'a>>,
}

/// `properties.log`: Azure's diagnostic settings write the event as JSON text; some exports
/// (and Log Analytics queries) give it as an object.
pub(super) enum LogPayload<'a> {
    Text(Cow<'a, str>),
    Event(Box<RawEvent<'a>>),
}

impl<'de: 'a, 'a> Deserialize<'de> for LogPayload<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PayloadVisitor;
        impl<'de> Visitor<'de> for PayloadVisitor {
            type Value = LogPayload<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an audit event, as JSON text or as an object")
            }
            fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Self::Value, E> {
                Ok(LogPayload::Text(Cow::Borrowed(text)))
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
                Ok(LogPayload::Text(Cow::Owned(text.to_string())))
            }
            fn visit_string<E: de::Error>(self, text: String) -> Result<Self::Value, E> {
                Ok(LogPayload::Text(Cow::Owned(text)))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                RawEvent::deserialize(MapAccessDeserializer::new(map))
                    .map(|event| LogPayload::Event(Box::new(event)))
            }
        }
        deserializer.deserialize_any(PayloadVisitor)
    }
}

/// The record of an AKS diagnostic record (`category` and `properties.log`).
pub(super) fn aks_record(entry: RawWrapper<'_>) -> Result<RecordFields<'static>, Skip> {
    if let Some(category) = entry.category.as_deref() {
        if !AKS_AUDIT_CATEGORIES.contains(&category) {
            return Err(Skip::new(format!(
                "AKS diagnostic record of category \"{category}\", not kube-audit"
            )));
        }
    }
    match entry.properties.and_then(|properties| properties.log) {
        Some(LogPayload::Text(text)) => {
            audit_json::decode_embedded(&text, "AKS properties.log is not an audit event")
        }
        Some(LogPayload::Event(event)) => event.record().map(RecordFields::into_owned),
        None => Err(Skip::new("AKS diagnostic record without properties.log")),
    }
}

/// The record of a CloudWatch Logs event (`message` holding the audit event).
pub(super) fn cloudwatch_record(entry: RawWrapper<'_>) -> Result<RecordFields<'static>, Skip> {
    let message = entry.message.unwrap_or_default();
    if !message.trim_start().starts_with('{') {
        // An EKS log group also holds authenticator and controller-manager streams.
        return Err(Skip::new(
            "CloudWatch message is not a JSON audit event (another log stream?)",
        ));
    }
    audit_json::decode_embedded(&message, "CloudWatch message is not an audit event")
}

/// Splits `<timestamp> [<log stream>] <JSON event>`, as a CloudWatch Logs export to S3 (or
/// `aws logs tail`) writes an EKS audit log, into the JSON part.
pub(super) fn timestamped_json(line: &str) -> Option<&str> {
    let brace = line.find('{')?;
    let mut prefix = line[..brace].split_whitespace();
    let timestamp = prefix.next()?;
    let stream_names = prefix.count();
    let separated = line[..brace].ends_with(|c: char| c.is_whitespace());
    (looks_like_timestamp(timestamp) && stream_names <= 1 && separated).then(|| &line[brace..])
}

/// RFC 3339 (`2023-01-27T18:28:08.129Z`), or seconds/milliseconds since the epoch.
fn looks_like_timestamp(token: &str) -> bool {
    let bytes = token.as_bytes();
    let dated = bytes.len() >= 10
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[4] == b'-'
        && bytes[5..7].iter().all(u8::is_ascii_digit)
        && bytes[7] == b'-';
    let epoch = bytes.len() >= 9 && bytes.iter().all(u8::is_ascii_digit);
    dated || epoch
}

/// One `<timestamp> <JSON event>` line.
pub(super) fn decode_timestamped(line: &str, sink: &mut impl DecodeSink) {
    match timestamped_json(line) {
        Some(json) => audit_json::decode(json.as_bytes(), sink),
        None => sink.skip(
            Shape::Unknown,
            Skip::new("not a `<timestamp> <JSON event>` line"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::audit_json::decoded;

    fn record(json: &str) -> AuditRecord {
        match decoded(json.as_bytes()).result {
            Some(Ok(record)) => record,
            Some(Err(skip)) => panic!("{}", skip.reason),
            None => panic!("nothing"),
        }
    }

    #[test]
    fn aks_log_as_text_or_object() {
        let text = r#"{"category":"kube-audit","properties":{"log":"{\"kind\":\"Event\",\"verb\":\"get\",\"objectRef\":{\"resource\":\"pods\"}}\n","pod":"kube-apiserver-0"}}"#;
        let object = r#"{"category":"kube-audit-admin","properties":{"log":{"kind":"Event","verb":"get","objectRef":{"resource":"pods"}}}}"#;
        assert_eq!(record(text), record(object));
        assert_eq!(record(text).resource.as_deref(), Some("pods"));
        let other = decoded(br#"{"category":"guard","properties":{"log":"x"}}"#);
        assert_eq!(other.shape, Some(Shape::Aks));
        assert!(matches!(other.result, Some(Err(skip)) if skip.reason.contains("\"guard\"")));
    }

    #[test]
    fn cloudwatch_event_message() {
        let event = r#"{"logStreamName":"kube-apiserver-audit-1","timestamp":1674843488129,"message":"{\"kind\":\"Event\",\"verb\":\"create\",\"objectRef\":{\"resource\":\"pods\",\"subresource\":\"binding\"}}","ingestionTime":1674843489000,"eventId":"1"}"#;
        let record = record(event);
        assert_eq!(record.verb, "create");
        assert_eq!(record.subresource.as_deref(), Some("binding"));
        let other = decoded(br#"{"timestamp":1,"message":"time=\"x\" level=info msg=\"hello\""}"#);
        assert_eq!(other.shape, Some(Shape::CloudWatch));
        assert!(matches!(other.result, Some(Err(_))));
    }

    #[test]
    fn timestamped_lines() {
        let json = r#"{"kind":"Event"}"#;
        assert_eq!(
            timestamped_json(&format!("2023-01-27T18:28:08.129Z {json}")),
            Some(json)
        );
        assert_eq!(
            timestamped_json(&format!(
                "2023-01-27T18:28:08.129000+00:00 kube-apiserver-audit-abc {json}"
            )),
            Some(json)
        );
        assert_eq!(
            timestamped_json(&format!("1674843488129 {json}")),
            Some(json)
        );
        assert_eq!(timestamped_json(json), None);
        assert_eq!(timestamped_json(&format!("hello {json}")), None);
        assert_eq!(timestamped_json(&format!("2023-01-27 a b {json}")), None);
    }
}
