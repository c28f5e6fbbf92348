#!/usr/bin/env bash
# Smoke test for haven-bench: a tiny run must print one JSON object with all
# seven workloads and the unlock and RSS figures. No timing is asserted.
set -euo pipefail
cd "$(dirname "$0")/../.."
# Release by default (real numbers); CI passes HAVEN_BENCH_PROFILE=debug to
# reuse its debug build, since no timing is asserted here.
profile=(--release)
[ "${HAVEN_BENCH_PROFILE:-release}" = debug ] && profile=()
out="$(cargo run --quiet "${profile[@]}" -p haven-bench -- --entries 200 --json)"
printf '%s\n' "$out" | python3 -c '
import json, math, sys
r = json.load(sys.stdin)
want = ["add", "open", "list_page", "list_all", "search", "edit", "delete"]
names = [w["name"] for w in r["workloads"]]
assert names == want, f"workloads {names}, expected {want}"
assert r["entries"] == 200, r["entries"]
for w in r["workloads"]:
    for k in ("haven_ms", "sqlite_ms", "sqlcipher_ms"):
        v = w[k]
        assert isinstance(v, (int, float)) and math.isfinite(v) and v >= 0, (w["name"], k, v)
for k in ("unlock_ms", "peak_rss_mb", "write_with_state_us", "write_without_state_us"):
    assert isinstance(r[k], (int, float)) and math.isfinite(r[k]) and r[k] > 0, (k, r[k])
print("haven-bench smoke: ok")
'
