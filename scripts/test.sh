#!/usr/bin/env bash
# Every test: installs what is missing, then runs the Rust unit, integration
# and doc tests, the wasm-bindgen tests under Node, builds the npm package,
# checks its size, installs the packed tarball like a user and runs the
# node:test suite and the TypeScript type check against it, then the edge
# examples in real runtimes on 127.0.0.1 and the demo pages in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser
export PATH="$HOME/.cargo/bin:$PATH"

echo "== Rust: unit, integration and doc tests"
cargo test --quiet
echo "== wasm-bindgen tests under Node"
wasm-pack test --node
echo "== fuzz targets (fixed seed, 20,000 inputs each, from the committed corpus)"
FUZZ_SEED=1 FUZZ_RUNS=20000 bash scripts/fuzz.sh 60
echo "== npm package"
npm run --silent build
node scripts/size.mjs
tarball=$(cd pkg && npm pack --silent --pack-destination ../target)
(cd tests/js && npm install --no-save --no-package-lock --no-audit --no-fund "../../target/$tarball" >/dev/null)
echo "== TypeScript: the shipped types"
node_modules/.bin/tsc -p tests/js
echo "== node:test on the installed package"
node --test tests/js/
echo "== edge examples in workerd, edge-runtime, Deno and Node"
npm --prefix examples/edge ci --no-audit --no-fund >/dev/null
npm --prefix examples/edge test
echo "== demo pages in headless Chromium"
npm --prefix www ci --no-audit --no-fund >/dev/null
npm --prefix www test
