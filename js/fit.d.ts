// The types of `crmscore/fit` (fit.js, fit-node.js, fit-deno.js, fit-workerd.js):
// `init`, the fitting functions and `CrmScoreError` as values, and the types of
// their arguments and results (the scorer and its result types are `crmscore`'s).
// scripts/build.mjs checks both lists against the wasm-bindgen output.
import type { InitInput, InitOutput } from './crmscore_fit.js';

/**
 * Loads the fitting module: in browsers and workers call it once and await it
 * before any other function of `crmscore/fit` (it fetches `crmscore_fit_bg.wasm`
 * next to the module, or takes the module, its bytes or its URL). From then on a
 * `Scorer` of `crmscore` also scores columns (`scoreMany({ customer, at, amount })`).
 * In Node, Deno and Cloudflare Workers the module is loaded on import and this
 * resolves at once.
 */
export default function init(
  module_or_path?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>,
): Promise<InitOutput>;

export { compareModels, derl, fit, fitRetention, fitSummaries, readTransactionsCsv, retention, scoreColumns, survival, validate } from './crmscore_fit.js';
export { CrmScoreError } from './crmscore_fit.js';
export type {
  AbcRule,
  FitCommonOptions,
  FitOptions,
  SummaryOptions,
  SummaryRow,
  SummaryColumns,
  Convergence,
  SummaryFit,
  BgBbRow,
  BgBbSummaryFit,
  FittedBgBb,
  RetentionOptions,
  RetentionFit,
  SbgParams,
  FitUncertainty,
  CsvOptions,
  CsvRowError,
  CsvTransactions,
  PurchaseModel,
  FittedPurchase,
  ValidateOptions,
  CompareOptions,
  HoldoutGroup,
  Validation,
  ModelComparison,
  Customer,
  ColumnarTransactions,
  ColumnScoreOptions,
  ColumnScores,
  Model,
  ScorerConfig,
  ErrorCode,
  InitInput,
  InitOutput,
} from './crmscore_fit.js';
