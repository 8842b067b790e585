//! The proactive replay: the verifier on hand-made arrivals whose response times are
//! worked out by hand, plans from a model, and the whole replay on hand-made and bundled logs.

mod common;

use perfspec::clock::SystemClock;
use perfspec::dataset::{split_windows, SplitMode, Windows};
use perfspec::ingest::Ingestor;
use perfspec::models::{ModelKind, NgramModel};
use perfspec::pipeline::TrainConfig;
use perfspec::prepare::{prepare, PrepareOptions, PreparedData};
use perfspec::replay::{
    candidate_share, forecast, replay, simulate, test_timeline, Arrival, OnArrival, Outcome,
    ReplayConfig, ReplayReport, Reuse, VerificationCost, VerifierSettings,
};

// Types of the hand-made arrivals.
const A: u32 = 0;
const B: u32 = 1;
const C: u32 = 2;
const D: u32 = 3;
/// Every type costs 100 ms to verify in the hand-made cases.
const COSTS: [f64; 4] = [100.0; 4];

fn event(time_ms: f64, event_type: u32, plan: &[&[u32]]) -> Arrival {
    Arrival {
        time_ms,
        sequence: 0,
        event_type,
        measured: true,
        plan: plan.iter().map(|step| step.to_vec()).collect(),
    }
}

/// The event that opens a replay: predicted from, not measured.
fn context(time_ms: f64, plan: &[&[u32]]) -> Arrival {
    Arrival {
        measured: false,
        ..event(time_ms, A, plan)
    }
}

fn settings(k: usize, horizon: usize, workers: usize) -> VerifierSettings {
    VerifierSettings {
        k,
        horizon,
        workers,
        lookup_ms: 1.0,
        reuse: Reuse::PerPrediction,
        on_arrival: OnArrival::Inline,
    }
}

fn assert_close(actual: f64, expected: f64) {
    assert!((actual - expected).abs() < 1e-9, "{actual} != {expected}");
}

fn assert_outcome(outcome: &Outcome, responses: &[f64], work_ms: f64, wasted_ms: f64) {
    assert_eq!(outcome.responses_ms, responses, "responses");
    assert_close(outcome.work_ms, work_ms);
    assert_close(outcome.wasted_ms, wasted_ms);
}

#[test]
fn hit_on_time_answers_from_the_precomputed_result() {
    // t=0: the plan on the context event wants B; the worker verifies it over 0..100.
    // t=150: B arrives, its result ready since 100: the lookup, 1 ms.
    let arrivals = [context(0.0, &[&[B]]), event(150.0, B, &[])];
    let outcome = simulate(&arrivals, &COSTS, settings(1, 1, 1));
    assert_outcome(&outcome, &[1.0], 100.0, 0.0);
    assert_eq!((outcome.ready, outcome.under_way), (1, 0));
    assert_eq!(outcome.ready_share(), 1.0);
}

#[test]
fn hit_late_waits_for_the_verification_under_way() {
    // B is verified over 0..100 and arrives at 40: it waits the remaining 60 ms.
    let arrivals = [context(0.0, &[&[B]]), event(40.0, B, &[])];
    let outcome = simulate(&arrivals, &COSTS, settings(1, 1, 1));
    assert_outcome(&outcome, &[60.0], 100.0, 0.0);
    assert_eq!((outcome.ready, outcome.under_way), (0, 1));
    // Finishing just after the arrival still costs at least the lookup.
    let arrivals = [context(0.0, &[&[B]]), event(99.5, B, &[])];
    let outcome = simulate(&arrivals, &COSTS, settings(1, 1, 1));
    assert_eq!(outcome.responses_ms, [1.0]);
}

#[test]
fn a_miss_is_verified_on_arrival_and_the_wrong_guess_is_wasted() {
    // C is precomputed over 0..100 (done before B arrives, so nothing is cancelled); B arrives
    // at 150 with no result and costs its whole 100 ms. Work: C 100 + B 100, half wasted.
    let arrivals = [context(0.0, &[&[C]]), event(150.0, B, &[])];
    let outcome = simulate(&arrivals, &COSTS, settings(1, 1, 1));
    assert_outcome(&outcome, &[100.0], 200.0, 100.0);
    assert_eq!(outcome.wasted_share(), 0.5);
    assert_eq!(outcome.work_per_event_ms(), 200.0);
    // B arriving at 30 instead: C, still running, can answer nothing any more (its plan
    // covered only this event) and is cancelled after 30 ms of work.
    let arrivals = [context(0.0, &[&[C]]), event(30.0, B, &[])];
    let outcome = simulate(&arrivals, &COSTS, settings(1, 1, 1));
    assert_outcome(&outcome, &[100.0], 130.0, 30.0);
}

