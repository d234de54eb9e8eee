// JavaScript side of the wasm binding: the error class every function throws,
// and the JSON text that inputs cross the boundary as (one native
// JSON.stringify instead of one call into JavaScript per field).

/** The error every crmscore function throws for bad input or config. */
export class CrmScoreError extends Error {
  constructor(message, code, path) {
    super(message);
    this.name = 'CrmScoreError';
    /** Stable machine-readable category, e.g. "NOT_FINITE". */
    this.code = code;
    /** The offending field, e.g. "orders[3].amount" ("" for the whole input). */
    this.path = path;
  }
}

/** Marks a non-finite number so that it is reported, not read as the `null` JSON would make it. */
export const NON_FINITE = '\u0000';

// Keeps what JSON would write as `null`: NaN and ±Infinity marked, an invalid
// `Date` as the text "Invalid Date" (`value` is what its toJSON gave, null;
// `this[key]` is the Date itself), so that validation names what it found.
function keepNonFinite(key, value) {
  if (typeof value === 'number' && !Number.isFinite(value)) return NON_FINITE + value;
  const raw = this[key];
  return raw instanceof Date && Number.isNaN(raw.getTime()) ? 'Invalid Date' : value;
}

/** Marks JSON text too long to read: only its length is handed over (see `toJson`). */
export const TOO_LONG = '\u0001';

/** The longest JSON text the scoring module reads, in bytes (`json::MAX_TEXT_BYTES`). */
export const MAX_TEXT_BYTES = 16 * 1024 * 1024;

/**
 * The JSON text of an input (undefined for undefined or a function); throws for BigInt and cycles.
 * Text over MAX_TEXT_BYTES comes back as TOO_LONG and its length: copying it into wasm memory just to
 * refuse it would grow that memory, which never shrinks, by the size of the input.
 */
export function toJson(value) {
  let text = JSON.stringify(value);
  // JSON writes NaN, ±Infinity and invalid Dates as null: only then is the slower marking pass needed.
  if (text !== undefined && text.includes('null')) text = JSON.stringify(value, keepNonFinite);
  // Each UTF-16 unit is at least one byte of UTF-8, so this length is a lower bound of the byte length.
  return text !== undefined && text.length > MAX_TEXT_BYTES ? TOO_LONG + text.length : text;
}
