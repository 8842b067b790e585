//! Audit events that a cloud hands over inside its own record, usually as escaped JSON text:
//! AKS diagnostic records (`InputFormat::AksDiagnostics`) and EKS audit logs exported from
//! CloudWatch Logs (`InputFormat::EksCloudwatch`), both as JSON (`filter-log-events`) and as
//! `<timestamp> <JSON event>` text lines.

use std::borrow::Cow;

use super::raw_event::RawEvent;
use super::raw_wrapper::{LogPayload, RawWrapper};
use super::skip::Skip;
#[cfg(test)]
use crate::ingest::record::AuditRecord;

/// The diagnostic categories of AKS that hold Kubernetes audit events.
const AKS_AUDIT_CATEGORIES: [&str; 2] = ["kube-audit", "kube-audit-admin"];

/// What a cloud wrapper holds: the audit event as JSON text still to decode (with where it was
/// found, for the skip reason), or already read as an object. The decoding is the caller's, so
/// that this module reads wrappers without depending on the event decoder that dispatches to it.
pub(super) enum Embedded<'a> {
    Json(Cow<'a, str>, &'static str),
    Event(Box<RawEvent<'a>>),
}

/// The event of an AKS diagnostic record (`category` and `properties.log`).
pub(super) fn aks_event(entry: RawWrapper<'_>) -> Result<Embedded<'_>, Skip> {
    if let Some(category) = entry.category.as_deref() {
        if !AKS_AUDIT_CATEGORIES.contains(&category) {
            return Err(Skip::new(format!(
                "AKS diagnostic record of category \"{category}\", not kube-audit"
            )));
        }
    }
    match entry.properties.and_then(|properties| properties.log) {
        Some(LogPayload::Text(text)) => Ok(Embedded::Json(
            text,
            "AKS properties.log is not an audit event",
        )),
        Some(LogPayload::Event(event)) => Ok(Embedded::Event(event)),
        None => Err(Skip::new("AKS diagnostic record without properties.log")),
    }
}

/// The event of a CloudWatch Logs event (`message` holding the audit event).
pub(super) fn cloudwatch_event(entry: RawWrapper<'_>) -> Result<Embedded<'_>, Skip> {
    let message = entry.message.unwrap_or_default();
    if !message.trim_start().starts_with('{') {
        // An EKS log group also holds authenticator and controller-manager streams.
        return Err(Skip::new(
            "CloudWatch message is not a JSON audit event (another log stream?)",
        ));
    }
    Ok(Embedded::Json(
        message,
        "CloudWatch message is not an audit event",
    ))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::audit_json::decoded;
    use crate::ingest::raw_event::Shape;

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
