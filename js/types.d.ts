/**
 * An instant: an ISO 8601 date (`2026-11-22`, midnight UTC) or date-time (UTC unless it has an
 * offset), epoch milliseconds, or a `Date`; years 1900 to 2999.
 */
export type Instant = string | number | Date;

/** One order of a customer. */
export interface Order {
  /** When the order was placed. */
  at: Instant;
  /** What the customer paid (finite, 0 to 1e15). */
  amount: number;
  /** What the order cost the store, when known (0 to 1e15); margin = amount - cost. */
  cost?: number;
  /** Product category, e.g. `"books"` (at most 256 characters). */
  category?: string;
  /** Money off the list price (0 to 1e15; `amount` is what was paid); > 0 marks a discounted order. */
  discount?: number;
  /** Sales channel, e.g. `"web"`, `"promotion"` (at most 256 characters). */
  channel?: string;
  /** The account the order came from: a customer's value is summed over all their accounts. */
  accountId?: string | number;
}

/** Survey answers, per dimension (product, service, image...). */
export interface Survey {
  /** What the customer expected, per dimension (numbers from 0 to 1e15, on any scale). */
  expectation?: Record<string, number>;
  /** What the customer perceived, per dimension (same dimensions as `expectation`). */
  perception?: Record<string, number>;
  /** Weight of each dimension (default 1). */
  weights?: Record<string, number>;
  /** "How likely are you to recommend us?", a whole number 0 to 10. */
  nps?: number;
}

/**
 * A customer to score. `undefined` fields count as absent (as in JSON); a field
 * holding a function or a symbol is dropped the same way, so pass plain data.
 */
export interface Customer {
  /** A non-empty string of at most 256 characters, or a number. */
  id: string | number;
  /** When the customer was first seen (tenure starts at the earlier of this and the first order). */
  firstSeen?: Instant;
  /** Every order, in any order (`[]` for a potential customer who has not bought yet). */
  orders: Order[];
  survey?: Survey;
  /** Complaints received (a whole number). */
  complaints?: number;
  /** Orders or items returned (a whole number). */
  returns?: number;
  /** New customers this one referred (a whole number). */
  referrals?: number;
  /** What the customer spends on each category anywhere in a year (survey or panel), for `value.shareOfWallet`. */
  wallet?: Record<string, number>;
}

/** Options of `score` and `scoreMany`. */
export interface ScoreOptions {
  /** The instant every figure is computed at; default now. */
  asOf?: Instant | null;
  /** Days over which a model's predictions run (default 365, at most 3,650). */
  horizonDays?: number;
}

/**
 * Transactions as columns, the shape a CSV loader or a database produces:
 * row i is (customer[i], at[i], amount[i], cost?.[i]). Purchase occasions
 * are UTC calendar days.
 */
export interface ColumnarTransactions {
  /** Customer index per transaction, 0 … customers − 1. */
  customer: Uint32Array;
  /** Epoch milliseconds UTC per transaction (whole numbers). */
  at: Float64Array;
  /** Amount per transaction, finite and ≥ 0. */
  amount: Float64Array;
  /** Cost per transaction (margins then count, as an order's `cost`). */
  cost?: Float64Array | null;
}

/** Options of `scoreMany` on columns (and `scoreColumns`). */
export interface ColumnScoreOptions extends ScoreOptions {
  /** Number of customers (default: highest index + 1). */
  customers?: number;
  /** Evaluate the segments (default true; the model's figures alone are much faster). */
  segments?: boolean;
  /** Called with the share of customers scored, rising from 0 to 1 (at most once per percent). */
  onProgress?: (fraction: number) => void;
}

/**
 * `scoreMany` on columns: one entry per customer index, each equal to the field
 * of the same name that `score` gives the customer whose orders are the rows
 * with that index up to `asOf` (later rows are ignored). NaN or 0 where `score`
 * gives null.
 */
export interface ColumnScores {
  /** value.recencyDays (NaN without orders). */
  recencyDays: Float64Array;
  /** value.frequency. */
  frequency: Uint32Array;
  /** value.monetary. */
  monetary: Float64Array;
  /** value.abc: 1 = A, 2 = B, 3 = C, 4 = D, 0 = none. */
  abc: Uint8Array;
  /** value.rfm.r, .f, .m: 1–5, 0 = none. */
  rfmR: Uint8Array;
  rfmF: Uint8Array;
  rfmM: Uint8Array;
  /** value.predicted.* over `horizonDays` (NaN = null). */
  probabilityAlive: Float64Array;
  expectedPurchases: Float64Array;
  expectedAverageSpend: Float64Array;
  lifetimeValue: Float64Array;
  /** Segment ids in bit order. */
  segmentIds: string[];
  /** Words per customer: ⌈segments / 32⌉. */
  words: number;
  /** Bit i % 32 of word k × words + ⌊i / 32⌋ is set when customer k is in segmentIds[i]; null with `segments: false`. */
  segments: Uint32Array | null;
}

