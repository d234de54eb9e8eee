// Scores the bundled sample customers with the bundled config and prints a table.
// Run `npm run build` first (scripts/demo.sh does both).
import { readFileSync } from 'node:fs';
import { Scorer } from '../pkg/node.js';

const read = (name) => JSON.parse(readFileSync(new URL(`../data/${name}`, import.meta.url), 'utf8'));
const asOf = process.argv[2] ?? '2026-11-22';
const scorer = new Scorer(read('sample-config.json'));
const results = scorer.scoreMany(read('sample-customers.json'), { asOf });

const money = (x) => (x == null ? '-' : x.toFixed(0));
const rows = results.map(({ id, value: v, satisfaction: s, loyalty: l, segments }) => ({
  customer: id,
  orders: v.frequency,
  spent: money(v.monetary),
  'recency (d)': v.recencyDays ?? '-',
  abc: v.abc ?? '-',
  rfm: v.rfm ? `${v.rfm.r}${v.rfm.f}${v.rfm.m} ${v.rfm.segment}` : '-',
  'lifetime value': money(v.projectedValue),
  satisfaction: s.level ?? '-',
  nps: s.nps ? `${s.nps.score} ${s.nps.category}` : '-',
  stage: l.stage,
  'loyalty type': l.type ?? '-',
  lifecycle: l.lifecycle,
  segments: segments.map((m) => m.id).join(', '),
}));
console.log(`crmscore: ${results.length} sample customers scored as of ${asOf}`);
console.table(rows);
for (const r of results) {
  if (r.nextBestAction) console.log(`${r.id}: ${r.nextBestAction.goal} → ${r.nextBestAction.action}`);
}
