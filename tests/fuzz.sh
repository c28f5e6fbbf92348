#!/usr/bin/env bash
# Builds the fuzz targets (fuzz/, cargo-fuzz + libFuzzer) and runs each one
# for a bounded time; exits non-zero on the first crash, leak of the
# allocation bound, or timeout. Called by tests/run.sh (about a minute in
# all); the long pre-release run is documented in docs/fuzzing.md.
#
#   tests/fuzz.sh [TARGET...]           every target (or the ones named)
#   HAVEN_FUZZ_SECONDS=N                seconds per target (default 4)
#   HAVEN_FUZZ_RUNS=N                   stop each after N executions instead
#   HAVEN_FUZZ_SANITIZER=address        build with a sanitizer (default none)
#
# Installs cargo-fuzz and caches its build and the growing corpus outside
# the repository (${HAVEN_CACHE:-~/.cache/haven}), idempotently. On this
# stable toolchain cargo-fuzz's nightly flags need RUSTC_BOOTSTRAP=1.
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE=${HAVEN_CACHE:-$HOME/.cache/haven}
CARGO_FUZZ_VERSION=0.13.2
FUZZ_ROOT=$CACHE/cargo-fuzz
if [ "$("$FUZZ_ROOT/bin/cargo-fuzz" --version 2>/dev/null)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]; then
  echo "installing cargo-fuzz $CARGO_FUZZ_VERSION into $FUZZ_ROOT"
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked --root "$FUZZ_ROOT" -q
fi
export PATH=$FUZZ_ROOT/bin:$PATH RUSTC_BOOTSTRAP=1

started=$SECONDS
# The fuzz crate is outside the workspace: `cargo fmt --all` skips it.
cargo fmt --manifest-path fuzz/Cargo.toml -- --check

SANITIZER=${HAVEN_FUZZ_SANITIZER:-none}
TARGET_DIR=$CACHE/fuzz-target
[ "$SANITIZER" = none ] || TARGET_DIR=$CACHE/fuzz-target-$SANITIZER
# Release with debug assertions (overflow checks on): what a target must
# not do includes overflowing. The wrapper leaves the constant-time crypto
# crates uninstrumented (why: in the script).
RUSTC_WRAPPER=$PWD/fuzz/uninstrumented-rustc.sh cargo fuzz build --fuzz-dir fuzz -O -a -s "$SANITIZER" --target-dir "$TARGET_DIR"
BIN=$TARGET_DIR/$(rustc -vV | sed -n 's/^host: //p')/release

if [ $# -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(cargo fuzz list --fuzz-dir fuzz)
fi

seconds=${HAVEN_FUZZ_SECONDS:-4}
limit=(-max_total_time="$seconds")
[ -n "${HAVEN_FUZZ_RUNS:-}" ] && limit=(-runs="$HAVEN_FUZZ_RUNS")

total=0
for t in "${targets[@]}"; do
  work=$CACHE/fuzz-corpus/$t # new inputs land here, never in the repo
  crashes=$CACHE/fuzz-crashes/$t
  mkdir -p "$work" "$crashes"
  case $t in
    document_record | document_file) max_len=16384 ;;
    *) max_len=4096 ;;
  esac
  log=$(mktemp)
  # -rss_limit_mb backs the per-target allocation bound the harness
  # enforces itself (fuzz/src/lib.rs); -timeout catches a hang.
  if ! "$BIN/$t" "$work" "fuzz/corpus/$t" "${limit[@]}" -max_len="$max_len" \
    -rss_limit_mb=1024 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$crashes/" >"$log" 2>&1; then
    tail -n 40 "$log"
    echo "fuzz: $t FAILED; the input is in $crashes/ (replay: $BIN/$t FILE)."
    echo "Fix it, then save the input as fuzz/regressions/$t/<what-it-found> (see docs/fuzzing.md)."
    rm -f "$log"
    exit 1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  secs=$(sed -n 's/^stat::slowest_unit_time_sec: *//p' "$log" | tail -n 1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
  rm -f "$log"
  printf 'fuzz: %-16s %12s runs, %s, slowest input %ss\n' "$t" "${runs:-?}" "${cov:-cov: ?}" "${secs:-?}"
  total=$((total + ${runs:-0}))
done
echo "fuzz: ${#targets[@]} targets, $total runs, no crash ($((SECONDS - started)) s with the build)"
