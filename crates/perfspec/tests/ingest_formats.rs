//! Every ingest format (`InputFormat`), built from the real logs bundled with the repository
//! (`sample_logs/`, `tests/fixtures/`; origins and licences in the README beside each): each wrapping of the same events must give exactly the records
//! of the plain source, whatever the chunk sizes the bytes arrive in.
//!
//! The GKE inputs are the exception to "real": no GKE export was available, so
//! `tests/fixtures/gke/falco-requests.ndjson` and the entries built from the PerfSPEC CSV below are
//! hand-written in the `LogEntry`/`AuditLog` shape GKE documents, request for request from the
//! real events (see `tests/fixtures/README.md`).

use std::io::Write;
use std::path::PathBuf;

mod common;

use common::real_log;
use flate2::write::GzEncoder;
use flate2::Compression;
use perfspec::ingest::record::AuditRecord;
use perfspec::ingest::{IngestReport, Ingestor, InputFormat};
use perfspec::ACCEPTED_FORMATS;
use serde_json::{json, Value};

fn fixture(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
}

fn read_chunked(name: &str, bytes: &[u8], chunk: usize) -> (Vec<AuditRecord>, IngestReport) {
    let mut ingestor = Ingestor::keeping_every_record();
    ingestor.start_file(name);
    for piece in bytes.chunks(chunk.max(1)) {
        ingestor.push(piece);
    }
    let (records, report) = ingestor.finish();
    (records.to_vec(), report)
}

/// The counts of a report agree with each other and with the records.
fn check_counts(records: &[AuditRecord], report: &IngestReport) {
    assert_eq!(
        report.records_read,
        records.len() as u64 + report.records_skipped
    );
    let kept: u64 = report.files.iter().map(|file| file.records).sum();
    let skipped: u64 = report.files.iter().map(|file| file.skipped).sum();
    assert_eq!(kept, records.len() as u64);
    assert_eq!(skipped, report.records_skipped);
}

/// Reads `bytes` as one file in chunks of 1, 7, 4093 bytes and whole: all must agree.
fn read(name: &str, bytes: &[u8]) -> (Vec<AuditRecord>, IngestReport) {
    read_in(name, bytes, &[1, 7, 4093])
}

fn read_in(name: &str, bytes: &[u8], chunks: &[usize]) -> (Vec<AuditRecord>, IngestReport) {
    let whole = read_chunked(name, bytes, bytes.len());
    check_counts(&whole.0, &whole.1);
    for &chunk in chunks {
        let (records, report) = read_chunked(name, bytes, chunk);
        assert!(
            records == whole.0,
            "{name}: records differ in chunks of {chunk}"
        );
        assert_eq!(
            report, whole.1,
            "{name}: report differs in chunks of {chunk}"
        );
    }
    whole
}

fn read_file(path: &str) -> (Vec<AuditRecord>, IngestReport) {
    let bytes = std::fs::read(real_log(path)).expect("bundled log");
    read(path, &bytes)
}

