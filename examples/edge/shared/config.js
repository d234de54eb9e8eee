// The scorer's configuration, bundled with the worker: the fitted population model gives
// the ABC thresholds, the RFM edges and `value.predicted`. Refit it with (from examples/edge):
//   npx crmscore fit ../../data/cdnow/CDNOW_sample.txt --no-header --delimiter whitespace \
//     --customer-col 1 --date-col 3 --amount-col 5 --as-of 1998-06-30 -o shared/model.json
import model from './model.json' with { type: 'json' };

export const scorerConfig = { model };
