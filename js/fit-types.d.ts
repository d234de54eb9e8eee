/** How ABC classes are cut from customers ranked by value (margin, or revenue without costs). */
export type AbcRule =
  /** Top `a` share of customers is A, next `b` share B, the rest C (default 0.05 / 0.15). */
  | { rule?: 'customerShare'; a?: number; b?: number }
  /** Customers making up the top `a` share of value are A, the next `b` share B (default 0.5 / 0.3). */
  | { rule: 'valueShare'; a?: number; b?: number };

/** Options shared by `fit` and `fitSummaries`. */
export interface FitCommonOptions {
  /** Time unit of the model (default 'weeks'). */
  unit?: TimeUnit;
  /**
   * The purchase model to fit (default 'bg-nbd'); the model holds it as bgnbd, paretoNbd or mbgNbd.
   * 'bg-bb' (discrete opportunities) is fitted by `fitSummaries` on `BgBbRow`s only; `fit` refuses it.
   * With it only `maxIterations`, `allowUnconverged` and `onProgress` apply.
   */
  purchaseModel?: PurchaseModel;
  /** L2 penalty on the purchase model's parameters (BG/NBD's r, α, a, b), as lifetimes' `penalizer_coef` (default 0). */
  penalizer?: number;
  /** L2 penalty on Gamma-Gamma's (p, q, v) (default 0). */
  gammaGammaPenalizer?: number;
  /** Return a fit that did not converge, flagged `converged: false`, instead of throwing FIT_FAILED. */
  allowUnconverged?: boolean;
  /** Optimiser iterations before giving up (default 500). */
  maxIterations?: number;
  /** Called with the fraction of work done, rising from 0 to 1 (at most once per percent). */
  onProgress?: (fraction: number) => void;
}

/** Options of `fit`. */
export interface FitOptions extends FitCommonOptions {
  /** The instant the base is observed at; later orders are errors (objects) or ignored (columns). Default now. */
  asOf?: Instant | null;
  /** ABC rule (default: 5% / 15% / 80% of customers). */
  abc?: AbcRule;
}

/** Options of `fitSummaries`. */
export type SummaryOptions = FitCommonOptions;

/** One customer's summary in the model's unit (lifetimes' definitions), or `count` equal customers'. */
export interface SummaryRow {
  /** Repeat purchase days (distinct purchase days − 1). */
  frequency: number;
  /** First to last purchase day. */
  recency: number;
  /** First purchase day to the end of observation. */
  T: number;
  /** Mean amount of the repeat purchase days (0 when frequency is 0). */
  monetaryValue: number;
  /** Customers this row stands for (a SQL `count(*)` of equal rows): a whole number ≥ 1, default 1. */
  count?: number;
}

/** Summaries as columns of equal length. */
export interface SummaryColumns {
  frequency: ArrayLike<number>;
  recency: ArrayLike<number>;
  T: ArrayLike<number>;
  monetaryValue: ArrayLike<number>;
  /** Customers each row stands for (default 1 each). */
  count?: ArrayLike<number>;
}

/** How an optimisation ended. */
export interface Convergence {
  converged: boolean;
  iterations: number;
  logLikelihood: number;
  message: string;
}

/** The result of `fitSummaries`. */
export interface SummaryFit {
  unit: TimeUnit;
  /** Customers fitted: the rows, or the sum of their counts. */
  customers: number;
  /** Distinct (frequency, recency, T) triples the likelihood was evaluated on. */
  distinctTriples: number;
  /** The purchase model fitted (`purchaseModel`): one of bgnbd, paretoNbd, mbgNbd. */
  bgnbd?: FittedBgNbd;
  paretoNbd?: FittedParetoNbd;
  mbgNbd?: FittedMbgNbd;
  /** null when no customer has a repeat purchase of positive value. */
  gammaGamma: FittedGammaGamma | null;
  /** The purchase model's under its key, and Gamma-Gamma's. */
  convergence: { bgnbd?: Convergence; paretoNbd?: Convergence; mbgNbd?: Convergence; gammaGamma: Convergence | null };
}

/** Options of `readTransactionsCsv`. */
export interface CsvOptions {
  /** Header name, or 1-based column number (default 'customer'). */
  customerCol?: string | number;
  /** Header name or number of the date column (default 'date'): YYYYMMDD or ISO 8601. */
  dateCol?: string | number;
  /** Header name or number of the amount column (default 'amount'). */
  amountCol?: string | number;
  /** Header name or number of an optional cost column. */
  costCol?: string | number;
  /** One ASCII character (default ',') or 'whitespace' (runs of spaces and tabs). */
  delimiter?: string;
  /** Whether the first line names the columns (default true). */
  header?: boolean;
  /** Longest accepted line in bytes (default 65536); longer lines are bad rows. */
  maxLineLength?: number;
  /** Throw at the first bad row instead of skipping it (default false). */
  strict?: boolean;
  /** Bad rows reported in `errors` (default 100); further ones are only counted. */
  maxReported?: number;
  /** Called with the share of the text read, rising from 0 to 1 (at most once per percent). */
  onProgress?: (fraction: number) => void;
}

/** A row `readTransactionsCsv` skipped. */
export interface CsvRowError {
  /** 1-based line number. */
  line: number;
  /** The column at fault, '' when the whole line is. */
  column: string;
  code: CrmScoreError['code'];
  /** e.g. 'line 17: amount: expected a finite number, got "12,50"'. */
  message: string;
}

