#!/usr/bin/env bash
# Every test: installs what is missing, then runs the Rust unit, integration
# and doc tests, the wasm-bindgen tests under Node, builds the npm package,
# checks its size, lints the packed tarball (publint, arethetypeswrong),
# installs it like a user and runs the node:test suite and the TypeScript type
# check against it, then the edge examples in real runtimes on 127.0.0.1, the
# demo pages and a page built with Vite, webpack and esbuild in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
bash scripts/setup.sh --browser
export PATH="$HOME/.cargo/bin:$PATH"

echo "== [$((SECONDS - started)) s] Rust: format and lints (native, and the wasm binding, which only wasm32 compiles)"
cargo fmt --check
cargo clippy --quiet --all-targets -- -D warnings
cargo clippy --quiet --lib --target wasm32-unknown-unknown -- -D warnings
echo "== [$((SECONDS - started)) s] Rust: unit, integration and doc tests"
cargo test --quiet
# The fuzz targets build and run alongside the steps below: the release builds end in
# link-time optimisations on one core, and the JavaScript tests and browsers leave a core
# idle much of the time, which libFuzzer takes (its own target directory, fuzz/target, so
# cargo's lock is not shared). Their output is printed, and checked, at the end.
echo "== [$((SECONDS - started)) s] fuzz targets started alongside (fixed seed, 4,000 inputs each from the committed corpus on, at most 10 s each)"
fuzz_log="$(mktemp)"
(FUZZ_SEED=1 FUZZ_RUNS=4000 bash scripts/fuzz.sh 10 >"$fuzz_log" 2>&1; echo $? >"$fuzz_log.status") &
fuzz_pid=$!
trap 'kill "$fuzz_pid" 2>/dev/null || true' EXIT
echo "== [$((SECONDS - started)) s] wasm-bindgen tests under Node"
# wasm-bindgen-test-runner comes with wasm-bindgen-cli (scripts/setup.sh).
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner cargo test --lib --target wasm32-unknown-unknown
echo "== [$((SECONDS - started)) s] npm package"
npm run --silent build
node scripts/size.mjs
tarball=$(cd pkg && npm pack --silent --pack-destination ../target)
(cd tests/js && npm install --no-save --no-package-lock --no-audit --no-fund "../../target/$tarball" >/dev/null)
echo "== [$((SECONDS - started)) s] the packed tarball: publint, arethetypeswrong"
t=$SECONDS
node_modules/.bin/publint run "target/$tarball" --strict
# Two exceptions (docs/api.md, "Install"): cjs-resolves-to-esm, because the package is ES modules only and
# Node's require() loads them from 20.19 and 22.12 on (engines; tests/js/commonjs.test.mjs), which attw's
# model of TypeScript's node16 resolution calls an error; and the two .wasm subpaths, which are files to
# fetch or import as a bundler or runtime does (a URL, bytes or a WebAssembly.Module), not modules with types.
node_modules/.bin/attw "target/$tarball" --ignore-rules cjs-resolves-to-esm \
  --exclude-entrypoints ./crmscore_bg.wasm ./crmscore_fit_bg.wasm --no-definitely-typed --format table-flipped --no-color
echo "   ($((SECONDS - t)) s)"
echo "== [$((SECONDS - started)) s] TypeScript: the shipped types (lib esnext, and lib es2022)"
node_modules/.bin/tsc -p tests/js
node_modules/.bin/tsc -p tests/js/tsconfig.es2022.json
echo "== [$((SECONDS - started)) s] node:test on the installed package"
# Two test files at a time: most of them wait on a child process, a server or a large
# allocation as much as they compute.
node --test --test-concurrency=2 tests/js/
echo "== [$((SECONDS - started)) s] edge examples in workerd, edge-runtime, Deno and Node"
npm --prefix examples/edge ci --no-audit --no-fund >/dev/null
npm --prefix examples/edge test
echo "== [$((SECONDS - started)) s] demo pages in headless Chromium"
npm --prefix www ci --no-audit --no-fund >/dev/null
npm --prefix www test
echo "== [$((SECONDS - started)) s] a page built with Vite, webpack 5 and esbuild in headless Chromium"
t=$SECONDS
npm --prefix tests/bundlers ci --no-audit --no-fund >/dev/null
npm --prefix tests/bundlers install --no-save --no-audit --no-fund "$PWD/target/$tarball" >/dev/null
npm --prefix tests/bundlers test
echo "   ($((SECONDS - t)) s)"
echo "== [$((SECONDS - started)) s] fuzz targets (started after the Rust tests)"
wait "$fuzz_pid"
trap - EXIT
cat "$fuzz_log"
if [ "$(cat "$fuzz_log.status")" != 0 ]; then
  echo "fuzz targets failed (see above)"
  exit 1
fi
echo "== all tests passed in $((SECONDS - started)) s"
