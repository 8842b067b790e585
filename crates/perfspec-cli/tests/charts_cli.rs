//! `--charts DIR` on `train` and `prepare`: the dashboard's charts as SVG files with their numbers
//! as CSV beside them, on the PerfSPEC sample. Run in release
//! (`cargo test --release -p perfspec-cli --test charts_cli`).

use std::path::{Path, PathBuf};

use serde_json::Value;

mod common;

use common::{json, perfspec, sample};

/// A fresh directory under the system's temp dir, unique to this test run.
fn scratch(name: &str) -> PathBuf {
    let directory =
        std::env::temp_dir().join(format!("perfspec-charts-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&directory);
    directory
}

/// The SVG's text contents, after checking that it is a well-formed SVG document.
fn svg_texts(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let document = roxmltree::Document::parse(&text)
        .unwrap_or_else(|e| panic!("{} is not well-formed: {e}", path.display()));
    let root = document.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.attribute("width"), Some("960"));
    document
        .descendants()
        .filter(|node| node.has_tag_name("text"))
        .map(|node| node.text().unwrap_or("").trim().to_string())
        .collect()
}

/// The CSV's header and records, all with the header's number of fields.
fn csv_records(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader =
        csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let records: Vec<Vec<String>> = reader
        .records()
        .map(|record| record.unwrap().iter().map(String::from).collect())
        .collect();
    for record in &records {
        assert_eq!(record.len(), headers.len(), "{}", path.display());
    }
    (headers, records)
}

fn files_in(directory: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(directory)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn train_writes_every_results_and_dataset_chart_with_its_table() {
    let directory = scratch("train");
    let result = json(&[
        "train",
        "--models",
        "ngram,mfe",
        "--windows",
        "1,2",
        "--charts",
        directory.to_str().unwrap(),
        "--json",
        &sample(),
    ]);
    let mut expected: Vec<String> = [
        "accuracy-window",
        "topk-curve",
        "inference-time",
        "confusion-ngram-w1",
        "confusion-ngram-w2",
        "confusion-mfe-w1",
        "confusion-mfe-w2",
        "type-frequency",
        "verb-resource",
    ]
    .iter()
    .flat_map(|stem| [format!("{stem}.csv"), format!("{stem}.svg")])
    .collect();
    expected.sort();
    assert_eq!(files_in(&directory), expected);
    let listed: Vec<&str> = result["chart_files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|file| file.as_str().unwrap())
        .collect();
    assert_eq!(listed.len(), expected.len());
    assert!(listed.iter().all(|file| Path::new(file).exists()));

    let rows = result["rows"].as_array().unwrap();
    let texts = svg_texts(&directory.join("accuracy-window.svg"));
    for label in [
        "Accuracy versus window",
        "n-grams",
        "most frequent",
        "top-9",
        "top-1",
        "Window (events of context)",
    ] {
        assert!(texts.iter().any(|t| t == label), "{label} in {texts:?}");
    }
    let (headers, records) = csv_records(&directory.join("accuracy-window.csv"));
    assert_eq!(
        headers,
        ["Model", "Window", "Top-9 accuracy", "Top-1 accuracy"]
    );
    assert_eq!(records.len(), rows.len());
    for (record, row) in records.iter().zip(rows) {
        assert_eq!(record[0], row["approach"].as_str().unwrap());
        assert_eq!(record[1], row["window"].to_string());
        let topk = row["topk"].as_f64().unwrap();
        assert_eq!(record[2], format!("{:.1}%", topk * 100.0));
    }

    let (headers, records) = csv_records(&directory.join("topk-curve.csv"));
    assert_eq!(headers.len(), 1 + rows.len());
    assert_eq!(records.len(), 20);

    let texts = svg_texts(&directory.join("inference-time.svg"));
    assert!(texts
        .iter()
        .any(|t| t == "Time per prediction (µs, log scale)"));
    let (_, records) = csv_records(&directory.join("inference-time.csv"));
    assert!(records
        .iter()
        .all(|r| r[2].ends_with(" s") || r[2].ends_with("µs)")));

    let (headers, records) = csv_records(&directory.join("confusion-ngram-w2.csv"));
    assert_eq!((headers.len(), records.len()), (22, 20));
    let confusion = &rows[1]["confusion"];
    assert_eq!(records[0][0], confusion["types"][0].as_str().unwrap());
    assert_eq!(records[0][1], confusion["matrix"][0][0].to_string());
    let texts = svg_texts(&directory.join("confusion-ngram-w2.svg"));
    assert!(texts
        .iter()
        .any(|t| t == "Confusion matrix: n-grams, window 2"));

    let texts = svg_texts(&directory.join("type-frequency.svg"));
    assert!(texts.iter().any(|t| t == "update_secrets"), "{texts:?}");
    let (headers, records) = csv_records(&directory.join("type-frequency.csv"));
    assert_eq!(headers[..2], ["Rank", "Type"]);
    assert_eq!(records.len(), 20);
    assert_eq!(records[0][1], "update_secrets");

    let (_, records) = csv_records(&directory.join("verb-resource.csv"));
    let total = records.last().unwrap();
    assert_eq!(total[0], "Total");
    assert_eq!(total.last().unwrap(), &result["events"].to_string());
    std::fs::remove_dir_all(&directory).unwrap();
}

#[test]
fn an_lstm_run_adds_its_training_history() {
    let directory = scratch("lstm");
    let result = json(&[
        "train",
        "--models",
        "lstm",
        "--windows",
        "1",
        "--epochs",
        "2",
        "--charts",
        directory.to_str().unwrap(),
        "--json",
        &sample(),
    ]);
    let epochs = result["rows"][0]["epochs_run"].as_u64().unwrap() as usize;
    let texts = svg_texts(&directory.join("training-history-lstm-w1.svg"));
    for label in [
        "Training history: LSTM, window 1",
        "training loss",
        "validation loss",
        "Epoch",
    ] {
        assert!(texts.iter().any(|t| t == label), "{label} in {texts:?}");
    }
    let (headers, records) = csv_records(&directory.join("training-history-lstm-w1.csv"));
    assert_eq!(headers[..3], ["Epoch", "Training loss", "Validation loss"]);
    assert_eq!(records.len(), epochs);
    std::fs::remove_dir_all(&directory).unwrap();
}

#[test]
fn prepare_writes_the_dataset_charts() {
    let directory = scratch("prepare");
    let output = perfspec()
        .args([
            "prepare",
            "--charts",
            directory.to_str().unwrap(),
            &sample(),
        ])
        .output()
        .unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("wrote 2 charts"), "{stderr}");
    assert_eq!(
        files_in(&directory),
        [
            "type-frequency.csv",
            "type-frequency.svg",
            "verb-resource.csv",
            "verb-resource.svg"
        ]
    );
    let texts = svg_texts(&directory.join("verb-resource.svg"));
    for verb in ["update", "create", "delete", "patch", "deletecollection"] {
        assert!(texts.iter().any(|t| t == verb), "{verb} in {texts:?}");
    }
    // The --json output is unchanged by --charts.
    let summary: Value = json(&[
        "prepare",
        "--json",
        "--charts",
        directory.to_str().unwrap(),
        &sample(),
    ]);
    assert_eq!(summary["types"], 146);
    std::fs::remove_dir_all(&directory).unwrap();
}

#[test]
fn help_mentions_the_charts_flag() {
    for command in ["train", "prepare"] {
        let output = perfspec().args([command, "--help"]).output().unwrap();
        let help = String::from_utf8_lossy(&output.stdout);
        assert!(help.contains("--charts <DIR>"), "{command}: {help}");
        assert!(help.contains("verb-resource"), "{command}: {help}");
    }
}

#[test]
fn an_unwritable_charts_directory_is_a_clear_error() {
    let file = scratch("not-a-directory");
    std::fs::write(&file, "").unwrap();
    let output = perfspec()
        .args(["prepare", "--charts", file.to_str().unwrap(), &sample()])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot write"), "{stderr}");
    std::fs::remove_file(&file).unwrap();
}
