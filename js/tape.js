// Plain data across the wasm boundary without JSON text (see src/tape.rs):
// inputs are walked once into a tape of numbers plus one string of all their
// strings, results are read back from numbers left in wasm memory plus one
// string. Anything a plain walk would read differently from JSON.stringify (toJSON methods, class
// instances, BigInt, cycles, deep nesting, lone surrogates, huge inputs) is
// left to the JSON path, which reports it exactly as before.

// crate::json::MAX_DEPTH: deeper data takes the JSON path and its error.
const MAX_DEPTH = 128;
// Past 2^20 numbers (8 MiB) or 2^20 characters of text an input takes the JSON
// path, whose 16 MiB cap on JSON text (json::MAX_TEXT_BYTES) is checked before
// anything reaches wasm memory, which never shrinks. A real customer (at most
// 10,000 orders, names of at most 256 characters) stays far below both.
const MAX_SLOTS = 1 << 20;
const MAX_TEXT = 1 << 20;
// scoreMany sends customers in calls of about this many numbers.
const CHUNK_SLOTS = 1 << 15;

const NULL = 0, FALSE = 1, TRUE = 2, NUMBER = 3, STRING = 4, ARRAY = 5, OBJECT = 6;

class Tape {
  // codes: the schema's keys, sent as numbers instead of text (keyCodes).
  constructor(codes) {
    this.codes = codes;
    this.a = new Float64Array(4096);
    this.n = 0;
    this.text = '';
  }

  reset() {
    this.n = 0;
    this.text = '';
  }

