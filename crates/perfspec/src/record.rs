//! One Kubernetes API request as the audit log recorded it, reduced to what the learning phase uses.

use serde::{Deserialize, Serialize};

/// One audit record, whatever format it came from.
///
/// Strings are kept as written; the preset decides what counts as an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct AuditRecord {
    pub verb: String,
    /// `objectRef.resource`; `None` for non-resource requests such as `/readyz` or discovery.
    pub resource: Option<String>,
    pub subresource: Option<String>,
    pub namespace: Option<String>,
    pub user: Option<String>,
    pub stage: Option<String>,
    pub audit_id: Option<String>,
    pub status_code: Option<u16>,
    /// `requestReceivedTimestamp` (or v1beta1 `timestamp`) as written, RFC 3339.
    pub received_at: Option<String>,
    /// Index of the file among those ingested together.
    pub file: u32,
    /// 1-based line of the file the record started on.
    pub line: u64,
}
