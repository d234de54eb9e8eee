//! The JavaScript binding of model fitting: `fit`, `fitSummaries` and their columnar forms.
