// Where `Scorer.scoreMany` sends columnar transactions: columnar scoring runs
// in the fitting module (crmscore_fit_bg.wasm), which storefront visitors never
// download, so the scoring side only holds the function an entry that has that
// module registers here (the Node entry on first use, `crmscore/fit` in
// browsers once its `init()` has resolved).

let scoreColumns = null;

/** Registers `scoreColumns(config, transactions, options)` of the fitting module. */
export function provideColumnarScoring(f) {
  scoreColumns = f;
}

/** The registered function, or null. */
export function columnarScoring() {
  return scoreColumns;
}
