// The storefront's words for the shopper (src/shopper-copy.js), checked under Node: every segment the
// page can be driven by has its own copy, and none of it repeats the marketer's instructions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SHOPPER_COPY, WELCOME, RETURNING } from '../src/shopper-copy.js';
import { STORE_SEGMENTS } from '../src/store-config.js';
import { personalise, journeyStep } from '../src/personalise.js';

const BUILT_IN = JSON.parse(readFileSync(new URL('../node_modules/crmscore/segments.json', import.meta.url), 'utf8'));
const SEGMENTS = [...BUILT_IN, ...STORE_SEGMENTS];
const ACTIONS = SEGMENTS.flatMap((s) => s.actions ?? []).map((a) => a.toLowerCase());

// A returning customer with everything filled in, and one with the least the page can know.
const CONTEXTS = [
  { name: 'Ana', tier: 'Member', days: 120, orders: 11, spent: '$194.95', first: { title: 'Bread Every Day' }, firstTopic: 'baking',
    topics: ['baking', 'jazz'], bookTopics: ['baking'], videoTitles: ["The Bakers' Year"], have: ['books', 'videos'], offerEnds: '2025-02-20' },
  { name: '', tier: null, days: 0, orders: 1, spent: '$9.99', first: null, firstTopic: null,
    topics: [], bookTopics: [], videoTitles: [], have: [], offerEnds: '2025-02-20' },
];

test('every built-in and shop segment has copy of its own for the shopper', () => {
  assert.equal(BUILT_IN.length, 16);
  const ids = SEGMENTS.map((s) => s.id);
  assert.deepEqual(ids.filter((id) => !(id in SHOPPER_COPY)), [], 'segments without shopper copy');
  assert.deepEqual(Object.keys(SHOPPER_COPY).filter((id) => !ids.includes(id)), [], 'copy for no segment');
});

test("the shopper's copy never repeats a segment's action, and never prints a missing value", () => {
  for (const [id, copy] of [...Object.entries(SHOPPER_COPY), ['welcome', WELCOME], ['returning', RETURNING]]) {
    for (const c of CONTEXTS) {
      const words = [copy.title(c), copy.text(c), copy.offer?.(c) ?? ''];
      for (const w of words) {
        assert.doesNotMatch(w, /undefined|null|NaN|\[object/, `${id}: ${w}`);
        for (const action of ACTIONS) {
          assert.ok(!w.toLowerCase().includes(action.split(/[:;,]/)[0]), `${id} says the action “${action}”: ${w}`);
        }
      }
      assert.ok(copy.title(c).length > 0 && copy.text(c).length > 0, id);
    }
  }
});

test('the banner follows the segment that drives the page, in the words of the copy table', () => {
  const visitor = { name: 'Ana', orders: [{ at: '2025-01-06', amount: 24, category: 'books', productId: 'b-baking' }] };
  const result = (segment, goal, recencyDays) => ({
    value: { frequency: 1, monetary: 24, recencyDays, abc: 'C', lastOrderAt: '2025-01-06T00:00:00.000Z' },
    loyalty: { stage: 'new' },
    segments: [{ id: segment, goal }],
    nextBestAction: { segment, goal, action: SEGMENTS.find((s) => s.id === segment).actions[0] },
  });
  const first = personalise(result('first-time-buyers', 'repeat', 0), visitor);
  assert.equal(first.banner.title, 'Thanks for choosing “Bread Every Day”');
  assert.equal(first.offer, 'Welcome offer: 10% off your next title on baking, until 2025-02-20.'); // 2025-01-06 + 45 days
  assert.equal(first.journey, 'first-purchase');
  const lapsed = personalise(result('lapsed', 'win-back', 120), visitor);
  assert.equal(lapsed.banner.kind, 'win-back');
  assert.equal(lapsed.offer, null);
  assert.match(lapsed.banner.text, /^It has been 120 days since your last order/);
  assert.equal(journeyStep(result('going-quiet', 'retain', 60), 'going-quiet'), 'lapse');
  assert.equal(journeyStep(result('video-buyers', 'up-sell', 3), 'video-buyers'), 'up-sell');
  assert.equal(journeyStep(result('book-buyers', 'cross-sell', 3), 'book-buyers'), 'repeat');
});
