#!/usr/bin/env bash
# haven-bench's sibling for the relay (issue 10): capsule opens per second
# and their p99 latency on loopback, for haven-relay on SQLite, haven-relay
# on PostgreSQL, and Debian's nginx serving a static file of the same size
# as the capsule (the floor a relay's reads are compared against). One run,
# the same wrk settings for all three, in --rounds rounds (each round
# measures the three one after the other, so outside load falls on all of
# them alike); it prints each measurement with the load average before it.
# A benchmark, never a timed test: it prints figures and asserts only that
# every request succeeded.
#
#   apps/relay/bench.sh [--duration 10s] [--connections 64] [--threads 2] [--rounds 1] [--json]
#
# What one "open" is: `POST /api/shares/ID/open` with the link's access
# token, exactly what the viewer and `haven share open` send; the relay
# checks the token's hash, counts the read, seals an access-log event to
# the person (HPKE) and returns the capsule. nginx answers `GET` of a file
# of the capsule's byte size. The share is made by the real `haven` CLI.
#
# Needs: a release build of haven-relay (built here), wrk and nginx
# (Debian's, installed below if missing), Debian's PostgreSQL initdb/pg_ctl
# (as for tests/run.sh). Every server listens on a free loopback port and
# is stopped on exit; everything runs in a temporary folder, removed on exit.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
duration=10s connections=64 threads=2 rounds=1 json=0
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift ;;
    --connections) connections=$2; shift ;;
    --threads) threads=$2; shift ;;
    --rounds) rounds=$2; shift ;;
    --json) json=1 ;;
    *) echo "usage: $0 [--duration 10s] [--connections N] [--threads N] [--rounds N] [--json]" >&2; exit 2 ;;
  esac
  shift
done
say() { echo "relay-bench: $*" >&2; }

# What the bench needs, installed if missing (idempotent, as tests/run.sh
# does): Debian's wrk and nginx, curl and python3 for the glue, and
# PostgreSQL's server binaries.
need_apt() { # need_apt COMMAND PACKAGE
  if command -v "$1" >/dev/null || [ -x "/usr/sbin/$1" ]; then return 0; fi
  say "installing $2 (for $1)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >/dev/null 2>&1 ||
    { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >/dev/null; }
}
need_apt wrk wrk
need_apt nginx nginx
need_apt curl curl
need_apt python3 python3
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  say "installing postgresql"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null 2>&1 ||
    { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null; }
fi
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
# Debian's newest PostgreSQL, as the relay's behaviour suite picks it.
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)

# The relay is measured: release. The CLI only makes the shares: debug
# (the build tests/run.sh and the viewer's tests already make).
# HAVEN_BENCH_PROFILE=debug checks the script with the debug relay (its
# figures mean nothing); HAVEN_BENCH_BINARIES=DIR uses DIR/haven-relay and
# DIR/haven as they are.
profile=${HAVEN_BENCH_PROFILE:-release}
if [ -n "${HAVEN_BENCH_BINARIES:-}" ]; then
  # A folder holding haven-relay and haven built earlier (to measure while
  # cargo is busy in this tree, or to compare builds).
  say "using haven-relay and haven from $HAVEN_BENCH_BINARIES (not building)"
  relay_bin="$HAVEN_BENCH_BINARIES/haven-relay"
  haven_bin="$HAVEN_BENCH_BINARIES/haven"
else
  say "building haven-relay ($profile) and haven (debug)"
  if [ "$profile" = release ]; then
    (cd "$repo" && cargo build -q --release -p haven-relay)
  else
    (cd "$repo" && cargo build -q -p haven-relay)
  fi
  (cd "$repo" && cargo build -q -p haven-cli)
  relay_bin="${CARGO_TARGET_DIR:-$repo/target}/$profile/haven-relay"
  haven_bin="${CARGO_TARGET_DIR:-$repo/target}/debug/haven"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/haven-relay-bench.XXXXXX")
