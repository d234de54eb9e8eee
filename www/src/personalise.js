// Turns a crmscore result into what the storefront shows: greeting, hero banner, offer and
// recommendations. The segment that drives the banner is the library's `nextBestAction`
// (the highest-priority matched segment); the rules behind each banner follow domain.md §4–§5.
import { PRODUCTS, TOPICS, CATEGORIES, productById } from './catalog.js';
import { TIERS } from './store-config.js';

const money = (x) => `$${x.toFixed(2)}`;
const list = (xs) => (xs.length < 2 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`);

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
  const view = { greeting, tier, stage: loyalty.stage, segment, action: next?.action ?? null, offer: null };

  if (value.frequency === 0) {
    return {
      ...view,
      banner: { kind: 'welcome', title: 'Books, videos, DVDs and music on four topics',
        text: 'Take a look around: everything here is picked for you as you go, in your browser.' },
      recommended: suggest((p) => p.category === 'books'),
    };
  }
  if (segment === 'first-time-buyers') {
    const first = bought[0];
    const topic = first ? TOPICS[first.topic] : 'your favourite topics';
    return {
      ...view,
      banner: { kind: 'first-purchase', title: first ? `Thanks for choosing “${first.title}”` : 'Thanks for your first order',
        text: `Your welcome package: more on ${topic}, in every format.` },
      offer: `Welcome offer: 10% off your next title on ${topic}.`,
      recommended: suggest((p) => !first || p.topic === first.topic),
    };
  }
  if (segment === 'lapsed-high-value') {
    const topics = [...new Set(bought.map((p) => TOPICS[p.topic]))];
    return {
      ...view,
      banner: { kind: 'win-back', title: `We have missed you${name ? `, ${name}` : ''}`,
        text: `It has been ${value.recencyDays} days since your last order. Leaving would cost you ` +
          `your ${tier ?? 'member'} status, the history of your ${value.frequency} orders (${money(value.monetary)}) ` +
          `and recommendations tuned to ${list(topics)}. No strings attached: if you would rather go, ` +
          'your account stays as it is and the door stays open.' },
      recommended: suggest((p) => affinity[p.topic] > 0),
    };
  }
  if (segment === 'book-buyers') {
    const topics = topicsOf('books');
    return {
      ...view,
      banner: { kind: 'cross-sell-video', title: 'Watch what you have been reading about',
        text: `Videos on ${list(topics.map((t) => TOPICS[t]))}, the topics of your books.` },
      recommended: suggest((p) => p.category === 'video' && topics.includes(p.topic)),
    };
  }
  if (segment === 'video-buyers') {
    const topics = topicsOf('video');
    return {
      ...view,
      banner: { kind: 'up-sell-dvd', title: 'Keep the films you watched: the DVD editions',
        text: `DVDs of ${list(PRODUCTS.filter((p) => p.category === 'video' && topics.includes(p.topic)).map((p) => `“${p.title}”`))}.` },
      offer: 'Lower first price: 15% off your first DVD.',
      recommended: suggest((p) => p.category === 'dvd' && topics.includes(p.topic)),
    };
  }
  if (segment === 'quarterly-buyers') {
    const have = new Set(bought.map((p) => p.category));
    return {
      ...view,
      banner: { kind: 'intensify', title: 'Across the shelves',
        text: `You know our ${list([...have].map((c) => CATEGORIES[c].toLowerCase() + 's'))}; here is the rest of the line on your topics.` },
      recommended: suggest((p) => !have.has(p.category)),
    };
  }
  return {
    ...view,
    banner: { kind: next ? `segment-${segment}` : 'returning',
      title: loyalty.stage === 'loyal' ? 'Thank you for being with us' : 'Picked for you',
      text: typeof next?.action === 'string' ? `${next.action}.` : 'New on the topics you like.' },
    recommended: suggest(),
  };
}
