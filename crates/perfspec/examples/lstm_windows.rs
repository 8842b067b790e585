//! Writes the windows the LSTM trains and validates on, for a run of another framework on the
//! very same data (`scripts/bench-lstm-keras.sh` hands them to Keras):
//!
//! `cargo run --release -p perfspec --example lstm_windows -- DIR [window]`
//!
//! The sample (`sample_logs/audit-logs.csv`, the paper's preset), chronological split, window 2
//! unless given. `DIR/train.csv` and `DIR/validation.csv` hold one window per line: the context's
//! event ids, then the next event's; `DIR/shape.json` the vocabulary size and window.

mod common;

use std::fmt::Write as _;

use perfspec::dataset::{split_windows, SplitMode, Windows};

fn csv(windows: &Windows) -> String {
    let mut out = String::new();
    for (context, target) in windows.iter() {
        for id in context {
            write!(out, "{id},").expect("writing to a string");
        }
        writeln!(out, "{target}").expect("writing to a string");
    }
    out
}

fn main() {
    let mut arguments = std::env::args().skip(1);
    let directory = arguments.next().expect("usage: lstm_windows DIR [window]");
    let window: usize = arguments
        .next()
        .map_or(2, |window| window.parse().expect("a window"));
    let data = common::sample();
    let split = split_windows(&data, window, SplitMode::Chrono);
    std::fs::create_dir_all(&directory).expect("a writable directory");
    let path = |name: &str| format!("{directory}/{name}");
    std::fs::write(path("train.csv"), csv(&split.train)).expect("written");
    std::fs::write(path("validation.csv"), csv(&split.validation)).expect("written");
    let shape = serde_json::json!({
        "vocabulary": data.vocabulary.len(),
        "window": window,
        "train": split.train.len(),
        "validation": split.validation.len(),
    });
    std::fs::write(path("shape.json"), shape.to_string()).expect("written");
    println!("{shape}");
}
