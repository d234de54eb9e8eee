// Population-model fitting through the public API of the installed package:
// the CDNOW reference fits (Fader, Hardie & Lee 2005), the model's shape,
// progress, errors with paths, the CSV reader and columnar scoring
// (Scorer.scoreMany on columns against the same customers as objects).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fit, fitSummaries, readTransactionsCsv, scoreColumns, Scorer, CrmScoreError } from 'crmscore';
import { data, sig3, summaryRows, calibrationEnd, sampleCustomers } from './reference.mjs';

function assertPublished(bgnbd, gammaGamma) {
  for (const [k, want] of Object.entries({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 })) {
    assert.ok(sig3(bgnbd[k], want), `${k} = ${bgnbd[k]}, published ${want}`);
  }
  assert.ok(Math.abs(bgnbd.logLikelihood + 9582.4) < 0.05, `log-likelihood ${bgnbd.logLikelihood}`);
  assert.equal(bgnbd.converged, true);
  for (const [k, want] of Object.entries({ p: 6.25, q: 3.74, v: 15.44 })) {
    assert.ok(sig3(gammaGamma[k], want), `${k} = ${gammaGamma[k]}, published ${want}`);
  }
  assert.equal(gammaGamma.converged, true);
}

test('fitSummaries on the CDNOW summary reproduces the published BG/NBD and Gamma-Gamma fits', () => {
  const r = fitSummaries(summaryRows, { unit: 'weeks' });
  assertPublished(r.bgnbd, r.gammaGamma);
  assert.equal(r.customers, 2357);
  assert.equal(r.unit, 'weeks');
  assert.equal(r.convergence.bgnbd.converged, true);
  assert.ok(r.distinctTriples > 0 && r.distinctTriples < 2357);
  // The same rows as columns give the same fit.
  const columns = {
    frequency: new Uint32Array(summaryRows.map((s) => s.frequency)),
    recency: Float64Array.from(summaryRows, (s) => s.recency),
    T: summaryRows.map((s) => s.T),
    monetaryValue: Float64Array.from(summaryRows, (s) => s.monetaryValue),
  };
  assert.deepEqual(fitSummaries(columns), r);
});

test('fit on the raw CDNOW sample transactions as of 1997-09-30 reproduces the published fits', () => {
  const customers = sampleCustomers();
  assert.equal(customers.length, 2357);
  const model = fit(customers, { asOf: calibrationEnd, unit: 'weeks' });
  assertPublished(model.bgnbd, model.gammaGamma);
  assert.equal(model.version, 1);
  assert.equal(model.asOf, calibrationEnd);
  assert.equal(model.customers, 2357);
  assert.equal(model.unit, 'weeks');
  // A plain JSON object: it survives a JSON round trip unchanged.
  assert.deepEqual(JSON.parse(JSON.stringify(model)), model);
});

test('the columnar form read from the CDNOW text file gives the same model as customer objects', () => {
  const csv = readTransactionsCsv(data('CDNOW_sample.txt'), { delimiter: 'whitespace', header: false, customerCol: 2, dateCol: 3, amountCol: 5 });
  assert.deepEqual([csv.rows, csv.skipped, csv.customerIds.length, csv.errors.length], [6919, 0, 2357, 0]);
  assert.ok(csv.transactions.customer instanceof Uint32Array && csv.transactions.at instanceof Float64Array);
  // Columns ignore transactions after asOf; the end of the day keeps 1997-09-30 in.
  const columnar = fit(csv.transactions, { asOf: '1997-09-30T23:59:59.999Z' });
  const objects = fit(sampleCustomers(), { asOf: calibrationEnd });
  assert.deepEqual(columnar, objects);
});

