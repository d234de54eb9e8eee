#!/usr/bin/env bash
# Fuzzes crmscore's input decoders with cargo fuzz (libFuzzer), each target for
# a bounded time, starting from the committed seed corpus in fuzz/corpus/<target>/.
#
#   bash scripts/fuzz.sh            # 20 s per target (8 targets: under 3 minutes plus the build)
#   bash scripts/fuzz.sh 600        # 10 minutes per target
#   bash scripts/fuzz.sh 300 rules  # one target
#
# Targets: rules (rule parser and type checker), customer (customer decoder),
# model (model decoder), csv (CSV reader), config (score with an arbitrary config),
# tape (the tape decoder that score and scoreMany read JavaScript input with),
# explain (explanations of arbitrary rules stay linear in the config's size),
# paths (arbitrary strings, U+0000 and lone surrogates included, give the same
# result or error through JSON text and through the tape).
#
# Each run fails on a panic, an abort, an input taking over 2 s (-timeout=2) or
# memory over 512 MB (-rss_limit_mb=512, -malloc_limit_mb=512). The input that
# failed is written to fuzz/artifacts/<target>/; replay it with
#   RUSTC_BOOTSTRAP=1 cargo fuzz run <target> fuzz/artifacts/<target>/<file>   (from fuzz/)
# New inputs libFuzzer finds go to fuzz/corpus-run/<target>/ (not committed);
# add the interesting ones to fuzz/corpus/<target>/ by hand (keep it small:
# `cargo fuzz cmin` can shrink a corpus).
#
# The exact command that works here (stable Rust 1.95 with RUSTC_BOOTSTRAP=1,
# which lets cargo fuzz pass its nightly-only -Z flags; AddressSanitizer works):
#   cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer address <target> \
#     corpus-run/<target> corpus/<target> -- -max_total_time=20 -timeout=2 -rss_limit_mb=512
# If the sanitizer build fails on another toolchain, FUZZ_SANITIZER=none uses
# plain libFuzzer (panics, timeouts and memory limits are still caught).
# FUZZ_SEED=N fixes libFuzzer's random seed (0, the default, picks one per run):
# FUZZ_RUNS=N stops each target after N inputs (the time limit still applies).
# scripts/test.sh (CI) runs FUZZ_SEED=1 FUZZ_RUNS=4000 (10 s at most per target, to keep the test
# command under 10 minutes) from the committed corpus: the
# same inputs on every run, so CI repeats a verified exploration instead of drawing a
# new random one; longer runs here are how new inputs are found.
set -euo pipefail

seconds="${1:-20}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(rules customer model csv config tape explain paths)
fi
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/fuzz"

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz.sh: installing cargo-fuzz from crates.io"
  cargo install cargo-fuzz --version 0.13.2 --locked
fi

export RUSTC_BOOTSTRAP=1
# AddressSanitizer keeps 256 MB of freed memory in quarantine by default, which
# alone takes a target that allocates freely (explain) near -rss_limit_mb: 64 MB
# leaves the limit to measure the target's own memory. Options given in
# ASAN_OPTIONS come later and win.
export ASAN_OPTIONS="quarantine_size_mb=64${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
sanitizer="${FUZZ_SANITIZER:-address}"
target_dir=()
if [ -n "${CARGO_TARGET_DIR:-}" ]; then
  target_dir=(--target-dir "$CARGO_TARGET_DIR")
fi
status=0
summary=()
for t in "${targets[@]}"; do
  mkdir -p "corpus-run/$t" "artifacts/$t"
  echo "== fuzz $t for ${seconds}s (sanitizer: $sanitizer)"
  log="$(mktemp)"
  if cargo fuzz run "${target_dir[@]}" --sanitizer "$sanitizer" "$t" "corpus-run/$t" "corpus/$t" -- \
      -max_total_time="$seconds" -seed="${FUZZ_SEED:-0}" -runs="${FUZZ_RUNS:--1}" -timeout=2 -rss_limit_mb=512 -malloc_limit_mb=512 \
      -max_len=8192 -print_final_stats=1 >"$log" 2>&1; then
    runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')"
    cov="$(grep -o 'cov: [0-9]*' "$log" | tail -1 || true)"
    summary+=("$t: ok, $runs runs (limit ${seconds}s), $cov")
  else
    status=1
    grep -m3 -A3 "panicked" "$log" || true
    tail -40 "$log"
    summary+=("$t: FAILED (see fuzz/artifacts/$t/)")
  fi
  rm -f "$log"
done
echo "== fuzz summary"
printf '%s\n' "${summary[@]}"
exit "$status"
