// The analyst view's customer table (src/customer-table.js) under Node: the search language, the sort,
// the CSV export and the meaning of the RFM order edges, with results worked out by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuery, matches, compareBy, toCsv, rfmScoreRanges } from '../src/customer-table.js';

const ROWS = [
  { id: '00004', orders: 4, spend: 100.5, value: 100.5, abc: 'A', rfm: 'champions', repeatDays: 3, probabilityAlive: 0.9, expectedPurchases: 2.5, lifetimeValue: 300, segments: ['champions'] },
  { id: 'a-12', orders: 1, spend: 9, value: 9, abc: 'C', rfm: 'at-risk', repeatDays: 0, probabilityAlive: 1, expectedPurchases: 0.1, lifetimeValue: 4, segments: ['first-time-buyers', 'at-risk'] },
  { id: 'cab', orders: 2, spend: 20, value: 20, abc: 'B', rfm: 'lost', repeatDays: 1, probabilityAlive: null, expectedPurchases: null, lifetimeValue: null, segments: ['lost'] },
];
const find = (q) => ROWS.filter((r) => matches(r, parseQuery(q).terms)).map((r) => r.id);

test('a bare word is an id part or a whole class or segment, never a piece of a segment name', () => {
  assert.deepEqual(find('A'), ['00004', 'a-12', 'cab'], '"a" is in the ids a-12 and cab, and is the class of 00004');
  assert.deepEqual(find('abc:A'), ['00004']);
  assert.deepEqual(find('class:c'), ['a-12']);
  assert.deepEqual(find('segment:at-risk'), ['a-12']);
  assert.deepEqual(find('rfm:lost'), ['cab']);
  assert.deepEqual(find('risk'), [], 'no id holds "risk", and no class or segment is "risk"');
  assert.deepEqual(find('at-risk'), ['a-12']);
  assert.deepEqual(find('id:00004'), ['00004']);
  assert.deepEqual(find('abc:B rfm:lost'), ['cab'], 'terms are all required');
  assert.deepEqual(find('abc:B rfm:champions'), []);
  assert.deepEqual(find('abc:'), ['00004', 'a-12', 'cab'], 'a field being typed filters nothing yet');
  assert.match(parseQuery('colour:red').error, /Unknown field “colour:”/);
});

test('sorting: numbers by value, missing values last either way, ties by id', () => {
  const ids = (key, dir) => [...ROWS].sort(compareBy(key, dir)).map((r) => r.id);
  assert.deepEqual(ids('lifetimeValue', -1), ['00004', 'a-12', 'cab']);
  assert.deepEqual(ids('lifetimeValue', 1), ['a-12', '00004', 'cab']);
  assert.deepEqual(ids('orders', 1), ['a-12', 'cab', '00004']);
  assert.deepEqual(ids('abc', 1), ['00004', 'cab', 'a-12']);
});

test('the CSV export: a header, one line per customer, quoted where needed, numbers in full', () => {
  const csv = toCsv([ROWS[1], { ...ROWS[2], id: 'x,"y"' }], 5);
  assert.equal(csv, 'id,orders,spend,value_to_date,abc,rfm,repeat_purchase_days,probability_alive,expected_purchases,lifetime_value_5y,segments\r\n' +
    'a-12,1,9,9,C,at-risk,0,1,0.1,4,first-time-buyers;at-risk\r\n' +
    '"x,""y""",2,20,20,B,lost,1,,,,lost\r\n');
});

test('RFM order edges in whole orders: the score of n orders is 1 + the edges below n', () => {
  // [1, 1.4, 1.8, 4]: 1 order is above no edge (F1); 2 to 4 orders are above three (F4); 5 and more above four (F5).
  assert.equal(rfmScoreRanges([1, 1.4, 1.8, 4]), 'F1: 1, F2: none, F3: none, F4: 2–4, F5: 5+');
  // [1, 2, 4, 8], the storefront's edges: 2 → F2, 3–4 → F3, 5–8 → F4, 9+ → F5.
  assert.equal(rfmScoreRanges([1, 2, 4, 8]), 'F1: 1, F2: 2, F3: 3–4, F4: 5–8, F5: 9+');
  assert.equal(rfmScoreRanges([1, 1, 2, 4]), 'F1: 1, F2: none, F3: 2, F4: 3–4, F5: 5+');
});