/** The result of `readTransactionsCsv`. */
export interface CsvTransactions {
  transactions: ColumnarTransactions;
  /** Customer ids in order of first appearance: transactions.customer[i] indexes this list. */
  customerIds: string[];
  /** Data rows seen (read and skipped). */
  rows: number;
  /** Bad rows skipped. */
  skipped: number;
  errors: CsvRowError[];
}

/** A fitted purchase model, named by `purchaseModel`. */
export type FittedPurchase =
  | ({ purchaseModel: 'bg-nbd' } & FittedBgNbd)
  | ({ purchaseModel: 'pareto-nbd' } & FittedParetoNbd)
  | ({ purchaseModel: 'mbg-nbd' } & FittedMbgNbd);

/** Options of `compareModels`: the calibration/holdout split and the fit. */
export interface CompareOptions {
  /** The last day of the calibration period (its whole calendar day). */
  calibrationEnd: Instant;
  /** The last day of the holdout period, after `calibrationEnd`; later orders are errors (objects) or ignored (columns). */
  observationEnd: Instant;
  /** Time unit of the model (default 'weeks'). */
  unit?: TimeUnit;
  /** L2 penalty on the purchase model's parameters (default 0). */
  penalizer?: number;
  /** Return a fit that did not converge, flagged `converged: false`, instead of throwing FIT_FAILED. */
  allowUnconverged?: boolean;
  /** Optimiser iterations before giving up (default 500). */
  maxIterations?: number;
  /** Called with the fraction of work done, rising from 0 to 1 (at most once per percent). */
  onProgress?: (fraction: number) => void;
}

/** Options of `validate`. */
export interface ValidateOptions extends CompareOptions {
  /** The purchase model to fit (default 'bg-nbd'); not 'bg-bb', which is fitted on discrete summaries only. */
  purchaseModel?: Exclude<PurchaseModel, 'bg-bb'>;
}

/** Customers with the same calibration repeat purchases: mean holdout purchases, actual and predicted. */
export interface HoldoutGroup {
  /** Calibration repeat purchases: 0 to 6, then '7+'. */
  frequency: 0 | 1 | 2 | 3 | 4 | 5 | 6 | '7+';
  customers: number;
  /** null when the group is empty. */
  actual: number | null;
  predicted: number | null;
}

/** The result of `validate`. */
export interface Validation {
  /** The purchase model fitted on the calibration period. */
  model: FittedPurchase;
  unit: TimeUnit;
  /** Last calibration day, YYYY-MM-DD. */
  calibrationEnd: string;
  /** Last holdout day, YYYY-MM-DD. */
  observationEnd: string;
  /** Length of the holdout period in the unit. */
  holdoutLength: number;
  /** Customers whose first purchase is in the calibration period. */
  customers: number;
  /** Eight groups: calibration frequency 0 … 6 and '7+'. */
  byFrequency: HoldoutGroup[];
  totalActual: number;
  totalPredicted: number;
  /** Mean over customers of |actual − predicted| holdout purchases. */
  meanAbsoluteError: number;
  /** Log-likelihood of the calibration data. */
  logLikelihood: number;
  /** 2k − 2 ln L. */
  aic: number;
  /** k ln n − 2 ln L, n = customers. */
  bic: number;
}

/** The result of `compareModels`. */
export interface ModelComparison {
  /** One validation per purchase model. */
  models: Validation[];
  /** Model names, smallest holdout mean absolute error first. */
  byHoldoutError: Exclude<PurchaseModel, 'bg-bb'>[];
  /** Model names, smallest BIC first. */
  byBic: Exclude<PurchaseModel, 'bg-bb'>[];
}

/** Customers with one discrete-time history (Fader, Hardie & Shang 2010). */
export interface BgBbRow {
  /** Repeat transactions x (0 ≤ x ≤ recency). */
  frequency: number;
  /** The opportunity of the last one, t_x (0 when frequency is 0; ≤ periods). */
  recency: number;
  /** Opportunities since the first transaction, n (at most 10000). */
  periods: number;
  /** Customers with this history (default 1). */
  count?: number;
  id?: string | number;
  customerId?: string | number;
}

/** BG/BB parameters: transaction probability ~ Beta(alpha, beta), dropout probability ~ Beta(gamma, delta). */
export interface FittedBgBb extends FitUncertainty<'alpha' | 'beta' | 'gamma' | 'delta'> {
  alpha: number;
  beta: number;
  gamma: number;
  delta: number;
  logLikelihood?: number;
  converged: boolean;
}

/** The result of `fitSummaries(rows, { purchaseModel: 'bg-bb' })`. */
export interface BgBbSummaryFit {
  purchaseModel: 'bg-bb';
  /** The sum of the rows' counts. */
  customers: number;
  bgbb: FittedBgBb;
  convergence: { bgbb: Convergence };
}

/** Options of `fitRetention`. */
export interface RetentionOptions {
  /** Return a fit that did not converge, flagged `converged: false`, instead of throwing FIT_FAILED. */
  allowUnconverged?: boolean;
  /** Optimiser iterations before giving up (default 500). */
  maxIterations?: number;
}

/** sBG parameters: churn probability ~ Beta(alpha, beta) across customers. */
export interface SbgParams {
  alpha: number;
  beta: number;
}

/** The result of `fitRetention` (Fader & Hardie 2007). */
export interface RetentionFit extends FitUncertainty<'alpha' | 'beta'> {
  sbg: SbgParams;
  logLikelihood: number;
  converged: boolean;
  /** activeCounts[0]. */
  customers: number;
  /** Periods observed: activeCounts.length − 1. */
  periods: number;
  convergence: Convergence;
}
