// Hostile input at the package level (the native caps are in tests/limits.rs): a 50 MB JSON body,
// parsed by the host and handed to the Scorer, is refused with TOO_LARGE quickly, and without growing
// wasm memory, which never shrinks (the text is not copied in: only its length crosses, see
// js/interop.js). Own file, so that no other test's memory use is measured.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import init, { Scorer } from 'crmscore';

const asOf = '2026-11-22';
const MAX_TEXT_BYTES = 16 * 1024 * 1024; // json::MAX_TEXT_BYTES
const MB = 2 ** 20;

// 50 MB of JSON text: 1,612,903 orders of 31 bytes, one comma each, around a 21-byte frame.
const ORDER = '{"at":"2026-01-01","amount":1}';
const body = `{"id":"c","orders":[${Array(1_612_903).fill(ORDER).join(',')}]}`;

test('a 50 MB JSON body is refused quickly with TOO_LARGE, and wasm memory does not grow', async () => {
  assert.ok(body.length >= 50_000_000, `${body.length}`);
  const wasm = await init(); // the instance's exports (already instantiated by the node entry)
  const memory = () => wasm.memory.buffer.byteLength;
  const scorer = new Scorer();
  scorer.score({ id: 'warm', orders: [{ at: '2026-01-01', amount: 1 }] }, { asOf });
  const before = memory();
  const hostile = [
    ['the body, parsed', JSON.parse(body)],
    ['one 50 MB string', { id: 'x'.repeat(50_000_000), orders: [] }],
  ];
  for (const [what, customer] of hostile) {
    const started = performance.now();
    assert.throws(() => scorer.score(customer, { asOf }), (e) => {
      assert.equal(e.code, 'TOO_LARGE', `${what}: ${e.message}`);
      assert.equal(e.path, '');
      assert.match(e.message, /^expected at most 16777216 bytes as JSON, got \d+ characters$/);
      return true;
    });
    // Most of this is JSON.stringify of the 50 MB; nothing is read into wasm.
    const ms = performance.now() - started;
    console.log(`${what}: refused in ${ms.toFixed(0)} ms`);
    assert.ok(ms < 3000, `${what}: ${ms} ms`);
  }
  // In scoreMany (path prefixed by the index) and as a config too.
  assert.throws(() => scorer.scoreMany([{ id: 'ok', orders: [] }, JSON.parse(body)], { asOf }), { code: 'TOO_LARGE', path: '[1]' });
  assert.throws(() => new Scorer({ store: { books: 'x'.repeat(50_000_000) } }), { code: 'TOO_LARGE', path: 'config' });
  assert.equal(memory(), before, `wasm memory grew from ${before / MB} MiB to ${memory() / MB} MiB`);
  // The scorer still works.
  assert.equal(scorer.score({ id: 'after', orders: [{ at: '2026-11-01', amount: 5 }] }, { asOf }).value.monetary, 5);
  scorer.free();
});

test('the JavaScript cap is the reader cap: 16 MiB of text is read, one character more is not', () => {
  const scorer = new Scorer();
  // {"id":"…","orders":[]} is 21 characters around the id.
  const text = (n) => ({ id: 'x'.repeat(n - 21), orders: [] });
  assert.equal(JSON.stringify(text(MAX_TEXT_BYTES)).length, MAX_TEXT_BYTES);
  // At the cap the text is read, and the id is what is too long (256 characters at most).
  assert.throws(() => scorer.score(text(MAX_TEXT_BYTES), { asOf }), { code: 'TOO_LARGE', path: 'id' });
  assert.throws(() => scorer.score(text(MAX_TEXT_BYTES + 1), { asOf }),
    { code: 'TOO_LARGE', path: '', message: `expected at most ${MAX_TEXT_BYTES} bytes as JSON, got ${MAX_TEXT_BYTES + 1} characters` });
  scorer.free();
});