/// Records without their position, to compare the same events laid out differently.
fn unplaced(records: &[AuditRecord]) -> Vec<AuditRecord> {
    records
        .iter()
        .map(|record| AuditRecord {
            line: 0,
            ..record.clone()
        })
        .collect()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// What an audit event should give, read independently of the engine with serde_json::Value.
fn oracle(event: &Value) -> AuditRecord {
    let text = |value: &Value| {
        value
            .as_str()
            .filter(|text| !text.is_empty())
            .map(str::to_string)
    };
    AuditRecord {
        verb: event["verb"].as_str().expect("a verb").to_string(),
        resource: text(&event["objectRef"]["resource"]),
        subresource: text(&event["objectRef"]["subresource"]),
        namespace: text(&event["objectRef"]["namespace"]),
        user: text(&event["user"]["username"]),
        stage: text(&event["stage"]),
        audit_id: text(&event["auditID"]),
        status_code: event["responseStatus"]["code"]
            .as_u64()
            .map(|code| code as u16),
        received_at: text(&event["requestReceivedTimestamp"]).or_else(|| text(&event["timestamp"])),
        file: 0,
        line: 0,
    }
}

/// The audit2rbac v1beta1 log: its events as JSON values, and its records read as NDJSON.
struct Reference {
    events: Vec<Value>,
    records: Vec<AuditRecord>,
}

fn audit2rbac() -> Reference {
    let text = std::fs::read_to_string(real_log("audit2rbac/demo.v1beta1.log")).unwrap();
    let events: Vec<Value> = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let (records, report) = read("demo.v1beta1.log", text.as_bytes());
    assert_eq!(report.files[0].format, InputFormat::AuditNdjson);
    assert_eq!(records.len(), 757);
    assert_eq!(report.records_skipped, 0);
    assert_eq!(
        unplaced(&records),
        events.iter().map(oracle).collect::<Vec<_>>()
    );
    Reference {
        events,
        records: unplaced(&records),
    }
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap()
}

fn compact(value: &Value) -> String {
    serde_json::to_string(value).unwrap()
}

fn event_lists(events: &[Value], batch: usize) -> Vec<Value> {
    events
        .chunks(batch)
        .map(|items| {
            json!({
                "kind": "EventList",
                "apiVersion": "audit.k8s.io/v1beta1",
                "metadata": {},
                "items": items,
            })
        })
        .collect()
}

#[test]
fn event_lists_one_per_line_and_pretty_printed() {
    let reference = audit2rbac();
    let lists = event_lists(&reference.events, 100);

    let one_per_line: String = lists.iter().map(|list| compact(list) + "\n").collect();
    let (records, report) = read("batches.json", one_per_line.as_bytes());
    assert_eq!(report.files[0].format, InputFormat::AuditEventList);
    assert_eq!(unplaced(&records), reference.records);
    assert_eq!(records[0].line, 1);
    assert_eq!(records[100].line, 2);
    assert_eq!(records[756].line, 8);

    let pretty_lists: String = lists.iter().map(|list| pretty(list) + "\n").collect();
    let (records, report) = read("batches-pretty.json", pretty_lists.as_bytes());
    assert_eq!(report.files[0].format, InputFormat::AuditEventList);
    assert_eq!(unplaced(&records), reference.records);
    // Each record is placed on the line its event starts on, and that event holds its auditID.
    let lines: Vec<&str> = pretty_lists.lines().collect();
    for pair in records.windows(2) {
        let (record, next) = (&pair[0], &pair[1]);
        assert_eq!(lines[record.line as usize - 1].trim(), "{");
        let body = lines[record.line as usize - 1..next.line as usize - 1].join("\n");
        assert!(body.contains(record.audit_id.as_deref().unwrap()));
    }

    // An empty batch, as Go writes it, gives nothing and is no error.
    let empty = r#"{"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{},"items":null}"#;
    let (records, report) = read("empty-batch.json", empty.as_bytes());
    assert!(records.is_empty());
    assert_eq!(report.records_read, 0);
}

#[test]
fn bare_arrays_and_concatenated_pretty_objects() {
    let reference = audit2rbac();
    let array = Value::Array(reference.events.clone());
    for (name, text, format) in [
        ("array.json", compact(&array), InputFormat::AuditJson),
        ("array-pretty.json", pretty(&array), InputFormat::AuditJson),
        (
            "concatenated-pretty.json",
            reference
                .events
                .iter()
                .map(pretty)
                .collect::<Vec<_>>()
                .join("\n"),
            InputFormat::AuditJson,
        ),
        (
            "concatenated-crlf.json",
            reference
                .events
                .iter()
                .map(|event| pretty(event).replace('\n', "\r\n"))
                .collect::<Vec<_>>()
                .join("\r\n\r\n"),
            InputFormat::AuditJson,
        ),
        (
            "one-line.json",
            reference.events.iter().map(compact).collect::<String>(),
            InputFormat::AuditNdjson,
        ),
    ] {
        let (records, report) = read(name, text.as_bytes());
        assert_eq!(report.files[0].format, format, "{name}");
        assert_eq!(report.records_skipped, 0, "{name}: {:?}", report.skipped);
        assert_eq!(unplaced(&records), reference.records, "{name}");
    }
}

#[test]
fn gzip_single_and_multi_member() {
    let reference = audit2rbac();
    let ndjson = std::fs::read(real_log("audit2rbac/demo.v1beta1.log")).unwrap();

    let (records, report) = read("audit.log.1.gz", &gzip(&ndjson));
    assert_eq!(report.files[0].format, InputFormat::GzipAuditNdjson);
    assert!(report.files[0].format.is_gzip());
    assert_eq!(report.files[0].format.content(), InputFormat::AuditNdjson);
    assert_eq!(
        report.files[0].format.label(),
        "gzip: audit events (NDJSON)"
    );
    assert_eq!(unplaced(&records), reference.records);

    // logrotate and `cat a.gz b.gz` give several members; cut mid-line on purpose.
    let mut members = Vec::new();
    for part in ndjson.chunks(ndjson.len() / 3 + 1) {
        members.extend(gzip(part));
    }
    let (multi, report) = read("multi.gz", &members);
    assert_eq!(report.files[0].format, InputFormat::GzipAuditNdjson);
    assert_eq!(multi, {
        let (plain, _) = read("plain", &ndjson);
        plain
    });

    let lists: String = event_lists(&reference.events, 50)
        .iter()
        .map(pretty)
        .collect();
    let (records, report) = read("batches.json.gz", &gzip(lists.as_bytes()));
    assert_eq!(report.files[0].format, InputFormat::GzipAuditEventList);
    assert_eq!(unplaced(&records), reference.records);

    let csv = std::fs::read(real_log("perfspec/audit-logs.csv")).unwrap();
    let (records, report) = read_in("audit-logs.csv.gz", &gzip(&csv), &[4093]);
    assert_eq!(report.files[0].format, InputFormat::GzipPerfspecCsv);
    assert_eq!(records.len(), 16_563);
    assert_eq!(report.records_skipped, 1);
    assert!(report.skipped[0].reason.starts_with("truncated last line"));
}

#[test]
fn corrupt_and_truncated_gzip_keep_what_came_before() {
    let ndjson = std::fs::read(real_log("audit2rbac/demo.v1beta1.log")).unwrap();
    let compressed = gzip(&ndjson);

    // Cut short, as a partial download or a copy of a file being written.
    let cut = &compressed[..compressed.len() * 2 / 3];
    let (records, report) = read("cut.gz", cut);
    assert!(
        records.len() > 300 && records.len() < 757,
        "{}",
        records.len()
    );
    assert_eq!(report.files[0].format, InputFormat::GzipAuditNdjson);
    let reasons: Vec<&str> = report.skipped.iter().map(|s| s.reason.as_str()).collect();
    assert!(
        reasons
            .iter()
            .any(|r| r.starts_with("gzip stream cut short")),
        "{reasons:?}"
    );
    let (plain, _) = read_chunked("plain", &ndjson, ndjson.len());
    assert_eq!(records[..], plain[..records.len()], "a prefix of the log");

    // Damaged: three members cut at line ends, the second one broken at the start of its
    // deflate data (a bad Huffman table) or further on (a distance too far back), or only in
    // its checksum. The first member's records are kept either way, whatever the chunking.
    let text = String::from_utf8(ndjson.clone()).unwrap();
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let thirds: Vec<String> = lines
        .chunks(lines.len() / 3 + 1)
        .map(|part| part.concat())
        .collect();
    let first_member = gzip(thirds[0].as_bytes());
    let first_records = thirds[0].lines().count();
    for (offset, damage) in [(11, 0x07u8), (1_000, 0xaa), (usize::MAX, 0xff)] {
        let mut second = gzip(thirds[1].as_bytes());
        let at = offset.min(second.len() - 8);
        for byte in &mut second[at..at + 4] {
            *byte = damage;
        }
        let damaged = [first_member.clone(), second, gzip(thirds[2].as_bytes())].concat();
        let (records, report) = read("damaged.gz", &damaged);
        assert!(
            records.len() >= first_records,
            "{offset}: {}",
            records.len()
        );
        assert!(records.len() < 757);
        assert_eq!(records[..first_records], plain[..first_records]);
        let problem = report.skipped.last().unwrap();
        assert!(
            problem.reason.starts_with("corrupt gzip data"),
            "{problem:?}"
        );
    }
    // A lone magic number, and trailing garbage after a complete member.
    let (records, report) = read("magic-only.gz", &[0x1f, 0x8b]);
    assert!(records.is_empty());
    assert_eq!(report.files[0].format, InputFormat::GzipUnrecognised);
    assert_eq!(report.records_skipped, 1);
    let mut trailing = compressed.clone();
    trailing.extend_from_slice(b"this is not gzip data\n");
    let (records, report) = read("trailing.gz", &trailing);
    assert_eq!(records, plain);
    assert!(
        report.skipped[0].reason.contains("corrupt gzip data"),
        "{:?}",
        report.skipped
    );
}

#[test]
fn aks_samples_as_they_are() {
    let (records, report) = read_file("aks/event.json");
    assert_eq!(report.files[0].format, InputFormat::AksDiagnostics);
    assert_eq!(report.records_skipped, 0);
    let document: Value =
        serde_json::from_slice(&std::fs::read(real_log("aks/event.json")).unwrap()).unwrap();
    let expected: Vec<AuditRecord> = document["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|record| {
            let log = record["properties"]["log"].as_str().unwrap();
            oracle(&serde_json::from_str(log).unwrap())
        })
        .collect();
    assert_eq!(expected.len(), 22);
    assert_eq!(unplaced(&records), expected);

    // An Event Hubs message: one record, pretty-printed, with a byte order mark.
    let (records, report) = read_file("aks/sample_EventHubs_event.json");
    assert_eq!(report.files[0].format, InputFormat::AksDiagnostics);
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].line, 1);
    assert_eq!(
        records[0].audit_id.as_deref(),
        Some("4e2a4193-cb3d-4ff7-bf37-32c392fbc23b")
    );
    assert_eq!(records[0].resource, None, "a discovery request");

    // The event itself, pretty-printed with a byte order mark.
    let (records, report) = read_file("aks/sample_KubeAuditLog_event.json");
    assert_eq!(report.files[0].format, InputFormat::AuditJson);
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].verb, "update");
    assert_eq!(records[0].resource.as_deref(), Some("controllerrevisions"));
    assert_eq!(records[0].namespace.as_deref(), Some("kube-system"));
}

