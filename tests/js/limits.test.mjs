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
      // The first cap the input reaches: 2,097,152 numbers for the orders, 16 MiB of text for the string.
      assert.match(e.message, /^expected an input of at most 2097152 numbers and 16777216 bytes of text, got more \(\d+ numbers, \d+ bytes so far\)$/);
      return true;
    });
    // Most of this is JSON.stringify of the 50 MB; nothing is read into wasm.
    const ms = performance.now() - started;
    console.log(`${what}: refused in ${ms.toFixed(0)} ms`);
    // Only a hang guard: a loaded machine can be several times slower.
    assert.ok(ms < 60_000, `${what}: ${ms} ms`);
  }
  // In scoreMany (path prefixed by the index) and as a config too.
  assert.throws(() => scorer.scoreMany([{ id: 'ok', orders: [] }, JSON.parse(body)], { asOf }), { code: 'TOO_LARGE', path: '[1]' });
  assert.throws(() => new Scorer({ store: { books: 'x'.repeat(50_000_000) } }), { code: 'TOO_LARGE', path: 'config' });
  assert.equal(memory(), before, `wasm memory grew from ${before / MB} MiB to ${memory() / MB} MiB`);
  // The scorer still works.
  assert.equal(scorer.score({ id: 'after', orders: [{ at: '2026-11-01', amount: 5 }] }, { asOf }).value.monetary, 5);
  scorer.free();
});

test('the JavaScript cap is the reader cap: 16 MiB of string bytes are read, one byte more is not', () => {
  const scorer = new Scorer();
  // The input's strings share one 16 MiB budget of UTF-8 bytes: here the options' asOf (10 bytes) and the id.
  const customer = (n) => ({ id: 'x'.repeat(n), orders: [] });
  // At the cap the text is read, and the id is what is too long (256 characters at most).
  assert.throws(() => scorer.score(customer(MAX_TEXT_BYTES - 10), { asOf }),
    { code: 'TOO_LARGE', path: 'id', message: `id: expected at most 256 characters, got ${MAX_TEXT_BYTES - 10}` });
  const over = new RegExp(`^expected an input of at most 2097152 numbers and ${MAX_TEXT_BYTES} bytes of text, got more \\(\\d+ numbers, ${MAX_TEXT_BYTES + 1} bytes so far\\)$`);
  assert.throws(() => scorer.score(customer(MAX_TEXT_BYTES - 9), { asOf }), (e) => {
    assert.equal(e.code, 'TOO_LARGE');
    assert.equal(e.path, '');
    assert.match(e.message, over);
    return true;
  });
  // Bytes, not characters: 'é' is two bytes of UTF-8.
  assert.throws(() => scorer.score({ id: 'c', survey: { expectation: { ['é'.repeat(MAX_TEXT_BYTES / 2)]: 1 } } }, { asOf }),
    { code: 'TOO_LARGE', path: '' });
  scorer.free();
});

test('the caps count an input as the same numbers and bytes however it is written', () => {
  // Plain orders go as order records (4 numbers for {at, amount}) and repeated strings share
  // their bytes; orders behind a class go as objects of entries (9 numbers) with every string
  // written. The caps count what entries would take, so the two are refused alike.
  const scorer = new Scorer({ limits: { maxOrders: 300_000 } });
  class Order {
    constructor(at, amount, category) {
      this.at = at;
      this.amount = amount;
      if (category !== undefined) this.category = category;
    }
  }
  const outcome = (customer) => {
    try {
      return { value: scorer.score(customer, { asOf }).value.frequency };
    } catch (e) {
      return { code: e.code, path: e.path };
    }
  };
  const both = (n, category) => {
    const at = Date.UTC(2026, 0, 1);
    const plain = { id: 'c', orders: Array.from({ length: n }, (_, i) => (category === undefined ? { at, amount: i } : { at, amount: i, category })) };
    const classes = { id: 'c', orders: plain.orders.map((o) => new Order(o.at, o.amount, o.category)) };
    const [a, b] = [outcome(plain), outcome(classes)];
    assert.deepEqual(a, b, `${n} orders`);
    return a;
  };
  // By hand: the options {asOf: '2026-11-22'} take 8 numbers (object 3, key 1, string 4); the
  // customer 3, its id 5 (key, tag, 3), its orders' key 1 and array 3, and 9 for each order:
  // 20 + 9n numbers of the 2,097,152, so 233,014 orders fit and 233,015 do not.
  assert.deepEqual(both(233_014), { value: 233_014 });
  assert.deepEqual(both(233_015), { code: 'TOO_LARGE', path: '' });
  // Bytes, 16 MiB at most (the options' asOf takes 10, the id 1): a category of more than 64
  // characters is written in full each time on both paths (a shorter one written again shares
  // its bytes, and orders of those reach the cap on numbers first).
  const name = 'x'.repeat(200);
  const fits = Math.floor((MAX_TEXT_BYTES - 11) / 200);
  // 83,886 orders of 14 numbers (an entry of 5 for the category) fit the numbers too.
  assert.deepEqual(both(fits, name), { value: fits });
  assert.deepEqual(both(fits + 1, name), { code: 'TOO_LARGE', path: '' });
  scorer.free();
});

