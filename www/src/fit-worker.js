// Web Worker: reads the transactions and fits the population model with crmscore, then scores
// every customer with it. Posts progress, then the model and one row per customer.
import init, { readTransactionsCsv, fit, scoreColumns, Scorer } from 'crmscore';
import { csvOptions, toCustomers, lastDate } from './transactions.js';

const post = (message) => self.postMessage(message);
const ready = init(); // compile the wasm module as soon as the worker starts

self.onmessage = async ({ data }) => {
  try {
    await ready;
    const t0 = performance.now();
    const csv = readTransactionsCsv(data.text, csvOptions(data.text));
    if (!csv.customerIds.length) throw new Error(`no transactions could be read${csv.errors[0] ? `: ${csv.errors[0].message}` : ''}`);
    const asOf = lastDate(csv);
    const t1 = performance.now();
    const model = fit(csv.transactions, { asOf, unit: 'weeks', onProgress: (fraction) => post({ type: 'progress', fraction }) });
    const t2 = performance.now();
    // Predictions (BG/NBD, Gamma-Gamma) by customer index, and segments from a scorer that uses
    // the model's ABC thresholds and RFM edges.
    const predicted = scoreColumns(model, csv.transactions, { asOf, months: 12 });
    const scorer = new Scorer({ abc: { a: model.abc.a, b: model.abc.b }, rfm: model.rfm });
    const results = scorer.scoreMany(toCustomers(csv), { asOf });
    scorer.free();
    const t3 = performance.now();
    const rows = results.map(({ id, value: v, segments }, i) => ({
      id,
      orders: v.frequency,
      spend: v.monetary,
      value: v.historicValue,
      abc: v.abc,
      rfm: v.rfm?.segment ?? null,
      probabilityAlive: predicted.probabilityAlive[i],
      expectedPurchases: predicted.expectedPurchases[i],
      lifetimeValue: predicted.lifetimeValue[i],
      segments: segments.map((s) => s.id),
    }));
    post({
      type: 'done', model, rows,
      stats: { customers: rows.length, transactions: csv.rows - csv.skipped, skipped: csv.skipped, asOf,
        parseMs: t1 - t0, fitMs: t2 - t1, scoreMs: t3 - t2 },
    });
  } catch (e) {
    post({ type: 'error', message: e.message, code: e.code ?? null, path: e.path ?? null });
  }
};