#[test]
fn aks_records_built_from_the_real_log() {
    let reference = audit2rbac();
    let record = |index: usize, event: &Value| {
        // Alternate the two ways `properties.log` comes: escaped text (with the line end AKS
        // keeps) and an object.
        let log = if index.is_multiple_of(2) {
            Value::String(compact(event) + "\n")
        } else {
            event.clone()
        };
        json!({
            "operationName": "Microsoft.ContainerService/managedClusters/diagnosticLogs/Read",
            "category": if index.is_multiple_of(3) { "kube-audit-admin" } else { "kube-audit" },
            "resourceId": "/SUBSCRIPTIONS/0000/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/DEMO",
            "properties": {"log": log, "stream": "stdout", "pod": "kube-apiserver-79599f95c7-qn557"},
            "time": "2020-05-05T16:16:37.0000000Z",
        })
    };
    let mut records: Vec<Value> = reference
        .events
        .iter()
        .enumerate()
        .map(|(index, event)| record(index, event))
        .collect();
    // The same diagnostic setting may export other categories.
    records.insert(
        10,
        json!({"category": "kube-apiserver", "properties": {"log": "I0505 16:16:37 flags.go:33] FLAG: --v=\"2\"\n"}}),
    );
    for (name, text) in [
        ("aks-records.json", compact(&json!({ "records": records }))),
        (
            "aks-records-pretty.json",
            pretty(&json!({ "records": records })),
        ),
        (
            "aks-one-record-per-line.json",
            records.iter().map(|r| compact(r) + "\n").collect(),
        ),
    ] {
        let (kept, report) = read(name, format!("\u{feff}{text}").as_bytes());
        assert_eq!(
            report.files[0].format,
            InputFormat::AksDiagnostics,
            "{name}"
        );
        assert_eq!(unplaced(&kept), reference.records, "{name}");
        assert_eq!(report.records_skipped, 1, "{name}");
        assert!(
            report.skipped[0]
                .reason
                .contains("category \"kube-apiserver\""),
            "{}",
            report.skipped[0].reason
        );
    }
}

