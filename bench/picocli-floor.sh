#!/usr/bin/env bash
# bench/picocli-floor.sh - the floor a one-liner stands on (issue 14, item 1): how long the JVM alone
# takes to start and exit, and a one-command picocli program (six options, one positional; no
# network, no file) with the project's picocli, each with its best start-up archive, on Debian's
# Java 17 and on Temurin 25 where it is installed. Runs interleaved (A B C A B C ...), medians.
# No traffic at all: nothing here opens a socket.
#
#   bench/picocli-floor.sh          # RUNS=31 by default
set -euo pipefail
home="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
RUNS=${RUNS:-31}
W=$(mktemp -d /tmp/synack-floor.XXXXXX); trap 'rm -rf "$W"' EXIT
J17=${J17:-/usr/lib/jvm/java-17-openjdk-amd64/bin/java}
J25=${J25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
PICO=$(ls "${M2:-$HOME/.m2}"/repository/info/picocli/picocli/*/picocli-*[0-9].jar | sort -V | tail -1)
[[ -x $J17 && -f $PICO ]] || { echo "picocli-floor: needs $J17 and picocli in ~/.m2 (build synack once)" >&2; exit 3; }
"${J17%/java}/javac" --release 17 -nowarn -cp "$PICO" -d "$W/cls" "$home"/bench/floor/*.java
(cd "$W/cls" && "${J17%/java}/jar" cf "$W/floor.jar" .)
CP="$W/floor.jar:$PICO"
O=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1)
# Java 17: a static archive of every class the run loads (the dynamic one refuses picocli's Java 5 classes)
"$J17" "${O[@]}" -XX:DumpLoadedClassList="$W/h.lst" -cp "$CP" Hello -q x
"$J17" "${O[@]}" -Xshare:dump -XX:SharedClassListFile="$W/h.lst" -XX:SharedArchiveFile="$W/h.jsa" -cp "$CP" >/dev/null 2>&1
names=(plain17 picocli17) cmds=("$J17 ${O[*]} -Xshare:auto -cp $CP Plain -q x"
  "$J17 ${O[*]} -Xshare:auto -XX:SharedArchiveFile=$W/h.jsa -cp $CP Hello -q x")
if [[ -x $J25 ]]; then
  "$J25" "${O[@]}" -XX:AOTCacheOutput="$W/h.aot" -Xlog:aot=off -Xlog:cds=off -cp "$CP" Hello -q x >/dev/null 2>&1
  names+=(picocli25) cmds+=("$J25 ${O[*]} -XX:AOTCache=$W/h.aot -Xlog:aot=off -Xlog:cds=off -cp $CP Hello -q x")
fi
for ((r = 0; r < RUNS; r++)); do
  for i in "${!cmds[@]}"; do
    s=$(date +%s%N); ${cmds[$i]} >/dev/null 2>&1; e=$(date +%s%N)
    echo "${names[$i]} $(( (e - s) / 1000 ))" >>"$W/t"
  done
done
echo "picocli-floor: $(date -u '+%Y-%m-%d %H:%M UTC'); $(basename "$PICO"); nproc $(nproc), load $(cut -d' ' -f1-3 /proc/loadavg); $RUNS interleaved runs each"
python3 - "$W/t" <<'PY'
import sys, statistics as st
r = {}
for line in open(sys.argv[1]):
    k, v = line.split(); r.setdefault(k, []).append(int(v) / 1000)
what = {"plain17": "Java 17, a main that does nothing (JVM start and exit)",
        "picocli17": "Java 17 + static CDS archive: one picocli command parsed and run",
        "picocli25": "Temurin 25 + AOT cache: the same picocli command"}
print("| run | wall median | min | max |\n|---|---:|---:|---:|")
for k in r:
    v = r[k]; print(f"| {what[k]} | {st.median(v):.0f} ms | {min(v):.0f} ms | {max(v):.0f} ms |")
PY
