//! The setting of the large replay benchmarks, natively (`replay_large.rs`) and in
//! WebAssembly (`benches/replay_wasm.rs` of the web crate, which includes this file): the test
//! part of a simulated log of 1 M audit events (seed 1), every learner fitted at window 2, and
//! the whole grid k = 1..20 × horizon = 1..5.

use perfspec::dataset::{split_windows, SplitMode, SplitWindows};
use perfspec::ingest::Ingestor;
use perfspec::models::{
    BaselineParams, BayesianNetwork, BnParams, ComposeModel, ComposeParams, FitData, Learner,
    LstmModel, LstmParams, MostFrequentModel, RepeatLastModel,
};
use perfspec::models::{NextEventModel, NgramModel};
use perfspec::prepare::{prepare, PrepareOptions};
use perfspec::replay::{test_timeline, ReplayConfig, Timeline};
use perfspec_simulate::{simulate, SimulationConfig, SimulationLimit};

/// Audit events (lines) of the simulated log; the paper's preset keeps about a sixth.
pub const LOG_EVENTS: u64 = 1_000_000;
pub const WINDOW: usize = 2;

/// Everything a replay of one model needs, fitted and ready.
pub struct LargeReplay {
    pub split: SplitWindows,
    pub timeline: Timeline,
    pub grid: ReplayConfig,
    pub costs: Vec<f64>,
    /// Each learner by name.
    pub models: Vec<(&'static str, Box<dyn NextEventModel>)>,
    pub kept_events: usize,
    pub types: usize,
}

/// Hands what the simulator writes to the reader as it comes: 815 MB of text is never held.
struct IntoIngestor<'a>(&'a mut Ingestor);

impl std::io::Write for IntoIngestor<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.push(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl LargeReplay {
    /// Simulates, reads and prepares the log, and fits every learner; the LSTM for
    /// `lstm_epochs` only, since a replay's cost is its predictions, not its accuracy.
    pub fn new(lstm_epochs: usize) -> Self {
        let mut ingestor = Ingestor::default();
        ingestor.start_file("simulated.log");
        let config = SimulationConfig {
            seed: 1,
            limit: SimulationLimit::Events(LOG_EVENTS),
        };
        simulate(&config, &mut IntoIngestor(&mut ingestor)).expect("read as it is written");
        ingestor.finish_file();
        let (records, _) = ingestor.finish();
        let data = prepare(&records, &PrepareOptions::perfspec());
        drop(records);
        let split = split_windows(&data, WINDOW, SplitMode::Chrono);
        let fit = FitData {
            train: &split.train,
            validation: &split.validation,
            vocabulary: &data.vocabulary,
            seed: 1,
            measure: perfspec::evaluate::validation_scores,
        };
        let baseline = BaselineParams::default();
        let lstm = LstmParams {
            epochs: lstm_epochs,
            ..LstmParams::default()
        };
        let models: Vec<(&'static str, Box<dyn NextEventModel>)> = vec![
            (
                "ngram",
                Box::new(NgramModel::fit(&split.train, data.vocabulary.len())),
            ),
            (
                "bn",
                Box::new(
                    BayesianNetwork::learn(&fit, &BnParams::default(), &mut |_| true).unwrap(),
                ),
            ),
            (
                "lstm",
                Box::new(LstmModel::learn(&fit, &lstm, &mut |_| true).unwrap()),
            ),
            (
                "mfe",
                Box::new(MostFrequentModel::learn(&fit, &baseline, &mut |_| true).unwrap()),
            ),
            (
                "repeat",
                Box::new(RepeatLastModel::learn(&fit, &baseline, &mut |_| true).unwrap()),
            ),
            (
                "compose",
                Box::new(
                    ComposeModel::learn(&fit, &ComposeParams::default(), &mut |_| true).unwrap(),
                ),
            ),
        ];
        let timeline = test_timeline(&data, &split.test).expect("a chronological split");
        let grid = ReplayConfig {
            ks: (1..=20).collect(),
            horizons: (1..=5).collect(),
            ..ReplayConfig::default()
        };
        let (costs, _) = grid.cost.resolve(&data.vocabulary);
        Self {
            split,
            timeline,
            grid,
            costs,
            models,
            kept_events: data.events.len(),
            types: data.vocabulary.len(),
        }
    }

    /// The figures of the setting, for the benchmark's log.
    pub fn describe(&self) -> String {
        format!(
            "{} events kept of {LOG_EVENTS}, {} types, {} replayed",
            self.kept_events, self.types, self.timeline.events
        )
    }
}
