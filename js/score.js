// `score`, `scoreMany` and `explain` of plain JavaScript values: the input is
// written as a tape (interop.js), copied into the scoring module's input area
// in one `set`, scored there, and each result is built from the numbers the
// call leaves in wasm memory by `readResult` (layout.js, generated from the
// Rust result layout). A `scoreMany` goes a chunk of customers per call, so
// wasm memory holds one chunk's input and results at a time.
import { CrmScoreError, KEYS, CHUNK_SLOTS, CHUNK_BYTES, take, give } from './interop.js';
import { readResult, DEFAULT_TABLES } from './layout.js';
import { Scorer as WasmScorer } from './crmscore.js';

let memory = null;
let heapF64 = null;
let heapU8 = null;
// The input area in wasm memory: where its numbers and bytes start, and their capacity.
let areaF64 = 0, areaU8 = 0, capF64 = 0, capU8 = 0;

/** Views of wasm memory, taken again when it has grown (which detaches the old ones). */
function heap() {
  // A detached view has length 0: cheaper to test than reading `memory.buffer`.
  if (heapF64 === null || heapF64.length === 0) {
    memory ??= WasmScorer.tapeMemory();
    heapF64 = new Float64Array(memory.buffer);
    heapU8 = new Uint8Array(memory.buffer);
  }
}

/** Copies a written tape into the input area, growing the area when it is too small. */
function copyIn(w) {
  if (w.p > capF64 || w.q > capU8) {
    capF64 = Math.max(w.p, capF64, 4096);
    capU8 = Math.max(w.q, capU8, 16384);
    areaF64 = WasmScorer.tapeArea(capF64, capU8);
    areaU8 = WasmScorer.tapeBytes();
  }
  heap();
  heapF64.set(w.f.subarray(0, w.p), areaF64);
  heapU8.set(w.u.subarray(0, w.q), areaU8);
}

// ISO text of recent instants, by day (customers' orders share their days): a
// direct-mapped cache rather than a Map, whose epoch-ms keys are heap numbers it hashes.
const ISO_SLOTS = 4096;
const isoMs = new Float64Array(ISO_SLOTS).fill(NaN);
const isoText = new Array(ISO_SLOTS).fill('');

function iso(ms) {
  const i = Math.floor(ms / 86400000) & (ISO_SLOTS - 1);
  if (isoMs[i] === ms) return isoText[i];
  const s = isoOf(ms);
  isoMs[i] = ms;
  isoText[i] = s;
  return s;
}

const two = (n) => (n < 10 ? '0' : '') + n;

/**
 * `new Date(ms).toISOString()`, from the Date's UTC getters: a process's first
 * `toISOString` call sets up more than these do, and the first `score()` of a
 * fresh isolate would pay for it. Years outside 1000–9999 (other widths, signs)
 * are left to `toISOString`.
 */
