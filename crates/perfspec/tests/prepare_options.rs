//! Every prepare option (`PrepareOptions`) on the real logs, each checked against a count made
//! directly from the records (the oracle) rather than against a remembered number.

use std::collections::HashSet;
mod common;

use common::real_log;
use perfspec::dataset::{split_windows, SplitMode};
use perfspec::ingest::record::AuditRecord;
use perfspec::ingest::Ingestor;
use perfspec::prepare::{
    parse_timestamp, prepare, AuditIdDedup, EventOrder, PrepareOptions, Sequencing,
};
use perfspec::quality::{dataset_quality, leakage_share, oov_share};

fn records(path: &str) -> Vec<AuditRecord> {
    let path = real_log(path);
    let mut ingestor = Ingestor::keeping_every_record();
    ingestor
        .read_from(path.to_str().unwrap(), std::fs::File::open(&path).unwrap())
        .unwrap();
    ingestor.finish().0.to_vec()
}

/// Records the preset keeps, by the paper's rule written out plainly.
fn preset_kept(records: &[AuditRecord]) -> Vec<&AuditRecord> {
    records
        .iter()
        .filter(|r| !["get", "list", "watch"].contains(&r.verb.as_str()))
        .filter(|r| {
            r.resource
                .as_deref()
                .is_some_and(|res| !["events", "leases", "replicationcontrollers"].contains(&res))
        })
        .collect()
}

fn with(change: impl FnOnce(&mut PrepareOptions)) -> PrepareOptions {
    let mut options = PrepareOptions::perfspec();
    change(&mut options);
    options.validate().unwrap();
    options
}

#[test]
fn drop_deletecollection_and_subresource_types() {
    let records = records("perfspec/audit-logs.csv");
    let kept = preset_kept(&records);
    let without: Vec<_> = kept
        .iter()
        .filter(|r| r.verb != "deletecollection")
        .collect();
    let data = prepare(&records, &with(|o| o.drop_deletecollection = true));
    assert_eq!(data.events.len(), without.len());
    assert!(data
        .vocabulary
        .types()
        .iter()
        .all(|t| t.verb != "deletecollection"));

    let data = prepare(&records, &with(|o| o.subresource_in_type = true));
    let expected: HashSet<String> = kept
        .iter()
        .map(|r| match &r.subresource {
            Some(sub) => format!("{}_{}/{}", r.verb, r.resource.as_deref().unwrap(), sub),
            None => format!("{}_{}", r.verb, r.resource.as_deref().unwrap()),
        })
        .collect();
    let got: HashSet<String> = data
        .vocabulary
        .types()
        .iter()
        .map(|t| t.name.clone())
        .collect();
    assert_eq!(got, expected);
    assert!(got.len() > 146, "subresources add types");
    let binding = data
        .vocabulary
        .id("create_pods/binding")
        .expect("scheduler bindings");
    assert_eq!(data.vocabulary.get(binding).unwrap().verb, "create");
}

#[test]
fn one_record_per_audit_id() {
    // The v1beta1 log has RequestReceived and ResponseComplete records of each request.
    let records = records("audit2rbac/demo.v1beta1.log");
    let kept = preset_kept(&records);
    let distinct: HashSet<&str> = kept.iter().filter_map(|r| r.audit_id.as_deref()).collect();
    assert!(distinct.len() < kept.len());
    let first = prepare(
        &records,
        &with(|o| o.dedup_audit_id = Some(AuditIdDedup::First)),
    );
    assert_eq!(first.events.len(), distinct.len());
    let complete = prepare(
        &records,
        &with(|o| o.dedup_audit_id = Some(AuditIdDedup::Complete)),
    );
    let complete_ids: HashSet<&str> = kept
        .iter()
        .filter(|r| r.stage.as_deref() == Some("ResponseComplete"))
        .filter_map(|r| r.audit_id.as_deref())
        .collect();
    assert_eq!(complete.events.len(), complete_ids.len());
    let step = complete.funnel.last().unwrap();
    assert_eq!(step.removed as usize, kept.len() - complete_ids.len());
}

