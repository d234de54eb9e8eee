// DuckDB computes the customer summaries of the CDNOW master file with
// examples/duckdb/summary.sql; fitSummaries on them must give the same
// parameters as fit on the same transactions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { fit, fitSummaries, readTransactionsCsv } from 'crmscore';

const example = (name) => readFileSync(new URL(`../../examples/duckdb/${name}`, import.meta.url), 'utf8');
const master = fileURLToPath(new URL('../../data/cdnow/CDNOW_master.txt', import.meta.url));

test('summaries computed in SQL by DuckDB fit to the same model as the transactions', async () => {
  const db = await DuckDBInstance.create(':memory:');
  const sql = await db.connect();
  await sql.run(example('load-cdnow.sql').replaceAll('{file}', master.replaceAll("'", "''")));
  const reader = await sql.runAndReadAll(example('summary.sql'));
  const { frequency, recency, T, monetary_value: monetaryValue } = reader.getColumnsObjectJS();
  assert.equal(frequency.length, 23570);
  const fromSql = fitSummaries({ frequency, recency, T, monetaryValue }, { unit: 'weeks' });

  const csv = readTransactionsCsv(readFileSync(master, 'utf8'), {
    delimiter: 'whitespace', customerCol: 'customer_id', dateCol: 'date', amountCol: 'dollar_value', strict: true,
  });
  const direct = fit(csv.transactions, { asOf: '1997-09-30T23:59:59.999Z', unit: 'weeks' });
  assert.equal(direct.customers, fromSql.customers);

  const close = (a, b) => Math.abs(a - b) <= 1e-6 * Math.abs(b);
  for (const k of ['r', 'alpha', 'a', 'b', 'logLikelihood']) {
    assert.ok(close(fromSql.bgnbd[k], direct.bgnbd[k]), `${k}: ${fromSql.bgnbd[k]} (SQL) vs ${direct.bgnbd[k]}`);
  }
  for (const k of ['p', 'q', 'v', 'logLikelihood']) {
    assert.ok(close(fromSql.gammaGamma[k], direct.gammaGamma[k]), `${k}: ${fromSql.gammaGamma[k]} (SQL) vs ${direct.gammaGamma[k]}`);
  }
  sql.closeSync();
});

// Issue 18 §4: examples/duckdb/grouped.sql collapses equal summaries into rows with a
// count; fitSummaries on them gives the fit of the ungrouped rows, and so does the
// purchase model alone on rows grouped by (frequency, recency, T).
test('summaries grouped in SQL with a count fit as the ungrouped summaries', async () => {
  const db = await DuckDBInstance.create(':memory:');
  const sql = await db.connect();
  await sql.run(example('load-cdnow.sql').replaceAll('{file}', master.replaceAll("'", "''")));
  const rows = async (query) => (await sql.runAndReadAll(query)).getColumnsObjectJS();
  const one = await rows(example('summary.sql'));
  const grouped = await rows(example('grouped.sql'));
  const sum = (a) => a.reduce((s, v) => s + v, 0);
  assert.equal(sum(grouped.count), 23570);
  assert.ok(grouped.count.length < 23570 / 2, `${grouped.count.length} rows`);
  const fitted = (r) => fitSummaries({ frequency: r.frequency, recency: r.recency, T: r.T, monetaryValue: r.monetary_value, count: r.count }, { unit: 'weeks' });
  const a = fitted(one);
  const b = fitted(grouped);
  assert.equal(b.customers, 23570);
  const close = (x, y) => Math.abs(x - y) <= 1e-9 * Math.abs(y);
  for (const k of ['r', 'alpha', 'a', 'b', 'logLikelihood']) assert.ok(close(b.bgnbd[k], a.bgnbd[k]), `${k}: ${b.bgnbd[k]} grouped vs ${a.bgnbd[k]}`);
  for (const k of ['p', 'q', 'v', 'logLikelihood']) assert.ok(close(b.gammaGamma[k], a.gammaGamma[k]), `${k}: ${b.gammaGamma[k]} grouped vs ${a.gammaGamma[k]}`);

  // The purchase model alone: the spend left out, the rows collapse to distinct (x, t_x, T).
  const triples = await rows(example('grouped.sql').replace(/COALESCE\(SUM\(CASE WHEN n > 1 THEN amount END\) \/ NULLIF\(COUNT\(\*\) - 1, 0\), 0\)/, '0'));
  assert.equal(sum(triples.count), 23570);
  const c = fitted(triples);
  assert.equal(c.gammaGamma, null);
  assert.equal(c.distinctTriples, triples.count.length);
  for (const k of ['r', 'alpha', 'a', 'b', 'logLikelihood']) assert.ok(close(c.bgnbd[k], a.bgnbd[k]), `${k}: ${c.bgnbd[k]} by (x, t_x, T) vs ${a.bgnbd[k]}`);
  sql.closeSync();
});

// docs/model.md gives the grouped query for Spark SQL and BigQuery. Translated back into DuckDB by
// exactly the differences the docs list (day difference, double literal, quoting of `count`, the
// table's name), each gives the rows and the fit of grouped.sql without the spend.
test('the Spark SQL and BigQuery grouped queries of docs/model.md give the grouped rows', async () => {
  const md = readFileSync(new URL('../../docs/model.md', import.meta.url), 'utf8');
  const queries = [/```sql\n-- Spark SQL\n([\s\S]*?)```/, /```sql\n-- BigQuery[^\n]*\n([\s\S]*?)```/].map((re) => re.exec(md)[1]);
  const toDuckDb = (q) => q
    .replace(/datediff\(([^,]+), ([^)]+\)?)\)/g, "date_diff('day', $2, $1)")
    .replace(/DATE_DIFF\(([^,]+), ([^,]+), DAY\)/g, "date_diff('day', $2, $1)")
    .replace('0.0D', '0.0').replaceAll('`count`', '"count"').replace('`project.dataset.transactions`', 'transactions');
  const db = await DuckDBInstance.create(':memory:');
  const sql = await db.connect();
  await sql.run(example('load-cdnow.sql').replaceAll('{file}', master.replaceAll("'", "''")));
  const fitted = async (query) => {
    const r = (await sql.runAndReadAll(query)).getColumnsObjectJS();
    const num = (c) => Array.from(c, Number);
    return fitSummaries({ frequency: num(r.frequency), recency: num(r.recency), T: num(r.T), monetaryValue: num(r.monetary_value), count: num(r.count) }, { unit: 'weeks' });
  };
  const reference = await fitted(example('grouped.sql').replace(/COALESCE\(SUM\(CASE WHEN n > 1 THEN amount END\) \/ NULLIF\(COUNT\(\*\) - 1, 0\), 0\)/, '0'));
  for (const query of queries) {
    const f = await fitted(toDuckDb(query));
    assert.deepEqual([f.customers, f.distinctTriples], [23570, reference.distinctTriples]);
    for (const k of ['r', 'alpha', 'a', 'b', 'logLikelihood']) assert.ok(Math.abs(f.bgnbd[k] - reference.bgnbd[k]) <= 1e-9 * Math.abs(reference.bgnbd[k]), k);
  }
  sql.closeSync();
});
