// The reference data the node:test files check the package against (CDNOW,
// data/cdnow/; the donations, data/donations/) and how they compare to published figures: one copy, imported
// by each test file (not a test file itself: node --test runs *.test.mjs).
import { readFileSync } from 'node:fs';

/** A file of data/cdnow/ as text. */
export const data = (name) => readFileSync(new URL(`../../data/cdnow/${name}`, import.meta.url), 'utf8');

/** Equal to `want` after rounding both to three significant figures. */
export function sig3(got, want) {
  const scale = 10 ** (2 - Math.floor(Math.log10(Math.abs(want))));
  return Math.round(got * scale) === Math.round(want * scale);
}

/** The published CDNOW calibration summary as `fitSummaries` rows (weeks). */
export const summaryRows = data('cdnow_customers_summary_with_transactions.csv')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => {
    const [, x, tx, T, zbar] = line.split(',').map(Number);
    return { frequency: x, recency: tx, T, monetaryValue: zbar };
  });

/** The end of the CDNOW calibration period. */
export const calibrationEnd = '1997-09-30';

/** CDNOW_sample.txt lines: master id, sample id, YYYYMMDD, CDs, dollars. */
export const sampleLines = data('CDNOW_sample.txt')
  .trim()
  .split('\n')
  .map((line) => line.trim().split(/\s+/));

/** YYYYMMDD as YYYY-MM-DD. */
export const isoDate = (d) => `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;

/** The sample as the customer objects `Scorer.score` takes, orders up to the end of calibration. */
export function sampleCustomers() {
  const byId = new Map();
  for (const [, id, date, , dollars] of sampleLines) {
    const at = isoDate(date);
    if (at > calibrationEnd) continue;
    if (!byId.has(id)) byId.set(id, { id, orders: [] });
    byId.get(id).orders.push({ at, amount: Number(dollars) });
  }
  return [...byId.values()];
}

/** The donations table of Fader, Hardie & Shang (2010) as BG/BB `fitSummaries` rows. */
export const donations = readFileSync(new URL('../../data/donations/donations.csv', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => {
    const [frequency, recency, periods, count] = line.split(',').map(Number);
    return { frequency, recency, periods, count };
  });
