// Screenshots of every section after the sample has been trained, light and dark, for looking at
// the page (not a test): `node tests/e2e/shots.mjs [OUT_DIR]`. The Results section in light mode,
// as a 1280 × 900 window shows it, also goes to docs/screenshot.png (the README's picture).
// E2E_DIST picks another build than dist/.

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, startServer, waitUntil } from './site.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = process.argv[2] || path.join(REPO, 'tests/e2e/out');
const TABS = ['data', 'vocabulary', 'train', 'results', 'review', 'predict', 'export'];

const DIST = process.env.E2E_DIST || path.join(REPO, 'dist');
const server = await startServer({ dist: DIST, basePath: '/perfspec-learn/', notFound: [] });
const url = `http://127.0.0.1:${server.address().port}/perfspec-learn/`;
const browser = await launchChromium(process.env.E2E_CHROMIUM || '/usr/bin/chromium');
try {
  for (const scheme of ['light', 'dark']) {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      colorScheme: scheme,
    });
    const page = await context.newPage();
    page.on('console', (m) => m.type() === 'error' && console.log(`console.error: ${m.text()}`));
    await page.goto(url, { waitUntil: 'load' });
    await page.locator('[data-testid=use-sample]').click({ timeout: 60_000 });
    await waitUntil(
      async () =>
        (await page.locator('[data-testid=results-table] tbody tr').count()) >= 4 &&
        (await page.locator('[data-testid=progress]').count()) === 0,
      180_000,
      'no results',
    );
    for (const tab of TABS) {
      await page.click(`[data-testid=tab-${tab}]`);
      if (tab === 'predict') {
        await page.fill('[data-testid=predict-context]', 'create_secrets, update_secrets');
        await page.click('[data-testid=predict-run]');
        await page.waitForTimeout(500);
      }
      await page.waitForTimeout(300);
      await page.screenshot({ path: path.join(OUT, `tab-${tab}-${scheme}.png`), fullPage: true });
      if (tab === 'results' && scheme === 'light') {
        await page.screenshot({ path: path.join(REPO, 'docs/screenshot.png') });
      }
    }
    await context.close();
  }
} finally {
  await browser.close();
  server.close();
}
