// score and scoreMany pass plain data as a tape (js/tape.js) and anything else
// through JSON text. Both paths must give the same results and the same errors:
// the JSON path is forced here by wrapping an input in an object with a toJSON
// method (JSON.stringify then writes what toJSON returns; the tape never reads
// such objects itself).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Scorer, CrmScoreError } from 'crmscore';
import { goldenCases } from '../golden/compare.mjs';

const asOf = '2026-11-22';
const viaJson = (v) => ({ toJSON: () => v });

function outcome(f) {
  try {
    return { result: f() };
  } catch (e) {
    return { error: e instanceof CrmScoreError ? { code: e.code, path: e.path, message: e.message } : String(e) };
  }
}

/** Asserts that `customer` scores (or fails) alike through the tape and through JSON text. */
function alike(scorer, customer, options = { asOf }) {
  const tape = outcome(() => scorer.score(customer, options));
  const json = outcome(() => scorer.score(viaJson(customer), options));
  assert.deepStrictEqual(tape, json);
  return tape;
}

test('every golden customer scores identically through the tape and through JSON text', () => {
  let n = 0;
  for (const c of goldenCases()) {
    const scorer = new Scorer(c.config);
    try {
      for (const customer of c.customers) {
        assert.deepStrictEqual(scorer.score(customer, c.options), scorer.score(viaJson(customer), viaJson(c.options)));
        n++;
      }
    } finally {
      scorer.free();
    }
  }
  assert.equal(n, 60 + 160 + 60 + 99);
});

test('what JSON.stringify would drop, mark or convert is read alike', () => {
  const scorer = new Scorer({ abc: { a: 100, b: 10 } });
  const order = (o) => ({ at: '2026-11-01', amount: 20, ...o });
  const cases = [
    // A Date is its ISO text; undefined, functions and symbols in objects are absent.
    { id: 'd', orders: [order({ at: new Date('2026-10-01T12:00:00Z'), cost: undefined, category: () => 1, channel: Symbol('x') })] },
    // Non-ASCII and astral names (UTF-16 lengths differ from UTF-8 lengths).
    { id: 'ü-😀', orders: [order({ category: 'bücher' }), order({ category: '😀 video' })],
      survey: { expectation: { 'qualité': 4, '服务': 3 }, perception: { 'qualité': 5, '服务': 3 } } },
    // -0 is 0, as in JSON; integer-like keys come first in both.
    { id: 7, orders: [order({ amount: -0 })], survey: { expectation: { 2: 3, b: 4, 1: 5 }, perception: { b: 4, 1: 5, 2: 3 } } },
    // Objects without a prototype are plain data.
    Object.assign(Object.create(null), { id: 'np', orders: [Object.assign(Object.create(null), order())] }),
    // Errors: NaN and Infinity (which JSON would write as null), an invalid Date, a hole in the orders,
    // a wrong type, an unknown field, a class instance, a future date.
    { id: 'nan', orders: [order({ amount: NaN })] },
    { id: 'inf', orders: [order({ cost: -Infinity })] },
    { id: 'bad-date', orders: [order({ at: new Date('nope') })] },
    { id: 'hole', orders: [order(), , order()] },
    { id: 'fn', orders: [() => 1] },
    { id: 'typo', orders: [order({ ammount: 3 })] },
    { id: 'class', orders: [new (class Order { constructor() { this.at = '2026-11-01'; this.amount = 3; } })()] },
    { id: 'future', orders: [order({ at: '2027-01-01' })] },
    undefined,
    null,
    'c1',
  ];
  for (const c of cases) alike(scorer, c);
  assert.deepStrictEqual(alike(scorer, cases[1]).result.value.categories, { 'bücher': 1, '😀 video': 1 });
  assert.equal(alike(scorer, cases[4]).error.code, 'NOT_FINITE');
  assert.equal(alike(scorer, cases[6]).error.message, 'orders[0].at: expected an ISO 8601 date (2026-11-22) or date-time (2026-11-22T10:30:00Z), got "Invalid Date"');
});

