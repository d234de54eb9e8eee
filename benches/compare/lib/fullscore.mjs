// A straightforward JavaScript implementation of crmscore's full scoring
// (value, satisfaction, loyalty, the 16 built-in segments and the next best
// action) with the package's default configuration, written for the benchmark
// from the definitions of docs/model.md. Orders are numbers (epoch ms) here, as the
// generator produces them. The value features the segments read are those of
// features() in population.mjs (benches/segments.mjs's handWritten).
import { DAY, config, chronological } from './population.mjs';
import { closures16 } from './rules.mjs';

const L = { horizonYears: 5, marginRate: 1, retentionRate: 0.8, discountRate: 0.1 };
const incentive = new Set(['promotion', 'reward', 'coupon']);
const wholeDays = (from, to) => Math.floor(Math.max(0, to - from) / DAY);
const up = (v, e) => 1 + (v > e[0]) + (v > e[1]) + (v > e[2]) + (v > e[3]);
const iso = (ms) => new Date(ms).toISOString();

function projected(yearlySpend) {
  const perYear = yearlySpend * L.marginRate, factor = L.retentionRate / (1 + L.discountRate);
  let total = 0, weight = 1;
  for (let t = 0; t < L.horizonYears; t++) { total += perYear * weight * Math.min(L.horizonYears - t, 1); weight *= factor; }
  return total;
}
function rfmSegment(r, f, m) {
  const fm = (f + m) / 2;
  if (r >= 4 && fm >= 4) return 'champions';
  if (r === 1 && fm >= 4) return 'cant-lose-them';
  if (r <= 2 && fm >= 3) return 'at-risk';
  if (r >= 3 && fm >= 3) return 'loyal-customers';
  if (r === 5 && fm <= 1.5) return 'new-customers';
  if (r === 4 && fm <= 1.5) return 'promising';
  if (r >= 4) return 'potential-loyalists';
  if (r === 3) return fm >= 2 ? 'need-attention' : 'about-to-sleep';
  return r === 2 ? 'hibernating' : 'lost';
}

