//! GKE Cloud Audit Logs entries (`InputFormat::GkeAuditLogs`): a Cloud Logging `LogEntry` whose
//! `protoPayload` is a `google.cloud.audit.AuditLog` describing one Kubernetes API request.
//!
//! GKE names the request by `methodName` (`io.k8s.<group>.<version>.<resource>[.<subresource>].<verb>`,
//! such as `io.k8s.core.v1.pods.binding.create`) and `resourceName`
//! (`<group>/<version>/[namespaces/<ns>/]<resource>[/<name>[/<subresource>]]`, such as
//! `core/v1/namespaces/ns/pods/name/binding`). The verb, resource and subresource come from the
//! method, which is unambiguous; the namespace comes from the resource name.

use std::borrow::Cow;

use super::raw_event::TextOrNumber;
use super::raw_wrapper::{Loose, RawResponse, RawRpcStatus, RawWrapper};
use super::skip::Skip;
use crate::ingest::record::RecordFields;

const AUDIT_LOG_TYPE: &str = "type.googleapis.com/google.cloud.audit.AuditLog";

/// The record of a GKE log entry (whose `protoPayload` is present); `timestamp` is the entry's.
pub(super) fn record<'a>(
    entry: RawWrapper<'a>,
    timestamp: Option<TextOrNumber<'a>>,
) -> Result<RecordFields<'a>, Skip> {
    let payload = entry
        .proto_payload
        .ok_or_else(|| Skip::new("not a Cloud Audit Logs entry"))?;
    if let Some(type_url) = payload.type_url.as_deref() {
        if type_url != AUDIT_LOG_TYPE {
            return Err(Skip::new(format!(
                "not a Cloud Audit Logs entry (protoPayload of type \"{type_url}\")"
            )));
        }
    }
    let method = payload
        .method_name
        .as_deref()
        .filter(|method| !method.is_empty())
        .ok_or_else(|| Skip::new("Cloud Audit Logs entry without a methodName"))?;
    // The same export holds GKE's own API (`google.container.v1.ClusterManager.CreateCluster`).
    let kubernetes =
        payload.service_name.as_deref() == Some("k8s.io") || method.starts_with("io.k8s.");
    if !kubernetes {
        return Err(Skip::new(format!(
            "not a Kubernetes API request (methodName \"{method}\")"
        )));
    }
    let call = parse_method(method).ok_or_else(|| {
        Skip::new(format!(
            "unrecognised Kubernetes methodName \"{method}\" in a GKE entry"
        ))
    })?;
    let resource_name = payload.resource_name.as_deref().unwrap_or("");
    let subresource = call.subresource.or_else(|| {
        call.resource
            .and_then(|r| subresource_in_name(resource_name, r))
    });
    let namespace = call
        .resource
        .and_then(|resource| namespace_in_name(resource_name, resource, call.verb));
    let operation = entry.operation;
    let (first, last) = operation.as_ref().map_or((None, None), |operation| {
        (
            operation.first.as_ref().and_then(|first| first.0),
            operation.last.as_ref().and_then(|last| last.0),
        )
    });
    let audit_id = operation
        .and_then(|operation| operation.id)
        .filter(|id| !id.is_empty())
        .or(entry.insert_id);
    // The names are cut out of the method name, which does not outlive this function.
    let owned = |text: &str| Cow::Owned(text.to_string());
    Ok(RecordFields {
        verb: owned(call.verb),
        resource: call.resource.map(owned),
        subresource: subresource.map(owned),
        namespace: namespace.map(owned),
        user: payload
            .authentication_info
            .and_then(|info| info.principal_email)
            .filter(|user| !user.is_empty()),
        stage: stage(first, last).map(Cow::Borrowed),
        audit_id: audit_id.filter(|id| !id.is_empty()),
        status_code: http_status(payload.status, payload.response),
        received_at: timestamp
            .and_then(TextOrNumber::into_text)
            .or(entry.receive_timestamp)
            .filter(|time| !time.is_empty()),
    })
}

