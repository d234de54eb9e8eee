// The built npm package, imported the way a user does, against the public
// contract. Figures are worked out by hand in the comments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Scorer, CrmScoreError } from 'crmscore';
import { mulberry32 } from '../random.mjs';

const asOf = '2026-11-22';
const DAY = 86_400_000;

test('scores value, satisfaction and loyalty of one customer', () => {
  const scorer = new Scorer({ abc: { a: 1000, b: 100 }, rfm: { recency: [14, 45, 120, 365], frequency: [1, 2, 4, 8], monetary: [50, 150, 400, 1000] } });
  const r = scorer.score(
    {
      id: 'c1',
      orders: [
        { at: '2026-10-01', amount: 30, cost: 20, category: 'books' },
        { at: '2026-11-12T15:30:00Z', amount: 150, category: 'video' },
      ],
      survey: { expectation: { product: 4, service: 4 }, perception: { product: 5, service: 4 }, nps: 9 },
      complaints: 1,
    },
    { asOf },
  );
  assert.equal(r.id, 'c1');
  assert.equal(r.asOf, '2026-11-22T00:00:00.000Z');
  // 11-12 15:30 → 11-22 00:00 is 9.35 days: 9 whole days
  assert.equal(r.value.recencyDays, 9);
  assert.equal(r.value.frequency, 2);
  assert.equal(r.value.monetary, 180);
  assert.equal(r.value.averageOrderValue, 90);
  // 10-01 → 11-22: 30 + 22 days
  assert.equal(r.value.tenureDays, 52);
  // 2 orders over a tenure floored at 90 days
  assert.equal(r.value.ordersPerYear, (2 * 365) / 90);
  assert.equal(r.value.margin, 10);
  // 10 of margin + 150 × marginRate 1
  assert.equal(r.value.historicValue, 160);
  assert.equal(r.value.abc, 'B');
  // R: 9 ≤ 14 → 5; F: 2 in (1, 2] → 2; M: 180 in (150, 400] → 3; FM 2.5 → potential loyalist
  assert.deepEqual(r.value.rfm, { r: 5, f: 2, m: 3, segment: 'potential-loyalists' });
  assert.deepEqual(r.value.categories, { books: 1, video: 1 });
  // perception 4.5 - expectation 4
  assert.equal(r.satisfaction.gap, 0.5);
  assert.equal(r.satisfaction.ratio, 1.125);
  assert.deepEqual(r.satisfaction.dimensions, { product: 1, service: 0 });
  assert.equal(r.satisfaction.level, 'satisfied');
  assert.deepEqual(r.satisfaction.nps, { score: 9, category: 'promoter' });
  assert.equal(r.satisfaction.complaintRate, 0.5);
  assert.equal(r.satisfaction.returnRate, null);
  assert.equal(r.satisfaction.wordOfMouth, 12);
  assert.equal(r.satisfaction.repeatPurchases, 1);
  assert.deepEqual(r.loyalty, { stage: 'new', type: 'trust', lifecycle: 'exploration' });
  // video and no DVD → up-sell; RFM 5/2/3 → potential loyalist (see tests/js/segments.test.mjs)
  assert.deepEqual(r.segments.map((s) => s.id), ['video-buyers', 'potential-loyalists']);
  assert.deepEqual(r.nextBestAction, { segment: 'video-buyers', goal: 'up-sell', action: 'DVD of the same star, film or genre' });
});

test('lifetime value of the Walmart lifetime customer is 62,400', () => {
  const end = Date.parse('2026-11-22T00:00:00Z');
  const orders = Array.from({ length: 52 }, (_, k) => ({ at: end - k * 7 * DAY, amount: 60 }));
  const scorer = new Scorer({ lifetime: { horizonYears: 20, marginRate: 1, retentionRate: 1, discountRate: 0 } });
  assert.equal(scorer.score({ id: 'w', orders }, { asOf }).value.projectedValue, 62400);
});

