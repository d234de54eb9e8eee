// Analyst view: fits the population model in a Web Worker and shows ABC classes, RFM segments,
// predicted lifetime value and probability alive, value per segment, and the whole customer table
// (search by field, sort, pages, CSV export). What the file could not give is said, not hidden:
// the rows skipped with their reasons, and an error replaces the previous file's results.
import { paretoChart, barChart, logHistogram, aliveChart, holdoutChart } from './charts.js';
import { renderAliveGrid, renderModelTable, renderComparison } from './validation.js';
import { HORIZON_YEARS, lifetimeLabel } from './horizon.js';
import { parseQuery, matches, compareBy, toCsv, rfmScoreRanges } from './customer-table.js';

const $ = (id) => document.getElementById(id);
const pct = (x) => `${(x * 100).toFixed(1)}%`;
const money = (x) => (x == null ? '—' : `$${x.toLocaleString('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`);
const int = (x) => x.toLocaleString('en');
const PAGE_SIZE = 50;
const RFM_ORDER = ['champions', 'loyal-customers', 'potential-loyalists', 'new-customers', 'promising', 'need-attention',
  'about-to-sleep', 'at-risk', 'cant-lose-them', 'hibernating', 'lost'];
function build(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}
const cells = (tag, values, numeric = () => false) =>
  values.map((v, i) => build(tag, { textContent: v, className: numeric(i) ? 'num' : '' }));

$('clv-title').textContent = `Predicted lifetime value, ${lifetimeLabel}`;
$('clv-column').textContent = `lifetime value (${HORIZON_YEARS} years)`;

const worker = new Worker(new URL('./fit-worker.js', import.meta.url), { type: 'module' });
let rows = [];
let model = null;
let started = 0;
let runId = 0;
let found = [];
let page = 0;
let sort = { key: 'lifetimeValue', dir: -1 };

function run(text, name) {
  started = performance.now();
  runId++;
  $('progress').hidden = false;
  $('progress').value = 0;
  $('status').textContent = `Fitting ${name}…`;
  delete $('status').dataset.state;
  worker.postMessage({ id: runId, text, name });
}

worker.onmessage = ({ data }) => {
  if (data.id !== runId) return; // a file chosen since: its results are the ones to show
  if (data.type === 'progress') {
    $('progress').value = data.fraction;
  } else if (data.type === 'error') {
    showError(data);
  } else if (data.type === 'done') {
    const total = performance.now() - started;
    $('progress').value = 1;
    ({ model, rows } = data);
    show(data.stats, total);
    showValidation(data.validation, data.alive);
  }
};

/** The skipped rows: line and reason of the first ones, then how many more. */
function listSkipped(list, more, { errors, skipped }) {
  list.replaceChildren(...errors.map((e) => {
    const li = build('li', { textContent: e.message });
    li.dataset.line = e.line;
    return li;
  }));
  more.textContent = skipped > errors.length ? `…and ${int(skipped - errors.length)} more rows skipped.` : '';
}

/** A reason that explains many rows at once: amounts written with a decimal comma. */
function hint(errors) {
  // A quoted "12,50" is an amount that is not a number; an unquoted 12,50 is one field too many.
  return errors.some((e) => /got "-?\d+,\d+"|got \d+: a field that contains the delimiter must be quoted/.test(e.message))
    ? 'The amounts look like they are written with a decimal comma (12,50): the reader expects a decimal point (12.50). ' +
      'Convert the file, or export it with a comma-separated layout and decimal points.'
    : '';
}

function showError(data) {
  // An error replaces whatever was on screen: the previous file's results and timing would be mistaken for this one's.
  $('results').hidden = true;
  $('progress').hidden = true;
  rows = [];
  model = null;
  $('status').textContent = `Could not fit ${data.name}.`;
  $('status').dataset.state = 'error';
  $('error-title').textContent = `Could not fit ${data.name}`;
  const message = data.message.charAt(0).toUpperCase() + data.message.slice(1);
  $('error-text').textContent = `${message}${data.path ? ` (at ${data.path})` : ''}.` +
    (data.skipped ? ` ${int(data.skipped)} of ${int(data.rows)} rows could not be read. ${hint(data.errors)}` : '');
  listSkipped($('error-rows'), $('error-more'), data);
  $('error').hidden = false;
}

