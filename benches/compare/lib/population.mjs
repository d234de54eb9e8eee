// The seeded population, its configuration, and the features every engine is
// given. The orders are generated exactly as benches/segments.mjs generates
// them (same mulberry32 seed and call order), so the first N customers are the
// same; surveys, referrals, complaints, discounts and channels are added from a
// second seeded generator so that full scoring has satisfaction and loyalty
// inputs without changing the orders.
export const DAY = 86_400_000;
export const asOfMs = Date.parse('2026-11-22T00:00:00Z');
export const config = {
  abc: { a: 2000, b: 500 },
  rfm: { recency: [30, 90, 180, 365], frequency: [1, 2, 4, 8], monetary: [50, 150, 400, 1000] },
};
export const categories = ['books', 'video', 'dvd', 'music'];

export function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** N customers; `orders` fixed (e.g. 10) gives every customer that many orders. */
export function generate(N, { seed = 42, extrasSeed = 7, orders: fixedOrders } = {}) {
  const rand = mulberry32(seed);
  const rand2 = mulberry32(extrasSeed);
  const customers = new Array(N);
  for (let i = 0; i < N; i++) {
    const n = fixedOrders ?? 1 + Math.floor(rand() * rand() * 20);
    const start = asOfMs - Math.floor(rand() * 1100) * DAY;
    const orders = new Array(n);
    for (let k = 0; k < n; k++) {
      orders[k] = {
        at: start + Math.floor(rand() * ((asOfMs - start) / DAY + 1)) * DAY,
        amount: Math.round(rand() * 20000) / 100,
        category: categories[Math.floor(rand() * 4)],
      };
    }
    const c = { id: `c${i}`, orders };
    // Extras from the second generator (the orders above are untouched by it).
    if (rand2() < 0.4) {
      const e1 = 1 + Math.floor(rand2() * 5), e2 = 1 + Math.floor(rand2() * 5);
      const p1 = 1 + Math.floor(rand2() * 5), p2 = 1 + Math.floor(rand2() * 5);
      c.survey = { expectation: { service: e1, product: e2 }, perception: { service: p1, product: p2 } };
      if (rand2() < 0.7) c.survey.nps = Math.floor(rand2() * 11);
    }
    if (rand2() < 0.15) c.referrals = Math.floor(rand2() * 3);
    if (rand2() < 0.1) c.complaints = Math.floor(rand2() * 3);
    if (rand2() < 0.3) for (const o of orders) {
      if (rand2() < 0.5) o.discount = Math.round(rand2() * 2000) / 100;
      if (rand2() < 0.4) o.channel = rand2() < 0.5 ? 'promotion' : 'web';
    }
    customers[i] = c;
  }
  return customers;
}

// The features, defined exactly as handWritten() in benches/segments.mjs
// (no costs are generated, so historic value = monetary with margin rate 1),
// flattened: bought('books') is `books`, value.rfm.r is `r`, and `fm` = f + m
// for the engines that cannot add (GrowthBook conditions, json-rules-engine).
const up = (v, e) => 1 + e.filter((x) => v > x).length;
// Amounts are summed in (time, amount) order, as crmscore does, so that a sum
// at a threshold (500 = class B) does not depend on the input order's last digit.
export const chronological = (orders) => orders.slice().sort((a, b) => a.at - b.at || a.amount - b.amount);
export function features(c) {
  let first = Infinity, last = -Infinity, monetary = 0;
  const cats = {};
  for (const o of chronological(c.orders)) {
    const at = typeof o.at === 'number' ? o.at : Date.parse(o.at);
    if (at < first) first = at;
    if (at > last) last = at;
    monetary += o.amount;
    if (o.category) cats[o.category] = (cats[o.category] ?? 0) + 1;
  }
  const frequency = c.orders.length;
  const recencyDays = Math.floor((asOfMs - last) / DAY);
  const tenure = Math.floor((asOfMs - first) / DAY);
  const ordersPerYear = (frequency * 365) / Math.max(tenure, 90);
  const abc = monetary >= config.abc.a ? 'A' : monetary >= config.abc.b ? 'B' : 'C';
  const r = 6 - up(recencyDays, config.rfm.recency), f = up(frequency, config.rfm.frequency), m = up(monetary, config.rfm.monetary);
  return { frequency, monetary, recencyDays, ordersPerYear, abc, books: cats.books ?? 0, video: cats.video ?? 0, dvd: cats.dvd ?? 0, r, f, m, fm: f + m };
}

/** Batch field name → flat feature name. */
export const batchField = {
  'value.frequency': 'frequency', 'value.monetary': 'monetary', 'value.recencyDays': 'recencyDays',
  'value.ordersPerYear': 'ordersPerYear', 'value.abc': 'abc', 'value.rfm.r': 'r', 'value.rfm.f': 'f', 'value.rfm.m': 'm',
  "bought('books')": 'books', "bought('video')": 'video', "bought('dvd')": 'dvd',
};
