// The analyst view's customer table as plain functions (tested under Node): the search language,
// the sort order, the CSV export, and what the model's RFM order edges mean in whole orders.

/** Fields the search understands: `abc:A`, `rfm:lost`, `segment:at-risk`, `id:00004` (`class:` is `abc:`). */
const FIELDS = { id: 'id', abc: 'abc', class: 'abc', rfm: 'rfm', segment: 'segment' };

/**
 * Splits a search into terms, all of which a customer must match. A bare word matches an id that
 * contains it or, exactly, a class, an RFM segment or a segment: "A" finds class A, not every
 * customer whose segment's name has an "a" in it.
 */
export function parseQuery(text) {
  const terms = [];
  for (const token of text.trim().toLowerCase().split(/\s+/).filter(Boolean)) {
    const m = /^([a-z]+):(.*)$/.exec(token);
    if (!m) {
      terms.push({ field: null, value: token });
      continue;
    }
    const field = FIELDS[m[1]];
    if (!field) return { terms: [], error: `Unknown field “${m[1]}:”: use id:, abc:, rfm: or segment:.` };
    if (m[2]) terms.push({ field, value: m[2] });
  }
  return { terms, error: null };
}

/** Whether a customer row matches every term. */
export function matches(row, terms) {
  return terms.every(({ field, value }) => {
    const id = row.id.toLowerCase().includes(value);
    const abc = (row.abc ?? '').toLowerCase() === value;
    const rfm = row.rfm === value;
    const segment = row.segments.includes(value);
    switch (field) {
      case 'id': return id;
      case 'abc': return abc;
      case 'rfm': return rfm;
      case 'segment': return segment;
      default: return id || abc || rfm || segment;
    }
  });
}

/** Rows by `key` (`dir` 1 ascending, -1 descending), missing values last either way, then by id. */
export function compareBy(key, dir) {
  const byId = (a, b) => a.id.localeCompare(b.id, 'en', { numeric: true });
  return (a, b) => {
    const x = a[key];
    const y = b[key];
    if (x == null || y == null) return (x == null) - (y == null) || byId(a, b);
    const c = typeof x === 'number' ? x - y : String(x).localeCompare(String(y), 'en', { numeric: true });
    return c * dir || byId(a, b);
  };
}

const field = (v) => {
  if (v == null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

/** The scored customers as CSV, one row each, numbers at full precision; segments separated by `;`. */
export function toCsv(rows, years) {
  const head = ['id', 'orders', 'spend', 'value_to_date', 'abc', 'rfm', 'repeat_purchase_days', 'probability_alive',
    'expected_purchases', `lifetime_value_${years}y`, 'segments'];
  const lines = rows.map((r) => [r.id, r.orders, r.spend, r.value, r.abc, r.rfm, r.repeatDays, r.probabilityAlive,
    r.expectedPurchases, r.lifetimeValue, r.segments.join(';')].map(field).join(','));
  return `${[head.join(','), ...lines].join('\r\n')}\r\n`;
}

/**
 * What four RFM order edges mean for whole orders: the F score of n orders is 1 + the number of edges
 * below n (an edge counts in the lower quintile), so edges such as 1.4 and 1.8 leave scores that no
 * whole number of orders reaches. E.g. [1, 1, 2, 4] → "F1: 1, F2: none, F3: 2, F4: 3–4, F5: 5+".
 */
export function rfmScoreRanges(edges) {
  const score = (n) => 1 + edges.filter((e) => e < n).length;
  const top = Math.max(1, Math.floor(edges[3]) + 1); // above every edge: this count and all higher ones score 5
  const ranges = [[], [], [], [], []];
  for (let n = 1; n <= top; n++) ranges[score(n) - 1].push(n);
  return ranges.map((ns, i) => {
    const label = `F${i + 1}: `;
    if (!ns.length) return `${label}none`;
    if (i === 4) return `${label}${ns[0]}+`;
    return `${label}${ns[0]}${ns.length > 1 ? `–${ns.at(-1)}` : ''}`;
  }).join(', ');
}
