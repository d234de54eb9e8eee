// The few chart.js charts of the analyst view (tree-shaken registration, no animation).
import {
  Chart, LineController, LineElement, PointElement, LinearScale, BarController, BarElement, CategoryScale, Legend, Tooltip,
} from 'chart.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, BarController, BarElement, CategoryScale, Legend, Tooltip);
Chart.defaults.animation = false;

const charts = new Map();
function draw(canvas, config) {
  charts.get(canvas)?.destroy();
  charts.set(canvas, new Chart(canvas, config));
}
const pct = (x) => `${Math.round(x * 100)}%`;

/** Cumulative share of value against cumulative share of customers, ranked by value, with the ABC cuts. */
export function paretoChart(canvas, values, customerShare) {
  const desc = [...values].sort((a, b) => b - a);
  const total = desc.reduce((s, v) => s + v, 0) || 1;
  const step = Math.max(1, Math.floor(desc.length / 200));
  const curve = [{ x: 0, y: 0 }];
  let cum = 0;
  desc.forEach((v, i) => {
    cum += v;
    if ((i + 1) % step === 0 || i === desc.length - 1) curve.push({ x: (i + 1) / desc.length, y: cum / total });
  });
  const at = (x) => curve.reduce((best, p) => (Math.abs(p.x - x) < Math.abs(best.x - x) ? p : best));
  const cut = (x, label, color) => ({
    label, borderColor: color, backgroundColor: color, borderDash: [4, 4], pointRadius: [0, 5],
    data: [{ x, y: 0 }, { x, y: at(x).y }],
  });
  draw(canvas, {
    type: 'line',
    data: { datasets: [
      { label: 'cumulative share of value', data: curve, borderColor: '#2a6f62', pointRadius: 0 },
      cut(customerShare[0], `A | B cut (${pct(customerShare[0])} of customers)`, '#b7702f'),
      cut(customerShare[0] + customerShare[1], `B | C cut (${pct(customerShare[0] + customerShare[1])})`, '#8a2f5d'),
    ] },
    options: { parsing: false, scales: {
      x: { type: 'linear', min: 0, max: 1, title: { display: true, text: 'share of customers (by value, highest first)' }, ticks: { callback: pct } },
      y: { min: 0, max: 1, title: { display: true, text: 'share of value' }, ticks: { callback: pct } },
    } },
  });
}

export function barChart(canvas, labels, counts, label) {
  draw(canvas, {
    type: 'bar',
    data: { labels, datasets: [{ label, data: counts, backgroundColor: '#2a6f62' }] },
    options: { plugins: { legend: { display: false } }, scales: { y: { title: { display: true, text: 'customers' } } } },
  });
}

/** Histogram of `values` in `bins` equal bins from 0 to `max` (values above go in the last bin). */
export function histogram(canvas, values, { bins = 20, max, format = (x) => x.toFixed(0), label }) {
  const top = max ?? Math.max(...values, 0);
  const width = top / bins || 1;
  const counts = new Array(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.max(0, Math.floor(v / width)))]++;
  const labels = counts.map((_, i) => (i === bins - 1 && max !== undefined ? `≥ ${format(i * width)}` : format(i * width)));
  barChart(canvas, labels, counts, label);
}