#[test]
fn failed_requests_and_user_and_namespace_globs() {
    let records = records("perfspec/audit-logs.csv");
    let kept = preset_kept(&records);

    let ok = kept
        .iter()
        .filter(|r| r.status_code.is_none_or(|c| c < 400))
        .count();
    assert!(ok < kept.len());
    assert_eq!(
        prepare(&records, &with(|o| o.drop_failed = true))
            .events
            .len(),
        ok
    );

    let humans = kept
        .iter()
        .filter(|r| !r.user.as_deref().unwrap_or("").starts_with("system:"))
        .count();
    let data = prepare(
        &records,
        &with(|o| o.exclude_users = vec!["system:*".into()]),
    );
    assert_eq!(data.events.len(), humans);

    let in_kube = kept
        .iter()
        .filter(|r| {
            r.namespace
                .as_deref()
                .is_some_and(|ns| ns.starts_with("kube-"))
        })
        .count();
    let data = prepare(&records, &with(|o| o.namespaces = vec!["kube-*".into()]));
    assert_eq!(data.events.len(), in_kube);
    let data = prepare(
        &records,
        &with(|o| o.exclude_namespaces = vec!["kube-*".into()]),
    );
    assert_eq!(data.events.len(), kept.len() - in_kube);

    assert!(with(|_| ()).validate().is_ok());
    let mut bad = PrepareOptions::perfspec();
    bad.exclude_users = vec!["[".into()];
    assert!(bad.validate().is_err());
}

#[test]
fn time_order_and_sequences() {
    let records = records("perfspec/audit-logs.csv");
    let by_time = prepare(&records, &with(|o| o.order = EventOrder::Time));
    let kept = preset_kept(&records);
    let mut stamps: Vec<f64> = kept
        .iter()
        .map(|r| parse_timestamp(r.received_at.as_deref().unwrap()).unwrap())
        .collect();
    let in_file_order = stamps.windows(2).all(|w| w[0] <= w[1]);
    assert!(
        !in_file_order,
        "the API server writes out of timestamp order"
    );
    let mut expected: Vec<(f64, String)> = kept
        .iter()
        .zip(&stamps)
        .map(|(r, &t)| (t, format!("{}_{}", r.verb, r.resource.as_deref().unwrap())))
        .collect();
    expected.sort_by(|a, b| a.0.total_cmp(&b.0));
    let got: Vec<&str> = by_time
        .events
        .iter()
        .map(|&id| by_time.vocabulary.name(id))
        .collect();
    let expected: Vec<&str> = expected.iter().map(|(_, name)| name.as_str()).collect();
    assert_eq!(got, expected);
    stamps.sort_by(f64::total_cmp);

    let per_user = prepare(&records, &with(|o| o.sequences = Sequencing::User));
    let users: HashSet<&str> = kept.iter().map(|r| r.user.as_deref().unwrap()).collect();
    assert_eq!(per_user.sequences.len(), users.len());
    assert_eq!(
        per_user.sequences.iter().map(|s| s.len).sum::<usize>(),
        kept.len()
    );
    let split = split_windows(&per_user, 2, SplitMode::Paper);
    let short = per_user.sequences.iter().filter(|s| s.len <= 2).count();
    let expected: usize = per_user
        .sequences
        .iter()
        .map(|s| s.len.saturating_sub(2))
        .sum();
    assert_eq!(
        split.train.len(),
        expected,
        "{short} sequences too short for a window"
    );

    let idle = prepare(&records, &with(|o| o.sequences = Sequencing::Idle(5.0)));
    assert!(idle.sequences.len() > 1);
    assert_eq!(
        idle.sequences.iter().map(|s| s.len).sum::<usize>(),
        kept.len()
    );
    assert!(Sequencing::parse("idle:x").is_err());
    assert_eq!(Sequencing::parse("idle:2.5"), Ok(Sequencing::Idle(2.5)));
}

