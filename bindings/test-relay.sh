# Sourced by bindings/kotlin/test.sh and bindings/swift/test.sh: starts a real
# haven-relay (SQLite, its own temporary data folder) on a free loopback port
# for the sharing tests, and stops it when the script exits.
#
#   start_test_relay REPO    sets HAVEN_TEST_RELAY=http://127.0.0.1:PORT
#   stop_test_relay          (also run on exit)
#
# The relay is built by the caller (cargo build -p haven-relay). Its rate
# limit is off: the tests make a few dozen calls from one address at once.

test_relay_pid=""
test_relay_dir=""

stop_test_relay() {
  if [ -n "$test_relay_pid" ]; then
    kill "$test_relay_pid" 2>/dev/null || true
    wait "$test_relay_pid" 2>/dev/null || true
    test_relay_pid=""
  fi
  if [ -n "$test_relay_dir" ]; then
    rm -rf "$test_relay_dir"
    test_relay_dir=""
  fi
}

start_test_relay() {
  local repo=$1 bin target line i
  target=${CARGO_TARGET_DIR:-$1/target}
  bin="$target/debug/haven-relay"
  [ -x "$bin" ] || { echo "no $bin: build haven-relay first" >&2; return 1; }
  test_relay_dir=$(mktemp -d "${TMPDIR:-/tmp}/haven-test-relay.XXXXXX")
  "$bin" --listen 127.0.0.1:0 --data "$test_relay_dir/data" --rate 0 \
    >"$test_relay_dir/out" 2>"$test_relay_dir/err" &
  test_relay_pid=$!
  # It prints `listening on ADDR` once it accepts connections.
  for i in $(seq 1 200); do
    line=$(grep -m1 '^listening on ' "$test_relay_dir/out" 2>/dev/null || true)
    [ -n "$line" ] && break
    kill -0 "$test_relay_pid" 2>/dev/null || { cat "$test_relay_dir/err" >&2; echo "haven-relay did not start" >&2; return 1; }
    sleep 0.05
  done
  [ -n "$line" ] || { echo "haven-relay did not say where it listens" >&2; return 1; }
  export HAVEN_TEST_RELAY="http://${line#listening on }"
}
