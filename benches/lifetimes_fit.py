"""The peer of benches/fit.mjs: Python lifetimes' BG/NBD + Gamma-Gamma fit on the CDNOW summary.

    python3 -m venv /tmp/lt && /tmp/lt/bin/pip install lifetimes
    /tmp/lt/bin/python benches/lifetimes_fit.py [penalizer] [runs] [model]

With `model` pareto-nbd or mbg-nbd (lifetimes' ParetoNBDFitter or
ModifiedBetaGeoFitter) it times and prints that purchase model's fit alone
(`purchase`, `purchaseMs`) after the BG/NBD + Gamma-Gamma figures; with bg-bb,
lifetimes' BetaGeoBetaBinomFitter on the donations table (data/donations).

Prints one JSON object: the versions, the fitted parameters, the total BG/NBD
log-likelihood, the paper's worked example (x = 2, t_x = 30.43, T = 38.86 over
39 weeks) and the median wall time of a fit (both models, after one warm-up
fit). tests: src/fit/tests.rs asserts the parameters printed here.
"""
import json
import pathlib
import sys
import time

import lifetimes
import numpy as np
import pandas as pd
import scipy
from lifetimes import BetaGeoBetaBinomFitter, BetaGeoFitter, GammaGammaFitter, ModifiedBetaGeoFitter, ParetoNBDFitter

summary = pathlib.Path(__file__).resolve().parent.parent / 'data/cdnow/cdnow_customers_summary_with_transactions.csv'
data = pd.read_csv(summary)
penalizer = float(sys.argv[1]) if len(sys.argv) > 1 else 0.0
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 11
model = sys.argv[3] if len(sys.argv) > 3 else 'bg-nbd'


def fit():
    bg = BetaGeoFitter(penalizer_coef=penalizer).fit(data['x'], data['t_x'], data['T'])
    repeat = data[data['x'] > 0]
    gg = GammaGammaFitter(penalizer_coef=penalizer).fit(repeat['x'], repeat['zbar'])
    return bg, gg


bg, gg = fit()
ms = []
for _ in range(runs):
    start = time.perf_counter()
    fit()
    ms.append((time.perf_counter() - start) * 1000)
ms.sort()
p = bg.params_
log_params = np.log([p['r'], p['alpha'], p['a'], p['b']])
n = len(data)
ll = -BetaGeoFitter._negative_log_likelihood(log_params, data['x'].values, data['t_x'].values, data['T'].values, np.ones(n), 0.0) * n
extra = {}
if model == 'bg-bb':
    donations = pd.read_csv(pathlib.Path(__file__).resolve().parent.parent / 'data/donations/donations.csv')
    purchase = lambda: BetaGeoBetaBinomFitter(penalizer_coef=penalizer).fit(
        donations['frequency'], donations['recency'], donations['periods'], weights=donations['count'])
elif model != 'bg-nbd':
    fitter = {'pareto-nbd': ParetoNBDFitter, 'mbg-nbd': ModifiedBetaGeoFitter}[model]
    purchase = lambda: fitter(penalizer_coef=penalizer).fit(data['x'], data['t_x'], data['T'])
if model != 'bg-nbd':
    fitted = purchase()
    pms = []
    for _ in range(runs):
        start = time.perf_counter()
        purchase()
        pms.append((time.perf_counter() - start) * 1000)
    pms.sort()
    extra = {'model': model, 'purchase': {k: float(v) for k, v in fitted.params_.items()}, 'purchaseMs': pms[len(pms) // 2]}
print(json.dumps({
    **extra,
    'versions': {'lifetimes': lifetimes.__version__, 'numpy': np.__version__, 'scipy': scipy.__version__, 'pandas': pd.__version__},
    'penalizer': penalizer,
    'bgnbd': {k: float(v) for k, v in p.items()},
    'bgnbdLogLikelihood': float(ll),
    'gammaGamma': {k: float(v) for k, v in gg.params_.items()},
    'expectedPurchasesExample': float(bg.conditional_expected_number_of_purchases_up_to_time(39, 2, 30.43, 38.86)),
    'fitMs': ms[len(ms) // 2],
}))