function show(stats, total) {
  const { name, customers, transactions, skipped, first, asOf, penalizer, parseMs, fitMs, validateMs, scoreMs } = stats;
  $('error').hidden = true;
  $('status').textContent = `Fitted ${customers} customers, ${transactions} transactions, as of ${asOf}` +
    `${skipped ? ` (${skipped} unreadable rows skipped: listed below)` : ''}.` + (penalizer
    ? ` Too little data for an unpenalised fit: BG/NBD and Gamma-Gamma fitted with an L2 penalty of ${penalizer}.` : '');
  $('status').dataset.state = 'done';
  $('source').textContent = `${name}: ${int(transactions)} transactions of ${int(customers)} customers, ` +
    `from ${first} to ${asOf} (scored as of ${asOf}).`;
  $('skipped').hidden = !skipped;
  if (skipped) {
    $('skipped-title').textContent = `${int(skipped)} of ${int(stats.rows)} rows could not be read and are left out` +
      `${skipped / stats.rows > 0.5 ? ': the results below cover a small part of the file' : ''}`;
    $('skipped-hint').textContent = hint(stats.errors);
    listSkipped($('skipped-rows'), $('skipped-more'), stats);
  }
  $('fit-time').textContent = `Parse ${parseMs.toFixed(0)} ms + fit ${fitMs.toFixed(0)} ms in the worker ` +
    `(then the holdout check ${validateMs.toFixed(0)} ms and scoring ${scoreMs.toFixed(0)} ms); ${total.toFixed(0)} ms from click to results.`;
  Object.assign($('fit-time').dataset, { parseFitMs: (parseMs + fitMs).toFixed(1), totalMs: total.toFixed(1) });
  $('results').hidden = false;

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
  describe('pareto', paretoChart($('pareto'), rows.map((r) => r.value), abc.customerShare, abc.valueShare));

  const rfm = Object.fromEntries(RFM_ORDER.map((s) => [s, 0]));
  rows.forEach((r) => r.rfm && (rfm[r.rfm] = (rfm[r.rfm] ?? 0) + 1));
  barChart($('rfm'), Object.keys(rfm), [{ label: 'customers', data: Object.values(rfm) }], { x: 'RFM segment' });
  describe('rfm', {
    summary: `Customers per RFM segment: ${Object.entries(rfm).map(([s, n]) => `${s} ${n}`).join(', ')}.`,
    head: ['RFM segment', 'customers'],
    rows: Object.entries(rfm).map(([s, n]) => [s, String(n)]),
  });
  describe('clv', logHistogram($('clv'), rows.map((r) => r.lifetimeValue).filter((x) => x != null),
    { title: `predicted lifetime value (${HORIZON_YEARS} years)` }));
  const alive = aliveChart($('alive'), rows);
  describe('alive', alive);
  $('alive-note').textContent = `${int(alive.once)} of ${int(alive.once + alive.repeat)} customers made no repeat purchase: ` +
    'BG/NBD lets a customer drop out only after a repeat purchase, so it puts them at a probability alive of 1 by ' +
    'construction, however long ago they bought. They are drawn apart (grey) in the top bin, and marked “no repeat” in the table.';

  segmentValue(rfm);
  $('model-summary').replaceChildren(...modelSummary(model, penalizer).map(([k, v]) =>
    build('tr', {}, build('th', { textContent: k, scope: 'row' }), build('td', { textContent: v }))));
  page = 0;
  filter();
}

/** The holdout check of every purchase model, and the probability-alive heat map of the fitted model. */
function showValidation(v, alive) {
  const weeks = (from, to) => Math.round((Date.parse(to) - Date.parse(from)) / (7 * 86_400_000));
  $('split').textContent = `Fitted on the calibration period, the file's first half (to ${v.calibrationEnd}), then asked to ` +
    `predict each customer's purchase days in the holdout period that follows (to ${v.observationEnd}, ` +
    `${weeks(v.calibrationEnd, v.observationEnd)} weeks), against what they bought there. Customers first seen in the holdout are left out.`;
  $('validation-error').hidden = !v.error;
  $('validation-results').hidden = Boolean(v.error);
  renderAliveGrid($('alive-grid'), alive);
  if (v.error) {
    $('validation-error').textContent = `The holdout check could not be made: ${v.error}.`;
    return;
  }
  const { models, byHoldoutError, byBic } = v.comparison;
  describe('holdout', holdoutChart($('holdout'), models));
  renderComparison($('comparison'), v.comparison);
  $('ranking').textContent = `Best by holdout error: ${byHoldoutError[0]}; best by BIC (fit to the calibration data, ` +
    `penalised for parameters): ${byBic[0]}.`;
  renderModelTable($('purchase-models'), models);
}

