// Generated from src/scoring/features.rs (and the built-in segments, data/segments.json) by `CRMSCORE_WRITE=1 cargo test --lib interop::result`: do not edit.
// Builds result objects from the numbers a call leaves in wasm memory (see src/interop/result.rs).

/** Slots of one result before its maps. */
export const SLOTS = 43;

/** Limits of one tape (src/input/tape.rs): nesting, numbers, bytes of text. */
export const MAX_DEPTH = 128;
export const MAX_SLOTS = 2097152;
export const MAX_BYTES = 16777216;

/** The keys a tape gives by number: code -(i + 1) is KEYS[i]. */
export const KEYS = ['at', 'amount', 'cost', 'category', 'discount', 'channel', 'accountId', 'id', 'firstSeen', 'orders', 'survey', 'complaints', 'returns', 'referrals', 'wallet', 'expectation', 'perception', 'weights', 'nps', 'asOf', 'horizonDays'];

const E0 = ['A', 'B', 'C', 'D'];
const E1 = ['champions', 'loyal-customers', 'potential-loyalists', 'new-customers', 'promising', 'need-attention', 'about-to-sleep', 'at-risk', 'cant-lose-them', 'hibernating', 'lost'];
const E2 = ['dissatisfied', 'basic', 'satisfied', 'delighted'];
const E3 = ['least-satisfied', 'middle', 'most-satisfied'];
const E4 = ['promoter', 'passive', 'detractor'];
const E5 = ['potential', 'new', 'regular', 'longstanding', 'loyal'];
const E6 = ['monopoly', 'inertia', 'price', 'incentive', 'trust'];
const E7 = ['exploration', 'formation', 'stability', 'decline'];

/** A finite number, or null. */
const num = (x) => (x - x === 0 ? x + 0 : null);

/**
 * The result whose numbers start at `b` in `n`. The reader `r` gives a name's text
 * (`r.name(i)`: the call's string i, or KEYS[-i - 1] for a negative i), an instant's
 * ISO text (`r.iso(ms)`), and reads from `r.at` on: a map (`r.map(n)`), the matched
 * segments (`r.segments(n)`, which leaves the next best action in `r.next`), then
 * adds what follows: the share of wallet, scorecards and contacts (`r.extras(n, o)`).
 * It leaves `r.at` after the result.
 */
export function readResult(n, b, r) {
  r.at = b + SLOTS;
  const m0 = r.map(n);
  const m1 = r.map(n);
  const segments = r.segments(n);
  const o = {
    id: n[b + 0] === n[b + 0] ? r.name(n[b + 0]) : String(n[b + 1]),
    asOf: n[b + 2] === n[b + 2] ? r.iso(n[b + 2]) : null,
    value: {
      recencyDays: num(n[b + 3]),
      frequency: num(n[b + 4]),
      monetary: num(n[b + 5]),
      averageOrderValue: num(n[b + 6]),
      tenureDays: num(n[b + 7]),
      ordersPerYear: num(n[b + 8]),
      margin: num(n[b + 9]),
      historicValue: num(n[b + 10]),
      yearlySpend: num(n[b + 11]),
      projectedValue: num(n[b + 12]),
      accounts: num(n[b + 13]),
      categories: m0,
      firstOrderAt: n[b + 14] === n[b + 14] ? r.iso(n[b + 14]) : null,
      lastOrderAt: n[b + 15] === n[b + 15] ? r.iso(n[b + 15]) : null,
      abc: n[b + 16] === n[b + 16] ? E0[n[b + 16]] ?? null : null,
      rfm: n[b + 17] === n[b + 17] ? {
        r: num(n[b + 17]),
        f: num(n[b + 18]),
        m: num(n[b + 19]),
        segment: n[b + 20] === n[b + 20] ? E1[n[b + 20]] ?? null : null,
      } : null,
      predicted: n[b + 21] === n[b + 21] ? {
        probabilityAlive: num(n[b + 21]),
        expectedPurchases: num(n[b + 22]),
        expectedAverageSpend: num(n[b + 23]),
        lifetimeValue: num(n[b + 24]),
        interval: n[b + 25] === n[b + 25] ? {
          expectedPurchases: n[b + 25] === n[b + 25] ? [n[b + 25], n[b + 26]] : null,
          lifetimeValue: n[b + 27] === n[b + 27] ? [n[b + 27], n[b + 28]] : null,
        } : null,
      } : null,
      shareOfWallet: null,
    },
    satisfaction: {
      gap: num(n[b + 29]),
      ratio: num(n[b + 30]),
      dimensions: m1,
      level: n[b + 31] === n[b + 31] ? E2[n[b + 31]] ?? null : null,
      zone: n[b + 32] === n[b + 32] ? E3[n[b + 32]] ?? null : null,
      nps: n[b + 33] === n[b + 33] ? {
        score: num(n[b + 33]),
        category: n[b + 34] === n[b + 34] ? E4[n[b + 34]] ?? null : null,
      } : null,
      repeatPurchases: num(n[b + 35]),
      complaintRate: num(n[b + 36]),
      returnRate: num(n[b + 37]),
      referrals: num(n[b + 38]),
      wordOfMouth: num(n[b + 39]),
    },
    loyalty: {
      stage: n[b + 40] === n[b + 40] ? E5[n[b + 40]] ?? null : null,
      type: n[b + 41] === n[b + 41] ? E6[n[b + 41]] ?? null : null,
      lifecycle: n[b + 42] === n[b + 42] ? E7[n[b + 42]] ?? null : null,
    },
    segments: segments,
    nextBestAction: r.next,
  };
  r.extras(n, o);
  return o;
}

