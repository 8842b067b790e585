//! `perfspec replay`: what each model would have saved PerfSPEC's runtime verifier on the
//! user's own log. The semantics are the engine's, documented in
//! [`perfspec::replay`].

use std::fmt::Write;

use clap::ValueEnum;
use perfspec::clock::SystemClock;
use perfspec::dataset::SplitMode;
use perfspec::models::{HyperParameters, ModelKind};
use perfspec::pipeline::{parse_windows, TrainConfig};
use perfspec::replay::{
    parse_list, replay, OnArrival, ReplayConfig, ReplayReport, Reuse, VerificationCost,
};
use perfspec::units::percent;

use crate::model_args::Split;
use crate::output::Failure;

/// A comma-separated list; an alias so that clap takes it as one value, not many.
type List = Vec<usize>;

/// The arguments of `perfspec replay` (its help text is the `Replay` command's).
#[derive(clap::Args)]
#[command(after_long_help = AFTER_HELP)]
pub struct ReplayArgs {
    /// Print one JSON object instead of the table
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    input: crate::input::InputArgs,
    #[command(flatten)]
    choice: ModelChoice,
    #[command(flatten)]
    verifier: VerifierArgs,
    #[command(flatten)]
    lstm: crate::model_args::LstmArgs,
    #[command(flatten)]
    compose: crate::model_args::ComposeArgs,
}

/// Which models are fitted, as `train` fits them.
#[derive(clap::Args)]
#[command(next_help_heading = "Models")]
struct ModelChoice {
    /// Models to replay, comma-separated: ngram, bn, lstm, compose, mfe, repeat (as `train`)
    #[arg(long, default_value = "ngram", value_delimiter = ',', value_parser = crate::model_args::parse_model)]
    models: Vec<ModelKind>,
    /// Context windows, e.g. `1,2,3` or `1-3`
    #[arg(long, default_value = "1,2", value_parser = parse_windows)]
    windows: List,
    /// How windows are split; the replay covers the test part, so the split must keep it in
    /// time order: chrono (default) or paper (replays the training events: optimistic)
    #[arg(long, value_enum, default_value = "chrono")]
    split: Split,
    /// Seed of any randomness in a fit
    #[arg(long, default_value_t = perfspec::dataset::DEFAULT_SEED)]
    seed: u64,
}

/// The grid and the verifier.
#[derive(clap::Args)]
#[command(next_help_heading = "Replay options")]
struct VerifierArgs {
    /// Candidates verified ahead per predicted event, a list: `1,3,9` or `1-5` (each 1..=20)
    #[arg(long, default_value = "1,3,9", value_parser = parse_list)]
    k: List,
    /// How many events ahead each prediction covers, a list (each 1..=8); steps after the
    /// next follow a beam over the model's own predictions (--beam)
    #[arg(long, default_value = "1,2,3", value_parser = parse_list)]
    horizon: List,
    /// Verification cost of one event in ms (of every type the --cost-csv does not list)
    #[arg(long, value_name = "MS", default_value_t = 600.0)]
    cost_ms: f64,
    /// Verification cost per event type: a CSV of `type,cost_ms` lines (a header line is
    /// allowed)
    #[arg(long, value_name = "FILE")]
    cost_csv: Option<String>,
    /// Time to answer an event from its precomputed result, in ms
    #[arg(long, value_name = "MS", default_value_t = 1.0)]
    lookup_ms: f64,
    /// Verifier workers precomputing in parallel
    #[arg(long, value_name = "N", default_value_t = 1)]
    workers: usize,
    /// Reuse any result for a type, precomputed or not, for this many ms after it completes
    /// (`inf`: for ever), as a runtime caching results per type would. Without it a result
    /// answers one predicted event, as in the paper
    #[arg(long, value_name = "MS")]
    cache_lifetime_ms: Option<f64>,
    /// Where an event without a ready result is verified: inline, in its own request path at
    /// once (never queued); or queued, on the workers ahead of any precomputation, so that
    /// bursts queue (the baseline then queues as well)
    #[arg(long, value_enum, default_value = "inline")]
    on_arrival: ArrivalArg,
    /// Paths of predicted events followed for the steps after the next (horizon above 1);
    /// each event costs at most 1 + beam × (horizon − 1) predictions
    #[arg(long, value_name = "N", default_value_t = 5)]
    beam: usize,
    /// Most verification work per event (ms, precomputed and on arrival) that the best choice
    /// per model may spend
    #[arg(long, value_name = "MS")]
    budget_ms: Option<f64>,
}

const AFTER_HELP: &str = "\
How the replay works: on each test event (in time order, by receive timestamp) the model \
predicts the next events; the verifier's --workers precompute the top-k candidates of each of \
the next h events, each verification costing --cost-ms. An event whose result is \
ready costs --lookup-ms; one whose verification is under way waits for it; any other is \
verified on arrival. The baseline is the same verifier without predictions. Logs without \
timestamps (token files) get only the share of events among the candidates.

Example: perfspec replay --models ngram,bn,mfe --k 1,3,9 --horizon 1,3 --cost-ms 10 audit.log";

#[derive(Clone, Copy, ValueEnum)]
enum ArrivalArg {
    /// In the request's own path, at once, outside the workers
    Inline,
    /// On the workers, ahead of precomputations, first come first served
    Queued,
}