#[test]
fn a_doubled_token_file_is_flagged_and_fixed() {
    let records = records("perfspec/audit-logs.csv");
    let once = prepare(&records, &PrepareOptions::perfspec());
    let tokens: String = once
        .events
        .iter()
        .map(|&id| format!("{}\n", once.vocabulary.name(id)))
        .collect();
    let doubled = format!("{tokens}{tokens}");
    let mut ingestor = Ingestor::default();
    ingestor.start_file("doubled.txt");
    ingestor.push(doubled.as_bytes());
    let (token_records, _) = ingestor.finish();

    let flagged = prepare(&token_records, &PrepareOptions::perfspec());
    assert_eq!(flagged.events.len(), 2 * 2_163);
    assert_eq!(flagged.repeated_runs.len(), 1);
    assert_eq!(flagged.repeated_runs[0].repeat_start, 2_163);
    assert_eq!(flagged.repeated_runs[0].length, 2_163);
    let quality = dataset_quality(&flagged);
    assert!(quality.iter().all(|q| q.leakage_share == 1.0));

    let fixed = prepare(&token_records, &with(|o| o.dedup_repeated_run = true));
    assert_eq!(fixed.events, once.events);
    assert!(dataset_quality(&fixed)[1].leakage_share < 0.9);

    assert!(
        once.repeated_runs.is_empty(),
        "the real log has no copied stretch"
    );
}

#[test]
fn oov_and_leakage_shares_by_hand() {
    // 0 1 0 1 0 1 2 3 0 1 ... split chronologically at window 1.
    let mut ingestor = Ingestor::default();
    ingestor.start_file("t.txt");
    let names = [
        "a_x", "b_x", "a_x", "b_x", "a_x", "b_x", "a_x", "b_x", "a_x", "b_x", "a_x", "b_x", "a_x",
        "b_x", "c_x", "d_x", "a_x", "b_x", "c_x", "e_x", "a_x",
    ];
    ingestor.push(names.join("\n").as_bytes());
    let (records, _) = ingestor.finish();
    let data = prepare(&records, &PrepareOptions::perfspec());
    let split = split_windows(&data, 1, SplitMode::Chrono);
    // 20 windows: 14 train (targets of positions 1..=14), 3 validation, 3 test (targets 18..=20).
    assert_eq!((split.train.len(), split.test.len()), (14, 3));
    // Test targets c_x, e_x, a_x; training saw a_x, b_x, c_x: only e_x is unseen.
    assert!((oov_share(&split) - 1.0 / 3.0).abs() < 1e-12);
    // Test pairs (b,c) (c,e) (e,a): only (b,c) occurred in training ((b_x -> c_x) at 13 -> 14).
    assert!((leakage_share(&split) - 1.0 / 3.0).abs() < 1e-12);
}

/// The ingest only counts requests without a resource; every option must give what it gives
/// when they are kept (and what plain records give).
#[test]
fn counting_requests_without_a_resource_changes_no_option() {
    let mut options = Vec::new();
    for dedup in [
        None,
        Some(AuditIdDedup::First),
        Some(AuditIdDedup::Complete),
    ] {
        for sequences in [
            Sequencing::Global,
            Sequencing::User,
            Sequencing::Namespace,
            Sequencing::Idle(2.0),
        ] {
            for order in [EventOrder::File, EventOrder::Time] {
                options.push(with(|o| {
                    o.dedup_audit_id = dedup;
                    o.sequences = sequences;
                    o.order = order;
                }));
            }
        }
    }
    options.push(with(|o| {
        o.drop_deletecollection = true;
        o.subresource_in_type = true;
        o.drop_failed = true;
        o.exclude_users = vec!["system:node:*".into()];
        o.exclude_namespaces = vec!["default".into()];
        o.dedup_repeated_run = true;
    }));
    options.push(with(|o| o.namespaces = vec!["kube-*".into()]));
    for path in ["perfspec/audit-logs.csv", "audit2rbac/demo.v1beta1.log"] {
        let path = real_log(path);
        let read = |mut ingestor: Ingestor| {
            ingestor
                .read_from(path.to_str().unwrap(), std::fs::File::open(&path).unwrap())
                .unwrap();
            ingestor.finish().0
        };
        let counted = read(Ingestor::default());
        let kept = read(Ingestor::keeping_every_record());
        assert_eq!(counted.len(), kept.len());
        assert!(counted.iter().len() < kept.iter().len());
        let plain = kept.to_vec();
        for options in &options {
            let expected = serde_json::to_value(prepare(&kept, options)).unwrap();
            assert_eq!(
                serde_json::to_value(prepare(&counted, options)).unwrap(),
                expected
            );
            assert_eq!(
                serde_json::to_value(prepare(&plain, options)).unwrap(),
                expected
            );
        }
    }
}
