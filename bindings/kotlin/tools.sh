# Sourced by test.sh and bench.sh: installs the JVM-side tools, idempotently,
# cached outside the repo in ${HAVEN_CACHE:-$HOME/.cache/haven}, and compiles
# the generated bindings + helpers once per change of their sources.
#   kotlinc: the npm package `kotlin-compiler` (the full distribution), pinned;
#   JNA, JUnit 5, sqlite-jdbc: Debian packages, installed only if missing.

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cache="${HAVEN_CACHE:-$HOME/.cache/haven}"
kotlin_version=2.4.20
kotlin_home="$cache/kotlinc-$kotlin_version"
java_dir=/usr/share/java
jna_jar="$java_dir/jna.jar"
junit_console="$java_dir/junit-platform-console-standalone.jar"
sqlite_jar="$java_dir/sqlite-jdbc.jar"
kotlinc="$kotlin_home/bin/kotlinc"
stdlib="$kotlin_home/lib/kotlin-stdlib.jar"
# The async (suspend) forms need kotlinx-coroutines; kotlinc's lib/ has it.
coroutines="$kotlin_home/lib/kotlinx-coroutines-core-jvm.jar"
build="$cache/kotlin-build"
# One run at a time per cache: compile_main and compile_extra delete other
# hashes' outputs, so a second run (another worktree) waits instead of racing.
mkdir -p "$cache"
exec 8>"$cache/kotlin.lock"
flock 8

say() { echo "$(basename "$0"): $*" >&2; }

ensure_tools() {
  command -v java >/dev/null || { say "java (17+) is needed: apt-get install -y default-jdk-headless"; return 1; }
  if [ ! -f "$jna_jar" ] || [ ! -f "$junit_console" ] || [ ! -f "$sqlite_jar" ]; then
    say "installing JNA, JUnit 5 and sqlite-jdbc from Debian"
    export DEBIAN_FRONTEND=noninteractive
    local pkgs="libjna-java junit5 libxerial-sqlite-jdbc-java"
    # shellcheck disable=SC2086
    apt-get install -y -qq $pkgs >/dev/null || { apt-get update -qq && apt-get install -y -qq $pkgs >/dev/null; }
  fi
  if [ ! -x "$kotlinc" ]; then
    command -v npm >/dev/null || { say "npm is needed to fetch kotlinc"; return 1; }
    say "installing kotlinc $kotlin_version from npm into $kotlin_home"
    mkdir -p "$cache"
    local tmp
    tmp="$(mktemp -d "$cache/kotlinc.XXXXXX")"
    (cd "$tmp" && npm pack --silent "kotlin-compiler@$kotlin_version" >/dev/null && tar -xzf "kotlin-compiler-$kotlin_version.tgz")
    chmod +x "$tmp/package/bin/"*
    rm -rf "$kotlin_home" && mv "$tmp/package" "$kotlin_home" && rm -rf "$tmp"
  fi
}

# A short hash of every .kt file under the given folders (and the compiler version).
hash_of() { (echo "$kotlin_version"; find "$@" -name '*.kt' -type f | LC_ALL=C sort | xargs sha256sum) | sha256sum | cut -c1-16; }

# Compiles the generated bindings and the helpers; sets main_out, main_hash.
compile_main() {
  main_hash="$(hash_of "$here/src/main/kotlin" "$here/src/helpers/kotlin")"
  main_out="$build/main-$main_hash"
  if [ ! -f "$main_out/.done" ]; then
    say "compiling the generated bindings and helpers (once per change; a minute or more)"
    rm -rf "$build"/main-* && mkdir -p "$main_out"
    "$kotlinc" -nowarn -jvm-target 17 -cp "$jna_jar:$coroutines" -d "$main_out" \
      "$here/src/main/kotlin" "$here/src/helpers/kotlin"
    touch "$main_out/.done"
  fi
}

# Compiles the Kotlin under $2 against the bindings and classpath $3 into
# $build/$1-HASH; sets out.
compile_extra() {
  local name="$1" src="$2" cp="$3" h
  h="$(echo "$main_hash $(hash_of "$src")" | sha256sum | cut -c1-16)"
  out="$build/$name-$h"
  if [ ! -f "$out/.done" ]; then
    say "compiling $name"
    rm -rf "$build/$name"-* && mkdir -p "$out"
    "$kotlinc" -jvm-target 17 -cp "$main_out:$jna_jar:$coroutines${cp:+:$cp}" -d "$out" "$src"
    touch "$out/.done"
  fi
}
