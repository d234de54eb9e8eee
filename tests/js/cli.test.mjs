// The `crmscore` command shipped in the package, run as a user runs it
// (the `bin` of the installed package) on the CDNOW files and on bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
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
  assert.equal(manifest.bin.crmscore, 'bin/crmscore.mjs'); // the form npm publish keeps (it drops './bin/…')
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

// The sample's rows as [customer, yyyymmdd, amount] (columns 2, 3 and 5 of CDNOW_sample.txt).
const sampleRows = readFileSync(sample, 'utf8').trim().split('\n').map((l) => l.trim().split(/\s+/)).map(([, id, date, , dollars]) => [id, date, dollars]);

test('score --model without --as-of scores as of the end of the model\'s asOf day, and says so', () => {
  const model = join(dir, 'asof-model.json');
  assert.equal(run('fit', sample, '-o', model, '--as-of', '1997-09-30', ...sampleColumns).status, 0);
  const implicit = run('score', sample, '--model', model, ...sampleColumns);
  assert.equal(implicit.status, 0, implicit.stderr);
  assert.match(implicit.stderr, /scoring as of 1997-09-30 \(the end of that UTC day\), the model's asOf/);
  // Customer 0001's last order before 1997-09-30 is on 1997-08-02: 29 + 30 = 59 days before the end of 1997-09-30
  // (not the ~10,000 days before today that scoring as of now gives).
  const first = implicit.stdout.split('\n')[1].split(',');
  assert.deepEqual(first.slice(0, 3), ['0001', '59', '3']);
  const explicit = run('score', sample, '--model', model, '--as-of', '1997-09-30', ...sampleColumns);
  assert.equal(explicit.stdout, implicit.stdout);
  assert.doesNotMatch(explicit.stderr, /model's asOf/);
  // Customers from JSON too: an order on 1997-09-30 itself is not in the future.
  const customers = join(dir, 'asof.json');
  writeFileSync(customers, JSON.stringify([{ id: 'c', orders: [{ at: '1997-09-30T18:00:00Z', amount: 5 }] }]));
  const json = run('score', customers, '--model', model);
  assert.equal(json.status, 0, json.stderr);
  assert.equal(JSON.parse(json.stdout)[0].value.recencyDays, 0);
});

test('CSV scores are rounded: money to cents, the rest to 6 significant digits', () => {
  const model = join(dir, 'round-model.json');
  assert.equal(run('fit', sample, '-o', model, '--as-of', '1997-09-30', ...sampleColumns).status, 0);
  const s = run('score', sample, '--model', model, '--as-of', '1997-09-30', ...sampleColumns);
  const [header, ...lines] = s.stdout.trim().split('\n');
  const columns = header.split(',');
  // 29.33 + 29.73 + 14.96 = 74.02 (in binary floating point 74.02000000000001).
  assert.equal(lines[0].split(',')[columns.indexOf('monetary')], '74.02');
  for (const line of lines) {
    const cells = Object.fromEntries(line.split(',').map((c, i) => [columns[i], c]));
    for (const money of ['monetary', 'expectedAverageSpend', 'lifetimeValue']) assert.match(cells[money], /^-?\d+\.\d\d$/, `${money}: ${line}`);
    for (const k of ['probabilityAlive', 'expectedPurchases']) {
      assert.ok(cells[k].replace(/^0\.0*|\./g, '').replace(/e.*$/, '').length <= 6, `${k}: ${cells[k]}`);
    }
  }
});

test('an unknown option or command gets a "did you mean"', () => {
  for (const [args, want] of [
    [['score', sample, '--as_of', '1997-09-30'], /crmscore: unknown option --as_of: did you mean --as-of\?/],
    [['score', sample, '--modle=m.json'], /unknown option --modle: did you mean --model\?/],
    [['fit', sample, '--penaliser', '0.1'], /unknown option --penaliser: did you mean --penalizer\?/],
    [['scroe', sample], /unknown command "scroe": did you mean score\?/],
  ]) {
    const r = run(...args);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, want);
    assert.match(r.stderr, /Run crmscore --help for usage/);
  }
  const far = run('fit', sample, '--bogus');
  assert.match(far.stderr, /^crmscore: unknown option --bogus\n/);
});

test('FIT_FAILED says what to try: a penalty, more customers, and how many have a repeat purchase', () => {
  // The sample's first 100 customers (by first appearance), counted here from the file.
  const order = [...new Set(sampleRows.map(([id]) => id))];
  const firstOf = (n) => {
    const keep = new Set(order.slice(0, n));
    const file = join(dir, `first-${n}.csv`);
    writeFileSync(file, ['customer,date,amount', ...sampleRows.filter(([id]) => keep.has(id)).map((r) => r.join(','))].join('\n') + '\n');
    return file;
  };
  const days = new Map();
  for (const [id, date] of sampleRows) if (order.indexOf(id) < 100 && date <= '19970930') days.set(id, (days.get(id) ?? new Set()).add(date));
  const repeat = [...days.values()].filter((d) => d.size > 1).length;
  const r = run('fit', firstOf(100), '--as-of', '1997-09-30');
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /\(FIT_FAILED\)\n/);
  assert.match(r.stderr, new RegExp(`The data has ${days.size} customers up to asOf, ${repeat} of them with a repeat purchase`));
  assert.match(r.stderr, /--penalizer 0\.001 /);
  assert.match(r.stderr, /more customers/);
  // The hint's figures: the first 100 customers do not fit without a penalty (above), the first 200 do.
  assert.equal(run('fit', firstOf(200), '--as-of', '1997-09-30').status, 0);
});

