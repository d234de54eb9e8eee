# Reference figures for src/fit/validate.rs: the BG/NBD calibration/holdout
# check on the CDNOW sample with lifetimes 0.11.3 (pip install lifetimes).
# Calibration to 1997-09-30, holdout to 1998-06-30, weeks of 7 days with
# purchase occasions counted in calendar days (freq='D', freq_multiplier=7).
# Run: python3 tests/reference/lifetimes_validate_cdnow.py
import pandas as pd
from lifetimes import BetaGeoFitter
from lifetimes.utils import calibration_and_holdout_data

rows = []
with open('data/cdnow/CDNOW_sample.txt') as f:
    for line in f:
        p = line.split()
        if len(p) == 5:
            rows.append((int(p[1]), pd.Timestamp(p[2]), float(p[4])))
tx = pd.DataFrame(rows, columns=['id', 'date', 'amount'])
d = calibration_and_holdout_data(tx, 'id', 'date', calibration_period_end='1997-09-30',
                                 observation_period_end='1998-06-30', freq='D', freq_multiplier=7,
                                 monetary_value_col='amount')  # a value column: pandas 3 needs one to count
bgf = BetaGeoFitter().fit(d['frequency_cal'], d['recency_cal'], d['T_cal'])
print('customers', len(d), 'duration_holdout', d['duration_holdout'].iloc[0])
print('params', dict(bgf.params_))
d['pred'] = bgf.conditional_expected_number_of_purchases_up_to_time(
    d['duration_holdout'], d['frequency_cal'], d['recency_cal'], d['T_cal'])
print('total actual %.6f predicted %.6f' % (d['frequency_holdout'].sum(), d['pred'].sum()))
print('mean absolute error %.6f' % (d['frequency_holdout'] - d['pred']).abs().mean())
d['group'] = d['frequency_cal'].clip(upper=7)
for g, sub in d.groupby('group'):
    print('x=%s customers %d actual %.6f predicted %.6f' % (
        '7+' if g == 7 else int(g), len(sub), sub['frequency_holdout'].mean(), sub['pred'].mean()))