test('missing inputs give null, never a made-up number', () => {
  const r = new Scorer().score({ id: 'p', firstSeen: '2026-11-01', orders: [] }, { asOf });
  assert.equal(r.value.recencyDays, null);
  assert.equal(r.value.averageOrderValue, null);
  assert.equal(r.value.ordersPerYear, null);
  assert.equal(r.value.abc, null);
  assert.equal(r.value.rfm, null);
  assert.equal(r.value.tenureDays, 21);
  for (const k of ['gap', 'ratio', 'level', 'nps', 'complaintRate', 'wordOfMouth']) assert.equal(r.satisfaction[k], null, k);
  assert.equal(r.loyalty.stage, 'potential');
  assert.equal(r.loyalty.type, null);
});

test('asOf accepts dates, date-times, epoch ms and Date objects, and defaults to now', () => {
  const scorer = new Scorer();
  const c = { id: 'a', orders: [{ at: '2026-11-01', amount: 1 }] };
  assert.equal(scorer.score({ id: 'd', orders: [{ at: new Date('2026-11-01T00:00:00Z'), amount: 1 }] }, { asOf: new Date('2026-11-22T00:00:00Z') }).value.recencyDays, 21);
  assert.equal(scorer.score(c, { asOf: Date.parse('2026-11-22') }).value.recencyDays, 21);
  assert.equal(scorer.score(c, { asOf: '2026-11-22T12:00:00+02:00' }).value.recencyDays, 21);
  const before = Date.now();
  const now = Date.parse(scorer.score(c).asOf);
  assert.ok(now >= before - 1 && now <= Date.now() + 1);
});

test('instants come back as the ISO text they stand for, at the ends of the accepted range too', () => {
  const scorer = new Scorer();
  // Each pair: the order's time as given, and the same instant as ISO text (UTC, milliseconds).
  const cases = [
    ['1900-01-01', '1900-01-01T00:00:00.000Z'],
    ['1969-12-31T23:59:59.99Z', '1969-12-31T23:59:59.990Z'],
    ['2000-02-29T12:34:56.007+00:00', '2000-02-29T12:34:56.007Z'],
    ['2024-03-05T01:02:03.04-01:00', '2024-03-05T02:02:03.040Z'],
    ['2999-12-31T23:59:59.999Z', '2999-12-31T23:59:59.999Z'],
  ];
  for (const [at, want] of cases) {
    const r = scorer.score({ id: 'c', orders: [{ at, amount: 1 }] }, { asOf: at });
    assert.equal(r.value.firstOrderAt, want, at);
    assert.equal(r.value.lastOrderAt, want, at);
    assert.equal(r.asOf, want, at);
  }
});

test('a scorer without a config and one with an empty config give the same results, segments and actions included', () => {
  // The first takes its segment table from the package's JavaScript, the second from its wasm.
  const customer = { id: 'c', orders: [{ at: '2026-11-20', amount: 500, category: 'books' }, { at: '2026-11-21', amount: 900 }] };
  const a = new Scorer().score(customer, { asOf });
  const b = new Scorer({}).score(customer, { asOf });
  assert.ok(a.segments.length > 0);
  assert.deepEqual(a, b);
});

test('scoreMany equals score one by one', () => {
  const scorer = new Scorer(JSON.parse(readFileSync(new URL('../../data/sample-config.json', import.meta.url))));
  const customers = JSON.parse(readFileSync(new URL('../../data/sample-customers.json', import.meta.url)));
  const many = scorer.scoreMany(customers, { asOf });
  assert.equal(many.length, customers.length);
  customers.forEach((c, i) => assert.deepEqual(many[i], scorer.score(c, { asOf })));
});

