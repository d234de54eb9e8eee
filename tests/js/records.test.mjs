// Orders the writer sends as order records (js/interop.js `order`, tag 8 in src/input/tape.rs):
// epoch-ms `at`, `amount`, `cost`, `category`, `discount`, `channel` in that order, numbers and
// strings. Each case is scored as it is, through the general path (behind toJSON, which writes
// every object as entries) and second in scoreMany: the same result or the same error, and the
// error the one worked out by hand from the schema (docs/api.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Scorer } from 'crmscore';
import { run, alike as alikeBy } from './alike.mjs';

const asOf = '2026-11-22';
const AT = Date.UTC(2026, 9, 1); // 2026-10-01

/** `c` by the record path, by the general path, and second in scoreMany: alike. */
const alike = (scorer, c, name) => alikeBy(scorer, c, name, { asOf, first: { id: 'x', orders: [{ at: AT, amount: 3, category: 'books' }] } });

const customer = (...orders) => ({ id: 'a', orders: [{ at: AT, amount: 1, category: 'books' }, ...orders] });

test('orders that fit a record score as the same orders written as entries', () => {
  const scorer = new Scorer();
  const all = { at: AT, amount: 12.5, cost: 4, category: 'a\u0000b', discount: 0.5, channel: 'web' };
  const r = alike(scorer, customer(all, { at: AT + 86_400_000, amount: -0, category: 'books', channel: 'web' }), 'all keys').result;
  // 1 + 12.5 + 0 paid; categories counted by name, U+0000 kept.
  assert.equal(r.value.monetary, 13.5);
  assert.equal(r.value.frequency, 3);
  assert.deepStrictEqual(r.value.categories, { 'a\u0000b': 1, books: 2 });
  // The same orders as class instances (never records) give the same result.
  class Order { constructor(o) { Object.assign(this, o); } }
  const same = scorer.score({ id: 'a', orders: customer(all).orders.map((o) => new Order(o)) }, { asOf });
  assert.deepStrictEqual(same, scorer.score(customer(all), { asOf }));
  // Keys in another order, or with undefined, function and symbol values between them.
  for (const o of [
    { amount: 2, at: AT, category: 'video' },
    { at: AT, cost: undefined, amount: 2, f() {}, category: 'video', [Symbol('s')]: 1 },
    { at: AT, amount: 2, channel: 'web', category: 'video' },
  ]) alike(scorer, customer(o), JSON.stringify(o));
  scorer.free();
});

test('orders that stop fitting a record part way give the errors the schema gives', () => {
  const scorer = new Scorer();
  let reads = 0;
  const cases = [
    [{ at: AT, amount: NaN }, 'NOT_FINITE', 'orders[1].amount', 'orders[1].amount: expected a finite number, got NaN'],
    [{ at: AT, amount: 1, cost: Infinity }, 'NOT_FINITE', 'orders[1].cost', 'orders[1].cost: expected a finite number, got Infinity'],
    [{ at: AT, amount: -1 }, 'OUT_OF_RANGE', 'orders[1].amount', 'orders[1].amount: expected a number >= 0, got -1'],
    [{ at: AT, amount: '5' }, 'INVALID_TYPE', 'orders[1].amount', 'orders[1].amount: expected a finite number, got "5"'],
    [{ at: AT, amount: 1, category: 7 }, 'INVALID_TYPE', 'orders[1].category', 'orders[1].category: expected a string, got 7'],
    [{ at: AT, amount: 1, channel: {} }, 'INVALID_TYPE', 'orders[1].channel', 'orders[1].channel: expected a string, got an object'],
    [{ at: AT, amount: 1, category: 'x', ammount: 1 }, 'UNKNOWN_FIELD', 'orders[1].ammount', undefined],
    [JSON.parse(`{"at": ${AT}, "amount": 1, "__proto__": {"category": "x"}}`), 'UNKNOWN_FIELD', 'orders[1].__proto__', undefined],
    [{ at: AT, amount: 1, category: '\ud800' }, 'INVALID_TYPE', 'orders[1].category', 'orders[1].category: expected text that is valid Unicode, got a string with a lone surrogate at character 1'],
    [{ at: AT, amount: 1, channel: 'w\udc00' }, 'INVALID_TYPE', 'orders[1].channel', 'orders[1].channel: expected text that is valid Unicode, got a string with a lone surrogate at character 2'],
    [{ at: AT, amount: 1, category: 'c'.repeat(257) }, 'TOO_LARGE', 'orders[1].category', 'orders[1].category: expected at most 256 characters, got 257'],
    [{ at: AT + 0.5, amount: 1 }, undefined, 'orders[1].at', undefined],
    [{ at: Date.UTC(2026, 11, 1), amount: 1 }, 'FUTURE_DATE', 'orders[1].at', 'orders[1].at: 2026-12-01T00:00:00.000Z is after asOf 2026-11-22T00:00:00.000Z'],
    [{ amount: 1, category: 'x' }, 'MISSING_FIELD', 'orders[1].at', 'orders[1].at: is required'],
    [{ at: AT, get amount() { throw new Error('boom'); } }, 'INVALID_TYPE', 'orders[1].amount', 'orders[1].amount: reading the input threw: boom'],
    [{ at: AT, amount: 1, get category() { reads++; throw new Error('no'); } }, 'INVALID_TYPE', 'orders[1].category', 'orders[1].category: reading the input threw: no'],
    [{ at: AT, amount: 1, accountId: 'acc', cost: -2 }, 'OUT_OF_RANGE', 'orders[1].cost', undefined],
  ];
  for (const [o, code, path, message] of cases) {
    const got = alike(scorer, customer(o), `${path} ${code}`);
    if (code !== undefined) assert.equal(got.code, code, `${path}: ${got.message}`);
    assert.equal(got.path, path, `${got.message}`);
    if (message !== undefined) assert.equal(got.message, message);
  }
  // A getter on a record's key is read once per write, as JSON.stringify reads it.
  reads = 0;
  let amounts = 0;
  scorer.score(customer({ at: AT, get amount() { amounts++; return 2; }, category: 'x' }), { asOf });
  assert.equal(amounts, 1);
  scorer.free();
});

