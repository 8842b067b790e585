//! `perfspec predict`: the top-k next events after a context, from a saved model file.
//!
//! An event type the model does not know is not an error: it is unseen evidence. Models read
//! the most recent events in order and an unknown one has no id, so the context restarts after
//! it, and the models answer from the known events that follow, as they answer any context they
//! have not seen (the n-gram backs off, the Bayesian network drops the missing parents). A
//! warning on stderr names what was ignored, and the JSON lists it under `ignored`. Security
//! engineers paste contexts from live clusters, where new types appear; refusing them would make
//! the command useless exactly when it is needed.

use std::fmt::Write;

use perfspec::models::model_file;
use serde::Serialize;

use crate::Failure;

#[derive(clap::Args)]
pub struct PredictArgs {
    /// A model file, as `perfspec train --save DIR` writes them
    #[arg(long, value_name = "FILE")]
    model: String,
    /// The last events, oldest first, comma-separated (e.g. create_secrets,update_secrets); only
    /// the model's window of last events is read, and an empty context predicts without one.
    /// Types the model does not know are ignored with a warning, and the context restarts after
    /// them
    #[arg(long, value_name = "TYPE,TYPE")]
    context: String,
    /// How many event types to list
    #[arg(long, default_value_t = 9, value_parser = clap::value_parser!(u16).range(1..))]
    k: u16,
    /// Print one JSON object instead of text
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Prediction<'a> {
    #[serde(rename = "type")]
    name: &'a str,
    probability: f64,
}

#[derive(Serialize)]
struct Output<'a> {
    model: &'a str,
    approach: &'a str,
    window: usize,
    /// The context the model was given, after unknown types were dropped.
    context: Vec<&'a str>,
    /// Types of the given context the model does not know.
    ignored: Vec<&'a str>,
    predictions: Vec<Prediction<'a>>,
}

pub fn run(args: PredictArgs) -> Result<(), Failure> {
    let text = std::fs::read_to_string(&args.model)
        .map_err(|error| Failure::usage(format!("cannot read {}: {error}", args.model)))?;
    let loaded = model_file::load(&text).map_err(|error| Failure {
        code: 1,
        message: format!("{}: {error}", args.model),
    })?;
    let given: Vec<&str> = args
        .context
        .split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .collect();
    let ignored: Vec<&str> = given
        .iter()
        .copied()
        .filter(|name| loaded.vocabulary.id(name).is_none())
        .collect();
    // Everything up to the last unknown type is cut: what the model sees must be consecutive.
    let start = given
        .iter()
        .rposition(|name| loaded.vocabulary.id(name).is_none())
        .map_or(0, |position| position + 1);
    let known = &given[start..];
    let ids: Vec<u32> = known
        .iter()
        .filter_map(|name| loaded.vocabulary.id(name))
        .collect();
    if !ignored.is_empty() {
        eprintln!(
            "perfspec: warning: the model does not know {}; predicting from the {} known event{} after {}",
            ignored
                .iter()
                .map(|name| format!("\"{name}\""))
                .collect::<Vec<_>>()
                .join(", "),
            ids.len(),
            if ids.len() == 1 { "" } else { "s" },
            if ignored.len() == 1 { "it" } else { "the last of them" },
        );
    }
    let model = loaded.model.as_ref();
    let predictions: Vec<Prediction> = model
        .top_k(&ids, usize::from(args.k))
        .into_iter()
        .map(|(id, probability)| Prediction {
            name: loaded.vocabulary.name(id),
            probability,
        })
        .collect();
    let window = loaded.window;
    let used = &known[known.len().saturating_sub(window)..];
    let output = Output {
        model: model.kind().name(),
        approach: model.kind().approach(),
        window,
        context: used.to_vec(),
        ignored,
        predictions,
    };
    if args.json {
        crate::print_json(&output);
    } else {
        crate::print_text(&text_output(&output));
    }
    Ok(())
}

fn text_output(output: &Output) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} ({}), window {}; context: {}",
        output.approach,
        output.model,
        output.window,
        if output.context.is_empty() {
            "(none)".to_string()
        } else {
            output.context.join(", ")
        }
    );
    let width = output
        .predictions
        .iter()
        .map(|p| p.name.len())
        .max()
        .unwrap_or(4);
    for (rank, prediction) in output.predictions.iter().enumerate() {
        let _ = writeln!(
            out,
            "{:>3}. {:<width$} {:>7.2}%",
            rank + 1,
            prediction.name,
            prediction.probability * 100.0
        );
    }
    out
}