/// CloudWatch Logs events for the audit2rbac log, as `aws logs filter-log-events` prints them.
fn cloudwatch_events(events: &[Value]) -> Vec<Value> {
    events
        .iter()
        .enumerate()
        .map(|(index, event)| {
            json!({
                "logStreamName": "kube-apiserver-audit-2c5b1e6d2f0a4b3c8d9e",
                "timestamp": 1_505_159_705_000u64 + index as u64,
                "message": compact(event),
                "ingestionTime": 1_505_159_706_000u64 + index as u64,
                "eventId": format!("3{index:055}"),
            })
        })
        .collect()
}

#[test]
fn eks_cloudwatch_json_and_text_exports() {
    let reference = audit2rbac();
    let mut events = cloudwatch_events(&reference.events);
    // An EKS log group holds other streams too.
    events.insert(
        3,
        json!({
            "logStreamName": "authenticator-2c5b1e6d2f0a4b3c8d9e",
            "timestamp": 1_505_159_705_003u64,
            "message": "time=\"2017-09-11T19:55:05Z\" level=info msg=\"access granted\" arn=\"arn:aws:iam::000000000000:role/node\"",
            "ingestionTime": 1_505_159_706_003u64,
            "eventId": "1",
        }),
    );
    let output = json!({
        "events": events,
        "searchedLogStreams": [{"logStreamName": "kube-apiserver-audit-2c5b1e6d2f0a4b3c8d9e", "searchedCompletely": true}],
    });
    for text in [compact(&output), pretty(&output)] {
        let (records, report) = read("filter-log-events.json", text.as_bytes());
        assert_eq!(report.files[0].format, InputFormat::EksCloudwatch);
        assert_eq!(unplaced(&records), reference.records);
        assert_eq!(report.records_skipped, 1);
        assert!(report.skipped[0]
            .reason
            .starts_with("CloudWatch message is not"));
    }

    // `<timestamp> <JSON event>` lines, as an export to S3 writes them (gzip-compressed there).
    let lines: String = reference
        .events
        .iter()
        .map(|event| {
            let time = event["timestamp"].as_str().unwrap().replace('Z', ".000Z");
            format!("{time} {}\n", compact(event))
        })
        .collect();
    let (records, report) = read("eks-audit.log", lines.as_bytes());
    assert_eq!(report.files[0].format, InputFormat::EksCloudwatch);
    assert_eq!(unplaced(&records), reference.records);
    assert_eq!(records[5].line, 6);
    let (records, report) = read("000000.gz", &gzip(lines.as_bytes()));
    assert_eq!(report.files[0].format, InputFormat::GzipEksCloudwatch);
    assert_eq!(unplaced(&records), reference.records);

    // Cut short: the last line is reported as such.
    let cut = &lines[..lines.len() - 40];
    let (records, report) = read("cut.log", cut.as_bytes());
    assert_eq!(records.len(), 756);
    assert_eq!(report.skipped[0].line, 757);
    assert!(report.skipped[0].reason.starts_with("truncated last line"));
}

/// The falco samples: every event of every file, in file-name order.
fn falco_events() -> Vec<(String, Value)> {
    let mut names: Vec<_> = std::fs::read_dir(real_log("falco"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".json") && name != "fal_01_003.json")
        .collect();
    names.sort();
    let mut events = Vec::new();
    for name in names {
        let text = std::fs::read_to_string(real_log(&format!("falco/{name}"))).unwrap();
        for line in text.lines().filter(|line| !line.trim().is_empty()) {
            events.push((name.clone(), serde_json::from_str(line).unwrap()));
        }
    }
    events
}

