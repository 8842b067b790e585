// Trunk post-build hook: the page's Content-Security-Policy allows no inline script, except the
// ones Trunk writes into index.html: its loader, whose text names the hashed file names of this
// build, and under `trunk serve` its live-reload client. Their hashes are computed here and
// written into the policy in place of the placeholder 'inline-loader-hash'. A static host (GitHub
// Pages) cannot hand out nonces, so hashes it is.
//
// Trunk 0.21 injects the live-reload script before this hook runs (pipelines/html.rs writes the
// staged index.html with it, then runs post_build hooks), but its server rewrites two placeholders
// in that script in every HTML response (serve/mod.rs, html_address_middleware): the address, from
// the request's Host header, and the websocket's base path. A hash of the staged text would then
// not match what the browser gets, and the policy would block the script. So they are filled in
// here with what the server would put there, the page's own host and the serve base (the public
// URL's path), leaving the server nothing to rewrite.

import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const PLACEHOLDER = "'inline-loader-hash'";
const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) throw new Error('csp-hash.mjs runs as a Trunk hook (TRUNK_STAGING_DIR is not set)');
const file = path.join(dir, 'index.html');
let html = readFileSync(file, 'utf8');
if (!html.includes(PLACEHOLDER)) throw new Error(`index.html has no ${PLACEHOLDER} in its policy`);

// Trunk's own fallback when a request has no Host header is this same expression. The quotes
// may be backticks when Trunk minifies the page.
const RELOAD_ADDRESS = /(['"`])\{\{__TRUNK_ADDRESS__\}\}\1/g;
// As Trunk derives the serve base from the public URL: an absolute URL's path, "./" as "/".
const serveBase = new URL(process.env.TRUNK_PUBLIC_URL || '/', 'http://localhost/').pathname;
const INLINE_SCRIPT = /(<script(?![^>]*\bsrc=)[^>]*>)([\s\S]*?)(<\/script>)/g;

html = html.replace(INLINE_SCRIPT, (_, open, body, close) => {
  const resolved = body
    .replace(RELOAD_ADDRESS, 'window.location.host')
    .replaceAll('{{__TRUNK_WS_BASE__}}', serveBase);
  // Anything else Trunk's server would rewrite after this hook would break the hash silently,
  // as a blocked script in the console: better a failed build that says where to look.
  const left = /\{\{__TRUNK_[A-Z_]+__\}\}/.exec(resolved);
  if (left) throw new Error(`an inline script still holds ${left[0]}: teach scripts/csp-hash.mjs about it`);
  return open + resolved + close;
});

const hashes = [...html.matchAll(INLINE_SCRIPT)].map(
  (match) => `'sha256-${createHash('sha256').update(match[2], 'utf8').digest('base64')}'`,
);
writeFileSync(file, html.replace(PLACEHOLDER, hashes.join(' ')));