#[test]
fn the_baseline_verifies_every_event_on_arrival() {
    let arrivals = [
        context(0.0, &[&[B]]),
        event(5.0, B, &[&[C]]),
        event(7.0, C, &[]),
    ];
    let outcome = simulate(&arrivals, &COSTS, settings(1, 1, 1).baseline());
    assert_outcome(&outcome, &[100.0, 100.0], 200.0, 0.0);
}

#[test]
fn cache_reuse_answers_a_type_again_within_its_lifetime() {
    // t=0: B precomputed over 0..100. t=200: B arrives, ready (1 ms); the plan wants C, verified
    // over 200..300. t=250: B again.
    let arrivals = [
        context(0.0, &[&[B]]),
        event(200.0, B, &[&[C]]),
        event(250.0, B, &[]),
    ];
    // Per prediction B's result was spent on the first B: the second is verified on arrival
    // (100), and C, which can answer nothing after it, is cancelled at 250 after 50 ms.
    // Work 100 + 50 + 100, wasted 50.
    let outcome = simulate(&arrivals, &COSTS, settings(1, 1, 1));
    assert_outcome(&outcome, &[1.0, 100.0], 250.0, 50.0);
    // With a 1000 ms lifetime, B's result (done at 100) still holds at 250: 1 ms. C runs to its
    // end (its result would be kept) and is never used. Work 200, wasted 100.
    let cached = VerifierSettings {
        reuse: Reuse::Lifetime(1000.0),
        ..settings(1, 1, 1)
    };
    let outcome = simulate(&arrivals, &COSTS, cached);
    assert_outcome(&outcome, &[1.0, 1.0], 200.0, 100.0);
    // With 100 ms, B's result expired at 200: verified on arrival. Work 100 + 100 + 100.
    let short = VerifierSettings {
        reuse: Reuse::Lifetime(100.0),
        ..settings(1, 1, 1)
    };
    let outcome = simulate(&arrivals, &COSTS, short);
    assert_outcome(&outcome, &[1.0, 100.0], 300.0, 100.0);
}

#[test]
fn more_workers_verify_more_candidates_in_time() {
    // The plan ranks B, C, D; D arrives at 150.
    let arrivals = [context(0.0, &[&[B, C, D]]), event(150.0, D, &[])];
    // One worker: B 0..100, C 100..200, D still queued at 150, so D is verified on arrival
    // (100) and C, useless now, cancelled at 150 after 50 ms. Work 100 + 50 + 100.
    let one = simulate(&arrivals, &COSTS, settings(3, 1, 1));
    assert_outcome(&one, &[100.0], 250.0, 150.0);
    // Two workers: B and C over 0..100, D over 100..200: under way at 150, 50 ms left.
    let two = simulate(&arrivals, &COSTS, settings(3, 1, 2));
    assert_outcome(&two, &[50.0], 300.0, 200.0);
    assert_eq!(two.under_way, 1);
    // Three workers: all three over 0..100: D ready at 150.
    let three = simulate(&arrivals, &COSTS, settings(3, 1, 3));
    assert_outcome(&three, &[1.0], 300.0, 200.0);
    // With k = 1 only B is verified: D is a miss whatever the workers.
    let narrow = simulate(&arrivals, &COSTS, settings(1, 1, 3));
    assert_outcome(&narrow, &[100.0], 200.0, 100.0);
}