#[test]
fn falco_files_as_they_are() {
    let events = falco_events();
    let mut files = 0;
    for entry in std::fs::read_dir(real_log("falco")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if !name.ends_with(".json") {
            continue;
        }
        files += 1;
        let (records, report) = read_file(&format!("falco/{name}"));
        if name == "fal_01_003.json" {
            assert!(records.is_empty());
            assert_eq!(report.records_skipped, 1);
            assert_eq!(report.skipped[0].line, 1);
            assert!(report.skipped[0].reason.starts_with("not an audit event"));
            assert_eq!(report.files[0].format, InputFormat::Unrecognised);
            continue;
        }
        let expected: Vec<AuditRecord> = events
            .iter()
            .filter(|(file, _)| *file == name)
            .map(|(_, event)| oracle(event))
            .collect();
        // One event per file, except a sample that holds six NDJSON lines.
        let count = if name == "create_configmap_sensitive_values.json" {
            6
        } else {
            1
        };
        assert_eq!(expected.len(), count, "{name}");
        assert_eq!(unplaced(&records), expected, "{name}");
        assert_eq!(report.records_skipped, 0, "{name}: {:?}", report.skipped);
        assert_eq!(report.files[0].format, InputFormat::AuditNdjson, "{name}");
    }
    assert_eq!(files, 47);

    // Pretty-printed, each as its own file and all as one.
    let mut all = String::new();
    for (name, event) in &events {
        let text = pretty(event);
        let (records, report) = read(name, text.as_bytes());
        assert_eq!(records.len(), 1);
        assert_eq!(report.files[0].format, InputFormat::AuditJson);
        all.push_str(&text);
        all.push('\n');
    }
    let (records, _) = read("falco-pretty.json", all.as_bytes());
    let expected: Vec<AuditRecord> = events.iter().map(|(_, event)| oracle(event)).collect();
    assert_eq!(unplaced(&records), expected);
}

/// A Kubernetes API request as GKE would record it: what must survive the translation.
fn same_request(native: &AuditRecord, gke: &AuditRecord) {
    let without_status = |record: &AuditRecord| AuditRecord {
        status_code: None,
        line: 0,
        ..record.clone()
    };
    assert_eq!(without_status(gke), without_status(native));
    // GKE keeps the gRPC code only: a success is 200, whatever the API server answered.
    match native.status_code {
        Some(code) if code >= 400 => assert_eq!(gke.status_code, Some(code)),
        _ => assert_eq!(gke.status_code, Some(200)),
    }
}

#[test]
fn gke_entries_written_from_the_falco_requests() {
    let bytes = std::fs::read(fixture("gke/falco-requests.ndjson")).unwrap();
    let expected: Vec<AuditRecord> = falco_events().iter().map(|(_, e)| oracle(e)).collect();
    assert_eq!(expected.len(), 51);

    let entries: Vec<Value> = String::from_utf8(bytes.clone())
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    // `gcloud logging read --format=json` prints a pretty JSON array.
    let array = pretty(&Value::Array(entries));
    for (name, input, format) in [
        ("gke.ndjson", bytes.clone(), InputFormat::GkeAuditLogs),
        ("gke.json", array.into_bytes(), InputFormat::GkeAuditLogs),
        ("gke.json.gz", gzip(&bytes), InputFormat::GzipGkeAuditLogs),
    ] {
        let (records, report) = read(name, &input);
        assert_eq!(report.files[0].format, format, "{name}");
        assert_eq!(records.len(), expected.len(), "{name}");
        for (gke, native) in records.iter().zip(&expected) {
            same_request(native, gke);
        }
        assert_eq!(report.records_skipped, 1, "{name}");
        assert!(
            report.skipped[0]
                .reason
                .starts_with("not a Kubernetes API request"),
            "{}",
            report.skipped[0].reason
        );
    }
    let (records, report) = read("gke.ndjson", &bytes);
    assert_eq!(records[0].line, 1);
    assert_eq!(report.skipped[0].line, 52);
    let exec = records
        .iter()
        .find(|record| record.subresource.as_deref() == Some("exec"))
        .unwrap();
    assert_eq!(exec.stage.as_deref(), Some("ResponseStarted"));
}

/// Splits one line of the PerfSPEC CSV (quoted fields use `""` escapes).
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().unwrap().push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(String::new()),
            _ => fields.last_mut().unwrap().push(c),
        }
    }
    fields
}

