// The purchase models beside BG/NBD through the installed package: Pareto/NBD
// (Fader, Hardie & Lee 2005) and MBG/NBD (Batislam et al. 2007, as BTYDplus
// fits it) on the CDNOW calibration summary, their model JSON, predictions in
// score(), the purchaseModel option's errors and the command line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fit, fitSummaries, readTransactionsCsv, Scorer, CrmScoreError } from 'crmscore';
import { data, sig3, summaryRows } from './reference.mjs';

test('Pareto/NBD on the CDNOW summary reproduces Fader, Hardie & Lee (2005)', () => {
  const r = fitSummaries(summaryRows, { purchaseModel: 'pareto-nbd' });
  const p = r.paretoNbd;
  for (const [k, want] of Object.entries({ r: 0.553, alpha: 10.58, s: 0.606, beta: 11.67 })) {
    assert.ok(sig3(p[k], want), `${k} = ${p[k]}, published ${want}`);
  }
  // Published to one decimal: −9595.0.
  assert.ok(Math.abs(p.logLikelihood + 9595.0) < 0.05, `log-likelihood ${p.logLikelihood}`);
  assert.equal(p.converged, true);
  assert.equal(r.convergence.paretoNbd.converged, true);
  assert.equal(r.bgnbd, undefined);
  assert.ok(r.gammaGamma && r.convergence.gammaGamma);
});

test('MBG/NBD on the CDNOW summary reproduces BTYDplus', () => {
  const r = fitSummaries(summaryRows, { purchaseModel: 'mbg-nbd' });
  for (const [k, want] of Object.entries({ r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 })) {
    assert.ok(sig3(r.mbgNbd[k], want), `${k} = ${r.mbgNbd[k]}, BTYDplus ${want}`);
  }
  assert.equal(r.convergence.mbgNbd.converged, true);
  // The default is still BG/NBD.
  assert.ok(fitSummaries(summaryRows).bgnbd.r > 0);
});

test('an unknown purchaseModel is a CrmScoreError naming options.purchaseModel', () => {
  for (const call of [() => fitSummaries(summaryRows, { purchaseModel: 'pareto' }), () => fit([], { purchaseModel: 'bgnbd' })]) {
    assert.throws(call, (e) => {
      assert.ok(e instanceof CrmScoreError);
      assert.equal(e.code, 'OUT_OF_RANGE');
      assert.equal(e.path, 'options.purchaseModel');
      assert.match(e.message, /expected one of "bg-nbd", "pareto-nbd", "mbg-nbd"/);
      return true;
    });
  }
});

