// The analyst view's model checks: the calibration/holdout split, the probability-alive grid over
// frequency and recency (scored by crmscore with the fitted model, for made-up customers), and
// their rendering as tables (the holdout chart is in charts.js).
const DAY = 86_400_000;
const days = (date) => Date.parse(`${date}T00:00:00Z`) / DAY;
const isoDate = (day) => new Date(day * DAY).toISOString().slice(0, 10);

/** The day half-way from `first` to `last` (rounded down): the end of the calibration period. */
export const midDate = (first, last) => isoDate(days(first) + Math.floor((days(last) - days(first)) / 2));

/** Repeat purchases of the grid's rows, and the shares of the customer's age at which its columns' last purchase falls. */
export const ALIVE_FREQUENCIES = [1, 2, 3, 4, 5, 6, 8, 10, 15, 20];
const RECENCY_SHARES = [0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1];

/**
 * P(alive) of a customer first seen on `first` and observed to `asOf`, with x repeat purchase days the
 * last of which is `recency` days after the first (x ≤ recency; the cell is null otherwise), scored
 * with `scorer`'s model. The repeat days are the x days up to and including the last.
 */
export function aliveGrid(scorer, first, asOf) {
  const start = days(first);
  const ageDays = days(asOf) - start;
  const recencyDays = RECENCY_SHARES.map((s) => Math.round(s * ageDays));
  const customers = [];
  const index = ALIVE_FREQUENCIES.map((x) => recencyDays.map((r) => {
    if (x > r) return null;
    const orders = [{ at: first, amount: 1 }];
    for (let d = r - x + 1; d <= r; d++) orders.push({ at: isoDate(start + d), amount: 1 });
    customers.push({ id: `x${x}r${r}`, orders });
    return customers.length - 1;
  }));
  const alive = scorer.scoreMany(customers, { asOf }).map((c) => c.value.predicted?.probabilityAlive ?? null);
  return { ageDays, frequencies: ALIVE_FREQUENCIES, recencyDays, values: index.map((row) => row.map((k) => (k == null ? null : alive[k]))) };
}

function build(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}
const th = (text, scope, className = '') => build('th', { textContent: text, scope, className });
const td = (text, className = 'num') => build('td', { textContent: text, className });
const weeks = (d) => `${Number((d / 7).toFixed(1))} wk`;

/** The heat map as a table: one row per frequency, one column per recency, each cell shaded by P(alive). */
export function renderAliveGrid(table, { ageDays, frequencies, recencyDays, values }) {
  const caption = `Probability alive (BG/NBD, fitted on the whole file) of a customer first seen ${weeks(ageDays)} ago, ` +
    'by repeat purchases (rows) and the time from the first to the last purchase (columns); darker is more likely alive.';
  table.replaceChildren(
    build('caption', { textContent: caption }),
    build('thead', {}, build('tr', {}, th('repeat purchases \\ recency', 'col'), ...recencyDays.map((d) => th(weeks(d), 'col', 'num')))),
    build('tbody', {}, ...frequencies.map((x, i) => build('tr', {}, th(String(x), 'row'), ...values[i].map((p) => {
      if (p == null) return td('—');
      const cell = td(p.toFixed(2));
      // Lightness from 97% (0) to 55% (1): dark text stays readable on every shade.
      cell.style.background = `hsl(165 45% ${97 - 42 * p}%)`;
      return cell;
    })))),
  );
  table.tBodies[0].querySelectorAll('tr').forEach((tr, i) => (tr.dataset.frequency = frequencies[i]));
}

const fixed = (x, digits) => (x == null ? '—' : x.toFixed(digits));
const num = (x) => x.toLocaleString('en', { maximumSignificantDigits: 4 });
const PARAMS = { 'bg-nbd': ['r', 'alpha', 'a', 'b'], 'pareto-nbd': ['r', 'alpha', 's', 'beta'], 'mbg-nbd': ['r', 'alpha', 'a', 'b'], 'bg-bb': ['alpha', 'beta', 'gamma', 'delta'] };
const paramNames = (m) => PARAMS[m.purchaseModel] ?? Object.keys(m).filter((k) => typeof m[k] === 'number' && k !== 'logLikelihood');

/** A parameter's 95% interval when the fit carries one (`intervals[k]` or `standardErrors[k]`), else null. */
function interval(m, k) {
  const i = m.intervals?.[k];
  if (Array.isArray(i)) return i;
  const se = m.standardErrors?.[k];
  return typeof se === 'number' ? [m[k] - 1.96 * se, m[k] + 1.96 * se] : null;
}

/** The fitted purchase models' parameters, with their 95% intervals where the fit gives them. */
export function renderModelTable(table, models) {
  const rows = models.flatMap(({ model: m }) => paramNames(m).map((k, i, names) => {
    const ci = interval(m, k);
    const head = i ? [] : [Object.assign(th(m.purchaseModel, 'rowgroup'), { rowSpan: names.length })];
    const tr = build('tr', {}, ...head, td(k, ''), td(num(m[k])), td(ci ? `${num(ci[0])} to ${num(ci[1])}` : 'not computed'));
    tr.dataset.model = m.purchaseModel;
    tr.dataset.param = k;
    return tr;
  }));
  table.replaceChildren(
    build('caption', { className: 'sr-only', textContent: 'Parameters of the purchase models fitted on the calibration period' }),
    build('thead', {}, build('tr', {}, th('model', 'col'), th('parameter', 'col'), th('estimate', 'col', 'num'), th('95% interval', 'col', 'num'))),
    build('tbody', {}, ...rows));
}

/** Every purchase model on the same split: fit (log-likelihood, AIC, BIC) and holdout error, with the ranks. */
export function renderComparison(table, { models, byHoldoutError, byBic }) {
  const rank = (list, name) => String(list.indexOf(name) + 1);
  table.replaceChildren(
    build('caption', { className: 'sr-only', textContent: 'Purchase models compared on the same calibration and holdout periods' }),
    build('thead', {}, build('tr', {}, th('model', 'col'), ...['log-likelihood', 'AIC', 'BIC', 'holdout mean absolute error',
      'holdout purchases predicted', 'rank by holdout error', 'rank by BIC'].map((h) => th(h, 'col', 'num')))),
    build('tbody', {}, ...models.map((v) => {
      const name = v.model.purchaseModel;
      const tr = build('tr', {}, th(name, 'row'), td(fixed(v.logLikelihood, 2)), td(fixed(v.aic, 1)), td(fixed(v.bic, 1)),
        td(fixed(v.meanAbsoluteError, 3)), td(`${fixed(v.totalPredicted, 1)} of ${v.totalActual.toLocaleString('en')} actual`),
        td(rank(byHoldoutError, name)), td(rank(byBic, name)));
      tr.dataset.model = name;
      return tr;
    })));
}