#[test]
fn horizon_two_precomputes_the_event_after_next() {
    // Plan on the context event (#1): step 1 B, step 2 C; queue B, C. B over 0..100.
    // t=50: B (#2) arrives, under way: 50 ms. Its plan: step 1 D (new), step 2 C (queued, still
    // covering #3: kept, not verified twice); queue D, C: D over 100..200, C over 200..300.
    // t=350: C (#3) arrives, ready: 1 ms. D was never used.
    let arrivals = [
        context(0.0, &[&[B], &[C]]),
        event(50.0, B, &[&[D], &[C]]),
        event(350.0, C, &[]),
    ];
    let two = simulate(&arrivals, &COSTS, settings(1, 2, 1));
    assert_outcome(&two, &[50.0, 1.0], 300.0, 100.0);
    assert_eq!((two.ready, two.under_way), (1, 1));
    // Horizon 1: C is never planned for #3 and costs 100 on arrival; D (done at 200) wasted.
    let one = simulate(&arrivals, &COSTS, settings(1, 1, 1));
    assert_outcome(&one, &[50.0, 100.0], 300.0, 100.0);
    // The timing-free share: B was among the first plan's candidates; C only among the
    // step-2 candidates of the plans covering it.
    assert_eq!(candidate_share(&arrivals, 1, 1), 0.5);
    assert_eq!(candidate_share(&arrivals, 1, 2), 1.0);
}

#[test]
fn a_result_does_not_outlive_its_plans_horizon() {
    // k = 1, h = 2. t=0: the plan on #1 wants B then C (both cover #2..#3): B over 0..100,
    // C over 100..200.
    // t=300: D (#2), no result: 100. Its plan keeps B (still covering #3) and wants D: D over
    // 300..400.
    // t=500: A (#3), no result: 100. Its plan wants B again, but B's result covered only up to
    // #3: a new verification, over 500..600 (A's, behind it, never starts).
    // t=550: B (#4) waits for it: 50 ms. (Were results kept while predicted, B would be ready.)
    let arrivals = [
        context(0.0, &[&[B], &[C]]),
        event(300.0, D, &[&[B], &[D]]),
        event(500.0, A, &[&[B], &[A]]),
        event(550.0, B, &[]),
    ];
    let outcome = simulate(&arrivals, &COSTS, settings(1, 2, 1));
    // Work: B, C, D on arrival, D, A on arrival, B again; the first B, C and D wasted.
    assert_outcome(&outcome, &[100.0, 100.0, 50.0], 600.0, 300.0);
}

#[test]
fn queued_arrivals_wait_for_workers_and_so_does_the_baseline() {
    let queued = VerifierSettings {
        on_arrival: OnArrival::Queued,
        ..settings(1, 2, 1)
    };
    // No prediction, B at 10 and C at 20 on one worker: B over 10..110 (100 ms), C over
    // 110..210 (190 ms).
    let burst = [context(0.0, &[]), event(10.0, B, &[]), event(20.0, C, &[])];
    let outcome = simulate(&burst, &COSTS, queued.baseline());
    assert_outcome(&outcome, &[100.0, 190.0], 200.0, 0.0);
    // A precomputation that may still answer a later event holds the worker: C (step 1) and D
    // (step 2) are planned; C runs over 0..100. B arrives at 10, finds nothing, and queues
    // ahead of D: it runs over 100..200, 190 ms. C, covering #3 too, was not cancelled.
    let arrivals = [context(0.0, &[&[C], &[D]]), event(10.0, B, &[])];
    let outcome = simulate(&arrivals, &COSTS, queued);
    assert_outcome(&outcome, &[190.0], 200.0, 100.0);
    // A precomputation taken over: B planned at 0 behind C on one worker (k = 2); B arrives at
    // 50 while still queued and its verification becomes the arrival's. C can answer nothing
    // after #2 and is cancelled at 50 (50 ms of work), so B runs over 50..150: 100 ms.
    let arrivals = [context(0.0, &[&[C, B]]), event(50.0, B, &[])];
    let outcome = simulate(
        &arrivals,
        &COSTS,
        VerifierSettings {
            k: 2,
            horizon: 1,
            ..queued
        },
    );
    assert_outcome(&outcome, &[100.0], 150.0, 50.0);
}