test('records and orders that stop fitting one at the end of a new writer\'s first arrays', () => {
  const scorer = new Scorer();
  // 70,000 records (4 numbers each) grow the writer past what is kept for the next call
  // (2 ** 18 numbers), so the next call writes with a new one (1,024 numbers); then 0 to
  // 15 records of 7 numbers, so that in some run an order that stops fitting a record
  // at its fourth key is rewritten as entries across the end of the writer's array.
  const huge = { id: 'h', orders: Array.from({ length: 70_000 }, () => ({ at: 1, amount: 1 })) };
  for (let lead = 0; lead < 16; lead++) {
    assert.equal(run(() => scorer.score(huge, { asOf })).code, 'TOO_LARGE');
    const plain = Array.from({ length: lead }, (_, i) => ({ at: AT, amount: i, category: 'books' }));
    const late = Array.from({ length: 100 }, (_, i) => ({ at: AT, amount: i, category: 'video', discount: 1, note: i }));
    const r = alike(scorer, { id: 'a', orders: [...plain, ...late] }, `lead ${lead}`);
    assert.equal(r.path, 'orders[' + lead + '].note');
    const ok = Array.from({ length: 100 }, (_, i) => ({ at: AT, amount: i, category: 'video', discount: 1, channel: 'web', accountId: 'x' }));
    const s = alike(scorer, { id: 'a', orders: [...plain, ...ok] }, `lead ${lead} ok`).result;
    // 0 + 1 + … + 99 and 0 + 1 + … + (lead - 1).
    assert.equal(s.value.monetary, 4950 + (lead * (lead - 1)) / 2);
  }
  scorer.free();
});

test('an order whose `at` is ISO text is a record too, with the errors the schema gives', () => {
  const scorer = new Scorer();
  // 2026-10-01 and 2026-10-02T12:00:00.500Z as text; amounts 1 + 4 + 2.5 = 7.5.
  const r = alike(scorer, customer({ at: '2026-10-01', amount: 4, category: 'books' }, { at: '2026-10-02T12:00:00.500Z', amount: 2.5, channel: 'web' }), 'text at').result;
  assert.equal(r.value.monetary, 7.5);
  assert.equal(r.value.frequency, 3);
  assert.equal(r.value.lastOrderAt, '2026-10-02T12:00:00.500Z');
  // Other forms of the same day and time, read by the general reader of instants.
  for (const at of ['2026-10-02t12:00:00.5z', ' 2026-10-02T13:00:00.5+01:00 ', '2026-10-02T12:00:00,500Z']) {
    assert.equal(alike(scorer, customer({ at, amount: 1 }), at).result.value.lastOrderAt, '2026-10-02T12:00:00.500Z', at);
  }
  // Refused alike on every path, with the path and message worked out from the schema.
  const cases = [
    [{ at: '2026-02-30', amount: 1 }, 'INVALID_DATE', 'orders[1].at'],
    [{ at: 'yesterday', amount: 1 }, 'INVALID_DATE', 'orders[1].at'],
    [{ at: '2026-10-01\u0000', amount: 1 }, 'INVALID_DATE', 'orders[1].at'],
    [{ at: '\ud800', amount: 1 }, 'INVALID_TYPE', 'orders[1].at'],
    [{ at: '2026-12-01', amount: 1 }, 'FUTURE_DATE', 'orders[1].at'],
    [{ at: '1899-12-31T23:59:59.999Z', amount: 1 }, 'INVALID_DATE', 'orders[1].at'],
    [{ at: '2026-10-01', amount: 'x' }, 'INVALID_TYPE', 'orders[1].amount'],
  ];
  for (const [o, code, path] of cases) {
    const got = alike(scorer, customer(o), JSON.stringify(o));
    assert.equal(got.code, code, `${JSON.stringify(o)}: ${got.message}`);
    assert.equal(got.path, path, JSON.stringify(o));
  }
  scorer.free();
});
