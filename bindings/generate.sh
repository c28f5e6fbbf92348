#!/usr/bin/env bash
# Generates the Kotlin and Swift bindings from the built library (uniffi
# library mode) into the committed locations. The generated code is committed
# so app developers can read it; `--check` regenerates into a temp dir and
# fails if the committed copy differs (tests/run.sh runs this).
#
#   bindings/generate.sh [--check] [--profile debug|release]
set -euo pipefail
cd "$(dirname "$0")/.."

check=0
profile=debug
while [ $# -gt 0 ]; do
  case "$1" in
    --check) check=1 ;;
    --profile) profile="$2"; shift ;;
    *) echo "usage: $0 [--check] [--profile debug|release]" >&2; exit 2 ;;
  esac
  shift
done

flag=""
[ "$profile" = release ] && flag="--release"
cargo build -q $flag -p haven-ffi
lib="target/$profile/libhaven_ffi.so"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for lang in kotlin swift; do
  cargo run -q $flag -p haven-ffi --bin uniffi-bindgen -- \
    generate --library "$lib" --language "$lang" --out-dir "$out/$lang" --no-format
done

kt_dest=bindings/kotlin/src/main/kotlin
swift_dest=bindings/swift/Sources/Haven
ffi_dest=bindings/swift/Sources/HavenFFI

if [ "$check" = 1 ]; then
  status=0
  diff -r "$out/kotlin" "$kt_dest" >/dev/null || { echo "generated Kotlin differs from $kt_dest: run bindings/generate.sh" >&2; status=1; }
  for f in Haven.swift HavenCore.swift; do
    cmp -s "$out/swift/$f" "$swift_dest/$f" || { echo "generated $f differs: run bindings/generate.sh" >&2; status=1; }
  done
  for f in haven_ffiFFI.h haven_coreFFI.h; do
    cmp -s "$out/swift/$f" "$ffi_dest/include/$f" || { echo "generated $f differs: run bindings/generate.sh" >&2; status=1; }
  done
  [ $status = 0 ] && echo "generated bindings are up to date"
  exit $status
fi

rm -rf "$kt_dest" && mkdir -p "$kt_dest" && cp -r "$out/kotlin/." "$kt_dest/"
mkdir -p "$swift_dest" "$ffi_dest/include"
cp "$out/swift/Haven.swift" "$out/swift/HavenCore.swift" "$swift_dest/"
cp "$out/swift/haven_ffiFFI.h" "$out/swift/haven_coreFFI.h" "$ffi_dest/include/"
echo "generated into $kt_dest, $swift_dest and $ffi_dest/include"
