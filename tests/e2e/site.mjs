// What the browser tests and the browser benchmark share: a static server for dist/ under a
// sub-path, and Debian's headless Chromium launched so that it makes no request of its own.

import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { chromium } from 'playwright-core';

// ---------------------------------------------------------------------------------------------
// Static server for dist/ under BASE_PATH. Node's own http module: no extra process to start,
// stop or wait for, and the MIME types are ours (application/wasm is needed for streaming
// compilation).

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.csv': 'text/csv; charset=utf-8',
  '.log': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.ndjson': 'application/x-ndjson',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/**
 * Serves `dist` under `basePath` on 127.0.0.1 at a free port. Requests it cannot answer are
 * pushed onto `notFound`: a page that asks for these is broken.
 */
export function startServer({ dist: DIST, basePath: BASE_PATH, notFound }) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    let pathname;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      pathname = url.pathname;
    }
    if (pathname === BASE_PATH.slice(0, -1)) {
      res.writeHead(301, { Location: BASE_PATH });
      res.end();
      return;
    }
    let file = null;
    if (pathname.startsWith(BASE_PATH)) {
      const rel = pathname.slice(BASE_PATH.length);
      const candidate = path.resolve(DIST, rel);
      if (candidate === DIST || candidate.startsWith(DIST + path.sep)) {
        file = candidate;
        if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'index.html');
      }
    }
    if (!file || !existsSync(file) || !statSync(file).isFile()) {
      notFound.push(req.url);
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found\n');
      return;
    }
    res.writeHead(200, {
      'Content-Type': MIME[path.extname(file).toLowerCase()] || 'application/octet-stream',
      'Content-Length': statSync(file).size,
      'Cache-Control': 'no-store',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // Port 0: the OS picks a free port, so parallel runs and a running `make serve` don't clash.
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/** Fails early, with the command to run, when dist/ or the browser is missing. */
export function checkSite({ dist, basePath, chromium: executable }) {
  const index = path.join(dist, 'index.html');
  if (!existsSync(index)) {
    throw new Error(`${index} missing: run \`trunk build --release --public-url ${basePath}\``);
  }
  if (!readFileSync(index, 'utf8').includes(basePath)) {
    throw new Error(
      `dist/ was not built for ${basePath}: run \`trunk build --release --public-url ${basePath}\``,
    );
  }
  if (!existsSync(executable)) {
    throw new Error(`${executable} missing: run \`scripts/install-tools.sh browser\``);
  }
}

/**
 * playwright-core adds --headless itself (headless: true) and a fresh temporary profile
 * (--user-data-dir) per launch; the rest keeps Chromium from calling home.
 */
export function launchChromium(executablePath, extraArgs = []) {
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}

/** Polls `probe` until it returns something truthy; throws `message` after `timeout` ms. */
export async function waitUntil(probe, timeout, message) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await probe();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? ` (last error: ${last.message})` : '';
      throw new Error(`${message} within ${timeout / 1000} s${detail}`);
    }
    await sleep(250);
  }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