export interface Scorer {
  /** Scores one customer as of `options.asOf` (default: now). */
  score(customer: Customer, options?: ScoreOptions): ScoreResult;
  /** Scores many customers as of one instant; an error's path starts with the customer's index. */
  scoreMany(customers: Customer[], options?: ScoreOptions): ScoreResult[];
  /** Every segment of the scorer, matched or not, with the sub-expressions and field values that decided it. */
  explain(customer: Customer, options?: ScoreOptions): SegmentExplanation[] & { scorecards?: ScorecardExplanation[] };
  /**
   * Scores every customer of columnar transactions, into typed arrays. Runs in the
   * fitting module: loaded by itself in Node; in browsers and workers import
   * `crmscore/fit` and await its `init()` first.
   */
  scoreMany(columns: ColumnarTransactions, options?: ColumnScoreOptions): ColumnScores;
}

/** Scorer configuration; every key is optional and unknown keys are errors. */
export interface ScorerConfig {
  lifetime?: {
    /** Years projected (default 5). */
    horizonYears?: number;
    /** Share of spend that is margin, for orders without a cost (default 1). */
    marginRate?: number;
    /** Chance a customer stays from one year to the next (default 0.8). */
    retentionRate?: number;
    /** Yearly discount rate (default 0.1). */
    discountRate?: number;
    /**
     * Give `value.predicted.interval`, the 90% intervals from the model's parameter uncertainty
     * (default false: each costs four more predictions, about 3× a customer's scoring time with a model).
     */
    intervals?: boolean;
  };
  value?: {
    /** Tenure below this many days is not annualised in `ordersPerYear` (default 90). */
    rateFloorDays?: number;
  };
  /** ABC thresholds on historic value; without them `value.abc` is null. */
  abc?: {
    a: number;
    b: number;
    /** Cost to serve; a C customer costing more than their value is class D. */
    serviceCost?: { perOrder?: number; perComplaint?: number; perReturn?: number };
  };
  /** RFM quintile edges (4 ascending numbers each); without them `value.rfm` is null. */
  rfm?: { recency: number[]; frequency: number[]; monetary: number[] };
  satisfaction?: {
    /** Gap thresholds: below `basic` dissatisfied (default 0), `satisfied` (0.5), `delighted` (1). */
    levels?: { basic?: number; satisfied?: number; delighted?: number };
    /** People told: satisfied (default 12), dissatisfied (default -20). */
    wordOfMouth?: { satisfied?: number; dissatisfied?: number };
  };
  loyalty?: {
    stage?: {
      newMaxDays?: number;
      longstandingMinDays?: number;
      longstandingMinOrders?: number;
      loyalMinDays?: number;
      loyalMinOrders?: number;
      loyalMaxRecencyDays?: number;
    };
    type?: {
      repeatMinOrdersPerYear?: number;
      priceShare?: number;
      incentiveShare?: number;
      incentiveChannels?: string[];
      monopoly?: boolean;
    };
    lifecycle?: { windowDays?: number; lapseDays?: number; growth?: number; decline?: number };
  };
  limits?: {
    /** Most orders per customer (default 10,000). */
    maxOrders?: number;
    /** Most customers per `scoreMany` call (default 1,000,000). */
    maxBatch?: number;
    /** Most segments, built-ins included (default 256). */
    maxSegments?: number;
    /** Longest rule in bytes (default 4096). */
    maxRuleLength?: number;
    /** Deepest rule nesting (default 64, at most 128). */
    maxRuleDepth?: number;
    /** Most operations in a rule (default 1000). */
    maxRuleNodes?: number;
  };
  /** Your segments, added to the built-in library (the same id replaces a built-in). */
  segments?: SegmentDefinition[];
  /** Include the 16 built-in segments (default true). */
  builtinSegments?: boolean;
  /** The store's category names, read by rules as `store.books` etc. (defaults: books, video, dvd, music). */
  store?: Record<string, string>;
  /** A model from `fit`: ABC thresholds and RFM edges (unless `abc`/`rfm` are given) and `value.predicted`. */
  model?: Model;
  /** Weighted scorecards (results: `scorecards[id]`; rules: `scorecards.<id>.points`, `.share`). */
  scorecards?: ScorecardDefinition[];
}

