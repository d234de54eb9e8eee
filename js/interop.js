// The JavaScript side of the one input format (src/input/tape.rs): the error
// class every function throws, and the writer that turns any JavaScript value
// into a tape, numbers plus the UTF-8 text of its strings. Both wasm modules
// import this file (wasm-bindgen copies it into the package's snippets/), and
// the package's own modules import it from there, so there is one copy.
//
// The writer follows JSON.stringify: a `toJSON` method is called, own
// enumerable keys are read, `undefined`, functions and symbols in objects are
// absent (null in arrays). Three things differ, so that validation can say
// what it found: NaN and ±Infinity stay numbers, an invalid Date is the text
// "Invalid Date", and what JSON cannot hold (a BigInt, a circular reference,
// nesting past MAX_DEPTH) is written as "a value JSON cannot hold" with a
// description, which the reader of that field refuses. A lone surrogate is
// written as its WTF-8 bytes, which the reader refuses by path. A customer's
// plain orders are written as order records (below), which read as the same objects.

/** The error every crmscore function throws for bad input or config. */
export class CrmScoreError extends Error {
  constructor(message, code, path, options) {
    super(message, options);
    this.name = 'CrmScoreError';
    /** Stable machine-readable category, e.g. "NOT_FINITE". */
    this.code = code;
    /** The offending field, e.g. "orders[3].amount" ("" for the whole input). */
    this.path = path;
  }
}

// These constants are crate::input::tape's (a Rust test checks them equal).
/** The keys a tape gives by number: code -(i + 1) is KEYS[i]. */
export const KEYS = ['at', 'amount', 'cost', 'category', 'discount', 'channel', 'accountId', 'id', 'firstSeen', 'orders', 'survey', 'complaints', 'returns', 'referrals', 'wallet', 'expectation', 'perception', 'weights', 'nps', 'asOf', 'horizonDays'];
/** Deepest nesting of arrays and objects a tape holds. */
export const MAX_DEPTH = 128;
/** Most numbers, and most bytes of text, one input (a customer with its options) may take. */
export const MAX_SLOTS = 2097152;
export const MAX_BYTES = 16777216;
/** A scoreMany call's customers before its last: at most this many numbers and bytes. */
export const CHUNK_SLOTS = 32768;
export const CHUNK_BYTES = 1048576;
/** Most numbers, and bytes, one tape holds: a chunk, then one input at the caps, then a writer's reserve. */
export const AREA_SLOTS = 2129952;
export const AREA_BYTES = 17825792;

const NULL = 0, FALSE = 1, TRUE = 2, NUMBER = 3, STRING = 4, ARRAY = 5, OBJECT = 6, OTHER = 7, RECORD = 8;
const CODES = new Map(KEYS.map((k, i) => [k, -(i + 1)]));

// An order record (tag RECORD, src/input/tape.rs) holds an order whose keys are among
// KEYS[0..6], each once and in that order, with string values for category and
// channel, a number or a string (bit 6 of the mask) for at, and number values for
// the others: a mask of its keys (bit i: KEYS[i]),
// then the values, a number as itself and a string as its first byte, length and
// ordinal: about half the numbers of the same object written as entries, and Rust
// reads it without looking at keys and tags. `order` gives each key its bit (2 ** i).
/** The keys of an order record whose values are strings: category and channel. */
const RECORD_TEXT = 8 | 32;
/** In a record's mask: its `at` is a string (ISO 8601, its three numbers), not epoch ms. */
const RECORD_AT_TEXT = 64;
// The numbers a record of each mask saves against its object of entries: one of the
// header's three, and two of each entry's (its key and tag; a string's numbers stay 3).
const RECORD_SAVES = Array.from({ length: 64 }, (_, m) => {
  let n = 1;
  for (let b = m; b !== 0; b &= b - 1) n += 2;
  return n;
});

// The code of an order's key (KEYS[0..7]), or 0.
function orderKey(k) {
  switch (k) {
    case 'at': return -1;
    case 'amount': return -2;
    case 'cost': return -3;
    case 'category': return -4;
    case 'discount': return -5;
    case 'channel': return -6;
    case 'accountId': return -7;
    default: return 0;
  }
}
const DATE_TO_JSON = Date.prototype.toJSON;
const encoder = new TextEncoder();
// Strings longer than this are encoded by TextEncoder rather than character by character.
const LONG = 64;
// How many of the last short strings of orders a writer remembers: a string written
// again (a category, a channel) refers to the bytes and ordinal it already has.
const RECENT = 8;

