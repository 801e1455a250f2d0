#!/usr/bin/env bash
# bench/arp.sh - time `synack arp-resolve` against arping and arp-scan (issue 2), end to end.
#
#   sudo bench/arp.sh            # results in /tmp/synack-bench/results (override: OUT=DIR)
#
# All traffic stays inside the namespaces of a private lab (id BENCH_ID, default "benchsh"),
# which is torn down on exit. synack runs from a private copy of the jar so that a rebuild
# by the launcher (sources edited meanwhile) cannot land in the middle of a timing run.
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"
bench_init benchsh /tmp/synack-bench
RUNS_ONE=${RUNS_ONE:-20}
RUNS_SWEEP=${RUNS_SWEEP:-10}
RSS_RUNS=5
need hyperfine hyperfine
need arping arping
need arp-scan arp-scan
need jq jq

# 1. A private copy of the jar, run with the launcher's JVM options for a one-liner (JVM_OPTS overrides).
freeze_jar "${JVM_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto}"

# 2. The lab, gone again however this script ends.
lab_up
NS_CLIENT=$(lab_env NS_CLIENT)
CLIENT_IF=$(lab_env CLIENT_IF)
GATEWAY_IP=$(lab_env GATEWAY_IP)
PEER_IP=$(lab_env PEER_IP)
NET="${GATEWAY_IP%.*}.0/24"
IN="ip netns exec $NS_CLIENT"

# arping: Thomas Habets' waits out -w even after the reply unless -C 1; iputils' exits on the reply.
if arping --help 2>&1 | grep -q Habets; then
  ARPING="arping -q -c 1 -C 1 -w 1 -i $CLIENT_IF $GATEWAY_IP"
else
  ARPING="arping -q -c 1 -w 1 -I $CLIENT_IF $GATEWAY_IP"
fi
# Both with their defaults: synack listens a settle window (10 × RTT, at least 10 ms) after the
# answer for a second holder (a conflict); arping -C 1 stops at the first reply.
ONE="$SYNACK arp-resolve -q $GATEWAY_IP"
# Defaults again: synack 2 rounds 500 ms apart, then 500 ms, 2000 frames/s; arp-scan 2 tries,
# 500 ms then 750 ms (backoff 1.5), 256 kbit/s (~2 ms a frame).
SWEEP="$SYNACK arp-resolve -q $NET"
SCAN="arp-scan -q -I $CLIENT_IF $NET"
# arp-scan paced like synack (no backoff, 2000 frames/s): the same work, to compare the tools' own cost.
SCAN_FAST="arp-scan -q -I $CLIENT_IF --retry=2 --timeout=500 --backoff=1 --interval=500u $NET"

# 3. Correctness: both sweeps find the same hosts, and those are the gateway and the peer.
hosts_synack=$($IN $SWEEP | awk '/ is-at /{print $1}' | sort -V | tr '\n' ' ')
hosts_scan=$($IN $SCAN | awk '$1 ~ /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/ {print $1}' | sort -V | tr '\n' ' ')
echo "synack sweep found:   $hosts_synack"
echo "arp-scan sweep found: $hosts_scan"
[[ $hosts_synack == "$hosts_scan" && $hosts_synack == "$GATEWAY_IP $PEER_IP " ]] \
  || { echo "bench: the sweeps disagree or missed a host" >&2; exit 1; }

# 4. Timings: each comparison in one hyperfine run.
hyperfine -N --warmup 2 --runs "$RUNS_ONE" \
  --export-json "$OUT/one.json" --export-markdown "$OUT/one.md" \
  -n "synack arp-resolve (1 target)" "$IN $ONE" \
  -n "arping" "$IN $ARPING" \
  -n "synack --version" "$SYNACK --version"
hyperfine -N --warmup 2 --runs "$RUNS_SWEEP" \
  --export-json "$OUT/sweep.json" --export-markdown "$OUT/sweep.md" \
  -n "synack arp-resolve /24" "$IN $SWEEP" \
  -n "arp-scan /24" "$IN $SCAN" \
  -n "arp-scan /24 (2000 pps)" "$IN $SCAN_FAST"

# 5. Peak RSS: median of RSS_RUNS runs of /usr/bin/time -v.
# (and the conflict check still works after the settle change: the gateway has one holder)
$IN $SYNACK arp-resolve --json $GATEWAY_IP | grep -q '"conflicts":\[\]' || { echo "bench: unexpected conflict" >&2; exit 1; }
rss() { # rss LABEL CMD...
  local label=$1 i; shift
  for ((i = 0; i < RSS_RUNS; i++)); do
    $IN /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/{print $2}'
  done | sort -n | awk -v l="$label" '{v[NR]=$1} END {printf "| %s | %.1f |\n", l, v[int((NR+1)/2)]/1024}'
}
{
  echo "| command | peak RSS, MiB (median of $RSS_RUNS) |"
  echo "|---|---:|"
  rss "synack arp-resolve (1 target)" $ONE
  rss "arping" $ARPING
  rss "synack --version" $SYNACK --version
  rss "synack arp-resolve /24" $SWEEP
  rss "arp-scan /24" $SCAN
  rss "arp-scan /24 (2000 pps)" $SCAN_FAST
} >"$OUT/rss.md"

# 6. Summary: median ± stddev, min/max (seconds -> ms).
summary() {
  jq -r '.results[] | "| \(.command) | \(.median*1000|.*10|round/10) ± \(.stddev*1000|.*10|round/10) | \(.min*1000|.*10|round/10) | \(.max*1000|.*10|round/10) |"' "$1"
}
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); nproc $(nproc); kernel $(uname -r); $(java -version 2>&1 | head -1)"
  echo
  echo "| command | median ± σ, ms | min, ms | max, ms |"
  echo "|---|---:|---:|---:|"
  summary "$OUT/one.json"
  summary "$OUT/sweep.json"
  echo
  cat "$OUT/rss.md"
  echo
  echo "commands (client namespace = $IN):"
  printf '  %s\n' "$ONE" "$ARPING" "$SYNACK --version" "$SWEEP" "$SCAN" "$SCAN_FAST"
} | tee "$OUT/summary.md"
