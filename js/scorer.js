// The `Scorer` every entry exports: the wasm class, whose `score` and
// `scoreMany` pass plain data as tapes rather than JSON text (tape.js), and
// whose `scoreMany` also takes columnar transactions `{ customer, at, amount,
// cost? }` and then returns typed arrays, computed by the fitting module's
// `scoreColumns` with this scorer's config (see columnar-route.js).
import { Scorer as WasmScorer } from './crmscore.js';
import { CrmScoreError } from './interop.js';
import { columnarScoring } from './columnar-route.js';
import { score, scoreMany } from './tape.js';

const NOT_LOADED =
  'columnar scoreMany runs in the fitting module (crmscore_fit_bg.wasm), which is not loaded: ' +
  "in browsers and workers `import initFit from 'crmscore/fit'` and `await initFit()` first " +
  '(Node loads it by itself); or pass an array of customers';

export class Scorer extends WasmScorer {
  #config;

  constructor(config) {
    super(config);
    // The config as the scoring module read it (JSON text), so that later
    // changes to the caller's object do not change what this scorer does.
    this.#config = config === undefined || config === null ? {} : JSON.parse(JSON.stringify(config));
  }

  score(customer, options) {
    return score(this, customer, options);
  }

  scoreMany(customers, options) {
    if (customers === null || typeof customers !== 'object' || !('customer' in customers)) {
      return scoreMany(this, customers, options);
    }
    const scoreColumns = columnarScoring();
    if (scoreColumns === null) throw new CrmScoreError(NOT_LOADED, 'INVALID_TYPE', '');
    return scoreColumns(this.#config, customers, options);
  }
}