test('fit writes the chosen purchase model; score predicts from it; the JSON round-trips', () => {
  const csv = readTransactionsCsv(data('CDNOW_sample.txt'), { delimiter: 'whitespace', header: false, customerCol: 2, dateCol: 3, amountCol: 5 });
  const asOf = '1997-09-30T23:59:59.999Z';
  // CDNOW customer 1: x = 2, t_x = 213 days, T = 272 days (in weeks 30.43 and 38.86).
  const customer = { id: '1', orders: [{ at: '1997-01-01', amount: 29.33 }, { at: '1997-01-18', amount: 29.73 }, { at: '1997-08-02', amount: 14.96 }] };
  const [x, tx, T, t] = [2, 213 / 7, 272 / 7, 52];
  for (const purchaseModel of ['pareto-nbd', 'mbg-nbd']) {
    const model = JSON.parse(JSON.stringify(fit(csv.transactions, { asOf, purchaseModel })));
    const key = purchaseModel === 'pareto-nbd' ? 'paretoNbd' : 'mbgNbd';
    assert.ok(model[key] && model.bgnbd === undefined, JSON.stringify(model));
    const v = new Scorer({ model }).score(customer, { asOf, horizonDays: 364 }).value;
    const p = model[key];
    const got = v.predicted;
    if (key === 'mbgNbd') {
      // P(alive) = 1 / (1 + a/(b+x)·((α+T)/(α+t_x))^{r+x}) (Batislam et al. 2007).
      const alive = 1 / (1 + (p.a / (p.b + x)) * ((p.alpha + T) / (p.alpha + tx)) ** (p.r + x));
      assert.ok(Math.abs(got.probabilityAlive - alive) < 1e-12, `${got.probabilityAlive} vs ${alive}`);
    } else {
      // E[Y(t) | alive] = (r+x)(β+T)/((α+T)(s−1))·(1 − ((β+T)/(β+T+t))^{s−1}) times P(alive).
      const ifAlive = (((p.r + x) * (p.beta + T)) / ((p.alpha + T) * (p.s - 1))) * (1 - ((p.beta + T) / (p.beta + T + t)) ** (p.s - 1));
      assert.ok(got.probabilityAlive > 0 && got.probabilityAlive < 1);
      assert.ok(Math.abs(got.expectedPurchases - ifAlive * got.probabilityAlive) < 1e-9, `${got.expectedPurchases}`);
    }
    assert.ok(got.expectedAverageSpend > 0 && got.lifetimeValue > 0);
    // Columns predict what objects do, customer by customer.
    const scorer = new Scorer({ model });
    const n = csv.customerIds.length;
    const columns = scorer.scoreMany(csv.transactions, { asOf, horizonDays: 364, customers: n, segments: false });
    const objects = Array.from({ length: n }, (_, i) => ({ id: csv.customerIds[i], orders: [] }));
    const { customer: who, at, amount } = csv.transactions;
    for (let i = 0; i < who.length; i++) if (at[i] <= Date.parse(asOf)) objects[who[i]].orders.push({ at: at[i], amount: amount[i] });
    scorer.scoreMany(objects, { asOf, horizonDays: 364 }).forEach((res, k) => {
      const q = res.value.predicted;
      assert.deepEqual([columns.probabilityAlive[k], columns.expectedPurchases[k]], [q.probabilityAlive, q.expectedPurchases], `${key} customer ${k}`);
    });
  }
  // An old model with bgnbd still loads; two purchase models do not.
  const old = fit(csv.transactions, { asOf });
  assert.ok(new Scorer({ model: old }).score(customer, { asOf }).value.predicted.probabilityAlive > 0);
  const both = { ...old, mbgNbd: { r: 0.525, alpha: 6.183, a: 0.891, b: 1.614, converged: true } };
  assert.throws(() => new Scorer({ model: both }), (e) => e.code === 'INVALID_MODEL' && e.path === 'model');
  const { bgnbd, ...rest } = old;
  const far = { ...rest, paretoNbd: { r: 0.5, alpha: 1, s: 0.6, beta: 2000, converged: true } };
  assert.throws(() => new Scorer({ model: far }), (e) => e.code === 'OUT_OF_RANGE' && e.path === 'model.paretoNbd.beta');
  assert.ok(bgnbd);
});

test('crmscore fit --purchase-model pareto-nbd', () => {
  const bin = createRequire(import.meta.url).resolve('crmscore/package.json').replace(/package\.json$/, 'bin/crmscore.mjs');
  const sample = fileURLToPath(new URL('../../data/cdnow/CDNOW_sample.txt', import.meta.url));
  const out = join(mkdtempSync(join(tmpdir(), 'crmscore-models-')), 'model.json');
  const columns = ['--delimiter', 'whitespace', '--no-header', '--customer-col', '2', '--date-col', '3', '--amount-col', '5'];
  const run = (...args) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
  const r = run('fit', sample, '-o', out, '--as-of', '1997-09-30', '--purchase-model', 'pareto-nbd', ...columns);
  assert.equal(r.status, 0, r.stderr);
  const m = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(m.paretoNbd.r.toPrecision(2), '0.55');
  assert.match(r.stderr, /Pareto\/NBD r=0\.55\d+ alpha=10\.\d+ s=0\.6\d+ beta=11\.\d+/);
  const bad = run('fit', sample, '--as-of', '1997-09-30', '--purchase-model', 'nbd', ...columns);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--purchase-model: expected bg-nbd, pareto-nbd, mbg-nbd or bg-bb, got "nbd"/);
});
