// The uncertainty of fitted models through the installed package: the CDNOW
// standard errors lifetimes publishes (BetaGeoFitter / GammaGammaFitter
// `standard_errors_`), the model's logCovariance, and the 90% intervals of a
// customer's predictions (value.predicted.interval).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fit, fitSummaries, Scorer } from 'crmscore';
import { donations, sig3, summaryRows, sampleCustomers } from './reference.mjs';

test('fitSummaries on CDNOW gives the published standard errors to 3 significant figures', () => {
  const { bgnbd, gammaGamma } = fitSummaries(summaryRows, { unit: 'weeks' });
  const published = [
    [bgnbd, { r: 0.0126, alpha: 0.378, a: 0.186, b: 0.705 }],
    [gammaGamma, { p: 1.19, q: 0.290, v: 4.16 }],
  ];
  for (const [fitted, ses] of published) {
    const keys = Object.keys(ses);
    assert.deepEqual(Object.keys(fitted.standardErrors), keys);
    assert.equal(fitted.logCovariance.length, keys.length ** 2);
    for (const [k, want] of Object.entries(ses)) {
      assert.ok(sig3(fitted.standardErrors[k], want), `${k}: ${fitted.standardErrors[k]}, published ${want}`);
      const [lo, hi] = fitted.intervals[k];
      assert.ok(lo < fitted[k] && fitted[k] < hi, `${k}: ${lo} < ${fitted[k]} < ${hi}`);
    }
  }
});

// lifetimes 0.11.3's standard_errors_ (its Hessian by autograd, then the delta method from the
// log-parameters) of ModifiedBetaGeoFitter on the CDNOW summary and of BetaGeoBetaBinomFitter on
// the donations table, computed on this machine; lifetimes' ParetoNBDFitter gives none.
test('MBG/NBD and BG/BB standard errors are lifetimes\' to 3 significant figures; Pareto/NBD has them too', () => {
  const { mbgNbd } = fitSummaries(summaryRows, { purchaseModel: 'mbg-nbd' });
  const { bgbb } = fitSummaries(donations, { purchaseModel: 'bg-bb' });
  const lifetimes = [
    [mbgNbd, { r: 0.0832639, alpha: 0.695597, a: 0.154785, b: 0.537472 }],
    [bgbb, { alpha: 0.0693914, beta: 0.0294477, gamma: 0.0510099, delta: 0.320819 }],
  ];
  for (const [fitted, ses] of lifetimes) {
    for (const [k, want] of Object.entries(ses)) {
      assert.ok(sig3(fitted.standardErrors[k], want), `${k}: ${fitted.standardErrors[k]}, lifetimes ${want}`);
      const [lo, hi] = fitted.intervals[k];
      assert.ok(lo < fitted[k] && fitted[k] < hi, `${k}: ${lo} < ${fitted[k]} < ${hi}`);
    }
  }
  const { paretoNbd } = fitSummaries(summaryRows, { purchaseModel: 'pareto-nbd' });
  assert.deepEqual(Object.keys(paretoNbd.standardErrors), ['r', 'alpha', 's', 'beta']);
  assert.equal(paretoNbd.logCovariance.length, 16);
  for (const [k, [lo, hi]] of Object.entries(paretoNbd.intervals)) assert.ok(lo < paretoNbd[k] && paretoNbd[k] < hi, k);
});

test('a fitted model gives each customer 90% intervals that contain the predictions', () => {
  const model = JSON.parse(JSON.stringify(fit(sampleCustomers(), { asOf: '1997-09-30', unit: 'weeks' })));
  // CDNOW sample customer 1: orders on 1997-01-01, 01-18 and 08-02.
  const c = { id: '1', orders: [{ at: '1997-01-01', amount: 29.33 }, { at: '1997-01-18', amount: 29.73 }, { at: '1997-08-02', amount: 14.96 }] };
  const asOf = '1997-09-30T23:59:59Z';
  // Intervals are asked for (they cost four more predictions per customer); without the option there are none.
  const lifetime = { intervals: true };
  const { predicted } = new Scorer({ model, lifetime }).score(c, { asOf }).value;
  assert.equal(new Scorer({ model }).score(c, { asOf }).value.predicted.interval, null);
  const { expectedPurchases: e, lifetimeValue: ltv } = predicted.interval;
  assert.ok(e[0] < predicted.expectedPurchases && predicted.expectedPurchases < e[1], JSON.stringify(predicted));
  assert.ok(ltv[0] < predicted.lifetimeValue && predicted.lifetimeValue < ltv[1], JSON.stringify(predicted));
  // Symmetric on the log scale: value / low = high / value.
  assert.ok(Math.abs(Math.log(ltv[1] / predicted.lifetimeValue) - Math.log(predicted.lifetimeValue / ltv[0])) < 1e-9);

  // A model without logCovariance (fitted before, or hand-written) scores the same, without intervals.
  const bare = structuredClone(model);
  for (const m of [bare.bgnbd, bare.gammaGamma]) {
    delete m.standardErrors;
    delete m.intervals;
    delete m.logCovariance;
  }
  const without = new Scorer({ model: bare, lifetime }).score(c, { asOf }).value.predicted;
  assert.equal(without.interval, null);
  assert.deepEqual({ ...without, interval: undefined }, { ...predicted, interval: undefined });
  // Without the spend model's covariance, only the purchases have an interval.
  const noSpend = structuredClone(model);
  delete noSpend.gammaGamma.standardErrors;
  delete noSpend.gammaGamma.intervals;
  delete noSpend.gammaGamma.logCovariance;
  const half = new Scorer({ model: noSpend, lifetime }).score(c, { asOf }).value.predicted.interval;
  assert.deepEqual(half, { expectedPurchases: e, lifetimeValue: null });
});

test('a malformed or incomplete logCovariance is refused with its path', () => {
  const model = fit(sampleCustomers(), { asOf: '1997-09-30', unit: 'weeks' });
  const asymmetric = structuredClone(model);
  asymmetric.bgnbd.logCovariance[1] *= 2;
  assert.throws(() => new Scorer({ model: asymmetric }), { code: 'INVALID_MODEL', path: 'model.bgnbd.logCovariance' });
  const short = structuredClone(model);
  short.gammaGamma.logCovariance.pop();
  assert.throws(() => new Scorer({ model: short }), { code: 'INVALID_MODEL', path: 'model.gammaGamma.logCovariance' });
  const partial = structuredClone(model);
  delete partial.bgnbd.intervals;
  assert.throws(() => new Scorer({ model: partial }), { code: 'INVALID_MODEL', path: 'model.bgnbd.intervals' });
});
