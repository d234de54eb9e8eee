// Scorers and segment batches that a program drops without free() give their wasm memory back:
// wasm-bindgen registers every instance with a FinalizationRegistry, whose callback frees it once
// the garbage collector has collected the instance and the event loop has run the callback (so a
// synchronous loop that makes thousands of scorers still needs free() or `using`: docs/api.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import init, { Scorer } from 'crmscore';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
const wasm = await init(); // the instance's exports (the node entry instantiated it on import)
const memory = () => wasm.memory.buffer.byteLength;
const MiB = 2 ** 20;
const customer = { id: 'c', orders: [{ at: '2026-10-01', amount: 120, category: 'books' }, { at: '2026-11-12', amount: 80 }] };
const config = { abc: { a: 1000, b: 200 }, rfm: { recency: [30, 90, 180, 365], frequency: [1, 2, 3, 4], monetary: [50, 150, 400, 1000] } };

/** Lets the collector and then the registry's callbacks run. */
async function collect() {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

test('10,000 Scorers dropped without free() leave wasm memory bounded', async () => {
  await collect();
  const start = memory();
  // What one live scorer holds, measured: 1,000 kept alive.
  let kept = Array.from({ length: 1000 }, () => new Scorer(config));
  const perThousand = memory() - start;
  assert.ok(perThousand > 0, 'live scorers take wasm memory (the measure works)');
  kept = null;
  await collect();
  // 10,000 more, 500 at a time, each scored once and dropped; the program only yields to the event loop.
  for (let round = 0; round < 20; round++) {
    for (let i = 0; i < 500; i++) new Scorer(config).score(customer, { asOf: '2026-11-22' });
    await collect();
  }
  const grown = memory() - start;
  console.log(`1,000 live scorers: +${(perThousand / MiB).toFixed(1)} MiB; after 10,000 dropped: +${(grown / MiB).toFixed(1)} MiB`);
  // Without finalization the 10,000 would hold about ten times the 1,000 (see the issue: 324 MB);
  // freed, memory is what the first 1,000 grew it to, plus at most one round's worth.
  assert.ok(grown <= 2 * perThousand, `wasm memory grew by ${grown / MiB} MiB`);
  assert.equal(typeof FinalizationRegistry, 'function');
});

test('segment batches dropped without free() are freed too', async () => {
  const scorer = new Scorer(); // the 16 built-ins
  await collect();
  const start = memory();
  let kept = Array.from({ length: 20 }, () => scorer.batch(20_000));
  const perTwenty = memory() - start;
  assert.ok(perTwenty > 0);
  kept = null;
  await collect();
  for (let round = 0; round < 10; round++) {
    for (let i = 0; i < 20; i++) scorer.batch(20_000);
    await collect();
  }
  const grown = memory() - start;
  console.log(`20 live batches of 20,000: +${(perTwenty / MiB).toFixed(1)} MiB; after 200 dropped: +${(grown / MiB).toFixed(1)} MiB`);
  assert.ok(grown <= 2 * perTwenty, `wasm memory grew by ${grown / MiB} MiB`);
  scorer.free();
});
