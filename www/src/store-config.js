// The storefront's scorer configuration. ABC thresholds are on historic value (the margin the
// visitor's orders made: 30% of what they spent here, since the shop records no costs) and map
// to the club tiers of domain.md §3 (Haier's club: associate member, member, gold card by
// customer value): A from $120 of margin ($400 spent), B from $40 ($134 spent). RFM edges are those of data/sample-config.json.
// Loyalty stages keep the library's defaults (loyal: 8+ orders over 2+ years, last within 180 days).
//
// Two segments of the shop's own give every customer a lapse and a win-back, not only the high-value
// ones of the built-in `lapsed-high-value`: without them a one-time or low-value buyer who stopped
// buying kept the offer of their last stage (a welcome offer, a DVD up-sell) for ever. Their lapse
// line is the built-in's, `value.recencyDays > 90`, and they come before every offer segment (priority
// 15 and 16, after `lapsed-high-value` at 10), so a lapse always wins over an offer.

/** Days without an order after which a customer is going quiet (RFM recency drops below its 45-day edge). */
export const QUIET_DAYS = 45;
/** Days without an order after which a customer has lapsed: the built-in `lapsed-high-value` rule's `> 90`. */
export const LAPSE_DAYS = 90;

export const STORE_SEGMENTS = [
  {
    id: 'lapsed',
    name: `No order for over ${LAPSE_DAYS} days`,
    goal: 'win-back',
    priority: 15,
    when: `value.frequency >= 1 && value.recencyDays > ${LAPSE_DAYS}`,
    exitWhen: `value.recencyDays <= ${LAPSE_DAYS}`,
    actions: ['Remind them of what they liked and what is new on their topics; no discount'],
  },
  {
    id: 'going-quiet',
    name: `Going quiet: ${QUIET_DAYS + 1} to ${LAPSE_DAYS} days without an order`,
    goal: 'retain',
    priority: 16,
    when: `value.frequency >= 1 && value.recencyDays > ${QUIET_DAYS} && value.recencyDays <= ${LAPSE_DAYS}`,
    exitWhen: `value.recencyDays <= ${QUIET_DAYS}`,
    actions: ['Reconnect before they lapse: what is new on their topics'],
  },
];

export const STORE_CONFIG = {
  abc: { a: 120, b: 40 },
  rfm: {
    recency: [14, 45, 120, 365],
    frequency: [1, 2, 4, 8],
    monetary: [50, 150, 400, 1000],
  },
  lifetime: { horizonYears: 5, marginRate: 0.3, retentionRate: 0.8, discountRate: 0.1 },
  segments: STORE_SEGMENTS,
};

export const TIERS = { A: 'Gold card member', B: 'Member', C: 'Associate member', D: 'Associate member' };

/**
 * The coffee shop's follow-up cadence (domain.md §5): a message 7 days after the last order, a
 * brochure on day 27, another message on day 45, so that the shop is the first that comes to mind.
 * It has a scorer of its own, so that it gives the marketer's panel the next contact
 * (`result.nextContact`) without ever driving the page (the next best action).
 */
export const CADENCE_CONFIG = {
  builtinSegments: false,
  segments: [{
    id: 'follow-up',
    name: 'Follow-up after each order',
    goal: 'repeat',
    when: 'value.frequency >= 1',
    actions: [
      { contact: 'Thank-you message', afterDays: 7, from: 'lastOrder' },
      { contact: 'Brochure: new arrivals on their topics', afterDays: 27, from: 'lastOrder' },
      { contact: 'Message: anything we can help with?', afterDays: 45, from: 'lastOrder' },
    ],
  }],
};