#[test]
fn sequences_share_the_workers() {
    let second = |arrival: Arrival| Arrival {
        sequence: 1,
        ..arrival
    };
    // Both contexts at 0: B for sequence 0, then C for sequence 1, on one worker: B over
    // 0..100, C over 100..200. Sequence 0's B at 120 is ready (1); sequence 1's C at 150 waits
    // 50 ms.
    let arrivals = [
        context(0.0, &[&[B]]),
        second(context(0.0, &[&[C]])),
        event(120.0, B, &[]),
        second(event(150.0, C, &[])),
    ];
    let outcome = simulate(&arrivals, &COSTS, settings(1, 1, 1));
    assert_outcome(&outcome, &[1.0, 50.0], 200.0, 0.0);
}

/// A model fitted on a cycle create → update → delete of pods.
fn cycle_model() -> NgramModel {
    let cycle = [A, B, C];
    let mut windows = Windows::new(1);
    for position in 0..60 {
        windows.push(&[cycle[position % 3]], cycle[(position + 1) % 3]);
    }
    NgramModel::fit(&windows, 3)
}

#[test]
fn plans_follow_the_models_own_predictions_ahead() {
    let model = cycle_model();
    let plan = forecast(&model, &[A, B], 2, 3, 4);
    assert_eq!(plan.len(), 3);
    assert_eq!(plan[0][0], C, "after B comes C");
    assert_eq!(plan[1][0], A, "then A");
    assert_eq!(plan[2][0], B, "then B");
    assert!(plan.iter().all(|step| step.len() == 2));
    // A larger k extends the ranking without changing it.
    let wider = forecast(&model, &[A, B], 3, 3, 4);
    for (narrow, wide) in plan.iter().zip(&wider) {
        assert_eq!(narrow[..], wide[..2]);
    }
}

/// An audit.k8s.io/v1 log of `count` events cycling create, update, delete of pods, one every
/// `spacing_ms`.
fn cycle_log(count: usize, spacing_ms: u64) -> PreparedData {
    let verbs = ["create", "update", "delete"];
    let mut log = String::new();
    for index in 0..count {
        let ms = index as u64 * spacing_ms;
        log.push_str(&format!(
            "{{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Metadata\",\
             \"auditID\":\"id-{index}\",\"stage\":\"ResponseComplete\",\"verb\":\"{}\",\
             \"user\":{{\"username\":\"helm\"}},\"objectRef\":{{\"resource\":\"pods\",\
             \"namespace\":\"demo\",\"name\":\"p\"}},\"responseStatus\":{{\"code\":200}},\
             \"requestReceivedTimestamp\":\"2024-05-01T10:{:02}:{:02}.{:03}000Z\"}}\n",
            verbs[index % 3],
            ms / 60_000,
            ms / 1000 % 60,
            ms % 1000
        ));
    }
    let mut ingestor = Ingestor::default();
    ingestor.start_file("cycle.log");
    ingestor.push(log.as_bytes());
    let (records, _) = ingestor.finish();
    prepare(&records, &PrepareOptions::perfspec())
}

fn run(
    data: &PreparedData,
    models: &[ModelKind],
    windows: &[usize],
    config: &ReplayConfig,
) -> ReplayReport {
    let train = TrainConfig {
        models: models.to_vec(),
        windows: windows.to_vec(),
        ..TrainConfig::default()
    };
    replay(data, &train, config, &SystemClock::default(), &mut |_| true).expect("replays")
}

#[test]
fn a_perfect_predictor_on_a_spaced_log_answers_every_event_from_its_result() {
    // 24 events one second apart; at window 1 the chronological split tests the last 4
    // (23 windows: 16 train, 3 validate, 4 test). The n-gram learns the cycle, so each plan's
    // first candidate is the next event, verified over 600 ms of the 1000 ms gap: ready.
    let data = cycle_log(24, 1000);
    assert_eq!(data.events.len(), 24);
    assert!(data.times.iter().all(|time| time.is_finite()));
    let config = ReplayConfig {
        ks: vec![1, 3],
        horizons: vec![1],
        ..ReplayConfig::default()
    };
    let report = run(&data, &[ModelKind::Ngram], &[1], &config);
    assert!(report.timed);
    assert_eq!(report.timelines[0].events, 4);
    assert_eq!(report.timelines[0].adjusted_times, 0);
    let top1 = &report.rows[0];
    assert_eq!((top1.k, top1.horizon), (1, 1));
    assert_eq!(top1.ready_share, Some(1.0));
    assert_eq!(top1.response_ms_median, Some(1.0));
    assert_eq!(top1.baseline_ms, Some(600.0));
    assert_eq!(top1.work_per_event_ms, Some(600.0));
    assert_eq!(top1.wasted_share, Some(0.0));
    // k = 3, one worker: the second candidate starts at 600 and is cancelled at the next
    // arrival (1000) after 400 ms; the third never starts. 1000 ms of work per event, 40% waste.
    let top3 = &report.rows[1];
    assert_eq!(top3.ready_share, Some(1.0));
    assert_close(top3.work_per_event_ms.unwrap(), 1000.0);
    assert_close(top3.wasted_share.unwrap(), 0.4);
    assert_eq!(report.best[0].k, 1, "as fast, for less work");
    // Events further apart than c: one worker with queued arrivals has no queue either.
    let queued = ReplayConfig {
        on_arrival: OnArrival::Queued,
        ..config
    };
    let report = run(&data, &[ModelKind::Mfe], &[1], &queued);
    assert!(report.rows.iter().all(|row| row.baseline_ms == Some(600.0)));
}

