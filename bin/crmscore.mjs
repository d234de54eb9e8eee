#!/usr/bin/env node
// The crmscore command line, shipped in the npm package:
//   npx crmscore fit transactions.csv -o model.json
//   npx crmscore score customers.json --model model.json
//   npx crmscore score transactions.csv --model model.json -o scores.csv
//   npx crmscore fit donations.csv --purchase-model bg-bb
//   npx crmscore retention cohort.txt
// Run `npx crmscore --help` for the options.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fit, fitSummaries, fitRetention, readTransactionsCsv, Scorer, CrmScoreError } from '../node.js';

const HELP = `Usage:
  crmscore fit <transactions.csv> [-o model.json] [options]
      Fits the population model (a purchase model, Gamma-Gamma, ABC, RFM) on a CSV file of
      transactions, one per line, and writes it as JSON (to stdout without -o).
  crmscore fit <summaries.csv> --purchase-model bg-bb [-o fit.json]
      Fits BG/BB (discrete opportunities: a yearly drive, a weekly event) on a CSV file
      of summaries with a header naming frequency, recency, periods and count (or
      weights): repeat transactions, the opportunity of the last one (0 if none),
      opportunities since the first, and customers with that history.
  crmscore retention <counts.txt> [-o fit.json]
      Fits the sBG contract-renewal model on one cohort: the customers still active at
      the start of each period, period 0 (the cohort's size) first, separated by commas,
      spaces or new lines. Writes alpha, beta, their standard errors and 95% intervals.
  crmscore score <customers.json | transactions.csv> --model model.json [-o out] [options]
      customers.json (an array of customers as Scorer.score takes them): scores each
      with the model and prints a JSON array of results.
      A transactions file: scores every customer with the model (ABC, RFM, probability
      alive, expected purchases and spend, lifetime value, segments) and prints CSV,
      one line per customer.

CSV options:
  --customer-col NAME   customer id column: header name or 1-based number (default customer)
  --date-col NAME       date column, YYYYMMDD or ISO 8601 (default date)
  --amount-col NAME     amount column (default amount)
  --cost-col NAME       optional cost column (ABC then ranks customers by margin)
  --delimiter D         one character, "tab", or "whitespace" for runs of spaces (default ,)
  --no-header           the file has no header line: columns are numbers
  --max-line-length N   longest accepted line in bytes (default 65536)
  --strict              stop at the first bad row (exit code 1) instead of skipping it
  --max-errors N        bad rows listed on stderr (default 20); all are counted

Bad rows are skipped by default: each is listed on stderr with its line number
(line 17: amount: expected a finite number, got "12,50") and a summary line gives
their count; the exit code stays 0. A row with more fields than the header (an
unquoted 12,50 in a comma file) is a bad row. With --strict the first bad row
stops the run.

Scores in CSV are rounded to what the data supports: money to cents, probabilities
and expected purchases to 6 significant digits.

Fit options:
  --as-of DATE          observation end; a date alone includes that whole day (default now)
  --unit weeks|days     time unit of the model (default weeks)
  --purchase-model bg-nbd|pareto-nbd|mbg-nbd|bg-bb   purchase model (default bg-nbd; bg-bb takes
                        summaries, see above; docs/model.md says when to use which)
  --abc customer-share|value-share   ABC rule: 5/15/80% of customers (default) or 50/30/20% of value
  --penalizer X         L2 penalty of the purchase model's fit, for small or sparse data (default 0; try 0.001)
  --gamma-gamma-penalizer X   L2 penalty of the Gamma-Gamma fit (default 0)
  --allow-unconverged   write a model that did not converge (flagged converged: false)

Score options:
  --model FILE          the model JSON written by crmscore fit (required)
  --as-of DATE          scoring instant, as above (default: the end of the model's asOf day)
  --horizon-days N      horizon of expected purchases and lifetime value (default 365, at most 3650)
  --discount-rate X     yearly discount rate of the lifetime value (default 0.1)

Progress:
  --progress            show the progress bar on stderr even when it is not a terminal
                        (it shows by itself on a terminal, while reading a CSV file,
                        fitting and scoring)
`;