  room(k) {
    if (this.n + k > this.a.length) {
      const b = new Float64Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
  }

  string(s) {
    this.room(2);
    this.a[this.n++] = STRING;
    this.a[this.n++] = s.length;
    this.text += s;
  }

  // Writes v as JSON.stringify would see it; false when only the JSON path reads it alike.
  put(v, depth) {
    switch (typeof v) {
      case 'number':
        this.room(2);
        this.a[this.n++] = NUMBER;
        this.a[this.n++] = v;
        return true;
      case 'string':
        this.string(v);
        return true;
      case 'boolean':
        this.room(1);
        this.a[this.n++] = v ? TRUE : FALSE;
        return true;
      case 'object':
        return v === null ? this.put(undefined, depth) : this.object(v, depth);
      case 'undefined':
        this.room(1);
        this.a[this.n++] = NULL;
        return true;
      default:
        return false;
    }
  }

  // Callers check pristine() first: no enumerable or toJSON keys are inherited.
  object(v, depth) {
    if (depth >= MAX_DEPTH || this.n > MAX_SLOTS || this.text.length > MAX_TEXT) return false;
    if (Array.isArray(v)) {
      if (Object.getPrototypeOf(v) !== Array.prototype || v.toJSON !== undefined) return false;
      const len = v.length;
      this.room(2);
      this.a[this.n++] = ARRAY;
      this.a[this.n++] = len;
      for (let i = 0; i < len; i++) {
        const x = v[i];
        if (this.n > MAX_SLOTS || !this.put(typeof x === 'function' || typeof x === 'symbol' ? undefined : x, depth + 1)) return false;
      }
      return true;
    }
    const proto = Object.getPrototypeOf(v);
    if (proto === Object.prototype || proto === null) {
      this.room(2);
      this.a[this.n++] = OBJECT;
      const count = this.n++;
      let entries = 0;
      for (const k in v) {
        if (k === 'toJSON') return false;
        const x = v[k];
        if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
        this.room(1);
        const code = this.codes[k];
        if (code === undefined) {
          this.a[this.n++] = k.length;
          this.text += k;
        } else {
          this.a[this.n++] = code;
        }
        if (!this.put(x, depth + 1)) return false;
        entries++;
      }
      this.a[count] = entries;
      return true;
    }
    if (proto === Date.prototype && !Object.hasOwn(v, 'toJSON')) {
      this.string(Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString());
      return true;
    }
    return false;
  }

  // The tape so far, or null when it is too large or a string is not well-formed UTF-16 (lone surrogates).
  done() {
    if (this.n > MAX_SLOTS || this.text.length > MAX_TEXT || this.text.isWellFormed?.() === false) return null;
    return this.a.subarray(0, this.n);
  }
}

// Whether Object.prototype and Array.prototype are as the language defines
// them: then a plain object's enumerable keys are its own and no toJSON is
// inherited, which the walk relies on (else everything takes the JSON path).
function pristine() {
  for (const k in Object.prototype) return false;
  for (const k in Array.prototype) return false;
  return Object.prototype.toJSON === undefined && Array.prototype.toJSON === undefined && Date.prototype.toJSON === DATE_TO_JSON;
}
const DATE_TO_JSON = Date.prototype.toJSON;

let codes = null;
let spare = null;

// Key → -(i + 1) for the scoring module's `tapeKeys()[i]`, read once.
function keyCodes(scorer) {
  if (codes === null) {
    codes = Object.create(null);
    JSON.parse(scorer.constructor.tapeKeys()).forEach((k, i) => { codes[k] = -(i + 1); });
  }
  return codes;
}

// A tape for one call: the shared one, unless a getter is calling back into the package.
function take(scorer) {
  const t = spare ?? new Tape(keyCodes(scorer));
  spare = null;
  t.reset();
  return t;
}

// Keeps the tape for the next call, unless a large input grew it past 512 KiB.
function give(t) {
  spare = t.a.length > 1 << 16 ? null : t;
  t.text = '';
}

let memory = null;
let numbers = null;

// The wasm memory as numbers, where a call leaves its results' numbers (a view
// is detached when the memory grows, so it is taken again then).
function memoryNumbers(scorer) {
  memory ??= scorer.constructor.tapeMemory();
  if (numbers === null || numbers.buffer !== memory.buffer) numbers = new Float64Array(memory.buffer);
  return numbers;
}

// Each scorer's segments by library index, which results give (segmentTable()),
// read once per scorer.
const tables = new WeakMap();

function tableOf(scorer) {
  let table = tables.get(scorer);
  if (table === undefined) {
    table = JSON.parse(scorer.segmentTable());
    tables.set(scorer, table);
  }
  return table;
}

// A fresh copy of an action (a JSON value), so that no two results share one.
function copy(v) {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map(copy);
  const o = {};
  // defineProperty: a "__proto__" key is a key here, as in JSON.parse's result.
  for (const k of Object.keys(v)) Object.defineProperty(o, k, { value: copy(v[k]), writable: true, enumerable: true, configurable: true });
  return o;
}

// The first matched segment, its goal and (its own copy of) its first action.
function nextBestAction(segments) {
  if (segments.length === 0) return null;
  const [{ id, goal, actions }] = segments;
  return { segment: id, goal, action: actions.length > 0 ? copy(actions[0]) : null };
}

// Reads results back in the order crate::tape::Flat writes them, from the
// numbers at index `at` of the wasm memory, the text of resultText() and the
// scorer's segment table.
class Results {
  constructor(nums, at, text, table) {
    this.n = nums;
    this.i = at;
    this.t = text;
    this.p = 0;
    this.table = table;
  }

  num() {
    const x = this.n[this.i++];
    return Number.isFinite(x) ? x + 0 : null;
  }

  str() {
    const len = this.n[this.i++];
    if (len < 0) return null;
    const s = this.t.slice(this.p, this.p + len);
    this.p += len;
    return s;
  }

  flag() {
    return this.n[this.i++] === 1;
  }

  map() {
    const m = {};
    for (let k = this.n[this.i++]; k > 0; k--) {
      const name = this.str();
      m[name] = this.num();
    }
    return m;
  }

  rfm() {
    return this.flag() ? { r: this.num(), f: this.num(), m: this.num(), segment: this.str() } : null;
  }

  predicted() {
    return this.flag()
      ? { probabilityAlive: this.num(), expectedPurchases: this.num(), expectedAverageSpend: this.num(), lifetimeValue: this.num() }
      : null;
  }

