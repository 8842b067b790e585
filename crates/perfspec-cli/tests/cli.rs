//! The command-line contract, run against the real logs bundled with the repository.

use serde_json::Value;

mod common;

use common::{json, perfspec, real_log};

#[test]
fn prepare_json_reports_the_papers_counts() {
    let summary = json(&["prepare", "--json", &real_log("perfspec/audit-logs.csv")]);
    assert_eq!(summary["events"], 2163);
    assert_eq!(summary["types"], 146);
    assert_eq!(summary["records_read"], 16_564);
    assert_eq!(summary["records_skipped"], 1);
    let vocabulary = summary["vocabulary"].as_array().unwrap();
    assert_eq!(vocabulary.len(), 146);
    assert_eq!(vocabulary[0]["type"], "update_secrets");
    assert_eq!(vocabulary[0]["count"], 357);
    let counts: Vec<u64> = vocabulary
        .iter()
        .map(|entry| entry["count"].as_u64().unwrap())
        .collect();
    assert!(
        counts.windows(2).all(|pair| pair[0] >= pair[1]),
        "most frequent first"
    );
    let skipped = summary["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0]["line"], 16_564);
    assert!(skipped[0]["file"]
        .as_str()
        .unwrap()
        .ends_with("audit-logs.csv"));
    assert!(skipped[0]["reason"].as_str().unwrap().contains("truncated"));
}

#[test]
fn prepare_reads_standard_input() {
    let log = std::fs::read(real_log("audit2rbac/demo.v1beta1.log")).unwrap();
    let output = perfspec()
        .args(["prepare", "--json", "-"])
        .write_stdin(log)
        .output()
        .unwrap();
    assert!(output.status.success());
    let from_stdin: Value = serde_json::from_slice(&output.stdout).unwrap();
    let from_file = json(&[
        "prepare",
        "--json",
        &real_log("audit2rbac/demo.v1beta1.log"),
    ]);
    assert_eq!(from_stdin["events"], from_file["events"]);
    assert_eq!(from_stdin["vocabulary"], from_file["vocabulary"]);
    assert_eq!(from_stdin["records_read"], 757);
}

#[test]
fn train_json_has_one_row_per_window_with_the_contract_fields() {
    let result = json(&[
        "train",
        "--models",
        "ngram",
        "--windows",
        "1,2",
        "--k",
        "9",
        "--json",
        &real_log("perfspec/audit-logs.csv"),
    ]);
    let rows = result["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    for (row, window) in rows.iter().zip([1, 2]) {
        assert_eq!(row["model"], "ngram");
        assert_eq!(row["window"], window);
        assert_eq!(row["k"], 9);
        let top1 = row["top1"].as_f64().unwrap();
        let topk = row["topk"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&top1) && (0.0..=1.0).contains(&topk));
        assert!(top1 <= topk);
        for field in ["fit_seconds", "infer_seconds_median", "infer_seconds_p99"] {
            assert!(row[field].as_f64().unwrap() > 0.0, "{field}");
        }
        assert!(row["infer_seconds_median"].as_f64() <= row["infer_seconds_p99"].as_f64());
        // 2,163 events give 2,163 - w windows, 70% for training and the last 15% for testing.
        let windows = 2163 - window;
        assert_eq!(row["train_windows"], (windows as f64 * 0.7).floor() as u64);
        let test = row["test_windows"].as_u64().unwrap();
        assert!((324..=326).contains(&test), "{test}");
    }
    assert_eq!(result["optimistic"], false);
}

