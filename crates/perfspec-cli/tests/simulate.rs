//! `perfspec simulate` on the command line: its flags, its output, and its output read back by
//! `perfspec prepare` through a pipe.

use std::io::Read;
use std::process::{Command as Process, Stdio};

use assert_cmd::Command;
use serde_json::Value;

fn perfspec() -> Command {
    Command::cargo_bin("perfspec").unwrap()
}

fn lines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|byte| **byte == b'\n').count()
}

#[test]
fn simulate_writes_exactly_the_events_asked_for_to_stdout() {
    let output = perfspec()
        .args(["simulate", "--events", "2500"])
        .output()
        .unwrap();
    assert!(output.status.success());
    assert_eq!(lines(&output.stdout), 2500);
    let first: Value = serde_json::from_slice(output.stdout.split(|b| *b == b'\n').next().unwrap())
        .expect("a JSON event per line");
    assert_eq!(first["apiVersion"], "audit.k8s.io/v1");
    let summary = String::from_utf8(output.stderr).unwrap();
    assert_eq!(summary.lines().count(), 1, "{summary}");
    assert!(summary.contains("2500 events"), "{summary}");
    assert!(
        summary.contains("MB") && summary.contains("installs") && summary.contains("uninstalls")
    );
}

#[test]
fn simulate_defaults_to_a_hundred_thousand_events_of_seed_1() {
    let default = perfspec().arg("simulate").output().unwrap();
    assert!(default.status.success());
    assert_eq!(lines(&default.stdout), 100_000);
    let explicit = perfspec()
        .args(["simulate", "--events", "100000", "--seed", "1"])
        .output()
        .unwrap();
    assert!(default.stdout == explicit.stdout);
}

#[test]
fn simulate_size_accepts_decimal_megabytes_and_writes_a_file() {
    let directory = std::env::temp_dir().join(format!("perfspec-simulate-{}", std::process::id()));
    std::fs::create_dir_all(&directory).unwrap();
    let path = directory.join("log.ndjson");
    let output = perfspec()
        .args(["simulate", "--size", "0.5", "--seed", "4", "--out"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.stdout.is_empty(), "the log goes to the file only");
    let log = std::fs::read(&path).unwrap();
    let longest = log
        .split(|byte| *byte == b'\n')
        .map(|line| line.len() + 1)
        .max()
        .unwrap();
    assert!(
        log.len() <= 500_000 && 500_000 - log.len() < longest,
        "{}",
        log.len()
    );
    assert_eq!(log.last(), Some(&b'\n'));
    std::fs::remove_dir_all(&directory).unwrap();
}

#[test]
fn simulate_is_deterministic_per_seed() {
    let run = |seed: &str| {
        perfspec()
            .args(["simulate", "--events", "3000", "--seed", seed])
            .output()
            .unwrap()
            .stdout
    };
    assert!(run("17") == run("17"));
    assert!(run("17") != run("18"));
}

#[test]
fn simulate_rejects_bad_limits() {
    for args in [
        &["simulate", "--events", "10", "--size", "1"][..],
        &["simulate", "--size", "-1"],
        &["simulate", "--size", "lots"],
        &["simulate", "--events", "-5"],
    ] {
        let output = perfspec().args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(output.stdout.is_empty());
    }
}

#[test]
fn simulate_piped_into_prepare_reads_every_event() {
    let binary = assert_cmd::cargo::cargo_bin("perfspec");
    let mut simulate = Process::new(&binary)
        .args(["simulate", "--events", "5000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let prepare = Process::new(&binary)
        .args(["prepare", "--json", "-"])
        .stdin(simulate.stdout.take().unwrap())
        .output()
        .unwrap();
    assert!(simulate.wait().unwrap().success());
    assert!(
        prepare.status.success(),
        "{}",
        String::from_utf8_lossy(&prepare.stderr)
    );
    let summary: Value = serde_json::from_slice(&prepare.stdout).unwrap();
    assert_eq!(summary["records_read"], 5000);
    assert_eq!(summary["records_skipped"], 0);
    let events = summary["events"].as_u64().unwrap();
    assert!(events > 250 && events < 2500, "{events} of 5000 kept");
    let types: Vec<&str> = summary["vocabulary"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["type"].as_str().unwrap())
        .collect();
    assert!(types.contains(&"create_pods"), "{types:?}");
}

#[test]
fn simulate_ends_quietly_when_the_reader_goes_away() {
    let binary = assert_cmd::cargo::cargo_bin("perfspec");
    let mut simulate = Process::new(&binary)
        .args(["simulate", "--events", "10000000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = simulate.stdout.take().unwrap();
    let mut start = vec![0u8; 64 * 1024];
    stdout.read_exact(&mut start).unwrap();
    // Like `| head`: read a little, then close the pipe.
    drop(stdout);
    let status = simulate.wait().unwrap();
    let mut stderr = String::new();
    simulate
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(status.success(), "{status:?}: {stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}