test('the model reports ABC cut points with the actual shares of customers and value', () => {
  const customers = sampleCustomers();
  const byCustomers = fit(customers, { asOf: calibrationEnd }).abc;
  const sum = (a) => a.reduce((x, y) => x + y, 0);
  assert.ok(Math.abs(sum(byCustomers.customerShare) - 1) < 1e-12 && Math.abs(sum(byCustomers.valueShare) - 1) < 1e-12);
  // Ties share a class, so A and B hold at least their 5% and 15%.
  assert.ok(byCustomers.customerShare[0] >= 0.05 && byCustomers.customerShare[0] < 0.06, `${byCustomers.customerShare}`);
  assert.ok(byCustomers.a >= byCustomers.b);
  const byValue = fit(customers, { asOf: calibrationEnd, abc: { rule: 'valueShare' } }).abc;
  // A is the smallest set of top customers holding at least half the value.
  assert.ok(byValue.valueShare[0] >= 0.5 && byValue.valueShare[0] < 0.52, `${byValue.valueShare}`);
  assert.ok(byValue.valueShare[0] + byValue.valueShare[1] >= 0.8);
  assert.ok(byValue.customerShare[0] > byCustomers.customerShare[0]);
});

test('onProgress receives rising fractions up to 1, and its exception is rethrown', () => {
  const seen = [];
  fit(sampleCustomers(), { asOf: calibrationEnd, onProgress: (f) => seen.push(f) });
  assert.ok(seen.length >= 2);
  assert.ok(seen.every((f, i) => i === 0 || f > seen[i - 1]), `${seen}`);
  assert.equal(seen.at(-1), 1);
  const boom = new Error('stop');
  assert.throws(() => fitSummaries(summaryRows, { onProgress: () => { throw boom; } }), (e) => e === boom);
  assert.throws(() => fitSummaries(summaryRows, { onProgress: 3 }), { code: 'INVALID_TYPE', path: 'options.onProgress' });
});

test('bad customers and options are refused with the path of the field', () => {
  const customers = sampleCustomers().slice(0, 20);
  customers[12] = { ...customers[12], orders: [...customers[12].orders] };
  customers[12].orders[0] = { at: '1997-01-02', amount: '12,50' };
  assert.throws(
    () => fit(customers, { asOf: calibrationEnd }),
    (e) => e instanceof CrmScoreError && e.code === 'INVALID_TYPE' && e.path === '[12].orders[0].amount'
      && e.message === '[12].orders[0].amount: expected a finite number, got "12,50"',
  );
  assert.throws(() => fit(sampleCustomers(), { asOf: '1997-03-01' }), { code: 'FUTURE_DATE' });
  assert.throws(() => fit([], { asOf: calibrationEnd }), { code: 'OUT_OF_RANGE', path: 'options.asOf' });
  assert.throws(() => fit(sampleCustomers(), { asOf: calibrationEnd, unit: 'months' }), { code: 'OUT_OF_RANGE', path: 'options.unit' });
  assert.throws(() => fit(sampleCustomers(), { asOf: calibrationEnd, unti: 'days' }), { code: 'UNKNOWN_FIELD', path: 'options.unti' });
  assert.throws(() => fit(sampleCustomers(), { asOf: calibrationEnd, abc: { a: 0.7, b: 0.5 } }), { path: 'options.abc.b' });
  assert.throws(() => fit(sampleCustomers(), { asOf: calibrationEnd, penalizer: -1 }), { path: 'options.penalizer' });
  assert.throws(() => fitSummaries([{ frequency: 1, recency: 5, T: 3, monetaryValue: 1 }]), { code: 'OUT_OF_RANGE', path: '[0].recency' });
  assert.throws(() => fitSummaries([{ frequency: 1.5, recency: 1, T: 3, monetaryValue: 1 }]), { path: '[0].frequency' });
  assert.throws(() => fitSummaries({ frequency: [1], recency: [NaN], T: [1], monetaryValue: [1] }), { code: 'NOT_FINITE', path: 'recency[0]' });
  assert.throws(() => fitSummaries({ frequency: [1, 2], recency: [1], T: [1], monetaryValue: [1] }), { path: 'recency' });
});

