//! What every command that reads audit logs shares: the files and the prepare options on its
//! command line, and their reading through the engine's streaming ingest.

use std::fs::File;
use std::io::{self, BufReader};

use perfspec::ingest::record::AuditRecords;
use perfspec::ingest::{IngestReport, Ingestor};

use clap::ValueEnum;
use perfspec::pipeline::DatasetSummary;
use perfspec::prepare::{prepare, AuditIdDedup, EventOrder, PrepareOptions, Sequencing};

use crate::output::Failure;

pub fn read_files(paths: &[String]) -> Result<(AuditRecords, IngestReport), Failure> {
    let mut ingestor = Ingestor::default();
    for path in paths {
        let result = if path == "-" {
            ingestor.read_from("<stdin>", io::stdin().lock())
        } else {
            let file = File::open(path)
                .map_err(|error| Failure::usage(format!("cannot open {path}: {error}")))?;
            ingestor.read_from(path, BufReader::new(file))
        };
        result.map_err(|error| Failure::usage(format!("cannot read {path}: {error}")))?;
    }
    Ok(ingestor.finish())
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum Preset {
    /// The paper's parse.py: no get/list/watch, no events/leases/replicationcontrollers,
    /// no non-resource requests
    Perfspec,
}

#[derive(clap::Args)]
pub(crate) struct InputArgs {
    /// Audit logs (any format the dashboard reads); `-` reads standard input
    #[arg(required = true, value_name = "FILE")]
    pub(crate) files: Vec<String>,
    /// Which records become events; the flags below change it
    #[arg(long, value_enum, default_value = "perfspec")]
    pub(crate) preset: Preset,
    #[command(flatten)]
    pub(crate) filters: FilterArgs,
}

#[derive(clap::Args)]
#[command(next_help_heading = "Prepare options (all off in the PerfSPEC preset)")]
pub(crate) struct FilterArgs {
    /// Drop deletecollection requests (the paper's own figure counts events without them)
    #[arg(long)]
    pub(crate) drop_deletecollection: bool,
    /// Make the subresource part of the type (create_pods/binding)
    #[arg(long)]
    pub(crate) subresource: bool,
    /// Keep one record per auditID: the first stage seen, or ResponseComplete only
    #[arg(long, value_enum, value_name = "WHICH")]
    pub(crate) dedup_audit_id: Option<DedupAuditId>,
    /// Drop failed requests (status 400 or more)
    #[arg(long)]
    pub(crate) drop_failed: bool,
    /// Leave out users matching this glob (repeatable), e.g. 'system:*'
    #[arg(long, value_name = "GLOB")]
    pub(crate) exclude_user: Vec<String>,
    /// Keep only namespaces matching this glob (repeatable); drops cluster-scoped requests
    #[arg(long, value_name = "GLOB")]
    pub(crate) namespace: Vec<String>,
    /// Leave out namespaces matching this glob (repeatable)
    #[arg(long, value_name = "GLOB")]
    pub(crate) exclude_namespace: Vec<String>,
    /// Order events as written (file) or by requestReceivedTimestamp (time, stable)
    #[arg(long, value_enum, default_value = "file")]
    pub(crate) order: Order,
    /// Cut into sequences: global, user, namespace, or idle:SECONDS
    #[arg(long, default_value = "global", value_parser = Sequencing::parse)]
    pub(crate) sequences: Sequencing,
    /// Keep one copy of a long stretch that exactly repeats an earlier one
    #[arg(long)]
    pub(crate) dedup_repeated_run: bool,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum DedupAuditId {
    First,
    Complete,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum Order {
    File,
    Time,
}

pub(crate) fn options(input: &InputArgs) -> Result<PrepareOptions, Failure> {
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

pub(crate) fn load(
    input: &InputArgs,
) -> Result<(DatasetSummary, perfspec::prepare::PreparedData), Failure> {
    load_with_options(input, &options(input)?)
}

pub(crate) fn load_with_options(
    input: &InputArgs,
    options: &PrepareOptions,
) -> Result<(DatasetSummary, perfspec::prepare::PreparedData), Failure> {
    let (records, report) = read_files(&input.files)?;
    let data = prepare(&records, options);
    let summary = DatasetSummary::new(&report, &data, options);
    if data.events.is_empty() {
        return Err(Failure::no_events(perfspec::quality::no_events_message(
            &report, &data,
        )));
    }
    Ok((summary, data))
}
