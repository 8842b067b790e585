//! The LSTM on the command line: its flags, the `epochs_run` and `history` of its rows, and a
//! saved LSTM predicting. Run in release (`cargo test --release -p perfspec-cli --test lstm_cli`).

use serde_json::Value;

mod common;

use common::{json, perfspec, sample};

#[test]
fn an_lstm_row_carries_its_epochs_and_history() {
    let result = json(&[
        "train",
        "--models",
        "lstm",
        "--windows",
        "1",
        "--epochs",
        "3",
        "--json",
        &sample(),
    ]);
    let rows = result["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row["model"], "lstm");
    assert_eq!(row["approach"], "LSTM");
    let epochs_run = row["epochs_run"].as_u64().unwrap();
    assert!(epochs_run <= 3, "{epochs_run}");
    let history = row["history"].as_array().unwrap();
    assert_eq!(history.len(), 3);
    assert_eq!(history.len() as u64, epochs_run);
    for (index, record) in history.iter().enumerate() {
        assert_eq!(record["epoch"].as_u64(), Some(index as u64 + 1));
        for field in [
            "train_loss",
            "validation_loss",
            "validation_accuracy",
            "validation_topk",
            "validation_precision",
            "validation_recall",
            "validation_f1",
            "learning_rate",
        ] {
            assert!(record[field].as_f64().is_some(), "{field} in {record}");
        }
    }
    assert_eq!(history[0]["learning_rate"].as_f64(), Some(0.01));
    assert!(row["top1"].as_f64().unwrap() > 0.0);
}

#[test]
fn the_lstm_flags_reach_the_model_and_a_saved_lstm_predicts() {
    let directory = std::env::temp_dir().join(format!("perfspec-lstm-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&directory);
    let result = json(&[
        "train",
        "--models",
        "lstm",
        "--windows",
        "2",
        "--epochs",
        "2",
        "--hidden",
        "12",
        "--embedding",
        "5",
        "--layers",
        "2",
        "--dropout",
        "0.1",
        "--lr",
        "0.02",
        "--batch",
        "128",
        "--patience",
        "1",
        "--lr-factor",
        "0.25",
        "--lr-patience",
        "1",
        "--min-lr",
        "0.001",
        "--save",
        directory.to_str().unwrap(),
        "--json",
        &sample(),
    ]);
    let path = result["model_files"][0].as_str().unwrap().to_string();
    let file: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(file["kind"], "lstm");
    let params = &file["hyper_parameters"];
    assert_eq!(params["hidden"], 12);
    assert_eq!(params["embedding"], 5);
    assert_eq!(params["layers"], 2);
    assert_eq!(params["dropout"], 0.1);
    assert_eq!(params["learning_rate"], 0.02);
    assert_eq!(params["batch"], 128);
    assert_eq!(params["patience"], 1);
    assert_eq!(params["lr_factor"], 0.25);
    assert_eq!(params["lr_patience"], 1);
    assert_eq!(params["min_learning_rate"], 0.001);
    assert_eq!(file["weights"]["layers"].as_array().unwrap().len(), 2);
    assert_eq!(file["weights"]["embedding"]["cols"], 5);

    let predicted = json(&[
        "predict",
        "--model",
        &path,
        "--context",
        "create_pods,create_pods",
        "--k",
        "4",
        "--json",
    ]);
    let predictions = predicted["predictions"].as_array().unwrap();
    assert_eq!(predictions.len(), 4);
    let probabilities: Vec<f64> = predictions
        .iter()
        .map(|p| p["probability"].as_f64().unwrap())
        .collect();
    assert!(probabilities.windows(2).all(|pair| pair[0] >= pair[1]));
    let _ = std::fs::remove_dir_all(&directory);

    perfspec()
        .args(["train", "--models", "lstm", "--layers", "3", &sample()])
        .assert()
        .code(2);
}

#[test]
fn the_lstm_output_flag_reaches_the_model_file_and_predict() {
    let directory =
        std::env::temp_dir().join(format!("perfspec-lstm-output-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&directory);
    let result = json(&[
        "train",
        "--models",
        "lstm",
        "--windows",
        "1",
        "--epochs",
        "2",
        "--lstm-output",
        "factorised",
        "--save",
        directory.to_str().unwrap(),
        "--json",
        &sample(),
    ]);
    let path = result["model_files"][0].as_str().unwrap().to_string();
    let file: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(file["hyper_parameters"]["output"], "factorised");
    assert!(file["weights"]["factorised"]["verb_output"].is_object());
    let predicted = json(&[
        "predict",
        "--model",
        &path,
        "--context",
        "create_pods",
        "--k",
        "3",
        "--json",
    ]);
    assert_eq!(predicted["predictions"].as_array().unwrap().len(), 3);
    let _ = std::fs::remove_dir_all(&directory);

    perfspec()
        .args([
            "train",
            "--models",
            "lstm",
            "--lstm-output",
            "pairs",
            &sample(),
        ])
        .assert()
        .code(2);
}