const OPTIONS = {
  output: { type: 'string', short: 'o' },
  model: { type: 'string' },
  'customer-col': { type: 'string' },
  'date-col': { type: 'string' },
  'amount-col': { type: 'string' },
  'cost-col': { type: 'string' },
  delimiter: { type: 'string' },
  'no-header': { type: 'boolean' },
  'max-line-length': { type: 'string' },
  strict: { type: 'boolean' },
  'max-errors': { type: 'string' },
  'as-of': { type: 'string' },
  unit: { type: 'string' },
  'purchase-model': { type: 'string' },
  abc: { type: 'string' },
  penalizer: { type: 'string' },
  'gamma-gamma-penalizer': { type: 'string' },
  'allow-unconverged': { type: 'boolean' },
  'purchase-model': { type: 'string' },
  'horizon-days': { type: 'string' },
  'discount-rate': { type: 'string' },
  progress: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

class UsageError extends Error {}
/** Input that cannot give a result (exit code 1, like a CrmScoreError). */
class DataError extends Error {}

/** Edit distance between two short words, for "did you mean". */
function distance(a, b) {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length];
}

/** The candidate closest to `word`, when it is close enough to be a typo of it (else null). */
function closest(word, candidates) {
  const [best] = candidates.map((c) => [distance(word.toLowerCase(), c), c]).sort((x, y) => x[0] - y[0]);
  return best && best[0] <= Math.max(2, Math.floor(word.length / 3)) ? best[1] : null;
}

function number(values, name) {
  const text = values[name];
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name}: expected a number, got ${JSON.stringify(text)}`);
  return n;
}

/** A date alone (YYYY-MM-DD or YYYYMMDD) means the end of that UTC day, so that all its transactions count. */
function endOfDay(text) {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(text);
  return m ? `${m[1]}-${m[2]}-${m[3]}T23:59:59.999Z` : text;
}

function asOf(values) {
  return values['as-of'] === undefined ? Date.now() : endOfDay(values['as-of']);
}

/**
 * Scores are as of `--as-of`, else as of the end of the model's `asOf` day: scoring data as of
 * now with a model fitted years ago would make every customer look lapsed.
 */
function scoringAsOf(values, model) {
  if (values['as-of'] !== undefined || typeof model?.asOf !== 'string') return asOf(values);
  process.stderr.write(`crmscore: scoring as of ${model.asOf} (the end of that UTC day), the model's asOf; --as-of DATE to change it\n`);
  return endOfDay(model.asOf);
}

function csvOptions(values) {
  const delimiter = { tab: '\t', whitespace: 'whitespace' }[values.delimiter] ?? values.delimiter;
  const options = {
    customerCol: values['customer-col'],
    dateCol: values['date-col'],
    amountCol: values['amount-col'],
    costCol: values['cost-col'],
    delimiter,
    header: !values['no-header'],
    maxLineLength: number(values, 'max-line-length'),
    strict: Boolean(values.strict),
    maxReported: number(values, 'max-errors') ?? 20,
  };
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
}

/** Reads a transactions file, listing bad rows on stderr; fails when no row could be read. */
function readCsv(file, values) {
  const options = csvOptions(values);
  const bar = progressBar('read', values);
  let table;
  try {
    // A row with more fields than the header (an unquoted `12,50`) is one of its bad rows.
    table = readTransactionsCsv(readFileSync(file, 'utf8'), { ...options, onProgress: bar.onProgress });
  } finally {
    bar.done();
  }
  for (const e of table.errors) process.stderr.write(`${file}: ${e.message}\n`);
  if (table.skipped > 0) {
    const more = table.skipped > table.errors.length ? ` (${table.errors.length} listed)` : '';
    process.stderr.write(`${file}: skipped ${table.skipped} of ${table.rows} rows${more}\n`);
  }
  if (table.rows === 0) throw new DataError(`${file}: no data rows`);
  if (table.skipped === table.rows) throw new DataError(`${file}: no valid row: all ${table.rows} rows were skipped (see above)`);
  return table;
}

