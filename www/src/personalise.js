// Turns a crmscore result into what the storefront shows: greeting, hero banner, offer, the step
// of the customer journey and recommendations. The segment that drives the banner is the
// library's `nextBestAction` (the highest-priority matched segment); the rules behind each banner
// follow domain.md §4–§5. The words come from shopper-copy.js, never from the segment's actions.
import { PRODUCTS, TOPICS, CATEGORIES, productById } from './catalog.js';
import { TIERS, QUIET_DAYS } from './store-config.js';
import { SHOPPER_COPY, WELCOME, RETURNING } from './shopper-copy.js';
import { addDays } from './visitor.js';

const money = (x) => `$${x.toFixed(2)}`;

/** The journey the time controls walk through, in order. */
export const JOURNEY = [
  { id: 'first-visit', label: 'First visit' },
  { id: 'first-purchase', label: 'First purchase' },
  { id: 'repeat', label: 'Repeat' },
  { id: 'up-sell', label: 'Up-sell' },
  { id: 'lapse', label: 'Lapse' },
  { id: 'win-back', label: 'Win-back' },
];

/** The journey step of a scored visitor: from the segment that drives the page, or its goal. */
export function journeyStep(result, segment) {
  if (result.value.frequency === 0) return 'first-visit';
  if (segment === 'first-time-buyers') return 'first-purchase';
  if (segment === 'going-quiet') return 'lapse';
  const goal = result.segments?.find((s) => s.id === segment)?.goal;
  if (goal === 'win-back') return 'win-back';
  if (goal === 'up-sell') return 'up-sell';
  return 'repeat';
}

export function personalise(result, visitor) {
  const bought = visitor.orders.map((o) => productById(o.productId)).filter(Boolean);
  const boughtIds = new Set(bought.map((p) => p.id));
  // Topic affinity: how often the visitor bought on each topic (most recent purchase breaks ties).
  const affinity = {};
  bought.forEach((p, i) => (affinity[p.topic] = (affinity[p.topic] ?? 0) + 1 + i / 1000));
  const topicsOf = (category) => [...new Set(bought.filter((p) => p.category === category).map((p) => p.topic))];
  // Best fit first, never something already bought, never "most expensive first".
  const suggest = (keep = () => true) =>
    PRODUCTS.filter((p) => !boughtIds.has(p.id) && keep(p))
      .sort((x, y) => (affinity[y.topic] ?? 0) - (affinity[x.topic] ?? 0))
      .slice(0, 4);

  const { value, loyalty } = result;
  const name = visitor.name.trim();
  const tier = value.abc && value.frequency > 0 ? TIERS[value.abc] : null;
  const greeting =
    loyalty.stage === 'loyal' && tier
      ? `Welcome back, ${name || 'dear customer'} — ${tier}`
      : name
        ? `Hello${value.frequency > 1 ? ' again' : ''}, ${name}`
        : 'Welcome to Corner Shelf';

  const next = result.nextBestAction ?? null;
  const segment = next?.segment ?? result.segments?.[0]?.id ?? null;
  const journey = journeyStep(result, segment);
  const first = bought[0] ?? null;
  const bookTopics = topicsOf('books');
  const videoTopics = topicsOf('video');
  const context = {
    name, tier,
    days: value.recencyDays,
    orders: value.frequency,
    spent: money(value.monetary),
    first,
    firstTopic: first ? TOPICS[first.topic] : null,
    topics: Object.keys(affinity).sort((x, y) => affinity[y] - affinity[x]).map((t) => TOPICS[t]),
    bookTopics: bookTopics.map((t) => TOPICS[t]),
    videoTitles: PRODUCTS.filter((p) => p.category === 'video' && videoTopics.includes(p.topic)).map((p) => p.title),
    have: [...new Set(bought.map((p) => p.category))].map((c) => `${CATEGORIES[c].toLowerCase()}s`),
    // Offers last while the customer is active: they end when the going-quiet segment starts.
    offerEnds: value.lastOrderAt ? addDays(value.lastOrderAt.slice(0, 10), QUIET_DAYS) : null,
  };
  const copy = value.frequency === 0 ? WELCOME : (SHOPPER_COPY[segment] ?? RETURNING);
  const view = {
    greeting, tier, stage: loyalty.stage, segment, journey,
    banner: { kind: copy.kind, title: copy.title(context), text: copy.text(context) },
    offer: copy.offer ? copy.offer(context) : null,
  };

  const picks = {
    welcome: () => suggest((p) => p.category === 'books'),
    'first-purchase': () => suggest((p) => !first || p.topic === first.topic),
    'cross-sell-video': () => suggest((p) => p.category === 'video' && bookTopics.includes(p.topic)),
    'up-sell-dvd': () => suggest((p) => p.category === 'dvd' && videoTopics.includes(p.topic)),
    intensify: () => suggest((p) => !bought.some((b) => b.category === p.category)),
  };
  let recommended = picks[copy.kind]?.() ??
    (journey === 'win-back' || journey === 'lapse' ? suggest((p) => affinity[p.topic] > 0) : suggest());
  if (!recommended.length) recommended = suggest(); // everything on their topics is bought: the rest of the shop
  return { ...view, recommended };
}
