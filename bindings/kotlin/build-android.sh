#!/usr/bin/env bash
# Builds libhaven_ffi.so for the Android ABIs with cargo-ndk into
# src/main/jniLibs/<abi>/, ready for `gradle assembleRelease`.
#
#   bindings/kotlin/build-android.sh [--debug]
#
# Needs the Android NDK (ANDROID_NDK_HOME) and cargo-ndk; it cannot run on a
# machine without the Android SDK/NDK, and says so instead of half-building.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

abis=(arm64-v8a armeabi-v7a x86_64)
targets=(aarch64-linux-android armv7-linux-androideabi x86_64-linux-android)
min_sdk=26
profile=(--release)
[ "${1:-}" = --debug ] && profile=()

fail() { echo "build-android.sh: $*" >&2; exit 1; }

if [ -z "${ANDROID_NDK_HOME:-}" ] || [ ! -d "${ANDROID_NDK_HOME:-/nonexistent}" ]; then
  fail "ANDROID_NDK_HOME is not set to an installed Android NDK.
This script needs the platform SDKs: install the Android SDK and NDK (e.g.
'sdkmanager \"ndk;27.2.12479018\"') and export ANDROID_NDK_HOME. Android
libraries cannot be built on a machine without them."
fi
if ! command -v cargo-ndk >/dev/null; then
  fail "cargo-ndk is missing: cargo install cargo-ndk"
fi
installed="$(rustup target list --installed 2>/dev/null || true)"
for t in "${targets[@]}"; do
  grep -qx "$t" <<<"$installed" || fail "Rust target $t is missing: rustup target add ${targets[*]}"
done

out="$here/src/main/jniLibs"
mkdir -p "$out"
args=()
for abi in "${abis[@]}"; do args+=(-t "$abi"); done

cd "$repo"
cargo ndk "${args[@]}" --platform "$min_sdk" -o "$out" build "${profile[@]}" -p haven-ffi
for abi in "${abis[@]}"; do
  [ -f "$out/$abi/libhaven_ffi.so" ] || fail "missing $out/$abi/libhaven_ffi.so"
done
echo "build-android.sh: built libhaven_ffi.so for ${abis[*]} into $out"
echo "next: (cd bindings/kotlin && gradle assembleRelease)"
