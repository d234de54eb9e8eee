// Soak: 10 million customers scored through one Scorer, and wasm memory stays flat.
//
// Scoring customers as objects runs at about 20,000 customers/s on this 2-core machine
// (docs/performance.md), too slow for 10M in a test budget of about a minute, so the 10M are split:
//   - 250,000 customers as objects through scoreMany (batches of 1,000, every field, 16 segments),
//   - 9,750,000 customers as columnar transactions through the same scorer's scoreMany (chunks of
//     250,000 customers, fresh transactions each: recency, frequency, monetary, ABC, RFM, the model's
//     predictions and the 16 segments of every customer; this runs in the fitting module),
// then the batch API (scorer.batch(capacity) + evaluate) over 1,000,000 more rows of fresh features.
// The first million customers (the 250,000 objects and three columnar chunks) is the warm-up: the
// memory of both wasm modules (WebAssembly.Memory of each instance, from the default exports of
// 'crmscore' and 'crmscore/fit') after it must equal their memory after the 10M; and the memory
// after the batch's first call must equal that after its last.
// SOAK_CUSTOMERS=n scales the total (for a quicker local run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import init, { Scorer } from 'crmscore';
import initFit from 'crmscore/fit';
import { mulberry32 } from '../random.mjs';

const TOTAL = Number(process.env.SOAK_CUSTOMERS ?? 10_000_000);
const OBJECTS = Math.min(250_000, TOTAL / 4);
const CHUNK = Math.min(250_000, TOTAL / 10); // customers per columnar scoreMany call
const ROWS = CHUNK * 2.5; // transactions per call, the same in every call
const WARM = OBJECTS + 3 * CHUNK; // the warm-up: 1,000,000 customers of the 10M
const BATCHED = Math.min(1_000_000, TOTAL / 10); // extra rows through the batch API
const CAPACITY = 50_000;
const MB = 2 ** 20;
const DAY = 86_400_000;

