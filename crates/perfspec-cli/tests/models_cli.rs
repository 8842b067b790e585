//! The command-line contract of the learners: `train` with several models, splits, seeds and
//! `--save`, and `predict` from a saved model, against the PerfSPEC sample.

use std::path::PathBuf;

use serde_json::Value;

mod common;

use common::{json, perfspec, sample};

/// A fresh directory under the system's temp dir, unique to this test run.
fn scratch(name: &str) -> PathBuf {
    let directory =
        std::env::temp_dir().join(format!("perfspec-models-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&directory);
    directory
}

#[test]
fn train_rows_carry_the_new_metrics_and_the_networks_structure() {
    let result = json(&[
        "train",
        "--models",
        "ngram,bn,mfe,repeat",
        "--windows",
        "1,2",
        "--json",
        &sample(),
    ]);
    let rows = result["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 8);
    let models: Vec<&str> = rows.iter().map(|r| r["model"].as_str().unwrap()).collect();
    assert_eq!(
        models,
        ["ngram", "ngram", "bn", "bn", "mfe", "mfe", "repeat", "repeat"]
    );
    for row in rows {
        for field in [
            "macro_f1",
            "weighted_f1",
            "log_loss",
            "perplexity",
            "unseen_share",
            "unseen_topk",
            "leakage_share",
        ] {
            let value = row[field].as_f64().unwrap_or(-1.0);
            assert!(value >= 0.0, "{field} of {}", row["model"]);
        }
        let k95 = row["k95"].as_u64().unwrap();
        assert!((1..=146).contains(&k95));
        assert_eq!(row["topk_curve"].as_array().unwrap().len(), 20);
        assert_eq!(row["split"], "chrono");
        let is_bn = row["model"] == "bn";
        assert_eq!(row.get("structure").is_some(), is_bn);
        if is_bn {
            let structure = row["structure"].as_array().unwrap();
            assert!(structure
                .iter()
                .any(|edge| edge["child"] == "resource(t)" && edge["parent"].is_string()));
        }
    }
    assert!(result["leakage_share"].as_f64().is_some());
    assert_eq!(result["seed"], 1);
}

#[test]
fn the_table_shows_the_new_columns_and_the_structure() {
    let output = perfspec()
        .args(["train", "--models", "bn,mfe", "--windows", "2", &sample()])
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    for heading in [
        "Approach",
        "Accuracy (top-9)",
        "Offline learning time",
        "Runtime inference time",
        "Top-1",
        "F1 (macro)",
        "Log-loss",
        "k95",
        "Bayesian network",
        "most frequent",
        "structure, window 2",
        "→ resource(t)",
        "unseen in training",
    ] {
        assert!(text.contains(heading), "{heading} missing from\n{text}");
    }
}

#[test]
fn a_random_split_is_seeded_and_shows_its_leakage() {
    let run = |seed: &str| {
        json(&[
            "train",
            "--models",
            "ngram",
            "--windows",
            "2",
            "--split",
            "random",
            "--seed",
            seed,
            "--json",
            &sample(),
        ])
    };
    let (one, again, two) = (run("1"), run("1"), run("2"));
    let figure = |result: &Value, field: &str| result["rows"][0][field].clone();
    assert_eq!(one["split"], "random");
    assert_eq!(one["seed"], 1);
    for field in ["top1", "topk", "log_loss", "leakage_share"] {
        assert_eq!(figure(&one, field), figure(&again, field), "{field}");
    }
    assert_ne!(figure(&one, "log_loss"), figure(&two, "log_loss"));
    let leakage = one["leakage_share"].as_f64().unwrap();
    assert!(leakage > 0.3, "{leakage}");

    let table = perfspec()
        .args(["train", "--split", "random", "--windows", "2", &sample()])
        .output()
        .unwrap();
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(
        text.contains("random 70/15/15") && text.contains("leakage"),
        "{text}"
    );
}

#[test]
fn an_unknown_model_is_a_usage_error() {
    let output = perfspec()
        .args(["train", "--models", "bayes", &sample()])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let message = String::from_utf8(output.stderr).unwrap();
    assert!(message.contains("bayes"), "{message}");
}

#[test]
fn models_saved_by_train_predict_from_a_context() {
    let directory = scratch("save");
    let result = json(&[
        "train",
        "--models",
        "ngram,bn,mfe,repeat",
        "--windows",
        "1,2",
        "--save",
        directory.to_str().unwrap(),
        "--json",
        &sample(),
    ]);
    let files = result["model_files"].as_array().unwrap();
    assert_eq!(files.len(), 8);
    for name in [
        "ngram-w1.json",
        "bn-w2.json",
        "mfe-w1.json",
        "repeat-w2.json",
    ] {
        assert!(directory.join(name).is_file(), "{name}");
    }
    let bn = directory.join("bn-w2.json");
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&bn).unwrap()).unwrap();
    assert_eq!(saved["format"], "perfspec-model");
    assert_eq!(saved["version"], 1);
    assert_eq!(saved["kind"], "bn");
    assert_eq!(saved["window"], 2);
    assert_eq!(saved["vocabulary"].as_array().unwrap().len(), 146);
    assert!(saved["prepare_options"]["drop_verbs"].is_array());

    let predict = |model: &str, context: &str, k: &str| {
        json(&[
            "predict",
            "--model",
            directory.join(model).to_str().unwrap(),
            "--context",
            context,
            "--k",
            k,
            "--json",
        ])
    };
    let answer = predict("bn-w2.json", "create_secrets,update_secrets", "5");
    let predictions = answer["predictions"].as_array().unwrap();
    assert_eq!(predictions.len(), 5);
    let probabilities: Vec<f64> = predictions
        .iter()
        .map(|p| p["probability"].as_f64().unwrap())
        .collect();
    assert!(probabilities.windows(2).all(|pair| pair[0] >= pair[1]));
    assert!(probabilities.iter().sum::<f64>() <= 1.0 + 1e-9);
    let vocabulary: Vec<&str> = saved["vocabulary"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(predictions
        .iter()
        .all(|p| vocabulary.contains(&p["type"].as_str().unwrap())));
    assert_eq!(
        answer["context"],
        serde_json::json!(["create_secrets", "update_secrets"])
    );

    // Repeat ranks the last event first; a context longer than the window is cut.
    let answer = predict("repeat-w1.json", "create_pods,delete_secrets", "3");
    assert_eq!(answer["predictions"][0]["type"], "delete_secrets");
    assert_eq!(answer["context"], serde_json::json!(["delete_secrets"]));

    // The same model saved twice predicts the same.
    let again = scratch("again");
    json(&[
        "train",
        "--models",
        "bn",
        "--windows",
        "2",
        "--save",
        again.to_str().unwrap(),
        "--json",
        &sample(),
    ]);
    assert_eq!(
        std::fs::read(&bn).unwrap(),
        std::fs::read(again.join("bn-w2.json")).unwrap(),
        "a fit is deterministic, and so is its file"
    );

    // Text output lists the k types.
    let output = perfspec()
        .args([
            "predict",
            "--model",
            bn.to_str().unwrap(),
            "--context",
            "update_secrets",
        ])
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("Bayesian network") && text.contains("  9. "),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&directory);
    let _ = std::fs::remove_dir_all(&again);
}

#[test]
fn predict_ignores_unknown_types_with_a_warning_and_rejects_bad_files() {
    let directory = scratch("predict");
    json(&[
        "train",
        "--models",
        "ngram",
        "--windows",
        "2",
        "--save",
        directory.to_str().unwrap(),
        "--json",
        &sample(),
    ]);
    let model = directory.join("ngram-w2.json");
    let output = perfspec()
        .args([
            "predict",
            "--model",
            model.to_str().unwrap(),
            "--context",
            "update_secrets,frobnicate_widgets",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(output.status.success());
    let warning = String::from_utf8(output.stderr).unwrap();
    assert!(warning.contains("\"frobnicate_widgets\""), "{warning}");
    let answer: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(answer["ignored"], serde_json::json!(["frobnicate_widgets"]));
    assert_eq!(answer["context"], serde_json::json!([]));
    assert_eq!(answer["predictions"].as_array().unwrap().len(), 9);

    let text = std::fs::read_to_string(&model).unwrap();
    let truncated = directory.join("truncated.json");
    std::fs::write(&truncated, &text[..text.len() / 2]).unwrap();
    let future = directory.join("future.json");
    std::fs::write(&future, text.replacen("\"version\":1", "\"version\":7", 1)).unwrap();
    for (file, expected) in [(&truncated, "truncated"), (&future, "version 7")] {
        let output = perfspec()
            .args([
                "predict",
                "--model",
                file.to_str().unwrap(),
                "--context",
                "x",
            ])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1));
        let message = String::from_utf8(output.stderr).unwrap();
        assert!(message.contains(expected), "{message}");
    }
    perfspec()
        .args([
            "predict",
            "--model",
            "/no/such/model.json",
            "--context",
            "x",
        ])
        .assert()
        .code(2);
    perfspec()
        .args(["predict", "--model", model.to_str().unwrap()])
        .assert()
        .code(2);
    let help = perfspec().args(["predict", "--help"]).output().unwrap();
    assert!(String::from_utf8(help.stdout).unwrap().contains("Usage"));
    let _ = std::fs::remove_dir_all(&directory);
}
