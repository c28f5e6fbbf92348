#!/usr/bin/env bash
# Runs every Haven test suite. Used as-is by CI (.ci/run) and by developers.
# Installs what its suites need (Debian packages, kotlinc, a Swift chroot,
# cargo-fuzz), idempotently, caching outside the repo
# (${HAVEN_CACHE:-~/.cache/haven}).
#
# The benchmark crate links SQLCipher (a superset of SQLite); it is built on
# its own so that the core, CLI and bindings are tested on the same plain
# SQLite the apps ship, and only one extra build is paid for SQLCipher.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt() { # need_apt COMMAND PACKAGE
  command -v "$1" >/dev/null && return 0
  echo "installing $2 (for $1)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >/dev/null 2>&1 ||
    { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >/dev/null; }
}
need_apt pdftotext poppler-utils # the PDF export tests read PDFs back with it
# The relay's behaviour suite starts its own PostgreSQL server (Debian's).
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "installing postgresql (for the relay's behaviour suite)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null 2>&1 ||
    { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null; }
fi

# Fonts the PDF script tests pass to exports as an app would (Chinese,
# Arabic and Urdu, Devanagari, Bengali): the smallest Debian packages that
# cover those scripts (about 2.4 MB to download); see
# core/tests/pdf_read/mod.rs. Nothing is downloaded while tests run.
need_files() { # need_files PACKAGE FILE...: installs PACKAGE unless every FILE exists
  local pkg=$1 f
  shift
  for f in "$@"; do
    [ -e "$f" ] && continue
    echo "installing $pkg (for $f)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$pkg" >/dev/null 2>&1 ||
      { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$pkg" >/dev/null; }
    return 0
  done
}
need_files fonts-wqy-microhei /usr/share/fonts/truetype/wqy/wqy-microhei.ttc
need_files fonts-hosny-amiri /usr/share/fonts/opentype/fonts-hosny-amiri/Amiri-Regular.ttf \
  /usr/share/fonts/opentype/fonts-hosny-amiri/Amiri-Bold.ttf
need_files fonts-lohit-deva /usr/share/fonts/truetype/lohit-devanagari/Lohit-Devanagari.ttf
need_files fonts-lohit-beng-bengali /usr/share/fonts/truetype/lohit-bengali/Lohit-Bengali.ttf

echo "== format"
cargo fmt --all -- --check

echo "== clippy (warnings are errors)"
cargo clippy --workspace --exclude haven-bench --all-targets -- -D warnings
cargo clippy -p haven-bench --all-targets -- -D warnings

echo "== generated bindings match the Rust"
bindings/generate.sh --check

echo "== benchmark smoke run (no timings asserted)"
HAVEN_BENCH_PROFILE=debug tests/bench/smoke.sh

echo "== rust tests"
cargo test --workspace --exclude haven-bench --all-targets --no-fail-fast
cargo test -p haven-bench --all-targets

echo "== browser viewer (vectors in Node's WebCrypto; Chromium end to end, axe-core)"
apps/viewer/test.sh

echo "== fuzz targets (cargo-fuzz: each built and run briefly; a crash fails)"
tests/fuzz.sh

echo "== kotlin bindings on the JVM (JUnit 5)"
bindings/kotlin/test.sh

echo "== swift bindings (XCTest in a Debian trixie chroot)"
bindings/swift/test.sh