test(`soak: ${TOTAL.toLocaleString('en')} customers scored through one Scorer, flat wasm memory`, { timeout: 240_000 }, async () => {
  const scoring = await init(); // already instantiated by the node entry: returns the instance's exports
  const fitting = await initFit(); // the fitting module the node entry loads for columnar scoreMany (the same instance)
  assert.ok(scoring.memory instanceof WebAssembly.Memory && fitting.memory instanceof WebAssembly.Memory);
  assert.notEqual(scoring.memory, fitting.memory);
  const memory = () => [scoring.memory.buffer.byteLength, fitting.memory.buffer.byteLength];
  const rnd = mulberry32(7);
  const asOf = '2026-11-22';
  const asOfMs = Date.parse(asOf);
  const cats = ['books', 'video', 'dvd', 'music'];
  const customer = (i) => {
    const n = 1 + Math.floor(rnd() * 4);
    const orders = [];
    for (let k = 0; k < n; k++) {
      orders.push({ at: asOfMs - Math.floor(rnd() * 900) * DAY, amount: Math.round(rnd() * 50_000) / 100, category: cats[k % 4] });
    }
    return { id: `s${i}`, orders, ...(i % 3 ? {} : { survey: { expectation: { service: 4 }, perception: { service: 1 + (i % 5) }, nps: i % 11 } }) };
  };

  const scorer = new Scorer({
    abc: { a: 1000, b: 200 },
    rfm: { recency: [30, 90, 180, 365], frequency: [1, 2, 3, 4], monetary: [50, 150, 400, 1000] },
    model: { version: 1, unit: 'weeks', asOf: '2026-11-01', customers: 100,
      abc: { a: 500, b: 100, customerShare: [0.05, 0.15, 0.8], valueShare: [0.5, 0.3, 0.2] },
      rfm: { recency: [10, 40, 90, 200], frequency: [1, 1, 2, 4], monetary: [15, 30, 60, 120] },
      bgnbd: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, gammaGamma: { p: 6.25, q: 3.74, v: 15.44 } },
  });
  const started = performance.now();
  let done = 0, segmentsHit = 0, predicted = 0, firstMillion = null;
  const checkpoint = () => { if (firstMillion === null && done >= WARM) firstMillion = memory(); };

  // 1. Objects through scoreMany.
  for (let start = 0; start < OBJECTS; start += 1000) {
    const customers = Array.from({ length: 1000 }, (_, k) => customer(start + k));
    for (const r of scorer.scoreMany(customers, { asOf })) segmentsHit += r.segments.length;
    done += customers.length;
  }
  const objectsMs = performance.now() - started;

  // 2. The rest as columns through scoreMany: fresh transactions for every chunk of customers.
  const tx = { customer: new Uint32Array(ROWS), at: new Float64Array(ROWS), amount: new Float64Array(ROWS) };
  const beforeColumns = memory();
  const columnsStarted = performance.now();
  while (done < TOTAL) {
    checkpoint();
    const n = Math.min(CHUNK, TOTAL - done);
    for (let i = 0; i < ROWS; i++) {
      tx.customer[i] = Math.floor(rnd() * n);
      tx.at[i] = asOfMs - Math.floor(rnd() * 900) * DAY;
      tx.amount[i] = Math.round(rnd() * 50_000) / 100;
    }
    const s = scorer.scoreMany(tx, { asOf, customers: n });
    assert.equal(s.frequency.length, n);
    for (let k = 0; k < n; k += 97) { segmentsHit += s.segments[k * s.words] !== 0; predicted += !Number.isNaN(s.probabilityAlive[k]); }
    done += n;
  }
  checkpoint();
  const columnsMs = performance.now() - columnsStarted;
  const scored = memory();

  // 3. The batch API over fresh features: every column refilled, every segment evaluated.
  const batch = scorer.batch(CAPACITY);
  const fields = batch.fields;
  const numberFields = [], codeFields = [];
  for (const f of fields) {
    try { batch.numbers(f); numberFields.push(f); } catch { codeFields.push(f); }
  }
  const codeRange = Object.fromEntries(codeFields.map((f) => [f, batch.values(f).length + 1]));
  const scale = { 'value.recencyDays': 900, 'value.frequency': 12, 'value.monetary': 3000, 'value.ordersPerYear': 12 };
  const fresh = new Float64Array(CAPACITY), freshCodes = new Uint8Array(CAPACITY);
  const evaluate = () => {
    for (const f of numberFields) {
      const s = scale[f] ?? 10;
      for (let k = 0; k < CAPACITY; k++) fresh[k] = rnd() < 0.02 ? NaN : Math.floor(rnd() * s);
      batch.numbers(f).set(fresh); // a fresh view each time: views detach if memory grows
    }
    for (const f of codeFields) {
      for (let k = 0; k < CAPACITY; k++) freshCodes[k] = Math.floor(rnd() * codeRange[f]);
      batch.codes(f).set(freshCodes);
    }
    const bits = batch.evaluate(CAPACITY, { asOf });
    for (let k = 0; k < bits.length; k += 97) segmentsHit += bits[k] !== 0;
  };
  evaluate(); // the batch's own warm-up
  const batchWarm = memory();
  for (let rows = CAPACITY; rows < BATCHED; rows += CAPACITY) evaluate();
  const end = memory();

  const seconds = (performance.now() - started) / 1000;
  const mib = ([a, b]) => `${(a / MB).toFixed(2)} + ${(b / MB).toFixed(2)} MiB`;
  console.log(`soak: ${done.toLocaleString('en')} customers scored in ${seconds.toFixed(1)} s ` +
    `(${OBJECTS.toLocaleString('en')} objects in ${(objectsMs / 1000).toFixed(1)} s, ` +
    `${(done - OBJECTS).toLocaleString('en')} as columns in ${(columnsMs / 1000).toFixed(1)} s), then ` +
    `${BATCHED.toLocaleString('en')} rows through the batch API; wasm memory (scoring + fitting module) ` +
    `after the first ${WARM.toLocaleString('en')} customers ${mib(firstMillion)}, after all ${mib(scored)}; ` +
    `with the batch ${mib(batchWarm)} after its first call, ${mib(end)} after the last`);
  assert.equal(done, TOTAL);
  assert.ok(segmentsHit > 0 && predicted > 0);
  assert.ok(firstMillion[1] > beforeColumns[1], 'columnar scoring works in the fitting module\'s memory (the measure sees it)');
  assert.deepEqual(scored, firstMillion, 'wasm memory grew after the first million customers');
  assert.deepEqual(end, batchWarm, 'wasm memory grew while the batch was refilled and evaluated');
  batch.free();
  scorer.free();
  assert.deepEqual(memory(), end, 'freeing never shrinks a WebAssembly.Memory; it must not grow either');
});
