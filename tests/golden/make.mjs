// Writes the golden data of tests/golden/:
//   inputs.json   customers (seeded generator + a slice of the CDNOW sample), configs, cases
//   model.json    BG/NBD + Gamma-Gamma + ABC/RFM model fitted on CDNOW as in tests/js/model.test.mjs,
//                 with the satisfaction percentiles of the generated customers' surveys
//   expected.json the native (Rust, x86-64) results for every case, written by tests/golden.rs
//
//   node tests/golden/make.mjs            # inputs + model (needs pkg/ built), then expected via cargo
//   node tests/golden/make.mjs --inputs   # inputs + model only
//
// Same seed → same files: the generator uses its own PRNG (mulberry32), never Math.random or the clock.
import { readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../random.mjs';

const here = new URL('./', import.meta.url);
const repo = fileURLToPath(new URL('../../', import.meta.url));
const SEED = 20261125;
export const AS_OF = '2026-11-22T12:00:00Z';
const AS_OF_MS = Date.parse(AS_OF);
const DAY = 86_400_000;

const rnd = mulberry32(SEED);
const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1)); // inclusive
const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
const chance = (p) => rnd() < p;
const money = (lo, hi) => Math.round((lo + rnd() * (hi - lo)) * 100) / 100;

const pad = (n, w = 2) => String(n).padStart(w, '0');
/** An instant `ms` written in one of the accepted forms (all UTC or with an explicit offset). */
function instant(ms) {
  const d = new Date(ms);
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  const midnight = ms % DAY === 0;
  switch (int(0, 4)) {
    case 0: if (midnight) return date; // falls through: not midnight
    case 1: return `${date}T${time}Z`;
    case 2: return `${date}T${time}`; // no offset: read as UTC
    case 3: { // the same instant in UTC+02:00
      const l = new Date(ms + 2 * 3600_000);
      return `${l.getUTCFullYear()}-${pad(l.getUTCMonth() + 1)}-${pad(l.getUTCDate())}T${pad(l.getUTCHours())}:${pad(l.getUTCMinutes())}:${pad(l.getUTCSeconds())}+02:00`;
    }
    default: return ms; // epoch milliseconds
  }
}

const CATEGORIES = ['books', 'video', 'dvd', 'music', 'Bücher', 'garden'];
const CHANNELS = ['web', 'store', 'promotion', 'reward', 'coupon', 'phone'];
const DIMENSIONS = ['service', 'product', 'price', 'delivery', 'qualité'];

/** One customer; `kind` steers the shape so every stage, type, lifecycle phase and segment appears. */
function customer(i) {
  const kind = i % 10;
  const id = i % 7 === 3 ? 100000 + i : `g-${pad(i, 4)}`;
  const c = { id, orders: [] };
  const fresh = i % 50 === 1; // one small recent order: RFM new-customers / promising
  const span = fresh ? 20 : pick([30, 120, 400, 800, 1500, 3000]); // days of history
  let n;
  if (kind === 0) n = 0;
  else if (kind === 1) n = 1;
  else if (kind <= 4) n = int(2, 4);
  else if (kind <= 7) n = int(5, 12);
  else n = int(13, 30);
  const lapsed = !fresh && chance(0.2) ? int(100, 700) : 0; // days since the last order, at least
  const orders = [];
  const accounts = chance(0.25) ? pick([['a1', 'a2'], ['a1', 'a2', 'a3'], [7, 'x-7']]) : null;
  const priceHunter = chance(0.15), incentive = chance(0.15);
  for (let k = 0; k < n; k++) {
    let at;
    if (k > 0 && chance(0.12)) {
      const prev = orders[orders.length - 1].ms;
      at = chance(0.5) ? prev : Math.max(prev - (prev % DAY), prev - int(0, 3) * 3600_000); // same day (or same instant)
    } else {
      at = AS_OF_MS - (lapsed + int(0, span)) * DAY - (chance(0.5) ? int(0, 86_399) * 1000 : 0);
    }
    at = Math.min(at, AS_OF_MS);
    const o = { ms: at, at: null, amount: chance(0.03) ? 0 : money(1, fresh ? 40 : chance(0.1) ? 2500 : 300) };
    if (chance(0.35)) o.cost = money(0, o.amount * 1.3);
    if (chance(0.7)) o.category = pick(CATEGORIES);
    if (priceHunter ? chance(0.8) : chance(0.1)) o.discount = money(0.5, 30);
    if (incentive ? chance(0.8) : chance(0.3)) o.channel = incentive ? pick(['promotion', 'reward', 'coupon']) : pick(CHANNELS);
    if (accounts) o.accountId = pick(accounts);
    orders.push(o);
  }
  if (n > 0) {
    // Written in a shuffled order: scoring sorts them.
    for (let k = orders.length - 1; k > 0; k--) { const j = int(0, k); [orders[k], orders[j]] = [orders[j], orders[k]]; }
    c.orders = orders.map(({ ms, ...o }) => ({ ...o, at: instant(ms) }));
    const first = Math.min(...orders.map((o) => o.ms));
    if (chance(0.2)) c.firstSeen = instant(Math.max(first - int(0, 400) * DAY, AS_OF_MS - 4000 * DAY));
  } else if (chance(0.7)) {
    c.firstSeen = instant(AS_OF_MS - int(0, 900) * DAY);
  }
  if (chance(0.6)) {
    const dims = DIMENSIONS.filter(() => chance(0.5));
    if (dims.length === 0) dims.push('service');
    const scale = pick([5, 7]);
    const survey = { expectation: {}, perception: {} };
    for (const d of dims) {
      survey.expectation[d] = int(1, scale);
      survey.perception[d] = Math.min(scale, Math.max(0, survey.expectation[d] + int(-3, 3)));
    }
    if (chance(0.3)) survey.weights = Object.fromEntries(dims.filter(() => chance(0.6)).map((d) => [d, pick([0.5, 1, 2, 3])]));
    if (chance(0.7)) survey.nps = int(0, 10);
    c.survey = survey;
  } else if (chance(0.2)) c.survey = { nps: int(0, 10) };
  if (chance(0.3)) c.complaints = int(0, 5);
  if (chance(0.3)) c.returns = int(0, 4);
  if (chance(0.3)) c.referrals = int(0, 6);
  return c;
}

