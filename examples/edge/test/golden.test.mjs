// The golden data (tests/golden/) scored inside workerd (wrangler dev on 127.0.0.1, the package's `workerd`
// entry) by a tiny worker that scores the customers POSTed to it, compared with the native results:
// bit for bit except the BG/NBD predictions, within 1e-12 relative (tests/golden/compare.mjs).
// The worker and its wrangler.toml are written to dist/golden/ (ignored by git) at test time, and wrangler
// is started with the harness's settings (test/runtimes.mjs: no metrics, no cf fetch, free ports).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root, freePort } from './runtimes.mjs';
import { goldenCases, compareWithNative, describe } from '../../../tests/golden/compare.mjs';

const WORKER = `import { Scorer } from 'crmscore';
export default {
  async fetch(request) {
    if (request.method !== 'POST') return new Response('golden ' + navigator.userAgent);
    const { config, customers, options } = await request.json();
    const scorer = new Scorer(config);
    try { return Response.json(customers.map((c) => scorer.score(c, options))); } finally { scorer.free(); }
  },
};
`;
const TOML = `name = "crmscore-golden"\nmain = "worker.js"\ncompatibility_date = "2026-04-01"\nsend_metrics = false\n`;
const quiet = {
  WRANGLER_SEND_METRICS: 'false', WRANGLER_SEND_ERROR_REPORTS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  WRANGLER_HIDE_BANNER: 'true', WRANGLER_LOG_PATH: join(root, '.wrangler', 'logs'), NO_COLOR: '1',
};

async function startWorker() {
  const dir = join(root, 'dist', 'golden');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'worker.js'), WORKER);
  writeFileSync(join(dir, 'wrangler.toml'), TOML);
  const port = await freePort();
  const child = spawn(join(root, 'node_modules', '.bin', 'wrangler'),
    ['dev', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(await freePort()), '--show-interactive-dev-session=false'],
    { cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...quiet } });
  let output = '', exited = null;
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const done = new Promise((resolve) => child.once('exit', (code, signal) => resolve((exited = { code, signal }))));
  const kill = (signal) => { try { process.kill(-child.pid, signal); } catch {} };
  process.once('exit', () => kill('SIGKILL'));
  const stop = async () => {
    kill('SIGTERM');
    const timer = setTimeout(() => kill('SIGKILL'), 5000);
    await done;
    clearTimeout(timer);
    kill('SIGKILL'); // workerd under wrangler
  };
  const url = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 60_000; ;) {
    if (exited) throw new Error(`wrangler exited (${JSON.stringify(exited)}):\n${output}`);
    if (Date.now() > deadline) { await stop(); throw new Error(`workerd did not answer within 60 s:\n${output}`); }
    try {
      const res = await fetch(url + '/', { signal: AbortSignal.timeout(2000) });
      const text = await res.text();
      if (res.ok) return { url, stop, banner: text, log: () => output };
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('wasm in workerd gives the native answers for every golden customer', { timeout: 180_000 }, async () => {
  const worker = await startWorker();
  try {
    assert.match(worker.banner, /Cloudflare-Workers/, 'answered by workerd');
    const actual = {};
    for (const c of goldenCases()) {
      const res = await fetch(worker.url + '/', { method: 'POST', body: JSON.stringify(c), signal: AbortSignal.timeout(30_000) });
      assert.equal(res.status, 200, `${c.name}: ${res.status} ${worker.log()}`);
      actual[c.name] = await res.json();
    }
    const report = compareWithNative(actual);
    const text = describe(report, 'workerd');
    console.log(text);
    assert.equal(report.results, 60 + 160 + 60 + 99);
    assert.deepEqual(report.mismatches, [], text);
  } finally {
    await worker.stop();
  }
});