/// Fits the models, replays them and prints the table or the JSON; a bad argument is exit
/// code 2, a log that gives no events or too few for a window 1.
pub fn run(args: ReplayArgs) -> Result<(), Failure> {
    let choice = &args.choice;
    let split = match choice.split {
        Split::Chrono => SplitMode::Chrono,
        Split::Paper => SplitMode::Paper,
        Split::Random => {
            return Err(Failure::usage(
                "the replay needs the test part in time order: use --split chrono or paper",
            ))
        }
    };
    let train = TrainConfig {
        models: choice.models.clone(),
        windows: choice.windows.clone(),
        k: TrainConfig::default().k,
        split,
        seed: choice.seed,
        hyper_parameters: HyperParameters {
            lstm: args.lstm.params(),
            compose: args.compose.params(),
            ..HyperParameters::default()
        },
    };
    train.validate().map_err(Failure::usage)?;
    let verifier = &args.verifier;
    let cost = match &verifier.cost_csv {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|error| Failure::usage(format!("cannot read {path}: {error}")))?;
            VerificationCost::from_csv(&text, verifier.cost_ms)
                .map_err(|error| Failure::usage(format!("{path}: {error}")))?
        }
        None => VerificationCost::uniform(verifier.cost_ms),
    };
    let config = ReplayConfig {
        ks: verifier.k.clone(),
        horizons: verifier.horizon.clone(),
        cost,
        lookup_ms: verifier.lookup_ms,
        workers: verifier.workers,
        reuse: Reuse::from_lifetime(verifier.cache_lifetime_ms),
        on_arrival: match verifier.on_arrival {
            ArrivalArg::Inline => OnArrival::Inline,
            ArrivalArg::Queued => OnArrival::Queued,
        },
        beam: verifier.beam,
        budget_ms: verifier.budget_ms,
    };
    config.validate().map_err(Failure::usage)?;
    let options = crate::input::options(&args.input)?;
    let (_, data) = crate::input::load_with_options(&args.input, &options)?;
    let clock = SystemClock::default();
    // What validation could not see (a window leaving no test events) is a data problem.
    let report =
        replay(&data, &train, &config, &clock, &mut |_| true).map_err(|error| Failure {
            code: 1,
            message: error.to_string(),
        })?;
    if args.json {
        crate::output::print_json(&report);
    } else {
        crate::output::print_text(&table(&report));
    }
    Ok(())
}

/// The report as text: settings, one line per row, notes, and the best choice per model.
fn table(report: &ReplayReport) -> String {
    let config = &report.config;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Proactive replay of the test events ({}): {}",
        report.split.label(),
        config.describe()
    );
    for timeline in &report.timelines {
        let _ = writeln!(
            out,
            "window {}: {} events in {} sequence{}",
            timeline.window,
            timeline.events,
            timeline.sequences,
            if timeline.sequences == 1 { "" } else { "s" }
        );
    }
    let _ = writeln!(out);
    let ms = |value: Option<f64>| value.map_or("–".to_string(), |value| format!("{value:.1}"));
    let share = |value: Option<f64>| value.map_or("–".to_string(), percent);
    let _ = writeln!(
        out,
        "{:<8} {:>6} {:>3} {:>3} {:>9} {:>7} {:>9} {:>9} {:>9} {:>9} {:>11} {:>10} {:>7}",
        "model",
        "window",
        "k",
        "h",
        "among",
        "ready",
        "under way",
        "mean ms",
        "median",
        "p99",
        "baseline",
        "work/event",
        "wasted"
    );
    for row in &report.rows {
        let _ = writeln!(
            out,
            "{:<8} {:>6} {:>3} {:>3} {:>9} {:>7} {:>9} {:>9} {:>9} {:>9} {:>11} {:>10} {:>7}",
            row.model,
            row.window,
            row.k,
            row.horizon,
            percent(row.candidate_share),
            share(row.ready_share),
            share(row.under_way_share),
            ms(row.response_ms_mean),
            ms(row.response_ms_median),
            ms(row.response_ms_p99),
            ms(row.baseline_ms),
            ms(row.work_per_event_ms),
            share(row.wasted_share)
        );
    }
    let _ = writeln!(
        out,
        "\namong: next event among the candidates; ready: result ready on arrival; under way: \
         waited for its verification; baseline: mean without prediction; work: verification ms \
         per event; wasted: share of work on results never used"
    );
    if report.optimistic {
        let _ = writeln!(
            out,
            "paper-compatible split: the models were fitted on the events replayed (optimistic)"
        );
    }
    for note in &report.notes {
        let _ = writeln!(out, "note: {note}");
    }
    if report.timed {
        let budget = match config.budget_ms {
            Some(budget) => format!("work at most {budget} ms per event"),
            None => "any work".to_string(),
        };
        let _ = writeln!(out, "\nLowest median response per model ({budget}):");
        for best in &report.best {
            let _ = writeln!(
                out,
                "  {:<8} window {} k {} horizon {}: median {:.1} ms, mean {:.1} ms (baseline median {:.1} ms), work {:.1} ms per event",
                best.model,
                best.window,
                best.k,
                best.horizon,
                best.response_ms_median,
                best.response_ms_mean,
                best.baseline_ms_median,
                best.work_per_event_ms
            );
        }
        let listed: Vec<&str> = report.best.iter().map(|best| best.model.as_str()).collect();
        let mut missing: Vec<&str> = report
            .rows
            .iter()
            .map(|row| row.model.as_str())
            .filter(|model| !listed.contains(model))
            .collect();
        missing.dedup();
        for model in missing {
            let _ = writeln!(out, "  {model:<8} no point of the grid within the budget");
        }
    }
    out
}
