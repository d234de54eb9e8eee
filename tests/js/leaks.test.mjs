// Nothing leaks: no network request, no storage, no file written while scoring and fitting; a
// result shares no object with its input; Scorer instances give their wasm memory back
// (free() and Symbol.dispose, which wasm-bindgen 0.2.130 sets to free when the runtime has it).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const used = [];
const trap = (name) => function trapped() { used.push(name); throw new Error(`crmscore used ${name}`); };
const trapObject = (name) => new Proxy({}, { get(_, key) { used.push(`${name}.${String(key)}`); return trap(`${name}.${String(key)}`); } });

// Browser-like globals, trapped before the package is loaded.
for (const name of ['fetch', 'XMLHttpRequest', 'WebSocket', 'EventSource', 'Worker', 'SharedWorker']) {
  Object.defineProperty(globalThis, name, { value: trap(name), configurable: true, writable: true });
}
for (const name of ['localStorage', 'sessionStorage', 'indexedDB', 'caches']) {
  Object.defineProperty(globalThis, name, { get: () => { used.push(name); return trapObject(name); }, configurable: true });
}
Object.defineProperty(globalThis, 'navigator', { get: () => { used.push('navigator'); return trapObject('navigator'); }, configurable: true });
// Node: every way to write a file or open a connection (reads stay allowed: the node entry reads its .wasm).
const fs = require('node:fs');
for (const name of ['writeFile', 'writeFileSync', 'appendFile', 'appendFileSync', 'createWriteStream', 'mkdir', 'mkdirSync',
  'rm', 'rmSync', 'unlink', 'unlinkSync', 'rename', 'renameSync', 'copyFile', 'copyFileSync', 'write', 'writeSync', 'truncate', 'truncateSync']) {
  fs[name] = trap(`fs.${name}`);
}
for (const name of ['writeFile', 'appendFile', 'mkdir', 'rm', 'unlink', 'rename', 'copyFile', 'truncate']) fs.promises[name] = trap(`fs.promises.${name}`);
const openSync = fs.openSync, open = fs.open;
const writing = (flags) => flags !== undefined && flags !== 'r' && flags !== 'rs' && flags !== 0;
fs.openSync = function (path, flags, ...rest) { if (writing(flags)) used.push(`fs.openSync(${flags})`); return openSync.call(this, path, flags, ...rest); };
fs.open = function (path, flags, ...rest) { if (typeof flags !== 'function' && writing(flags)) used.push(`fs.open(${flags})`); return open.call(this, path, flags, ...rest); };
const net = require('node:net');
net.Socket.prototype.connect = trap('net.Socket.connect');
for (const mod of ['node:http', 'node:https']) { const m = require(mod); m.request = trap(`${mod}.request`); m.get = trap(`${mod}.get`); }
require('node:dns').lookup = trap('dns.lookup');
syncBuiltinESMExports();

let pkg;
const cdnow = readFileSync(new URL('../../data/cdnow/CDNOW_sample.txt', import.meta.url), 'utf8').trim().split('\n').slice(0, 3000);
before(async () => { pkg = await import('crmscore'); }); // loaded with every trap in place

const customer = () => ({
  id: 'c1', firstSeen: '2025-01-01',
  orders: [{ at: '2026-10-01', amount: 120, category: 'books', cost: 40, accountId: 'a1' },
    { at: '2026-11-12T10:00:00Z', amount: 180, channel: 'web', accountId: 'a2' }],
  survey: { expectation: { service: 4 }, perception: { service: 5 }, weights: { service: 2 }, nps: 9 },
  complaints: 1, referrals: 2,
});

test('scoring, explaining, batching and fitting make no request and touch no storage or file', () => {
  const { Scorer, fit, readTransactionsCsv } = pkg;
  const byId = new Map();
  for (const line of cdnow) {
    const [, id, d, , dollars] = line.trim().split(/\s+/);
    if (d > '19970930') continue;
    if (!byId.has(id)) byId.set(id, { id, orders: [] });
    byId.get(id).orders.push({ at: `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}`, amount: Number(dollars) });
  }
  const model = fit([...byId.values()], { asOf: '1997-09-30T23:59:59.999Z', unit: 'weeks' });
  readTransactionsCsv('customer,date,amount\n1,2026-01-01,10\n');
  const scorer = new Scorer({ model, abc: { a: 1000, b: 200 } });
  scorer.score(customer(), { asOf: '2026-11-22' });
  scorer.scoreMany([customer(), customer()], { asOf: '2026-11-22' });
  scorer.explain(customer(), { asOf: '2026-11-22' });
  assert.throws(() => scorer.score({ id: 'bad', orders: [{ at: 'x', amount: 1 }] }), pkg.CrmScoreError);
  const batch = new Scorer({ abc: { a: 1000, b: 200 } }).batch(10);
  batch.evaluate(10, { asOf: '2026-11-22' });
  batch.free();
  scorer.free();
  assert.deepEqual(used, [], `crmscore used: ${used.join(', ')}`);
});

