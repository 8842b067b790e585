// End-to-end tests of the built site (dist/) in Debian's headless Chromium.
//
//   node tests/e2e/run.mjs
//
// dist/ must have been built with `trunk build --release --public-url /perfspec-learn/`
// (scripts/check.sh does): the site is served under that sub-path, as GitHub Pages serves a
// project site, so a URL that assumes the site sits at `/` shows up as a 404 here.
// Environment: CARGO_TARGET_DIR (where the perfspec CLI was built), E2E_CHROMIUM (browser binary).
//
// To add a test, append { name, fn } to `tests`; fn gets a fresh page and throws to fail.
// Prints `ok - name` / `not ok - name: error` per test, then `N passed, M failed`; exits 1 on any
// failure. Screenshots go to tests/e2e/out/.

import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, unlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { checkSite, launchChromium, sleep, startServer, waitUntil } from './site.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = path.join(REPO, 'dist');
const OUT = path.join(REPO, 'tests/e2e/out');
const BASE_PATH = '/perfspec-learn/';
const CHROMIUM = process.env.E2E_CHROMIUM || '/usr/bin/chromium';
const TARGET_DIR =
  process.env.CARGO_TARGET_DIR || path.join(os.homedir(), '.cache/perfspec/target');
const CLI = path.join(TARGET_DIR, 'release/perfspec');

// Sample bundled in dist/ (audit-logs.csv): what the paper's parse.py keeps from it.
const SAMPLE_EVENTS = 2163;
const SAMPLE_TYPES = 146;
const FILE_INPUT_LOG = path.join(REPO, 'sample_logs/demo.v1beta1.log');
const SAMPLE_LOG = path.join(REPO, 'sample_logs/audit-logs.csv');
// The real logs CI lays beside the clone (see ../shared/data/README.md).
const SHARED = path.resolve(REPO, '../shared/data');

// Loading and training on 2 cores in a wasm worker is slow; these are upper bounds, not targets.
const LOAD_TIMEOUT = 60_000;
const RUN_TIMEOUT = 120_000;
const TEST_TIMEOUT = 240_000;

// ---------------------------------------------------------------------------------------------
// Browser and per-test pages

/** Requests the server could not answer from dist/; a page that asks for these is broken. */
const notFound = [];

/** Everything the pages did, across all tests, for the checks that look at the whole run. */
const seen = { errors: [], requests: [] };

let browser;
let origin;
let appUrl;
let currentTest = '';

async function newPage() {
  // A fresh context per test: no storage or cache carries over from one test to the next.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  // Context-level, so that requests made by the Web Worker are recorded too.
  context.on('request', (request) => {
    seen.requests.push({ test: currentTest, url: request.url() });
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => {
    seen.errors.push({ test: currentTest, text: `pageerror: ${error.message}` });
  });
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const where = message.location().url;
    // Chromium asks for /favicon.ico at the server's root by itself when the page names no icon;
    // on GitHub Pages that root is not the project's, so its 404 is not the page's fault.
    if (where === `${origin}/favicon.ico`) return;
    seen.errors.push({ test: currentTest, text: `console.error: ${message.text()} (${where})` });
  });
  page.on('worker', (worker) => {
    // The worker's console.error calls and uncaught errors already reach the page's 'console'
    // and 'pageerror' events (checked); only its script URL needs noting, for the privacy check.
    seen.requests.push({ test: currentTest, url: worker.url() });
  });
  return page;
}

async function openApp(page) {
  await page.goto(appUrl, { waitUntil: 'load' });
  const useSample = page.locator('[data-testid=use-sample]');
  await useSample.waitFor({ state: 'visible', timeout: LOAD_TIMEOUT });
  await waitUntil(() => useSample.isEnabled(), LOAD_TIMEOUT, 'use-sample button never enabled');
}