/// What a method name says about the request.
#[derive(Debug, PartialEq, Eq)]
struct Call<'a> {
    verb: &'a str,
    resource: Option<&'a str>,
    subresource: Option<&'a str>,
}

/// `io.k8s.<group>.<version>.<resource>[.<subresource>].<verb>`: the group may itself contain
/// dots (`io.k8s.authorization.rbac.v1.clusterroles.delete`), so the version segment is the
/// anchor. A method without one (`io.k8s.get`) is a non-resource request, as `/readyz` is in a
/// native log.
fn parse_method(method: &str) -> Option<Call<'_>> {
    let segments: Vec<&str> = method.split('.').collect();
    let verb = *segments.last()?;
    if verb.is_empty() || !verb.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let Some(version) = segments
        .iter()
        .skip(1)
        .position(|s| is_version(s))
        .map(|at| at + 1)
    else {
        return Some(Call {
            verb,
            resource: None,
            subresource: None,
        });
    };
    let after = &segments[version + 1..segments.len() - 1];
    let (resource, subresource) = match after {
        [resource] => (*resource, None),
        [resource, subresource] => (*resource, Some(*subresource)),
        _ => return None,
    };
    if resource.is_empty() || subresource.is_some_and(str::is_empty) {
        return None;
    }
    Some(Call {
        verb,
        resource: Some(resource),
        subresource,
    })
}

/// `v1`, `v1beta1`, `v2alpha3`: Kubernetes API versions.
fn is_version(segment: &str) -> bool {
    let Some(rest) = segment.strip_prefix('v') else {
        return false;
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return false;
    }
    let rest = &rest[digits..];
    let level = rest
        .strip_prefix("alpha")
        .or_else(|| rest.strip_prefix("beta"));
    match level {
        None => rest.is_empty(),
        Some(number) => !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()),
    }
}

/// The namespace a resource name points into. For the `namespaces` resource itself it is the
/// namespace named, except on create, mirroring what kube-apiserver records in
/// `objectRef.namespace` (a create is posted to the collection, `/api/v1/namespaces`).
fn namespace_in_name<'a>(name: &'a str, resource: &str, verb: &str) -> Option<&'a str> {
    let mut segments = name.split('/').filter(|segment| !segment.is_empty());
    segments.position(|segment| segment == "namespaces")?;
    let namespace = segments.next()?;
    if resource == "namespaces" {
        return (verb != "create").then_some(namespace);
    }
    // `namespaces/<ns>` must be followed by the resource, or it names a namespace object.
    segments.next()?;
    Some(namespace)
}

/// `<resource>/<name>/<subresource>` at the end of a resource name.
fn subresource_in_name<'a>(name: &'a str, resource: &str) -> Option<&'a str> {
    let segments: Vec<&str> = name.split('/').filter(|s| !s.is_empty()).collect();
    let at = segments.iter().rposition(|segment| *segment == resource)?;
    match &segments[at + 1..] {
        [_name, subresource] => Some(*subresource),
        _ => None,
    }
}

/// `operation.first`/`last`: an entry that is both (or only the last) closes the request; the
/// first of a long-running request (a watch, an exec) is logged when its response starts.
fn stage(first: Option<bool>, last: Option<bool>) -> Option<&'static str> {
    match (first, last) {
        (_, Some(true)) => Some("ResponseComplete"),
        (Some(true), Some(false)) => Some("ResponseStarted"),
        _ => None,
    }
}

