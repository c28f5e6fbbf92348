#!/usr/bin/env bash
# Runs the Swift binding tests (XCTest) on Linux.
#
# Debian trixie's swiftlang needs a newer glibc than the Debian 12 hosts Haven
# is built on, so Swift runs in a trixie chroot kept outside the repo
# (${HAVEN_CACHE:-$HOME/.cache/haven}/swift-trixie). The Rust library is built
# on the host; the package and the library folder are bind-mounted into the
# chroot read-only and unmounted on exit. The output ends with `swift test`'s
# own summary and the exit status is swift test's. The sharing tests talk to
# a real haven-relay started on a free loopback port on the host
# (../test-relay.sh); a chroot shares the host's network, so the tests reach
# it at the address passed in HAVEN_TEST_RELAY. It is stopped on exit.
#
#   bindings/swift/test.sh        (root: debootstrap, chroot and mount need it)
#
# Environment: HAVEN_CACHE (cache root), HAVEN_DEBIAN_MIRROR (default: the
# Debian mirror named in this machine's apt sources), CARGO_TARGET_DIR.
set -euo pipefail

pkg=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$pkg/../.." && pwd)
cache=${HAVEN_CACHE:-$HOME/.cache/haven}
root=$cache/swift-trixie
marker=$root/.haven-chroot-ready
# Bump when the chroot's package set changes, so old caches get rebuilt.
chroot_version="1 swiftlang libc6-dev"

if [ "$(id -u)" != 0 ]; then
  echo "bindings/swift/test.sh needs root (debootstrap, chroot, mount)" >&2
  exit 1
fi

mkdir -p "$cache"
# One run at a time per cache: a second run waits instead of racing the setup.
exec 9>"$cache/swift-trixie.lock"
flock 9

# Unmounts everything below the chroot root, deepest first. Also run at start
# in case a previous run was killed before its trap could do it.
unmount_all() {
  [ -d "$root" ] || return 0
  local m
  awk -v r="$root/" 'index($2, r) == 1 { print $2 }' /proc/self/mounts | sort -r |
    while read -r m; do umount -l "$m" 2>/dev/null || true; done
}
# shellcheck source=../test-relay.sh
source "$pkg/../test-relay.sh"
trap 'unmount_all; stop_test_relay' EXIT
# Turn signals into a normal exit so the EXIT trap unmounts.
trap 'exit 130' INT TERM HUP
unmount_all

debian_mirror() {
  if [ -n "${HAVEN_DEBIAN_MIRROR:-}" ]; then echo "$HAVEN_DEBIAN_MIRROR"; return; fi
  local m
  m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
    grep -E '^[[:space:]]*(deb|URIs:)[[:space:]]' | grep -v '^[[:space:]]*#' |
    grep -oE 'https?://[^ ]+/debian/?([[:space:]]|$)' | head -n1 | tr -d '[:space:]' || true)
  echo "${m:-http://deb.debian.org/debian}"
}

in_chroot() {
  chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    DEBIAN_FRONTEND=noninteractive "$@"
}

mount_proc_dev() {
  mount -t proc proc "$root/proc"
  mount --bind /dev "$root/dev"
}

