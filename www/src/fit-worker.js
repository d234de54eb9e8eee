// Web Worker: reads the transactions and fits the population model with crmscore, then scores
// every customer with it. Posts progress, then the model and one row per customer, with what the
// page needs to be honest about the file: its date range and the rows it could not read.
import initScoring, { Scorer } from 'crmscore';
import initFit, { readTransactionsCsv, fit, compareModels } from 'crmscore/fit';
import { csvOptions, toCustomers, dateRange, purchaseDays } from './transactions.js';
import { HORIZON_DAYS, DISCOUNT_RATE } from './horizon.js';
import { midDate, aliveGrid } from './validation.js';

const post = (message) => self.postMessage(message);
const SMALL_DATA_PENALIZER = 0.001;
/** Skipped rows listed on the page; the others are counted. */
const LISTED_ERRORS = 20;
const ready = Promise.all([initScoring(), initFit()]); // compile both wasm modules as soon as the worker starts

/** An error the page shows with the rows that could not be read (when there were some). */
class FileError extends Error {
  constructor(message, csv) {
    super(message);
    this.skipped = csv?.skipped ?? 0;
    this.rows = csv?.rows ?? 0;
    this.errors = csv?.errors.slice(0, LISTED_ERRORS) ?? [];
  }
}

self.onmessage = async ({ data }) => {
  const { id, name } = data;
  try {
    await ready;
    const t0 = performance.now();
    const csv = readTransactionsCsv(data.text, csvOptions(data.text));
    if (!csv.customerIds.length) throw new FileError('no transaction could be read', csv);
    const { first, last: asOf } = dateRange(csv);
    const t1 = performance.now();
    const onProgress = (fraction) => post({ type: 'progress', id, fraction });
    let model, penalizer = 0;
    try {
      model = fit(csv.transactions, { asOf, unit: 'weeks', onProgress });
    } catch (e) {
      // A small or odd file may not identify BG/NBD or Gamma-Gamma: fit again with a small L2 penalty on their
      // parameters (lifetimes' penalizer_coef), as is usual for small data; the page says so.
      if (e.code !== 'FIT_FAILED' || !/^(bgnbd|gammaGamma)/.test(e.path ?? '')) throw e;
      penalizer = SMALL_DATA_PENALIZER;
      model = fit(csv.transactions, { asOf, unit: 'weeks', penalizer, gammaGammaPenalizer: penalizer, onProgress });
    }
    const t2 = performance.now();
    // Holdout validation: every purchase model fitted on the first half of the file's days, its predictions for the
    // second half against what each customer bought there. A file too small to split is said, not fatal.
    const split = { calibrationEnd: midDate(first, asOf), observationEnd: asOf, unit: 'weeks', penalizer };
    let validation;
    try {
      validation = { ...split, comparison: compareModels(csv.transactions, split) };
    } catch (e) {
      validation = { ...split, error: `${e.message}${e.path ? ` (at ${e.path})` : ''}` };
    }
    const t2v = performance.now();
    // A scorer with the model: ABC classes and RFM scores by the model's cuts, BG/NBD and
    // Gamma-Gamma predictions over HORIZON_DAYS, and the segments they put each customer in.
    const scorer = new Scorer({ model, lifetime: { discountRate: DISCOUNT_RATE } });
    const results = scorer.scoreMany(toCustomers(csv), { asOf, horizonDays: HORIZON_DAYS });
    const alive = aliveGrid(scorer, first, asOf);
    scorer.free();
    const days = purchaseDays(csv);
    const t3 = performance.now();
    const rows = results.map(({ id: customer, value: v, segments }, i) => ({
      id: customer,
      orders: v.frequency,
      // BG/NBD's frequency: purchase days after the first. With none, its probability alive is 1 by construction.
      repeatDays: days[i] - 1,
      spend: v.monetary,
      value: v.historicValue,
      abc: v.abc,
      rfm: v.rfm?.segment ?? null,
      probabilityAlive: v.predicted?.probabilityAlive ?? null,
      expectedPurchases: v.predicted?.expectedPurchases ?? null,
      lifetimeValue: v.predicted?.lifetimeValue ?? null,
      segments: segments.map((s) => s.id),
    }));
    post({
      type: 'done', id, model, rows, validation, alive,
      stats: { name, customers: rows.length, transactions: csv.rows - csv.skipped, rows: csv.rows, skipped: csv.skipped,
        errors: csv.errors.slice(0, LISTED_ERRORS), first, asOf, penalizer, parseMs: t1 - t0, fitMs: t2 - t1, validateMs: t2v - t2, scoreMs: t3 - t2v },
    });
  } catch (e) {
    post({ type: 'error', id, name, message: e.message, code: e.code ?? null, path: e.path ?? null,
      skipped: e.skipped ?? 0, rows: e.rows ?? 0, errors: e.errors ?? [] });
  }
};
