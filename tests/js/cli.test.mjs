// The `crmscore` command shipped in the package, run as a user runs it
// (the `bin` of the installed package) on the CDNOW files and on bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const bin = createRequire(import.meta.url).resolve('crmscore/package.json').replace(/package\.json$/, 'bin/crmscore.mjs');
const sample = fileURLToPath(new URL('../../data/cdnow/CDNOW_sample.txt', import.meta.url));
const master = fileURLToPath(new URL('../../data/cdnow/CDNOW_master.txt', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'crmscore-cli-'));

const run = (...args) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
const sampleColumns = ['--delimiter', 'whitespace', '--no-header', '--customer-col', '2', '--date-col', '3', '--amount-col', '5'];

test('the package declares the command', () => {
  const manifest = JSON.parse(readFileSync(bin.replace(/bin\/crmscore\.mjs$/, 'package.json'), 'utf8'));
  assert.equal(manifest.bin.crmscore, './bin/crmscore.mjs');
  assert.match(run('--help').stdout, /crmscore fit <transactions\.csv>/);
});

test('fit writes the CDNOW model; score prints one CSV line per customer', () => {
  const model = join(dir, 'model.json');
  const r = run('fit', sample, '-o', model, '--as-of', '1997-09-30', ...sampleColumns);
  assert.equal(r.status, 0, r.stderr);
  const m = JSON.parse(readFileSync(model, 'utf8'));
  assert.equal(m.customers, 2357);
  assert.equal(m.bgnbd.r.toPrecision(3), '0.243');
  assert.equal(m.bgnbd.alpha.toPrecision(3), '4.41');
  assert.match(r.stderr, /fitted 2357 customers as of 1997-09-30/);
  // Not a terminal: no progress bar.
  assert.doesNotMatch(r.stderr, /\[#/);
  const s = run('score', sample, '--model', model, '--as-of', '1997-09-30', ...sampleColumns);
  assert.equal(s.status, 0, s.stderr);
  const lines = s.stdout.trim().split('\n');
  assert.equal(lines[0], 'id,recencyDays,frequency,monetary,abc,r,f,m,probabilityAlive,expectedPurchases,expectedAverageSpend,lifetimeValue,segments');
  assert.equal(lines.length, 2358);
  const first = lines[1].split(',');
  // Customer 0001: 3 orders up to 1997-09-30, the last on 1997-08-02, 59 days before its end.
  assert.deepEqual(first.slice(0, 3), ['0001', '59', '3']);
  assert.ok(Number(first[8]) > 0 && Number(first[8]) < 1);
  assert.ok(first[12].split(' ').length >= 1 && first[12] !== '', first[12]);
});

test('--progress shows the bar on stderr for reading, fitting and scoring, and keeps stdout clean', () => {
  const model = join(dir, 'progress-model.json');
  const f = run('fit', sample, '--as-of', '1997-09-30', '--progress', ...sampleColumns);
  assert.equal(f.status, 0, f.stderr);
  for (const phase of ['read', 'fit']) assert.match(f.stderr, new RegExp(`${phase} \\[#+\\] 100%`));
  assert.doesNotMatch(f.stdout, /\[#|%/);
  writeFileSync(model, f.stdout);
  const s = run('score', sample, '--model', model, '--as-of', '1997-09-30', '--progress', ...sampleColumns);
  assert.equal(s.status, 0, s.stderr);
  for (const phase of ['read', 'score']) assert.match(s.stderr, new RegExp(`${phase} \\[#+\\] 100%`));
  assert.match(s.stdout, /^id,recencyDays/);
  assert.doesNotMatch(s.stdout, /\[#/);
  const customers = join(dir, 'many.json');
  writeFileSync(customers, JSON.stringify(Array.from({ length: 2500 }, (_, i) => ({ id: i, orders: [{ at: '1997-05-01', amount: i % 90 }] }))));
  const j = run('score', customers, '--model', model, '--as-of', '1997-09-30', '--progress');
  assert.equal(j.status, 0, j.stderr);
  // 3 chunks of 1,000: 0%, 40%, 80%, then 100%.
  assert.match(j.stderr, /score \[\.+\] 0%.*40%.*80%.*100%/s);
  assert.equal(JSON.parse(j.stdout).length, 2500);
  // An error in a later chunk names the customer's index in the file.
  writeFileSync(customers, JSON.stringify(Array.from({ length: 1500 }, (_, i) => ({ id: i, orders: [{ at: '1997-05-01', amount: i === 1234 ? -1 : 1 }] }))));
  const bad = run('score', customers, '--model', model, '--as-of', '1997-09-30');
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /crmscore: \[1234\]\.orders\[0\]\.amount: /);
});

test('a header file with named columns: the CDNOW master file', () => {
  const r = run('fit', master, '--delimiter', 'whitespace', '--customer-col', 'customer_id', '--date-col', 'date', '--amount-col', 'dollar_value', '--as-of', '1998-06-30');
  assert.equal(r.status, 0, r.stderr);
  const m = JSON.parse(r.stdout);
  assert.equal(m.customers, 23570);
  assert.equal(m.asOf, '1998-06-30');
});

test('bad rows are listed by line number and skipped, or stop the run with --strict', () => {
  const file = join(dir, 'bad.csv');
  // The CDNOW sample as customer,date,amount, with two bad rows as lines 3 and 6.
  const good = readFileSync(sample, 'utf8').trim().split('\n').map((l) => l.trim().split(/\s+/)).map(([, id, date, , dollars]) => `${id},${date},${dollars}`);
  const lines = ['customer,date,amount', good[0], 'c1,2026-11-08,"12,50"', good[1], good[2], 'c2,2026-02-30,1', ...good.slice(3)];
  writeFileSync(file, lines.join('\n') + '\n');
  const r = run('fit', file, '--as-of', '1997-09-30');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /bad\.csv: line 3: amount: expected a finite number, got "12,50"/);
  assert.match(r.stderr, /bad\.csv: line 6: date: "2026-02-30" is not a calendar date/);
  assert.match(r.stderr, new RegExp(`skipped 2 of ${good.length + 2} rows`));
  assert.equal(JSON.parse(r.stdout).customers, 2357);
  const strict = run('fit', file, '--as-of', '2026-11-20', '--strict');
  assert.equal(strict.status, 1);
  assert.match(strict.stderr, /crmscore: line 3: amount: expected a finite number, got "12,50" \(INVALID_TYPE\)/);
  assert.equal(strict.stdout, '');
});

test('usage errors and bad models exit with a message', () => {
  assert.equal(run('fti', sample).status, 2);
  assert.equal(run('fit').status, 2);
  assert.equal(run('fit', sample, '--bogus').status, 2);
  const noCol = run('fit', sample, '--delimiter', 'whitespace', '--no-header');
  assert.equal(noCol.status, 1);
  assert.match(noCol.stderr, /columns\.customer/);
  const model = join(dir, 'v2.json');
  writeFileSync(model, JSON.stringify({ version: 2 }));
  const s = run('score', sample, '--model', model, ...sampleColumns);
  assert.equal(s.status, 1);
  assert.match(s.stderr, /model\.version: expected model version 1, got 2/);
});

test('score of customers.json goes through Scorer.scoreMany with the model', () => {
  const model = join(dir, 'model.json');
  execFileSync(process.execPath, [bin, 'fit', sample, '-o', model, '--as-of', '1997-09-30', ...sampleColumns], { stdio: 'ignore' });
  const customers = join(dir, 'customers.json');
  writeFileSync(customers, JSON.stringify([{ id: 'c1', orders: [{ at: '1997-05-01', amount: 20 }, { at: '1997-08-01', amount: 30 }] }]));
  const r = run('score', customers, '--model', model, '--as-of', '1997-09-30');
  assert.equal(r.status, 0, r.stderr);
  const [result] = JSON.parse(r.stdout);
  assert.equal(result.id, 'c1');
  assert.equal(result.value.monetary, 50);
});
