//! One `audit.k8s.io` Event (v1, v1beta1, v1alpha1) as JSON text.

use std::borrow::Cow;

use serde::Deserialize;

use super::Skip;
use crate::record::AuditRecord;

#[derive(Deserialize)]
struct RawEvent<'a> {
    #[serde(borrow)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow, rename = "apiVersion")]
    api_version: Option<Cow<'a, str>>,
    #[serde(borrow)]
    verb: Option<Cow<'a, str>>,
    #[serde(borrow, rename = "auditID")]
    audit_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    stage: Option<Cow<'a, str>>,
    #[serde(borrow)]
    user: Option<RawUser<'a>>,
    #[serde(borrow, rename = "objectRef")]
    object_ref: Option<RawObjectRef<'a>>,
    #[serde(rename = "responseStatus")]
    response_status: Option<RawStatus>,
    #[serde(borrow, rename = "requestReceivedTimestamp")]
    request_received_timestamp: Option<Cow<'a, str>>,
    /// v1beta1 and v1alpha1 name the receive time `timestamp`.
    #[serde(borrow)]
    timestamp: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct RawUser<'a> {
    #[serde(borrow)]
    username: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct RawObjectRef<'a> {
    #[serde(borrow)]
    resource: Option<Cow<'a, str>>,
    #[serde(borrow)]
    subresource: Option<Cow<'a, str>>,
    #[serde(borrow)]
    namespace: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct RawStatus {
    code: Option<i64>,
}

fn owned(value: Option<Cow<'_, str>>) -> Option<String> {
    value.filter(|text| !text.is_empty()).map(Cow::into_owned)
}

/// Parses one event; the error is the reason the line is skipped.
pub(crate) fn parse_event(text: &str) -> Result<AuditRecord, Skip> {
    let raw: RawEvent<'_> = match serde_json::from_str(text) {
        Ok(raw) => raw,
        Err(error) => {
            return Err(match serde_json::from_str::<serde::de::IgnoredAny>(text) {
                Ok(_) => Skip::new(format!("not an audit event ({error})")),
                Err(error) if error.is_eof() => Skip::incomplete(format!("invalid JSON ({error})")),
                Err(error) => Skip::new(format!("invalid JSON ({error})")),
            })
        }
    };
    if let Some(kind) = raw.kind.as_deref() {
        if kind != "Event" {
            return Err(Skip::new(format!("not an audit event (kind \"{kind}\")")));
        }
    }
    if let Some(api_version) = raw.api_version.as_deref() {
        if !api_version.starts_with("audit.k8s.io/") {
            return Err(Skip::new(format!(
                "not an audit event (apiVersion \"{api_version}\")"
            )));
        }
    }
    let verb = owned(raw.verb).ok_or_else(|| Skip::new("audit event without a verb"))?;
    let (resource, subresource, namespace) = match raw.object_ref {
        Some(object) => (
            owned(object.resource),
            owned(object.subresource),
            owned(object.namespace),
        ),
        None => (None, None, None),
    };
    Ok(AuditRecord {
        verb,
        resource,
        subresource,
        namespace,
        user: raw.user.and_then(|user| owned(user.username)),
        stage: owned(raw.stage),
        audit_id: owned(raw.audit_id),
        status_code: raw
            .response_status
            .and_then(|status| status.code)
            .and_then(|code| u16::try_from(code).ok()),
        received_at: owned(raw.request_received_timestamp.or(raw.timestamp)),
        file: 0,
        line: 0,
    })
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
    }
}
