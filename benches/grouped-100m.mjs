// A synthetic base of 100,000,000 customers, summarised and grouped as a SQL
// engine would (examples/duckdb/grouped.sql without the spend), then fitted with
// fitSummaries on the grouped rows. Prints figures; not a timed test.
//
//   npm run build && node benches/grouped-100m.mjs [customers]   (or CRMSCORE_PKG=path/to/pkg)
//
// The population is drawn from the BG/NBD process (Fader, Hardie & Lee 2005) with
// r = 0.25, α = 4 weeks, a = 0.8, b = 2.5, the CDNOW cohort's design: first purchases
// on a uniform day of the first 13 weeks, observation to day 272 (39 weeks). Each
// customer's purchase times are drawn in continuous time and kept as calendar days,
// as the package counts occasions (purchases on one day are one occasion), so the
// summaries take a few hundred thousand distinct (frequency, recency, T) values
// whatever the number of customers: the grouped rows are what a warehouse hands over.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const given = process.env.CRMSCORE_PKG;
const entry = (p) => pathToFileURL(resolve(p.endsWith('.js') ? p : `${p}/node.js`)).href;
const { fitSummaries } = await import(given ? entry(given) : new URL('../pkg/node.js', import.meta.url).href);

const customers = Number(process.argv[2] ?? 100_000_000);
const [r, alpha, a, b] = [0.25, 4, 0.8, 2.5];
const END_DAY = 272;
const COHORT_DAYS = 91;

// Seeded generator (mulberry32), so every run draws the same base.
let seed = 18;
function uniform() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
}
function normal() {
  return Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}
/** Gamma(shape, 1) by Marsaglia and Tsang, boosted below shape 1. */
function gamma(shape) {
  if (shape < 1) return gamma(shape + 1) * uniform() ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x, v;
    do {
      x = normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = uniform();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

// Grouped summaries: key (x, t_x days, T days) → count.
const groups = new Map();
const drawn = performance.now();
for (let i = 0; i < customers; i++) {
  const ageDays = END_DAY - Math.floor(uniform() * COHORT_DAYS);
  const ageWeeks = ageDays / 7;
  const rate = gamma(r) / alpha; // purchases per week
  const ga = gamma(a);
  const p = ga / (ga + gamma(b));
  let t = 0;
  let x = 0;
  let lastDay = 0;
  for (;;) {
    t += -Math.log(uniform()) / rate;
    if (!(t <= ageWeeks)) break;
    const day = Math.floor(t * 7);
    if (day > lastDay) {
      x += 1;
      lastDay = day;
    }
    if (uniform() < p) break;
  }
  const key = (x * 400 + lastDay) * 400 + ageDays;
  groups.set(key, (groups.get(key) ?? 0) + 1);
}
const drawMs = performance.now() - drawn;

const n = groups.size;
const columns = { frequency: new Float64Array(n), recency: new Float64Array(n), T: new Float64Array(n), monetaryValue: new Float64Array(n), count: new Float64Array(n) };
let k = 0;
for (const [key, count] of groups) {
  columns.frequency[k] = Math.floor(key / 160000);
  columns.recency[k] = (Math.floor(key / 400) % 400) / 7;
  columns.T[k] = (key % 400) / 7;
  columns.count[k] = count;
  k += 1;
}

const runs = [];
let fitted;
for (let i = 0; i < 5; i++) {
  const t = performance.now();
  fitted = fitSummaries(columns, { unit: 'weeks' });
  runs.push(performance.now() - t);
}
runs.sort((x, y) => x - y);
const { bgnbd } = fitted;
console.log(`${customers.toLocaleString('en')} customers drawn and grouped in ${(drawMs / 1000).toFixed(1)} s into ${n.toLocaleString('en')} rows (frequency, recency, T, count)`);
console.log(`fitSummaries on the grouped rows: median ${runs[2].toFixed(0)} ms of 5 (min ${runs[0].toFixed(0)}, max ${runs[4].toFixed(0)}); customers ${fitted.customers.toLocaleString('en')}, distinct triples ${fitted.distinctTriples.toLocaleString('en')}`);
console.log(`fitted r=${bgnbd.r.toFixed(4)} alpha=${bgnbd.alpha.toFixed(4)} a=${bgnbd.a.toFixed(4)} b=${bgnbd.b.toFixed(4)} converged=${bgnbd.converged} (drawn with r=${r} alpha=${alpha} a=${a} b=${b})`);