test('columnar transactions are checked column by column', () => {
  const ok = { customer: new Uint32Array([0, 0, 1]), at: new Float64Array([0, 864e5, 864e5]), amount: new Float64Array([1, 2, 3]) };
  assert.throws(() => fit({ ...ok, at: [0, 864e5, 864e5] }, { asOf: 1e10 }), { code: 'INVALID_TYPE', path: 'at' });
  assert.throws(() => fit({ ...ok, at: new Float64Array([0, 1.5, 2]) }, { asOf: 1e10 }), { code: 'INVALID_DATE', path: 'at[1]' });
  assert.throws(() => fit({ ...ok, amount: new Float64Array([1, -2, 3]) }, { asOf: 1e10 }), { code: 'OUT_OF_RANGE', path: 'amount[1]' });
  assert.throws(() => fit({ ...ok, amount: new Float64Array([1, 2]) }, { asOf: 1e10 }), { path: 'amount' });
  assert.throws(() => fit({ ...ok, costs: ok.amount }, { asOf: 1e10 }), { code: 'UNKNOWN_FIELD', path: 'costs' });
  assert.throws(() => fit('customers.csv', { asOf: 1e10 }), { code: 'INVALID_TYPE', path: '' });
});

test('a fit that does not converge says so with the last parameters', () => {
  // Nobody ever repeats: the likelihood rises without bound as r → 0.
  const rows = Array.from({ length: 50 }, () => ({ frequency: 0, recency: 0, T: 30, monetaryValue: 0 }));
  assert.throws(
    () => fitSummaries(rows, { maxIterations: 40 }),
    (e) => e.code === 'FIT_FAILED' && e.path === 'bgnbd' && /last parameters r=/.test(e.message),
  );
  try {
    const lenient = fitSummaries(rows, { maxIterations: 40, allowUnconverged: true });
    assert.equal(lenient.bgnbd.converged, false);
    assert.equal(lenient.convergence.bgnbd.converged, false);
  } catch (e) {
    // Parameters that are not finite and positive are refused even then.
    assert.equal(e.code, 'FIT_FAILED');
  }
});

test('readTransactionsCsv reports bad rows by line, or stops at the first with strict', () => {
  const text = 'customer,date,amount,cost\nc1,2026-11-01,10,4\nc2,2026-11-02,"12,50",1\nc1,20261103,5,\nc3,2026-02-30,1,1\n';
  const r = readTransactionsCsv(text, { costCol: 'cost' });
  assert.deepEqual(r.customerIds, ['c1']);
  assert.deepEqual([...r.transactions.amount], [10, 5]);
  assert.deepEqual([...r.transactions.cost], [4, 0]);
  assert.deepEqual([r.rows, r.skipped], [4, 2]);
  assert.deepEqual(r.errors.map((e) => [e.line, e.column, e.code]), [[3, 'amount', 'INVALID_TYPE'], [5, 'date', 'INVALID_DATE']]);
  assert.equal(r.errors[0].message, 'line 3: amount: expected a finite number, got "12,50"');
  assert.throws(() => readTransactionsCsv(text, { strict: true }), { code: 'INVALID_TYPE', path: 'line 3' });
  assert.throws(() => readTransactionsCsv(text, { amountCol: 'paid' }), { code: 'MISSING_FIELD', path: 'columns.amount' });
  assert.throws(() => readTransactionsCsv(text, { delimiter: ';;' }), { path: 'options.delimiter' });
  const long = readTransactionsCsv(`customer,date,amount\n${'x'.repeat(100)}\n`, { maxLineLength: 50 });
  assert.equal(long.errors[0].code, 'TOO_LARGE');
});

