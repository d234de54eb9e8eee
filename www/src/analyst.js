// Analyst view: fits the population model in a Web Worker and shows ABC classes, RFM segments,
// predicted lifetime value and probability alive, and a searchable customer table.
import { paretoChart, barChart, histogram } from './charts.js';
import { HORIZON_YEARS, lifetimeLabel } from './horizon.js';

const $ = (id) => document.getElementById(id);
const pct = (x) => `${(x * 100).toFixed(1)}%`;
const money = (x) => (x == null ? '—' : `$${x.toFixed(2)}`);
const RFM_ORDER = ['champions', 'loyal-customers', 'potential-loyalists', 'new-customers', 'promising', 'need-attention',
  'about-to-sleep', 'at-risk', 'cant-lose-them', 'hibernating', 'lost'];

$('clv-title').textContent = `Predicted lifetime value, ${lifetimeLabel}`;
$('clv-column').textContent = `lifetime value (${HORIZON_YEARS} years)`;

const worker = new Worker(new URL('./fit-worker.js', import.meta.url), { type: 'module' });
let rows = [];
let model = null;
let started = 0;

function run(text) {
  started = performance.now();
  $('progress').hidden = false;
  $('progress').value = 0;
  $('status').textContent = 'Fitting…';
  $('download').hidden = true;
  worker.postMessage({ text });
}

worker.onmessage = ({ data }) => {
  if (data.type === 'progress') {
    $('progress').value = data.fraction;
  } else if (data.type === 'error') {
    $('progress').hidden = true;
    $('status').textContent = `Could not fit: ${data.message}${data.path ? ` (at ${data.path})` : ''}`;
    $('status').dataset.state = 'error';
  } else if (data.type === 'done') {
    const total = performance.now() - started;
    $('progress').value = 1;
    ({ model, rows } = data);
    show(data.stats, total);
  }
};

function show(stats, total) {
  const { customers, transactions, skipped, asOf, penalizer, parseMs, fitMs, scoreMs } = stats;
  $('status').textContent = `Fitted ${customers} customers, ${transactions} transactions, as of ${asOf}` +
    `${skipped ? ` (${skipped} unreadable rows skipped)` : ''}.` + (penalizer
    ? ` Too little data for an unpenalised fit: BG/NBD and Gamma-Gamma fitted with an L2 penalty of ${penalizer}.` : '');
  $('status').dataset.state = 'done';
  $('fit-time').textContent = `Parse ${parseMs.toFixed(0)} ms + fit ${fitMs.toFixed(0)} ms in the worker ` +
    `(then scoring ${scoreMs.toFixed(0)} ms); ${total.toFixed(0)} ms from click to results.`;
  Object.assign($('fit-time').dataset, { parseFitMs: (parseMs + fitMs).toFixed(1), totalMs: total.toFixed(1) });
  $('results').hidden = false;
  $('download').hidden = false;

  const { abc } = model;
  const counts = { A: 0, B: 0, C: 0 };
  rows.forEach((r) => r.abc in counts && counts[r.abc]++);
  $('abc').tBodies[0].replaceChildren(...['A', 'B', 'C'].map((c, i) => {
    const tr = document.createElement('tr');
    tr.dataset.class = c;
    const min = c === 'A' ? money(abc.a) : c === 'B' ? money(abc.b) : '—';
    tr.innerHTML = `<td>${c}</td><td class="num">${min}</td><td class="num">${counts[c]}</td>` +
      `<td class="num customer-share">${pct(abc.customerShare[i])}</td><td class="num value-share">${pct(abc.valueShare[i])}</td>`;
    return tr;
  }));
  paretoChart($('pareto'), rows.map((r) => r.value), abc.customerShare);

  const rfm = Object.fromEntries(RFM_ORDER.map((s) => [s, 0]));
  rows.forEach((r) => r.rfm && (rfm[r.rfm] = (rfm[r.rfm] ?? 0) + 1));
  barChart($('rfm'), Object.keys(rfm), Object.values(rfm), 'customers');
  const clv = rows.map((r) => r.lifetimeValue).filter((x) => x != null).sort((a, b) => a - b);
  histogram($('clv'), clv, { max: clv[Math.floor(clv.length * 0.99)] ?? 0, format: (x) => `$${x.toFixed(0)}`, label: 'customers' });
  histogram($('alive'), rows.map((r) => r.probabilityAlive).filter((x) => x != null), { max: 1, bins: 10, format: (x) => x.toFixed(1), label: 'customers' });
  $('model-summary').replaceChildren(...modelSummary(model, penalizer).map(([k, v]) => {
    const tr = document.createElement('tr');
    tr.append(Object.assign(document.createElement('th'), { textContent: k }), Object.assign(document.createElement('td'), { textContent: v }));
    return tr;
  }));
  filter();
}

