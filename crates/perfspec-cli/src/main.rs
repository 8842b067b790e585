//! `perfspec`: the learning phase of PerfSPEC on the command line, over the same engine as the
//! dashboard.

mod input;
mod table;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use perfspec::clock::SystemClock;
use perfspec::pipeline::{parse_windows, train_and_evaluate, DatasetSummary, ModelKind};
use perfspec::prepare::{prepare, PrepareOptions};
use perfspec::{SplitMode, TrainConfig};

#[derive(Parser)]
#[command(
    name = "perfspec",
    version,
    about = "Learn next-event predictors from Kubernetes audit logs (the PerfSPEC learning phase)",
    long_about = None,
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read audit logs and show the event sequence they give: funnel, event types, skipped records
    Prepare(PrepareArgs),
    /// Train next-event models on audit logs and compare them in the paper's table
    Train(TrainArgs),
}

#[derive(Clone, Copy, ValueEnum)]
enum Preset {
    /// The paper's parse.py: no get/list/watch, no events/leases/replicationcontrollers,
    /// no non-resource requests
    Perfspec,
}

#[derive(clap::Args)]
struct InputArgs {
    /// Audit logs: NDJSON events, PerfSPEC CSV or token files; `-` reads standard input
    #[arg(required = true, value_name = "FILE")]
    files: Vec<String>,
    /// Which records become events
    #[arg(long, value_enum, default_value = "perfspec")]
    preset: Preset,
}

#[derive(clap::Args)]
struct PrepareArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Print one JSON object instead of text
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Split {
    /// Each sequence's windows in time order, 70% train / 15% validation / 15% test
    Chrono,
    /// Evaluate on the training windows, as the paper did (optimistic)
    Paper,
}

#[derive(clap::Args)]
struct TrainArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Models to train, comma-separated
    #[arg(long, default_value = "ngram", value_delimiter = ',', value_parser = parse_model)]
    models: Vec<ModelKind>,
    /// Context windows, e.g. `1,2,3` or `1-3`
    #[arg(long, default_value = "1,2", value_parser = parse_windows)]
    windows: Windows,
    /// The k of the top-k accuracy column
    #[arg(long, default_value_t = 9, value_parser = clap::value_parser!(u16).range(1..=20))]
    k: u16,
    /// How windows are split between training and testing
    #[arg(long, value_enum, default_value = "chrono")]
    split: Split,
    /// Print one JSON object instead of the table
    #[arg(long)]
    json: bool,
}

type Windows = Vec<usize>;

fn parse_model(name: &str) -> Result<ModelKind, String> {
    ModelKind::parse(name).ok_or_else(|| {
        let known: Vec<&str> = ModelKind::ALL.iter().map(|kind| kind.name()).collect();
        format!("unknown model \"{name}\" (known: {})", known.join(", "))
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Prepare(args) => run_prepare(args),
        Command::Train(args) => run_train(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("perfspec: {}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}

/// A message for stderr and the exit code that goes with it.
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            code: 2,
            message: message.into(),
        }
    }

    pub fn no_events(message: impl Into<String>) -> Self {
        Self {
            code: 1,
            message: message.into(),
        }
    }
}

fn options(preset: Preset) -> PrepareOptions {
    match preset {
        Preset::Perfspec => PrepareOptions::perfspec(),
    }
}

fn load(input: &InputArgs) -> Result<(DatasetSummary, perfspec::PreparedData), Failure> {
    let (records, report) = input::read_files(&input.files)?;
    let data = prepare(&records, &options(input.preset));
    let summary = DatasetSummary::new(&report, &data);
    if data.events.is_empty() {
        let why = if records.is_empty() {
            format!(
                "no audit records found in the input; {}",
                perfspec::ACCEPTED_FORMATS
            )
        } else {
            format!(
                "{} records were read but the preset keeps none of them as events",
                records.len()
            )
        };
        return Err(Failure::no_events(why));
    }
    Ok((summary, data))
}

fn run_prepare(args: PrepareArgs) -> Result<(), Failure> {
    let (summary, _) = load(&args.input)?;
    if args.json {
        print_json(&summary);
    } else {
        print_text(&table::summary(&summary));
    }
    Ok(())
}

fn run_train(args: TrainArgs) -> Result<(), Failure> {
    let config = TrainConfig {
        models: args.models,
        windows: args.windows,
        k: usize::from(args.k),
        split: match args.split {
            Split::Chrono => SplitMode::Chrono,
            Split::Paper => SplitMode::Paper,
        },
    };
    config.validate().map_err(Failure::usage)?;
    let (summary, data) = load(&args.input)?;
    let clock = SystemClock::default();
    let report =
        train_and_evaluate(&data, &config, &clock, &mut |_| true).map_err(|error| Failure {
            code: 1,
            message: error.to_string(),
        })?;
    if args.json {
        print_json(&serde_json::json!({
            "events": summary.events,
            "types": summary.types,
            "split": report.split,
            "optimistic": report.optimistic,
            "k": report.k,
            "rows": report.rows,
        }));
    } else {
        print_text(&table::results(&summary, &report));
    }
    Ok(())
}

fn print_json(value: &impl serde::Serialize) {
    // Serialising plain data to a String cannot fail.
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    print_text(&text);
}

/// Writes to stdout; a closed pipe (`perfspec ... | head`) ends the output quietly.
fn print_text(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}
