//! `perfspec`: the learning phase of PerfSPEC on the command line, over the same engine as the
//! dashboard.
mod charts_cmd;
mod input;
mod model_args;
mod output;
mod predict_cmd;
mod prepare_cmd;
mod replay_cmd;
mod simulate_cmd;
mod table;
mod train_cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
    Prepare(prepare_cmd::PrepareArgs),
    /// Train next-event models on audit logs and compare them in the paper's table
    Train(train_cmd::TrainArgs),
    /// The most likely next events after a context, from a model file saved by `train --save`
    Predict(predict_cmd::PredictArgs),
    /// Replay the test events through PerfSPEC's proactive verifier driven by each model: share
    /// of results ready on arrival, response times against no prediction, verification work
    Replay(replay_cmd::ReplayArgs),
    /// Write a realistic audit.k8s.io/v1 log of Helm charts installed and uninstalled in a
    /// cluster (controllers, scheduler, kubelets and all), of any size, for scale tests
    Simulate(simulate_cmd::SimulateArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Prepare(args) => prepare_cmd::run(args),
        Command::Train(args) => train_cmd::run(args),
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
