// Loads the golden data and compares results of a runtime with the native reference (expected.json).
// Used by tests/js/golden.test.mjs (Node), www/tests/golden.test.mjs (Chromium) and
// examples/edge/test/golden.test.mjs (workerd); runs in Node only.
//
// Exactness: every string, boolean, null, integer and float is compared with ===, i.e. bit for bit
// (JSON text written by Rust's shortest round-trip formatting and read back by JSON.parse is exact;
// the only bits === ignores are the sign of zero, which JSON.stringify drops anyway). The exception is
// the BG/NBD output in value.predicted: probabilityAlive, expectedPurchases and lifetimeValue are sums
// of terms built with exp, ln, pow and ln Γ, and Rust's f64::exp/ln/powf call the platform libm natively
// (glibc on x86-64) but a compiled-in libm port in wasm32-unknown-unknown; the two may differ in the last
// unit in the last place, and the series propagate that. They are compared to TOLERANCE relative.
// expectedAverageSpend (Gamma-Gamma, + − × ÷ only) is compared under the same rule for simplicity.
import { readFileSync } from 'node:fs';

export const TOLERANCE = 1e-12;
const TOLERANT = /^value\.predicted\.(probabilityAlive|expectedPurchases|expectedAverageSpend|lifetimeValue)$/;
const read = (name) => JSON.parse(readFileSync(new URL(name, import.meta.url), 'utf8'));

/** The cases to run: { name, config, customers, options } (plain JSON, can be posted or passed to a page). */
export function goldenCases() {
  const inputs = read('./inputs.json');
  const model = read('./model.json');
  return inputs.cases.map((c) => ({
    name: c.name,
    config: c.config === 'model' ? { ...inputs.configs.model, model } : inputs.configs[c.config],
    customers: inputs.customers[c.customers].slice(0, c.count),
    options: { asOf: c.asOf, ...(c.horizonDays === undefined ? {} : { horizonDays: c.horizonDays }) },
  }));
}

/** The native results, by case name, with segments expanded back from ids to objects. */
export function expectedResults() {
  const expected = read('./expected.json');
  return Object.fromEntries(expected.cases.map((c) => [c.name,
    c.results.map((r) => ({ ...r, segments: r.segments.map((id) => c.segments[id]) }))]));
}

/**
 * Compares `actual` ({ [case]: results[] }) with the native reference.
 * Returns { results, values, exact, tolerant, maxRelative, mismatches: [{ case, index, path, expected, actual }] }.
 */
export function compareWithNative(actual) {
  const expected = expectedResults();
  const report = { results: 0, values: 0, exact: 0, tolerant: 0, maxRelative: 0, mismatches: [] };
  const walk = (e, a, path, where) => {
    const miss = () => report.mismatches.push({ ...where, path, expected: e, actual: a });
    if (e !== null && typeof e === 'object') {
      if (a === null || typeof a !== 'object' || Array.isArray(e) !== Array.isArray(a)) return miss();
      const keys = new Set([...Object.keys(e), ...Object.keys(a)]);
      for (const k of keys) {
        if (!(k in e) || !(k in a)) { report.mismatches.push({ ...where, path: `${path}.${k}`, expected: e[k], actual: a[k] }); continue; }
        walk(e[k], a[k], path ? `${path}.${k}` : k, where);
      }
      return;
    }
    report.values += 1;
    const generic = path.replace(/\.\d+(?=\.|$)/g, '');
    if (typeof e === 'number' && typeof a === 'number' && TOLERANT.test(generic) && e !== a) {
      const rel = Math.abs(e - a) / Math.max(Math.abs(e), Math.abs(a));
      report.maxRelative = Math.max(report.maxRelative, rel);
      if (rel <= TOLERANCE) { report.tolerant += 1; return; }
      return miss();
    }
    if (e === a) report.exact += 1;
    else miss();
  };
  for (const [name, want] of Object.entries(expected)) {
    const got = actual[name];
    if (!Array.isArray(got) || got.length !== want.length) {
      report.mismatches.push({ case: name, path: '', expected: `${want.length} results`, actual: got?.length });
      continue;
    }
    want.forEach((w, index) => { report.results += 1; walk(w, got[index], '', { case: name, index }); });
  }
  return report;
}

/** A one-line summary and the first mismatches, for assertion messages and logs. */
export function describe(report, runtime) {
  const head = `${runtime}: ${report.results} results, ${report.values} values, ${report.exact} bit for bit, ` +
    `${report.tolerant} within ${TOLERANCE} relative (largest ${report.maxRelative.toExponential(2)}), ${report.mismatches.length} mismatches`;
  return [head, ...report.mismatches.slice(0, 10).map((m) => `  ${m.case}[${m.index}] ${m.path}: native ${JSON.stringify(m.expected)}, ${runtime} ${JSON.stringify(m.actual)}`)].join('\n');
}

/** Scores every case with a `Scorer` class (runs wherever crmscore is imported). Results as JSON-safe data. */
export function scoreCases(Scorer, cases) {
  const out = {};
  for (const c of cases) {
    const scorer = new Scorer(c.config);
    try { out[c.name] = c.customers.map((customer) => scorer.score(customer, c.options)); } finally { scorer.free(); }
  }
  return out;
}
