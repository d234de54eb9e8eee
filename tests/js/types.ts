// Type-checked with `tsc -p tests/js` by scripts/test.sh: the shipped types
// are real types, so misuse below must fail to compile (@ts-expect-error).
import { Scorer, CrmScoreError, fit, fitSummaries, validate, compareModels, type Customer, type Model, type ScoreResult, type ScorerConfig, type Validation } from 'crmscore';

const config: ScorerConfig = { abc: { a: 1000, b: 100 }, lifetime: { horizonYears: 20 } };
const scorer = new Scorer(config);
const customer: Customer = { id: 'c1', orders: [{ at: '2026-11-01', amount: 10, category: 'books' }] };
const result: ScoreResult = scorer.score(customer, { asOf: '2026-11-22' });
const many: ScoreResult[] = scorer.scoreMany([customer], { asOf: Date.now() });
const frequency: number = result.value.frequency;
const abc: 'A' | 'B' | 'C' | 'D' | null = result.value.abc;
const stage: 'potential' | 'new' | 'regular' | 'longstanding' | 'loyal' = result.loyalty.stage;
scorer.score(customer);
const model: Model = fit([customer], { asOf: '2026-11-22', unit: 'days' });
const withModel = new Scorer({ model }).score(customer, { asOf: '2026-11-22', horizonDays: 90 });
const alive: number | undefined = withModel.value.predicted?.probabilityAlive;
const purchasesBand: [number, number] | undefined = withModel.value.predicted?.interval?.expectedPurchases;
const alphaSe: number | undefined = model.bgnbd?.standardErrors?.alpha;
const explained: boolean = scorer.explain(customer)[0].matched;
const next: string | undefined = result.nextBestAction?.segment;
const columns = { customer: new Uint32Array([0]), at: new Float64Array([Date.now()]), amount: new Float64Array([10]) };
const scored: Float64Array = scorer.scoreMany(columns, { asOf: Date.now(), horizonDays: 90, segments: false }).lifetimeValue;
const zone: 'least-satisfied' | 'middle' | 'most-satisfied' | null = result.satisfaction.zone;
const holdout: Validation = validate([customer], { calibrationEnd: '2026-06-30', observationEnd: '2026-11-22', purchaseModel: 'bg-nbd' });
const group: number | '7+' = holdout.byFrequency[7].frequency;
const best: string = compareModels(columns, { calibrationEnd: '2026-06-30', observationEnd: '2026-11-22' }).byBic[0];
const grouped: number = fitSummaries([{ frequency: 1, recency: 2, T: 3, monetaryValue: 0, count: 1000 }]).customers;
// @ts-expect-error compareModels compares every model: no purchaseModel
compareModels(columns, { calibrationEnd: '2026-06-30', observationEnd: '2026-11-22', purchaseModel: 'bg-nbd' });
// @ts-expect-error the split's ends are required
validate([customer], { calibrationEnd: '2026-06-30' });
const pareto: Model = fit([customer], { asOf: '2026-11-22', purchaseModel: 'pareto-nbd' });
const beta: number | undefined = pareto.paretoNbd?.beta ?? pareto.mbgNbd?.b;

// @ts-expect-error columns give typed arrays, not results
const notResults: ScoreResult[] = scorer.scoreMany(columns);
// @ts-expect-error no such purchase model
fit([customer], { purchaseModel: 'pareto' });
// @ts-expect-error frequency is a number
const wrong: string = result.value.frequency;
// @ts-expect-error amount must be a number
const badOrder: Customer = { id: 'x', orders: [{ at: '2026-01-01', amount: '12,50' }] };
// @ts-expect-error unknown config key
const typo: ScorerConfig = { lifetme: {} };
// @ts-expect-error no such field in the result
result.value.nonsense;
// @ts-expect-error Gamma-Gamma has no standard error named alpha
model.gammaGamma?.standardErrors?.alpha;

try {
  scorer.score(customer);
const model: Model = fit([customer], { asOf: '2026-11-22', unit: 'days' });
const withModel = new Scorer({ model }).score(customer, { asOf: '2026-11-22', horizonDays: 90 });
const alive: number | undefined = withModel.value.predicted?.probabilityAlive;
const explained: boolean = scorer.explain(customer)[0].matched;
const next: string | undefined = result.nextBestAction?.segment;
} catch (e) {
  if (e instanceof CrmScoreError) {
    const code: string = e.code;
    const path: string = e.path;
    console.log(code, path);
  }
}
console.log(many, frequency, abc, stage, wrong, badOrder, typo, alive, explained, next, scored, zone, notResults, group, best, grouped);

// Discrete-time and contractual models.
import { fitRetention, survival, retention, derl, type RetentionFit, type BgBbSummaryFit } from 'crmscore';
const renewals: RetentionFit = fitRetention([1000, 631, 468], { maxIterations: 100 });
const seAlpha: number | undefined = renewals.standardErrors?.alpha;
const curve: number[] = [0, 1, 2].map((t) => survival(renewals, t) * retention(renewals.sbg, t + 1));
const residual: number = derl({ alpha: 0.7, beta: 1.2 }, 0.1, 2);
const bgbb = fitSummaries([{ frequency: 1, recency: 1, periods: 6, count: 3 }], { purchaseModel: 'bg-bb' }) as BgBbSummaryFit;
const deltaInterval: [number, number] | undefined = bgbb.bgbb.intervals?.delta;
// @ts-expect-error: not a purchase model
fitSummaries([], { purchaseModel: 'bg-bx' });