/** A weighted scorecard: points = Σ weight × score over the factors scored 1–4. */
export interface ScorecardDefinition {
  /** An identifier (letters, digits, _): rules read `scorecards.<id>.points`. */
  id: string;
  name?: string;
  /** At most 32; `score` is an int rule expression, a value outside 1–4 counts as missing. */
  factors: { name: string; weight: number; score: string }[];
}

export type Goal = 'acquire' | 'repeat' | 'intensify' | 'cross-sell' | 'up-sell' | 'retain' | 'win-back' | 'care';

/**
 * An action to render: a string or an object of your own shape. An object with `afterDays`
 * (whole days, 0 to 36,500) and `from` (`'lastOrder'`, the default, or `'firstOrder'`) is
 * scheduled: results then have `nextContact` and `pastContacts`.
 */
export type SegmentAction = string | (Record<string, unknown> & { afterDays?: number; from?: 'firstOrder' | 'lastOrder' });

/** A segment as data; `when` and `exitWhen` are rules in the CEL subset documented in docs/rules.md. */
export interface SegmentDefinition {
  id: string;
  name?: string;
  /** The member rule, e.g. `value.abc == 'A' && value.recencyDays > 90`. */
  when: string;
  goal: Goal;
  actions?: SegmentAction[];
  /** Lower comes first (default 100). */
  priority?: number;
  /** The success measure, e.g. `value.frequency >= 2` for first-time buyers. */
  exitWhen?: string;
}

/** Time unit of recency, T and the fitted α. */
export type TimeUnit = 'days' | 'weeks';

/**
 * Fitted parameters plus the log-likelihood of the fitting data and the convergence flag.
 * Accepted ranges (else OUT_OF_RANGE): r 1e-6 to 20, alpha 3 to 1e7 days (in the model's
 * unit: divide by 7 for weeks), a and b 1e-6 to 1e6.
 */
export interface FittedBgNbd extends FitUncertainty<'r' | 'alpha' | 'a' | 'b'> {
  r: number;
  alpha: number;
  a: number;
  b: number;
  logLikelihood?: number;
  converged: boolean;
}

/**
 * The parameters' uncertainty from the observed information at the optimum (absent in models
 * fitted before it was estimated, or written by hand: all three of standardErrors, intervals and
 * logCovariance, or none). A singular information gives standardErrors and intervals null and
 * singularInformation true.
 */
export interface FitUncertainty<K extends string> {
  /** Standard error of each parameter. */
  standardErrors?: Record<K, number> | null;
  /** 95% interval of each parameter, θ · exp(±1.96 SE(ln θ)). */
  intervals?: Record<K, [number, number]> | null;
  /** Covariance of the log-parameters, row-major, in the parameters' order. */
  logCovariance?: number[];
  singularInformation?: boolean;
}

/**
 * Fitted Pareto/NBD parameters: purchase rates ~ Gamma(r, alpha), dropout rates ~ Gamma(s, beta).
 * Accepted: r and s 1e-6 to 1e6, alpha and beta 1e-3 to 1e7 days (in the model's unit), and
 * beta within a factor 1000 of alpha.
 */
export interface FittedParetoNbd extends FitUncertainty<'r' | 'alpha' | 's' | 'beta'> {
  r: number;
  alpha: number;
  s: number;
  beta: number;
  logLikelihood?: number;
  converged: boolean;
}

/** Fitted MBG/NBD parameters (as BG/NBD, with a dropout chance at the first purchase); accepted ranges as BG/NBD's. */
export interface FittedMbgNbd extends FitUncertainty<'r' | 'alpha' | 'a' | 'b'> {
  r: number;
  alpha: number;
  a: number;
  b: number;
  logLikelihood?: number;
  converged: boolean;
}

/** Which purchase model a fit estimates: BG/NBD (default), Pareto/NBD, MBG/NBD, or BG/BB (`fitSummaries` on discrete rows only). */
export type PurchaseModel = 'bg-nbd' | 'pareto-nbd' | 'mbg-nbd' | 'bg-bb';

/** Fitted Gamma-Gamma parameters (v is the paper's γ). Accepted: p 1e-6 to 1e6, q above 1 to 1e6, v 1e-6 to 1e12. */
export interface FittedGammaGamma extends FitUncertainty<'p' | 'q' | 'v'> {
  p: number;
  q: number;
  v: number;
  logLikelihood?: number;
  converged: boolean;
}

