// The writer's customer and order paths (js/interop.js `customer`, `orders`, `orderFields`,
// and strings written again by reference) against its general path, which a customer behind
// `toJSON` takes: for orders that are not plain data, the same result or the same error
// (code, path and message), in `score` and in `scoreMany`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Scorer } from 'crmscore';
import { run, alike as alikeBy } from './alike.mjs';

const asOf = '2026-11-22';

/** `c` by the fast path, by the general path, and second in scoreMany. */
const alike = (scorer, c, name) =>
  alikeBy(scorer, c, name, { asOf, first: { id: 'x', orders: [{ at: '2026-01-02', amount: 3, category: 'books' }] } });

const order = (o) => ({ at: '2026-10-01', amount: 10, category: 'books', ...o });

test('orders that are not plain data: fast and general paths agree', () => {
  const scorer = new Scorer();
  const hiddenAt = order({});
  Object.defineProperty(hiddenAt, 'at', { value: '2026-10-01', enumerable: false });
  let reads = 0;
  const getter = { at: '2026-09-01', get amount() { reads++; return 25; }, category: 'video' };
  const protoKey = JSON.parse('{"at": "2026-10-01", "amount": 5, "__proto__": {"category": "x"}}');
  const withToJSON = { ...order({}), toJSON: () => order({ amount: 99 }) };
  class Order { constructor(o) { Object.assign(this, o); } }
  const selfCycle = order({});
  selfCycle.category = selfCycle;
  const inArray = order({});
  inArray.category = [inArray];
  let deep = 1;
  for (let i = 0; i < 130; i++) deep = { deep };
  const cases = {
    hiddenAt: { id: 'a', orders: [hiddenAt] },
    getter: { id: 'a', orders: [getter, order({})] },
    unknownKey: { id: 'a', orders: [order({ note: 'x' })] },
    unknownKeyUndefined: { id: 'a', orders: [order({ note: undefined, cost: () => 1 })] },
    protoKey: { id: 'a', orders: [protoKey] },
    withToJSON: { id: 'a', orders: [withToJSON, order({})] },
    classOrder: { id: 'a', orders: [new Order(order({ amount: 7 })), order({})] },
    nullProto: { id: 'a', orders: [Object.assign(Object.create(null), order({}))] },
    dateAt: { id: 'a', orders: [order({ at: new Date('2026-10-03T12:00:00Z') })] },
    boxed: { id: 'a', orders: [order({ amount: new Number(12), category: new String('music') })] },
    nestedThrow: { id: 'a', orders: [order({ extra: { x: 1, get bad() { throw new Error('boom'); } } })] },
    nestedArrayThrow: { id: 'a', orders: [order({}), order({ extra: [1, { get bad() { throw new Error('boom'); } }] })] },
    getterThrow: { id: 'a', orders: [order({}), { at: '2026-01-01', get amount() { throw new Error('boom'); } }] },
    selfCycle: { id: 'a', orders: [selfCycle] },
    cycleInArray: { id: 'a', orders: [inArray] },
    tooDeep: { id: 'a', orders: [order({ category: deep })] },
    bigint: { id: 'a', orders: [order({ amount: 10n })] },
    holes: { id: 'a', orders: [order({}), , order({})] }, // eslint-disable-line no-sparse-arrays
  };
  const toJSONGetter = { ...order({}) };
  let toJSONReads = 0;
  Object.defineProperty(toJSONGetter, 'toJSON', { get() { toJSONReads++; return 5; }, enumerable: true });
  cases.toJSONGetter = { id: 'a', orders: [toJSONGetter] };
  const toJSONThrows = { ...order({}) };
  Object.defineProperty(toJSONThrows, 'toJSON', { get() { throw new Error('no'); } });
  cases.toJSONThrows = { id: 'a', orders: [order({}), toJSONThrows] };
  for (const [name, c] of Object.entries(cases)) alike(scorer, c, name);
  // An order's toJSON getter is read as often as JSON.stringify reads it.
  toJSONReads = 0;
  JSON.stringify(cases.toJSONGetter);
  const byJson = toJSONReads;
  toJSONReads = 0;
  run(() => scorer.score(cases.toJSONGetter, { asOf }));
  assert.equal(toJSONReads, byJson);
  assert.equal(alike(scorer, cases.toJSONThrows, 'toJSONThrows').path, 'orders[1]');
  // A customer's toJSON getter too, and a class instance's.
  const customer = { id: 'a', orders: [] };
  Object.defineProperty(customer, 'toJSON', { get() { toJSONReads++; return 5; }, enumerable: true });
  class Customer { constructor(o) { Object.assign(this, o); } get toJSON() { toJSONReads++; return undefined; } }
  for (const c of [customer, new Customer({ id: 'b', orders: [] })]) {
    toJSONReads = 0;
    JSON.stringify(c);
    const want = toJSONReads;
    toJSONReads = 0;
    run(() => scorer.score(c, { asOf }));
    assert.equal(toJSONReads, want);
    toJSONReads = 0;
    run(() => scorer.scoreMany([c], { asOf }));
    assert.equal(toJSONReads, want);
  }
  // A getter is read once per write, as JSON.stringify reads it.
  reads = 0;
  scorer.score({ id: 'a', orders: [getter] }, { asOf });
  assert.equal(reads, 1);
  assert.equal(alike(scorer, cases.nestedThrow, 'nestedThrow').path, 'orders[0].extra.bad');
  assert.equal(alike(scorer, cases.selfCycle, 'selfCycle').message, 'orders[0].category: expected a string, got a circular reference');
  scorer.free();
});