/** The integer a count element shows, thousands separators ("2,163", "2 163") removed. */
async function countOf(page, testid) {
  const locator = page.locator(`[data-testid=${testid}]`);
  if ((await locator.count()) === 0) return null;
  const digits = (await locator.first().innerText()).replace(/[\s,.'\u00a0\u202f]/g, '');
  return /^\d+$/.test(digits) ? Number(digits) : null;
}

async function waitForCounts(page, events, types) {
  let shown = {};
  try {
    await waitUntil(
      async () => {
        shown = {
          events: await countOf(page, 'event-count'),
          types: await countOf(page, 'type-count'),
        };
        return shown.events === events && shown.types === types;
      },
      RUN_TIMEOUT,
      `counts did not reach ${events} events / ${types} types`,
    );
  } catch (error) {
    throw new Error(`${error.message}; page shows ${JSON.stringify(shown)}`);
  }
}

async function screenshot(page, name) {
  const file = path.join(OUT, `${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`);
  await page.screenshot({ path: file, fullPage: true, timeout: 10_000 });
}

// ---------------------------------------------------------------------------------------------
// Tests

const ngramRow = (window) =>
  `[data-testid=results-table] tr[data-model=ngram][data-window="${window}"]`;

async function sampleData(page) {
  await openApp(page);
  await page.click('[data-testid=use-sample]');
  await waitForCounts(page, SAMPLE_EVENTS, SAMPLE_TYPES);

  // Training with the default windows 1,2 starts by itself; if this build needs a click, click.
  const rowsShown = async () =>
    (await page.locator(ngramRow(1)).count()) > 0 && (await page.locator(ngramRow(2)).count()) > 0;
  const early = await waitUntil(rowsShown, 5_000, 'no rows yet').catch(() => false);
  if (!early) {
    const train = page.locator('[data-testid=train]');
    if ((await train.count()) > 0 && (await train.first().isEnabled())) await train.first().click();
  }
  await waitUntil(rowsShown, RUN_TIMEOUT, 'results table has no n-gram rows for windows 1 and 2');

  const vocabulary = page.locator('[data-testid=vocabulary-table]');
  const rows = await vocabulary.locator('tbody tr').count();
  if (rows < 10) throw new Error(`vocabulary table has ${rows} body rows, expected at least 10`);
  const text = await vocabulary.innerText();
  if (!text.includes('update_secrets')) {
    throw new Error('vocabulary table does not list update_secrets');
  }
}

async function fileInput(page) {
  if (!existsSync(CLI)) {
    throw new Error(
      `perfspec CLI not found at ${CLI}; build it with \`cargo build --release -p perfspec-cli\` ` +
        '(same CARGO_TARGET_DIR)',
    );
  }
  const { stdout } = await promisify(execFile)(CLI, ['prepare', '--json', FILE_INPUT_LOG], {
    maxBuffer: 64 << 20,
  });
  const expected = JSON.parse(stdout);
  if (!Number.isInteger(expected.events) || !Number.isInteger(expected.types)) {
    throw new Error(`CLI output has no integer events/types: ${stdout.slice(0, 200)}`);
  }

  await openApp(page);
  await page.setInputFiles('[data-testid=file-input]', FILE_INPUT_LOG);
  await waitForCounts(page, expected.events, expected.types);
}

async function cancel(page) {
  await openApp(page);
  await page.click('[data-testid=use-sample]');
  const progress = page.locator('[data-testid=progress]');
  const cancelButton = page.locator('[data-testid=cancel]');
  try {
    await progress.waitFor({ state: 'visible', timeout: RUN_TIMEOUT });
    await cancelButton.click({ timeout: 5_000 });
  } catch (error) {
    // The run can finish before the progress bar is seen or clicked on a fast machine; the page
    // must then be idle anyway, which is checked below.
    console.log(`# cancel: could not cancel a running job (${error.message.split('\n')[0]})`);
  }
  const useSample = page.locator('[data-testid=use-sample]');
  await waitUntil(
    async () => (await useSample.isVisible()) && (await useSample.isEnabled()),
    2_000,
    'use-sample button not visible and enabled after cancel',
  );
}

/** What the CLI's `prepare --json` says of `files` with `flags`: the oracle for the page. */
async function cliPrepare(files, flags = []) {
  if (!existsSync(CLI)) {
    throw new Error(`perfspec CLI not found at ${CLI}; build it with \`cargo build --release -p perfspec-cli\``);
  }
  const { stdout } = await promisify(execFile)(CLI, ['prepare', '--json', ...flags, ...files], {
    maxBuffer: 64 << 20,
  });
  return JSON.parse(stdout);
}

/** Every learner of the default selection gives a row per window. */
async function models(page) {
  await openApp(page);
  await page.click('[data-testid=use-sample]');
  await waitForCounts(page, SAMPLE_EVENTS, SAMPLE_TYPES);
  for (const model of ['ngram', 'bn', 'mfe', 'repeat']) {
    for (const window of [1, 2]) {
      const row = `[data-testid=results-table] tr[data-model=${model}][data-window="${window}"]`;
      await waitUntil(() => page.locator(row).count(), RUN_TIMEOUT, `no ${model} row for window ${window}`);
    }
  }
  const structure = page.locator('[data-testid=bn-structure-2]');
  await waitUntil(() => structure.count(), 5_000, 'no Bayesian network structure shown');
  const summary = await structure.locator('summary').innerText();
  if (!/[1-9]\d* arcs/.test(summary)) throw new Error(`structure summary: ${summary}`);
}

/** A prepare option applied to loaded data gives the CLI's counts for the same flag. */
async function prepareOptions(page) {
  const expected = await cliPrepare([SAMPLE_LOG], ['--drop-deletecollection']);
  await openApp(page);
  await page.click('[data-testid=use-sample]');
  await waitForCounts(page, SAMPLE_EVENTS, SAMPLE_TYPES);
  await waitUntil(async () => !(await page.locator('[data-testid=progress]').count()), RUN_TIMEOUT, 'run never ended');
  await page.click('[data-testid=prepare-options] summary');
  await page.check('[data-testid=opt-drop-deletecollection]');
  await page.click('[data-testid=apply-prepare]');
  await waitForCounts(page, expected.events, expected.types);
  const funnel = await page.locator('[data-testid=funnel]').innerText();
  if (!funnel.includes('deletecollection')) throw new Error(`funnel does not name the step:\n${funnel}`);
}

/** A token file holding its run twice is flagged, and the one-click fix keeps one copy. */
async function repeatedRun(page) {
  const once = await cliPrepare([SAMPLE_LOG]);
  const tokenFile = path.join(os.tmpdir(), `perfspec-e2e-tokens-${process.pid}.txt`);
  await promisify(execFile)(CLI, ['prepare', '--tokens', tokenFile, SAMPLE_LOG]);
  const tokens = readFileSync(tokenFile, 'utf8').split('\n').filter(Boolean);
  unlinkSync(tokenFile);
  if (tokens.length !== once.events) throw new Error(`expected ${once.events} tokens, got ${tokens.length}`);
  const doubled = [...tokens, ...tokens].join('\n') + '\n';
  await openApp(page);
  await page.setInputFiles('[data-testid=file-input]', {
    name: 'doubled-tokens.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from(doubled),
  });
  await waitForCounts(page, 2 * once.events, once.types);
  const warning = page.locator('[data-testid=warning-repeated_run]');
  await warning.waitFor({ state: 'visible', timeout: RUN_TIMEOUT });
  await waitUntil(async () => !(await page.locator('[data-testid=progress]').count()), RUN_TIMEOUT, 'run never ended');
  await page.click('[data-testid=fix-repeated-run]');
  await waitForCounts(page, once.events, once.types);
}

/** Several files of different formats in one drop: each is read and its format named. */
async function formats(page) {
  const files = [
    path.join(SHARED, 'aks/sample_KubeAuditLog_event.json'),
    path.join(SHARED, 'falco/create_secret.json'),
    FILE_INPUT_LOG,
  ];
  const expected = await cliPrepare(files);
  await openApp(page);
  await page.setInputFiles('[data-testid=file-input]', files);
  await waitForCounts(page, expected.events, expected.types);
  const table = await page.locator('[data-testid=file-table]').innerText();
  for (const file of expected.files) {
    if (!table.includes(path.basename(file.file))) throw new Error(`file table lacks ${file.file}:\n${table}`);
  }
  const formatsShown = new Set(expected.files.map((f) => f.format));
  if (formatsShown.size < 2) throw new Error(`expected several formats, CLI saw ${[...formatsShown]}`);
}

async function noConsoleErrors() {
  // favicon.ico: see the console handler in newPage.
  const missing = notFound.filter((url) => url !== '/favicon.ico');
  const problems = [
    ...seen.errors.map((e) => `[${e.test}] ${e.text}`),
    ...missing.map((url) => `404 ${url}`),
  ];
  if (problems.length > 0) throw new Error(`\n    ${problems.join('\n    ')}`);
}

async function privacy() {
  if (seen.requests.length === 0) throw new Error('no requests were recorded at all');
  const foreign = seen.requests.filter(({ url }) => {
    if (url.startsWith('data:')) return false;
    try {
      // blob: URLs carry the origin that created them.
      return new URL(url).origin !== origin;
    } catch {
      return true;
    }
  });
  if (foreign.length > 0) {
    throw new Error(
      `requests left ${origin}:\n    ${foreign.map((r) => `[${r.test}] ${r.url}`).join('\n    ')}`,
    );
  }
}

// The last two look at what every earlier test's pages did, so they stay at the end.
const tests = [
  { name: 'sample data', fn: sampleData },
  { name: 'file input', fn: fileInput },
  { name: 'cancel', fn: cancel },
  { name: 'models', fn: models },
  { name: 'prepare options', fn: prepareOptions },
  { name: 'repeated run', fn: repeatedRun },
  { name: 'formats', fn: formats },
  { name: 'no console errors', fn: noConsoleErrors, page: false },
  { name: 'privacy', fn: privacy, page: false },
];

// ---------------------------------------------------------------------------------------------
// Runner

function withTimeout(promise, ms, name) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} timed out after ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function main() {
  checkSite({ dist: DIST, basePath: BASE_PATH, chromium: CHROMIUM });
  mkdirSync(OUT, { recursive: true });

  const server = await startServer({ dist: DIST, basePath: BASE_PATH, notFound });
  origin = `http://127.0.0.1:${server.address().port}`;
  appUrl = origin + BASE_PATH;
  console.log(`# serving ${DIST} at ${appUrl}`);

  browser = await launchChromium(CHROMIUM);

  let passed = 0;
  let failed = 0;
  try {
    for (const test of tests) {
      currentTest = test.name;
      const started = Date.now();
      const page = test.page === false ? null : await newPage();
      try {
        await withTimeout(test.fn(page), TEST_TIMEOUT, test.name);
        passed += 1;
        console.log(`ok - ${test.name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      } catch (error) {
        failed += 1;
        console.log(`not ok - ${test.name}: ${error.message}`);
      } finally {
        if (page) {
          await screenshot(page, test.name).catch((error) => {
            console.log(`# screenshot of ${test.name} failed: ${error.message}`);
          });
          await page.context().close().catch(() => {});
        }
      }
    }
  } finally {
    await browser.close().catch(() => {});
    server.close();
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.log(`not ok - setup: ${error.message}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