/** Marks a tape written once and kept (a scorer's config), which `tapeOf` hands over as it is. */
const TAPE = Symbol.for('crmscore.tape');

// Whether Object.prototype has no enumerable key: then `for...in` over a
// plain object visits exactly its own enumerable keys, as JSON.stringify does.
function pristine() {
  for (const k in Object.prototype) return false;
  return true;
}

/** A growable tape: numbers, bytes and the strings written, in order. */
export class Writer {
  constructor() {
    this.f = new Float64Array(1024);
    this.u = new Uint8Array(4096);
    this.p = 0;
    this.q = 0;
    /** The strings written, by ordinal (results name categories and dimensions by it). */
    this.strs = [];
    // The objects being written (a circular reference is one of them) and the keys to them.
    this.stack = [];
    this.keys = [];
    this.plain = true;
    // The last RECENT distinct strings of at most LONG characters, and their first byte,
    // byte length and ordinal (a ring: string i is at i % RECENT).
    this.recent = new Array(RECENT).fill('');
    this.recentAt = new Float64Array(3 * RECENT);
    this.nrecent = 0;
    // An order record's values while `unrecord` rewrites it.
    this.spill = new Float64Array(12);
    // What the caps count beyond the numbers and bytes written: what order records and
    // strings written again saved (so that an input is refused alike however it is
    // written), less what `countFrom` leaves out.
    this.saved = 0;
    this.savedBytes = 0;
  }

  reset() {
    this.p = 0;
    this.q = 0;
    this.saved = 0;
    this.savedBytes = 0;
    this.nrecent = 0;
    // A new array rather than `length = 0`, which is a call into the runtime; the
    // stack is empty unless the last write threw.
    if (this.strs.length !== 0) this.strs = [];
    if (this.stack.length !== 0) this.stack.length = 0;
    this.plain = pristine();
  }

  /** The path of the value being written, for an error thrown while reading it. */
  path(base) {
    let path = base;
    for (let d = 0; d < this.stack.length; d++) {
      const k = this.keys[d];
      // No key yet: the object itself threw (a proxy's ownKeys trap, an array's length getter).
      if (k === undefined) break;
      path = typeof k === 'number' ? `${path}[${k}]` : path === '' ? String(k) : `${path}.${k}`;
    }
    return path;
  }

  /**
   * From here on the caps count what is written, plus `slots` numbers and `bytes`
   * bytes (scoreMany: the options'), and not the rest of the tape before it.
   */
  countFrom(slots, bytes) {
    this.saved = slots - this.p;
    this.savedBytes = bytes - this.q;
  }

  // Room for `k` more numbers. `k` is what a writer reserves (up to 27), not what it
  // will write: only an input already past the cap is refused here, and `top` checks
  // what was written, so that every way of writing an input meets the cap alike.
  grow(k) {
    if (this.p + this.saved > MAX_SLOTS) tooLarge(this.p + this.saved, this.q + this.savedBytes);
    let n = this.f.length;
    while (n < this.p + k) n *= 2;
    const f = new Float64Array(Math.min(n, AREA_SLOTS));
    f.set(this.f.subarray(0, this.p));
    this.f = f;
  }

  // Room for `k` more bytes: near the cap `k` is a string's exact length (see `chars`).
  growBytes(k) {
    if (this.q + this.savedBytes + k > MAX_BYTES) tooLarge(this.p + this.saved, this.q + this.savedBytes + k);
    let n = this.u.length;
    while (n < this.q + k) n *= 2;
    const u = new Uint8Array(Math.min(n, AREA_BYTES));
    u.set(this.u.subarray(0, this.q));
    this.u = u;
  }

  /** Writes a string with `tag` (STRING or OTHER): its first byte, byte length and ordinal. */
  text(s, tag) {
    if (this.p + 4 > this.f.length) this.grow(4);
    this.f[this.p++] = tag;
    this.chars(s);
  }