test('the caps count what is written, not what a writer reserves ahead of it', () => {
  // Plain orders go as records (4 numbers, counted as the 9 of entries), orders behind a class as
  // entries (9). The writer makes room for the longest record (14) before each order, so when its
  // buffer fills up just below the cap, the room asked for may pass the cap where what is written
  // does not. By hand, for {id: 'c', complaints: 0, orders} with 233,014 orders, the first B of them
  // behind a class: the options take 8 numbers, the customer 3, its id 5, complaints 3, the orders'
  // key and array 4; each order 9 (2,097,149 in all, 3 under the cap). Before the last order the
  // buffer holds 23 + 9B + 4(233,013 - B) numbers: for B = 23,298, 1,048,565, 11 under its
  // 1,048,576, so the writer grows it for 14 while 2,097,140 are counted. Around it, both ways of
  // writing the orders are scored alike.
  const scorer = new Scorer({ limits: { maxOrders: 300_000 } });
  class Order {
    constructor(at, amount) {
      this.at = at;
      this.amount = amount;
    }
  }
  const at = Date.UTC(2026, 0, 1), n = 233_014;
  const outcome = (customer) => {
    try {
      return scorer.score(customer, { asOf }).value.frequency;
    } catch (e) {
      return e.code;
    }
  };
  for (let b = 23_290; b <= 23_306; b++) {
    const orders = Array.from({ length: n }, (_, i) => (i < b ? new Order(at, i) : { at, amount: i }));
    assert.equal(outcome({ id: 'c', complaints: 0, orders }), n, `${b} orders behind a class`);
  }
  scorer.free();
});

test('scoreMany counts each customer against the caps as score does, whatever comes before it', () => {
  const scorer = new Scorer({ limits: { maxOrders: 300_000 } });
  const at = Date.UTC(2026, 0, 1);
  const many = (customers) => {
    try {
      return scorer.scoreMany(customers, { asOf }).map((r) => r.value.frequency);
    } catch (e) {
      return { code: e.code, path: e.path };
    }
  };
  const small = { id: 's', orders: [{ at, amount: 1 }] };
  // Numbers: 233,014 {at, amount} orders are the most a customer {id: 'c', orders} takes with the
  // options (20 + 9n of 2,097,152, see above), after customers in the same call or not.
  const orders = (k, o = (i) => ({ at, amount: i })) => ({ id: 'c', orders: Array.from({ length: k }, (_, i) => o(i)) });
  assert.deepEqual(many([small, small, orders(233_014)]), [1, 1, 233_014]);
  assert.deepEqual(many([small, small, orders(233_015)]), { code: 'TOO_LARGE', path: '[2]' });
  // Bytes: 83,886 orders of a 200-character category are the most such a customer takes with the
  // options (16,777,211 of 16,777,216 bytes, see above), after a customer of a 200-character id or not.
  const name = 'x'.repeat(200);
  const category = (i) => ({ at, amount: i, category: name });
  assert.deepEqual(many([{ id: name, orders: [] }, orders(83_886, category)]), [0, 83_886]);
  assert.deepEqual(many([{ id: name, orders: [] }, orders(83_887, category)]), { code: 'TOO_LARGE', path: '[1]' });
  scorer.free();
});