/** `segmentTable()` and `resultTable()` of a scorer built without a config (`new Scorer()`). */
export const DEFAULT_TABLES = [
  "[{\"id\":\"lapsed-high-value\",\"name\":\"High value, no recent purchase\",\"goal\":\"win-back\",\"actions\":[\"A new campaign aimed at them: show what they miss, not a material bribe\",\"If they still leave, let them go and say the door stays open\"],\"priority\":10},{\"id\":\"first-time-buyers\",\"name\":\"First-time buyers\",\"goal\":\"repeat\",\"actions\":[\"Welcome package\",\"Offer built on the first purchase\",\"Promote items viewed or left in the cart\"],\"priority\":20},{\"id\":\"book-buyers\",\"name\":\"Book buyers\",\"goal\":\"cross-sell\",\"actions\":[\"Video offer on the topics of their books\",\"Videos bought by buyers of the same books\"],\"priority\":30},{\"id\":\"video-buyers\",\"name\":\"Video buyers\",\"goal\":\"up-sell\",\"actions\":[\"DVD of the same star, film or genre\",\"Lower first price on the first DVD\"],\"priority\":40},{\"id\":\"quarterly-buyers\",\"name\":\"Quarterly buyers\",\"goal\":\"intensify\",\"actions\":[\"Regular contact\",\"Learn their needs across the product line\"],\"priority\":50},{\"id\":\"champions\",\"name\":\"Champions\",\"goal\":\"retain\",\"actions\":[\"Reward them: early access, members' rights\",\"Ask for reviews and referrals\"],\"priority\":60},{\"id\":\"cant-lose-them\",\"name\":\"Can't lose them\",\"goal\":\"win-back\",\"actions\":[\"Win them back with a personal contact\",\"Show what is new since their last purchase\"],\"priority\":61},{\"id\":\"at-risk\",\"name\":\"At risk\",\"goal\":\"win-back\",\"actions\":[\"Personal message about what they used to buy\",\"Service check: ask what went wrong\"],\"priority\":62},{\"id\":\"loyal-customers\",\"name\":\"Loyal customers\",\"goal\":\"up-sell\",\"actions\":[\"Up-sell higher-value products\",\"Invite to the loyalty programme\"],\"priority\":63},{\"id\":\"new-customers\",\"name\":\"New customers\",\"goal\":\"repeat\",\"actions\":[\"Onboarding: help them get value from the first purchase\"],\"priority\":64},{\"id\":\"promising\",\"name\":\"Promising\",\"goal\":\"repeat\",\"actions\":[\"Build the relationship: a reason to come back soon\"],\"priority\":65},{\"id\":\"potential-loyalists\",\"name\":\"Potential loyalists\",\"goal\":\"intensify\",\"actions\":[\"Membership or loyalty programme offer\",\"Recommend related products\"],\"priority\":66},{\"id\":\"need-attention\",\"name\":\"Need attention\",\"goal\":\"retain\",\"actions\":[\"Limited-time offer based on their history\"],\"priority\":67},{\"id\":\"about-to-sleep\",\"name\":\"About to sleep\",\"goal\":\"retain\",\"actions\":[\"Share popular products\",\"Reconnect before they lapse\"],\"priority\":68},{\"id\":\"hibernating\",\"name\":\"Hibernating\",\"goal\":\"win-back\",\"actions\":[\"Offer other relevant products\",\"Recreate brand value\"],\"priority\":69},{\"id\":\"lost\",\"name\":\"Lost\",\"goal\":\"win-back\",\"actions\":[\"Revive interest with an outreach campaign, or let them go\"],\"priority\":70}]",
  "{\"scheduled\":false,\"scorecards\":[]}",
];
