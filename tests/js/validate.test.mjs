// Calibration/holdout validation and grouped summary rows through the public API
// of the installed package (issue 18, §3 and §4). The reference figures are
// lifetimes 0.11.3's on the CDNOW sample (tests/reference/lifetimes_validate_cdnow.py,
// quoted in src/fit/tests.rs): 2357 calibration customers, 1882 holdout purchases
// against 1653.408724 predicted, mean absolute error 0.785454.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { validate, compareModels, fitSummaries, readTransactionsCsv, CrmScoreError } from 'crmscore';

const sample = readFileSync(new URL('../../data/cdnow/CDNOW_sample.txt', import.meta.url), 'utf8');
const near = (got, want, rel) => Math.abs(got - want) <= rel * Math.abs(want);
const split = { calibrationEnd: '1997-09-30', observationEnd: '1998-06-30', unit: 'weeks' };

function cdnowColumns() {
  // Sample id, date, dollars (columns 2, 3 and 5 of the whitespace-separated file).
  const text = 'master sample date cds dollars\n' + sample;
  return readTransactionsCsv(text, { delimiter: 'whitespace', customerCol: 'sample', dateCol: 'date', amountCol: 'dollars', strict: true }).transactions;
}

test('validate on the CDNOW split gives what lifetimes gives, by calibration frequency', () => {
  const v = validate(cdnowColumns(), split);
  assert.equal(v.model.purchaseModel, 'bg-nbd');
  assert.ok(near(v.model.r, 0.24259454342106715, 1e-4), `r ${v.model.r}`);
  assert.deepEqual([v.customers, v.holdoutLength, v.calibrationEnd, v.observationEnd], [2357, 39, '1997-09-30', '1998-06-30']);
  assert.deepEqual(v.byFrequency.map((g) => g.frequency), [0, 1, 2, 3, 4, 5, 6, '7+']);
  assert.deepEqual(v.byFrequency.map((g) => g.customers), [1411, 439, 214, 100, 62, 38, 29, 64]);
  const predicted = [0.225087, 0.523131, 1.044134, 1.52028, 2.163866, 2.653846, 3.504042, 6.157191];
  v.byFrequency.forEach((g, i) => assert.ok(near(g.predicted, predicted[i], 1e-4), `${g.frequency}: ${g.predicted}`));
  assert.equal(v.totalActual, 1882);
  assert.ok(near(v.totalPredicted, 1653.408724, 1e-4), `${v.totalPredicted}`);
  assert.ok(near(v.meanAbsoluteError, 0.785454, 1e-4), `${v.meanAbsoluteError}`);
  // FHL 2005: ln L = -9582.4 with k = 4, n = 2357.
  assert.ok(Math.abs(v.aic - 19172.8) < 0.1 && Math.abs(v.bic - 19195.86) < 0.1, `${v.aic} ${v.bic}`);

  const seen = [];
  const c = compareModels(cdnowColumns(), { ...split, onProgress: (f) => seen.push(f) });
  assert.deepEqual(c.models[0], v);
  assert.deepEqual(c.models.map((m) => m.model.purchaseModel), ['bg-nbd', 'pareto-nbd', 'mbg-nbd']);
  // Pareto/NBD's calibration log-likelihood is the published -9595.0 (FHL 2005); each BIC is 4 ln 2357 - 2 ln L.
  assert.ok(Math.abs(c.models[1].logLikelihood + 9595.0) < 0.05, `${c.models[1].logLikelihood}`);
  for (const m of c.models) assert.ok(Math.abs(m.bic - (4 * Math.log(2357) - 2 * m.logLikelihood)) < 1e-6, `${m.model.purchaseModel} ${m.bic}`);
  assert.ok(seen.length > 1 && seen.every((f, i) => i === 0 || f >= seen[i - 1]) && seen.at(-1) === 1, `progress ${seen}`);
  const order = (key) => [...c.models].sort((p, q) => p[key] - q[key]).map((m) => m.model.purchaseModel);
  assert.deepEqual([c.byHoldoutError, c.byBic], [order('meanAbsoluteError'), order('bic')]);
});

test('validate takes customers as objects, and refuses a bad split with a path', () => {
  const byId = new Map();
  for (const line of sample.trim().split('\n')) {
    const [, id, d, , dollars] = line.trim().split(/\s+/);
    if (!byId.has(id)) byId.set(id, { id, orders: [] });
    byId.get(id).orders.push({ at: `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}`, amount: Number(dollars) });
  }
  const customers = [...byId.values()];
  assert.deepEqual(validate(customers, split), validate(cdnowColumns(), split));
  assert.throws(() => validate(customers, { calibrationEnd: '1997-09-30', observationEnd: '1997-09-30' }), (e) => e instanceof CrmScoreError && e.path === 'options.observationEnd');
  assert.throws(() => validate(customers, { ...split, purchaseModel: 'pareto' }), (e) => e.path === 'options.purchaseModel');
  assert.throws(() => compareModels(customers, { calibrationEnd: '1997-09-30' }), (e) => e.code === 'MISSING_FIELD' && e.path === 'options.observationEnd');
  // An order after the observation end is an error for objects, as in `fit` after asOf.
  assert.throws(() => validate(customers, { ...split, observationEnd: '1998-03-31' }), (e) => e instanceof CrmScoreError && /^\[\d+\]\.orders\[\d+\]/.test(e.path));
});

test('fitSummaries: rows with a count fit as the customers they stand for; a bad count names its row', () => {
  const rows = [
    { frequency: 0, recency: 0, T: 30, monetaryValue: 0 },
    { frequency: 2, recency: 20, T: 30, monetaryValue: 0 },
    { frequency: 1, recency: 5, T: 25, monetaryValue: 0 },
    { frequency: 4, recency: 24, T: 26, monetaryValue: 0 },
  ];
  const counts = [50, 7, 12, 3];
  const ungrouped = rows.flatMap((r, i) => Array(counts[i]).fill(r));
  const grouped = rows.map((r, i) => ({ ...r, count: counts[i] }));
  const a = fitSummaries(ungrouped, { unit: 'days' });
  const b = fitSummaries(grouped, { unit: 'days' });
  const c = fitSummaries({ frequency: rows.map((r) => r.frequency), recency: rows.map((r) => r.recency), T: rows.map((r) => r.T), monetaryValue: new Float64Array(4), count: Uint32Array.from(counts) }, { unit: 'days' });
  assert.equal(b.customers, 72);
  assert.equal(c.customers, 72);
  for (const k of ['r', 'alpha', 'a', 'b', 'logLikelihood']) {
    assert.ok(near(b.bgnbd[k], a.bgnbd[k], 1e-9), `${k}: ${b.bgnbd[k]} grouped vs ${a.bgnbd[k]}`);
    assert.equal(c.bgnbd[k], b.bgnbd[k]);
  }
  assert.throws(() => fitSummaries([{ ...rows[0], count: 0 }, { ...rows[1], count: 2.5 }]), (e) => e instanceof CrmScoreError && e.code === 'OUT_OF_RANGE' && e.path === '[0].count');
  assert.throws(() => fitSummaries({ frequency: [0], recency: [0], T: [1], monetaryValue: [0], count: [-1] }), (e) => e.path === 'count[0]');
});