/** The canvas's text alternative and the chart's data as a table under it. */
function describe(id, { summary, head, rows: data }) {
  $(id).setAttribute('aria-label', summary);
  const table = document.querySelector(`details[data-for="${id}"] table`);
  table.replaceChildren(
    build('caption', { className: 'sr-only', textContent: summary }),
    build('thead', {}, build('tr', {}, ...head.map((h) => build('th', { textContent: h, scope: 'col' })))),
    build('tbody', {}, ...data.map((r) => build('tr', {}, ...cells('td', r, (i) => i > 0)))));
}

/** Customers, value to date and predicted value per segment: RFM segments (each customer in one), then the others. */
function segmentValue(rfmCounts) {
  const totalValue = rows.reduce((s, r) => s + r.value, 0) || 1;
  const sum = (rs, f) => rs.reduce((s, r) => s + (f(r) ?? 0), 0);
  const line = (label, rs) => {
    const ltv = sum(rs, (r) => r.lifetimeValue);
    return [label, int(rs.length), pct(rs.length / (rows.length || 1)), money(sum(rs, (r) => r.value)),
      pct(sum(rs, (r) => r.value) / totalValue), money(ltv), rs.length ? money(ltv / rs.length) : '—'];
  };
  const head = ['segment', 'customers', 'share of customers', 'value to date', 'share of value',
    `predicted value (${HORIZON_YEARS} years)`, 'predicted value per customer'];
  const headRow = () => build('tr', {}, ...head.map((h, i) => build('th', { textContent: h, scope: 'col', className: i ? 'num' : '' })));
  const bodyRow = (values, id) => {
    const tr = build('tr', {}, build('th', { textContent: values[0], scope: 'row' }), ...cells('td', values.slice(1), () => true));
    tr.dataset.segment = id;
    return tr;
  };
  const t = $('segment-value');
  t.tHead.replaceChildren(headRow());
  t.tBodies[0].replaceChildren(...Object.keys(rfmCounts).map((s) => bodyRow(line(s, rows.filter((r) => r.rfm === s)), s)));
  t.tFoot.replaceChildren(bodyRow(line('all customers', rows), 'all'));
  const others = [...new Set(rows.flatMap((r) => r.segments))].filter((s) => !(s in rfmCounts)).sort();
  const o = $('other-segment-value');
  o.tHead.replaceChildren(headRow());
  o.tBodies[0].replaceChildren(...(others.length
    ? others.map((s) => bodyRow(line(s, rows.filter((r) => r.segments.includes(s))), s))
    : [build('tr', {}, build('td', { textContent: 'none matched', colSpan: head.length }))]));
}

function modelSummary({ unit, asOf, customers, bgnbd, gammaGamma, rfm }, penalizer) {
  const num = (x) => Number(x.toPrecision(4));
  const penalty = penalizer ? ` (L2 penalty ${penalizer})` : '';
  const fitted = (m, keys) => (m
    ? `${keys.map((k) => `${k} = ${num(m[k])}`).join(', ')}${m.converged ? '' : ' (not converged)'}${penalty}` : 'not fitted');
  const edges = (xs) => xs.map((x) => num(Number(x.toFixed(1)))).join(' / ');
  return [
    ['observed', `${customers} customers as of ${asOf}, time in ${unit}`],
    ['BG/NBD', fitted(bgnbd, ['r', 'alpha', 'a', 'b'])],
    ['Gamma-Gamma', fitted(gammaGamma, ['p', 'q', 'v'])],
    ['RFM recency edges', `${edges(rfm.recency)} days since the last order`],
    ['RFM order edges', `${edges(rfm.frequency)} orders; whole orders per score: ${rfmScoreRanges(rfm.frequency)}`],
    ['RFM spend edges', `$${rfm.monetary.map((x) => x.toFixed(2)).join(' / $')}`],
  ];
}

