// The few chart.js charts of the analyst view (tree-shaken registration, no animation). Each chart
// returns what a person who cannot see the canvas needs: a one-line summary (the canvas's
// aria-label) and the chart's data as table rows (shown under the chart).
import {
  Chart, LineController, LineElement, PointElement, LinearScale, BarController, BarElement, CategoryScale, Legend, Tooltip,
} from 'chart.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, BarController, BarElement, CategoryScale, Legend, Tooltip);
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false; // the canvas fills its box (.chart), whatever the width
Chart.defaults.color = '#3d3d3d';

const charts = new Map();
function draw(canvas, config) {
  charts.get(canvas)?.destroy();
  const chart = new Chart(canvas, config);
  charts.set(canvas, chart);
  // What the tests read of the drawing: a count axis's ticks (never at 0.1 customer), the legend's keys.
  if (config.type === 'bar') canvas.dataset.yTicks = chart.scales.y.ticks.map((t) => t.value).join(' ');
  canvas.dataset.legend = (chart.legend?.legendItems ?? []).map((i) => `${i.pointStyle ?? 'box'} ${(i.lineDash ?? []).join('-')}`.trim()).join('|');
}
const pct = (x) => `${Math.round(x * 100)}%`;
const pct1 = (x) => `${(x * 100).toFixed(1)}%`;
const counts = (title) => ({ beginAtZero: true, title: { display: true, text: title }, ticks: { precision: 0 } });
// Lines in the legend as they are drawn: chart.js takes a line dataset's key from its first point, which has no dash.
const legend = { labels: {
  usePointStyle: true, pointStyle: 'line', pointStyleWidth: 32,
  generateLabels: (chart) => Chart.defaults.plugins.legend.labels.generateLabels(chart)
    .map((item) => ({ ...item, lineWidth: 2, lineDash: chart.data.datasets[item.datasetIndex].borderDash ?? [] })),
} };

/** Cumulative share of value against cumulative share of customers, ranked by value, with the ABC cuts. */
export function paretoChart(canvas, values, customerShare, valueShare) {
  const desc = [...values].sort((a, b) => b - a);
  const total = desc.reduce((s, v) => s + v, 0) || 1;
  const step = Math.max(1, Math.floor(desc.length / 200));
  const curve = [{ x: 0, y: 0 }];
  let cum = 0;
  desc.forEach((v, i) => {
    cum += v;
    if ((i + 1) % step === 0 || i === desc.length - 1) curve.push({ x: (i + 1) / desc.length, y: cum / total });
  });
  const ab = customerShare[0];
  const bc = customerShare[0] + customerShare[1];
  const cut = (x, y, label, color) => ({
    label, borderColor: color, backgroundColor: color, borderDash: [6, 4], pointRadius: [0, 5], pointStyle: 'circle',
    data: [{ x, y: 0 }, { x, y }],
  });
  draw(canvas, {
    type: 'line',
    data: { datasets: [
      { label: 'cumulative share of value', data: curve, borderColor: '#2a6f62', backgroundColor: '#2a6f62', pointRadius: 0 },
      cut(ab, valueShare[0], `A | B cut (${pct(ab)} of customers)`, '#8f5622'),
      cut(bc, valueShare[0] + valueShare[1], `B | C cut (${pct(bc)})`, '#8a2f5d'),
    ] },
    options: { parsing: false, plugins: { legend }, scales: {
      x: { type: 'linear', min: 0, max: 1, title: { display: true, text: 'share of customers (by value, highest first)' }, ticks: { callback: pct } },
      y: { min: 0, max: 1, title: { display: true, text: 'share of value' }, ticks: { callback: pct } },
    } },
  });
  return {
    summary: `Pareto curve of ${desc.length} customers: the top ${pct1(ab)} (class A) hold ${pct1(valueShare[0])} of the value, ` +
      `the top ${pct1(bc)} (classes A and B) ${pct1(valueShare[0] + valueShare[1])}.`,
    head: ['share of customers', 'share of value'],
    rows: [0.01, 0.05, 0.1, 0.2, 0.5, 1].map((x) => {
      const n = Math.max(1, Math.round(x * desc.length));
      return [pct(x), pct1(desc.slice(0, n).reduce((s, v) => s + v, 0) / total)];
    }),
  };
}

/** One bar per label; `series` is one { label, data, color } per stacked part. */
export function barChart(canvas, labels, series, { x, y = 'customers', stacked = false } = {}) {
  draw(canvas, {
    type: 'bar',
    data: { labels, datasets: series.map((s) => ({ label: s.label, data: s.data, backgroundColor: s.color ?? '#2a6f62' })) },
    options: {
      plugins: { legend: { display: series.length > 1 } },
      scales: { x: { stacked, title: { display: Boolean(x), text: x } }, y: { ...counts(y), stacked } },
    },
  });
}

/** Bin edges 0, then 1, 2, 5, 10, 20, 50… (a log scale in three steps a decade) up to the first above `max`. */
export function logEdges(max) {
  const edges = [0, 1];
  for (let k = 0; edges.at(-1) <= max; k++) edges.push([2, 5, 10][k % 3] * 10 ** Math.floor(k / 3));
  return edges;
}

