//! The PerfSPEC learning phase as a library that knows nothing of the browser.
//!
//! Audit logs go in as byte chunks ([`ingest`]), become one or more event sequences under a
//! preset ([`prepare`]), are cut into windowed next-event samples ([`dataset`]), and feed the
//! predictors ([`models`]) whose accuracy and cost [`evaluate`] measures. [`pipeline`] strings the
//! steps together for the CLI and the browser worker alike.

// The one exception is the SIMD scan of JSON strings (`ingest/string_end.rs`), allowed there.
#![deny(unsafe_code)]
#![warn(unreachable_pub)]

pub mod clock;
pub mod dataset;
pub mod evaluate;
pub mod export;
pub mod ingest;
pub mod models;
pub mod pipeline;
pub mod predict;
pub mod prepare;
pub mod progress;
pub mod quality;
pub mod replay;
pub mod run_config;
pub mod units;

/// What the user is told when nothing in the input could be read as audit events.
pub const ACCEPTED_FORMATS: &str = "accepted formats: audit.k8s.io Event objects (v1, \
v1beta1, v1alpha1) as NDJSON, pretty-printed or concatenated JSON, a JSON array or EventList \
batches; GKE Cloud Audit Logs exports; AKS diagnostic records (kube-audit); EKS CloudWatch \
exports (filter-log-events JSON or `<timestamp> <JSON event>` lines); the PerfSPEC dataset's \
Logstash CSV (15 columns, no header); token files (one verb_resource event type per line); and \
any of these gzip-compressed";
