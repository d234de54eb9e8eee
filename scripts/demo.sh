#!/usr/bin/env bash
# The main job on the bundled sample data: installs what is missing, builds
# the package, scores the sample customers and prints the table.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"
npm run --silent build
node examples/score-sample.mjs "$@"
