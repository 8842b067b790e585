//! `perfspec simulate`: a realistic audit log of Helm install/uninstall cycles, of any size.

use std::fs::File;
use std::io::{self, BufWriter, ErrorKind, Write};
use std::path::PathBuf;

use perfspec_simulate::{simulate, SimulationConfig, SimulationLimit, SimulationStats};

use crate::output::Failure;

const DEFAULT_EVENTS: u64 = 100_000;
const BYTES_PER_MB: f64 = 1_000_000.0;

#[derive(clap::Args)]
pub struct SimulateArgs {
    /// Number of events (lines) to write [default: 100000]
    #[arg(long, value_name = "N", conflicts_with = "size")]
    events: Option<u64>,
    /// Size of the log in megabytes (1 MB = 10^6 bytes), decimals allowed: it stops at the last
    /// whole event that fits
    #[arg(long, value_name = "MB", value_parser = parse_megabytes)]
    size: Option<u64>,
    /// Seed of the simulation: the same seed gives the same bytes
    #[arg(long, value_name = "S", default_value_t = 1)]
    seed: u64,
    /// Write the log to this file instead of standard output
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// `0.5` → 500,000 bytes.
fn parse_megabytes(text: &str) -> Result<u64, String> {
    let megabytes: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("\"{text}\" is not a number of megabytes"))?;
    if !megabytes.is_finite() || megabytes <= 0.0 {
        return Err(format!(
            "the size must be a positive number of megabytes, not {text}"
        ));
    }
    let bytes = (megabytes * BYTES_PER_MB).round();
    if bytes >= u64::MAX as f64 {
        return Err(format!("{text} MB is too large"));
    }
    Ok(bytes as u64)
}

pub fn run(args: SimulateArgs) -> Result<(), Failure> {
    let limit = match (args.size, args.events) {
        (Some(bytes), _) => SimulationLimit::Bytes(bytes),
        (None, Some(events)) => SimulationLimit::Events(events),
        (None, None) => SimulationLimit::Events(DEFAULT_EVENTS),
    };
    let config = SimulationConfig {
        seed: args.seed,
        limit,
    };
    let (result, destination) = match &args.out {
        Some(path) => {
            let file = File::create(path).map_err(|error| {
                Failure::usage(format!("cannot create {}: {error}", path.display()))
            })?;
            (write_log(&config, file), path.display().to_string())
        }
        None => (
            write_log(&config, io::stdout().lock()),
            "standard output".to_string(),
        ),
    };
    match result {
        Ok(stats) => {
            eprintln!(
                "perfspec: simulated {} events ({:.1} MB), {} installs, {} uninstalls (seed {}) to {destination}",
                stats.events,
                stats.bytes as f64 / BYTES_PER_MB,
                stats.installs,
                stats.uninstalls,
                args.seed,
            );
            Ok(())
        }
        // `perfspec simulate | head` closes the pipe early: that is the reader's choice, not an
        // error.
        Err(error) if error.kind() == ErrorKind::BrokenPipe => Ok(()),
        Err(error) => Err(Failure {
            code: 1,
            message: format!("cannot write to {destination}: {error}"),
        }),
    }
}

/// Runs the simulation into a 1 MiB buffer in front of `sink`, so the system sees few, large
/// writes.
fn write_log(config: &SimulationConfig, sink: impl Write) -> io::Result<SimulationStats> {
    let mut out = BufWriter::with_capacity(1 << 20, sink);
    let stats = simulate(config, &mut out)?;
    out.flush()?;
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_decimal_megabytes() {
        assert_eq!(parse_megabytes("0.5"), Ok(500_000));
        assert_eq!(parse_megabytes("200"), Ok(200_000_000));
        assert_eq!(parse_megabytes("1e-3"), Ok(1_000));
        assert!(parse_megabytes("0").is_err());
        assert!(parse_megabytes("-1").is_err());
        assert!(parse_megabytes("NaN").is_err());
        assert!(parse_megabytes("big").is_err());
    }
}
