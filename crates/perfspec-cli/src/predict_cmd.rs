//! `perfspec predict`: the top-k next events after a context, from a saved model file.
//!
//! Unknown types in the context are ignored with a warning (see [`perfspec::predict`]).

use std::fmt::Write;

use perfspec::models::model_file;
use perfspec::predict::{parse_context, predict_named, NamedPrediction};
use serde::Serialize;

use crate::output::Failure;

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
struct Output<'a> {
    model: &'a str,
    approach: &'a str,
    window: usize,
    #[serde(flatten)]
    prediction: NamedPrediction,
}

pub fn run(args: PredictArgs) -> Result<(), Failure> {
    let text = std::fs::read_to_string(&args.model)
        .map_err(|error| Failure::usage(format!("cannot read {}: {error}", args.model)))?;
    let loaded = model_file::load(&text).map_err(|error| Failure {
        code: 1,
        message: format!("{}: {error}", args.model),
    })?;
    let given = parse_context(&args.context);
    let model = loaded.model.as_ref();
    let prediction = predict_named(model, &loaded.vocabulary, &given, usize::from(args.k));
    if !prediction.ignored.is_empty() {
        let known = prediction.context.len();
        eprintln!(
            "perfspec: warning: the model does not know {}; predicting from the {known} known event{} after {}",
            prediction
                .ignored
                .iter()
                .map(|name| format!("\"{name}\""))
                .collect::<Vec<_>>()
                .join(", "),
            if known == 1 { "" } else { "s" },
            if prediction.ignored.len() == 1 { "it" } else { "the last of them" },
        );
    }
    let output = Output {
        model: model.kind().name(),
        approach: model.kind().approach(),
        window: loaded.window,
        prediction,
    };
    if args.json {
        crate::output::print_json(&output);
    } else {
        crate::output::print_text(&text_output(&output));
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
        if output.prediction.context.is_empty() {
            "(none)".to_string()
        } else {
            output.prediction.context.join(", ")
        }
    );
    let width = output
        .prediction
        .predictions
        .iter()
        .map(|p| p.name.len())
        .max()
        .unwrap_or(4);
    for (rank, prediction) in output.prediction.predictions.iter().enumerate() {
        let _ = writeln!(
            out,
            "{:>3}. {:<width$} {:>7.2}%{}",
            rank + 1,
            prediction.name,
            prediction.probability * 100.0,
            if prediction.new {
                "  new: never seen in training"
            } else {
                ""
            }
        );
    }
    out
}
