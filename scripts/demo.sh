#!/usr/bin/env bash
# The main job on the bundled sample data: installs what is missing, builds
# the package, scores the sample customers and prints the table, then builds
# the demo pages (storefront and analyst view) and serves them on 127.0.0.1.
# `bash scripts/demo.sh --no-serve` stops after the table and the build.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"
npm run --silent build
node examples/score-sample.mjs
npm --prefix www ci --no-audit --no-fund >/dev/null
npm --prefix www run --silent build >/dev/null
if [ "${1:-}" != "--no-serve" ]; then
  npm --prefix www run --silent serve
fi