chmod 755 "$work"
pids=()
pg_dir=""
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  [ -n "$pg_dir" ] && runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir" stop -m fast >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Starts haven-relay with ARGS; sets relay_url.
start_relay() {
  local out="$work/relay-$RANDOM.out" line="" i
  "$relay_bin" --listen 127.0.0.1:0 --rate 0 "$@" >"$out" 2>"$out.err" &
  pids+=($!)
  for i in $(seq 1 400); do
    line=$(grep -m1 '^listening on ' "$out" 2>/dev/null || true)
    [ -n "$line" ] && break
    sleep 0.05
  done
  [ -n "$line" ] || { cat "$out.err" >&2; say "haven-relay did not start"; exit 1; }
  relay_url="http://${line#listening on }"
}

# Makes a share of a crisis plan on relay_url with the real CLI; sets
# share_id, token (the link's access token, base64url) and capsule_bytes.
make_share() {
  export HAVEN_VAULT="$work/person-$RANDOM.haven" HAVEN_PASSPHRASE="relay bench passphrase"
  "$haven_bin" init --kdf-memory-mib 19 --kdf-iterations 2 >/dev/null
  "$haven_bin" plan template --format json >"$work/plan.json"
  python3 - "$work/plan.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
p["plan_details"]["owner"] = "Alex Example"
p["coping_strategies"] = ["Walk round the block", "Call Sam", "Music with headphones"]
p["help_contacts"] = [{"name": "Sam", "relationship": "brother",
                       "phones": [{"label": "mobile", "number": "07700 900123"}], "may_contact": True}]
json.dump(p, open(sys.argv[1], "w"))
PY
  "$haven_bin" plan edit "$work/plan.json" --remove-file >/dev/null
  local made
  made=$("$haven_bin" share create --plan --for "Sam, my brother" --relay "$relay_url" --json)
  read -r share_id token < <(python3 - "$made" <<'PY'
import base64, hashlib, hmac, json, sys
s = json.loads(sys.argv[1])
frag = s["link"].split("#", 1)[1]
key = base64.urlsafe_b64decode(frag + "=" * (-len(frag) % 4))
# core's link_secrets: HKDF-SHA256(salt = share id, ikm = key, info = label 0x00 PIN), no PIN here
prk = hmac.new(s["id"].encode(), key, hashlib.sha256).digest()
okm = hmac.new(prk, b"haven-share-v1 access\x00" + b"\x01", hashlib.sha256).digest()
print(s["id"], base64.urlsafe_b64encode(okm).decode().rstrip("="))
PY
)
  capsule_bytes=$(curl -sS -o "$work/capsule.bin" -w '%{size_download}' -X POST \
    -H "Authorization: Bearer $token" "$relay_url/api/shares/$share_id/open")
  [ "$(curl -sS -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $token" \
    "$relay_url/api/shares/$share_id/open")" = 200 ] || { say "the access token does not open the share"; exit 1; }
}

cat >"$work/open.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("HAVEN_BENCH_TOKEN")
LUA
cat >"$work/get.lua" <<'LUA'
LUA

# CPU time (clock ticks, user + system) used so far by PIDS and their
# children (nginx's workers, PostgreSQL's backends).
cpu_ticks() {
  local total=0 p q
  for p in "$@"; do
    for q in "$p" $(pgrep -P "$p" 2>/dev/null || true); do
      [ -r "/proc/$q/stat" ] || continue
      total=$((total + $(awk '{print $14 + $15}' "/proc/$q/stat" 2>/dev/null || echo 0)))
    done
  done
  echo "$total"
}

# Runs wrk against URL with SCRIPT, counting the CPU time of the server
# PIDS; prints "requests_per_s p99_ms failed server_cpu_us_per_request".
# The CPU time per request hardly depends on what else runs on the
# machine, where requests per second do.
bench() {
  local url=$1 script=$2 out t0 t1
  shift 2
  t0=$(cpu_ticks "$@")
  out=$(wrk -t"$threads" -c"$connections" -d"$duration" --latency -s "$script" "$url")
  t1=$(cpu_ticks "$@")
  printf '%s\n' "$out" >"$work/wrk-$RANDOM.txt"
  python3 - "$out" "$((t1 - t0))" "$(getconf CLK_TCK)" <<'PY'
import re, sys
t, ticks, hz = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
total = int(re.search(r"(\d+) requests in", t).group(1))
m = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", t, re.M)
p99 = float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", t)
errs = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", t)
n = (int(bad.group(1)) if bad else 0) + (sum(map(int, errs.groups())) if errs else 0)
cpu_us = ticks * 1e6 / hz / max(total, 1)
print(f"{rps:.0f} {p99:.2f} {n} {cpu_us:.1f}")
PY
}