/** Counts of `values` in the bins [edges[i], edges[i + 1]); the last bin includes its upper edge. */
export function binCounts(values, edges) {
  const out = new Array(edges.length - 1).fill(0);
  for (const v of values) {
    let i = edges.findIndex((e, k) => k > 0 && v < e) - 1;
    if (i < 0) i = v >= edges.at(-1) ? out.length - 1 : 0;
    out[i]++;
  }
  return out;
}

/** The histogram of a skewed amount (lifetime value): bins on a log scale, labelled as ranges. */
export function logHistogram(canvas, values, { unit = '$', title }) {
  const sorted = [...values].sort((a, b) => a - b);
  const edges = logEdges(sorted.at(-1) ?? 1);
  const n = binCounts(sorted, edges);
  const money = (x) => `${unit}${x.toLocaleString('en')}`;
  const labels = n.map((_, i) => `${money(edges[i])}–${edges[i + 1].toLocaleString('en')}`);
  barChart(canvas, labels, [{ label: 'customers', data: n }], { x: `${title}, bins on a log scale (×2, ×2.5, ×2 a step)` });
  const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  const fmt = (x) => `${unit}${x.toFixed(2)}`;
  const top = n.indexOf(Math.max(...n));
  return {
    summary: `Histogram of ${title} for ${sorted.length} customers, on log-scale bins: median ${fmt(q(0.5))}, ` +
      `90th percentile ${fmt(q(0.9))}, highest ${fmt(sorted.at(-1) ?? 0)}; the largest bin is ${labels[top]} with ${n[top]} customers.`,
    head: [title, 'customers'],
    rows: labels.map((l, i) => [l, String(n[i])]),
  };
}

/**
 * Probability alive in ten bins, customers without a repeat purchase apart: BG/NBD puts them at 1
 * by construction (it lets a customer drop out only after a repeat purchase), so they would
 * otherwise fill the top bin and read as "surely active".
 */
export function aliveChart(canvas, rows) {
  const repeat = new Array(10).fill(0);
  const once = new Array(10).fill(0);
  for (const r of rows) {
    if (r.probabilityAlive == null) continue;
    const i = Math.min(9, Math.floor(r.probabilityAlive * 10));
    (r.repeatDays > 0 ? repeat : once)[i]++;
  }
  const labels = repeat.map((_, i) => `${(i / 10).toFixed(1)}–${((i + 1) / 10).toFixed(1)}`);
  barChart(canvas, labels, [
    { label: 'repeat buyers', data: repeat, color: '#2a6f62' },
    { label: 'no repeat purchase: 1 by construction', data: once, color: '#8a8378' },
  ], { x: 'probability alive (BG/NBD)', stacked: true });
  const onceTotal = once.reduce((s, x) => s + x, 0);
  const repeatTotal = repeat.reduce((s, x) => s + x, 0);
  return {
    once: onceTotal,
    repeat: repeatTotal,
    summary: `Probability alive of ${repeatTotal} repeat buyers in ten bins (${labels.map((l, i) => `${l}: ${repeat[i]}`).join(', ')}), ` +
      `and ${onceTotal} customers without a repeat purchase, whom BG/NBD puts at 1 by construction, drawn apart in the top bin.`,
    head: ['probability alive', 'repeat buyers', 'no repeat purchase'],
    rows: labels.map((l, i) => [l, String(repeat[i]), String(once[i])]),
  };
}

/**
 * Mean holdout purchases by calibration repeat purchases (0 to 6, then 7+), actual against each
 * model's prediction: the conditional-expectations chart of Fader, Hardie & Lee (2005).
 */
export function holdoutChart(canvas, validations) {
  const groups = validations[0].byFrequency;
  const labels = groups.map((g) => String(g.frequency));
  const colors = ['#8f5622', '#8a2f5d', '#3b5ba5', '#6b6b00'];
  const point = (g, key) => g[key] ?? null;
  draw(canvas, {
    type: 'line',
    data: { labels, datasets: [
      { label: 'actual', data: groups.map((g) => point(g, 'actual')), borderColor: '#2a6f62', backgroundColor: '#2a6f62', pointRadius: 3 },
      ...validations.map((v, i) => ({
        label: `predicted, ${v.model.purchaseModel}`, data: v.byFrequency.map((g) => point(g, 'predicted')),
        borderColor: colors[i % colors.length], backgroundColor: colors[i % colors.length], borderDash: [6, 4], pointRadius: 3,
      })),
    ] },
    options: { plugins: { legend }, scales: {
      x: { title: { display: true, text: 'repeat purchases in the calibration period' } },
      y: { beginAtZero: true, title: { display: true, text: 'mean purchases in the holdout period' } },
    } },
  });
  const f = (x) => (x == null ? '—' : x.toFixed(3));
  const v = validations[0];
  return {
    summary: `Mean holdout purchases by calibration repeat purchases, actual against predicted by ${validations.map((x) => x.model.purchaseModel).join(', ')}: ` +
      `${groups.map((g, i) => `${g.frequency}: ${f(g.actual)} actual, ${f(v.byFrequency[i].predicted)} predicted`).join('; ')}. ` +
      `In all ${v.totalActual} holdout purchases, ${v.totalPredicted.toFixed(1)} predicted.`,
    head: ['calibration repeat purchases', 'customers', 'actual', ...validations.map((x) => `predicted, ${x.model.purchaseModel}`)],
    rows: groups.map((g, i) => [String(g.frequency), String(g.customers), f(g.actual), ...validations.map((x) => f(x.byFrequency[i].predicted))]),
  };
}
