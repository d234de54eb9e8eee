// The storefront's scorer configuration. ABC thresholds are on historic value (the margin the
// visitor's orders made: 30% of what they spent here, since the shop records no costs) and map
// to the club tiers of domain.md §3 (Haier's club: associate member, member, gold card by
// customer value): A from $120 of margin ($400 spent), B from $40 ($134 spent). RFM edges are those of data/sample-config.json.
// Loyalty stages keep the library's defaults (loyal: 8+ orders over 2+ years, last within 180 days).
export const STORE_CONFIG = {
  abc: { a: 120, b: 40 },
  rfm: {
    recency: [14, 45, 120, 365],
    frequency: [1, 2, 4, 8],
    monetary: [50, 150, 400, 1000],
  },
  lifetime: { horizonYears: 5, marginRate: 0.3, retentionRate: 0.8, discountRate: 0.1 },
};

export const TIERS = { A: 'Gold card member', B: 'Member', C: 'Associate member', D: 'Associate member' };