/** The population model: versioned, JSON-serialisable, validated when read back. */
export interface Model {
  version: 1;
  unit: TimeUnit;
  /** The UTC date the base was summarised at, YYYY-MM-DD. */
  asOf: string;
  customers: number;
  /** ABC thresholds (value ≥ a → A, ≥ b → B, else C) and the actual shares of customers and value in A, B, C. */
  abc: { a: number; b: number; customerShare: [number, number, number]; valueShare: [number, number, number] };
  /** RFM quintile edges (20/40/60/80th percentiles) of days since the last purchase, orders and total spend. */
  rfm: { recency: [number, number, number, number]; frequency: [number, number, number, number]; monetary: [number, number, number, number] };
  /** The purchase model: at most one of bgnbd, paretoNbd, mbgNbd. */
  bgnbd?: FittedBgNbd;
  paretoNbd?: FittedParetoNbd;
  mbgNbd?: FittedMbgNbd;
  gammaGamma?: FittedGammaGamma;
  /** 15th and 85th percentiles of the satisfaction gaps, when surveys were given. */
  satisfaction?: { p15: number; p85: number };
  /**
   * BG/BB at discrete opportunities (a `fitSummaries(rows, { purchaseModel: 'bg-bb' })`
   * result's `bgbb` plus `opportunityDays`, 1 to 36500): predictions use it instead of BG/NBD.
   * Parameters accepted from 1e-6 to 1e6.
   */
  bgbb?: {
    alpha: number;
    beta: number;
    gamma: number;
    delta: number;
    /** The length of an opportunity in days, counted from a customer's first order. */
    opportunityDays: number;
    logLikelihood?: number;
    converged?: boolean;
  };
}

export type AbcClass = 'A' | 'B' | 'C' | 'D';

export type RfmSegment =
  | 'champions' | 'loyal-customers' | 'potential-loyalists' | 'new-customers' | 'promising'
  | 'need-attention' | 'about-to-sleep' | 'at-risk' | 'cant-lose-them' | 'hibernating' | 'lost';

export interface RfmScores {
  r: number;
  f: number;
  m: number;
  segment: RfmSegment;
}

export interface ValueResult {
  /** Whole days since the last order. */
  recencyDays: number | null;
  /** Number of orders. */
  frequency: number;
  /** Sum of amounts. */
  monetary: number;
  averageOrderValue: number | null;
  tenureDays: number | null;
  ordersPerYear: number | null;
  /** Sum of amount - cost over orders with a cost. */
  margin: number | null;
  historicValue: number;
  /** Spend in the 365 days up to asOf. */
  yearlySpend: number;
  /** Lifetime value over `lifetime.horizonYears`. */
  projectedValue: number;
  accounts: number;
  /** Orders per category. */
  categories: Record<string, number>;
  firstOrderAt: string | null;
  lastOrderAt: string | null;
  abc: AbcClass | null;
  rfm: RfmScores | null;
  /** With a model: BG/NBD and Gamma-Gamma predictions over `horizonDays`. */
  predicted: Predicted | null;
  /** This store's spend in the 365 days up to `asOf` over the customer's `wallet`; null without a wallet. */
  shareOfWallet: ShareOfWallet | null;
}

/** Shares of wallet, each at most 1 (`capped`: some share was over 1, so the wallet is understated). */
export interface ShareOfWallet {
  /** Spend on the wallet's categories over the wallet's total. */
  overall: number;
  capped: boolean;
  categories: Record<string, number>;
}

/** A scored scorecard; a factor whose score is missing or outside 1–4 has `score: null` and is left out of both totals. */
export interface ScorecardResult {
  points: number;
  /** 4 × the weights of the scored factors. */
  maxPoints: number;
  /** points ÷ maxPoints; null when no factor was scored. */
  share: number | null;
  factors: { name: string; weight: number; score: number | null; points: number | null }[];
}

/** A scheduled action of a matched segment and when it is due (ISO 8601 UTC). */
export interface Contact {
  segment: string;
  action: SegmentAction;
  due: string;
}

export interface Predicted {
  /** Probability the customer is still active. */
  probabilityAlive: number;
  /** Expected purchase occasions (UTC days with an order) over the horizon. */
  expectedPurchases: number;
  /** Expected spend per occasion; null without a Gamma-Gamma model. */
  expectedAverageSpend: number | null;
  /** Discounted value of the expected purchases over the horizon (yearly rate `lifetime.discountRate`). */
  lifetimeValue: number | null;
  /** 90% intervals from the fitted parameters' uncertainty, with `lifetime.intervals: true`; null without it, with a model that carries no `logCovariance`, or with BG/BB. */
  interval: PredictedInterval | null;
}

