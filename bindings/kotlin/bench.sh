#!/usr/bin/env bash
# The bindings benchmark (issue 5): times journal calls through Kotlin (JNA +
# generated bindings) against the same calls straight in Rust
# (bindings/src/bin/ffi-baseline.rs), both on the release build, and prints a
# table of medians and the Kotlin/Rust ratio. Not run by CI.
#
#   bindings/kotlin/bench.sh            # 10,000 entries, 1,000 adds, 7 runs
#   bindings/kotlin/bench.sh --smoke    # 200 entries, 50 adds, 5 runs (seconds)
#   bindings/kotlin/bench.sh --entries N --adds N --reps N --warmup N
set -euo pipefail
# shellcheck source=tools.sh
source "$(dirname "$0")/tools.sh"

args=(--entries 10000 --adds 1000 --reps 7 --warmup 2)
if [ "${1:-}" = --smoke ]; then
  args=(--entries 200 --adds 50 --reps 5 --warmup 1)
  shift
fi

ensure_tools

say "building haven-ffi and ffi-baseline (release)"
(cd "$repo" && cargo build -q --release -p haven-ffi)
lib_dir="$repo/target/release"

compile_main
compile_extra bench "$here/bench" ""

# One listing of 10k entries allocates ~30 MB of Java strings and arrays.
# With the JVM's default, small and self-resizing young generation that
# garbage is copied between generations while the list is being built, and
# the Kotlin figures swing by 50% from run to run (docs/performance.md has
# runs with and without these options). A fixed heap with a young
# generation that holds one call's garbage keeps GC tuning out of the FFI
# figure. Override with HAVEN_BENCH_JAVA_OPTS (an empty value = defaults).
read -r -a java_opts <<<"${HAVEN_BENCH_JAVA_OPTS-"-Xms1g -Xmx1g -Xmn512m -XX:+UseSerialGC"}"
say "running (the Rust baseline first, then Kotlin), JVM options: ${java_opts[*]:-(defaults)}"
exec java "${java_opts[@]}" -Xss8m -Djna.library.path="$lib_dir" -cp "$out:$main_out:$stdlib:$jna_jar" \
  app.haven.bench.BenchKt "${args[@]}" "$@" --baseline "$lib_dir/ffi-baseline"
