// @ts-check
// crmscore/fit as a browser Web Worker uses it, run in Deno (deno.ts) and workerd (worker.js), each through
// the package's own condition for that runtime: `await initFit()`, read the CDNOW sample, fit, then score the
// customers' transactions as columns with the `Scorer` of `crmscore`.
import { Scorer } from 'crmscore';
import initFit, { fit, readTransactionsCsv } from 'crmscore/fit';

const AS_OF = '1997-09-30T23:59:59.999Z';

/** @param {string} csv the CDNOW sample (CDNOW_sample.txt) */
export async function fitAndScore(csv) {
  await initFit();
  const table = readTransactionsCsv(csv, { delimiter: 'whitespace', header: false, customerCol: 2, dateCol: 3, amountCol: 5 });
  const model = fit(table.transactions, { asOf: AS_OF, unit: 'weeks' });
  const scorer = new Scorer({ model });
  const s = scorer.scoreMany(table.transactions, { asOf: AS_OF, customers: table.customerIds.length, segments: false });
  scorer.free();
  return {
    customers: table.customerIds.length,
    bgnbd: model.bgnbd,
    first: { id: table.customerIds[0], frequency: s.frequency[0], recencyDays: s.recencyDays[0], monetary: s.monetary[0] },
  };
}