test("a result shares no object with its input: the customer's data stays in the caller's memory", () => {
  const { Scorer } = pkg;
  const scorer = new Scorer({ builtinSegments: false, segments: [{ id: 'mine', goal: 'care', when: 'value.frequency >= 1', actions: [{ channel: 'phone', script: 'call' }] }] });
  const input = customer();
  const snapshot = structuredClone(input);
  const inputObjects = new Set();
  const collect = (v) => { if (v && typeof v === 'object') { inputObjects.add(v); Object.values(v).forEach(collect); } };
  collect(input);
  for (const result of [scorer.score(input, { asOf: '2026-11-22' }), scorer.scoreMany([input], { asOf: '2026-11-22' })[0]]) {
    const shared = [];
    const walk = (v, path) => {
      if (v && typeof v === 'object') {
        if (inputObjects.has(v)) shared.push(path);
        for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
      }
    };
    walk(result, 'result');
    assert.deepEqual(shared, []);
    // Changing the result does not reach the input, and the input was not changed by scoring.
    result.value.categories.books = 99;
    result.segments[0].actions[0].channel = 'mail';
    assert.deepEqual(input, snapshot);
  }
  // Configs are copied too: a later change to the caller's config object does not reach the scorer.
  const config = { abc: { a: 1000, b: 200 } };
  const s2 = new Scorer(config);
  config.abc.a = 1;
  assert.equal(s2.score(input, { asOf: '2026-11-22' }).value.abc, 'B');
  scorer.free();
  s2.free();
});

test('free() and Symbol.dispose release a Scorer; wasm memory stays flat over 500 scorers freed', async () => {
  const { Scorer } = pkg;
  const wasm = await pkg.default(); // the instance's exports (already instantiated by the node entry)
  const memory = () => wasm.memory.buffer.byteLength;
  assert.equal(typeof Symbol.dispose, 'symbol', 'this Node has Symbol.dispose');
  assert.equal(Scorer.prototype[Symbol.dispose], Scorer.prototype.free, 'wasm-bindgen sets Symbol.dispose to free');
  const disposed = new Scorer();
  disposed[Symbol.dispose]();
  assert.equal(disposed.__wbg_ptr, 0);
  assert.throws(() => disposed.score(customer(), { asOf: '2026-11-22' }));
  const freed = new Scorer();
  freed.free();
  assert.throws(() => freed.score(customer(), { asOf: '2026-11-22' }));

  // A large config (abc, rfm and 64 segments of my own) built and freed, alternately by free() and dispose.
  const segments = Array.from({ length: 64 }, (_, i) => ({ id: `s${i}`, goal: 'care', when: `value.monetary > ${i}.0 && value.frequency >= ${i % 7}`, actions: [`action ${i}`] }));
  const config = { abc: { a: 1000, b: 200 }, rfm: { recency: [30, 90, 180, 365], frequency: [1, 2, 3, 4], monetary: [50, 150, 400, 1000] }, segments };
  const round = (n) => {
    for (let i = 0; i < n; i++) {
      const s = new Scorer(config);
      s.score(customer(), { asOf: '2026-11-22' });
      if (i % 2) s.free(); else s[Symbol.dispose]();
    }
  };
  round(200); // warm-up: the allocator reaches its working size
  const warm = memory();
  round(500);
  const later = memory();
  // Without free, the same loop grows memory (sanity check of the measure): ~300 live scorers.
  const kept = Array.from({ length: 300 }, () => new Scorer(config));
  const grown = memory();
  kept.forEach((s) => s.free());
  console.log(`scorers: wasm memory ${warm / 2 ** 20} MiB after warm-up, ${later / 2 ** 20} MiB after 500 more freed, ${grown / 2 ** 20} MiB with 300 kept`);
  assert.equal(later, warm, 'freed scorers must give their memory back');
  assert.ok(grown > warm, 'kept scorers do take memory (the measure works)');
});