/// A CSV row's request as a GKE log entry: the group and version come from its request URI.
fn gke_entry(row: &[String], first_stage: bool) -> Value {
    let (user, verb, resource, subresource, name) = (&row[2], &row[3], &row[4], &row[5], &row[6]);
    let (uri, audit_id, stage, code) = (&row[8], &row[9], &row[10], &row[11]);
    let path = uri.split('?').next().unwrap();
    let (group, rest) = if let Some(rest) = path.strip_prefix("/api/") {
        ("core".to_string(), rest.to_string())
    } else {
        let rest = path.strip_prefix("/apis/").unwrap();
        let (group, rest) = rest.split_once('/').unwrap();
        (group.to_string(), rest.to_string())
    };
    let version = rest.split('/').next().unwrap();
    // Reverse-domain group names: rbac.authorization.k8s.io is `io.k8s.authorization.rbac`.
    let method_group = if group == "core" || !group.contains('.') {
        format!("io.k8s.{group}")
    } else {
        let mut labels: Vec<&str> = group.split('.').collect();
        labels.reverse();
        labels.join(".")
    };
    let sub = if subresource.is_empty() {
        String::new()
    } else {
        format!(".{subresource}")
    };
    let method = format!("{method_group}.{version}.{resource}{sub}.{verb}");
    let mut resource_name = format!("{group}/{rest}");
    if verb == "create" && subresource.is_empty() && !name.is_empty() {
        resource_name = format!("{resource_name}/{name}");
    }
    let code: u16 = code.parse().unwrap();
    let (status, response) = if code >= 400 {
        let rpc = match code {
            401 => 16,
            403 => 7,
            404 => 5,
            409 => 6,
            422 => 3,
            _ => 2,
        };
        (
            json!({"code": rpc, "message": "request failed"}),
            json!({"@type": "core.k8s.io/v1.Status", "apiVersion": "v1", "kind": "Status", "status": "Failure", "code": code}),
        )
    } else {
        (
            json!({}),
            json!({"@type": format!("core.k8s.io/v1.{}", "Object"), "kind": "Pod"}),
        )
    };
    let started = stage == "ResponseStarted";
    json!({
        "protoPayload": {
            "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
            "authenticationInfo": {"principalEmail": user},
            "methodName": method,
            "resourceName": resource_name,
            "serviceName": "k8s.io",
            "status": status,
            "response": response,
        },
        "insertId": audit_id,
        "resource": {"type": "k8s_cluster", "labels": {"project_id": "perfspec", "location": "europe-west1", "cluster_name": "perfspec"}},
        "timestamp": row[1],
        "logName": "projects/perfspec/logs/cloudaudit.googleapis.com%2Fdata_access",
        "operation": {"id": audit_id, "producer": "k8s.io", "first": started || first_stage, "last": !started},
        "receiveTimestamp": row[1],
    })
}

#[test]
fn gke_entries_written_from_the_perfspec_csv() {
    let text = std::fs::read_to_string(real_log("perfspec/audit-logs.csv")).unwrap();
    let (csv_records, _) = read_chunked("audit-logs.csv", text.as_bytes(), 1 << 16);
    let mut started = std::collections::HashSet::new();
    let mut entries = Vec::new();
    let mut expected = Vec::new();
    for (line, record) in text.lines().zip(&csv_records).take(4_000) {
        let row = csv_fields(line);
        assert_eq!(row[9], record.audit_id.clone().unwrap_or_default());
        if row[4].is_empty() {
            continue; // Non-resource requests: GKE's form for them is not documented.
        }
        let first_stage = started.insert(row[9].clone());
        entries.push(gke_entry(&row, first_stage));
        expected.push(record.clone());
    }
    assert!(entries.len() > 1_000, "{}", entries.len());
    let ndjson: String = entries.iter().map(|entry| compact(entry) + "\n").collect();
    let array = pretty(&Value::Array(entries));
    for (name, input) in [("csv.ndjson", ndjson), ("csv.json", array)] {
        let (records, report) = read_in(name, input.as_bytes(), &[7, 4093]);
        assert_eq!(report.files[0].format, InputFormat::GkeAuditLogs);
        assert_eq!(report.records_skipped, 0, "{:?}", report.skipped);
        assert_eq!(records.len(), expected.len());
        for (gke, csv) in records.iter().zip(&expected) {
            // The CSV has no namespace column: its namespace comes from the request URI, which
            // for a namespace object itself gives none, where the API server records its name.
            let csv = AuditRecord {
                namespace: gke
                    .namespace
                    .clone()
                    .filter(|_| csv.resource.as_deref() == Some("namespaces"))
                    .or(csv.namespace.clone()),
                ..csv.clone()
            };
            same_request(&csv, gke);
        }
    }
}