test('strings written again (categories, channels, ids, keys) name the same things', () => {
  const scorer = new Scorer();
  const long = 'x'.repeat(70);
  // Orders of four shapes, nine category names (more than the writer remembers), and
  // strings equal to other fields' text.
  const cats = ['books', 'video', 'dvd', 'music', 'a', 'b', 'c', 'd', long, 'books'];
  const orders = [];
  for (let i = 0; i < 30; i++) {
    const o = { at: `2026-0${1 + (i % 9)}-1${i % 10}`, amount: 1 + i, category: cats[i % cats.length] };
    if (i % 3 === 0) o.discount = 1;
    if (i % 4 === 0) o.channel = i % 8 ? 'web' : 'books';
    orders.push(o);
  }
  const c = { id: 'books', orders, survey: { expectation: { books: 3, web: 4 }, perception: { books: 4, web: 2 } } };
  const r = alike(scorer, c, 'repeated').result;
  const want = {};
  for (const o of orders) want[o.category] = (want[o.category] ?? 0) + 1;
  assert.deepStrictEqual(r.value.categories, Object.fromEntries(Object.keys(want).sort().map((k) => [k, want[k]])));
  assert.deepStrictEqual(Object.keys(r.satisfaction.dimensions).sort(), ['books', 'web']);
  assert.equal(r.id, 'books');
  // A lone surrogate refused where it stands, the first time and when written again.
  const bad = '\ud800x';
  for (const at of [0, 1]) {
    const os = [order({ category: 'ok' }), order({ category: 'ok' })];
    os[at].category = bad;
    os.push(order({ category: bad }));
    assert.equal(alike(scorer, { id: 'a', orders: os }, 'surrogate').path, `orders[${at}].category`);
  }
  // scoreMany: customers of one call share strings; each result is its own customer's.
  const customers = [];
  for (let i = 0; i < 50; i++) {
    customers.push({ id: `c${i % 7}`, orders: orders.slice(i % 5, 5 + (i % 11)).map((o) => ({ ...o })) });
  }
  const many = scorer.scoreMany(customers, { asOf });
  customers.forEach((cu, i) => assert.deepStrictEqual(many[i], scorer.score(cu, { asOf }), `customer ${i}`));
  scorer.free();
});

test('orders that are not plain objects written past the end of a new writer\'s first arrays', () => {
  const scorer = new Scorer();
  class Order { constructor(o) { Object.assign(this, o); } }
  // A customer of 70,000 orders (4 numbers each, as order records) grows the writer past
  // what is kept for the next call (2^18 numbers),
  // so the next call writes with a new one (1,024 numbers). Then 0 to 14 plain orders of
  // 11 numbers, so that in one of the runs an order ends within 3 numbers of the end.
  const huge = { id: 'h', orders: Array.from({ length: 70_000 }, () => ({ at: 1, amount: 1 })) };
  for (let lead = 0; lead < 15; lead++) {
    run(() => scorer.score(huge, { asOf }));
    const plain = Array.from({ length: lead }, (_, i) => ({ at: '2026-02-01', amount: i }));
    const classes = Array.from({ length: 100 }, (_, i) => new Order(order({ amount: i })));
    const r = alike(scorer, { id: 'a', orders: [...plain, ...classes] }, `lead ${lead}`);
    assert.equal(r.result.value.frequency, lead + 100);
  }
  scorer.free();
});