#[test]
fn a_log_without_timestamps_gets_the_timing_free_share_only() {
    let tokens: String = (0..30)
        .map(|index| ["create_pods\n", "update_pods\n", "delete_pods\n"][index % 3])
        .collect();
    let mut ingestor = Ingestor::default();
    ingestor.start_file("events.txt");
    ingestor.push(tokens.as_bytes());
    let (records, _) = ingestor.finish();
    let data = prepare(&records, &PrepareOptions::perfspec());
    assert_eq!(data.events.len(), 30);
    assert!(data.times.iter().all(|time| time.is_nan()));
    let json = serde_json::to_value(&data).unwrap();
    assert!(json.get("times").is_none(), "no times, no field");
    let report = run(&data, &[ModelKind::Ngram], &[1], &ReplayConfig::default());
    assert!(!report.timed);
    assert!(report
        .notes
        .iter()
        .any(|note| note.contains("no receive timestamps")));
    assert!(report.best.is_empty());
    for row in &report.rows {
        assert_eq!(row.ready_share, None);
        assert_eq!(row.response_ms_median, None);
        assert_eq!(row.baseline_ms, None);
        assert_eq!(row.candidate_share, 1.0, "the cycle is always predicted");
    }
}

#[test]
fn a_random_split_is_refused() {
    let data = cycle_log(24, 1000);
    let train = TrainConfig {
        split: SplitMode::Random,
        ..TrainConfig::default()
    };
    let Err(error) = replay(
        &data,
        &train,
        &ReplayConfig::default(),
        &SystemClock::default(),
        &mut |_| true,
    ) else {
        panic!("a random split is replayed");
    };
    assert!(error.to_string().contains("chronological"), "{error}");
    let split = split_windows(&data, 1, SplitMode::Random);
    assert!(test_timeline(&data, &split.test).is_err());
}

#[test]
fn a_cost_file_prices_each_type() {
    // Only update_pods is slow: 5000 ms, more than the gap, so it is never ready in time.
    let data = cycle_log(24, 1000);
    let config = ReplayConfig {
        ks: vec![1],
        horizons: vec![1],
        cost: VerificationCost::from_csv("type,cost_ms\nupdate_pods,5000\nget_x,1\n", 100.0)
            .unwrap(),
        ..ReplayConfig::default()
    };
    let report = run(&data, &[ModelKind::Ngram], &[1], &config);
    let row = &report.rows[0];
    assert!(row.ready_share.unwrap() < 1.0);
    assert!(row.response_ms_p99.unwrap() <= 5000.0);
    assert!(report.notes.iter().any(|note| note.contains("get_x")));
}

#[test]
fn prepared_data_keeps_each_events_receive_time() {
    let data = common::sample();
    assert_eq!(data.times.len(), data.events.len());
    assert!(data.times.iter().all(|time| time.is_finite()));
    // 2023-01-27, as the sample's time span says.
    assert!((1_674_777_600.0..1_674_864_000.0).contains(&data.times[0]));
    let json = serde_json::to_string(&data).unwrap();
    let back: PreparedData = serde_json::from_str(&json).unwrap();
    assert_eq!(back.times.len(), data.times.len());
    // JSON text keeps microseconds (serde_json may round the last bit of an f64).
    let worst = back
        .times
        .iter()
        .zip(&data.times)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    assert!(worst < 1e-6, "{worst}");
}

