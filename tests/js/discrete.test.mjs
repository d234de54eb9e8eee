// The discrete-time models through the installed package: BG/BB on the
// donations data (Fader, Hardie & Shang 2010) and sBG on the two cohorts of
// Fader & Hardie (2007), with survival, retention and DERL checked by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fit, fitSummaries, fitRetention, survival, retention, derl, Scorer, CrmScoreError } from 'crmscore';
import { donations, sig3 } from './reference.mjs';

test('BG/BB on the donations reproduces Fader, Hardie & Shang (2010)', () => {
  const r = fitSummaries(donations, { purchaseModel: 'bg-bb' });
  assert.equal(r.purchaseModel, 'bg-bb');
  assert.equal(r.customers, 11104);
  assert.equal(r.bgbb.converged, true);
  for (const [k, want] of Object.entries({ alpha: 1.204, beta: 0.75, gamma: 0.657, delta: 2.783 })) {
    assert.ok(sig3(r.bgbb[k], want), `${k} = ${r.bgbb[k]}, published ${want}`);
    const [lo, hi] = r.bgbb.intervals[k];
    assert.ok(lo < r.bgbb[k] && r.bgbb[k] < hi && r.bgbb.standardErrors[k] > 0, k);
  }
});

test('BG/BB rows are checked and fit refuses bg-bb', () => {
  assert.throws(
    () => fitSummaries([{ frequency: 3, recency: 2, periods: 6 }], { purchaseModel: 'bg-bb' }),
    (e) => e instanceof CrmScoreError && e.code === 'OUT_OF_RANGE' && e.path === '[0].recency',
  );
  assert.throws(
    () => fit([{ id: 'a', orders: [{ at: '2024-01-01', amount: 1 }] }], { purchaseModel: 'bg-bb', asOf: '2024-06-01' }),
    (e) => e instanceof CrmScoreError && e.path === 'options.purchaseModel' && /fitSummaries/.test(e.message),
  );
  assert.throws(
    () => fitSummaries(donations, { purchaseModel: 'bg-nbx' }),
    (e) => e instanceof CrmScoreError && e.path === 'options.purchaseModel',
  );
});

test('sBG reproduces both cohorts of Fader & Hardie (2007)', () => {
  const regular = [1000, 631, 468, 382, 326, 289, 262, 241];
  const highEnd = [1000, 869, 743, 653, 593, 551, 517, 491];
  for (const [counts, alpha, beta] of [[regular, 0.704, 1.182], [highEnd, 0.668, 3.806]]) {
    const r = fitRetention(counts);
    assert.ok(sig3(r.sbg.alpha, alpha) && sig3(r.sbg.beta, beta), JSON.stringify(r.sbg));
    assert.equal(r.converged, true);
    assert.equal(r.customers, 1000);
    assert.equal(r.periods, 7);
    assert.deepEqual(Object.keys(r.standardErrors), ['alpha', 'beta']);
    assert.ok(r.intervals.beta[0] < r.sbg.beta && r.sbg.beta < r.intervals.beta[1]);
    assert.ok(r.logLikelihood < 0);
  }
  assert.deepEqual(fitRetention(Uint32Array.from(regular)).sbg, fitRetention(regular).sbg);
  assert.throws(() => fitRetention([50, 50, 50]), (e) => e instanceof CrmScoreError && e.path === 'activeCounts');
  assert.throws(
    () => fitRetention([1000, 900, 950]),
    (e) => e instanceof CrmScoreError && e.code === 'OUT_OF_RANGE' && e.path === 'activeCounts[2]',
  );
});

