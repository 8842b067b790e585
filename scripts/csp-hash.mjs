// Trunk post-build hook: the page's Content-Security-Policy allows no inline script, except the
// loader Trunk writes into index.html. Its text names the hashed file names of this build, so
// its hash is computed here and written into the policy in place of the placeholder
// 'inline-loader-hash'. A static host (GitHub Pages) cannot hand out nonces, so a hash it is.

import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const PLACEHOLDER = "'inline-loader-hash'";
const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) throw new Error('csp-hash.mjs runs as a Trunk hook (TRUNK_STAGING_DIR is not set)');
const file = path.join(dir, 'index.html');
const html = readFileSync(file, 'utf8');
const hashes = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(
  (match) => `'sha256-${createHash('sha256').update(match[1], 'utf8').digest('base64')}'`,
);
if (!html.includes(PLACEHOLDER)) throw new Error(`index.html has no ${PLACEHOLDER} in its policy`);
writeFileSync(file, html.replace(PLACEHOLDER, hashes.join(' ')));