/// Invariants of the replay on the bundled sample, with the fast models.
#[test]
fn replay_of_the_sample_keeps_its_invariants() {
    let data = common::sample();
    let models = [ModelKind::Ngram, ModelKind::Mfe, ModelKind::Repeat];
    let config = ReplayConfig {
        ks: vec![1, 3, 9],
        horizons: vec![1, 2, 3],
        ..ReplayConfig::default()
    };
    let report = run(&data, &models, &[1, 2], &config);
    assert!(report.timed);
    assert!(report
        .timelines
        .iter()
        .all(|timeline| timeline.events == 325));
    assert_eq!(report.rows.len(), 3 * 2 * 3 * 3);
    for row in &report.rows {
        let ready = row.ready_share.unwrap();
        let under_way = row.under_way_share.unwrap();
        assert!((0.0..=1.0).contains(&ready) && (0.0..=1.0).contains(&row.candidate_share));
        // Per prediction, only a planned type can have a result: ready or under way implies
        // among the candidates.
        assert!(ready + under_way <= row.candidate_share + 1e-12, "{row:?}");
        // Inline on arrival nothing queues: no response above c, and the baseline is c.
        assert!(row.response_ms_p99.unwrap() <= 600.0, "{row:?}");
        assert!(row.response_ms_mean.unwrap() <= 600.0);
        assert_eq!(row.baseline_ms, Some(600.0));
        assert_eq!(row.baseline_ms_p99, Some(600.0));
        assert!((0.0..=1.0).contains(&row.wasted_share.unwrap()));
        assert!(row.work_per_event_ms.unwrap() >= 0.0);
    }
    let find = |model: &str, window: usize, k: usize, horizon: usize| {
        report
            .rows
            .iter()
            .find(|row| {
                row.model == model && row.window == window && row.k == k && row.horizon == horizon
            })
            .unwrap()
    };
    for model in ["ngram", "mfe", "repeat"] {
        for window in [1, 2] {
            for horizon in [1, 2, 3] {
                let shares: Vec<f64> = [1, 3, 9]
                    .map(|k| find(model, window, k, horizon).candidate_share)
                    .into();
                assert!(
                    shares.windows(2).all(|pair| pair[0] <= pair[1]),
                    "{shares:?}"
                );
            }
            for k in [1, 3, 9] {
                let shares: Vec<f64> = [1, 2, 3]
                    .map(|h| find(model, window, k, h).candidate_share)
                    .into();
                assert!(
                    shares.windows(2).all(|pair| pair[0] <= pair[1]),
                    "{shares:?}"
                );
            }
        }
    }
    // At horizon 1 with a worker for every candidate (and one for an event still waiting),
    // each plan's candidates all start on arrival, so more candidates never lower the ready
    // share. (With fewer workers they can: a longer list holds the worker longer.)
    let wide = ReplayConfig {
        horizons: vec![1],
        workers: 10,
        ..config.clone()
    };
    let report = run(&data, &models, &[1, 2], &wide);
    for model in ["ngram", "mfe", "repeat"] {
        for window in [1, 2] {
            let ready: Vec<f64> = report
                .rows
                .iter()
                .filter(|row| row.model == model && row.window == window)
                .map(|row| row.ready_share.unwrap())
                .collect();
            assert_eq!(ready.len(), 3);
            assert!(
                ready.windows(2).all(|pair| pair[0] <= pair[1]),
                "{model} {window}: {ready:?}"
            );
        }
    }
    // Queued on arrival: the sample's bursts queue the baseline far beyond c with one worker,
    // and nothing answers faster than the lookup.
    let queued = ReplayConfig {
        ks: vec![1, 9],
        horizons: vec![1],
        on_arrival: OnArrival::Queued,
        ..config
    };
    let report = run(&data, &[ModelKind::Ngram], &[1], &queued);
    for row in &report.rows {
        assert!(row.baseline_ms.unwrap() > 600.0);
        assert!(row.response_ms_median.unwrap() >= 1.0);
    }
}
