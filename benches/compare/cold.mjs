// Cold start, each phase: `import` (with the wasm instantiated), `new Scorer()` with the built-in
// segments, the first `score()`; the median of fresh Node processes and of fresh Chromium pages.
//   node cold.mjs [runs]        (default 9; uses ../../pkg, run the root `npm run build` first)
// Chromium: the page's script bundled by esbuild, as a site would ship it (unbundled, the module
// graph's waterfall of requests costs more than all three phases); a fresh browser profile per run;
// the page is loaded once (nothing cached), then again in a new page of the same browser (the
// script and the wasm from the HTTP cache).
// workerd is measured by the edge benchmark (examples/edge, `npm run bench`), inside the isolate.
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build } from 'esbuild';

const RUNS = Number(process.argv[2] ?? 9);
const pkg = fileURLToPath(new URL('../../pkg/', import.meta.url));
const CUSTOMER = "{ id: 'cold', orders: [{ at: '2026-10-01', amount: 12 }, { at: '2026-11-01', amount: 30, category: 'books' }], survey: { nps: 9 } }";
const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
const phases = ['import', 'newScorer', 'firstScore', 'total'];

const report = (label, runs, keys = phases) =>
  console.log(`${label.padEnd(34)} ${keys.map((k) => `${k} ${median(runs.map((r) => r[k])).toFixed(1)} ms`).join('  ')}  (median of ${runs.length})`);

// Node: a fresh process per run.
const nodeScript = `
const t0 = performance.now();
const { Scorer } = await import(${JSON.stringify(join(pkg, 'node.js'))});
const t1 = performance.now();
const s = new Scorer();
const t2 = performance.now();
s.score(${CUSTOMER}, { asOf: '2026-11-22' });
const t3 = performance.now();
console.log(JSON.stringify({ import: t1 - t0, newScorer: t2 - t1, firstScore: t3 - t2, total: t3 - t0 }));`;
const node = [];
for (let i = 0; i < RUNS; i++) {
  node.push(JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', nodeScript]).toString()));
}
report(`Node ${process.version}, fresh process`, node);

// Chromium: the bundled script and the wasm served on 127.0.0.1, cacheable.
const script = `
const t0 = performance.now();
const m = await import('crmscore');
await m.default({ module_or_path: '/pkg/crmscore_bg.wasm' });
const t1 = performance.now();
const s = new m.Scorer();
const t2 = performance.now();
s.score(${CUSTOMER}, { asOf: '2026-11-22' });
const t3 = performance.now();
window.__cold = { import: t1 - t0, newScorer: t2 - t1, firstScore: t3 - t2, total: t3 - t0 };`;
const bundled = await build({
  stdin: { contents: script, resolveDir: fileURLToPath(new URL('.', import.meta.url)), loader: 'js' },
  bundle: true, format: 'esm', minify: true, write: false, conditions: ['browser'],
});
const page = `<!doctype html><meta charset="utf-8"><title>cold</title><script type="module" src="/page.js"></script>`;
const types = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
const server = createServer((req, res) => {
  const path = new URL(req.url, 'http://x').pathname;
  if (path === '/') {
    res.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'no-store' });
    return res.end(page);
  }
  if (path === '/page.js') {
    res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'max-age=3600' });
    return res.end(bundled.outputFiles[0].contents);
  }
  const file = path.startsWith('/pkg/') ? join(pkg, path.slice(5)) : null;
  if (!file || !file.startsWith(pkg) || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
    res.writeHead(404);
    return res.end();
  }
  res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream', 'cache-control': 'max-age=3600' });
  res.end(readFileSync(file));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/`;
const first = [], cached = [];
let version = '';
for (let i = 0; i < RUNS; i++) {
  const profile = mkdtempSync(join(tmpdir(), 'crmscore-cold-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update'],
  });
  try {
    version = context.browser()?.version() ?? version;
    for (const into of [first, cached]) {
      const p = await context.newPage();
      await p.goto(url);
      await p.waitForFunction(() => window.__cold !== undefined, null, { timeout: 60_000 });
      into.push(await p.evaluate(() => window.__cold));
      await p.close();
    }
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
server.close();
report(`Chromium ${version}, fresh page`, first);
report(`Chromium, new page, HTTP cache`, cached);