test('what JSON cannot hold is named at its path; toJSON and Dates read as JSON text would', () => {
  const scorer = new Scorer();
  const cyclic = { id: 'c', orders: [{ at: '2026-11-01', amount: 1 }] };
  cyclic.orders[0].channel = cyclic;
  assert.throws(() => scorer.score(cyclic, { asOf }), { code: 'INVALID_TYPE', path: 'orders[0].channel', message: 'orders[0].channel: expected a string, got a circular reference' });
  assert.throws(() => scorer.score({ id: 'c', orders: [{ at: '2026-11-01', amount: 1n }] }, { asOf }), { code: 'INVALID_TYPE', path: 'orders[0].amount' });
  // A lone surrogate cannot be written as UTF-8: JSON text escapes it, and the reader refuses it by name.
  const lone = outcome(() => scorer.score({ id: 'x\ud800', orders: [] }, { asOf }));
  assert.equal(lone.error.code, 'INVALID_TYPE');
  // A class with toJSON is what toJSON gives.
  class Customer { toJSON() { return { id: 'cls', orders: [] }; } }
  assert.equal(scorer.score(new Customer(), { asOf }).id, 'cls');
  // Options as a Date-valued object, and options given through toJSON.
  assert.equal(scorer.score({ id: 'o', orders: [] }, { asOf: new Date('2026-11-22T00:00:00Z') }).asOf, '2026-11-22T00:00:00.000Z');
  assert.equal(scorer.score({ id: 'o', orders: [] }, viaJson({ asOf })).asOf, '2026-11-22T00:00:00.000Z');
});

test('a getter that scores during the walk does not disturb the outer call', () => {
  const scorer = new Scorer();
  const inner = { id: 'inner', orders: [{ at: '2026-11-01', amount: 5 }] };
  const outer = { id: 'outer', get orders() { scorer.score(inner, { asOf }); return [{ at: '2026-10-01', amount: 7 }]; } };
  const r = scorer.score(outer, { asOf });
  assert.equal(r.id, 'outer');
  assert.equal(r.value.monetary, 7);
  assert.equal(scorer.score(inner, { asOf }).value.monetary, 5);
});

test('scoreMany sends large arrays in several calls, with indices in error paths counted over the whole array', () => {
  const scorer = new Scorer();
  const DAY = 86_400_000;
  const base = Date.parse('2025-01-01');
  // 3,000 customers of 10 orders: about 100 numbers each, 300,000 in all, about nine calls of 32,768.
  const customers = Array.from({ length: 3000 }, (_, i) => ({
    id: `c${i}`,
    orders: Array.from({ length: 10 }, (_, k) => ({ at: base + ((i * 7 + k * 31) % 600) * DAY, amount: (i % 97) + k })),
  }));
  const many = scorer.scoreMany(customers, { asOf });
  assert.equal(many.length, 3000);
  assert.deepStrictEqual(many, customers.map((c) => scorer.score(c, { asOf })));
  // Customer 2,500 spends 2500 % 97 = 75 per order plus 0..9: 10 × 75 + 45 = 795.
  assert.equal(many[2500].value.monetary, 795);
  customers[2500].orders[3].at = '2027-01-01';
  assert.throws(() => scorer.scoreMany(customers, { asOf }), (e) => e.code === 'FUTURE_DATE' && e.path === '[2500].orders[3].at');
  // One customer needing the JSON path sends the whole call that way, with the same results and paths.
  customers[2500].orders[3].at = '2026-01-01';
  const withClass = customers.slice(0, 50);
  withClass[40] = viaJson(customers[40]);
  assert.deepStrictEqual(scorer.scoreMany(withClass, { asOf }), many.slice(0, 50));
  assert.deepStrictEqual(scorer.scoreMany([], { asOf }), []);
  assert.throws(() => scorer.scoreMany([], { asof: asOf }), (e) => e.path === 'options.asof');
});

test('the tape entry points refuse a malformed tape instead of misreading it', () => {
  const scorer = new Scorer();
  assert.throws(() => scorer.scoreTape(new Float64Array([0, 6, 5]), '', 1, -1, 1), (e) => e.code === 'INVALID_TYPE' && /malformed input tape/.test(e.message));
  assert.throws(() => scorer.scoreTape(new Float64Array([0, 4, 3]), 'ab', 1, -1, 1), (e) => e.code === 'INVALID_TYPE');
});

test('a polluted Object.prototype sends inputs through JSON text, which ignores inherited keys', () => {
  const scorer = new Scorer();
  const customer = { id: 'p', orders: [{ at: '2026-11-01', amount: 12 }] };
  const clean = scorer.score(customer, { asOf });
  Object.prototype.amount = 99;
  Object.prototype.ammount = 1;
  try {
    assert.deepStrictEqual(scorer.score(customer, { asOf }), clean);
    assert.deepStrictEqual(scorer.scoreMany([customer], { asOf }), [clean]);
  } finally {
    delete Object.prototype.amount;
    delete Object.prototype.ammount;
  }
  assert.equal(clean.value.monetary, 12);
});
