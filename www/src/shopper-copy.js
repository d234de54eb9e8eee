// What the storefront says to the shopper, per segment: the hero banner's title and text and an
// optional offer. This is the shop's own copy, written for the person reading the page; the
// segments' `actions` (pkg/segments.json, store-config.js) are instructions to the marketer
// ("Reward them: early access…") and are never shown to the shopper. Every built-in segment and
// every segment of the shop has an entry (tests/shopper-copy.test.mjs checks both).
//
// Each function receives the context `personalise` builds: { name, tier, days (since the last
// order), orders, spent, first (the first product bought), topics (topic names, best liked first),
// bookTopics, videoTitles, have (category names bought), offerEnds (ISO date) }.

const list = (xs) => (xs.length < 2 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`);
const topics = (c) => list(c.topics) || 'the topics you like';

/** The banner before the first order (no segment matches a visitor who has bought nothing). */
export const WELCOME = {
  kind: 'welcome',
  title: () => 'Books, videos, DVDs and music on four topics',
  text: () => 'Take a look around: everything here is picked for you as you go, in your browser.',
};

/** The banner when no segment matched. */
export const RETURNING = {
  kind: 'returning',
  title: () => 'Picked for you',
  text: (c) => `New on ${topics(c)}.`,
};

export const SHOPPER_COPY = {
  // Win-back: what they would miss, no material bribe, the door left open (domain.md §5).
  'lapsed-high-value': {
    kind: 'win-back',
    title: (c) => `We have missed you${c.name ? `, ${c.name}` : ''}`,
    text: (c) => `It has been ${c.days} days since your last order. Leaving would cost you ` +
      `your ${c.tier ?? 'member'} status, the history of your ${c.orders} orders (${c.spent}) ` +
      `and recommendations tuned to ${topics(c)}. No strings attached: if you would rather go, ` +
      'your account stays as it is and the door stays open.',
  },
  lapsed: {
    kind: 'win-back',
    title: (c) => `We have missed you${c.name ? `, ${c.name}` : ''}`,
    text: (c) => `It has been ${c.days} days since your last order. Here is what is new on ${topics(c)} since then. ` +
      'No strings attached: if you would rather go, your account stays as it is and the door stays open.',
  },
  'going-quiet': {
    kind: 'reminder',
    title: (c) => `New since your last visit${c.name ? `, ${c.name}` : ''}`,
    text: (c) => `It has been ${c.days} days since your last order: these arrived on ${topics(c)} in the meantime.`,
  },
  'first-time-buyers': {
    kind: 'first-purchase',
    title: (c) => (c.first ? `Thanks for choosing “${c.first.title}”` : 'Thanks for your first order'),
    text: (c) => `More on ${c.firstTopic ?? 'your favourite topics'} to go with it, as a book, a film, a DVD and an album.`,
    offer: (c) => `Welcome offer: 10% off your next title on ${c.firstTopic ?? 'any topic'}, until ${c.offerEnds}.`,
  },
  'book-buyers': {
    kind: 'cross-sell-video',
    title: () => 'Watch what you have been reading about',
    text: (c) => `Videos on ${list(c.bookTopics)}, the topics of your books.`,
  },
  'video-buyers': {
    kind: 'up-sell-dvd',
    title: () => 'Keep the films you watched: the DVD editions',
    text: (c) => `DVDs of ${list(c.videoTitles.map((t) => `“${t}”`))}.`,
    offer: (c) => `15% off your first DVD, until ${c.offerEnds}.`,
  },
  'quarterly-buyers': {
    kind: 'intensify',
    title: () => 'Across the shelves',
    text: (c) => `You know our ${list(c.have)}; here is the rest of the line on your topics.`,
  },
  champions: {
    kind: 'thanks',
    title: (c) => `Thank you${c.name ? `, ${c.name}` : ''}`,
    text: (c) => `${c.orders} orders on ${topics(c)}: your shelf is picked from them. ` +
      'If a title stayed with you, a short review helps other readers find it.',
  },
  'cant-lose-them': {
    kind: 'win-back',
    title: (c) => `It has been a while${c.name ? `, ${c.name}` : ''}`,
    text: (c) => `Since your last order ${c.days} days ago, new titles arrived on ${topics(c)}.`,
  },
  'at-risk': {
    kind: 'win-back',
    title: () => 'How did we do?',
    text: (c) => `If something was wrong with an order, tell us and we will put it right. Meanwhile, new on ${topics(c)}.`,
  },
  'loyal-customers': {
    kind: 'loyal',
    title: () => 'Thank you for coming back',
    text: (c) => `More on ${topics(c)}, the DVD and music editions included.`,
  },
  'new-customers': {
    kind: 'getting-started',
    title: () => 'Getting the most from your order',
    text: (c) => `Each title here has a book, a film and an album on the same topic: start with ${topics(c)}.`,
  },
  promising: {
    kind: 'picked',
    title: () => 'Something new for you',
    text: (c) => `Picked from your orders: more on ${topics(c)}.`,
  },
  'potential-loyalists': {
    kind: 'picked',
    title: () => 'Goes well with what you have',
    text: (c) => `Titles related to your orders on ${topics(c)}.`,
  },
  'need-attention': {
    kind: 'picked',
    title: () => 'Back on your shelf',
    text: (c) => `Picked from your history: ${topics(c)}.`,
  },
  'about-to-sleep': {
    kind: 'reminder',
    title: () => 'Popular this season',
    text: (c) => `What other readers chose on ${topics(c)}.`,
  },
  hibernating: {
    kind: 'win-back',
    title: () => 'A few things you might like',
    text: () => 'Our four shelves: books, films and music on rivers, space, baking and jazz.',
  },
  lost: {
    kind: 'win-back',
    title: (c) => `Welcome back${c.name ? `, ${c.name}` : ''}`,
    text: () => 'Your account is as you left it, whenever you want it.',
  },
};