#[test]
fn paper_split_evaluates_on_the_training_windows_and_says_so() {
    let result = json(&[
        "train",
        "--windows",
        "2",
        "--split",
        "paper",
        "--json",
        &real_log("perfspec/audit-logs.csv"),
    ]);
    let row = &result["rows"][0];
    assert_eq!(row["train_windows"], 2161);
    assert_eq!(row["test_windows"], 2161);
    assert_eq!(result["optimistic"], true);

    let table = perfspec()
        .args([
            "train",
            "--windows",
            "1",
            "--split",
            "paper",
            &real_log("perfspec/audit-logs.csv"),
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(text.contains("optimistic"), "{text}");
    assert!(text.contains("Offline learning time") && text.contains("n-grams"));
}

#[test]
fn bad_arguments_exit_2() {
    let csv = real_log("perfspec/audit-logs.csv");
    for args in [
        vec!["train", "--windows", "x", csv.as_str()],
        vec!["train", "--k", "0", csv.as_str()],
        vec!["train", "--models", "svm", csv.as_str()],
        vec!["train", "--windows", "11", csv.as_str()],
        vec!["prepare"],
        vec!["prepare", "/no/such/file.log"],
    ] {
        perfspec().args(&args).assert().code(2);
    }
}

#[test]
fn input_without_events_exits_1_naming_the_formats() {
    let output = perfspec()
        .args(["prepare", "--json", &real_log("falco/fal_01_003.json")])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let message = String::from_utf8(output.stderr).unwrap();
    assert!(message.contains("accepted formats"), "{message}");
    assert!(message.contains("NDJSON") && message.contains("CSV"));
}

/// Runs `perfspec prepare` on files written to a fresh folder and returns its error message,
/// expecting exit code 1 (no events).
fn no_events_error(files: &[(&str, Vec<u8>)]) -> String {
    let folder = std::env::temp_dir().join(format!("perfspec-no-events-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    let mut args = vec!["prepare".to_string()];
    for (name, bytes) in files {
        let path = folder.join(name);
        std::fs::write(&path, bytes).unwrap();
        args.push(path.to_string_lossy().into_owned());
    }
    let output = perfspec().args(&args).output().unwrap();
    std::fs::remove_dir_all(&folder).unwrap();
    assert_eq!(output.status.code(), Some(1));
    String::from_utf8(output.stderr).unwrap()
}

#[test]
fn input_without_events_says_what_was_read_and_why_it_was_skipped() {
    // A real event whose one line is 60 MB long, beyond what a record may take.
    let event = std::fs::read_to_string(real_log("falco/create_secret.json")).unwrap();
    let mut value: Value = serde_json::from_str(&event).unwrap();
    value["requestObject"]["data"]["padding"] = Value::String("A".repeat(60 << 20));
    let long_line = serde_json::to_vec(&value).unwrap();
    // Gzip magic bytes followed by bytes that are no deflate stream.
    let mut corrupt_gzip = vec![0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 0xff];
    corrupt_gzip.extend((0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    let random: Vec<u8> = (0..65_536u32)
        .map(|i| (i.wrapping_mul(2_246_822_519).rotate_left(7) >> 5) as u8)
        .collect();

    for (name, bytes) in [
        ("one-long-event.log", long_line),
        ("rotated.log.1.gz", corrupt_gzip),
        ("noise.bin", random),
    ] {
        let message = no_events_error(&[(name, bytes)]);
        assert!(message.contains("1 file read"), "{name}: {message}");
        assert!(message.contains("skipped"), "{name}: {message}");
        // The first skip with its file and line, then the formats.
        let line_of = message.find(&format!("{name} line ")).unwrap_or_else(|| {
            panic!("{name}: no file and line in {message}");
        });
        assert!(
            message.find("accepted formats").unwrap() > line_of,
            "{name}: {message}"
        );
    }
}

#[test]
fn records_that_the_filters_remove_are_counted_and_the_filters_named() {
    let output = perfspec()
        .args([
            "prepare",
            "--namespace",
            "no-such-namespace",
            &real_log("audit2rbac/demo.v1beta1.log"),
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let message = String::from_utf8(output.stderr).unwrap();
    assert!(message.contains("757 records, 0 skipped"), "{message}");
    assert!(
        message.contains("removed by the preset and filters"),
        "{message}"
    );
    assert!(message.contains("namespace"), "{message}");
    assert!(!message.contains("accepted formats"), "{message}");
}

#[test]
fn every_command_has_help() {
    for command in [
        vec!["--help"],
        vec!["prepare", "--help"],
        vec!["train", "--help"],
    ] {
        let output = perfspec().args(&command).output().unwrap();
        assert!(output.status.success());
        assert!(String::from_utf8(output.stdout).unwrap().contains("Usage"));
    }
}
