#!/usr/bin/env bash
# bench/startup.sh - one-liners through the ./synack launcher against their peers (issue 14, item 1),
# and where a start's time goes.
#
#   sudo bench/startup.sh        # results in /tmp/synack-bench-startup/results (override: OUT=DIR)
#
# synack runs through a frozen copy of the launcher and the built jar (cli/target: jar, lib/, jna/),
# which records its own start-up archive on the first run, so that a rebuild meanwhile cannot land
# in a timing run. All traffic stays inside a private lab (BENCH_ID, default "benchstart").
# Rows for bench/all.sh: $OUT/rows.md (| work | synack | peer, same run | ratio | peak RSS synack / peer |).
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"
bench_init benchstart /tmp/synack-bench-startup
RUNS=${RUNS:-21}
RSS_RUNS=${RSS_RUNS:-5}
need hyperfine hyperfine
need jq jq
need arping arping
need hping3 hping3
need dig dnsutils
need nping nmap
J25=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java

# 1. A frozen copy of the launcher and what it runs; its first run records the archive.
[[ -f $home/cli/target/synack.jar ]] || "$home/synack" --version >/dev/null
rm -rf "$COPY/cli" && mkdir -p "$COPY/cli/target" "$OUT"
cp "$home/synack" "$COPY/" && cp -r "$home/lab" "$COPY/"
cp -r "$home/cli/target/synack.jar" "$home/cli/target/lib" "$home/cli/target/jna" "$COPY/cli/target/"
S="$COPY/synack"
$S --version >/dev/null
[[ -x $J25 ]] && SYNACK_JAVA=$J25 $S --version >/dev/null
JAR_INFO="$(date -u -r "$home/cli/target/synack.jar" '+%Y-%m-%d %H:%M UTC'), sha256 $(sha256sum "$COPY/cli/target/synack.jar" | cut -c1-12)"

lab_up
GW=$(lab_env GATEWAY_IP); SRV=$(lab_env SERVER_IP); DNS=$(lab_env DNS_IP); NAME=$(lab_env WEB_NAME); IF=$(lab_env CLIENT_IF)
if arping --help 2>&1 | grep -q Habets; then ARPING="arping -q -c 1 -C 1 -w 1 -i $IF $GW"; else ARPING="arping -q -c 1 -w 1 -I $IF $GW"; fi

# work | synack command | peer command
ROWS=(
  "arp-resolve -q one target|$S arp-resolve -q -c 1 $GW|$ARPING"
  "syn-probe -q -p 80 one port|$S syn-probe -q -p 80 $SRV|hping3 -q -S -p 80 -c 1 $SRV"
  "dns-resolve -q one name|$S dns-resolve -q $NAME @$DNS|dig +short $NAME @$DNS"
  "handshake --rst|$S handshake --rst $SRV 80|nping -q --tcp-connect -p 80 -c 1 $SRV"
  "--version (peer: the JVM alone)|$S --version|java -XX:+UseSerialGC -version"
)

# every command answers before it is timed
answers_first 1 "${ROWS[@]}"

# 2. Each one-liner beside its peer, in one hyperfine run.
{
  echo "| work | synack (./synack, JDK 17) | peer, same run | ratio | peak RSS synack / peer, MiB | CPU (user+sys) synack / peer |"
  echo "| --- | --- | --- | --- | --- | --- |"
  side_by_side one "${ROWS[@]}"
} | tee "$OUT/rows.md"

# 3. Where the time goes: the same starts with one lever off at a time (one hyperfine run).
V="$COPY/cli/target/synack.jar"
JSA=$(ls "$COPY"/cli/target/startup/*.jsa | head -n 1)
JNA="-Djna.boot.library.path=$COPY/cli/target/jna/com/sun/jna/linux-x86-64"
BASE="-XX:+UseSerialGC -XX:TieredStopAtLevel=1"
DNSQ="dns-resolve -q $NAME @$DNS"
hyperfine -N -w 3 -r "$RUNS" --export-json "$OUT/breakdown.json" \
  -n "java -version (JDK 17, its default CDS)" "java -XX:+UseSerialGC -version" \
  -n "synack --version, launcher (no picocli model)" "$S --version" \
  -n "synack --help: the whole picocli model (every command, the shell's), plain jar" "java $BASE -jar $V --help" \
  -n "dns-resolve, launcher" "$IN $S $DNSQ" \
  -n "dns-resolve, launcher, SYNACK_ARCHIVE=off" "$IN env SYNACK_ARCHIVE=off $S $DNSQ" \
  -n "dns-resolve, static archive, JNA extracted (no jna.boot.library.path)" "$IN java $BASE -XX:SharedArchiveFile=$JSA -Xlog:cds=off -jar $V $DNSQ" \
  -n "dns-resolve, launcher, Temurin 25 + AOT cache" "$IN env SYNACK_JAVA=$J25 $S $DNSQ" \
  -n "dns-resolve, plain jar (before: java -jar, no archive)" "$IN java $BASE -jar $V $DNSQ" \
  >"$OUT/hyperfine-breakdown.txt" 2>&1 || { cat "$OUT/hyperfine-breakdown.txt" >&2; exit 1; }
{
  echo
  echo "| start (dns-resolve -q one name unless said) | median | min | CPU (user+sys) |"
  echo "| --- | --- | --- | --- |"
  jq -r '.results[] | "| \(.command) | \(.median*1000|round) ms | \(.min*1000|round) ms | \((.user+.system)*1000|round) ms |"' "$OUT/breakdown.json"
  echo
  echo "classes loaded by a one-liner (-Xlog:class+load), total / from the archive:"
  for cmd in "--version" "$DNSQ" "arp-resolve -q -c 1 $GW" "syn-probe -q -p 80 $SRV" "handshake --rst $SRV 80"; do
    log="$OUT/classes.txt"
    $IN java $BASE -XX:SharedArchiveFile="$JSA" -Xlog:cds=off $JNA -Xlog:class+load:file="$log" -jar "$V" $cmd >/dev/null 2>&1 || true
    printf '  %-40s %5d / %5d (JDK 17 static archive)\n' "${cmd%% *}" "$(wc -l <"$log")" "$(grep -c 'shared objects file' "$log")"
  done
  echo
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) CPUs; load $(cut -d' ' -f1-3 /proc/loadavg); jar $JAR_INFO"
  echo "JDKs: $(java -version 2>&1 | head -n 1); $([[ -x $J25 ]] && $J25 -version 2>&1 | head -n 1)"
  echo "commands (client namespace: $IN):"
  for row in "${ROWS[@]}"; do IFS='|' read -r work mine peer <<<"$row"; echo "  $mine"; echo "  $peer"; done
} | tee -a "$OUT/rows.md"
