// Scores 100,000 generated customers against the built-in library of 16
// segments with crmscore (full scoring: value, satisfaction, loyalty,
// segments) and with a straightforward hand-written JavaScript implementation
// of the same features and 16 rules, checks that both put every customer in
// the same segments, and prints customers per second for each.
//
//   node benches/segments.mjs [customers] [path/to/pkg/node.js]
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const N = Number(process.argv[2] ?? 100_000);
const { Scorer } = await import(pathToFileURL(resolve(process.argv[3] ?? new URL('../pkg/node.js', import.meta.url).pathname)));

const DAY = 86_400_000;
const asOfMs = Date.parse('2026-11-22T00:00:00Z');
const config = {
  abc: { a: 2000, b: 500 },
  rfm: { recency: [30, 90, 180, 365], frequency: [1, 2, 4, 8], monetary: [50, 150, 400, 1000] },
};

// Seeded generator (mulberry32) so every run scores the same base.
let seed = 42;
const rand = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const categories = ['books', 'video', 'dvd', 'music'];
const customers = Array.from({ length: N }, (_, i) => {
  const n = 1 + Math.floor(rand() * rand() * 20);
  const start = asOfMs - Math.floor(rand() * 1100) * DAY;
  return {
    id: `c${i}`,
    orders: Array.from({ length: n }, () => ({
      at: start + Math.floor(rand() * ((asOfMs - start) / DAY + 1)) * DAY,
      amount: Math.round(rand() * 20000) / 100,
      category: categories[Math.floor(rand() * 4)],
    })),
  };
});

// The hand-written JavaScript: the features the 16 rules read, then the rules.
const edges = config.rfm;
const up = (v, e) => 1 + e.filter((x) => v > x).length;
const rules = [
  ['lapsed-high-value', 10, (f) => (f.abc === 'A' || f.abc === 'B') && f.recencyDays > 90],
  ['first-time-buyers', 20, (f) => f.frequency === 1],
  ['book-buyers', 30, (f) => (f.cats.books ?? 0) > 0 && !(f.cats.video > 0)],
  ['video-buyers', 40, (f) => (f.cats.video ?? 0) > 0 && !(f.cats.dvd > 0)],
  ['quarterly-buyers', 50, (f) => f.frequency >= 2 && f.opy >= 3 && f.opy < 6 && f.recencyDays <= 180],
  ['champions', 60, (f) => f.r >= 4 && f.f + f.m >= 8],
  ['cant-lose-them', 61, (f) => f.r === 1 && f.f + f.m >= 8],
  ['at-risk', 62, (f) => (f.r === 2 && f.f + f.m >= 6) || (f.r === 1 && f.f + f.m >= 6 && f.f + f.m < 8)],
  ['loyal-customers', 63, (f) => (f.r === 3 && f.f + f.m >= 6) || (f.r >= 4 && f.f + f.m >= 6 && f.f + f.m < 8)],
  ['new-customers', 64, (f) => f.r === 5 && f.f + f.m <= 3],
  ['promising', 65, (f) => f.r === 4 && f.f + f.m <= 3],
  ['potential-loyalists', 66, (f) => f.r >= 4 && f.f + f.m > 3 && f.f + f.m < 6],
  ['need-attention', 67, (f) => f.r === 3 && f.f + f.m >= 4 && f.f + f.m < 6],
  ['about-to-sleep', 68, (f) => f.r === 3 && f.f + f.m < 4],
  ['hibernating', 69, (f) => f.r === 2 && f.f + f.m < 6],
  ['lost', 70, (f) => f.r === 1 && f.f + f.m < 6],
];
function handWritten(c) {
  let first = Infinity, last = -Infinity, monetary = 0;
  const cats = {};
  for (const o of c.orders) {
    const at = typeof o.at === 'number' ? o.at : Date.parse(o.at);
    if (at < first) first = at;
    if (at > last) last = at;
    monetary += o.amount;
    if (o.category) cats[o.category] = (cats[o.category] ?? 0) + 1;
  }
  const frequency = c.orders.length;
  const recencyDays = Math.floor((asOfMs - last) / DAY);
  const tenure = Math.floor((asOfMs - first) / DAY);
  const opy = (frequency * 365) / Math.max(tenure, 90);
  const abc = monetary >= config.abc.a ? 'A' : monetary >= config.abc.b ? 'B' : 'C';
  const f = { frequency, recencyDays, opy, abc, cats, r: 6 - up(recencyDays, edges.recency), f: up(frequency, edges.frequency), m: up(monetary, edges.monetary) };
  return rules.filter(([, , rule]) => rule(f)).map(([id]) => id);
}

const scorer = new Scorer(config);
const options = { asOf: asOfMs };
const batch = 10_000;
function runWasm() {
  const out = [];
  for (let i = 0; i < N; i += batch) out.push(...scorer.scoreMany(customers.slice(i, i + batch), options));
  return out;
}

const wasmResults = runWasm();
let mismatches = 0;
customers.forEach((c, i) => {
  const a = wasmResults[i].segments.map((s) => s.id).join();
  const b = handWritten(c).join();
  if (a !== b && mismatches++ < 3) console.error(`mismatch for ${c.id}: crmscore [${a}] vs JavaScript [${b}]`);
});
if (mismatches) {
  console.error(`${mismatches} customers differ: no figures printed`);
  process.exit(1);
}

function time(fn, rounds = 3) {
  const runs = [];
  for (let k = 0; k < rounds; k++) {
    const t0 = performance.now();
    fn();
    runs.push(performance.now() - t0);
  }
  return Math.min(...runs);
}
const js = time(() => customers.map(handWritten));
const wasm = time(runWasm);
const rate = (ms) => Math.round((N / ms) * 1000).toLocaleString('en-US');
console.log(`${N.toLocaleString('en-US')} customers, 16 built-in segments, identical memberships (best of 3, Node ${process.version})`);
console.log(`crmscore scoreMany (full scoring + segments): ${wasm.toFixed(0)} ms, ${rate(wasm)} customers/s`);
console.log(`hand-written JavaScript (features + 16 rules): ${js.toFixed(0)} ms, ${rate(js)} customers/s`);
console.log(`ratio crmscore / JavaScript time: ${(wasm / js).toFixed(2)}`);
