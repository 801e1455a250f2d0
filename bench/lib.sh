#!/usr/bin/env bash
# bench/lib.sh - what every bench script does first, sourced by them (not run):
#   bench_init ID DIR        root check; sets home, ID (BENCH_ID overrides), COPY (BENCH_DIR), OUT
#   need CMD PACKAGE         installs a Debian package when CMD is missing (also /usr/bin/time)
#   freeze_jar "JVM OPTIONS" a private copy of the jar and lib/, so that a rebuild by the launcher
#                            (sources edited meanwhile) cannot land in a timing run; sets SYNACK, JAR_INFO
#   lab_up                   a lab of our own, down again however the script ends (a function
#                            bench_cleanup, when the script defines one, runs first); sets envfile,
#                            lab_env KEY reads from it, IN runs in the client namespace
# All traffic stays inside that lab's namespaces.
set -euo pipefail
export LC_ALL=C NPROC=$(nproc)

bench_init() {
  home="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[1]}")")/.." && pwd)"
  ID=${BENCH_ID:-$1}
  COPY=${BENCH_DIR:-$2}
  OUT=${OUT:-$COPY/results}
  [[ ${EUID:-$(id -u)} -eq 0 ]] || { echo "bench: must run as root (raw sockets, netns)" >&2; exit 3; }
  [[ -x /usr/bin/time ]] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
}

need() { # need CMD APT_PACKAGE
  command -v "$1" >/dev/null 2>&1 && return 0
  apt-get update -qq && apt-get install -y -qq "$2" >/dev/null
}

freeze_jar() { # freeze_jar "JVM OPTIONS" (the launcher's, for the command measured)
  local jar="$home/cli/target/synack.jar"
  # built only when missing: the launcher is not used, it rebuilds whenever any source is newer
  [[ -f $jar ]] || (cd "$home" && mvn -q -B -DskipTests install)
  rm -rf "$COPY/lib" && mkdir -p "$COPY" "$OUT"
  cp "$jar" "$COPY/" && cp -r "$home/cli/target/lib" "$COPY/lib"
  SYNACK="java $1 -jar $COPY/synack.jar"
  $SYNACK --version >/dev/null || { echo "bench: the copied jar does not run (caught mid-build?)" >&2; exit 3; }
  JAR_INFO="$(date -u -r "$jar" '+%Y-%m-%d %H:%M UTC'), sha256 $(sha256sum "$COPY/synack.jar" | cut -c1-12)"
}

lab_up() {
  if compgen -G "/run/netns/sk-$ID-*" >/dev/null; then
    echo "bench: lab $ID is already up (another bench run?); not borrowing it" >&2; exit 1
  fi
  trap '_bench_exit' EXIT
  envfile="$OUT/lab.env"
  "$home/synack" lab up --id "$ID" --owner $$ >"$envfile"
  IN="ip netns exec $(lab_env NS_CLIENT)"
}

lab_env() { sed -n "s/^$1=//p" "$envfile"; }

_bench_exit() {
  if declare -F bench_cleanup >/dev/null; then bench_cleanup || true; fi
  "$home/synack" lab down --id "$ID" >/dev/null 2>&1 || true
}