/// The HTTP status: a Kubernetes `Status` response carries the very code the API server
/// returned; otherwise the `google.rpc.Code` is mapped as `google/rpc/code.proto` documents.
/// Successes come out as 200 whatever the API server sent (201 for a create): the entry does not
/// say, and only the status class matters to the preparation.
fn http_status(status: Option<RawRpcStatus>, response: Option<RawResponse>) -> Option<u16> {
    if let Some(response) = response {
        let is_status = Loose::get(response.kind).as_deref() == Some("Status");
        if let Some(code) = Loose::get(response.code).filter(|_| is_status) {
            if let Ok(code @ 100..=599) = u16::try_from(code) {
                return Some(code);
            }
        }
    }
    let code = status?.code.unwrap_or(0);
    Some(match code {
        0 => 200,
        1 => 499,
        2 => 500,
        3 => 400,
        4 => 504,
        5 => 404,
        6 => 409,
        7 => 403,
        8 => 429,
        9 => 400,
        10 => 409,
        11 => 400,
        12 => 501,
        13 => 500,
        14 => 503,
        15 => 500,
        16 => 401,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_name_verb_resource_and_subresource() {
        let call = |method| parse_method(method).unwrap();
        assert_eq!(
            call("io.k8s.core.v1.pods.create"),
            Call {
                verb: "create",
                resource: Some("pods"),
                subresource: None
            }
        );
        assert_eq!(
            call("io.k8s.core.v1.pods.binding.create").subresource,
            Some("binding")
        );
        assert_eq!(
            call("io.k8s.authorization.rbac.v1.clusterroles.delete").resource,
            Some("clusterroles")
        );
        assert_eq!(call("io.k8s.apps.v1.deployments.update").verb, "update");
        assert_eq!(
            call("io.k8s.core.v1.pods.status.patch"),
            Call {
                verb: "patch",
                resource: Some("pods"),
                subresource: Some("status")
            }
        );
        assert_eq!(
            call("io.k8s.networking.gke.io.v1beta1.managedcertificates.list").resource,
            Some("managedcertificates")
        );
        assert_eq!(
            call("io.k8s.get"),
            Call {
                verb: "get",
                resource: None,
                subresource: None
            }
        );
        assert_eq!(parse_method("io.k8s.core.v1.pods"), None);
        assert_eq!(parse_method("io.k8s.core.v1.a.b.c.delete"), None);
    }

    #[test]
    fn versions() {
        for version in ["v1", "v1beta1", "v2alpha3", "v10"] {
            assert!(is_version(version), "{version}");
        }
        for other in ["v", "vx", "v1beta", "core", "v1gamma1"] {
            assert!(!is_version(other), "{other}");
        }
    }

    #[test]
    fn namespaces_and_subresources_from_resource_names() {
        let name = "core/v1/namespaces/ns/pods/web-0/binding";
        assert_eq!(namespace_in_name(name, "pods", "create"), Some("ns"));
        assert_eq!(subresource_in_name(name, "pods"), Some("binding"));
        assert_eq!(
            namespace_in_name("core/v1/namespaces/ns/pods", "pods", "list"),
            Some("ns")
        );
        assert_eq!(
            namespace_in_name(
                "rbac.authorization.k8s.io/v1/clusterroles/x",
                "clusterroles",
                "get"
            ),
            None
        );
        assert_eq!(
            namespace_in_name("core/v1/namespaces/foo", "namespaces", "delete"),
            Some("foo")
        );
        assert_eq!(
            namespace_in_name("core/v1/namespaces/foo", "namespaces", "create"),
            None
        );
        assert_eq!(
            subresource_in_name("core/v1/namespaces/ns/pods/web-0", "pods"),
            None
        );
    }

    #[test]
    fn rpc_codes_become_http_statuses() {
        let status = |code| Some(RawRpcStatus { code });
        assert_eq!(http_status(status(None), None), Some(200));
        assert_eq!(http_status(status(Some(0)), None), Some(200));
        assert_eq!(http_status(status(Some(7)), None), Some(403));
        assert_eq!(http_status(status(Some(5)), None), Some(404));
        assert_eq!(http_status(None, None), None);
        let forbidden = RawResponse {
            kind: Some(Loose(Some("Status".into()))),
            code: Some(Loose(Some(422))),
        };
        assert_eq!(http_status(status(Some(3)), Some(forbidden)), Some(422));
    }
}
