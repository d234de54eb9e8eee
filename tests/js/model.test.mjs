// A model fitted once on the whole base, then `new Scorer({ model })` scoring
// single customers: ABC, RFM and predictions, checked against the published
// CDNOW figures (Fader, Hardie & Lee 2005) and against the model's own cut points.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fit, Scorer, CrmScoreError } from 'crmscore';

const lines = readFileSync(new URL('../../data/cdnow/CDNOW_sample.txt', import.meta.url), 'utf8')
  .trim().split('\n').map((l) => l.trim().split(/\s+/));
const iso = (d) => `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
const customers = new Map();
for (const [, id, date, , dollars] of lines) {
  if (iso(date) > '1997-09-30') continue;
  if (!customers.has(id)) customers.set(id, { id, orders: [] });
  customers.get(id).orders.push({ at: iso(date), amount: Number(dollars) });
}
const asOf = '1997-09-30T23:59:59.999Z';
const model = fit([...customers.values()], { asOf, unit: 'weeks' });

test('the model is plain JSON and survives a round trip', () => {
  assert.equal(model.version, 1);
  assert.equal(model.unit, 'weeks');
  assert.equal(model.customers, 2357);
  const again = new Scorer({ model: JSON.parse(JSON.stringify(model)) });
  const c = customers.get('0001');
  assert.deepEqual(again.score(c, { asOf }), new Scorer({ model }).score(c, { asOf }));
});

test("the paper's worked example: x = 2, t_x = 30.43, T = 38.86 expects 1.226 purchases in 39 weeks", () => {
  // Sample customer 0001 (master 00004): 1997-01-01, 01-18, 08-02 in calibration.
  const r = new Scorer({ model }).score(customers.get('0001'), { asOf, horizonDays: 39 * 7 });
  assert.equal(Math.round(r.value.predicted.expectedPurchases * 1000) / 1000, 1.226);
  assert.ok(r.value.predicted.probabilityAlive > 0 && r.value.predicted.probabilityAlive < 1);
  // Gamma-Gamma: (p (v + x m̄)) / (p x + q − 1) with m̄ = (29.73 + 14.96) / 2
  const { p, q, v } = model.gammaGamma;
  const spend = (p * (v + 2 * 22.345)) / (p * 2 + q - 1);
  assert.ok(Math.abs(r.value.predicted.expectedAverageSpend - spend) < 1e-9);
  assert.ok(r.value.predicted.lifetimeValue > 0 && r.value.predicted.lifetimeValue < spend * 1.226);
});

test('a one-time buyer is alive with probability 1 under BG/NBD', () => {
  const one = [...customers.values()].find((c) => c.orders.length === 1);
  assert.equal(new Scorer({ model }).score(one, { asOf }).value.predicted.probabilityAlive, 1);
});

test('ABC and RFM come from the model cut points when the config gives none', () => {
  const scorer = new Scorer({ model });
  let counts = { A: 0, B: 0, C: 0 };
  for (const c of customers.values()) counts[scorer.score(c, { asOf }).value.abc] += 1;
  // The model's own report of its class sizes is what scoring reproduces.
  assert.deepEqual(
    [counts.A, counts.B, counts.C].map((n) => n / 2357),
    model.abc.customerShare,
  );
  const bigSpender = { id: 'big', orders: [{ at: '1997-09-29', amount: 5000 }, { at: '1997-09-30', amount: 5000 }] };
  const big = scorer.score(bigSpender, { asOf });
  assert.equal(big.value.abc, 'A');
  assert.equal(big.value.rfm.m, 5);
  assert.equal(big.value.rfm.r, 5);
  // explicit thresholds win over the model's
  assert.equal(new Scorer({ model, abc: { a: 1e9, b: 1e8 } }).score(bigSpender, { asOf }).value.abc, 'C');
});

test('rules can read the predictions', () => {
  const scorer = new Scorer({
    model,
    builtinSegments: false,
    segments: [{ id: 'likely-gone', when: 'value.predicted.probabilityAlive < 0.3', goal: 'win-back' }],
  });
  const lapsed = [...customers.values()].find((c) => c.orders.length >= 3 && c.orders.at(-1).at < '1997-03-01');
  assert.ok(lapsed);
  const r = scorer.score(lapsed, { asOf });
  assert.ok(r.value.predicted.probabilityAlive < 0.3, `${r.value.predicted.probabilityAlive}`);
  assert.deepEqual(r.segments.map((s) => s.id), ['likely-gone']);
});

test('bad models are refused at new Scorer({ model })', () => {
  const refuse = (m, code, path) => assert.throws(() => new Scorer({ model: m }), (e) => {
    assert.ok(e instanceof CrmScoreError);
    assert.equal(e.code, code);
    assert.equal(e.path, path);
    return true;
  });
  refuse({ ...model, version: 2 }, 'INVALID_MODEL', 'model.version');
  refuse({ ...model, bgnbd: { ...model.bgnbd, r: NaN } }, 'INVALID_MODEL', 'model.bgnbd.r');
  refuse({ ...model, gammaGamma: { ...model.gammaGamma, q: 'x' } }, 'INVALID_MODEL', 'model.gammaGamma.q');
  refuse({ ...model, extra: 1 }, 'INVALID_MODEL', 'model.extra');
  refuse('model.json', 'INVALID_MODEL', 'model');
  // Parameters outside the ranges where every prediction is finite.
  refuse({ ...model, bgnbd: { ...model.bgnbd, alpha: -1 } }, 'OUT_OF_RANGE', 'model.bgnbd.alpha');
  refuse({ ...model, bgnbd: { ...model.bgnbd, r: 1e308 } }, 'OUT_OF_RANGE', 'model.bgnbd.r');
  // 3 days is the least α: 0.4 weeks is 2.8 days.
  refuse({ ...model, bgnbd: { ...model.bgnbd, alpha: 0.4 } }, 'OUT_OF_RANGE', 'model.bgnbd.alpha');
  refuse({ ...model, gammaGamma: { ...model.gammaGamma, q: 1 } }, 'OUT_OF_RANGE', 'model.gammaGamma.q');
  assert.throws(() => new Scorer({ model: { ...model, gammaGamma: { ...model.gammaGamma, q: 0.9 } } }), {
    message: 'model.gammaGamma.q: expected a number above 1 and at most 1000000, got 0.9: ' +
      'outside it the expected spend of a customer without repeat purchases is infinite',
  });
  // At the edges of the ranges every customer still gets finite predictions.
  const edge = new Scorer({ model: { ...model, bgnbd: { ...model.bgnbd, r: 20, alpha: 3 / 7 }, gammaGamma: { ...model.gammaGamma, q: 1.000001 } } });
  const p = edge.score({ id: 'new', orders: [{ at: '1997-09-30', amount: 10 }] }, { asOf, horizonDays: 3650 }).value.predicted;
  const { interval, ...figures } = p;
  assert.ok(Object.values(figures).every(Number.isFinite), JSON.stringify(p));
  // An interval, where one exists, is finite too (null when the delta method overflows).
  assert.ok(Object.values(interval ?? {}).flat().every((x) => x === null || Number.isFinite(x)), JSON.stringify(p));
});

test('satisfaction zones come from the percentiles of the fitted surveys', () => {
  // Seven CDNOW customers answer a survey: gaps −2, −1, 0, 0.5, 1, 2, 3 (perception − expectation).
  // Linear interpolation: p15 at h = 6 × 0.15 = 0.9 → −2 + 0.9 = −1.1; p85 at h = 5.1 → 2 + 0.1 = 2.1.
  const gaps = [-2, -1, 0, 0.5, 1, 2, 3];
  const surveyed = [...customers.values()].map((c, i) =>
    i < gaps.length ? { ...c, survey: { expectation: { service: 4 }, perception: { service: 4 + gaps[i] } } } : c);
  const withSurveys = fit(surveyed, { asOf, unit: 'weeks' });
  assert.ok(Math.abs(withSurveys.satisfaction.p15 + 1.1) < 1e-12 && Math.abs(withSurveys.satisfaction.p85 - 2.1) < 1e-12, JSON.stringify(withSurveys.satisfaction));
  const scorer = new Scorer({ model: withSurveys });
  const zone = (gap) => scorer.score({ id: 'c', orders: [], survey: gap === undefined ? undefined : { expectation: { service: 4 }, perception: { service: 4 + gap } } }, { asOf }).satisfaction.zone;
  assert.equal(zone(-1.5), 'least-satisfied');
  assert.equal(zone(-1), 'middle');
  assert.equal(zone(2), 'middle');
  assert.equal(zone(2.5), 'most-satisfied');
  assert.equal(zone(undefined), null);
  // A model without surveys places nobody.
  assert.equal(new Scorer({ model }).score({ id: 'c', orders: [], survey: { expectation: { a: 4 }, perception: { a: 1 } } }, { asOf }).satisfaction.zone, null);
  // Rules read the zone.
  const rules = new Scorer({ model: withSurveys, builtinSegments: false, segments: [{ id: 'at-risk-unhappy', when: "satisfaction.zone == 'least-satisfied'", goal: 'care' }] });
  const unhappy = { id: 'u', orders: [], survey: { expectation: { service: 5 }, perception: { service: 2 } } };
  assert.deepEqual(rules.score(unhappy, { asOf }).segments.map((s) => s.id), ['at-risk-unhappy']);
});
