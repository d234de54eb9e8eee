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