/** [low, high] at 90% (delta method on the log-parameters; see docs/model.md, "Uncertainty"). */
export interface PredictedInterval {
  expectedPurchases: [number, number];
  /** null without a Gamma-Gamma model that carries its `logCovariance`. */
  lifetimeValue: [number, number] | null;
}

export type SatisfactionLevel = 'dissatisfied' | 'basic' | 'satisfied' | 'delighted';

export interface SatisfactionResult {
  /** Weighted mean perception - weighted mean expectation. */
  gap: number | null;
  /** Weighted mean perception / weighted mean expectation. */
  ratio: number | null;
  /** Perception - expectation per dimension. */
  dimensions: Record<string, number>;
  level: SatisfactionLevel | null;
  /** Among the model's surveyed population: gap ≤ its 15th percentile, ≤ its 85th, or above (null without a gap or `model.satisfaction`). */
  zone: 'least-satisfied' | 'middle' | 'most-satisfied' | null;
  nps: { score: number; category: 'promoter' | 'passive' | 'detractor' } | null;
  repeatPurchases: number;
  complaintRate: number | null;
  returnRate: number | null;
  referrals: number | null;
  /** Expected people told: +12 satisfied, -20 dissatisfied by default. */
  wordOfMouth: number | null;
}

export interface LoyaltyResult {
  stage: 'potential' | 'new' | 'regular' | 'longstanding' | 'loyal';
  type: 'monopoly' | 'inertia' | 'price' | 'incentive' | 'trust' | null;
  lifecycle: 'exploration' | 'formation' | 'stability' | 'decline';
}

export interface SegmentMatch {
  id: string;
  name: string;
  goal: Goal;
  actions: SegmentAction[];
  priority: number;
}

export interface NextBestAction {
  /** The first matched segment (the highest priority). */
  segment: string;
  goal: Goal;
  /** That segment's first action; null when it has none. */
  action: SegmentAction | null;
}

/** One evaluated sub-expression of a rule. */
export interface Explanation {
  /** Its source text, e.g. `value.recencyDays > 90`. */
  expr: string;
  /** Its value as a literal, or `unknown (reason)` for a missing value (a comparison with one is false, its fields show `missing`). */
  value: string;
  /** The fields it read and their values. */
  fields: { name: string; value: string }[];
  /** The operands of `&&`, `||`, `!` and `?:`. */
  children: Explanation[];
}

export interface SegmentExplanation {
  id: string;
  name: string;
  matched: boolean;
  /** Whether the segment's success measure (`exitWhen`) holds; null without one. */
  exitReached: boolean | null;
  /** The explanation as indented lines: `value.recencyDays > 90 → true (value.recencyDays = 123)`. */
  text: string;
  explanation: Explanation;
}

/** With `config.scorecards`, `explain(...).scorecards`: each card, each factor's score rule explained. */
export interface ScorecardExplanation extends ScorecardResult {
  scorecard: string;
  name: string;
  factors: { name: string; weight: number; score: number | null; points: number | null; missing: boolean; explanation: Explanation }[];
  /** One line per factor (a missing one says why and that it is left out), then the totals. */
  text: string;
}

export interface ScoreResult {
  id: string;
  /** The instant scored at, ISO 8601 UTC. */
  asOf: string;
  value: ValueResult;
  satisfaction: SatisfactionResult;
  loyalty: LoyaltyResult;
  /** Matched segments, by priority. */
  segments: SegmentMatch[];
  /** The first matched segment with its goal and first action; null when no segment matched. */
  nextBestAction: NextBestAction | null;
  /** Only with `config.scorecards`: each card by id. */
  scorecards?: Record<string, ScorecardResult>;
  /** Only when some segment has a scheduled action: the one due soonest on or after the day of `asOf`, or null. */
  nextContact?: Contact | null;
  /** Only when some segment has a scheduled action: those due before the day of `asOf`, by due date. */
  pastContacts?: Contact[];
}

export type ErrorCode =
  | 'INVALID_TYPE' | 'MISSING_FIELD' | 'UNKNOWN_FIELD' | 'NOT_FINITE' | 'OUT_OF_RANGE'
  | 'INVALID_DATE' | 'FUTURE_DATE' | 'TOO_LARGE' | 'RULE_SYNTAX' | 'RULE_TYPE'
  | 'INVALID_SEGMENT' | 'INVALID_MODEL' | 'FIT_FAILED';

/** Thrown for bad input or config: `code` is stable, `path` names the offending field. */
export class CrmScoreError extends Error {
  readonly name: 'CrmScoreError';
  readonly code: ErrorCode;
  readonly path: string;
}
