// `crmscore/fit` through its `deno` and `workerd` conditions: after `await initFit()`, `fit` gives the CDNOW
// sample's published BG/NBD parameters and the scorer of `crmscore` scores columns (test/fit/check.js, the same
// code in both runtimes). Deno also type-checks it against the package's types.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { root, start } from './runtimes.mjs';

const sample = join(root, '..', '..', 'data', 'cdnow', 'CDNOW_sample.txt');
const only = process.env.EDGE_RUNTIMES?.split(',');

function checkResult(r) {
  assert.equal(r.customers, 2357);
  // Fader, Hardie & Lee (2005), the sample's 39-week calibration period: r 0.243, α 4.414, a 0.793, b 2.426.
  assert.deepEqual([r.bgnbd.r, r.bgnbd.alpha, r.bgnbd.a, r.bgnbd.b].map((x) => x.toPrecision(3)), ['0.243', '4.41', '0.793', '2.43']);
  // Customer 0001: orders on 1997-01-01 (29.33), 1997-01-18 (29.73) and 1997-08-02 (14.96), 59 days before asOf.
  assert.deepEqual({ ...r.first, monetary: r.first.monetary.toFixed(2) }, { id: '0001', frequency: 3, recencyDays: 59, monetary: '74.02' });
}

test('Deno: crmscore/fit type-checks, fits and scores columns after await initFit()', { skip: only && !only.includes('deno') }, () => {
  const deno = join(root, 'node_modules', '.bin', 'deno');
  const env = { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' };
  execFileSync(deno, ['check', 'test/fit/deno.ts'], { cwd: root, env, stdio: 'pipe' });
  const pkg = realpathSync(join(root, 'node_modules', 'crmscore'));
  const out = execFileSync(deno, ['run', `--allow-read=${pkg},${sample}`, 'test/fit/deno.ts', sample], { cwd: root, env, encoding: 'utf8' });
  checkResult(JSON.parse(out));
});

test('workerd: crmscore/fit fits and scores columns after await initFit()', { skip: only && !only.includes('workerd'), timeout: 120_000 }, async () => {
  const rt = await start('workerd', { worker: 'test/fit' });
  try {
    const res = await fetch(rt.url, { method: 'POST', body: readFileSync(sample, 'utf8'), signal: AbortSignal.timeout(30_000) });
    assert.equal(res.status, 200, rt.log());
    checkResult(await res.json());
  } finally {
    await rt.stop();
  }
});
