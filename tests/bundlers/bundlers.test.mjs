// A page importing the installed crmscore tarball, built with Vite, webpack 5 and esbuild as a user would
// (Vite and webpack with no configuration for crmscore; esbuild with the README's one-line recipe), served on
// 127.0.0.1 and loaded in headless Chromium: it scores a customer on the main thread, and a Web Worker fits the
// CDNOW sample with crmscore/fit and scores its customers as columns. No console error, no failed request.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import webpack from 'webpack';

const here = fileURLToPath(new URL('.', import.meta.url));
const dist = join(here, 'dist');
const sample = fileURLToPath(new URL('../../data/cdnow/CDNOW_sample.txt', import.meta.url));
const bin = (name) => join(here, 'node_modules', '.bin', name);
const page = (script, type = 'module') =>
  readFileSync(join(here, 'index.html'), 'utf8').replace(/<script [^>]*><\/script>/, `<script type="${type}" src="./${script}"></script>`);

/** Each bundler: how the page is built into dist/<name>/ (with an index.html). */
const builds = {
  // `vite build` with no config file: index.html is the entry.
  vite: () => execFileSync(bin('vite'), ['build', '--outDir', join(dist, 'vite'), '--emptyOutDir', '--logLevel', 'warn'], { cwd: here, stdio: 'pipe' }),
  // webpack 5 with nothing but the entry and the output folder (webpack-cli's defaults otherwise).
  webpack: () => new Promise((resolve, reject) => {
    webpack({ mode: 'production', context: here, entry: './src/main.js', output: { path: join(dist, 'webpack') } }, (err, stats) => {
      if (err || stats.hasErrors()) return reject(err ?? new Error(stats.toString('errors-only')));
      writeFileSync(join(dist, 'webpack', 'index.html'), page('main.js', 'text/javascript'));
      resolve();
    });
  }),
  // esbuild: exactly the README's command line.
  esbuild: () => {
    execFileSync(bin('esbuild'), ['src/esbuild-main.js', 'src/esbuild-worker.js', '--bundle', '--format=esm', '--loader:.wasm=file',
      `--outdir=${join(dist, 'esbuild')}`, '--log-level=warning'], { cwd: here, stdio: 'pipe' });
    writeFileSync(join(dist, 'esbuild', 'index.html'), page('esbuild-main.js'));
  },
};

const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.txt': 'text/plain', '.css': 'text/css' };
/** Serves `root` (and the CDNOW sample) on 127.0.0.1; resolves to its URL. */
function serve(root) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const file = path === '/CDNOW_sample.txt' ? sample : join(root, normalize(path === '/' ? '/index.html' : path));
    if (!file.startsWith(root) && file !== sample) return res.writeHead(403).end();
    if (!existsSync(file) || !statSync(file).isFile()) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${server.address().port}/` })));
}

let context, profile;
before(async () => {
  rmSync(dist, { recursive: true, force: true });
  profile = mkdtempSync(join(tmpdir(), 'crmscore-bundlers-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
});
after(async () => {
  await context?.close();
  rmSync(profile, { recursive: true, force: true });
});

for (const [name, build] of Object.entries(builds)) {
  test(`${name}: the page scores a customer and its Web Worker fits the CDNOW sample`, { timeout: 120_000 }, async (t) => {
    const started = performance.now();
    await build();
    t.diagnostic(`${name}: built in ${Math.round(performance.now() - started)} ms`);
    const { server, url } = await serve(join(dist, name));
    const problems = [];
    const tab = await context.newPage();
    try {
      tab.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
      tab.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      tab.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
      tab.on('response', (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.url()}`));
      await tab.goto(url);
      await tab.waitForFunction(() => document.querySelector('#fit').textContent || document.querySelector('#error').textContent, null, { timeout: 60_000 });
      const text = (id) => tab.locator(id).textContent();
      assert.equal(await text('#error'), '');
      assert.deepEqual(problems, []);
      // 120 + 180 = 300 ≥ b = 200 and < a = 1000: B; the last order 10 days before asOf; books but no video: book-buyers.
      assert.deepEqual(JSON.parse(await text('#score')), { recencyDays: 10, abc: 'B', segments: ['book-buyers'] });
      const fit = JSON.parse(await text('#fit'));
      assert.equal(fit.customers, 2357);
      // Fader, Hardie & Lee (2005) on the sample's 39-week calibration period: r 0.243, α 4.414, a 0.793, b 2.426.
      assert.deepEqual([fit.bgnbd.r, fit.bgnbd.alpha, fit.bgnbd.a, fit.bgnbd.b].map((x) => x.toPrecision(3)), ['0.243', '4.41', '0.793', '2.43']);
      // Customer 0001: orders on 1997-01-01, 1997-01-18 and 1997-08-02, all before asOf.
      assert.deepEqual(fit.first, { id: '0001', frequency: 3 });
    } finally {
      await tab.close();
      server.close();
    }
  });
}
