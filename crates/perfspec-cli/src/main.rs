//! `perfspec`: the learning phase of PerfSPEC on the command line, over the same engine as the
//! dashboard.

mod charts_cmd;
mod input;
mod predict_cmd;
mod replay_cmd;
mod simulate_cmd;
mod table;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use perfspec::clock::SystemClock;
use perfspec::dataset::SplitMode;
use perfspec::models::model_file::ModelFile;
use perfspec::models::ModelKind;
use perfspec::models::{ComposeParams, HyperParameters, LstmOutput, LstmParams};
use perfspec::pipeline::TrainConfig;
use perfspec::pipeline::{parse_windows, train_and_evaluate, DatasetSummary};
use perfspec::prepare::{prepare, AuditIdDedup, EventOrder, PrepareOptions, Sequencing};

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
    /// The most likely next events after a context, from a model file saved by `train --save`
    Predict(predict_cmd::PredictArgs),
    /// Replay the test events through PerfSPEC's proactive verifier driven by each model: share
    /// of results ready on arrival, response times against no prediction, verification work
    Replay(replay_cmd::ReplayArgs),
    /// Write a realistic audit.k8s.io/v1 log of Helm charts installed and uninstalled in a
    /// cluster (controllers, scheduler, kubelets and all), of any size, for scale tests
    Simulate(simulate_cmd::SimulateArgs),
}

#[derive(Clone, Copy, ValueEnum)]
enum Preset {
    /// The paper's parse.py: no get/list/watch, no events/leases/replicationcontrollers,
    /// no non-resource requests
    Perfspec,
}

#[derive(clap::Args)]
struct InputArgs {
    /// Audit logs (any format the dashboard reads); `-` reads standard input
    #[arg(required = true, value_name = "FILE")]
    files: Vec<String>,
    /// Which records become events; the flags below change it
    #[arg(long, value_enum, default_value = "perfspec")]
    preset: Preset,
    #[command(flatten)]
    filters: FilterArgs,
}

