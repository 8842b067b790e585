//! Scores the compositional model on the VALIDATION part of the chronological split, for
//! choosing its parameters without looking at the test part:
//!
//! `cargo run --release -p perfspec --example compose_validation -- [key=value ...]`
//!
//! Keys are the fields of `ComposeParams` (e.g. `type_weight=0.5 cache_weight=1`) and
//! `windows=1,2`. It reads the dev sequence (`sample_logs/events-dataset-dev.txt`,
//! deletecollection dropped) and the sample (`sample_logs/audit-logs.csv`) and prints top-1 and
//! top-9 per data set and window on the validation part.
//!
//! The validation parts hold almost no types unseen in training, so they cannot tell how well
//! a setting names new types. The dev sequence therefore also gets a held-out-type check
//! (`held out` lines): for each type with at least 3 validation events whose verb and resource
//! both occur in training in other types, every event of the type is deleted from the training
//! part, the model is fitted on what is left, and its first 10 validation events are ranked,
//! with the reduced training part and the validation part before them as their history. Every
//! one of them is then a type never seen in training. It is harsher than a real novelty (the
//! deleted type's resource may be rare in the history), so only its movements count.

mod common;

use perfspec::dataset::{seen_in_training, split_windows, SplitMode, Windows};
use perfspec::evaluate::evaluate;
use perfspec::models::{ComposeModel, ComposeParams, FitData, Learner};
use perfspec::prepare::PreparedData;

/// Validation events ranked per held-out type.
const HELD_OUT_EVENTS: usize = 10;

fn fit(
    train: &Windows,
    validation: &Windows,
    data: &PreparedData,
    params: &ComposeParams,
) -> ComposeModel {
    let fit = FitData {
        train,
        validation,
        vocabulary: &data.vocabulary,
        seed: 0,
        measure: perfspec::evaluate::validation_scores,
    };
    ComposeModel::learn(&fit, params, &mut |_| true).expect("not cancelled")
}

/// Mean top-1 and top-9 over the held-out-type check's events, and how many there were.
fn held_out(data: &PreparedData, window: usize, params: &ComposeParams) -> (f64, f64, usize) {
    assert_eq!(data.sequences.len(), 1, "the check reads one sequence");
    let split = split_windows(data, window, SplitMode::Chrono);
    let events = &data.events;
    let train_end = window + split.train.len();
    let validation_end = train_end + split.validation.len();
    let types = data.vocabulary.len();
    let (mut top1, mut top9, mut ranked) = (0.0, 0.0, 0usize);
    for held in 0..types as u32 {
        let in_validation = events[train_end..validation_end]
            .iter()
            .filter(|&&id| id == held)
            .count();
        let entry = |id: u32| data.vocabulary.get(id).expect("an id of the vocabulary");
        let (verb, resource) = (entry(held).verb.clone(), entry(held).resource.clone());
        let others = |same: &dyn Fn(u32) -> bool| {
            events[..train_end].iter().any(|&id| id != held && same(id))
        };
        if in_validation < 3
            || !others(&|id| entry(id).verb == verb)
            || !others(&|id| entry(id).resource == resource)
        {
            continue;
        }
        let reduced: Vec<u32> = events[..train_end]
            .iter()
            .copied()
            .filter(|&id| id != held)
            .chain(events[train_end..validation_end].iter().copied())
            .collect();
        let reduced_train_end = reduced.len() - (validation_end - train_end);
        let train = Windows::of_sequence(&reduced, window, window..reduced_train_end);
        let model = fit(&train, &Windows::new(window), data, params);
        let seen = seen_in_training(&train, types);
        for end in (reduced_train_end..reduced.len())
            .filter(|&end| reduced[end] == held)
            .take(HELD_OUT_EVENTS)
        {
            let one = Windows::of_sequence(&reduced, window, end..end + 1);
            let measured = evaluate(&model, &one, &data.vocabulary, &seen);
            top1 += measured.accuracy.top(1);
            top9 += measured.accuracy.top(9);
            ranked += 1;
        }
    }
    let n = ranked.max(1) as f64;
    (top1 / n, top9 / n, ranked)
}

fn main() {
    let mut params = serde_json::to_value(ComposeParams::default()).expect("serialisable");
    let mut windows = vec![1usize, 2];
    for argument in std::env::args().skip(1) {
        let (key, value) = argument.split_once('=').expect("key=value");
        if key == "windows" {
            windows = value
                .split(',')
                .map(|w| w.parse().expect("a window"))
                .collect();
            continue;
        }
        params[key] = serde_json::from_str(value).expect("a number");
    }
    let params: ComposeParams = serde_json::from_value(params).expect("known keys");
    params.validate().expect("valid parameters");
    let (dev, sample) = (common::dev_sequence(), common::sample());
    for (name, data) in [("dev", &dev), ("sample", &sample)] {
        for &window in &windows {
            let split = split_windows(data, window, SplitMode::Chrono);
            let model = fit(&split.train, &split.validation, data, &params);
            let seen = seen_in_training(&split.train, data.vocabulary.len());
            let measured = evaluate(&model, &split.validation, &data.vocabulary, &seen);
            println!(
                "{name:6} w{window} validation top-1 {:5.1} top-9 {:5.1} ({} windows)",
                100.0 * measured.accuracy.top(1),
                100.0 * measured.accuracy.top(9),
                measured.accuracy.windows
            );
        }
    }
    for &window in &windows {
        let (top1, top9, ranked) = held_out(&dev, window, &params);
        println!(
            "dev    w{window} held out   top-1 {:5.1} top-9 {:5.1} ({ranked} events)",
            100.0 * top1,
            100.0 * top9
        );
    }
}
