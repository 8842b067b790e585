//! The simulator's output read back by the engine's own ingest and preset, and checked against
//! the shape of a real `audit.k8s.io/v1` event (`tests/fixtures/falco/create_secret.json`, see the
//! README there for its origin and licence).

use std::collections::{HashMap, HashSet};
use std::io::Write;

mod common;

use common::real_log;
use perfspec::ingest::record::AuditRecord;
use perfspec::ingest::{IngestReport, Ingestor, InputFormat};
use perfspec::prepare::{prepare, PrepareOptions};
use perfspec_simulate::{simulate, SimulationConfig, SimulationLimit, SimulationStats};
use serde_json::Value;

fn generate(seed: u64, limit: SimulationLimit) -> (Vec<u8>, SimulationStats) {
    let mut out = Vec::new();
    let stats = simulate(&SimulationConfig { seed, limit }, &mut out).unwrap();
    (out, stats)
}

/// Feeds the log to the ingest in chunks that split lines anywhere.
fn ingest(log: &[u8]) -> (Vec<AuditRecord>, IngestReport) {
    let mut ingestor = Ingestor::keeping_every_record();
    ingestor.start_file("simulated.ndjson");
    for chunk in log.chunks(7_919) {
        ingestor.push(chunk);
    }
    let (records, report) = ingestor.finish();
    (records.to_vec(), report)
}

fn events(log: &[u8]) -> Vec<Value> {
    log.split(|byte| *byte == b'\n')
        .filter(|line| !line.is_empty())
        .map(|line| serde_json::from_slice(line).expect("every line is JSON"))
        .collect()
}

#[test]
fn simulated_lines_are_audit_events_the_engine_reads() {
    let (log, stats) = generate(11, SimulationLimit::Events(60_000));
    let (records, report) = ingest(&log);
    assert_eq!(report.files[0].format, InputFormat::AuditNdjson);
    assert_eq!(report.records_skipped, 0, "{:?}", report.skipped);
    assert_eq!(records.len() as u64, stats.events);
    let binding = records
        .iter()
        .find(|record| record.subresource.as_deref() == Some("binding"))
        .expect("the scheduler binds pods");
    assert_eq!(binding.verb, "create");
    assert_eq!(binding.resource.as_deref(), Some("pods"));
    assert_eq!(binding.user.as_deref(), Some("system:kube-scheduler"));
    assert!(records.iter().all(|record| record.audit_id.is_some()
        && record.received_at.is_some()
        && record.status_code.is_some()));
}

#[test]
fn the_perfspec_preset_keeps_a_realistic_share_of_a_simulated_log() {
    let (log, _) = generate(1, SimulationLimit::Events(100_000));
    let (records, _) = ingest(&log);
    let data = prepare(&records, &PrepareOptions::perfspec());
    let share = data.events.len() as f64 / records.len() as f64;
    // The real sample keeps 2,163 of 16,563 records (13%): most of a real log is discovery,
    // health checks, leases, watches and reads. A generated log with the same ingredients must
    // land near that, not at the extremes: below 5% the Helm and controller writes would be
    // missing, above 35% the background would be.
    assert!((0.05..0.35).contains(&share), "kept share {share:.3}");
    let names: HashSet<&str> = data
        .vocabulary
        .types()
        .iter()
        .map(|event_type| event_type.name.as_str())
        .collect();
    for expected in [
        "create_pods",
        "patch_pods",
        "delete_pods",
        "create_secrets",
        "update_secrets",
        "delete_secrets",
        "create_deployments",
        "create_replicasets",
        "update_endpointslices",
        "create_customresourcedefinitions",
        "deletecollection_pods",
        "deletecollection_configmaps",
    ] {
        assert!(names.contains(expected), "no {expected} among {names:?}");
    }
    assert!(
        names
            .iter()
            .filter(|name| name.starts_with("deletecollection_"))
            .count()
            >= 20,
        "a namespace deletion sweeps every namespaced resource"
    );
    assert!(
        names.iter().all(|name| !name.contains('/')),
        "subresources fold into their resource (binding is create_pods)"
    );
    let bindings = records
        .iter()
        .filter(|record| record.subresource.as_deref() == Some("binding"))
        .count();
    let pod_creates = records
        .iter()
        .filter(|record| record.verb == "create" && record.resource.as_deref() == Some("pods"))
        .count();
    assert!(bindings > 0 && pod_creates >= 2 * bindings - 1);
}