  nps() {
    const score = this.num();
    return score === null ? null : { score, category: this.str() };
  }

  // The matched segments: library indexes, by priority.
  segments() {
    const k = this.n[this.i++];
    const out = new Array(k);
    for (let j = 0; j < k; j++) {
      const s = this.table[this.n[this.i++]];
      out[j] = { id: s.id, name: s.name, goal: s.goal, actions: s.actions.map(copy), priority: s.priority };
    }
    return out;
  }

  result() {
    const result = {
      id: this.str(),
      asOf: this.str(),
      value: {
        recencyDays: this.num(),
        frequency: this.num(),
        monetary: this.num(),
        averageOrderValue: this.num(),
        tenureDays: this.num(),
        ordersPerYear: this.num(),
        margin: this.num(),
        historicValue: this.num(),
        yearlySpend: this.num(),
        projectedValue: this.num(),
        accounts: this.num(),
        categories: this.map(),
        firstOrderAt: this.str(),
        lastOrderAt: this.str(),
        abc: this.str(),
        rfm: this.rfm(),
        predicted: this.predicted(),
      },
      satisfaction: {
        gap: this.num(),
        ratio: this.num(),
        dimensions: this.map(),
        level: this.str(),
        zone: this.str(),
        nps: this.nps(),
        repeatPurchases: this.num(),
        complaintRate: this.num(),
        returnRate: this.num(),
        referrals: this.num(),
        wordOfMouth: this.num(),
      },
      loyalty: { stage: this.str(), type: this.str(), lifecycle: this.str() },
      segments: this.segments(),
      nextBestAction: null,
    };
    result.nextBestAction = nextBestAction(result.segments);
    return result;
  }
}

// The results of the call that left their numbers at index `at` (the calls
// into wasm first, the memory view after them: a call may grow the memory).
function resultsOf(scorer, at) {
  const table = tableOf(scorer);
  const text = scorer.resultText();
  return new Results(memoryNumbers(scorer), at, text, table);
}

// Reads `count` results of the call that left their numbers at index `at`.
function readAll(scorer, at, count) {
  const results = resultsOf(scorer, at);
  const out = new Array(count);
  for (let i = 0; i < count; i++) out[i] = results.result();
  return out;
}

/** `scorer.score`: through a tape, or JSON text when the tape cannot carry the input. */
export function score(scorer, customer, options) {
  const t = take(scorer);
  try {
    if (pristine() && t.put(options, 0) && t.put(customer, 0)) {
      const tape = t.done();
      if (tape !== null) return readAll(scorer, scorer.scoreTape(tape, t.text, 1, -1, 1), 1)[0];
    }
  } finally {
    give(t);
  }
  return readAll(scorer, scorer.scoreJson([customer], options, -1), 1)[0];
}

/** `scorer.scoreMany` of an array: through tapes, a chunk per call, or JSON text as `score`. */
export function scoreMany(scorer, customers, options) {
  const byTape = Array.isArray(customers) ? scoreManyByTape(scorer, customers, options) : undefined;
  return byTape ?? readAll(scorer, scorer.scoreJson(customers, options, 0), customers.length);
}

function scoreManyByTape(scorer, customers, options) {
  const t = take(scorer);
  try {
    if (!pristine()) return undefined;
    const total = customers.length;
    const out = new Array(total);
    for (let first = 0; ; ) {
      t.reset();
      if (!t.put(options, 0)) return undefined;
      let end = first;
      while (end < total && (end === first || t.n < CHUNK_SLOTS)) {
        if (!t.put(customers[end], 0)) return undefined;
        end++;
      }
      const tape = t.done();
      if (tape === null) return undefined;
      const results = resultsOf(scorer, scorer.scoreTape(tape, t.text, end - first, first, total));
      for (let i = first; i < end; i++) out[i] = results.result();
      if (end === total) return out;
      first = end;
    }
  } finally {
    give(t);
  }
}
