// Soak: 10 million customers through one Scorer, and wasm memory stays flat.
//
// Full object scoring runs at about 20,000 customers/s on this 2-core machine (README, Performance),
// too slow for 10M in a test budget of about a minute, so the 10M are split:
//   - 250,000 customers as objects through scoreMany (batches of 1,000, every field, 16 segments),
//   - 9,750,000 customers through the batch API (scorer.batch(capacity) + evaluate, 16 segments over
//     columns in wasm memory), refilled with new values for each chunk.
// The first million (the 250,000 objects and 750,000 batched) is the warm-up; wasm memory
// (WebAssembly.Memory of the instance, from the default export's return value) after it must
// equal wasm memory at the end. SOAK_CUSTOMERS=n scales the total (for a quicker local run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import init, { Scorer } from 'crmscore';

const TOTAL = Number(process.env.SOAK_CUSTOMERS ?? 10_000_000);
const OBJECTS = Math.min(250_000, TOTAL / 4);
const CAPACITY = 50_000;
const MB = 2 ** 20;

function mulberry32(a) {
  return () => {
    a |= 0; a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test(`soak: ${TOTAL.toLocaleString('en')} customers through one Scorer, flat wasm memory`, { timeout: 180_000 }, async () => {
  const wasm = await init(); // already instantiated by the node entry: returns the instance's exports
  assert.ok(wasm.memory instanceof WebAssembly.Memory);
  const memory = () => wasm.memory.buffer.byteLength;
  const rnd = mulberry32(7);
  const asOf = '2026-11-22';
  const asOfMs = Date.parse(asOf);
  const cats = ['books', 'video', 'dvd', 'music'];
  const customer = (i) => {
    const n = 1 + Math.floor(rnd() * 4);
    const orders = [];
    for (let k = 0; k < n; k++) {
      orders.push({ at: asOfMs - Math.floor(rnd() * 900) * 86_400_000, amount: Math.round(rnd() * 50_000) / 100, category: cats[k % 4] });
    }
    return { id: `s${i}`, orders, ...(i % 3 ? {} : { survey: { expectation: { service: 4 }, perception: { service: 1 + (i % 5) }, nps: i % 11 } }) };
  };

  const scorer = new Scorer({
    abc: { a: 1000, b: 200 },
    rfm: { recency: [30, 90, 180, 365], frequency: [1, 2, 3, 4], monetary: [50, 150, 400, 1000] },
  });
  const batch = scorer.batch(CAPACITY);
  const started = performance.now();
  let done = 0, segmentsHit = 0, firstMillion = null;
  const checkpoint = () => { if (firstMillion === null && done >= Math.min(1_000_000, TOTAL / 10)) firstMillion = memory(); };

  // 1. Objects through scoreMany.
  for (let start = 0; start < OBJECTS; start += 1000) {
    const customers = Array.from({ length: 1000 }, (_, k) => customer(start + k));
    for (const r of scorer.scoreMany(customers, { asOf })) segmentsHit += r.segments.length;
    done += customers.length;
  }
  const objectsMs = performance.now() - started;

  // 2. The rest through the batch API: fill every column with fresh values, evaluate.
  const fields = batch.fields;
  const numberFields = [], codeFields = [];
  for (const f of fields) {
    try { batch.numbers(f); numberFields.push(f); } catch { codeFields.push(f); }
  }
  const codeRange = Object.fromEntries(codeFields.map((f) => [f, batch.values(f).length + 1]));
  const scale = { 'value.recencyDays': 900, 'value.frequency': 12, 'value.monetary': 3000, 'value.ordersPerYear': 12 };
  const fresh = new Float64Array(CAPACITY), freshCodes = new Uint8Array(CAPACITY);
  const batchStarted = performance.now();
  while (done < TOTAL) {
    checkpoint();
    const n = Math.min(CAPACITY, TOTAL - done);
    for (const f of numberFields) {
      const s = scale[f] ?? 10;
      for (let k = 0; k < n; k++) fresh[k] = rnd() < 0.02 ? NaN : Math.floor(rnd() * s);
      batch.numbers(f).set(fresh.subarray(0, n)); // a fresh view each time: views detach if memory grows
    }
    for (const f of codeFields) {
      for (let k = 0; k < n; k++) freshCodes[k] = Math.floor(rnd() * codeRange[f]);
      batch.codes(f).set(freshCodes.subarray(0, n));
    }
    const bits = batch.evaluate(n, { asOf });
    for (let k = 0; k < bits.length; k += 97) segmentsHit += bits[k] !== 0;
    done += n;
  }
  checkpoint();
  const end = memory();
  const seconds = (performance.now() - started) / 1000;
  console.log(`soak: ${done.toLocaleString('en')} customers in ${seconds.toFixed(1)} s ` +
    `(${OBJECTS.toLocaleString('en')} objects in ${(objectsMs / 1000).toFixed(1)} s, ` +
    `${(done - OBJECTS).toLocaleString('en')} batched in ${((performance.now() - batchStarted) / 1000).toFixed(1)} s); ` +
    `wasm memory after the first million ${(firstMillion / MB).toFixed(2)} MiB, at the end ${(end / MB).toFixed(2)} MiB`);
  assert.equal(done, TOTAL);
  assert.ok(segmentsHit > 0);
  assert.equal(end, firstMillion, 'wasm memory grew after the first million customers');
  batch.free();
  scorer.free();
  assert.equal(memory(), end, 'freeing never shrinks a WebAssembly.Memory; it must not grow either');
});
