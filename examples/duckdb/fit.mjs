// Computes the CDNOW customer summaries in SQL with DuckDB and fits the
// BG/NBD and Gamma-Gamma models on them with crmscore's fitSummaries, then
// fits the same transactions directly with crmscore's fit for comparison.
//
//   npm install --no-save @duckdb/node-api && npm run build
//   node examples/duckdb/fit.mjs
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';

const here = (name) => new URL(name, import.meta.url);
// The package built by `npm run build`, or another build's node.js entry.
const { fitSummaries, fit, readTransactionsCsv } = await import(process.env.CRMSCORE_PKG ?? '../../pkg/node.js');
const file = fileURLToPath(here('../../data/cdnow/CDNOW_master.txt'));

const db = await DuckDBInstance.create(':memory:');
const sql = await db.connect();
await sql.run(readFileSync(here('load-cdnow.sql'), 'utf8').replaceAll('{file}', file.replaceAll("'", "''")));
const reader = await sql.runAndReadAll(readFileSync(here('summary.sql'), 'utf8'));
const { frequency, recency, T, monetary_value: monetaryValue } = reader.getColumnsObjectJS();
console.log(`DuckDB: ${frequency.length} customer summaries`);

const fromSql = fitSummaries({ frequency, recency, T, monetaryValue }, { unit: 'weeks' });
const csv = readTransactionsCsv(readFileSync(file, 'utf8'), {
  delimiter: 'whitespace', customerCol: 'customer_id', dateCol: 'date', amountCol: 'dollar_value',
});
const direct = fit(csv.transactions, { asOf: '1997-09-30T23:59:59.999Z', unit: 'weeks' });

const show = (label, bg, gg) =>
  console.log(`${label}: r=${bg.r.toFixed(4)} alpha=${bg.alpha.toFixed(4)} a=${bg.a.toFixed(4)} b=${bg.b.toFixed(4)} ` +
    `LL=${bg.logLikelihood.toFixed(2)} | p=${gg.p.toFixed(4)} q=${gg.q.toFixed(4)} v=${gg.v.toFixed(4)}`);
show('fitSummaries on the SQL rows', fromSql.bgnbd, fromSql.gammaGamma);
show('fit on the transactions      ', direct.bgnbd, direct.gammaGamma);