/** A progress bar on stderr when it is a terminal or with --progress, else nothing. */
function progressBar(label, values) {
  if (!process.stderr.isTTY && !values.progress) return { onProgress: undefined, done() {} };
  const width = 30;
  return {
    onProgress(fraction) {
      const filled = Math.round(fraction * width);
      process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.round(fraction * 100)}%`);
    },
    done() {
      process.stderr.write('\n');
    },
  };
}

function write(values, text) {
  if (values.output) writeFileSync(values.output, text);
  else process.stdout.write(text);
}

/** Rows { frequency, recency, periods, count } of a BG/BB summaries file (count may be headed weights). */
function readBgBbRows(file) {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines[0] ?? '').split(',').map((h) => h.trim().replace(/^weights$/, 'count'));
  const rows = [];
  for (const [i, line] of lines.slice(1).entries()) {
    const cells = line.split(',');
    const row = {};
    header.forEach((h, k) => {
      if (!['frequency', 'recency', 'periods', 'count'].includes(h)) return;
      const n = Number(cells[k]);
      if (cells[k] === undefined || cells[k].trim() === '' || !Number.isFinite(n)) {
        throw new DataError(`${file}: line ${i + 2}: ${h}: expected a number, got ${JSON.stringify(cells[k] ?? '')}`);
      }
      row[h] = n;
    });
    rows.push(row);
  }
  const missing = ['frequency', 'recency', 'periods'].filter((h) => !header.includes(h));
  if (missing.length) throw new DataError(`${file}: expected a header naming frequency, recency, periods and count; missing ${missing.join(', ')}`);
  return rows;
}

function runFitBgBb(file, values) {
  const rows = readBgBbRows(file);
  const bar = progressBar('fit', values);
  let r;
  try {
    r = fitSummaries(rows, { purchaseModel: 'bg-bb', allowUnconverged: Boolean(values['allow-unconverged']), onProgress: bar.onProgress });
  } finally {
    bar.done();
  }
  write(values, JSON.stringify(r, null, 2) + '\n');
  const { alpha, beta, gamma, delta } = r.bgbb;
  process.stderr.write(`fitted ${r.customers} customers: BG/BB alpha=${alpha.toPrecision(4)} beta=${beta.toPrecision(4)} gamma=${gamma.toPrecision(4)} delta=${delta.toPrecision(4)}\n`);
}

function runRetention(file, values) {
  const tokens = readFileSync(file, 'utf8').split(/[\s,;]+/).filter(Boolean);
  const counts = tokens.map((t) => {
    const n = Number(t);
    if (!Number.isFinite(n)) throw new DataError(`${file}: expected numbers (customers active at the start of each period), got ${JSON.stringify(t)}`);
    return n;
  });
  const r = fitRetention(counts, { allowUnconverged: Boolean(values['allow-unconverged']) });
  write(values, JSON.stringify(r, null, 2) + '\n');
  process.stderr.write(`fitted ${r.periods} periods of ${r.customers} customers: sBG alpha=${r.sbg.alpha.toPrecision(4)} beta=${r.sbg.beta.toPrecision(4)}\n`);
}

function runFit(file, values) {
  const purchaseModel = values['purchase-model'] ?? 'bg-nbd';
  if (purchaseModel === 'bg-bb') return runFitBgBb(file, values);
  if (!['bg-nbd', 'pareto-nbd', 'mbg-nbd'].includes(purchaseModel)) {
    throw new UsageError(`--purchase-model: expected bg-nbd, pareto-nbd, mbg-nbd or bg-bb, got ${JSON.stringify(purchaseModel)}`);
  }
  const table = readCsv(file, values);
  const abc = { 'customer-share': { rule: 'customerShare' }, 'value-share': { rule: 'valueShare' } }[values.abc ?? 'customer-share'];
  if (!abc) throw new UsageError(`--abc: expected customer-share or value-share, got ${JSON.stringify(values.abc)}`);
  const bar = progressBar('fit', values);
  const options = { asOf: asOf(values), abc, allowUnconverged: Boolean(values['allow-unconverged']), onProgress: bar.onProgress };
  if (values.unit !== undefined) options.unit = values.unit;
  if (values['purchase-model'] !== undefined) options.purchaseModel = values['purchase-model'];
  if (values.penalizer !== undefined) options.penalizer = number(values, 'penalizer');
  if (values['gamma-gamma-penalizer'] !== undefined) options.gammaGammaPenalizer = number(values, 'gamma-gamma-penalizer');
  let model;
  try {
    model = fit(table.transactions, options);
  } catch (e) {
    if (e instanceof CrmScoreError && e.code === 'FIT_FAILED') e.hint = fitHint(e, table, options.asOf);
    throw e;
  } finally {
    bar.done();
  }
  write(values, JSON.stringify(model, null, 2) + '\n');
  const { gammaGamma } = model;
  const [name, key] = [['BG/NBD', 'bgnbd'], ['Pareto/NBD', 'paretoNbd'], ['MBG/NBD', 'mbgNbd']].find(([, k]) => model[k]);
  // The parameters are the leading numbers; standard errors, intervals and covariance follow them.
  const params = Object.entries(model[key]).filter(([k, v]) => typeof v === 'number' && k !== 'logLikelihood');
  process.stderr.write(
    `fitted ${model.customers} customers as of ${model.asOf}: ${name} ` +
      params
        .map(([k, v]) => `${k}=${v.toPrecision(4)}`)
        .join(' ') +
      (gammaGamma ? `, Gamma-Gamma p=${gammaGamma.p.toPrecision(4)} q=${gammaGamma.q.toPrecision(4)} v=${gammaGamma.v.toPrecision(4)}` : '') +
      '\n',
  );
}

/** What to try after FIT_FAILED, with how much of what a fit needs the data has. */
function fitHint(e, table, asOf) {
  const end = typeof asOf === 'number' ? asOf : Date.parse(asOf);
  const days = new Map();
  const { customer, at } = table.transactions;
  for (let i = 0; i < customer.length; i++) {
    if (at[i] > end) continue;
    const seen = days.get(customer[i]) ?? new Set();
    days.set(customer[i], seen.add(Math.floor(at[i] / 86_400_000)));
  }
  const repeat = [...days.values()].filter((d) => d.size > 1).length;
  const penalizer = e.path === 'gammaGamma' ? '--gamma-gamma-penalizer' : '--penalizer';
  return [
    `The data has ${days.size} customers up to asOf, ${repeat} of them with a repeat purchase (on a later day). What to try:`,
    `  ${penalizer} 0.001   an L2 penalty that keeps the parameters in range on small or sparse data (lifetimes' penalizer_coef)`,
    '  more customers        BG/NBD estimates 4 parameters and Gamma-Gamma 3 (from repeat buyers only): a fit needs',
    '                        more customers with a repeat purchase than that at the very least, and in practice',
    "                        hundreds (the CDNOW sample's first 200 customers fit without a penalty, its first 100 do not)",
    ...(/did not converge/.test(e.message) ? ['  --allow-unconverged   write the last parameters anyway, flagged converged: false'] : []),
  ].join('\n');
}

/**
 * A CSV cell. Numbers are rounded to what the data supports: money (`kind` 'money') to cents, other
 * fractions to 6 significant digits; NaN (no value) is an empty cell.
 */
function csvCell(v, kind) {
  if (typeof v !== 'number') return /[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
  if (Number.isNaN(v)) return '';
  if (kind === 'money') return v.toFixed(2);
  return String(Number(v.toPrecision(6)));
}


/** Customers scored per call of scoreMany on a JSON file, between updates of the progress bar. */
const CHUNK = 1000;

/** An error of the chunk starting at `offset`, its path (`[3].orders[0].at`) made the index in the file. */
function inFile(e, offset) {
  const at = /^\[(\d+)\]/.exec(e.path);
  if (!at || offset === 0) return e;
  const index = `[${Number(at[1]) + offset}]`;
  return new CrmScoreError(e.message.replace(at[0], index), e.code, e.path.replace(at[0], index));
}

function runScore(file, values) {
  if (!values.model) throw new UsageError('score: --model model.json is required');
  const config = { model: JSON.parse(readFileSync(values.model, 'utf8')) };
  if (values['discount-rate'] !== undefined) config.lifetime = { discountRate: number(values, 'discount-rate') };
  const scorer = new Scorer(config);
  const options = { asOf: scoringAsOf(values, config.model) };
  if (values['horizon-days'] !== undefined) options.horizonDays = number(values, 'horizon-days');
  if (file.endsWith('.json')) {
    const customers = JSON.parse(readFileSync(file, 'utf8'));
    if (!Array.isArray(customers)) throw new UsageError(`${file}: expected a JSON array of customers`);
    const bar = progressBar('score', values);
    const results = [];
    try {
      for (let i = 0; i < customers.length; i += CHUNK) {
        bar.onProgress?.(i / customers.length);
        try {
          results.push(...scorer.scoreMany(customers.slice(i, i + CHUNK), options));
        } catch (e) {
          throw e instanceof CrmScoreError ? inFile(e, i) : e;
        }
      }
      bar.onProgress?.(1);
    } finally {
      bar.done();
    }
    write(values, JSON.stringify(results, null, 2) + '\n');
    return;
  }
  const table = readCsv(file, values);
  const bar = progressBar('score', values);
  let s;
  try {
    s = scorer.scoreMany(table.transactions, { ...options, customers: table.customerIds.length, onProgress: bar.onProgress });
  } finally {
    bar.done();
  }
  const abc = ['', 'A', 'B', 'C', 'D'];
  const lines = ['id,recencyDays,frequency,monetary,abc,r,f,m,probabilityAlive,expectedPurchases,expectedAverageSpend,lifetimeValue,segments'];
  table.customerIds.forEach((id, i) => {
    const segments = s.segmentIds.filter((_, k) => (s.segments[i * s.words + (k >> 5)] >>> (k & 31)) & 1).join(' ');
    const row = [id, s.recencyDays[i], s.frequency[i], csvCell(s.monetary[i], 'money'), abc[s.abc[i]], s.rfmR[i], s.rfmF[i], s.rfmM[i],
      s.probabilityAlive[i], s.expectedPurchases[i], csvCell(s.expectedAverageSpend[i], 'money'), csvCell(s.lifetimeValue[i], 'money'), segments];
    lines.push(row.map((v) => csvCell(v)).join(','));
  });
  write(values, lines.join('\n') + '\n');
}

const COMMANDS = ['fit', 'score', 'retention'];

/** Node's "Unknown option '--as_of'. To specify…" as "unknown option --as_of: did you mean --as-of?". */
function unknownOption(e) {
  const option = /^Unknown option '([^']+)'/.exec(e.message)?.[1];
  if (!option) return e.message;
  const name = option.replace(/^-+/, '').replace(/=.*$/, '');
  const guess = closest(name, Object.keys(OPTIONS));
  return `unknown option ${option}${guess ? `: did you mean --${guess}?` : ''}`;
}

