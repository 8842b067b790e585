//! `perfspec replay` on the bundled logs: its JSON contract, its table, and its refusals.

use serde_json::Value;

mod common;

use common::{json, perfspec, real_log, sample};

fn rows(report: &Value) -> &Vec<Value> {
    report["rows"].as_array().expect("rows")
}

#[test]
fn replay_json_has_a_row_per_model_window_k_and_horizon() {
    let report = json(&[
        "replay",
        "--json",
        "--models",
        "ngram,mfe",
        "--windows",
        "1,2",
        "--k",
        "1,9",
        "--horizon",
        "1,3",
        &sample(),
    ]);
    assert_eq!(report["timed"], true);
    let rows = rows(&report);
    assert_eq!(rows.len(), 2 * 2 * 2 * 2);
    assert_eq!(rows[0]["model"], "ngram");
    assert_eq!(
        (rows[0]["window"].as_u64(), rows[0]["k"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(rows[1]["horizon"], 3);
    for row in rows {
        for field in [
            "ready_share",
            "response_ms_mean",
            "response_ms_median",
            "response_ms_p99",
            "baseline_ms",
            "work_per_event_ms",
            "wasted_share",
            "candidate_share",
        ] {
            assert!(row[field].is_number(), "{field} in {row}");
        }
        assert_eq!(row["events"], 325);
        assert_eq!(row["baseline_ms"], 600.0);
        let ready = row["ready_share"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&ready));
        assert!(row["response_ms_p99"].as_f64().unwrap() <= 600.0);
    }
    // At horizon 1, the share among the candidates is the evaluation's top-k accuracy: the
    // README's 82.2% for the n-gram at window 1 and k 9.
    let top9 = rows
        .iter()
        .find(|row| {
            row["model"] == "ngram" && row["window"] == 1 && row["k"] == 9 && row["horizon"] == 1
        })
        .unwrap();
    assert!(
        (top9["candidate_share"].as_f64().unwrap() - 0.822).abs() < 0.001,
        "{top9}"
    );
    let best = report["best"].as_array().unwrap();
    assert_eq!(best.len(), 2, "one per model");
}

#[test]
fn a_cheaper_verification_and_a_budget_change_the_choice() {
    let report = json(&[
        "replay",
        "--json",
        "--models",
        "ngram",
        "--windows",
        "1",
        "--k",
        "1,3,9",
        "--horizon",
        "1",
        "--cost-ms",
        "10",
        "--budget-ms",
        "20",
        &sample(),
    ]);
    for row in rows(&report) {
        assert_eq!(row["baseline_ms"], 10.0);
    }
    let best = &report["best"][0];
    assert!(
        best["work_per_event_ms"].as_f64().unwrap() <= 20.0,
        "{best}"
    );
    // No point fits a budget below any work: no choice.
    let report = json(&[
        "replay",
        "--json",
        "--models",
        "ngram",
        "--windows",
        "1",
        "--k",
        "1",
        "--horizon",
        "1",
        "--budget-ms",
        "1",
        &sample(),
    ]);
    assert!(report["best"].as_array().unwrap().is_empty());
}

#[test]
fn replay_prints_a_table_with_the_best_choice() {
    let output = perfspec()
        .args([
            "replay",
            "--models",
            "mfe",
            "--windows",
            "1",
            "--k",
            "3",
            "--horizon",
            "1",
        ])
        .arg(sample())
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("Proactive replay"), "{text}");
    assert!(text.contains("baseline"));
    assert!(text.contains("Lowest median response per model"));
    assert!(text.lines().any(|line| line.starts_with("mfe ")), "{text}");
}

#[test]
fn a_token_file_gets_the_timing_free_share_only() {
    let report = json(&[
        "replay",
        "--json",
        "--models",
        "mfe",
        "--windows",
        "1",
        "--k",
        "9",
        "--horizon",
        "1",
        &real_log("perfspec/events-dataset-dev.txt"),
    ]);
    assert_eq!(report["timed"], false);
    let notes = report["notes"].as_array().unwrap();
    assert!(notes
        .iter()
        .any(|note| note.as_str().unwrap().contains("no receive timestamps")));
    let row = &rows(&report)[0];
    assert!(row["ready_share"].is_null());
    assert!(row["response_ms_median"].is_null());
    assert!(row["candidate_share"].as_f64().unwrap() > 0.0);
}

#[test]
fn a_cost_file_prices_types_and_bad_ones_are_refused() {
    let directory =
        std::env::temp_dir().join(format!("perfspec-replay-cli-{}", std::process::id()));
    std::fs::create_dir_all(&directory).unwrap();
    let costs = directory.join("costs.csv");
    std::fs::write(
        &costs,
        "type,cost_ms\nupdate_secrets,50\ncreate_nothing,3\n",
    )
    .unwrap();
    let report = json(&[
        "replay",
        "--json",
        "--models",
        "mfe",
        "--windows",
        "1",
        "--k",
        "1",
        "--horizon",
        "1",
        "--cost-csv",
        costs.to_str().unwrap(),
        &sample(),
    ]);
    let row = &rows(&report)[0];
    // Some events cost 50 ms, all others 600: the mean lies between.
    let baseline = row["baseline_ms"].as_f64().unwrap();
    assert!(baseline > 50.0 && baseline < 600.0, "{baseline}");
    let notes = report["notes"].as_array().unwrap();
    assert!(notes
        .iter()
        .any(|note| note.as_str().unwrap().contains("create_nothing")));
    std::fs::write(&costs, "update_secrets,slow\n").unwrap();
    let output = perfspec()
        .args(["replay", "--cost-csv", costs.to_str().unwrap()])
        .arg(sample())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    std::fs::remove_dir_all(&directory).ok();
}

#[test]
fn bad_arguments_exit_with_2() {
    for args in [
        &["--split", "random"][..],
        &["--k", "0"],
        &["--k", "21"],
        &["--horizon", "9"],
        &["--workers", "0"],
        &["--cost-ms", "-1"],
        &["--k", "a"],
    ] {
        let output = perfspec()
            .arg("replay")
            .args(args)
            .arg(sample())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(!output.stderr.is_empty());
    }
}

#[test]
fn replay_help_explains_the_inputs() {
    let output = perfspec().args(["replay", "--help"]).output().unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    for flag in [
        "--models",
        "--windows",
        "--k",
        "--horizon",
        "--cost-ms",
        "--cost-csv",
        "--lookup-ms",
        "--workers",
        "--cache-lifetime-ms",
        "--budget-ms",
        "--json",
        "--drop-deletecollection",
    ] {
        assert!(text.contains(flag), "{flag}");
    }
    assert!(text.contains("baseline"));
}
