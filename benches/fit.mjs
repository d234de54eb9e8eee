// Benchmarks of fitting and columnar scoring through the wasm API in Node.
// Prints figures; not a timed test.
//
//   npm run build && node benches/fit.mjs    (or: node benches/fit.mjs path/to/pkg, or CRMSCORE_PKG=path/to/pkg)
//
// 1. CDNOW (2,357 customers): fitSummaries on the published summary, and fit on
//    the raw transactions (columnar, read with readTransactionsCsv).
// 2. A generated base of 1,000,000 customers and 10,000,000 transactions
//    (seeded, so every run fits the same data): fit from columns.
// 3. Scoring with the fitted model, in customers per second: columnar input
//    (scoreColumns over the whole base, 12-month projection) and object input
//    (new Scorer({ model }).scoreMany on 100,000 of its customers, 365-day horizon).
//
// Native figures of the same maths: cargo run --release --example bench_fit
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

// The package: a directory or its node.js, as the first argument or CRMSCORE_PKG; default ../pkg.
const given = process.argv[2] ?? process.env.CRMSCORE_PKG;
const entry = (p) => (p.startsWith('file:') ? p : pathToFileURL(resolve(p.endsWith('.js') ? p : `${p}/node.js`)).href);
const pkg = given ? entry(given) : new URL('../pkg/node.js', import.meta.url).href;
const { fit, fitSummaries, readTransactionsCsv, scoreColumns, Scorer } = await import(pkg);
const data = (name) => readFileSync(new URL(`../data/cdnow/${name}`, import.meta.url), 'utf8');

/** Median of `runs` timed calls of `f` after `warmup` untimed ones, in ms. */
function time(f, runs, warmup = 3) {
  for (let i = 0; i < warmup; i++) f();
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    f();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return ms[Math.floor(runs / 2)];
}

const rows = data('cdnow_customers_summary_with_transactions.csv').trim().split('\n').slice(1).map((l) => {
  const [, x, tx, T, m] = l.split(',').map(Number);
  return { frequency: x, recency: tx, T, monetaryValue: m };
});
const columns = {
  frequency: Float64Array.from(rows, (r) => r.frequency),
  recency: Float64Array.from(rows, (r) => r.recency),
  T: Float64Array.from(rows, (r) => r.T),
  monetaryValue: Float64Array.from(rows, (r) => r.monetaryValue),
};
const sample = readTransactionsCsv(data('CDNOW_sample.txt'), { delimiter: 'whitespace', header: false, customerCol: 2, dateCol: 3, amountCol: 5 });
const calibration = '1997-09-30T23:59:59.999Z';
console.log('CDNOW sample, 2,357 customers (median of 21 runs):');
console.log(`  fitSummaries, rows as objects:  ${time(() => fitSummaries(rows), 21).toFixed(1)} ms`);
console.log(`  fitSummaries, Float64Array columns: ${time(() => fitSummaries(columns), 21).toFixed(1)} ms`);
console.log('  (peer: Python lifetimes fits BG/NBD + Gamma-Gamma on this summary in about 80 ms on the reference machine)');
console.log(`  fit, 6,919 columnar transactions: ${time(() => fit(sample.transactions, { asOf: calibration }), 21).toFixed(1)} ms`);
const csvText = data('CDNOW_master.txt');
console.log(`  readTransactionsCsv, CDNOW master (69,659 lines): ${time(() => readTransactionsCsv(csvText, { delimiter: 'whitespace', customerCol: 'customer_id', dateCol: 'date', amountCol: 'dollar_value' }), 5, 1).toFixed(1)} ms`);

// A seeded base drawn from the BG/NBD process itself, so that the fit has an
// interior optimum: each customer's purchase rate λ ~ Gamma(r = 2, α = 11 weeks)
// and dropout probability p ~ Beta(a = 2, b = 38); first purchases spread over
// 1997, purchases as a Poisson process until a dropout (after any purchase with
// probability p) or 1998-12-31; amounts from the Gamma-Gamma process:
// per-customer scale ν ~ Gamma(q = 4, rate 60), amounts ~ Gamma(p = 6, rate ν).
function generate(customers, seed) {
  let s = seed >>> 0;
  const random = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  // Marsaglia & Tsang (2000), shape >= 1.
  const gamma = (shape) => {
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = normal();
      const v = (1 + c * x) ** 3;
      if (v > 0 && Math.log(1 - random()) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
    }
  };
  const capacity = 14 * customers;
  const customer = new Uint32Array(capacity);
  const at = new Float64Array(capacity);
  const amount = new Float64Array(capacity);
  const day = 86_400_000;
  const start = Date.UTC(1997, 0, 1) / day;
  const end = Date.UTC(1998, 11, 31) / day;
  let i = 0;
  for (let c = 0; c < customers && i < capacity; c++) {
    const rate = gamma(2) / 11 / 7; // purchases per day
    const ga = gamma(2);
    const p = ga / (ga + gamma(38));
    const nu = gamma(4) / 60;
    let t = start + random() * 365;
    while (t <= end && i < capacity) {
      customer[i] = c;
      at[i] = Math.floor(t) * day;
      amount[i] = Math.round((gamma(6) / nu) * 100) / 100;
      i++;
      if (random() < p) break;
      t -= Math.log(1 - random()) / rate;
    }
  }
  return { customer: customer.subarray(0, i), at: at.subarray(0, i), amount: amount.subarray(0, i) };
}

let t = performance.now();
const base = generate(1_000_000, 42);
console.log(`\nGenerated base: 1,000,000 customers, ${base.customer.length.toLocaleString('en')} transactions (${(performance.now() - t).toFixed(0)} ms to generate)`);
const asOf = '1998-12-31T23:59:59.999Z';
let fraction = 0;
t = performance.now();
const model = fit(base, { asOf, allowUnconverged: true, onProgress: (f) => { fraction = f; } });
const fitMs = performance.now() - t;
console.log(`  fit (columnar, one run): ${fitMs.toFixed(0)} ms; converged ${model.bgnbd.converged}/${model.gammaGamma?.converged}; progress reached ${fraction}`);
console.log(`  BG/NBD r=${model.bgnbd.r.toPrecision(4)} alpha=${model.bgnbd.alpha.toPrecision(4)} a=${model.bgnbd.a.toPrecision(4)} b=${model.bgnbd.b.toPrecision(4)}`);

const perSecond = (n, ms) => Math.round(n / (ms / 1000)).toLocaleString('en');
const scoreMs = time(() => scoreColumns(model, base, { asOf, customers: 1_000_000 }), 3, 1);
console.log(`  scoreColumns, columnar input (12-month projection): ${scoreMs.toFixed(0)} ms = ${perSecond(1_000_000, scoreMs)} customers/s`);

// The first 100,000 customers of the base as objects (orders as epoch ms).
const objects = [];
for (let i = 0; i < base.customer.length && base.customer[i] < 100_000; i++) {
  const c = base.customer[i];
  if (objects.length === c) objects.push({ id: c, orders: [] });
  objects[c].orders.push({ at: base.at[i], amount: base.amount[i] });
}
const scorer = new Scorer({ model });
const manyMs = time(() => scorer.scoreMany(objects, { asOf }), 3, 1);
console.log(`  scoreMany, object input with the model (365-day horizon): ${objects.length.toLocaleString('en')} customers in ${manyMs.toFixed(0)} ms = ${perSecond(objects.length, manyMs)} customers/s`);