function filter() {
  const query = parseQuery($('search').value);
  $('search').setAttribute('aria-invalid', String(Boolean(query.error)));
  found = query.error ? [] : rows.filter((r) => matches(r, query.terms)).sort(compareBy(sort.key, sort.dir));
  page = Math.min(page, Math.max(0, Math.ceil(found.length / PAGE_SIZE) - 1));
  $('count').textContent = query.error ?? `${found.length} customers` +
    `${found.length === rows.length ? '' : ` of ${rows.length}`}, sorted by ${sortLabel()}.`;
  $('export').textContent = `Download these ${int(found.length)} customers (CSV)`;
  $('export').disabled = found.length === 0;
  for (const th of $('customers').tHead.rows[0].cells) {
    if (th.dataset.key === sort.key) th.setAttribute('aria-sort', sort.dir > 0 ? 'ascending' : 'descending');
    else th.removeAttribute('aria-sort');
  }
  renderPage();
}

const sortLabel = () => `${$('customers').querySelector(`th[data-key="${sort.key}"]`).innerText.trim()}, ` +
  `${sort.dir > 0 ? 'lowest' : 'highest'} first`;

function renderPage() {
  const pages = Math.max(1, Math.ceil(found.length / PAGE_SIZE));
  const start = page * PAGE_SIZE;
  const shown = found.slice(start, start + PAGE_SIZE);
  $('page-info').textContent = found.length
    ? `Page ${page + 1} of ${pages} (customers ${int(start + 1)}–${int(start + shown.length)} of ${int(found.length)})` : 'No customer';
  $('prev-page').disabled = $('first-page').disabled = page === 0;
  $('next-page').disabled = $('last-page').disabled = page >= pages - 1;
  $('customers').tBodies[0].replaceChildren(...shown.map((r) => {
    const tr = document.createElement('tr');
    tr.dataset.id = r.id;
    const alive = r.probabilityAlive == null ? '—' : r.probabilityAlive.toFixed(2);
    tr.append(...cells('td', [r.id, String(r.orders), money(r.spend), r.abc ?? '—', r.rfm ?? '—', alive,
      money(r.lifetimeValue), r.segments.join(', ')], (i) => [1, 2, 5, 6].includes(i)));
    if (r.repeatDays === 0 && r.probabilityAlive != null) {
      tr.cells[5].append(' ', build('small', { className: 'no-repeat', textContent: 'no repeat' }));
    }
    return tr;
  }));
}

function setPage(p) {
  page = p;
  renderPage();
}

async function readFile(file) {
  run(await file.text(), file.name);
}

$('load-sample').addEventListener('click', async () => run(await (await fetch('./data/CDNOW_sample.txt')).text(), 'CDNOW_sample.txt'));
$('choose-file').addEventListener('click', () => $('file').click());
$('file').addEventListener('change', (e) => {
  const file = e.target.files[0];
  e.target.value = ''; // choosing the same file again is a new run
  if (file) readFile(file);
});
$('drop').addEventListener('dragover', (e) => { e.preventDefault(); $('drop').classList.add('over'); });
$('drop').addEventListener('dragleave', () => $('drop').classList.remove('over'));
$('drop').addEventListener('drop', (e) => {
  e.preventDefault();
  $('drop').classList.remove('over');
  const file = e.dataTransfer.files[0];
  if (file) readFile(file);
});
$('search').addEventListener('input', () => {
  page = 0;
  filter();
});
$('customers').tHead.addEventListener('click', (e) => {
  const key = e.target.closest('button.sort')?.closest('th').dataset.key;
  if (!key) return;
  // A new column starts with the order a person looks for first: names A to Z, numbers highest first.
  sort = sort.key === key ? { key, dir: -sort.dir } : { key, dir: ['id', 'abc', 'rfm'].includes(key) ? 1 : -1 };
  page = 0;
  filter();
});
$('first-page').addEventListener('click', () => setPage(0));
$('prev-page').addEventListener('click', () => setPage(Math.max(0, page - 1)));
$('next-page').addEventListener('click', () => setPage(page + 1));
$('last-page').addEventListener('click', () => setPage(Math.max(0, Math.ceil(found.length / PAGE_SIZE) - 1)));
const save = (text, type, name) => {
  const url = URL.createObjectURL(new Blob([text], { type }));
  build('a', { href: url, download: name }).click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
};
$('download').addEventListener('click', () => save(JSON.stringify(model, null, 2), 'application/json', 'crmscore-model.json'));
$('export').addEventListener('click', () => save(toCsv(found, HORIZON_YEARS), 'text/csv', 'crmscore-customers.csv'));
document.body.dataset.ready = 'true';
