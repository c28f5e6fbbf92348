#!/usr/bin/env bash
# Runs the Kotlin bindings' JUnit 5 suite on the JVM against the debug build
# of libhaven_ffi.so. Installs what it needs, idempotently, cached outside the
# repo (${HAVEN_CACHE:-$HOME/.cache/haven}): kotlinc from the npm package
# `kotlin-compiler`; JNA, JUnit 5 and sqlite-jdbc (the tamper tests edit the
# SQLite file) from Debian. Compiled classes are cached by a hash of their
# sources, so a second run only compiles what changed.
#
#   bindings/kotlin/test.sh [extra JUnit console options, e.g. --select-method ...]
#
# The output ends with JUnit's own summary; the exit status is non-zero if
# any test fails or none could run.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cache="${HAVEN_CACHE:-$HOME/.cache/haven}"
kotlin_version=2.4.20
kotlin_home="$cache/kotlinc-$kotlin_version"
java_dir=/usr/share/java
jna_jar="$java_dir/jna.jar"
junit_console="$java_dir/junit-platform-console-standalone.jar"
sqlite_jar="$java_dir/sqlite-jdbc.jar"

say() { echo "test.sh: $*" >&2; }

# --- tools ------------------------------------------------------------------
command -v java >/dev/null || { say "java (17+) is needed: apt-get install -y default-jdk-headless"; exit 1; }

if [ ! -f "$jna_jar" ] || [ ! -f "$junit_console" ] || [ ! -f "$sqlite_jar" ]; then
  say "installing JNA, JUnit 5 and sqlite-jdbc from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq libjna-java junit5 libxerial-sqlite-jdbc-java >/dev/null \
    || { apt-get update -qq && apt-get install -y -qq libjna-java junit5 libxerial-sqlite-jdbc-java >/dev/null; }
fi

if [ ! -x "$kotlin_home/bin/kotlinc" ]; then
  say "installing kotlinc $kotlin_version from npm into $kotlin_home"
  mkdir -p "$cache"
  tmp="$(mktemp -d "$cache/kotlinc.XXXXXX")"
  (cd "$tmp" && npm pack --silent "kotlin-compiler@$kotlin_version" >/dev/null && tar -xzf "kotlin-compiler-$kotlin_version.tgz")
  chmod +x "$tmp/package/bin/"*
  rm -rf "$kotlin_home" && mv "$tmp/package" "$kotlin_home" && rm -rf "$tmp"
fi
kotlinc="$kotlin_home/bin/kotlinc"
stdlib="$kotlin_home/lib/kotlin-stdlib.jar"

# --- the Rust library -------------------------------------------------------
say "building haven-ffi (debug)"
(cd "$repo" && cargo build -q -p haven-ffi)
lib_dir="$repo/target/debug"
[ -f "$lib_dir/libhaven_ffi.so" ] || { say "missing $lib_dir/libhaven_ffi.so"; exit 1; }

# --- compile (cached by source hash) ----------------------------------------
build="$cache/kotlin-test"
mkdir -p "$build"
hash_of() { (echo "$kotlin_version"; find "$@" -name '*.kt' -type f | LC_ALL=C sort | xargs sha256sum) | sha256sum | cut -c1-16; }

main_hash="$(hash_of "$here/src/main/kotlin" "$here/src/helpers/kotlin")"
main_out="$build/main-$main_hash"
if [ ! -f "$main_out/.done" ]; then
  say "compiling the generated bindings and helpers (once per change, ~1 min)"
  rm -rf "$build"/main-* && mkdir -p "$main_out"
  "$kotlinc" -nowarn -jvm-target 17 -cp "$jna_jar" -d "$main_out" \
    "$here/src/main/kotlin" "$here/src/helpers/kotlin"
  touch "$main_out/.done"
fi

junit_cp="$java_dir/junit-jupiter-api.jar:$java_dir/opentest4j.jar:$java_dir/apiguardian-api.jar:$java_dir/junit-platform-commons.jar"
test_hash="$(echo "$main_hash $(hash_of "$here/src/test/kotlin")" | sha256sum | cut -c1-16)"
test_out="$build/test-$test_hash"
if [ ! -f "$test_out/.done" ]; then
  say "compiling the tests"
  rm -rf "$build"/test-* && mkdir -p "$test_out"
  "$kotlinc" -jvm-target 17 -cp "$main_out:$jna_jar:$junit_cp:$sqlite_jar" -d "$test_out" \
    "$here/src/test/kotlin"
  touch "$test_out/.done"
fi

# --- run ----------------------------------------------------------------------
say "running JUnit"
exec java -Djna.library.path="$lib_dir" -jar "$junit_console" \
  --disable-banner --fail-if-no-tests $([ -t 1 ] || echo --disable-ansi-colors) \
  --class-path "$test_out:$main_out:$stdlib:$jna_jar:$sqlite_jar" \
  --select-package app.haven.tests "$@"
