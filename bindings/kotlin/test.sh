#!/usr/bin/env bash
# Runs the Kotlin bindings' JUnit 5 suite on the JVM against the debug build
# of libhaven_ffi.so. Installs what it needs (see tools.sh), cached outside
# the repo; compiled classes are cached by a hash of their sources, so a
# second run only compiles what changed. The sharing tests talk to a real
# haven-relay this script starts on a free loopback port (../test-relay.sh)
# and stops on exit.
#
#   bindings/kotlin/test.sh [extra JUnit console options]
#
# The output ends with JUnit's own summary; the exit status is non-zero if
# any test fails or none could run.
set -euo pipefail
# shellcheck source=tools.sh
source "$(dirname "$0")/tools.sh"
# shellcheck source=../test-relay.sh
source "$(dirname "$0")/../test-relay.sh"

ensure_tools

say "building haven-ffi and haven-relay (debug)"
# Two builds, not one: built together, cargo unifies their dependencies
# features and rebuilds both (the gate and the viewer build them apart).
(cd "$repo" && cargo build -q -p haven-ffi && cargo build -q -p haven-relay)
lib_dir="$repo/target/debug"
[ -f "$lib_dir/libhaven_ffi.so" ] || { say "missing $lib_dir/libhaven_ffi.so"; exit 1; }

compile_main
junit_api="$java_dir/junit-jupiter-api.jar:$java_dir/opentest4j.jar:$java_dir/apiguardian-api.jar:$java_dir/junit-platform-commons.jar"
compile_extra test "$here/src/test/kotlin" "$junit_api:$sqlite_jar"

trap stop_test_relay EXIT
start_test_relay "$repo"
say "relay for the sharing tests at $HAVEN_TEST_RELAY"

say "running JUnit"
colour=()
[ -t 1 ] || colour=(--disable-ansi-colors)
status=0
java -Djna.library.path="$lib_dir" -Dhaven.repo="$repo" -Dhaven.relay="$HAVEN_TEST_RELAY" \
  -jar "$junit_console" \
  --disable-banner --fail-if-no-tests "${colour[@]}" \
  --class-path "$out:$main_out:$stdlib:$coroutines:$jna_jar:$sqlite_jar" \
  --select-package app.haven.tests "$@" || status=$?
exit "$status"