load() { cut -d' ' -f1 /proc/loadavg; }

say "haven-relay on SQLite"
start_relay --data "$work/sqlite"
make_share
size=$capsule_bytes
declare -A url tok
declare -A srv
url[sqlite]="$relay_url/api/shares/$share_id/open" tok[sqlite]=$token srv[sqlite]=${pids[-1]}

say "haven-relay on PostgreSQL (Debian's, its own cluster)"
pg_dir="$work/pg"
mkdir -p "$pg_dir" && chown postgres "$pg_dir"
runuser -u postgres -- "$pg_bin/initdb" -D "$pg_dir" -A trust >/dev/null
pg_up=0
for _ in 1 2 3 4 5; do # a free port may be taken before the server binds it
  pg_port=$(free_port)
  if runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir" -w -l "$pg_dir/log" start \
    -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c max_connections=200" >/dev/null; then
    pg_up=1 && break
  fi
done
[ "$pg_up" = 1 ] || { cat "$pg_dir/log" >&2; say "PostgreSQL did not start"; exit 1; }
start_relay --database "postgres://postgres@127.0.0.1:$pg_port/postgres"
make_share
url[postgres]="$relay_url/api/shares/$share_id/open" tok[postgres]=$token
srv[postgres]="${pids[-1]} $(head -n1 "$pg_dir/postmaster.pid")"

say "nginx serving a $size-byte static file"
mkdir -p "$work/www"
head -c "$size" /dev/urandom >"$work/www/capsule"
chmod -R a+rX "$work/www"
ng_up=0
for _ in 1 2 3 4 5; do # as above: retry if the port went to someone else
  ng_port=$(free_port)
  cat >"$work/nginx.conf" <<EOF
worker_processes auto;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx-body;
  proxy_temp_path $work/nginx-proxy;
  fastcgi_temp_path $work/nginx-fastcgi;
  uwsgi_temp_path $work/nginx-uwsgi;
  scgi_temp_path $work/nginx-scgi;
  server {
    listen 127.0.0.1:$ng_port;
    root $work/www;
    location / { add_header Cache-Control no-store; }
  }
}
EOF
  "$nginx_bin" -c "$work/nginx.conf" -e "$work/nginx-error.log" &
  ng_pid=$!
  for _ in $(seq 1 100); do
    got=$(curl -fsS -o /dev/null -w '%{size_download}' "http://127.0.0.1:$ng_port/capsule" 2>/dev/null || true)
    [ "$got" = "$size" ] && { ng_up=1; break; }
    kill -0 "$ng_pid" 2>/dev/null || break # it exited: the port was taken
    sleep 0.05
  done
  [ "$ng_up" = 1 ] && { pids+=("$ng_pid"); break; }
  kill "$ng_pid" 2>/dev/null || true
  wait "$ng_pid" 2>/dev/null || true
done
[ "$ng_up" = 1 ] || { cat "$work/nginx-error.log" >&2; say "nginx did not start"; exit 1; }
url[nginx]="http://127.0.0.1:$ng_port/capsule" srv[nginx]=$ng_pid

results=()
for round in $(seq 1 "$rounds"); do
  for name in sqlite postgres nginx; do
    before=$(load)
    say "round $round: $name (load average $before)"
    # shellcheck disable=SC2086 # srv holds one or two pids
    if [ "$name" = nginx ]; then
      read -r rps p99 bad cpu < <(bench "${url[$name]}" "$work/get.lua" ${srv[$name]})
    else
      export HAVEN_BENCH_TOKEN=${tok[$name]}
      read -r rps p99 bad cpu < <(bench "${url[$name]}" "$work/open.lua" ${srv[$name]})
    fi
    results+=("$name $round $rps $p99 $bad $before $cpu")
  done
