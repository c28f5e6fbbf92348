#!/usr/bin/env bash
# Runs the browser viewer's tests: its JSDoc types (tsc), its Subresource
# Integrity hashes, its cryptography against core's published vectors
# (core/tests/vectors/share-v1.json) in Node's WebCrypto, and end to end in
# Debian's Chromium (playwright-core) against a real haven-relay and the
# real `haven` CLI, with an axe-core accessibility check. Screenshots and
# PDFs go to target/viewer-tests/.
#
# Installs what it needs, idempotently: Debian's chromium (and nodejs when
# there is no node), and the pinned npm packages of tests/package-lock.json
# into ${HAVEN_CACHE:-~/.cache/haven}/viewer-node (reinstalled only when the
# lock file changes; npm's cache is kept there too). The output ends with
# node's test runner's own summary; the exit status is non-zero if any test
# fails.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cache="${HAVEN_CACHE:-$HOME/.cache/haven}"
say() { echo "viewer: $*"; }

need_apt() { # need_apt FILE-OR-COMMAND PACKAGE
  { [ -x "$1" ] || command -v "$1" >/dev/null; } && return 0
  say "installing $2"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >/dev/null 2>&1 ||
    { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >/dev/null; }
}
need_apt /usr/bin/chromium chromium
need_apt node nodejs
need_apt npm npm

modules="$cache/viewer-node"
mkdir -p "$modules"
if ! cmp -s "$here/tests/package-lock.json" "$modules/package-lock.json" || [ ! -d "$modules/node_modules" ]; then
  say "installing the pinned test packages into $modules"
  cp "$here/tests/package.json" "$here/tests/package-lock.json" "$modules/"
  (cd "$modules" && npm ci --cache "$cache/npm" --prefer-offline --no-audit --no-fund --loglevel=error)
fi
ln -sfn "$modules/node_modules" "$here/tests/node_modules"

say "building haven and haven-relay (debug; the relay compiles the viewer in)"
(cd "$repo" && cargo build -q -p haven-cli -p haven-relay)

say "checking types and integrity hashes"
"$here/tests/node_modules/.bin/tsc" -p "$here/tests/jsconfig.json"
node "$here/integrity.mjs" --check

say "running the tests (vectors in Node, then Chromium end to end)"
cd "$here/tests"
export HAVEN_BIN="$repo/target/debug/haven" HAVEN_RELAY_BIN="$repo/target/debug/haven-relay"
export VIEWER_TEST_OUT="$repo/target/viewer-tests"
exec node --test --test-concurrency=1 --test-reporter=spec vectors.test.mjs browser.test.mjs
