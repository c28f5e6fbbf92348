#!/usr/bin/env bash
# RUSTC_WRAPPER for the fuzz build (tests/fuzz.sh): compiles the
# constant-time cryptography crates below without libFuzzer's coverage
# instrumentation, everything else as cargo-fuzz asks.
#
# Why: constant-time code has no branch that depends on the data, so its
# coverage tells the fuzzer nothing, while instrumenting every compare in
# its field arithmetic made the HPKE and signing targets spend most of
# their time there (perf: over 40% of samples in __sanitizer_cov_trace_*
# under curve25519-dalek). The crates are fuzzed upstream; everything
# Haven wraps around them stays instrumented. Cargo's profile rustflags
# cannot do this: they come before cargo-fuzz's RUSTFLAGS, which win.
set -euo pipefail
rustc=$1
shift
crate=
prev=
for a in "$@"; do
  [ "$prev" = --crate-name ] && crate=$a
  prev=$a
done
case $crate in
  curve25519_dalek | x25519_dalek | fiat_crypto | hpke | sha2 | hkdf | hmac | digest | \
    block_buffer | aes | aes_gcm | ghash | polyval | ctr | cipher | universal_hash | subtle | ring)
    args=()
    for a in "$@"; do
      case $a in
        -Cpasses=sancov-module | -Cllvm-args=-sanitizer-coverage-*) ;;
        *) args+=("$a") ;;
      esac
    done
    exec "$rustc" "${args[@]}"
    ;;
esac
exec "$rustc" "$@"