#[test]
fn broken_values_are_reported_where_they_start_and_neighbours_kept() {
    let events: Vec<Value> = falco_events().into_iter().map(|(_, e)| e).take(6).collect();
    let block = |event: &Value| pretty(event).replace('\n', "\r\n");
    let cut = block(&events[2]);
    let cut = &cut[..cut.len() / 2];
    let mut text = String::from("\u{feff}");
    let mut starts = Vec::new();
    let mut push = |text: &mut String, piece: &str| {
        starts.push(text.matches('\n').count() as u64 + 1);
        text.push_str(piece);
        text.push_str("\r\n\r\n");
    };
    push(&mut text, &block(&events[0]));
    push(&mut text, "{\"kind\": 0}");
    push(&mut text, &block(&events[1]));
    push(&mut text, cut); // A value cut off mid-file, then the file goes on.
    push(&mut text, &block(&events[3]));
    push(
        &mut text,
        "{\r\n  \"kind\": \"Event\",\r\n  \"stage\": \"ResponseComplete\"\r\n}",
    );
    push(&mut text, "this line is not JSON");
    // Invalid inside: the rest of it, up to the next line opening a value, goes with it.
    push(
        &mut text,
        "{\r\n  \"verb\": \"get\",,\r\n  \"x\": 1\r\n}\r\nnot reported",
    );
    push(&mut text, &block(&events[4]));
    let last = block(&events[5]);
    starts.push(text.matches('\n').count() as u64 + 1);
    text.push_str(&last[..last.len() - 30]);

    let (records, report) = read("edge-cases.json", text.as_bytes());
    assert_eq!(report.files[0].format, InputFormat::AuditJson);
    let kept: Vec<AuditRecord> = [0, 1, 3, 4].iter().map(|&i| oracle(&events[i])).collect();
    assert_eq!(unplaced(&records), kept);
    let lines: Vec<u64> = records.iter().map(|record| record.line).collect();
    assert_eq!(lines, vec![starts[0], starts[2], starts[4], starts[8]]);
    let skipped: Vec<(u64, &str)> = report
        .skipped
        .iter()
        .map(|skip| (skip.line, skip.reason.as_str()))
        .collect();
    assert_eq!(skipped.len(), 6, "{skipped:?}");
    assert_eq!(skipped[0].0, starts[1]);
    assert!(skipped[0].1.starts_with("not an audit event"));
    assert_eq!(skipped[1].0, starts[3]);
    assert!(skipped[1].1.starts_with("invalid JSON"), "{}", skipped[1].1);
    assert_eq!(skipped[2], (starts[5], "audit event without a verb"));
    assert_eq!(skipped[3].0, starts[6]);
    assert!(skipped[3].1.starts_with("not JSON"));
    assert_eq!(skipped[4].0, starts[7]);
    assert!(skipped[4].1.starts_with("invalid JSON"));
    assert_eq!(skipped[5].0, starts[9]);
    assert!(skipped[5]
        .1
        .starts_with("truncated at end of file (invalid JSON"));
}

#[test]
fn broken_ndjson_lines_do_not_touch_their_neighbours() {
    let text = std::fs::read_to_string(real_log("audit2rbac/demo.v1beta1.log")).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let original = lines.clone();
    let half = lines[10].len() / 2;
    lines[10].truncate(half); // A writer that crashed mid-line...
    lines[20] = format!("{}{}", lines[20], lines[21]); // ...two lines run together...
    lines[30].push('}'); // ...a stray byte...
    lines[40] = String::new(); // ...a blank line...
    let last = lines.len() - 1;
    lines[last].truncate(100); // ...and a log cut short.
    let (records, report) = read("damaged.log", lines.join("\n").as_bytes());
    let (reference, _) = read_chunked("plain", text.as_bytes(), text.len());
    let mut expected = Vec::new();
    for (index, record) in unplaced(&reference).into_iter().enumerate() {
        if ![10, 40, last].contains(&index) {
            expected.push(record.clone());
        }
        if index == 21 {
            expected.push(record); // Once run into line 21, once on its own line 22.
        }
    }
    assert_eq!(unplaced(&records), expected);
    let lines_of: Vec<u64> = records[19..22].iter().map(|record| record.line).collect();
    assert_eq!(lines_of, vec![21, 21, 22]);
    let skipped: Vec<u64> = report.skipped.iter().map(|skip| skip.line).collect();
    assert_eq!(skipped, vec![11, 31, last as u64 + 1]);
    assert!(report.skipped[0].reason.starts_with("invalid JSON"));
    assert!(report.skipped[1].reason.contains("found `}`"));
    assert!(report.skipped[2].reason.starts_with("truncated last line"));
    assert_eq!(original.len(), lines.len());
}