test('a row with more fields than the header (an unquoted 12,50) is a bad row, reported by line', () => {
  const file = join(dir, 'comma.csv');
  const rows = [...sampleRows.slice(0, 2).map((r) => r.join(',')), 'c1,1997-03-08,12,50', 'c2,1997-03-09,"7,25"', '"c3, ""quoted""",1997-03-09,1'];
  writeFileSync(file, ['customer,date,amount', ...rows].join('\n') + '\n');
  const r = run('score', file, '--model', join(dir, 'model.json'), '--as-of', '1997-09-30');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /comma\.csv: line 4: expected 3 fields \(as in the header\), got 4/);
  assert.match(r.stderr, /comma\.csv: line 5: amount: expected a finite number, got "7,25"/);
  assert.match(r.stderr, /skipped 2 of 5 rows/);
  const lines = r.stdout.trim().split('\n').slice(1);
  assert.equal(lines.length, 2);
  assert.match(lines[0], /^0001,/);
  // A quoted field holding the delimiter and quotes is one field (and is quoted again in the output).
  assert.match(lines[1], /^"c3, ""quoted""",/);
  const strict = run('fit', file, '--as-of', '1997-09-30', '--strict');
  assert.equal(strict.status, 1);
  assert.match(strict.stderr, /crmscore: line 4: expected 3 fields \(as in the header\), got 4: .* \(INVALID_TYPE\)/);
});

test('when every row is bad, it says that no row was valid', () => {
  const file = join(dir, 'all-bad.csv');
  writeFileSync(file, 'customer,date,amount\nc1,1997-03-08,12,50\nc2,1997-02-30,1\n');
  const r = run('fit', file, '--as-of', '1997-09-30');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /all-bad\.csv: no valid row: all 2 rows were skipped/);
  assert.doesNotMatch(r.stderr, /no transaction at or before asOf/);
});

test('score | head: the reader closing the pipe ends the command quietly', async () => {
  const child = spawn(process.execPath, [bin, 'score', sample, '--model', join(dir, 'model.json'), '--as-of', '1997-09-30', ...sampleColumns]);
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  // Like `head -1`: read the first chunk (the CSV is ~200 KB, more than a pipe holds), then close the pipe.
  await new Promise((resolve) => child.stdout.once('data', resolve));
  child.stdout.destroy();
  const [code, signal] = await new Promise((resolve) => child.once('exit', (c, s) => resolve([c, s])));
  assert.deepEqual([code, signal], [0, null], stderr);
  assert.equal(stderr, '');
});

test('fit --purchase-model bg-bb fits the donations; retention fits a cohort', () => {
  const donations = fileURLToPath(new URL('../../data/donations/donations.csv', import.meta.url));
  const r = run('fit', donations, '--purchase-model', 'bg-bb');
  assert.equal(r.status, 0, r.stderr);
  const { bgbb } = JSON.parse(r.stdout);
  assert.deepEqual([bgbb.alpha, bgbb.beta, bgbb.gamma, bgbb.delta].map((v) => v.toPrecision(3)), ['1.20', '0.750', '0.657', '2.78']);
  assert.match(r.stderr, /fitted 11104 customers: BG\/BB/);
  const counts = join(dir, 'high-end.txt');
  writeFileSync(counts, '1000\n869\n743\n653\n593\n551\n517\n491\n');
  const s = run('retention', counts);
  assert.equal(s.status, 0, s.stderr);
  const { sbg, standardErrors } = JSON.parse(s.stdout);
  assert.deepEqual([sbg.alpha.toPrecision(3), sbg.beta.toPrecision(3)], ['0.668', '3.81']);
  assert.ok(standardErrors.alpha > 0);
  writeFileSync(counts, '1000 900 950');
  const bad = run('retention', counts);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /activeCounts\[2\]|at most the count before/);
  assert.equal(run('fit', donations, '--purchase-model', 'pareto').status, 2);
});
