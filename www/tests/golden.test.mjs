// The golden data (tests/golden/) scored in headless Chromium by the built package (www/node_modules/crmscore,
// i.e. ../pkg, loaded as a browser would: `init()` fetches crmscore_bg.wasm), compared with the native results:
// bit for bit except the BG/NBD predictions, within 1e-12 relative (tests/golden/compare.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { open } from './browser.mjs';
import { goldenCases, compareWithNative, describe } from '../../tests/golden/compare.mjs';

const PKG = realpathSync(new URL('../node_modules/crmscore/', import.meta.url).pathname);
const TYPES = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json', '.html': 'text/html' };
const PAGE = `<!doctype html><meta charset="utf-8"><title>golden</title>
<script type="module">
  import init, { Scorer } from './crmscore/index.js';
  window.scoreCases = async (cases) => {
    await init();
    const out = {};
    for (const c of cases) {
      const scorer = new Scorer(c.config);
      try { out[c.name] = c.customers.map((customer) => scorer.score(customer, c.options)); } finally { scorer.free(); }
    }
    return out;
  };
  document.body.dataset.ready = 'true';
</script><body></body>`;

test('wasm in Chromium gives the native answers for every golden customer', { timeout: 120_000 }, async () => {
  const b = await open();
  try {
    // The page and the package are served under /golden/ on the same 127.0.0.1 origin as the demo pages.
    await b.context.route(`${b.url}golden/**`, async (route) => {
      const path = new URL(route.request().url()).pathname.slice('/golden/'.length);
      if (path === '' || path === 'index.html') return route.fulfill({ contentType: 'text/html', body: PAGE });
      const file = normalize(join(PKG, path.replace(/^crmscore\//, '')));
      if (!path.startsWith('crmscore/') || !file.startsWith(PKG)) return route.fulfill({ status: 404, body: 'not found' });
      return route.fulfill({ contentType: TYPES[extname(file)] ?? 'application/octet-stream', body: await readFile(file) });
    });
    await b.page.goto(`${b.url}golden/`);
    await b.page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
    const actual = await b.page.evaluate((cases) => window.scoreCases(cases), goldenCases());
    const report = compareWithNative(actual);
    const text = describe(report, 'chromium');
    console.log(text);
    assert.deepEqual(b.errors, []);
    assert.deepEqual(b.outside(), [], 'the page only talks to 127.0.0.1');
    assert.equal(report.results, 60 + 160 + 60 + 99);
    assert.deepEqual(report.mismatches, [], text);
  } finally {
    await b.close();
  }
});
