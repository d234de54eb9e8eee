// Reading the analyst view's files (the worker's code is plain JavaScript, so tested under Node).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readTransactionsCsv } from 'crmscore/fit';
import { csvOptions, toCustomers, lastDate, dateRange, purchaseDays } from '../src/transactions.js';

const read = (text) => readTransactionsCsv(text, csvOptions(text));

test('reads the CDNOW sample layout (master id, sample id, YYYYMMDD, CDs, dollars)', () => {
  const csv = read(' 00004 0001 19970101  2   29.33\n 00004 0001 19970118  2   29.73\n 00021 0002 19970101  3   63.34\n');
  assert.equal(lastDate(csv), '1997-01-18');
  assert.deepEqual(toCustomers(csv), [
    { id: '00004', orders: [{ at: Date.UTC(1997, 0, 1), amount: 29.33 }, { at: Date.UTC(1997, 0, 18), amount: 29.73 }] },
    { id: '00021', orders: [{ at: Date.UTC(1997, 0, 1), amount: 63.34 }] },
  ]);
});

test('reads the CDNOW master layout, with its header', () => {
  const csv = read(' customer_id  date number_of_cds  dollar_value\n 00001 19970101  1   11.77\n');
  assert.deepEqual(toCustomers(csv), [{ id: '00001', orders: [{ at: Date.UTC(1997, 0, 1), amount: 11.77 }] }]);
});

test('reads a CSV with a header in any column order, costs included', () => {
  const csv = read('amount,date,customer_id,cost\r\n10.5,2026-01-02,a,4\r\n4,2026-02-03,b,1\r\n');
  assert.equal(lastDate(csv), '2026-02-03');
  assert.deepEqual(toCustomers(csv).map((c) => [c.id, c.orders[0].amount, c.orders[0].cost]), [['a', 10.5, 4], ['b', 4, 1]]);
});

test('the date range and the purchase days per customer (two orders on one day are one purchase day)', () => {
  const csv = read('customer,date,amount\na,2026-03-02,5\nb,2026-01-15,1\na,2026-03-02,7\na,2026-04-01,2\nb,2026-02-01T23:30:00Z,3\n');
  assert.deepEqual(dateRange(csv), { first: '2026-01-15', last: '2026-04-01' });
  assert.deepEqual(purchaseDays(csv), [2, 2], 'a: 2 March (twice) and 1 April; b: 15 January and 1 February');
});

test('says what it cannot read', () => {
  assert.throws(() => csvOptions('id,name\nx,y\n'), /header needs a customer id, a date and an amount/);
  assert.throws(() => csvOptions('\n\n'), /empty/);
  assert.throws(() => csvOptions('1 2 3 4 5 6\n'), /6 fields/);
});
