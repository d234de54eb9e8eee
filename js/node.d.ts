// The types of `crmscore` in Node: the scoring exports, and the fitting functions
// and their types, which node.js loads on first use (scripts/build.mjs checks
// both lists against the wasm-bindgen output).
export * from './crmscore.js';
export { default } from './crmscore.js';
export { compareModels, derl, fit, fitRetention, fitSummaries, readTransactionsCsv, retention, scoreColumns, survival, validate } from './crmscore_fit.js';
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
  CsvOptions,
  CsvRowError,
  CsvTransactions,
  FittedPurchase,
  ValidateOptions,
  CompareOptions,
  HoldoutGroup,
  Validation,
  ModelComparison,
} from './crmscore_fit.js';