#[derive(clap::Args)]
#[command(next_help_heading = "Prepare options (all off in the PerfSPEC preset)")]
struct FilterArgs {
    /// Drop deletecollection requests (the paper's own figure counts events without them)
    #[arg(long)]
    drop_deletecollection: bool,
    /// Make the subresource part of the type (create_pods/binding)
    #[arg(long)]
    subresource: bool,
    /// Keep one record per auditID: the first stage seen, or ResponseComplete only
    #[arg(long, value_enum, value_name = "WHICH")]
    dedup_audit_id: Option<DedupAuditId>,
    /// Drop failed requests (status 400 or more)
    #[arg(long)]
    drop_failed: bool,
    /// Leave out users matching this glob (repeatable), e.g. 'system:*'
    #[arg(long, value_name = "GLOB")]
    exclude_user: Vec<String>,
    /// Keep only namespaces matching this glob (repeatable); drops cluster-scoped requests
    #[arg(long, value_name = "GLOB")]
    namespace: Vec<String>,
    /// Leave out namespaces matching this glob (repeatable)
    #[arg(long, value_name = "GLOB")]
    exclude_namespace: Vec<String>,
    /// Order events as written (file) or by requestReceivedTimestamp (time, stable)
    #[arg(long, value_enum, default_value = "file")]
    order: Order,
    /// Cut into sequences: global, user, namespace, or idle:SECONDS
    #[arg(long, default_value = "global", value_parser = Sequencing::parse)]
    sequences: Sequencing,
    /// Keep one copy of a long stretch that exactly repeats an earlier one
    #[arg(long)]
    dedup_repeated_run: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum DedupAuditId {
    First,
    Complete,
}

#[derive(Clone, Copy, ValueEnum)]
enum Order {
    File,
    Time,
}

#[derive(clap::Args)]
struct PrepareArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Print one JSON object instead of text
    #[arg(long)]
    json: bool,
    /// Also write the event sequence as a token file (one verb_resource per line)
    #[arg(long, value_name = "OUT")]
    tokens: Option<String>,
    /// Also write the dataset's charts into DIR (created if missing): type-frequency.svg and
    /// verb-resource.svg, each with its numbers beside it as a .csv
    #[arg(long, value_name = "DIR")]
    charts: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Split {
    /// Each sequence's windows in time order, 70% train / 15% validation / 15% test
    Chrono,
    /// All windows shuffled (--seed), then 70/15/15; test windows recur in training (the
    /// leakage share is shown)
    Random,
    /// Evaluate on the training windows, as the paper did (optimistic)
    Paper,
}

#[derive(clap::Args)]
struct TrainArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Models to train, comma-separated: ngram, bn (Bayesian network), lstm, compose (verb and
    /// resource scored apart, reading the whole sequence so far: it can name types never seen
    /// in training), mfe (most frequent event), repeat (the last event again)
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
    /// Seed of the random split and of any randomness in a fit
    #[arg(long, default_value_t = perfspec::dataset::DEFAULT_SEED)]
    seed: u64,
    /// Write each trained model to DIR/<model>-w<window>.json (for `perfspec predict`)
    #[arg(long, value_name = "DIR")]
    save: Option<String>,
    /// Write the dashboard's charts into DIR (created if missing), each as .svg with its numbers
    /// as .csv beside it: accuracy-window, topk-curve, inference-time, confusion-<model>-w<window>
    /// for every row, training-history-<model>-w<window> for models trained in epochs (LSTM), and
    /// the dataset's type-frequency and verb-resource
    #[arg(long, value_name = "DIR")]
    charts: Option<String>,
    /// Print one JSON object instead of the table
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    lstm: LstmArgs,
    #[command(flatten)]
    compose: ComposeArgs,
}

/// The compositional model's controls; the defaults are [`ComposeParams::default`]'s.
#[derive(clap::Args)]
#[command(next_help_heading = "Compositional model options")]
struct ComposeArgs {
    /// How many earlier events the resource copy looks back over
    #[arg(long, value_name = "N", default_value_t = ComposeParams::default().copy_reach)]
    copy_reach: usize,
    /// Share of the probability given to the whole-type n-gram, in [0, 1)
    #[arg(long, value_name = "W", default_value_t = ComposeParams::default().type_weight)]
    type_weight: f64,
    /// Pseudo-count tying each verb's copy distances to those of all verbs
    #[arg(long, value_name = "C", default_value_t = ComposeParams::default().copy_prior)]
    copy_prior: f64,
    /// How many of the latest events the cache part counts
    #[arg(long, value_name = "N", default_value_t = ComposeParams::default().cache_reach)]
    cache_reach: usize,
    /// Weight of the recent-history cache against the learned counts (which weigh 1)
    #[arg(long, value_name = "W", default_value_t = ComposeParams::default().cache_weight)]
    cache_weight: f64,
    /// Longest context, in events, of the recent-history cache's own n-gram
    #[arg(long, value_name = "N", default_value_t = ComposeParams::default().cache_order)]
    cache_order: usize,
    /// Evidence gate of the whole-type n-gram (0: none): its share shrinks where the last
    /// event's type was rarely a context in training
    #[arg(long, value_name = "N", default_value_t = ComposeParams::default().type_gate)]
    type_gate: f64,
}

impl ComposeArgs {
    fn params(&self) -> ComposeParams {
        ComposeParams {
            copy_reach: self.copy_reach,
            type_weight: self.type_weight,
            copy_prior: self.copy_prior,
            cache_reach: self.cache_reach,
            cache_weight: self.cache_weight,
            cache_order: self.cache_order,
            type_gate: self.type_gate,
        }
    }
}

/// The LSTM's controls; the defaults are [`LstmParams::default`]'s.
#[derive(clap::Args)]
#[command(next_help_heading = "LSTM options")]
struct LstmArgs {
    /// Most epochs to train (early stopping usually ends sooner)
    #[arg(long, value_name = "N", default_value_t = LstmParams::default().epochs)]
    epochs: usize,
    /// Hidden size of each LSTM layer
    #[arg(long, value_name = "H", default_value_t = LstmParams::default().hidden)]
    hidden: usize,
    /// Size of the event-type embedding
    #[arg(long, value_name = "E", default_value_t = LstmParams::default().embedding)]
    embedding: usize,
    /// LSTM layers (1 or 2)
    #[arg(long, value_name = "N", default_value_t = LstmParams::default().layers)]
    layers: usize,
    /// Dropout after the LSTM (and between layers), in [0, 1)
    #[arg(long, value_name = "P", default_value_t = LstmParams::default().dropout)]
    dropout: f64,
    /// Adam's initial learning rate
    #[arg(long, value_name = "RATE", default_value_t = LstmParams::default().learning_rate)]
    lr: f64,
    /// Windows per mini-batch
    #[arg(long, value_name = "N", default_value_t = LstmParams::default().batch)]
    batch: usize,
    /// Epochs without a better validation loss before training stops (the best epoch's
    /// weights are kept)
    #[arg(long, value_name = "N", default_value_t = LstmParams::default().patience)]
    patience: usize,
    /// Reduce-on-plateau: the factor applied to the learning rate after --lr-patience epochs
    /// without a better validation loss
    #[arg(long, value_name = "F", default_value_t = LstmParams::default().lr_factor)]
    lr_factor: f64,
    /// Reduce-on-plateau: epochs without a better validation loss before the rate falls
    #[arg(long, value_name = "N", default_value_t = LstmParams::default().lr_patience)]
    lr_patience: usize,
    /// Reduce-on-plateau: the lowest learning rate
    #[arg(long, value_name = "RATE", default_value_t = LstmParams::default().min_learning_rate)]
    min_lr: f64,
    /// What the output layer predicts: `types` (one softmax over the event types) or
    /// `factorised` (verb, then resource with a copy from the context: ranks every verb ×
    /// resource pair, including pairs never seen in training)
    #[arg(long, value_name = "OUTPUT", default_value = "types", value_parser = parse_lstm_output)]
    lstm_output: LstmOutput,
}

fn parse_lstm_output(name: &str) -> Result<LstmOutput, String> {
    LstmOutput::parse(name)
        .ok_or_else(|| format!("unknown LSTM output \"{name}\" (types, factorised)"))
}

impl LstmArgs {
    fn params(&self) -> LstmParams {
        LstmParams {
            epochs: self.epochs,
            embedding: self.embedding,
            hidden: self.hidden,
            layers: self.layers,
            dropout: self.dropout,
            learning_rate: self.lr,
            batch: self.batch,
            patience: self.patience,
            lr_factor: self.lr_factor,
            lr_patience: self.lr_patience,
            min_learning_rate: self.min_lr,
            output: self.lstm_output,
            ..LstmParams::default()
        }
    }
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
        Command::Predict(args) => predict_cmd::run(args),
        Command::Replay(args) => replay_cmd::run(args),
        Command::Simulate(args) => simulate_cmd::run(args),
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

fn options(input: &InputArgs) -> Result<PrepareOptions, Failure> {
    let mut options = match input.preset {
        Preset::Perfspec => PrepareOptions::perfspec(),
    };
    let filters = &input.filters;
    options.drop_deletecollection = filters.drop_deletecollection;
    options.subresource_in_type = filters.subresource;
    options.dedup_audit_id = filters.dedup_audit_id.map(|which| match which {
        DedupAuditId::First => AuditIdDedup::First,
        DedupAuditId::Complete => AuditIdDedup::Complete,
    });
    options.drop_failed = filters.drop_failed;
    options.exclude_users = filters.exclude_user.clone();
    options.namespaces = filters.namespace.clone();
    options.exclude_namespaces = filters.exclude_namespace.clone();
    options.order = match filters.order {
        Order::File => EventOrder::File,
        Order::Time => EventOrder::Time,
    };
    options.sequences = filters.sequences;
    options.dedup_repeated_run = filters.dedup_repeated_run;
    options.validate().map_err(Failure::usage)?;
    Ok(options)
}

fn load(input: &InputArgs) -> Result<(DatasetSummary, perfspec::prepare::PreparedData), Failure> {
    load_with_options(input, &options(input)?)
}

fn load_with_options(
    input: &InputArgs,
    options: &PrepareOptions,
) -> Result<(DatasetSummary, perfspec::prepare::PreparedData), Failure> {
    let (records, report) = input::read_files(&input.files)?;
    let data = prepare(&records, options);
    let summary = DatasetSummary::new(&report, &data, options);
    if data.events.is_empty() {
        return Err(Failure::no_events(perfspec::quality::no_events_message(
            &report, &data,
        )));
    }
    Ok((summary, data))
}

fn run_prepare(args: PrepareArgs) -> Result<(), Failure> {
    let (summary, data) = load(&args.input)?;
    if let Some(path) = &args.tokens {
        write_tokens(path, &data)?;
    }
    let chart_files = match &args.charts {
        Some(directory) => charts_cmd::write_dataset(directory, &summary)?,
        None => Vec::new(),
    };
    if args.json {
        print_json(&summary);
    } else {
        print_text(&table::summary(&summary));
    }
    report_charts(args.charts.as_deref(), &chart_files);
    Ok(())
}

fn run_train(args: TrainArgs) -> Result<(), Failure> {
    let config = TrainConfig {
        models: args.models,
        windows: args.windows,
        k: usize::from(args.k),
        split: match args.split {
            Split::Chrono => SplitMode::Chrono,
            Split::Random => SplitMode::Random,
            Split::Paper => SplitMode::Paper,
        },
        seed: args.seed,
        hyper_parameters: HyperParameters {
            lstm: args.lstm.params(),
            compose: args.compose.params(),
            ..HyperParameters::default()
        },
    };
    config.validate().map_err(Failure::usage)?;
    let options = options(&args.input)?;
    let (summary, data) = load_with_options(&args.input, &options)?;
    let clock = SystemClock::default();
    let trained =
        train_and_evaluate(&data, &config, &clock, &mut |_| true).map_err(|error| Failure {
            code: 1,
            message: error.to_string(),
        })?;
    let report = trained.report;
    let model_files = match &args.save {
        Some(directory) => save_models(directory, &trained.models, &data, &options)?,
        None => Vec::new(),
    };
    let chart_files = match &args.charts {
        Some(directory) => {
            let mut files = charts_cmd::write_results(directory, &report)?;
            files.extend(charts_cmd::write_dataset(directory, &summary)?);
            files
        }
        None => Vec::new(),
    };
    if args.json {
        let mut object =
            perfspec::export::results_json(summary.events, summary.types, config.seed, &report);
        if args.save.is_some() {
            object["model_files"] = serde_json::json!(model_files);
        }
        if args.charts.is_some() {
            object["chart_files"] = serde_json::json!(chart_files);
        }
        print_json(&object);
    } else {
        print_text(&table::results(&summary, &report));
        for path in &model_files {
            eprintln!("perfspec: saved {path}");
        }
    }
    report_charts(args.charts.as_deref(), &chart_files);
    Ok(())
}

/// One line on stderr for the charts written, so that stdout stays the table or the JSON.
fn report_charts(directory: Option<&str>, files: &[String]) {
    if let Some(directory) = directory {
        let charts = files.iter().filter(|file| file.ends_with(".svg")).count();
        eprintln!("perfspec: wrote {charts} charts (SVG, with CSV tables) to {directory}");
    }
}

/// Writes one model file per trained model into `directory` (created if missing); returns the
/// paths written, in row order.
fn save_models(
    directory: &str,
    models: &[Box<dyn perfspec::models::NextEventModel>],
    data: &perfspec::prepare::PreparedData,
    options: &PrepareOptions,
) -> Result<Vec<String>, Failure> {
    let cannot = |path: &std::path::Path, error: std::io::Error| Failure {
        code: 1,
        message: format!("cannot write {}: {error}", path.display()),
    };
    let directory = std::path::Path::new(directory);
    std::fs::create_dir_all(directory).map_err(|error| cannot(directory, error))?;
    models
        .iter()
        .map(|model| {
            let file = ModelFile::new(model.as_ref(), &data.vocabulary, options);
            let path = directory.join(ModelFile::file_name(model.kind(), model.window()));
            std::fs::write(&path, file.to_json()).map_err(|error| cannot(&path, error))?;
            Ok(path.to_string_lossy().into_owned())
        })
        .collect()
}

/// The token file (the ingest's `InputFormat::Tokens`): one event type per line, sequences one
/// after the other.
fn write_tokens(path: &str, data: &perfspec::prepare::PreparedData) -> Result<(), Failure> {
    use std::io::Write;
    let cannot = |error: std::io::Error| Failure {
        code: 1,
        message: format!("cannot write {path}: {error}"),
    };
    let file = std::fs::File::create(path).map_err(cannot)?;
    let mut out = std::io::BufWriter::new(file);
    for &id in &data.events {
        writeln!(out, "{}", data.vocabulary.name(id)).map_err(cannot)?;
    }
    out.flush().map_err(cannot)
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