  /** Writes a string's first byte, byte length and ordinal (room for them is made). */
  chars(s) {
    const n = s.length;
    // Room for the worst case (3 bytes a character), or for the exact length near the cap.
    if (this.q + 3 * n > this.u.length) this.growBytes(this.q + this.savedBytes + 3 * n > MAX_BYTES ? utf8Length(s) : 3 * n);
    const u = this.u, start = this.q;
    let q = start;
    if (n > LONG && s.isWellFormed()) {
      q += encoder.encodeInto(s, u.subarray(q)).written;
    } else {
      for (let i = 0; i < n; i++) {
        let c = s.charCodeAt(i);
        if (c < 0x80) {
          u[q++] = c;
          continue;
        }
        if (c < 0x800) {
          u[q++] = 0xc0 | (c >> 6);
          u[q++] = 0x80 | (c & 63);
          continue;
        }
        if (c >= 0xd800 && c < 0xdc00 && i + 1 < n) {
          const d = s.charCodeAt(i + 1);
          if (d >= 0xdc00 && d < 0xe000) {
            c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
            u[q++] = 0xf0 | (c >> 18);
            u[q++] = 0x80 | ((c >> 12) & 63);
            u[q++] = 0x80 | ((c >> 6) & 63);
            u[q++] = 0x80 | (c & 63);
            i++;
            continue;
          }
        }
        // Three bytes, a lone surrogate included (WTF-8: not UTF-8, refused where it is read).
        u[q++] = 0xe0 | (c >> 12);
        u[q++] = 0x80 | ((c >> 6) & 63);
        u[q++] = 0x80 | (c & 63);
      }
    }
    const f = this.f;
    const p = this.p;
    f[p] = start;
    f[p + 1] = q - start;
    f[p + 2] = this.strs.length;
    this.p = p + 3;
    this.q = q;
    this.strs.push(s);
  }

  /** Writes a string as `text` does, or as the same string written shortly before. */
  short(s) {
    if (this.p + 4 > this.f.length) this.grow(4);
    this.f[this.p++] = STRING;
    this.shortChars(s);
  }

  /** `short` without the tag (room for the three numbers is made). */
  shortChars(s) {
    const recent = this.recent;
    const m = this.nrecent < RECENT ? this.nrecent : RECENT;
    for (let i = 0; i < m; i++) {
      if (recent[i] === s) {
        // Equal strings are equal bytes; the reader takes any ordinal below the count.
        const f = this.f, p = this.p, at = this.recentAt;
        f[p] = at[3 * i];
        f[p + 1] = at[3 * i + 1];
        f[p + 2] = at[3 * i + 2];
        this.p = p + 3;
        this.savedBytes += at[3 * i + 1];
        return;
      }
    }
    this.chars(s);
    if (s.length <= LONG) {
      const i = this.nrecent++ % RECENT, at = this.recentAt, f = this.f, p = this.p;
      recent[i] = s;
      at[3 * i] = f[p - 3];
      at[3 * i + 1] = f[p - 2];
      at[3 * i + 2] = f[p - 1];
    }
  }

  key(k) {
    const code = CODES.get(k);
    if (code === undefined) {
      this.text(k, STRING);
    } else {
      if (this.p + 1 > this.f.length) this.grow(1);
      this.f[this.p++] = code;
    }
  }

  other(what) {
    this.text(what, OTHER);
  }

  /** Writes `v`, the value of `key` in its holder, as JSON.stringify sees it. */
  value(v, key) {
    if (this.p + 3 > this.f.length) this.grow(3);
    switch (typeof v) {
      case 'number':
        this.f[this.p] = NUMBER;
        this.f[this.p + 1] = v;
        this.p += 2;
        return;
      case 'string':
        this.text(v, STRING);
        return;
      case 'boolean':
        this.f[this.p++] = v ? TRUE : FALSE;
        return;
      case 'object':
        if (v === null) {
          this.f[this.p++] = NULL;
          return;
        }
        return this.object(v, key);
      case 'bigint':
        if (typeof v.toJSON === 'function') return this.value(v.toJSON(key), key);
        return this.other('a BigInt');
      default:
        // undefined, a function, a symbol: null where they stand (arrays, the top); objects skip them.
        this.f[this.p++] = NULL;
    }
  }

  object(v, key) {
    return this.objectWith(v, key, v.toJSON);
  }

