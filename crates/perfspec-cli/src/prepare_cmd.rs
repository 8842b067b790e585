//! `perfspec prepare`: the event sequence the logs give, its funnel, types and skipped records.

use crate::charts_cmd;
use crate::input::{load, InputArgs};
use crate::output::{print_json, print_text, report_charts, Failure};
use crate::table;

#[derive(clap::Args)]
pub(crate) struct PrepareArgs {
    #[command(flatten)]
    pub(crate) input: InputArgs,
    /// Print one JSON object instead of text
    #[arg(long)]
    pub(crate) json: bool,
    /// Also write the event sequence as a token file (one verb_resource per line)
    #[arg(long, value_name = "OUT")]
    pub(crate) tokens: Option<String>,
    /// Also write the dataset's charts into DIR (created if missing): type-frequency.svg and
    /// verb-resource.svg, each with its numbers beside it as a .csv
    #[arg(long, value_name = "DIR")]
    pub(crate) charts: Option<String>,
}

pub(crate) fn run(args: PrepareArgs) -> Result<(), Failure> {
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

/// The token file (the ingest's `InputFormat::Tokens`): one event type per line, sequences one
/// after the other.
pub(crate) fn write_tokens(
    path: &str,
    data: &perfspec::prepare::PreparedData,
) -> Result<(), Failure> {
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