function isoOf(ms) {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  if (y < 1000 || y > 9999) return d.toISOString();
  const f = d.getUTCMilliseconds();
  return `${y}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}T${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}.${f < 10 ? '00' : f < 100 ? '0' : ''}${f}Z`;
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

/** Each scorer's segments by library index (results give indexes), read once per scorer. */
const tables = new WeakMap();
/** The scorers built without a config, whose tables are DEFAULT_TABLES. */
const defaults = new WeakSet();

/** Marks `scorer` as built without a config (scorer.js, in the constructor). */
export function builtWithDefaults(scorer) {
  defaults.add(scorer);
}

function tableOf(scorer) {
  let table = tables.get(scorer);
  if (table === undefined) {
    const [segments, results] = defaults.has(scorer) ? DEFAULT_TABLES : [scorer.segmentTable(), scorer.resultTable()];
    table = JSON.parse(segments).map((s) => ({ ...s, plain: s.actions.every((a) => typeof a === 'string') }));
    const extras = JSON.parse(results);
    table.scheduled = extras.scheduled;
    table.cards = extras.scorecards;
    tables.set(scorer, table);
  }
  return table;
}

/** Sets `m[name] = v`, a "__proto__" name included (as a key, not the prototype). */
function set(m, name, v) {
  if (name === '__proto__') Object.defineProperty(m, name, { value: v, writable: true, enumerable: true, configurable: true });
  else m[name] = v;
}

/** What `readResult` reads with: the call's strings, the scorer's segments, a position. */
class Reader {
  constructor(strs, table) {
    this.strs = strs;
    this.table = table;
    this.at = 0;
    this.next = null;
  }

  name(i) {
    return i >= 0 ? this.strs[i] : KEYS[-i - 1];
  }

  iso(ms) {
    return iso(ms);
  }

  map(n) {
    let at = this.at;
    const m = {};
    for (let k = n[at++]; k > 0; k--) {
      set(m, this.name(n[at]), n[at + 1] + 0);
      at += 2;
    }
    this.at = at;
    return m;
  }

  segments(n) {
    let at = this.at;
    const k = n[at++];
    const out = new Array(k);
    const table = this.table;
    for (let j = 0; j < k; j++) {
      const s = table[n[at++]];
      out[j] = { id: s.id, name: s.name, goal: s.goal, actions: s.plain ? s.actions.slice() : s.actions.map(copy), priority: s.priority };
    }
    const segment = n[at], action = n[at + 1];
    this.at = at + 2;
    if (segment < 0) {
      this.next = null;
    } else {
      const s = table[segment];
      this.next = { segment: s.id, goal: s.goal, action: action < 0 ? null : copy(s.actions[action]) };
    }
    return out;
  }
}

/** A contact `{ segment, action, due }` of segment `s`'s action `a`, due at `ms`. */
function contact(table, s, a, ms) {
  return { segment: table[s].id, action: copy(table[s].actions[a]), due: iso(ms) };
}

/**
 * After the next best action (src/scoring/mod.rs, `write_result`): the share of wallet (0, or 1,
 * overall, capped and a map), each scorecard's points, maxPoints, share and its factors' scores
 * and points (NaN: missing), and,
 * when some segment has a scheduled action, the next contact and the past ones.
 */
Reader.prototype.extras = function (n, o) {
  if (n[this.at++] === 1) {
    const overall = n[this.at], capped = n[this.at + 1] === 1;
    this.at += 2;
    o.value.shareOfWallet = { overall, capped, categories: this.map(n) };
  } else {
    o.value.shareOfWallet = null;
  }
  const { table } = this;
  if (table.cards.length > 0) {
    const cards = {};
    for (const c of table.cards) {
      let at = this.at;
      const card = { points: n[at], maxPoints: n[at + 1], share: n[at + 2] === n[at + 2] ? n[at + 2] : null, factors: [] };
      at += 3;
      for (const f of c.factors) {
        const s = n[at], p = n[at + 1];
        at += 2;
        card.factors.push({ name: f.name, weight: f.weight, score: s === s ? s : null, points: p === p ? p : null });
      }
      this.at = at;
      set(cards, c.id, card);
    }
    o.scorecards = cards;
  }
  if (table.scheduled) {
    let at = this.at;
    o.nextContact = n[at] < 0 ? null : contact(table, n[at], n[at + 1], n[at + 2]);
    const past = new Array(n[at + 3]);
    at += 4;
    for (let i = 0; i < past.length; i++, at += 3) past[i] = contact(table, n[at], n[at + 1], n[at + 2]);
    o.pastContacts = past;
    this.at = at;
  }
};

/** Reads `count` results from index `at` of wasm memory. */
function results(scorer, at, count, strs) {
  // The table first: reading it calls into wasm, which may grow the memory.
  const r = new Reader(strs, tableOf(scorer));
  heap();
  const n = heapF64;
  const out = new Array(count);
  let b = at;
  for (let i = 0; i < count; i++) {
    out[i] = readResult(n, b, r);
    b = r.at;
  }
  return out;
}

/** Throws when `object` (a Scorer or a SegmentBatch, `what`) was freed: wasm-bindgen would say "null pointer passed to rust". */
export function live(object, what = 'Scorer') {
  if (object.__wbg_ptr === 0) throw new CrmScoreError(`this ${what} was freed (free() or \`using\` ended it): create a new one`, 'INVALID_TYPE', '');
}

/** `scorer.score(customer, options)`. */
export function score(scorer, customer, options) {
  live(scorer);
  const w = take();
  try {
    w.top(options, 'options');
    w.top(customer, '', true);
    copyIn(w);
    const at = scorer.scoreTape(w.p, w.q, w.strs.length, Date.now());
    return results(scorer, at, 1, w.strs)[0];
  } finally {
    give(w);
  }
}

/** `scorer.scoreMany(customers, options)` of an array of customers (or anything else, refused). */
export function scoreMany(scorer, customers, options) {
  live(scorer);
  const w = take();
  try {
    if (!Array.isArray(customers)) {
      // Refused in Rust with the type it found.
      w.top(options, 'options');
      w.top(customers, '');
      copyIn(w);
      scorer.scoreManyTape(w.p, w.q, w.strs.length, 0, 0, Date.now());
      return [];
    }
    const total = customers.length;
    const out = new Array(total);
    const now = Date.now();
    let first = 0;
    do {
      w.reset();
      w.top(options, 'options');
      const optionSlots = w.p + w.saved, optionBytes = w.q + w.savedBytes;
      const head = w.p, headBytes = w.q;
      // The chunk as an array: its header, then customers until the chunk is full.
      if (w.p + 3 > w.f.length) w.grow(3);
      w.f[head] = 5;
      w.p += 3;
      let end = first;
      while (end < total && (end === first || (w.p - head < CHUNK_SLOTS && w.q - headBytes < CHUNK_BYTES))) {
        // Each customer meets the caps as it would alone in `score`, with the options.
        w.countFrom(optionSlots, optionBytes);
        w.top(customers[end], end, true);
        end++;
      }
      w.f[head + 1] = end - first;
      w.f[head + 2] = w.p - head - 3;
      copyIn(w);
      const at = scorer.scoreManyTape(w.p, w.q, w.strs.length, first, total, now);
      const chunk = results(scorer, at, end - first, w.strs);
      for (let i = 0; i < chunk.length; i++) out[first + i] = chunk[i];
      first = end;
    } while (first < total);
    return out;
  } finally {
    give(w);
  }
}

/** `scorer.explain(customer, options)`. */
export function explain(scorer, customer, options) {
  live(scorer);
  const w = take();
  try {
    w.top(options, 'options');
    w.top(customer, '', true);
    copyIn(w);
    const explained = JSON.parse(scorer.explainTape(w.p, w.q, w.strs.length, Date.now()));
    if (Array.isArray(explained)) return explained;
    // With scorecards: the segments' list, with the cards as its `scorecards`.
    explained.segments.scorecards = explained.scorecards;
    return explained.segments;
  } finally {
    give(w);
  }
}