#[test]
fn empty_blank_and_binary_files_say_why() {
    for (name, bytes) in [
        ("empty", Vec::new()),
        ("blank", b"\n\r\n   \n".to_vec()),
        ("bom-only", b"\xEF\xBB\xBF".to_vec()),
    ] {
        let (records, report) = read(name, &bytes);
        assert!(records.is_empty(), "{name}");
        assert_eq!(report.records_read, 0, "{name}");
        assert_eq!(report.files[0].format, InputFormat::Unrecognised, "{name}");
    }
    let (records, report) = read("empty.gz", &gzip(b""));
    assert!(records.is_empty());
    assert_eq!(report.files[0].format, InputFormat::GzipUnrecognised);
    assert_eq!(report.records_read, 0);

    // Binary data, including some that happens to start like JSON or gzip: given up quickly.
    let noise: Vec<u8> = (0..200_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    for prefix in [&b""[..], b"{", b"[", b"\x1f", b"\x1f\x8b"] {
        let mut bytes = prefix.to_vec();
        bytes.extend_from_slice(&noise);
        let (records, report) = read_in("blob.bin", &bytes, &[4093]);
        assert!(records.is_empty());
        assert!(report.records_skipped >= 1);
        assert!(
            report.records_skipped <= 1_001,
            "{}",
            report.records_skipped
        );
        assert_eq!(report.files[0].format.content(), InputFormat::Unrecognised);
    }

    // Text in no accepted format: each line is reported until the detector gives up.
    let prose = "The quick brown fox jumps over the lazy dog.\n".repeat(2_000);
    let (records, report) = read_in("notes.txt", prose.as_bytes(), &[4093]);
    assert!(records.is_empty());
    assert_eq!(report.records_skipped, 1_001);
    assert!(report.skipped[99]
        .reason
        .starts_with("not JSON, a `<timestamp> <JSON event>` line"));
}

#[test]
fn values_and_lines_over_16_mib_are_skipped_not_buffered() {
    let huge = "x".repeat(17 << 20);
    let event = r#"{"verb":"get","objectRef":{"resource":"pods"}}"#;
    let ndjson = format!("{{\"verb\":\"get\",\"blob\":\"{huge}\"}}\n{event}\n");
    let pretty = format!("{{\n  \"blob\": \"{huge}\"\n}}\n{{\n  \"verb\": \"get\"\n}}\n");
    let eks =
        format!("2023-01-27T18:28:08.129Z {event}\n2023-01-27T18:28:09Z {{\"verb\":\"{huge}\"}}\n");
    for (name, text, line) in [
        ("ndjson", ndjson, 1),
        ("pretty", pretty, 1),
        ("eks", eks, 2),
    ] {
        let (records, report) = read_in(name, text.as_bytes(), &[65_536]);
        assert_eq!(records.len(), 1, "{name}");
        assert_eq!(report.records_skipped, 1, "{name}");
        assert_eq!(report.skipped[0].line, line, "{name}");
        assert!(
            report.skipped[0].reason.contains("longer than 16 MiB"),
            "{name}"
        );
    }
}

#[test]
fn several_formats_in_one_ingest() {
    let mut ingestor = Ingestor::keeping_every_record();
    for path in [
        "aks/event.json",
        "falco/attach_pod.json",
        "falco/fal_01_003.json",
        "aks/sample_EventHubs_event.json",
    ] {
        ingestor
            .read_from(path, std::fs::File::open(real_log(path)).unwrap())
            .unwrap();
    }
    ingestor
        .read_from(
            "gke.ndjson.gz",
            &gzip(&std::fs::read(fixture("gke/falco-requests.ndjson")).unwrap())[..],
        )
        .unwrap();
    let (records, report) = ingestor.finish();
    let records = records.to_vec();
    let formats: Vec<InputFormat> = report.files.iter().map(|file| file.format).collect();
    assert_eq!(
        formats,
        vec![
            InputFormat::AksDiagnostics,
            InputFormat::AuditNdjson,
            InputFormat::Unrecognised,
            InputFormat::AksDiagnostics,
            InputFormat::GzipGkeAuditLogs,
        ]
    );
    let per_file: Vec<u64> = report.files.iter().map(|file| file.records).collect();
    assert_eq!(per_file, vec![22, 1, 0, 1, 51]);
    assert_eq!(records[22].file, 1);
    assert_eq!(records[23].file, 3);
    assert_eq!(records.last().unwrap().file, 4);
    check_counts(&records, &report);
}

#[test]
fn the_message_for_unreadable_input_names_every_format() {
    for format in [
        "NDJSON",
        "EventList",
        "JSON array",
        "gzip",
        "GKE",
        "AKS",
        "EKS",
        "CSV",
        "token",
    ] {
        assert!(ACCEPTED_FORMATS.contains(format), "{format}");
    }
}

/// Reads a fuzz input the way the fuzz target (`fuzz/fuzz_targets/ingest.rs`) does: the first
/// byte seeds the chunk sizes and, with its high bit, gzip-compresses the rest.
fn fuzz_case(data: &[u8]) {
    let Some((&seed, content)) = data.split_first() else {
        return;
    };
    let gzipped = {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
        encoder.write_all(content).unwrap();
        encoder.finish().unwrap()
    };
    let content = if seed & 0x80 != 0 {
        &gzipped[..]
    } else {
        content
    };
    let whole = read_chunked("fuzz", content, content.len());
    check_counts(&whole.0, &whole.1);
    let mut ingestor = Ingestor::keeping_every_record();
    ingestor.start_file("fuzz");
    let mut state = u32::from(seed & 0x7f) | 1;
    let mut rest = content;
    while !rest.is_empty() {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let size = (state % 64 + 1) as usize;
        let (piece, tail) = rest.split_at(size.min(rest.len()));
        ingestor.push(piece);
        rest = tail;
    }
    let chunked = ingestor.finish();
    assert!(chunked.0.to_vec() == whole.0, "records depend on chunking");
    assert_eq!(chunked.1, whole.1, "report depends on chunking");
}

#[test]
fn fuzz_corpus_regressions() {
    let mut count = 0;
    for entry in std::fs::read_dir(fixture("fuzz-corpus")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|ext| ext == "md") {
            continue;
        }
        let data = std::fs::read(&path).unwrap();
        let outcome = std::panic::catch_unwind(|| fuzz_case(&data));
        assert!(outcome.is_ok(), "{}", path.display());
        count += 1;
    }
    assert!(count > 0, "the corpus is present");
}