  /** Writes object `v` whose `toJSON` was read already (JSON reads it once). */
  objectWith(v, key, toJSON) {
    if (typeof toJSON === 'function') {
      if (toJSON === DATE_TO_JSON && v instanceof Date) {
        return this.text(Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString(), STRING);
      }
      return this.value(toJSON.call(v, key), key);
    }
    const depth = this.stack.length;
    if (depth >= MAX_DEPTH) return this.other(`data nested more than ${MAX_DEPTH} levels deep`);
    if (this.stack.includes(v)) return this.other('a circular reference');
    if (Array.isArray(v)) return this.array(v, depth);
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) {
      // Boxed primitives are their value, as in JSON.
      if (v instanceof Number) return this.value(Number(v), key);
      if (v instanceof String) return this.value(String(v), key);
      if (v instanceof Boolean) return this.value(v.valueOf(), key);
      return this.entries(v, Object.keys(v), depth);
    }
    if (!this.plain) return this.entries(v, Object.keys(v), depth);
    this.stack.push(v);
    this.keys[depth] = undefined;
    const f = this.f;
    f[this.p] = OBJECT;
    const head = this.p;
    this.p += 3;
    let n = 0;
    for (const k in v) {
      this.keys[depth] = k;
      const x = v[k];
      if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
      this.key(k);
      this.value(x, k);
      n++;
    }
    this.f[head + 1] = n;
    this.f[head + 2] = this.p - head - 3;
    this.stack.pop();
  }

  entries(v, keys, depth) {
    this.stack.push(v);
    const head = this.p;
    this.f[head] = OBJECT;
    this.p += 3;
    let n = 0;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      this.keys[depth] = k;
      const x = v[k];
      if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
      this.key(k);
      this.value(x, k);
      n++;
    }
    this.f[head + 1] = n;
    this.f[head + 2] = this.p - head - 3;
    this.stack.pop();
  }

  array(v, depth) {
    this.stack.push(v);
    this.keys[depth] = undefined;
    const head = this.p;
    const n = v.length;
    this.f[head] = ARRAY;
    this.f[head + 1] = n;
    this.p += 3;
    for (let i = 0; i < n; i++) {
      this.keys[depth] = i;
      this.value(v[i], String(i));
    }
    this.f[head + 2] = this.p - head - 3;
    this.stack.pop();
  }

  /**
   * Writes a customer as `value` would, faster: its orders are walked by
   * `orders` and `order`; anything else, and any value that is not plain data,
   * goes through `value`.
   */
  customer(c) {
    if (typeof c !== 'object' || c === null) return this.value(c, '');
    // toJSON first, read once, as JSON reads it; then whether `for...in` may walk the customer.
    const toJSON = c.toJSON;
    if (toJSON !== undefined || !this.plain || Object.getPrototypeOf(c) !== Object.prototype || this.stack.includes(c)) {
      // The room `value` makes before it writes an object.
      if (this.p + 3 > this.f.length) this.grow(3);
      return this.objectWith(c, '', toJSON);
    }
    this.stack.push(c);
    this.keys[0] = undefined;
    if (this.p + 3 > this.f.length) this.grow(3);
    const head = this.p;
    this.f[head] = OBJECT;
    this.p += 3;
    let n = 0;
    for (const k in c) {
      this.keys[0] = k;
      const x = c[k];
      if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
      if (k === 'orders' && Array.isArray(x) && Object.getPrototypeOf(x) === Array.prototype && x.toJSON === undefined) {
        if (this.p + 4 > this.f.length) this.grow(4);
        this.f[this.p++] = -10;
        this.orders(x);
      } else {
        this.key(k);
        this.value(x, k);
      }
      n++;
    }
    this.f[head + 1] = n;
    this.f[head + 2] = this.p - head - 3;
    this.stack.pop();
  }

  orders(a) {
    this.stack.push(a);
    this.keys[1] = undefined;
    const head = this.p;
    const n = a.length;
    this.f[head] = ARRAY;
    this.f[head + 1] = n;
    this.p += 3;
    for (let i = 0; i < n; i++) {
      this.keys[1] = i;
      const o = a[i];
      if (typeof o === 'object' && o !== null) {
        // toJSON first: read once, as JSON reads it (and the prototype check then knows the object's maps).
        const toJSON = o.toJSON;
        if (toJSON === undefined && this.plain && Object.getPrototypeOf(o) === Object.prototype) this.order(o);
        else {
          // The room `value` makes before it writes an object.
          if (this.p + 3 > this.f.length) this.grow(3);
          this.objectWith(o, String(i), toJSON);
        }
      } else this.value(o, String(i));
    }
    this.f[head + 2] = this.p - head - 3;
    this.stack.pop();
  }

  // The order goes on the stack only under a value that is not a number or a string;
  // an exception reading the order's own keys puts it there, and its key, so that its
  // path names the field.
  // The order is written as a record while its keys and values fit one, and as an
  // object of entries from the first that does not (unrecord), each value read once.
  order(o) {
    // Room for the longest record.
    if (this.p + 14 > this.f.length) this.grow(14);
    let f = this.f, p = this.p;
    const head = p;
    f[head] = RECORD;
    p += 2;
    // The record's keys so far; -1 once the order is written as entries. RECORD_AT_TEXT
    // when its `at` is a string (kept apart: `mask` orders the keys).
    let mask = 0, atText = 0;
    let n = 0;
    const depth = this.stack.length;
    let k;
    try {
      for (k in o) {
        let x;
        if (mask >= 0) {
          // Record keys read by name, each load seeing one key (and the few maps of a
          // caller's orders) where `o[k]` sees them all; a value that fits goes in
          // when its key comes after the record's others (its bit above the mask).
          switch (k) {
            case 'at':
              x = o.at;
              if (mask < 1) {
                if (typeof x === 'number') {
                  f[p++] = x;
                  mask = 1;
                  continue;
                }
                if (typeof x === 'string') {
                  this.p = p;
                  this.shortChars(x);
                  p = this.p;
                  mask = 1;
                  atText = RECORD_AT_TEXT;
                  continue;
                }
              }
              break;
            case 'amount':
              x = o.amount;
              if (typeof x === 'number' && mask < 2) {
                f[p++] = x;
                mask |= 2;
                continue;
              }
              break;
            case 'cost':
              x = o.cost;
              if (typeof x === 'number' && mask < 4) {
                f[p++] = x;
                mask |= 4;
                continue;
              }
              break;
            case 'category':
              x = o.category;
              if (typeof x === 'string' && mask < 8) {
                // The three numbers fit in the room made above; only the bytes may grow.
                this.p = p;
                this.shortChars(x);
                p = this.p;
                mask |= 8;
                continue;
              }
              break;
            case 'discount':
              x = o.discount;
              if (typeof x === 'number' && mask < 16) {
                f[p++] = x;
                mask |= 16;
                continue;
              }
              break;
            case 'channel':
              x = o.channel;
              if (typeof x === 'string' && mask < 32) {
                this.p = p;
                this.shortChars(x);
                p = this.p;
                mask |= 32;
                continue;
              }
              break;
            default:
              x = o[k];
          }
          if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
          n = this.unrecord(head, mask | atText, p);
          f = this.f;
          p = this.p;
          mask = -1;
        } else x = o[k];
        const code = orderKey(k);
        if (code !== 0 && typeof x === 'number') {
          // The common entry, written with the position in a local.
          if (p + 3 > f.length) {
            this.p = p;
            this.grow(3);
            f = this.f;
          }
          f[p] = code;
          f[p + 1] = NUMBER;
          f[p + 2] = x;
          p += 3;
          n++;
          continue;
        }
        if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
        this.p = p;
        if (code === 0) this.key(k);
        else {
          if (p + 1 > f.length) this.grow(1);
          this.f[this.p++] = code;
        }
        if (typeof x === 'string') this.short(x);
        else {
          // On the stack below what it holds, as `object` would put it: paths, cycles and depth count it.
          this.stack.push(o);
          this.keys[depth] = k;
          this.value(x, k);
          this.stack.pop();
        }
        f = this.f;
        p = this.p;
        n++;
      }
    } catch (e) {
      if (this.stack.length === depth) {
        this.stack.push(o);
        this.keys[depth] = k;
      }
      throw e;
    }
    if (mask >= 0) {
      f[head + 1] = mask | atText;
      this.saved += RECORD_SAVES[mask];
    } else {
      f[head + 1] = n;
      f[head + 2] = p - head - 3;
    }
    this.p = p;
  }

  /**
   * Rewrites the order record at `head` (keys `mask`, values up to `end`) as the
   * object of entries it stands for, as `order` would have written them; the
   * position is then after them. Returns the number of entries.
   */
  unrecord(head, mask, end) {
    const values = this.spill;
    for (let i = head + 2; i < end; i++) values[i - head - 2] = this.f[i];
    this.p = head;
    // Room for the six keys as entries.
    if (head + 27 > this.f.length) this.grow(27);
    const f = this.f;
    f[head] = OBJECT;
    const text = RECORD_TEXT | ((mask & RECORD_AT_TEXT) !== 0 ? 1 : 0);
    let p = head + 3, j = 0, n = 0;
    for (let i = 0; i < 6; i++) {
      const bit = 1 << i;
      if ((mask & bit) === 0) continue;
      f[p] = -(i + 1);
      if ((bit & text) !== 0) {
        f[p + 1] = STRING;
        f[p + 2] = values[j];
        f[p + 3] = values[j + 1];
        f[p + 4] = values[j + 2];
        p += 5;
        j += 3;
      } else {
        f[p + 1] = NUMBER;
        f[p + 2] = values[j++];
        p += 3;
      }
      n++;
    }
    this.p = p;
    return n;
  }

  /**
   * Writes a value given to the package; an exception its getters, proxy
   * traps or toJSON throw becomes a CrmScoreError naming the field, with the
   * original as its `cause`. `path` is the value's path, or its index in an array.
   */
  top(v, path, customer = false) {
    try {
      if (customer) this.customer(v);
      else this.value(v, '');
      // What the growth checks left: a cap reached by numbers and bytes saved.
      if (this.p + this.saved > MAX_SLOTS || this.q + this.savedBytes > MAX_BYTES) tooLarge(this.p + this.saved, this.q + this.savedBytes);
    } catch (e) {
      if (e instanceof CrmScoreError) throw e;
      // An index of scoreMany's array: its path is built only here, when something threw.
      if (typeof path === 'number') path = `[${path}]`;
      if (e instanceof TooLarge) {
        this.stack.length = 0;
        throw new CrmScoreError(path ? `${path}: ${e.message}` : e.message, 'TOO_LARGE', path);
      }
      const where = this.path(path);
      this.stack.length = 0;
      throw thrownError(e, where);
    }
  }
}

