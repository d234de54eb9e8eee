// The `Scorer` every entry exports: the wasm class, whose `score`, `scoreMany`
// and `explain` pass plain data as tapes (score.js), and whose `scoreMany`
// also takes columnar transactions `{ customer, at, amount, cost? }` and then
// returns typed arrays, computed by the fitting module's `scoreColumns` with
// this scorer's config (see columnar-route.js).
import { Scorer as WasmScorer } from './crmscore.js';
import { CrmScoreError, keep } from './interop.js';
import { columnarScoring } from './columnar-route.js';
import { score, scoreMany, explain } from './score.js';

const NOT_LOADED =
  'columnar scoreMany runs in the fitting module (crmscore_fit_bg.wasm), which is not loaded: ' +
  "in browsers and workers `import initFit from 'crmscore/fit'` and `await initFit()` first " +
  '(Node loads it by itself); or pass an array of customers';

export class Scorer extends WasmScorer {
  #config;

  constructor(config) {
    // The config's tape, written once: later changes to the caller's object do not
    // change what this scorer does, and columnar scoring reads the same config.
    const kept = config === undefined || config === null ? undefined : keep(config, 'config');
    super(kept);
    this.#config = kept;
  }

  score(customer, options) {
    return score(this, customer, options);
  }

  explain(customer, options) {
    return explain(this, customer, options);
  }

  scoreMany(customers, options) {
    if (customers === null || typeof customers !== 'object' || Array.isArray(customers) || !('customer' in customers)) {
      return scoreMany(this, customers, options);
    }
    const scoreColumns = columnarScoring();
    if (scoreColumns === null) throw new CrmScoreError(NOT_LOADED, 'INVALID_TYPE', '');
    return scoreColumns(this.#config ?? {}, customers, options);
  }
}
