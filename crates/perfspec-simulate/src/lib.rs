//! Realistic `audit.k8s.io/v1` audit logs of a cluster where Helm charts are installed and
//! uninstalled in cycles, of any size, for scale tests and benchmarks.
//!
//! The log is what a kubeadm 1.26 API server writes under the PerfSPEC dataset's policy
//! (Metadata level, no `RequestReceived` stage) while a script installs and uninstalls charts of
//! the 60 most-starred on Artifact Hub:
//! - Helm's own requests: discovery, release history, CRDs, the `get` before every create,
//!   the namespace, the release record (`sh.helm.release.v1.NAME.v1`), hook jobs with their
//!   RBAC, every rendered object, and on uninstall the deletes and the release record's removal,
//!   followed by `kubectl delete namespace`;
//! - the controllers' reactions: ReplicaSets and pods, bindings by the scheduler, pod status from
//!   the kubelets, endpoints and endpoint slices, the garbage collector, the namespace
//!   controller's `deletecollection` sweep, CRDs established by the API server, chart operators;
//! - the background every real log has: informers' lists and watches, leader and node leases,
//!   events, discovery, health probes.
//!
//! Output is produced in one pass with memory independent of its size, is the same bytes for
//! the same seed, and builds for `wasm32` (no clock, threads or system randomness: the seed
//! drives a ChaCha8 generator and the simulated clock starts at a seed-chosen date in 2023).
//!
//! ```
//! use perfspec_simulate::{simulate, SimulationConfig, SimulationLimit};
//!
//! let mut log = Vec::new();
//! let config = SimulationConfig { seed: 7, limit: SimulationLimit::Events(1_000) };
//! let stats = simulate(&config, &mut log).unwrap();
//! assert_eq!(stats.events, 1_000);
//! assert_eq!(stats.bytes, log.len() as u64);
//! assert_eq!(log.iter().filter(|byte| **byte == b'\n').count(), 1_000);
//! ```

mod catalog;
mod cluster;
mod controllers;
mod event_writer;
mod helm;

use std::io::Write;

use serde::{Deserialize, Serialize};

use cluster::Cluster;
use event_writer::FLUSH_AT;

/// When the generator stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SimulationLimit {
    /// Exactly this many events (lines).
    Events(u64),
    /// As many whole events as fit in this many bytes: the output never exceeds it and falls
    /// short by less than one event.
    Bytes(u64),
}

/// What to simulate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimulationConfig {
    /// Everything (cluster size, start date, charts, timings, audit IDs) follows from the seed.
    pub seed: u64,
    pub limit: SimulationLimit,
}

impl Default for SimulationConfig {
    fn default() -> Self {
        Self {
            seed: 1,
            limit: SimulationLimit::Events(100_000),
        }
    }
}

/// What was written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimulationStats {
    pub events: u64,
    pub bytes: u64,
    /// `helm install` commands begun (the last may be cut short by the limit).
    pub installs: u64,
    /// `helm uninstall` commands begun.
    pub uninstalls: u64,
}

/// Writes a simulated audit log to `out`, one JSON event per line, until the limit.
///
/// Output goes to `out` in blocks of about 256 KiB, so a buffered writer is not needed; `out`
/// is flushed at the end. An error from `out` stops the simulation and is returned.
pub fn simulate(
    config: &SimulationConfig,
    out: &mut impl Write,
) -> std::io::Result<SimulationStats> {
    let mut cluster = Cluster::new(config.seed, config.limit);
    loop {
        let more = cluster.step();
        if !more || cluster.pending_len() >= FLUSH_AT {
            cluster.drain(|text| out.write_all(text.as_bytes()))?;
        }
        if !more {
            break;
        }
    }
    out.flush()?;
    Ok(SimulationStats {
        events: cluster.log.events(),
        bytes: cluster.log.bytes(),
        installs: cluster.installs,
        uninstalls: cluster.uninstalls,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(seed: u64, limit: SimulationLimit) -> (Vec<u8>, SimulationStats) {
        let mut out = Vec::new();
        let stats = simulate(&SimulationConfig { seed, limit }, &mut out).unwrap();
        (out, stats)
    }

    #[test]
    fn the_same_seed_gives_the_same_bytes() {
        let (first, _) = run(42, SimulationLimit::Events(20_000));
        let (second, _) = run(42, SimulationLimit::Events(20_000));
        assert!(first == second);
        let (other, _) = run(43, SimulationLimit::Events(20_000));
        assert!(first != other);
    }

    #[test]
    fn an_event_limit_gives_exactly_that_many_lines() {
        for limit in [0, 1, 2, 999, 12_345] {
            let (out, stats) = run(3, SimulationLimit::Events(limit));
            assert_eq!(stats.events, limit);
            assert_eq!(
                out.iter().filter(|byte| **byte == b'\n').count() as u64,
                limit
            );
            assert_eq!(stats.bytes, out.len() as u64);
        }
    }

    #[test]
    fn a_byte_limit_is_met_within_one_event() {
        for limit in [0, 100, 5_000, 3_000_000] {
            let (out, stats) = run(5, SimulationLimit::Bytes(limit));
            assert_eq!(out.len() as u64, stats.bytes);
            assert!(stats.bytes <= limit);
            let longest = out
                .split(|byte| *byte == b'\n')
                .map(|line| line.len() as u64 + 1)
                .max()
                .unwrap_or(0);
            assert!(
                limit - stats.bytes < longest.max(2_000),
                "{limit}: {}",
                stats.bytes
            );
        }
    }

    #[test]
    fn a_failing_writer_stops_the_simulation() {
        struct Broken;
        impl Write for Broken {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::ErrorKind::BrokenPipe.into())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let config = SimulationConfig {
            seed: 1,
            limit: SimulationLimit::Events(1_000_000),
        };
        let error = simulate(&config, &mut Broken).unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::BrokenPipe);
    }

    #[test]
    fn helm_installs_and_uninstalls_in_cycles() {
        let (_, stats) = run(9, SimulationLimit::Events(150_000));
        assert!(stats.installs >= 5, "{stats:?}");
        assert!(stats.uninstalls >= 2, "{stats:?}");
    }
}