if [ ! -f "$marker" ] || [ "$(cat "$marker")" != "$chroot_version" ]; then
  started=$SECONDS
  if [ -e "$root" ]; then
    echo "== swift chroot at $root is incomplete or outdated: rebuilding"
    unmount_all
    if awk -v r="$root/" 'index($2, r) == 1 { found = 1 } END { exit !found }' /proc/self/mounts; then
      echo "something is still mounted under $root: not deleting it" >&2
      exit 1
    fi
    rm -rf --one-file-system "$root"
  fi
  if ! command -v debootstrap >/dev/null; then
    echo "== installing debootstrap on the host"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null 2>&1 ||
      { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null; }
  fi
  mirror=$(debian_mirror)
  echo "== debootstrap trixie into $root from $mirror"
  debootstrap --variant=minbase trixie "$root" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
    { tail -n 30 "$cache/debootstrap.log" >&2; echo "debootstrap failed (log: $cache/debootstrap.log)" >&2; exit 1; }
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  mount_proc_dev
  echo "== installing swiftlang and libc6-dev in the chroot"
  # Two tries: a mirror hiccup should not cost a whole new debootstrap.
  (for try in 1 2; do
      in_chroot apt-get update -q &&
        in_chroot apt-get install -y -q --no-install-recommends swiftlang libc6-dev && break
      [ "$try" = 2 ] && exit 1
      sleep 5
    done
    in_chroot apt-get clean) >"$cache/chroot-apt.log" 2>&1 ||
    { tail -n 30 "$cache/chroot-apt.log" >&2; echo "installing swiftlang failed (log: $cache/chroot-apt.log)" >&2; exit 1; }
  in_chroot swift --version >/dev/null
  unmount_all
  echo "$chroot_version" >"$marker"
  echo "== swift chroot ready in $((SECONDS - started)) s"
fi

echo "== building the Rust library and the relay (cargo build -p haven-ffi; -p haven-relay)"
# Two builds, not one: built together, cargo unifies their dependencies
# features and rebuilds both (the gate and the viewer build them apart).
(cd "$repo" && cargo build -q -p haven-ffi && cargo build -q -p haven-relay)
# Swift generated from another build of the library would fail uniffi's
# checksums at the first call; say so plainly instead.
"$repo/bindings/generate.sh" --check
libdir=${CARGO_TARGET_DIR:-$repo/target}/debug
[ -f "$libdir/libhaven_ffi.so" ] || { echo "no $libdir/libhaven_ffi.so after cargo build" >&2; exit 1; }

mount_proc_dev
mkdir -p "$root/haven/swift" "$root/haven/lib"
mount --bind "$pkg" "$root/haven/swift"
mount -o remount,bind,ro "$root/haven/swift"
mount --bind "$libdir" "$root/haven/lib"
mount -o remount,bind,ro "$root/haven/lib"
# The font ExportLanguageTests adds as an app would: Debian's CJK font from
# the host, read-only (tests/run.sh installs the package too).
fontdir=/usr/share/fonts/truetype/wqy
if [ ! -e "$fontdir/wqy-microhei.ttc" ]; then
  echo "installing fonts-wqy-microhei (for ExportLanguageTests)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q fonts-wqy-microhei >/dev/null 2>&1 ||
    { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q fonts-wqy-microhei >/dev/null; }
fi
mkdir -p "$root/haven/fonts"
mount --bind "$fontdir" "$root/haven/fonts"
mount -o remount,bind,ro "$root/haven/fonts"

# The build folder stays in the chroot (one per checkout), so a second run
# only recompiles what changed.
build_key=$(printf %s "$pkg" | sha256sum | cut -c1-12)
swift_args=(--package-path /haven/swift --scratch-path "/var/cache/haven-swift-build/$build_key"
  -Xlinker -L/haven/lib -Xlinker -rpath -Xlinker /haven/lib)
echo "== swift build"
in_chroot env LD_LIBRARY_PATH=/haven/lib swift build --build-tests "${swift_args[@]}"
start_test_relay "$repo"
echo "== relay for the sharing tests at $HAVEN_TEST_RELAY"
echo "== swift test"
# XCTest only (the suite has no swift-testing tests), so its summary is the
# last line. `swift test` exits 0 when no test ran (a filter matching
# nothing, a target that lost its tests): that is a failure here, as it is
# for the Kotlin suite (JUnit's --fail-if-no-tests).
log=$(mktemp)
status=0
in_chroot env LD_LIBRARY_PATH=/haven/lib HAVEN_TEST_RELAY="$HAVEN_TEST_RELAY" swift test --skip-build --disable-swift-testing "${swift_args[@]}" "$@" 2>&1 |
  tee "$log" || status=$?
if [ "$status" = 0 ] && ! grep -qE "Executed [1-9][0-9]* tests?, with 0 failures" "$log"; then
  echo "bindings/swift/test.sh: no test ran" >&2
  status=1
fi
rm -f "$log"
exit "$status"