test('scoreMany on columns gives, customer by customer, what scoreMany on objects gives', () => {
  const csv = readTransactionsCsv(data('CDNOW_sample.txt'), { delimiter: 'whitespace', header: false, customerCol: 2, dateCol: 3, amountCol: 5 });
  const asOf = '1997-09-30T23:59:59.999Z';
  const model = fit(csv.transactions, { asOf });
  const config = { model, abc: { a: 200, b: 50, serviceCost: { perOrder: 4 } }, lifetime: { discountRate: 0.05 } };
  const scorer = new Scorer(config);
  const n = csv.customerIds.length;
  const options = { asOf, horizonDays: 273 };
  const s = scorer.scoreMany(csv.transactions, { ...options, customers: n + 1 });
  assert.ok(s.abc instanceof Uint8Array && s.probabilityAlive instanceof Float64Array && s.frequency instanceof Uint32Array);
  assert.equal(s.abc.length, n + 1);
  // The same customers as objects: the rows of each index up to asOf (the columns hold later ones too).
  const objects = Array.from({ length: n + 1 }, (_, i) => ({ id: i < n ? csv.customerIds[i] : 'none', orders: [] }));
  const { customer, at, amount } = csv.transactions;
  for (let i = 0; i < customer.length; i++) {
    if (at[i] <= Date.parse(asOf)) objects[customer[i]].orders.push({ at: at[i], amount: amount[i] });
  }
  const results = scorer.scoreMany(objects, options);
  const codes = ['A', 'B', 'C', 'D'];
  const or = (v, none) => (v === null ? none : v);
  results.forEach((r, k) => {
    const v = r.value;
    const p = v.predicted;
    assert.deepEqual(
      [s.recencyDays[k], s.frequency[k], s.monetary[k], codes[s.abc[k] - 1] ?? null, s.rfmR[k], s.rfmF[k], s.rfmM[k]],
      [or(v.recencyDays, NaN), v.frequency, v.monetary, v.abc, v.rfm?.r ?? 0, v.rfm?.f ?? 0, v.rfm?.m ?? 0],
      `customer ${k}`,
    );
    // Bit for bit: the same series in the same wasm module arithmetic.
    assert.deepEqual(
      [s.probabilityAlive[k], s.expectedPurchases[k], s.expectedAverageSpend[k], s.lifetimeValue[k]],
      [p?.probabilityAlive ?? NaN, p?.expectedPurchases ?? NaN, or(p?.expectedAverageSpend ?? null, NaN), or(p?.lifetimeValue ?? null, NaN)],
      `customer ${k}`,
    );
    const matched = s.segmentIds.filter((_, i) => (s.segments[k * s.words + (i >> 5)] >>> (i & 31)) & 1);
    assert.deepEqual([...r.segments.map((m) => m.id)].sort(), [...matched].sort(), `customer ${k}`);
  });
  // Classes D exist (a cost to serve of 4 an order) and the extra index has no orders.
  assert.ok(s.abc.includes(4));
  assert.deepEqual([s.frequency[n], s.rfmR[n]], [0, 0]);
  assert.ok(Number.isNaN(s.probabilityAlive[n]) && Number.isNaN(s.recencyDays[n]));
  // scoreColumns(config, ...) is what scoreMany runs; without segments the figures are the same.
  const fast = scoreColumns(config, csv.transactions, { ...options, customers: n + 1, segments: false });
  assert.deepEqual({ ...fast, segments: s.segments }, s);
  assert.equal(fast.segments, null);
  // The scorer keeps the config it was built with.
  config.abc.a = 1e9;
  assert.deepEqual(scorer.scoreMany(csv.transactions, { ...options, customers: n + 1 }).abc, s.abc);
  // Bad options and models are named.
  assert.throws(() => scorer.scoreMany(csv.transactions, { asOf, months: 12 }), { code: 'UNKNOWN_FIELD', path: 'options.months' });
  assert.throws(() => scorer.scoreMany(csv.transactions, { asOf, horizonDays: 4000 }), { code: 'OUT_OF_RANGE', path: 'options.horizonDays' });
  assert.throws(() => scorer.scoreMany({ ...csv.transactions, customer: [...csv.transactions.customer] }, { asOf }), { code: 'INVALID_TYPE', path: 'customer' });
  assert.throws(() => scoreColumns({ model: { ...model, version: 2 } }, csv.transactions, { asOf }), { code: 'INVALID_MODEL', path: 'model.version' });
  const seen = [];
  scorer.scoreMany(csv.transactions, { asOf, segments: false, onProgress: (f) => seen.push(f) });
  assert.equal(seen.at(-1), 1);
  assert.ok(seen.every((f, i) => i === 0 || f > seen[i - 1]));
});

test('readTransactionsCsv reports the share of the text read', () => {
  const text = 'customer,date,amount\n' + Array.from({ length: 20_000 }, (_, i) => `c${i % 100},2026-11-01,${i % 50}`).join('\n');
  const seen = [];
  const r = readTransactionsCsv(text, { onProgress: (f) => seen.push(f) });
  assert.equal(r.rows, 20_000);
  assert.ok(seen.length >= 3 && seen.at(-1) === 1 && seen.every((f, i) => i === 0 || f > seen[i - 1]), `${seen}`);
});