test('survival, retention and DERL by hand', () => {
  const sbg = { alpha: 0.704, beta: 1.182 };
  const { alpha: a, beta: b } = sbg;
  assert.ok(Math.abs(retention(sbg, 1) - b / (a + b)) < 1e-15);
  assert.ok(Math.abs(retention(sbg, 4) - (b + 3) / (a + b + 3)) < 1e-15);
  assert.ok(Math.abs(survival(sbg, 0) - 1) < 1e-14);
  assert.ok(Math.abs(survival(sbg, 2) - (b / (a + b)) * ((b + 1) / (a + b + 1))) < 1e-13);
  // DERL: Σ_{t≥n} S(t)/S(n−1)/(1+d)^(t−n), with S(t) as the product of the retention rates.
  for (const [d, n] of [[0.1, 1], [0.1, 4]]) {
    let ratio = 1;
    let sum = 0;
    for (let t = n; t < 3000; t++) {
      ratio *= (b + t - 1) / (a + b + t - 1);
      sum += ratio / (1 + d) ** (t - n);
    }
    assert.ok(Math.abs(derl(sbg, d, n) - sum) < 1e-9 * sum, `d ${d} n ${n}: ${derl(sbg, d, n)} vs ${sum}`);
  }
  // A reference implementation (the Python `shifted_beta_geometric` module's README example,
  // on the high-end cohort's survival shares): projected survival after 8-12 years
  // 0.460, 0.436, 0.414, 0.395, 0.378, and DERL of the survivors of 7 renewals (n = 8) at 10%: 7.530.
  const highEnd = fitRetention([1000, 869, 743, 653, 593, 551, 517, 491]);
  assert.deepEqual([8, 9, 10, 11, 12].map((t) => survival(highEnd, t).toFixed(3)), ['0.460', '0.436', '0.414', '0.395', '0.378']);
  assert.equal(derl(highEnd, 0.1, 8).toFixed(3), '7.530');
  // A fitRetention result is accepted as it is.
  const fitted = fitRetention([1000, 631, 468, 382, 326, 289, 262, 241]);
  assert.equal(survival(fitted, 3), survival(fitted.sbg, 3));
  assert.throws(() => derl(sbg, 0), (e) => e instanceof CrmScoreError && e.path === 'discountRate');
  assert.throws(() => retention(sbg, 0), (e) => e instanceof CrmScoreError && e.path === 't');
  assert.throws(() => survival({ alpha: -1, beta: 1 }, 1), (e) => e instanceof CrmScoreError && e.path === 'sbg.alpha');
});

test('a model with bgbb scores donors at their opportunities', () => {
  const { bgbb } = fitSummaries(donations, { purchaseModel: 'bg-bb' });
  const model = {
    version: 1,
    unit: 'weeks',
    asOf: '2006-06-01',
    customers: 11104,
    abc: { a: 100, b: 50, customerShare: [0.05, 0.15, 0.8], valueShare: [0.5, 0.3, 0.2] },
    rfm: { recency: [30, 90, 180, 365], frequency: [1, 2, 3, 4], monetary: [10, 20, 50, 100] },
    bgbb: { ...bgbb, opportunityDays: 365 },
  };
  const scorer = new Scorer({ model });
  // A first gift on 2000-01-01 and one in each of the 6 yearly opportunities after it:
  // x = t_x = n = 6, so P(alive) = (δ+6)/(γ+δ+6) and the next opportunity's expected
  // gifts (α+6)/(α+β+6) · P(alive) (FHS 2010 eqs. 11 and 13 for this case, by hand).
  const days = [0, 370, 735, 1100, 1466, 1830, 2195];
  const orders = days.map((d) => ({ at: new Date(Date.UTC(2000, 0, 1) + d * 86_400_000).toISOString(), amount: 25 }));
  const p = scorer.score({ id: 'd1', orders }, { asOf: '2006-06-01', horizonDays: 365 }).value.predicted;
  const { alpha: a, beta: b, gamma: g, delta: d } = bgbb;
  const alive = (d + 6) / (g + d + 6);
  assert.ok(Math.abs(p.probabilityAlive - alive) < 1e-12, `${p.probabilityAlive} vs ${alive}`);
  assert.ok(Math.abs(p.expectedPurchases - ((a + 6) / (a + b + 6)) * alive) < 1e-12);
  assert.throws(
    () => new Scorer({ model: { ...model, bgbb: { ...bgbb } } }),
    (e) => e instanceof CrmScoreError && e.path === 'model.bgbb.opportunityDays',
  );
});
