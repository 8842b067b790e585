//! `perfspec train`: fit and evaluate every (model, window) pair, the paper's comparison table.

use perfspec::clock::SystemClock;
use perfspec::dataset::SplitMode;
use perfspec::models::model_file::ModelFile;
use perfspec::models::{HyperParameters, ModelKind};
use perfspec::pipeline::{parse_windows, train_and_evaluate, TrainConfig};
use perfspec::prepare::PrepareOptions;

use crate::charts_cmd;
use crate::input::{load_with_options, options, InputArgs};
use crate::model_args::{parse_model, ComposeArgs, LstmArgs, Split, Windows};
use crate::output::{print_json, print_text, report_charts, Failure};
use crate::table;

#[derive(clap::Args)]
pub(crate) struct TrainArgs {
    #[command(flatten)]
    pub(crate) input: InputArgs,
    /// Models to train, comma-separated: ngram, bn (Bayesian network), lstm, compose (verb and
    /// resource scored apart, reading the whole sequence so far: it can name types never seen
    /// in training), mfe (most frequent event), repeat (the last event again)
    #[arg(long, default_value = "ngram", value_delimiter = ',', value_parser = parse_model)]
    pub(crate) models: Vec<ModelKind>,
    /// Context windows, e.g. `1,2,3` or `1-3`
    #[arg(long, default_value = "1,2", value_parser = parse_windows)]
    pub(crate) windows: Windows,
    /// The k of the top-k accuracy column
    #[arg(long, default_value_t = 9, value_parser = clap::value_parser!(u16).range(1..=20))]
    pub(crate) k: u16,
    /// How windows are split between training and testing
    #[arg(long, value_enum, default_value = "chrono")]
    pub(crate) split: Split,
    /// Seed of the random split and of any randomness in a fit
    #[arg(long, default_value_t = perfspec::dataset::DEFAULT_SEED)]
    pub(crate) seed: u64,
    /// Write each trained model to DIR/<model>-w<window>.json (for `perfspec predict`)
    #[arg(long, value_name = "DIR")]
    pub(crate) save: Option<String>,
    /// Write the dashboard's charts into DIR (created if missing), each as .svg with its numbers
    /// as .csv beside it: accuracy-window, topk-curve, inference-time, confusion-<model>-w<window>
    /// for every row, training-history-<model>-w<window> for models trained in epochs (LSTM), and
    /// the dataset's type-frequency and verb-resource
    #[arg(long, value_name = "DIR")]
    pub(crate) charts: Option<String>,
    /// Print one JSON object instead of the table
    #[arg(long)]
    pub(crate) json: bool,
    #[command(flatten)]
    pub(crate) lstm: LstmArgs,
    #[command(flatten)]
    pub(crate) compose: ComposeArgs,
}

pub(crate) fn run(args: TrainArgs) -> Result<(), Failure> {
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

/// Writes one model file per trained model into `directory` (created if missing); returns the
/// paths written, in row order.
pub(crate) fn save_models(
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
