#!/usr/bin/env bash
# bench/lib.sh - what every bench script does first, sourced by them (not run):
#   bench_init ID DIR        root check; sets home, ID (BENCH_ID overrides), COPY (BENCH_DIR), OUT
#   need CMD PACKAGE         installs a Debian package when CMD is missing (also /usr/bin/time)
#   freeze_jar "JVM OPTIONS" a private copy of the jar and lib/, so that a rebuild by the launcher
#                            (sources edited meanwhile) cannot land in a timing run; sets SYNACK, JAR_INFO
#   freeze_launcher          the same, but the launcher itself is copied and run (its own JVM choice and
#                            options), its archives rebuilt by it in the copy (the general one and each
#                            one-liner's, both forms); sets SYNACK, JAR_INFO, ARCHIVE_INFO
#   launcher_jvm ARGS...     the java binary and options the frozen launcher execs for ARGS (via strace)
#   side_by_side TAG ROW...  each "work|synack command|peer command" in one hyperfine run (RUNS runs, in the
#                            client namespace), printed as a markdown row: medians, ratio, peak RSS (RSS_RUNS runs), CPU
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

freeze_launcher() {
  local jar="$home/cli/target/synack.jar" app="$COPY/app"
  "$home/synack" --version >/dev/null # the launcher builds the jar when it is missing or older than a source
  rm -rf "$app" && mkdir -p "$app/cli/target" "$OUT"
  cp -a "$home/synack" "$app/"
  # cli/target/ as it is, less what only a build uses, and less the start-up archives: a JDK 17 CDS
  # archive records the jar's path, so one copied to another path is refused (shared class paths
  # mismatch). The launcher records its own in the copy on the first start (cli/target/startup/).
  (cd "$home/cli/target" && tar cf - --exclude=./classes --exclude=./test-classes --exclude='./generated-*' \
    --exclude='./maven-*' --exclude='./surefire*' --exclude='./failsafe*' --exclude=./startup .) | tar xf - -C "$app/cli/target"
  "$app/synack" --version >"$OUT/freeze.out" 2>"$OUT/freeze.err" \
    || { echo "bench: the frozen launcher does not run: $(cat "$OUT/freeze.err")" >&2; exit 3; }
  SYNACK="$app/synack"
  "$SYNACK" --version >/dev/null 2>"$OUT/freeze.err" && ! grep -q building "$OUT/freeze.err" \
    || { echo "bench: the frozen launcher still wants a build: $(cat "$OUT/freeze.err")" >&2; exit 3; }
  # each one-liner (and http-get) starts from an archive of its own, one for its quiet form and one for the others, recorded
  # by the launcher at that form's first start (~1.3 s): recorded here, before anything is timed (--help
  # starts no warm-up and sends nothing; ndp-resolve shares arp-resolve's)
  local c
  for c in arp-resolve dns-resolve handshake fin-teardown syn-probe http-get; do
    "$SYNACK" "$c" --help >/dev/null 2>>"$OUT/freeze.err" && "$SYNACK" "$c" -q --help >/dev/null 2>>"$OUT/freeze.err" \
      || { echo "bench: the frozen launcher's $c --help failed: $(cat "$OUT/freeze.err")" >&2; exit 3; }
  done
  JAR_INFO="$(date -u -r "$jar" '+%Y-%m-%d %H:%M UTC'), sha256 $(sha256sum "$app/cli/target/synack.jar" | cut -c1-12)"
  # how many of synack's own classes --version maps from an archive (CDS, AOT cache) rather than the jar
  JAVA_TOOL_OPTIONS="-Xlog:class+load:file=$OUT/freeze-classes.txt" "$SYNACK" --version >/dev/null 2>&1 || true
  ARCHIVE_INFO="--version loads $(grep -c ' synack\.' "$OUT/freeze-classes.txt" || true) synack classes,"
  ARCHIVE_INFO+=" $(grep ' synack\.' "$OUT/freeze-classes.txt" | grep -c 'shared objects file' || true) of them from an archive;"
  # the general archive's name, then each one-liner's by what it adds to it (-COMMAND, -COMMAND-q)
  local names general
  names=$(ls "$app/cli/target/startup" 2>/dev/null | grep -v '\.failed$' || true)
  general=$(awk '{ print length, $0 }' <<<"$names" | sort -n | head -1 | cut -d' ' -f2-)
  ARCHIVE_INFO+=" archives in the copy: ${general:-none}, the one-liners' (its name and):"
  ARCHIVE_INFO+="$(grep -vxF "$general" <<<"$names" | sed "s/^${general%.*}/ /" | tr -d '\n' || true)"
  ARCHIVE_INFO+="$(ls "$app/cli/target/startup" 2>/dev/null | grep '\.failed$' | sed 's/^/ FAILED: /' | tr '\n' ' ' || true)"
}

