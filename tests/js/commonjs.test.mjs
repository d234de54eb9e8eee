// CommonJS: the package is ES modules only; Node's require() loads ES modules (without top-level await) from
// 20.19 and 22.12 on, which the package's `engines` says and docs/api.md documents. A CommonJS script here
// requires both subpaths of the installed package and scores with them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const manifest = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('crmscore/package.json'), 'utf8'));

test('engines names the Node versions whose require() loads ES modules', () => {
  assert.equal(manifest.engines.node, '^20.19.0 || >=22.12.0');
  const [major, minor] = process.versions.node.split('.').map(Number);
  assert.ok((major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major > 22, `this Node (${process.version}) is one of them`);
});

test('require("crmscore") and require("crmscore/fit") work from CommonJS', () => {
  const script = `
    const { Scorer, fit } = require('crmscore');
    const fitting = require('crmscore/fit');
    const r = new Scorer().score({ id: 'c', orders: [{ at: '2026-11-01', amount: 10 }] }, { asOf: '2026-11-22' });
    console.log(JSON.stringify({ recencyDays: r.value.recencyDays, fit: typeof fit, fitSubpath: typeof fitting.fit }));`;
  const r = spawnSync(process.execPath, ['--input-type=commonjs', '-e', script], { cwd: fileURLToPath(new URL('.', import.meta.url)), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '', 'no warning');
  // 2026-11-01 to 2026-11-22: 21 days.
  assert.deepEqual(JSON.parse(r.stdout), { recencyDays: 21, fit: 'function', fitSubpath: 'function' });
});
