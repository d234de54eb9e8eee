// The worker's work, once both modules are loaded: read the CDNOW sample, fit the population model as of
// the end of its 39-week calibration period, and score every customer's transactions as columns with it.
import { Scorer } from 'crmscore';
import { fit, readTransactionsCsv } from 'crmscore/fit';

export function fitSample(text) {
  const asOf = '1997-09-30T23:59:59.999Z';
  const table = readTransactionsCsv(text, { delimiter: 'whitespace', header: false, customerCol: 2, dateCol: 3, amountCol: 5 });
  const model = fit(table.transactions, { asOf, unit: 'weeks' });
  const scorer = new Scorer({ model });
  const s = scorer.scoreMany(table.transactions, { asOf, customers: table.customerIds.length, segments: false });
  scorer.free();
  return { customers: model.customers, bgnbd: model.bgnbd, first: { id: table.customerIds[0], frequency: s.frequency[0] } };
}

export function serve(ready) {
  self.onmessage = async ({ data }) => {
    try {
      await ready;
      self.postMessage(fitSample(data));
    } catch (e) {
      self.postMessage({ error: `${e.code ?? ''} ${e.message}` });
    }
  };
}