export function makeFullScore(segmentDefs, asOf) {
  const defs = segmentDefs.map(({ id, name, goal, actions, priority }) => ({ id, name, goal, actions, priority }));
  const asOfIso = iso(asOf);
  return function fullScore(c) {
    const orders = chronological(c.orders ?? []); // crmscore sums in this order too
    const frequency = orders.length;
    let first = Infinity, last = -Infinity, monetary = 0, yearlySpend = 0, discounted = 0, incentives = 0;
    let recent = 0, before = 0;
    const categories = {};
    const yearAgo = asOf - 365 * DAY, w1 = asOf - 180 * DAY, w2 = asOf - 360 * DAY;
    for (const o of orders) {
      const at = o.at;
      if (at < first) first = at;
      if (at > last) last = at;
      monetary += o.amount;
      if (at > yearAgo) yearlySpend += o.amount;
      if (o.category !== undefined) categories[o.category] = (categories[o.category] ?? 0) + 1;
      if (o.discount > 0) discounted++;
      if (o.channel !== undefined && incentive.has(o.channel)) incentives++;
      if (at > w1 && at <= asOf) recent++;
      else if (at > w2 && at <= w1) before++;
    }
    const has = frequency > 0;
    const recencyDays = has ? wholeDays(last, asOf) : null;
    const tenureDays = has ? wholeDays(first, asOf) : null;
    const ordersPerYear = has ? (frequency * 365) / Math.max(tenureDays, 90) : null;
    const historicValue = monetary * L.marginRate;
    const abc = historicValue >= config.abc.a ? 'A' : historicValue >= config.abc.b ? 'B' : historicValue < 0 ? 'D' : 'C';
    let rfm = null;
    if (has) {
      const e = config.rfm;
      const r = 6 - up(recencyDays, e.recency), f = up(frequency, e.frequency), m = up(monetary, e.monetary);
      rfm = { r, f, m, segment: rfmSegment(r, f, m) };
    }
    const value = {
      recencyDays, frequency, monetary, averageOrderValue: has ? monetary / frequency : null, tenureDays, ordersPerYear,
      margin: null, historicValue, yearlySpend, projectedValue: projected(yearlySpend), accounts: has ? 1 : 0, categories,
      firstOrderAt: has ? iso(first) : null, lastOrderAt: has ? iso(last) : null, abc, rfm, predicted: null,
    };

    // Satisfaction
    const s = c.survey;
    let gap = null, ratio = null, level = null, nps = null;
    const dimensions = {};
    if (s && s.expectation) {
      let tw = 0, p = 0, e = 0;
      for (const d in s.expectation) {
        const wt = s.weights?.[d] ?? 1;
        tw += wt; p += wt * s.perception[d]; e += wt * s.expectation[d];
        dimensions[d] = s.perception[d] - s.expectation[d];
      }
      if (tw > 0) {
        const mp = p / tw, me = e / tw;
        gap = mp - me; ratio = me > 0 ? mp / me : null;
        level = gap < 0 ? 'dissatisfied' : gap < 0.5 ? 'basic' : gap < 1 ? 'satisfied' : 'delighted';
      }
    }
    if (s && s.nps !== undefined) nps = { score: s.nps, category: s.nps >= 9 ? 'promoter' : s.nps >= 7 ? 'passive' : 'detractor' };
    const perOrder = (n) => (n !== undefined && has ? n / frequency : null);
    const satisfaction = {
      gap, ratio, dimensions, level, nps, repeatPurchases: Math.max(frequency - 1, 0),
      complaintRate: perOrder(c.complaints), returnRate: perOrder(c.returns), referrals: c.referrals ?? null,
      wordOfMouth: level === null ? null : level === 'dissatisfied' ? -20 : level === 'basic' ? 0 : 12,
    };

    // Loyalty
    const tenure = tenureDays ?? 0, recency = recencyDays ?? Infinity;
    const stage = frequency === 0 ? 'potential'
      : frequency === 1 || tenure < 90 ? 'new'
      : tenure >= 730 && frequency >= 8 && recency <= 180 && level !== 'dissatisfied' ? 'loyal'
      : tenure >= 365 && frequency >= 4 ? 'longstanding' : 'regular';
    let type = null;
    if (frequency >= 2) {
      const attached = level === 'satisfied' || level === 'delighted' || nps?.category === 'promoter' || (c.referrals ?? 0) > 0;
      const repeat = (ordersPerYear ?? 0) >= 4;
      type = attached && repeat ? 'trust' : discounted / frequency >= 0.5 ? 'price' : incentives / frequency >= 0.5 ? 'incentive' : repeat ? 'inertia' : null;
    }
    const lifecycle = recencyDays !== null && recencyDays >= 365 ? 'decline'
      : frequency === 0 || tenure < 180 ? 'exploration'
      : recent > before * 1.25 ? 'formation' : recent < before * 0.75 ? 'decline' : 'stability';
    const loyalty = { stage, type, lifecycle };

    // Segments (priority order = definition order here), on the same features as the rules benchmark
    const segments = [];
    if (has) {
      const f = { frequency, monetary, recencyDays, ordersPerYear, abc, books: categories.books ?? 0, video: categories.video ?? 0, dvd: categories.dvd ?? 0, r: rfm.r, f: rfm.f, m: rfm.m };
      for (let k = 0; k < closures16.length; k++) if (closures16[k](f)) segments.push(defs[k]);
    }
    const top = segments[0];
    const nextBestAction = top ? { segment: top.id, goal: top.goal, action: top.actions[0] } : null;
    return { id: c.id, asOf: asOfIso, value, satisfaction, loyalty, segments, nextBestAction };
  };
}

/** The fields compared between crmscore and the JavaScript full scoring. */
export function digest(r) {
  const v = r.value, s = r.satisfaction, l = r.loyalty;
  const n = (x) => (x === undefined ? null : x);
  return [v.recencyDays, v.frequency, n(v.monetary), n(v.averageOrderValue), v.tenureDays, n(v.ordersPerYear), n(v.historicValue),
    n(v.yearlySpend), n(v.projectedValue), v.accounts, JSON.stringify(v.categories, Object.keys(v.categories).sort()), v.firstOrderAt, v.lastOrderAt, v.abc,
    v.rfm && `${v.rfm.r}${v.rfm.f}${v.rfm.m}${v.rfm.segment}`, n(s.gap), n(s.ratio), s.level, s.nps?.category ?? null, s.repeatPurchases,
    n(s.complaintRate), s.referrals, s.wordOfMouth, l.stage, l.type, l.lifecycle, r.segments.map((x) => x.id).join(' '),
    r.nextBestAction && `${r.nextBestAction.segment}/${r.nextBestAction.action}`];
}

/** Equal digests: numbers within 1e-9 relative (sums may add the orders in another order). */
export function sameDigest(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = b[i];
    if (typeof x === 'number' && typeof y === 'number') { if (Math.abs(x - y) > 1e-9 * Math.max(1, Math.abs(x), Math.abs(y))) return false; }
    else if (x !== y) return false;
  }
  return true;
}