// Generated customers (a seeded PRNG): every field the scorer reads, random configs, both forms of scoreMany.
test('scoreMany equals score one by one on generated customers and configs, as objects and as columns', () => {
  const rnd = mulberry32(20261201);
  const int = (n) => Math.floor(rnd() * n);
  const pick = (xs) => xs[int(xs.length)];
  const asOfMs = Date.parse(asOf);
  const model = { version: 1, unit: 'weeks', asOf: '2026-11-01', customers: 100,
    abc: { a: 500, b: 100, customerShare: [0.05, 0.15, 0.8], valueShare: [0.5, 0.3, 0.2] },
    rfm: { recency: [10, 40, 90, 200], frequency: [1, 1, 2, 4], monetary: [15, 30, 60, 120] },
    bgnbd: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, gammaGamma: { p: 6.25, q: 3.74, v: 15.44 } };
  let predicted = 0, segments = 0;
  for (let round = 0; round < 8; round++) {
    const b = int(500);
    const config = {
      ...(int(2) ? { abc: { a: b + int(2000), b, serviceCost: { perOrder: int(5) } } } : {}),
      ...(int(2) ? { rfm: { recency: [14, 45, 120, 365], frequency: [1, 2, 4, 8], monetary: [50, 150, 400, 1000] } } : {}),
      ...(int(2) ? { model } : {}),
      lifetime: { marginRate: rnd() },
    };
    const scorer = new Scorer(config);
    const options = { asOf, horizonDays: int(1000) };
    const withCost = int(2) === 1;
    const customers = Array.from({ length: 40 }, (_, i) => {
      const orders = Array.from({ length: int(7) }, () => ({
        at: asOfMs - int(1500) * DAY - int(DAY), amount: int(2) ? int(500) : Math.round(rnd() * 1e6) / 100,
        ...(withCost ? { cost: int(100) } : {}),
        ...(int(2) ? { category: pick(['books', 'video', 'dvd', 'music']) } : {}),
        ...(int(3) === 0 ? { channel: pick(['web', 'promotion', 'coupon']) } : {}),
      }));
      const survey = int(2) ? { expectation: { service: int(6), price: int(6) }, perception: { service: int(6), price: int(6) }, nps: int(11) } : undefined;
      return { id: `g${i}`, orders, ...(survey ? { survey } : {}), ...(int(2) ? { complaints: int(3), referrals: int(3) } : {}) };
    });
    const one = customers.map((c) => scorer.score(c, options));
    for (const r of one) { predicted += r.value.predicted !== null; segments += r.segments.length; }
    assert.deepEqual(scorer.scoreMany(customers, options), one, `round ${round}`);
    // The same orders as columns: the figures scoreMany on columns gives (no survey, complaints or categories there).
    const rows = customers.flatMap((c, k) => c.orders.map((o) => [k, o]));
    const columns = { customer: Uint32Array.from(rows, ([k]) => k), at: Float64Array.from(rows, ([, o]) => o.at),
      amount: Float64Array.from(rows, ([, o]) => o.amount), ...(withCost ? { cost: Float64Array.from(rows, ([, o]) => o.cost) } : {}) };
    const s = scorer.scoreMany(columns, { ...options, customers: customers.length, segments: false });
    const plain = customers.map((c) => scorer.score({ id: c.id, orders: c.orders.map(({ at, amount, cost }) => ({ at, amount, cost })) }, options));
    const or = (v, none) => (v === null || v === undefined ? none : v);
    plain.forEach(({ value: v }, k) => assert.deepEqual(
      [s.recencyDays[k], s.frequency[k], s.monetary[k], ['A', 'B', 'C', 'D'][s.abc[k] - 1] ?? null, s.rfmR[k], s.rfmF[k], s.rfmM[k],
        s.probabilityAlive[k], s.expectedPurchases[k], s.expectedAverageSpend[k], s.lifetimeValue[k]],
      [or(v.recencyDays, NaN), v.frequency, v.monetary, v.abc, v.rfm?.r ?? 0, v.rfm?.f ?? 0, v.rfm?.m ?? 0,
        or(v.predicted?.probabilityAlive, NaN), or(v.predicted?.expectedPurchases, NaN), or(v.predicted?.expectedAverageSpend, NaN),
        or(v.predicted?.lifetimeValue, NaN)],
      `round ${round}, customer ${k}`));
    scorer.free();
  }
  assert.ok(predicted > 0 && segments > 0, `${predicted} predictions, ${segments} segments matched`);
});