done

python3 - "$json" "$size" "$duration" "$connections" "$threads" "$(nproc)" "${results[@]}" <<'PY'
import json, statistics, sys
as_json, size, duration, conns, threads, cores = sys.argv[1:7]
runs = []
for r in sys.argv[7:]:
    name, rnd, rps, p99, bad, load, cpu = r.split()
    runs.append({"server": name, "round": int(rnd), "requests_per_s": float(rps),
                 "p99_ms": float(p99), "failed": int(bad), "load_before": float(load),
                 "server_cpu_us_per_request": float(cpu)})
rounds = max(r["round"] for r in runs)
ratio = {}  # (round, server) -> (throughput vs nginx, p99 vs nginx), same round
for rnd in range(1, rounds + 1):
    by = {r["server"]: r for r in runs if r["round"] == rnd}
    for n in ("sqlite", "postgres"):
        ratio[(rnd, n)] = (by[n]["requests_per_s"] / by["nginx"]["requests_per_s"],
                           by[n]["p99_ms"] / by["nginx"]["p99_ms"])
rows = {}
for name in ("sqlite", "postgres", "nginx"):
    mine = [r for r in runs if r["server"] == name]
    row = {"requests_per_s": statistics.median(r["requests_per_s"] for r in mine),
           "p99_ms": statistics.median(r["p99_ms"] for r in mine),
           "failed": sum(r["failed"] for r in mine),
           "server_cpu_us_per_request": statistics.median(r["server_cpu_us_per_request"] for r in mine)}
    if name != "nginx":
        row["throughput_vs_nginx"] = round(statistics.median(ratio[(k, name)][0] for k in range(1, rounds + 1)), 3)
        row["p99_vs_nginx"] = round(statistics.median(ratio[(k, name)][1] for k in range(1, rounds + 1)), 3)
    rows[name] = row
out = {"capsule_bytes": int(size), "duration": duration, "connections": int(conns),
       "wrk_threads": int(threads), "cores": int(cores), "rounds": rounds,
       "results": rows, "runs": runs}
labels = {"sqlite": "haven-relay SQLite", "postgres": "haven-relay PostgreSQL", "nginx": "nginx static file"}
if as_json == "1":
    print(json.dumps(out))
else:
    print(f"capsule {size} bytes; wrk {threads} threads, {conns} connections, {duration}; {cores} cores; {rounds} round(s)")
    print(f"{'round':<6}{'server':<24}{'opens/s':>10}{'p99 ms':>10}{'vs nginx':>10}{'p99 vs':>8}{'failed':>8}{'load':>7}{'cpu us/req':>11}")
    for r in runs:
        tp, lat = ratio.get((r["round"], r["server"]), (1, 1))
        print(f"{r['round']:<6}{labels[r['server']]:<24}{r['requests_per_s']:>10.0f}{r['p99_ms']:>10.2f}"
              f"{tp:>10.3f}{lat:>8.2f}{r['failed']:>8}{r['load_before']:>7.2f}{r['server_cpu_us_per_request']:>11.1f}")
    if rounds > 1:
        print("median of the rounds (ratios: the median of each round's own ratio)")
        for name in ("sqlite", "postgres", "nginx"):
            r = rows[name]
            print(f"{'':<6}{labels[name]:<24}{r['requests_per_s']:>10.0f}{r['p99_ms']:>10.2f}"
                  f"{r.get('throughput_vs_nginx', 1):>10.3f}{r.get('p99_vs_nginx', 1):>8.2f}{r['failed']:>8}{'':>7}{r['server_cpu_us_per_request']:>11.1f}")
bad = sum(r["failed"] for r in runs)
if bad:
    print(f"relay-bench: {bad} requests failed", file=sys.stderr)
    sys.exit(1)
PY
