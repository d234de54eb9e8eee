// Benchmarks of fitting and columnar scoring through the wasm API in Node.
// Prints figures; not a timed test.
//
//   npm run build && node benches/fit.mjs    (or: node benches/fit.mjs path/to/pkg, or CRMSCORE_PKG=path/to/pkg)
//
// 1. CDNOW (2,357 customers): fitSummaries on the published summary, and fit on
//    the raw transactions, columnar (read with readTransactionsCsv) and as the
//    customer objects Scorer.score takes (JSON import, validation, then the same
//    fit). The peer, Python lifetimes on the same summary, is timed here too when
//    LIFETIMES_PYTHON names a Python with lifetimes installed (benches/lifetimes_fit.py).
// 2. A generated base of 1,000,000 customers and 10,000,000 transactions
//    (seeded, so every run fits the same data): fit from columns, and whether it converged.
// 3. Scoring with the fitted model, in customers per second: columnar input
//    (scorer.scoreMany on the whole base's columns, 365-day horizon: the model's
//    figures alone, then with the 16 built-in segments) and object input
//    (scorer.scoreMany on 100,000 of its customers as objects).
//
// Native figures of the same maths: cargo run --release --example bench_fit
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

// The package: a directory or its node.js, as the first argument or CRMSCORE_PKG; default ../pkg.
const given = process.argv[2] ?? process.env.CRMSCORE_PKG;
const entry = (p) => (p.startsWith('file:') ? p : pathToFileURL(resolve(p.endsWith('.js') ? p : `${p}/node.js`)).href);
const pkg = given ? entry(given) : new URL('../pkg/node.js', import.meta.url).href;
const { fit, fitSummaries, fitRetention, readTransactionsCsv, Scorer } = await import(pkg);
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
if (process.env.LIFETIMES_PYTHON) {
  const script = fileURLToPath(new URL('./lifetimes_fit.py', import.meta.url));
  const peer = JSON.parse(execFileSync(process.env.LIFETIMES_PYTHON, [script, '0', '21'], { encoding: 'utf8' }));
  console.log(`  peer: Python lifetimes ${peer.versions.lifetimes} (scipy ${peer.versions.scipy}), BG/NBD + Gamma-Gamma on the same summary: ${peer.fitMs.toFixed(1)} ms`);
} else {
  console.log('  peer: Python lifetimes 0.11.3, BG/NBD + Gamma-Gamma on the same summary, measured on this machine: 149 ms (set LIFETIMES_PYTHON to time it in this run)');
}
// The other purchase models, fitted alone on the same summary (Gamma-Gamma is the same fit
// whatever the purchase model: timed above), and lifetimes' fitter of each when it is there.
for (const [purchaseModel, name, fitter] of [['pareto-nbd', 'Pareto/NBD', 'ParetoNBDFitter'], ['mbg-nbd', 'MBG/NBD', 'ModifiedBetaGeoFitter']]) {
  const ms = time(() => fitSummaries(columns, { purchaseModel }), 21);
  let peer = `(set LIFETIMES_PYTHON to time lifetimes' ${fitter} here)`;
  if (process.env.LIFETIMES_PYTHON) {
    const script = fileURLToPath(new URL('./lifetimes_fit.py', import.meta.url));
    const out = JSON.parse(execFileSync(process.env.LIFETIMES_PYTHON, [script, '0', '11', purchaseModel], { encoding: 'utf8' }));
    peer = `lifetimes ${fitter} on this machine: ${out.purchaseMs.toFixed(1)} ms`;
  }
  console.log(`  fitSummaries, ${name} + Gamma-Gamma: ${ms.toFixed(1)} ms; ${peer}`);
}
// The discrete-time models on their own published data: BG/BB on the donations table
// (11,104 donors, 6 opportunities; lifetimes' BetaGeoBetaBinomFitter as the peer) and sBG on
// Fader & Hardie's (2007) regular cohort (no lifetimes peer: it has no sBG fitter).
{
  const donations = readFileSync(new URL('../data/donations/donations.csv', import.meta.url), 'utf8').trim().split('\n').slice(1)
    .map((l) => l.split(',').map(Number)).map(([frequency, recency, periods, count]) => ({ frequency, recency, periods, count }));
  const ms = time(() => fitSummaries(donations, { purchaseModel: 'bg-bb' }), 21);
  let peer = "(set LIFETIMES_PYTHON to time lifetimes' BetaGeoBetaBinomFitter here)";
  if (process.env.LIFETIMES_PYTHON) {
    const script = fileURLToPath(new URL('./lifetimes_fit.py', import.meta.url));
    const out = JSON.parse(execFileSync(process.env.LIFETIMES_PYTHON, [script, '0', '11', 'bg-bb'], { encoding: 'utf8' }));
    peer = `lifetimes BetaGeoBetaBinomFitter on this machine: ${out.purchaseMs.toFixed(1)} ms`;
  }
  console.log(`  fitSummaries, BG/BB on the donations (22 rows, 11,104 donors): ${ms.toFixed(1)} ms; ${peer}`);
  const regular = [1000, 631, 468, 382, 326, 289, 262, 241];
  console.log(`  fitRetention, sBG on the regular cohort (8 years): ${time(() => fitRetention(regular), 21).toFixed(2)} ms (lifetimes has no sBG fitter)`);
}
console.log(`  fit, 6,919 columnar transactions: ${time(() => fit(sample.transactions, { asOf: calibration }), 21).toFixed(1)} ms`);
// The sample as customer objects with ISO dates, as tests/js/model.test.mjs builds them.
const objects = new Map();
for (const line of data('CDNOW_sample.txt').trim().split('\n')) {
  const [, id, d, , dollars] = line.trim().split(/\s+/);
  const at = `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
  if (at > '1997-09-30') continue;
  if (!objects.has(id)) objects.set(id, { id, orders: [] });
  objects.get(id).orders.push({ at, amount: Number(dollars) });
}
const sampleCustomers = [...objects.values()];
console.log(`  fit, the same as ${sampleCustomers.length.toLocaleString('en')} customer objects: ${time(() => fit(sampleCustomers, { asOf: calibration }), 21).toFixed(1)} ms`);
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
const converged = (m) => (m === undefined ? 'not fitted' : m.converged ? 'converged' : 'NOT converged');
console.log(`  fit (columnar, one run, allowUnconverged): ${fitMs.toFixed(0)} ms; BG/NBD ${converged(model.bgnbd)}, Gamma-Gamma ${converged(model.gammaGamma)}; progress reached ${fraction}`);
console.log(`  BG/NBD r=${model.bgnbd.r.toPrecision(4)} alpha=${model.bgnbd.alpha.toPrecision(4)} a=${model.bgnbd.a.toPrecision(4)} b=${model.bgnbd.b.toPrecision(4)}`);

const perSecond = (n, ms) => Math.round(n / (ms / 1000)).toLocaleString('en');
const scorer = new Scorer({ model });
const columnar = { asOf, customers: 1_000_000 };
const fastMs = time(() => scorer.scoreMany(base, { ...columnar, segments: false }), 3, 1);
console.log(`  scoreMany, columnar input with the model (365-day horizon), model figures only: ${fastMs.toFixed(0)} ms = ${perSecond(1_000_000, fastMs)} customers/s`);
const segmentsMs = time(() => scorer.scoreMany(base, columnar), 1, 0);
console.log(`  scoreMany, columnar input with the model and the 16 built-in segments: ${segmentsMs.toFixed(0)} ms = ${perSecond(1_000_000, segmentsMs)} customers/s`);

// The first 100,000 customers of the base as objects (orders as epoch ms).
const many = [];
for (let i = 0; i < base.customer.length && base.customer[i] < 100_000; i++) {
  const c = base.customer[i];
  if (many.length === c) many.push({ id: c, orders: [] });
  many[c].orders.push({ at: base.at[i], amount: base.amount[i] });
}
const manyMs = time(() => scorer.scoreMany(many, { asOf }), 3, 1);
console.log(`  scoreMany, object input with the model (365-day horizon): ${many.length.toLocaleString('en')} customers in ${manyMs.toFixed(0)} ms = ${perSecond(many.length, manyMs)} customers/s`);
