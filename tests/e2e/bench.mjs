// Browser benchmark (see ARCHITECTURE.md, Tests and benchmarks): loads a generated audit log of
// SIZE megabytes through the page's file input, as a user would, and reports what the worker
// measured (throughput, WebAssembly memory) and the peak resident memory of all Chromium processes
// while it ran.
//
//   node tests/e2e/bench.mjs [SIZE_MB=1000]
//
// Needs dist/ built for /perfspec-learn/ and the perfspec CLI (it writes the log with
// `perfspec simulate --size SIZE_MB --seed 1`). Not part of `make test`: run `make bench-browser`.
// E2E_DIST=DIR serves another build than the repository's dist/ (one built with
// `trunk build --release --public-url /perfspec-learn/ --dist DIR`); BENCH_KEEP_LOG=1 keeps a
// large generated log for the next run.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkSite, launchChromium, sleep, startServer, waitUntil } from './site.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = path.resolve(process.env.E2E_DIST || path.join(REPO, 'dist'));
const BASE_PATH = '/perfspec-learn/';
const CHROMIUM = process.env.E2E_CHROMIUM || '/usr/bin/chromium';
const TARGET_DIR =
  process.env.CARGO_TARGET_DIR || path.join(os.homedir(), '.cache/perfspec/target');
const CLI = path.join(TARGET_DIR, 'release/perfspec');
const SIZE_MB = Number(process.argv[2] || 1000);

/**
 * Proportional set size (bytes) of every Chromium process on the machine, from /proc: the
 * benchmark's browser is the only one running, and its renderer and worker are separate
 * processes. PSS splits shared pages between the processes that share them, so the sum does not
 * count the browser's shared libraries once per process as an RSS sum would.
 */
function chromiumRss() {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      if (!/^Name:\s+(chromium|chrome)/m.test(status)) continue;
      const rollup = readFileSync(`/proc/${entry}/smaps_rollup`, 'utf8');
      total += Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] || 0) * 1024;
    } catch {
      // The process ended while we looked.
    }
  }
  return total;
}

async function main() {
  checkSite({ dist: DIST, basePath: BASE_PATH, chromium: CHROMIUM });
  if (!existsSync(CLI)) throw new Error(`${CLI} missing: cargo build --release -p perfspec-cli`);
  const log = path.join(os.tmpdir(), `perfspec-bench-${SIZE_MB}mb.log`);
  if (!existsSync(log)) {
    console.log(`# generating ${log}`);
    execFileSync(CLI, ['simulate', '--size', String(SIZE_MB), '--seed', '1', '--out', log], {
      stdio: 'inherit',
    });
  }
  const bytes = statSync(log).size;

  const notFound = [];
  const server = await startServer({ dist: DIST, basePath: BASE_PATH, notFound });
  const url = `http://127.0.0.1:${server.address().port}${BASE_PATH}`;
  const browser = await launchChromium(CHROMIUM);
  try {
    const page = await browser.newPage();
    await page.goto(url);
    await page.locator('[data-testid=file-input]').waitFor();
    const baseline = chromiumRss();
    let peak = baseline;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, chromiumRss());
        await sleep(200);
      }
    })();
    const started = Date.now();
    await page.locator('[data-testid=file-input]').setInputFiles(log);
    const stats = page.locator('[data-testid=load-stats]');
    await waitUntil(() => stats.count(), 30 * 60_000, 'the log never finished loading');
    const wall = (Date.now() - started) / 1000;
    sampling = false;
    await sampler;
    const read = {
      bytes: Number(await stats.getAttribute('data-bytes')),
      seconds: Number(await stats.getAttribute('data-read-seconds')),
      wasm: Number(await stats.getAttribute('data-wasm-memory-bytes')),
    };
    const events = (await page.locator('[data-testid=event-count]').innerText()).trim();
    const mb = (n) => (n / 1e6).toFixed(0);
    console.log(`log: ${mb(bytes)} MB (${log}), ${events} events kept`);
    console.log(
      `read in the worker: ${read.seconds.toFixed(2)} s = ${(read.bytes / 1e6 / read.seconds).toFixed(1)} MB/s`,
    );
    console.log(`wall time from choosing the file to the data view: ${wall.toFixed(1)} s`);
    console.log(`worker WebAssembly memory at the end (its peak): ${mb(read.wasm)} MB`);
    console.log(
      `Chromium memory (PSS, all processes): ${mb(baseline)} MB before, ${mb(peak)} MB peak, +${mb(peak - baseline)} MB`,
    );
  } finally {
    await browser.close();
    server.close();
    if (process.env.BENCH_KEEP_LOG !== '1' && SIZE_MB >= 500) unlinkSync(log);
  }
}

main().catch((error) => {
  console.error(`bench failed: ${error.message}`);
  process.exit(1);
});