launcher_jvm() { # launcher_jvm ARGS... -> "JDK_DIR OPTIONS" (up to -jar) of the exec it makes
  command -v strace >/dev/null || { echo "? (no strace)"; return; }
  ${IN:-} strace -f -qq --seccomp-bpf -e trace=execve -s 300 -o "$OUT/strace.txt" "$SYNACK" "$@" >/dev/null 2>&1 || true
  local bin opts
  IFS=$'\t' read -r bin opts < <(awk -F'"' '/execve\(/ && / = 0$/ && $2 ~ /\/java$/ {
      o = ""; for (i = 6; i <= NF; i += 2) { if ($i == "-jar") break; o = o " " $i }
      print $2 "\t" o; exit }' "$OUT/strace.txt") || true
  [[ -n ${bin:-} ]] || { echo "? (no java exec seen)"; return; }
  bin=$(readlink -f "$bin")
  echo "${bin%/bin/java}${opts}"
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

median_rss() { # median peak RSS in MiB of RSS_RUNS runs in the client namespace
  local i
  for ((i = 0; i < RSS_RUNS; i++)); do $IN /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1; done \
    | sort -n | awk '{v[NR]=$1} END {printf "%.1f", v[int((NR+1)/2)]/1024}'
}
hf_median() { jq -r ".results[$2].median" "$1"; }
# CPU per run (hyperfine's mean user + system): on a loaded 2-CPU machine a steadier figure than wall
hf_cpu() { jq -r ".results[$2] | (.user + .system) * 1000 | round" "$1"; }

answers_first() { # answers_first N ROW...: the first N commands of each "work|command|command" row each exit 0 once, before anything is timed
  local n=$1 row work a b
  shift
  for row in "$@"; do
    IFS='|' read -r work a b <<<"$row"
    $IN $a >/dev/null 2>&1 || { echo "bench: '$a' failed (exit $?)" >&2; exit 1; }
    ((n < 2)) || $IN $b >/dev/null 2>&1 || { echo "bench: '$b' failed (exit $?)" >&2; exit 1; }
  done
}

side_by_side() { # side_by_side TAG ROW...: one markdown row per "work|synack command|peer command"
  local tag=$1 i=0 row work mine peer json a b
  shift
  for row in "$@"; do
    IFS='|' read -r work mine peer <<<"$row"
    json="$OUT/$tag-$i.json"
    hyperfine -N -w 3 -r "$RUNS" --export-json "$json" -n synack "$IN $mine" -n peer "$IN $peer" >"$OUT/hyperfine-$tag-$i.txt" 2>&1
    a=$(hf_median "$json" 0); b=$(hf_median "$json" 1)
    printf '| `%s` | %.3f s | `%s` %.3f s | %.1f× | %s / %s | %s / %s ms |\n' "$work" "$a" "${peer%% *}" "$b" \
      "$(awk -v a="$a" -v b="$b" 'BEGIN {print a / b}')" "$(median_rss $mine)" "$(median_rss $peer)" "$(hf_cpu "$json" 0)" "$(hf_cpu "$json" 1)"
    i=$((i + 1))
  done
}