function modelSummary({ unit, asOf, customers, bgnbd, gammaGamma, rfm }, penalizer) {
  const num = (x) => Number(x.toPrecision(4));
  const penalty = penalizer ? ` (L2 penalty ${penalizer})` : '';
  const fitted = (m, keys) => (m
    ? `${keys.map((k) => `${k} = ${num(m[k])}`).join(', ')}${m.converged ? '' : ' (not converged)'}${penalty}` : 'not fitted');
  return [
    ['observed', `${customers} customers as of ${asOf}, time in ${unit}`],
    ['BG/NBD', fitted(bgnbd, ['r', 'alpha', 'a', 'b'])],
    ['Gamma-Gamma', fitted(gammaGamma, ['p', 'q', 'v'])],
    ['RFM edges', `recency ${rfm.recency.map(num).join(' / ')} days; orders ${rfm.frequency.map(num).join(' / ')}; spend ${rfm.monetary.map(num).join(' / ')}`],
  ];
}

function filter() {
  const q = $('search').value.trim().toLowerCase();
  const match = (r) => !q || r.id.toLowerCase() === q || r.id.toLowerCase().includes(q) || r.abc?.toLowerCase() === q
    || r.rfm?.includes(q) || r.segments.some((s) => s.includes(q));
  const found = rows.filter(match).sort((a, b) => (b.lifetimeValue ?? b.value) - (a.lifetimeValue ?? a.value));
  $('count').textContent = `${found.length} customers${found.length > 50 ? ', showing the 50 of highest predicted value' : ''}`;
  $('customers').tBodies[0].replaceChildren(...found.slice(0, 50).map((r) => {
    const tr = document.createElement('tr');
    tr.dataset.id = r.id;
    tr.innerHTML = `<td>${r.id}</td><td class="num">${r.orders}</td><td class="num">${money(r.spend)}</td><td>${r.abc ?? '—'}</td>` +
      `<td>${r.rfm ?? '—'}</td><td class="num">${r.probabilityAlive?.toFixed(2) ?? '—'}</td>` +
      `<td class="num">${money(r.lifetimeValue)}</td><td class="segments">${r.segments.join(', ')}</td>`;
    return tr;
  }));
}

$('load-sample').addEventListener('click', async () => run(await (await fetch('./data/CDNOW_sample.txt')).text()));
$('file').addEventListener('change', async (e) => e.target.files[0] && run(await e.target.files[0].text()));
$('drop').addEventListener('dragover', (e) => { e.preventDefault(); $('drop').classList.add('over'); });
$('drop').addEventListener('dragleave', () => $('drop').classList.remove('over'));
$('drop').addEventListener('drop', async (e) => {
  e.preventDefault();
  $('drop').classList.remove('over');
  const file = e.dataTransfer.files[0];
  if (file) run(await file.text());
});
$('search').addEventListener('input', filter);
$('download').addEventListener('click', () => {
  const url = URL.createObjectURL(new Blob([JSON.stringify(model, null, 2)], { type: 'application/json' }));
  const a = Object.assign(document.createElement('a'), { href: url, download: 'crmscore-model.json' });
  a.click();
  URL.revokeObjectURL(url);
});
document.body.dataset.ready = 'true';