#[test]
fn simulated_timestamps_advance_and_audit_ids_are_unique() {
    let (log, _) = generate(5, SimulationLimit::Events(80_000));
    let mut last_stage = String::new();
    let mut last_received = String::new();
    let mut ids = HashSet::new();
    let mut open_watches: HashMap<String, String> = HashMap::new();
    let mut watch_ends = 0;
    for event in events(&log) {
        let received = event["requestReceivedTimestamp"]
            .as_str()
            .unwrap()
            .to_string();
        let stage = event["stageTimestamp"].as_str().unwrap().to_string();
        assert_eq!(received.len(), "2023-01-27T18:28:08.129781Z".len());
        assert!(received.ends_with('Z') && received.as_bytes()[19] == b'.');
        // RFC 3339 stamps of one writer compare as text.
        assert!(received <= stage, "{event}");
        assert!(
            stage >= last_stage,
            "the log is written in stage order: {event}"
        );
        last_stage = stage;
        let id = event["auditID"].as_str().unwrap().to_string();
        assert_eq!(id.len(), 36);
        let stage_name = event["stage"].as_str().unwrap();
        if event["verb"] == "watch" && stage_name == "ResponseComplete" {
            // A watch ends under the ID and receive time it started with.
            assert_eq!(open_watches.remove(&id), Some(received), "{event}");
            watch_ends += 1;
            continue;
        }
        assert!(
            received >= last_received,
            "requests arrive in order: {event}"
        );
        last_received = received.clone();
        assert!(ids.insert(id.clone()), "audit ID {id} repeats");
        if stage_name == "ResponseStarted" {
            open_watches.insert(id, received);
        }
    }
    assert!(watch_ends > 0);
}

#[test]
fn simulated_events_have_the_shape_of_a_real_v1_event_at_metadata_level() {
    let real: Value = serde_json::from_str(
        &std::fs::read_to_string(real_log("falco/create_secret.json")).expect("bundled log"),
    )
    .unwrap();
    // The real event is at RequestResponse level; Metadata leaves the bodies out.
    let real_keys: Vec<&String> = real
        .as_object()
        .unwrap()
        .keys()
        .filter(|key| !matches!(key.as_str(), "requestObject" | "responseObject"))
        .collect();
    let (log, _) = generate(2, SimulationLimit::Events(20_000));
    let events = events(&log);
    let create = events
        .iter()
        .find(|event| event["verb"] == "create" && event["objectRef"]["resource"] == "secrets")
        .expect("secrets are created");
    let keys: Vec<&String> = create.as_object().unwrap().keys().collect();
    assert_eq!(keys, real_keys, "the same fields as the real event");
    let allowed_ref: HashSet<&str> = [
        "resource",
        "namespace",
        "name",
        "apiGroup",
        "apiVersion",
        "subresource",
    ]
    .into();
    for event in &events {
        assert_eq!(event["kind"], "Event");
        assert_eq!(event["apiVersion"], "audit.k8s.io/v1");
        assert_eq!(event["level"], "Metadata");
        let stage = event["stage"].as_str().unwrap();
        assert!(
            stage == "ResponseComplete" || (stage == "ResponseStarted" && event["verb"] == "watch"),
            "{event}"
        );
        assert!(event.get("requestObject").is_none() && event.get("responseObject").is_none());
        assert!(event["user"]["username"].is_string() && event["user"]["groups"].is_array());
        assert!(event["sourceIPs"][0].is_string() && event["userAgent"].is_string());
        assert_eq!(
            event["annotations"]["authorization.k8s.io/decision"],
            "allow"
        );
        let uri = event["requestURI"].as_str().unwrap();
        match event.get("objectRef") {
            None => {
                assert_eq!(event["verb"], "get");
                assert!(
                    uri.starts_with("/api")
                        || uri.starts_with("/readyz")
                        || uri.starts_with("/livez")
                        || uri.starts_with("/version"),
                    "{uri}"
                );
            }
            Some(object) => {
                let object = object.as_object().unwrap();
                assert!(object.keys().all(|key| allowed_ref.contains(key.as_str())));
                let resource = object["resource"].as_str().unwrap();
                let path = uri.split('?').next().unwrap();
                assert!(
                    path.contains(&format!("/{resource}")),
                    "{uri} names {resource}"
                );
                if let Some(namespace) = object.get("namespace") {
                    assert!(
                        path.contains(&format!("/namespaces/{}", namespace.as_str().unwrap())),
                        "{uri}"
                    );
                }
                if let Some(subresource) = object.get("subresource") {
                    let name = object["name"].as_str().unwrap();
                    assert!(
                        path.ends_with(&format!("/{name}/{}", subresource.as_str().unwrap())),
                        "{uri}"
                    );
                }
                if event["verb"] == "watch" {
                    assert!(uri.contains("watch=true"), "{uri}");
                }
            }
        }
    }
}