function main(argv) {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  const [command, file, ...rest] = positionals;
  if (values.help || command === undefined || command === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (!COMMANDS.includes(command)) {
    const guess = closest(command, COMMANDS);
    throw new UsageError(`unknown command ${JSON.stringify(command)}: ${guess ? `did you mean ${guess}?` : 'expected fit, retention or score'}`);
  }
  if (file === undefined) throw new UsageError(`${command}: expected an input file`);
  if (rest.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])}`);
  if (command === 'fit') runFit(file, values);
  else if (command === 'retention') runRetention(file, values);
  else runScore(file, values);
  return 0;
}

// `crmscore score … | head`: the reader closing the pipe early is how such a pipeline ends, not an error.
process.stdout.on('error', (e) => {
  if (e.code !== 'EPIPE') throw e;
  process.exit(process.exitCode ?? 0);
});

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  if (e instanceof CrmScoreError) {
    process.stderr.write(`crmscore: ${e.message} (${e.code})\n${e.hint ? `${e.hint}\n` : ''}`);
    process.exitCode = 1;
  } else if (e instanceof DataError) {
    process.stderr.write(`crmscore: ${e.message}\n`);
    process.exitCode = 1;
  } else if (e instanceof UsageError || e?.code?.startsWith?.('ERR_PARSE_ARGS')) {
    const message = e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? unknownOption(e) : e.message;
    process.stderr.write(`crmscore: ${message}\nRun crmscore --help for usage.\n`);
    process.exitCode = 2;
  } else if (e?.code === 'ENOENT' || e instanceof SyntaxError) {
    process.stderr.write(`crmscore: ${e.message}\n`);
    process.exitCode = 2;
  } else {
    throw e;
  }
}
