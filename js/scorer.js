// The `Scorer` every entry exports: the wasm class, whose `score`, `scoreMany`
// and `explain` pass plain data as tapes (score.js), and whose `scoreMany`
// also takes columnar transactions `{ customer, at, amount, cost? }` and then
// returns typed arrays, computed by the fitting module's `scoreColumns` with
// this scorer's config (see columnar-route.js).
import { Scorer as WasmScorer, SegmentBatch } from './crmscore.js';
import { CrmScoreError, keep, thrownError } from './interop.js';
import { columnarScoring } from './columnar-route.js';
import { score, scoreMany, explain, live, builtWithDefaults } from './score.js';

// A freed SegmentBatch says that it was freed, as a freed Scorer does; freeing
// either twice (free(), then the end of a `using` block) does nothing.
const freeBatch = SegmentBatch.prototype.free;
SegmentBatch.prototype.free = function () {
  if (this.__wbg_ptr !== 0) freeBatch.call(this);
};
if (Symbol.dispose) SegmentBatch.prototype[Symbol.dispose] = SegmentBatch.prototype.free;
for (const name of ['numbers', 'codes', 'values', 'evaluate']) {
  const method = SegmentBatch.prototype[name];
  SegmentBatch.prototype[name] = function (...args) {
    live(this, 'SegmentBatch');
    return method.apply(this, args);
  };
}
for (const name of ['capacity', 'fields', 'segmentIds', 'words']) {
  const { get } = Object.getOwnPropertyDescriptor(SegmentBatch.prototype, name);
  Object.defineProperty(SegmentBatch.prototype, name, {
    get() {
      live(this, 'SegmentBatch');
      return get.call(this);
    },
    configurable: true,
  });
}

/** Whether `scoreMany` was given columnar transactions; a throwing `has` trap is the caller's error. */
function isColumnar(customers) {
  if (customers === null || typeof customers !== 'object' || Array.isArray(customers)) return false;
  try {
    return 'customer' in customers;
  } catch (e) {
    throw thrownError(e, '');
  }
}

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
    if (kept === undefined) builtWithDefaults(this);
  }

  score(customer, options) {
    return score(this, customer, options);
  }

  explain(customer, options) {
    return explain(this, customer, options);
  }

  batch(capacity) {
    live(this);
    return super.batch(capacity);
  }

  free() {
    if (this.__wbg_ptr !== 0) super.free();
  }

  scoreMany(customers, options) {
    if (!isColumnar(customers)) return scoreMany(this, customers, options);
    const scoreColumns = columnarScoring();
    if (scoreColumns === null) throw new CrmScoreError(NOT_LOADED, 'INVALID_TYPE', '');
    return scoreColumns(this.#config ?? {}, customers, options);
  }
}
if (Symbol.dispose) Scorer.prototype[Symbol.dispose] = Scorer.prototype.free;
