// The 16 built-in segments of data/segments.json (same order, same meaning)
// and the single rule, written once as a small tree and translated into each
// engine's language, plus the hand-written JavaScript closures.
const and = (...xs) => ['and', ...xs];
const or = (...xs) => ['or', ...xs];
const cmp = (op, field, value) => ['cmp', op, field, value];
const inList = (field, values) => ['in', field, values];
const FM = ['+', 'f', 'm']; // value.rfm.f + value.rfm.m; engines without arithmetic read `fm`

export const segments16 = [
  ['lapsed-high-value', and(inList('abc', ['A', 'B']), cmp('>', 'recencyDays', 90))],
  ['first-time-buyers', cmp('==', 'frequency', 1)],
  ['book-buyers', and(cmp('>', 'books', 0), cmp('==', 'video', 0))],
  ['video-buyers', and(cmp('>', 'video', 0), cmp('==', 'dvd', 0))],
  ['quarterly-buyers', and(cmp('>=', 'frequency', 2), cmp('>=', 'ordersPerYear', 3), cmp('<', 'ordersPerYear', 6), cmp('<=', 'recencyDays', 180))],
  ['champions', and(cmp('>=', 'r', 4), cmp('>=', FM, 8))],
  ['cant-lose-them', and(cmp('==', 'r', 1), cmp('>=', FM, 8))],
  ['at-risk', or(and(cmp('==', 'r', 2), cmp('>=', FM, 6)), and(cmp('==', 'r', 1), cmp('>=', FM, 6), cmp('<', FM, 8)))],
  ['loyal-customers', or(and(cmp('==', 'r', 3), cmp('>=', FM, 6)), and(cmp('>=', 'r', 4), cmp('>=', FM, 6), cmp('<', FM, 8)))],
  ['new-customers', and(cmp('==', 'r', 5), cmp('<=', FM, 3))],
  ['promising', and(cmp('==', 'r', 4), cmp('<=', FM, 3))],
  ['potential-loyalists', and(cmp('>=', 'r', 4), cmp('>', FM, 3), cmp('<', FM, 6))],
  ['need-attention', and(cmp('==', 'r', 3), cmp('>=', FM, 4), cmp('<', FM, 6))],
  ['about-to-sleep', and(cmp('==', 'r', 3), cmp('<', FM, 4))],
  ['hibernating', and(cmp('==', 'r', 2), cmp('<', FM, 6))],
  ['lost', and(cmp('==', 'r', 1), cmp('<', FM, 6))],
];
export const single = [['single', and(cmp('>=', 'frequency', 2), cmp('>', 'monetary', 500), cmp('>', 'recencyDays', 90))]];
export const singleCrmscore = 'value.frequency >= 2 && value.monetary > 500.0 && value.recencyDays > 90';

// Hand-written closures, as benches/segments.mjs writes them, on the flat features.
export const closures16 = [
  (f) => (f.abc === 'A' || f.abc === 'B') && f.recencyDays > 90,
  (f) => f.frequency === 1,
  (f) => f.books > 0 && !(f.video > 0),
  (f) => f.video > 0 && !(f.dvd > 0),
  (f) => f.frequency >= 2 && f.ordersPerYear >= 3 && f.ordersPerYear < 6 && f.recencyDays <= 180,
  (f) => f.r >= 4 && f.f + f.m >= 8,
  (f) => f.r === 1 && f.f + f.m >= 8,
  (f) => (f.r === 2 && f.f + f.m >= 6) || (f.r === 1 && f.f + f.m >= 6 && f.f + f.m < 8),
  (f) => (f.r === 3 && f.f + f.m >= 6) || (f.r >= 4 && f.f + f.m >= 6 && f.f + f.m < 8),
  (f) => f.r === 5 && f.f + f.m <= 3,
  (f) => f.r === 4 && f.f + f.m <= 3,
  (f) => f.r >= 4 && f.f + f.m > 3 && f.f + f.m < 6,
  (f) => f.r === 3 && f.f + f.m >= 4 && f.f + f.m < 6,
  (f) => f.r === 3 && f.f + f.m < 4,
  (f) => f.r === 2 && f.f + f.m < 6,
  (f) => f.r === 1 && f.f + f.m < 6,
];
export const closuresSingle = [(f) => f.frequency >= 2 && f.monetary > 500 && f.recencyDays > 90];

const opName = { '>': '>', '>=': '>=', '<': '<', '<=': '<=', '==': '==' };

export function toJsonLogic(t) {
  const val = (x) => (Array.isArray(x) ? { '+': [{ var: x[1] }, { var: x[2] }] } : { var: x });
  switch (t[0]) {
    case 'and': return { and: t.slice(1).map(toJsonLogic) };
    case 'or': return { or: t.slice(1).map(toJsonLogic) };
    case 'in': return { in: [{ var: t[1] }, t[2]] };
    case 'cmp': return { [t[1] === '==' ? '===' : t[1]]: [val(t[2]), t[3]] };
  }
}

function toText(t, { and, or, top = true }) {
  const val = (x) => (Array.isArray(x) ? `${x[1]} + ${x[2]}` : x);
  const lit = (v) => (typeof v === 'string' ? `'${v}'` : String(v));
  switch (t[0]) {
    case 'and': return t.slice(1).map((x) => toText(x, { and, or, top: false })).join(` ${and} `);
    case 'or': {
      const s = t.slice(1).map((x) => `(${toText(x, { and, or, top: false })})`).join(` ${or} `);
      return top ? s : `(${s})`;
    }
    case 'in': return `${t[1]} in [${t[2].map(lit).join(', ')}]`;
    case 'cmp': return `${val(t[2])} ${opName[t[1]]} ${lit(t[3])}`;
  }
}
export const toCel = (t) => toText(t, { and: '&&', or: '||' });
export const toZen = (t) => toText(t, { and: 'and', or: 'or' });

// GrowthBook conditions (MongoDB-like): no arithmetic, so f + m is the feature `fm`.
export function toGrowthBook(t) {
  const field = (x) => (Array.isArray(x) ? 'fm' : x);
  const op = { '>': '$gt', '>=': '$gte', '<': '$lt', '<=': '$lte', '==': '$eq' };
  switch (t[0]) {
    case 'and': return { $and: t.slice(1).map(toGrowthBook) };
    case 'or': return { $or: t.slice(1).map(toGrowthBook) };
    case 'in': return { [t[1]]: { $in: t[2] } };
    case 'cmp': return { [field(t[2])]: { [op[t[1]]]: t[3] } };
  }
}

// json-rules-engine conditions: facts are paths, so f + m is the feature `fm`.
export function toRulesEngine(t) {
  const field = (x) => (Array.isArray(x) ? 'fm' : x);
  const op = { '>': 'greaterThan', '>=': 'greaterThanInclusive', '<': 'lessThan', '<=': 'lessThanInclusive', '==': 'equal' };
  switch (t[0]) {
    case 'and': return { all: t.slice(1).map(toRulesEngine) };
    case 'or': return { any: t.slice(1).map(toRulesEngine) };
    case 'in': return { fact: t[1], operator: 'in', value: t[2] };
    case 'cmp': return { fact: field(t[2]), operator: op[t[1]], value: t[3] };
  }
}