function throws(fn, code, path, message) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof CrmScoreError, `not a CrmScoreError: ${e}`);
    assert.ok(e instanceof Error);
    assert.equal(e.name, 'CrmScoreError');
    assert.equal(e.code, code);
    assert.equal(e.path, path);
    if (message) assert.equal(e.message, message);
    return true;
  });
}

test('each kind of bad input throws a CrmScoreError with code and path', () => {
  const s = new Scorer();
  const one = (order) => ({ id: 'a', orders: [{ at: '2026-01-01', amount: 1 }, order] });
  throws(() => s.score(one({ at: '2026-01-02', amount: '12,50' }), { asOf }), 'INVALID_TYPE', 'orders[1].amount',
    'orders[1].amount: expected a finite number, got "12,50"');
  throws(() => s.score({ orders: [] }, { asOf }), 'MISSING_FIELD', 'id', 'id: is required');
  throws(() => s.score(one({ at: '2026-01-02' }), { asOf }), 'MISSING_FIELD', 'orders[1].amount');
  throws(() => s.score(one({ at: '2026-01-02', amount: NaN }), { asOf }), 'NOT_FINITE', 'orders[1].amount',
    'orders[1].amount: expected a finite number, got NaN');
  throws(() => s.score(one({ at: '2026-01-02', amount: Infinity }), { asOf }), 'NOT_FINITE', 'orders[1].amount');
  throws(() => s.score(one({ at: '2026-01-02', amount: -5 }), { asOf }), 'OUT_OF_RANGE', 'orders[1].amount');
  throws(() => s.score(one({ at: '2026-02-30', amount: 5 }), { asOf }), 'INVALID_DATE', 'orders[1].at',
    'orders[1].at: "2026-02-30" is not a calendar date');
  throws(() => s.score(one({ at: 'yesterday', amount: 5 }), { asOf }), 'INVALID_DATE', 'orders[1].at');
  throws(() => s.score(one({ at: { day: 2 }, amount: 5 }), { asOf }), 'INVALID_TYPE', 'orders[1].at');
  throws(() => s.score(one({ at: '2026-01-02', amount: 5n }), { asOf }), 'INVALID_TYPE', 'orders[1].amount',
    'orders[1].amount: expected a finite number, got a BigInt');
  // A circular reference is named where it is met; under an unknown key, the key is the first error.
  const cyclic = one({ at: '2026-01-02', amount: 5 });
  cyclic.survey = { weights: cyclic };
  throws(() => s.score(cyclic, { asOf }), 'INVALID_TYPE', 'survey.weights', 'survey.weights: expected an object, got a circular reference');
  cyclic.survey = undefined;
  cyclic.self = cyclic;
  throws(() => s.score(cyclic, { asOf }), 'UNKNOWN_FIELD', 'self');
  throws(() => s.score(one({ at: '2026-12-01', amount: 5 }), { asOf }), 'FUTURE_DATE', 'orders[1].at',
    'orders[1].at: 2026-12-01T00:00:00.000Z is after asOf 2026-11-22T00:00:00.000Z');
  throws(() => s.score(one({ at: '2026-01-02', amount: 5, price: 3 }), { asOf }), 'UNKNOWN_FIELD', 'orders[1].price');
  throws(() => s.score({ id: 'a', orders: [], survey: { nps: 12 } }, { asOf }), 'OUT_OF_RANGE', 'survey.nps');
  throws(() => s.score({ id: 'a', orders: [], survey: { expectation: { price: 3 }, perception: { price: 'good' } } }, { asOf }),
    'INVALID_TYPE', 'survey.perception.price');
  throws(() => s.score('c1', { asOf }), 'INVALID_TYPE', '');
  throws(() => s.score({ id: 'a', orders: [] }, { asOf: '2026-22-11' }), 'INVALID_DATE', 'options.asOf');
  throws(() => s.score({ id: 'a' }, { asOf }), 'MISSING_FIELD', 'orders', 'orders: is required');
  // Amounts and survey answers are capped, so that no sum can overflow to a silent null or Infinity.
  throws(() => s.score(one({ at: '2026-01-02', amount: 1e308 }), { asOf }), 'OUT_OF_RANGE', 'orders[1].amount',
    'orders[1].amount: expected a number of at most 1000000000000000, got 1e+308');
  throws(() => s.score({ id: 'a', orders: [], survey: { expectation: { a: 1e308 }, perception: { a: 1e308 } } }, { asOf }),
    'OUT_OF_RANGE', 'survey.expectation.a');
  throws(() => s.score({ id: 'x'.repeat(257), orders: [] }, { asOf }), 'TOO_LARGE', 'id', 'id: expected at most 256 characters, got 257');
  throws(() => s.score(one({ at: '2026-01-02', amount: 1, category: 'c'.repeat(300) }), { asOf }), 'TOO_LARGE', 'orders[1].category');
  // What JSON would turn into null is named, not reported as missing.
  throws(() => s.score(one({ at: new Date('not a date'), amount: 1 }), { asOf }), 'INVALID_DATE', 'orders[1].at',
    'orders[1].at: expected an ISO 8601 date (2026-11-22) or date-time (2026-11-22T10:30:00Z), got "Invalid Date"');
  throws(() => s.score(one({ at: '1899-12-31', amount: 1 }), { asOf }), 'INVALID_DATE', 'orders[1].at',
    'orders[1].at: "1899-12-31" is 1899-12-31T00:00:00.000Z in UTC, outside the years 1900 to 2999 that instants may take');
  let deep = [];
  for (let i = 0; i < 200; i++) deep = [deep];
  // Nesting is refused where the schema first disagrees, before any depth is reached.
  throws(() => s.score({ id: 'a', orders: [], survey: { weights: deep } }, { asOf }), 'INVALID_TYPE', 'survey.weights',
    'survey.weights: expected an object, got an array');
});