/**
 * What a getter, a proxy trap or toJSON threw while the package read the input at
 * `where`: INVALID_TYPE "reading the input threw: …", with the exception as its cause.
 */
export function thrownError(e, where) {
  const why = e instanceof Error ? e.message : String(e);
  const message = `reading the input threw: ${why}`.slice(0, 300);
  return new CrmScoreError(where ? `${where}: ${message}` : message, 'INVALID_TYPE', where, { cause: e });
}

/** Thrown when an input outgrows a tape; `top` places it at the input it was writing. */
class TooLarge extends Error {}

function tooLarge(slots, bytes) {
  throw new TooLarge(`expected an input of at most ${MAX_SLOTS} numbers and ${MAX_BYTES} bytes of text, got more (${slots} numbers, ${bytes} bytes so far)`);
}

/** The length of a string as UTF-8 (a lone surrogate as its three WTF-8 bytes). */
function utf8Length(s) {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

// Writers not in use: a getter that calls back into the package gets its own.
const spare = [];

/** A writer for one call, reset. */
export function take() {
  const w = spare.pop() ?? new Writer();
  w.reset();
  return w;
}

/** Gives a writer back, unless a large input grew it past a few megabytes. */
export function give(w) {
  if (w.strs.length !== 0) w.strs = [];
  if (w.f.length <= 1 << 18 && w.u.length <= 1 << 21) spare.push(w);
}

/** A value's tape, kept: what `tapeOf` hands over for it without writing it again. */
export function keep(v, path) {
  const w = take();
  try {
    w.top(v, path);
    return { [TAPE]: true, nums: w.f.slice(0, w.p), bytes: w.u.slice(0, w.q), strings: w.strs.length };
  } finally {
    give(w);
  }
}

/**
 * The tape of `v` as [numbers, bytes, number of strings], for the wasm
 * modules' own reading of configs, options and fit input (src/wasm/mod.rs).
 */
export function tapeOf(v, path) {
  if (v !== null && typeof v === 'object' && v[TAPE] === true) return [v.nums, v.bytes, v.strings];
  const w = take();
  try {
    w.top(v, path);
    return [w.f.subarray(0, w.p), w.u.subarray(0, w.q), w.strs.length];
  } finally {
    give(w);
  }
}
