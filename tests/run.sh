#!/usr/bin/env bash
# Runs every Haven test suite. Used as-is by CI (.ci/run) and by developers.
# Installs what its suites need, idempotently, caching outside the repo.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== format"
cargo fmt --all -- --check

echo "== clippy (warnings are errors)"
cargo clippy --workspace --all-targets -- -D warnings

echo "== rust tests"
cargo test --workspace --all-targets --no-fail-fast

echo "== swift bindings (XCTest in a Debian trixie chroot)"
bindings/swift/test.sh