const generated = Array.from({ length: 160 }, (_, i) => customer(i));

// CDNOW, read and fitted exactly as tests/js/model.test.mjs does.
const lines = readFileSync(new URL('../../data/cdnow/CDNOW_sample.txt', import.meta.url), 'utf8')
  .trim().split('\n').map((l) => l.trim().split(/\s+/));
const iso = (d) => `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
const byId = new Map();
for (const [, id, date, , dollars] of lines) {
  if (iso(date) > '1997-09-30') continue;
  if (!byId.has(id)) byId.set(id, { id, orders: [] });
  byId.get(id).orders.push({ at: iso(date), amount: Number(dollars) });
}
const CDNOW_AS_OF = '1997-09-30T23:59:59.999Z';
const { fit } = await import(new URL('../../pkg/node.js', import.meta.url));
// The generated customers' surveys lent to the first CDNOW customers, so that the model
// holds satisfaction percentiles (its purchase and spend models do not read surveys).
const surveyed = [...byId.values()].map((c, i) => (generated[i]?.survey ? { ...c, survey: generated[i].survey } : c));
const model = fit(surveyed, { asOf: CDNOW_AS_OF, unit: 'weeks' });
// Every 24th CDNOW customer (99 of 2357), customer 0001 (the paper's worked example) first.
const cdnow = [...byId.values()].filter((_, i) => i % 24 === 0);

const configured = {
  abc: { a: 1500, b: 300, serviceCost: { perOrder: 4, perComplaint: 25, perReturn: 10 } },
  rfm: { recency: [30, 90, 180, 365], frequency: [1, 2, 5, 10], monetary: [50, 150, 400, 1000] },
  lifetime: { horizonYears: 7.5, marginRate: 0.35, retentionRate: 0.85, discountRate: 0.08 },
  value: { rateFloorDays: 60 },
  satisfaction: { levels: { basic: -0.25, satisfied: 0.4, delighted: 1.2 }, wordOfMouth: { satisfied: 10, dissatisfied: -25 } },
  loyalty: {
    stage: { newMaxDays: 60, loyalMinDays: 540, loyalMinOrders: 6 },
    type: { repeatMinOrdersPerYear: 3, priceShare: 0.4, incentiveShare: 0.5, monopoly: true },
    lifecycle: { windowDays: 120, lapseDays: 300, growth: 0.2, decline: 0.3 },
  },
  store: { books: 'Bücher', video: 'video' },
  segments: [
    { id: 'vip-gone-quiet', name: 'VIP gone quiet', goal: 'win-back', priority: 1,
      when: "segment('lapsed-high-value') && value.abc == 'A'", exitWhen: 'value.recencyDays <= 30',
      actions: [{ channel: 'phone', script: 'personal call' }] },
    { id: 'unhappy-regular', name: 'Unhappy regular', goal: 'care', priority: 5,
      when: "satisfaction.level == 'dissatisfied' && value.frequency >= 3", actions: ['Call within a week'] },
    { id: 'multi-account', goal: 'intensify', when: 'value.accounts >= 2', actions: ['Merge the accounts'] },
  ],
};

const inputs = {
  note: 'Generated by tests/golden/make.mjs (seed ' + SEED + '); expected.json holds the native results.',
  seed: SEED,
  customers: { generated, cdnow },
  configs: { defaults: {}, configured, model: { model: 'model.json' } },
  cases: [
    { name: 'defaults', config: 'defaults', customers: 'generated', count: 60, asOf: AS_OF },
    { name: 'configured', config: 'configured', customers: 'generated', count: 160, asOf: AS_OF },
    { name: 'model-generated', config: 'model', customers: 'generated', count: 60, asOf: AS_OF, horizonDays: 400 },
    { name: 'model-cdnow', config: 'model', customers: 'cdnow', count: cdnow.length, asOf: CDNOW_AS_OF, horizonDays: 39 * 7 },
  ],
};
writeFileSync(new URL('inputs.json', here), JSON.stringify(inputs) + '\n');
writeFileSync(new URL('model.json', here), JSON.stringify(model, null, 1) + '\n');
console.log(`inputs.json: ${generated.length} generated + ${cdnow.length} CDNOW customers, ${inputs.cases.length} cases; model.json`);

if (!process.argv.includes('--inputs')) {
  execFileSync('cargo', ['test', '--quiet', '--test', 'golden', '--', 'expected_json_is_current'], {
    cwd: repo, stdio: 'inherit', env: { ...process.env, GOLDEN_WRITE: '1' },
  });
}