test('config is validated: typos, wrong types, ranges, size caps', () => {
  throws(() => new Scorer({ lifetme: {} }), 'UNKNOWN_FIELD', 'lifetme', 'lifetme: unknown field "lifetme" (did you mean "lifetime"?)');
  throws(() => new Scorer({ lifetime: { horizonYears: '5' } }), 'INVALID_TYPE', 'lifetime.horizonYears');
  throws(() => new Scorer({ abc: { a: 10, b: 50 } }), 'OUT_OF_RANGE', 'abc');
  throws(() => new Scorer({ rfm: { recency: [1, 2, 3], frequency: [1, 2, 3, 4], monetary: [1, 2, 3, 4] } }), 'OUT_OF_RANGE', 'rfm.recency');
  const capped = new Scorer({ limits: { maxOrders: 3, maxBatch: 2 } });
  const orders = Array.from({ length: 4 }, () => ({ at: '2026-01-01', amount: 1 }));
  throws(() => capped.score({ id: 'big', orders }, { asOf }), 'TOO_LARGE', 'orders', 'orders: expected at most 3 items, got 4');
  throws(() => capped.scoreMany([{ id: 1, orders: [] }, { id: 2, orders: [] }, { id: 3, orders: [] }], { asOf }), 'TOO_LARGE', '');
  throws(() => capped.scoreMany([{ id: 1, orders: [] }, { id: 2, orders: [{ at: '2027-01-01', amount: 1 }] }], { asOf }), 'FUTURE_DATE', '[1].orders[0].at');
  throws(() => new Scorer({ limits: { maxOrders: 1.5 } }), 'OUT_OF_RANGE', 'limits.maxOrders',
    'limits.maxOrders: expected a whole number from 1 to 1000000000, got 1.5');
});

test('a huge order array is refused by the default cap without scoring it', () => {
  const orders = Array.from({ length: 10_001 }, () => ({ at: '2026-01-01', amount: 1 }));
  throws(() => new Scorer().score({ id: 'h', orders }, { asOf }), 'TOO_LARGE', 'orders');
});
