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