#[test]
fn the_simulated_log_holds_helm_the_controllers_and_the_background() {
    let (log, stats) = generate(3, SimulationLimit::Events(120_000));
    assert!(stats.installs >= 10 && stats.uninstalls >= 5, "{stats:?}");
    let events = events(&log);
    let has = |predicate: &dyn Fn(&Value) -> bool| events.iter().any(predicate);
    let user = |event: &Value| event["user"]["username"].as_str().unwrap_or("").to_string();
    let resource = |event: &Value| {
        event["objectRef"]["resource"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    let name = |event: &Value| {
        event["objectRef"]["name"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    let code = |event: &Value| event["responseStatus"]["code"].as_u64().unwrap_or(0);

    // Helm's release record goes through its whole life.
    for verb in ["create", "update", "delete"] {
        assert!(has(&|event| event["verb"] == verb
            && resource(event) == "secrets"
            && name(event).starts_with("sh.helm.release.v1.")
            && user(event) == "kubernetes-admin"
            && event["userAgent"]
                .as_str()
                .unwrap()
                .starts_with("helm/v3.11.0 (linux/amd64)")));
    }
    assert!(has(&|event| event["verb"] == "get"
        && code(event) == 404
        && user(event) == "kubernetes-admin"));
    assert!(has(&|event| code(event) == 409));
    assert!(has(&|event| event["verb"] == "create"
        && resource(event) == "namespaces"
        && code(event) == 201));
    assert!(has(
        &|event| event["verb"] == "create" && resource(event) == "customresourcedefinitions"
    ));
    assert!(has(
        &|event| event["verb"] == "create" && resource(event) == "jobs"
    ));
    // Controllers, scheduler and kubelets.
    assert!(has(&|event| user(event)
        == "system:serviceaccount:kube-system:replicaset-controller"
        && event["verb"] == "create"
        && resource(event) == "pods"));
    assert!(has(&|event| event["objectRef"]["subresource"] == "binding"
        && event["requestURI"].as_str().unwrap().ends_with("/binding")));
    assert!(has(&|event| user(event).starts_with("system:node:worker-")
        && event["verb"] == "patch"
        && event["objectRef"]["subresource"] == "status"));
    assert!(has(&|event| user(event)
        == "system:serviceaccount:kube-system:generic-garbage-collector"
        && event["verb"] == "delete"
        && resource(event) == "pods"));
    assert!(has(&|event| user(event)
        == "system:serviceaccount:kube-system:namespace-controller"
        && event["verb"] == "deletecollection"));
    assert!(has(&|event| user(event)
        == "system:serviceaccount:kube-system:endpointslice-controller"
        && event["verb"] == "update"));
    // The background.
    for lease in ["kube-controller-manager", "kube-scheduler", "worker-1"] {
        assert!(has(&|event| event["verb"] == "update"
            && resource(event) == "leases"
            && name(event) == lease));
    }
    for path in ["/readyz", "/livez", "/apis", "/api/v1"] {
        assert!(has(
            &|event| event["requestURI"] == path && event.get("objectRef").is_none()
        ));
    }
    assert!(has(
        &|event| event["verb"] == "watch" && event["stage"] == "ResponseStarted"
    ));
    assert!(has(
        &|event| event["verb"] == "create" && resource(event) == "events"
    ));
}

#[test]
fn a_simulated_log_meets_a_byte_limit_within_one_event() {
    let limit = 4_000_000;
    let (log, stats) = generate(8, SimulationLimit::Bytes(limit));
    assert_eq!(log.len() as u64, stats.bytes);
    assert!(stats.bytes <= limit);
    let longest = log
        .split(|byte| *byte == b'\n')
        .map(|line| line.len() as u64 + 1)
        .max()
        .unwrap();
    assert!(limit - stats.bytes < longest);
    assert_eq!(log.last(), Some(&b'\n'), "only whole lines");
}

#[test]
fn simulated_bytes_do_not_depend_on_how_they_are_written() {
    /// A writer that accepts a few bytes at a time.
    struct Trickle(Vec<u8>);
    impl Write for Trickle {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            let taken = bytes.len().min(333);
            self.0.extend_from_slice(&bytes[..taken]);
            Ok(taken)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let config = SimulationConfig {
        seed: 99,
        limit: SimulationLimit::Events(30_000),
    };
    let mut trickle = Trickle(Vec::new());
    simulate(&config, &mut trickle).unwrap();
    let (whole, _) = generate(99, SimulationLimit::Events(30_000));
    assert!(trickle.0 == whole);
    let (other, _) = generate(100, SimulationLimit::Events(30_000));
    assert!(other != whole);
}
