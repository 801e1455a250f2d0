#!/usr/bin/env bash
# bench/tcp.sh - time the TCP one-liners `synack syn-probe` and `synack handshake --rst`
# against hping3 and nping (issue 3), end to end.
#
#   sudo bench/tcp.sh            # results in /tmp/synack-bench-tcp/results (override: OUT=DIR)
#
# All traffic stays inside the namespaces of a private lab (id BENCH_ID, default "benchtcp"),
# which is torn down on exit. synack runs through a frozen copy of the launcher and its jar
# (bench/lib.sh freeze_launcher), so that a rebuild (sources edited meanwhile) cannot land in
# the middle of a timing run, and the launcher's own JVM choice and options are measured.
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"
bench_init benchtcp /tmp/synack-bench-tcp
RUNS=${RUNS:-20}
VERIFY_RUNS=${VERIFY_RUNS:-5}
RSS_RUNS=5
need hyperfine hyperfine
need hping3 hping3
need nping nmap
need tcpdump tcpdump
need jq jq

# 1. A frozen copy of the launcher and its jar: its own JVM choice and options per command are measured.
freeze_launcher

# 2. The lab, gone again however this script ends.
TCPDUMP_PID=""
bench_cleanup() { [[ -z $TCPDUMP_PID ]] || kill "$TCPDUMP_PID" 2>/dev/null || true; }
lab_up
NS_CLIENT=$(lab_env NS_CLIENT)
NS_ROUTER=$(lab_env NS_ROUTER)
CLIENT_IP=$(lab_env CLIENT_IP)
SERVER_IP=$(lab_env SERVER_IP)

PROBE="$SYNACK syn-probe -q $SERVER_IP -p 80"
# hping3 exits as soon as every probe sent has been answered, so -c 1 needs no -i.
HPING="hping3 -S -c 1 -p 80 $SERVER_IP"
# nping has no exit-on-reply: after the last probe it waits --delay (default 1 s) for replies.
# --delay 0 ends it straight after the probe; the reply (lab RTT ~0.1 ms) still arrives in time.
NPING="nping --tcp -c 1 -p 80 --delay 0 $SERVER_IP"
HAND="$SYNACK handshake -q --rst $SERVER_IP 80"
VERSION="$SYNACK --version"

# 3. Correctness, from tcpdump on the router's side of the client link (rc0): per tool
#    VERIFY_RUNS runs, each must send exactly one SYN and get one SYN,ACK. The kernel's RST
#    (to a SYN,ACK it has no socket for) carries IP id 0 and follows within microseconds;
#    synack's own RST carries its IP id counter. synack's kernel RST must be dropped by its
#    iptables rule, hping3's and nping's must not.
capture_start() { # capture_start PCAP
  local i
  : >"$1.err"
  ip netns exec "$NS_ROUTER" tcpdump -Z root -U --immediate-mode -n -i rc0 -w "$1" "tcp or arp" 2>"$1.err" &
  TCPDUMP_PID=$!
  for ((i = 0; i < 50; i++)); do grep -q 'listening on' "$1.err" && return 0; sleep 0.1; done
  echo "bench: tcpdump did not start: $(cat "$1.err")" >&2; exit 1
}
capture_stop() {
  sleep 0.3
  kill -INT "$TCPDUMP_PID" 2>/dev/null || true
  wait "$TCPDUMP_PID" 2>/dev/null || true
  TCPDUMP_PID=""
}
# count PCAP LABEL RUNS -> one table row: SYN, SYN,ACK, ACK, RST (tool), RST (kernel), ARP,
# and the gap from the ARP reply to the SYN that follows it (synack's set-up after ARP).
count() {
  tcpdump -n -tt -v -r "$1" 2>/dev/null | awk -v c="$CLIENT_IP" -v s="$SERVER_IP" -v l="$2" -v k="$3" '
    function span(n, lo, hi, fmt) { return n ? sprintf(fmt "-" fmt " ms", lo, hi) : "-" }
    / ARP, / && /Request who-has/ && $0 ~ ("tell " c ",") { arp++; next }
    / ARP, / && /Reply/ && $0 !~ ("Reply " c " ") { areply = $1; next }
    /^[0-9]+\.[0-9]+ IP / { ts = $1; for (i = 1; i <= NF; i++) if ($i == "id") { id = $(i + 1); sub(",", "", id) }; next }
    /Flags \[/ {
      f = $0; sub(/.*Flags \[/, "", f); sub(/\].*/, "", f)
      if (index($1, c ".") == 1) {
        if (f == "S") {
          syn++
          if (areply) { d = (ts - areply) * 1000; g++; gmin = (g == 1 || d < gmin) ? d : gmin; gmax = (d > gmax) ? d : gmax; areply = 0 }
        }
        else if (f == ".") ack++
        else if (f ~ /R/) {
          d = (ts - sa) * 1000
          if (id == 0) { krst++; kmin = (krst == 1 || d < kmin) ? d : kmin; kmax = (d > kmax) ? d : kmax }
          else { trst++; tmin = (trst == 1 || d < tmin) ? d : tmin; tmax = (d > tmax) ? d : tmax }
        }
      } else if (index($1, s ".") == 1 && f == "S.") { sat++; sa = ts }
    }
    END {
      printf "| %s | %d | %d | %d | %d | %d (%s) | %d (%s) | %d (%s) |\n", l, k, syn, sat, ack,
        trst, span(trst, tmin, tmax, "%.2f"), krst, span(krst, kmin, kmax, "%.3f"), arp, span(g, gmin, gmax, "%.1f")
    }'
}
verify() { # verify TAG LABEL EXPECT(synack|kernel) CMD...
  local tag=$1 label=$2 expect=$3 i; shift 3
  : >"$OUT/verify-$tag.out"
  capture_start "$OUT/verify-$tag.pcap"
  for ((i = 0; i < VERIFY_RUNS; i++)); do
    $IN "$@" >>"$OUT/verify-$tag.out" 2>&1 || { echo "bench: $label failed (see $OUT/verify-$tag.out)" >&2; exit 1; }
  done
  capture_stop
  local row; row=$(count "$OUT/verify-$tag.pcap" "$label" "$VERIFY_RUNS")
  echo "$row"
  # | label | runs | SYN | SYN,ACK | ACK | RST tool (..) | RST kernel (..) | ARP |
  read -r syn sat trst krst < <(awk -F'|' '{ split($7, a, " "); split($8, b, " "); print $4 + 0, $5 + 0, a[1] + 0, b[1] + 0 }' <<<"$row")
  local ok=1
  ((syn == VERIFY_RUNS && sat == VERIFY_RUNS)) || ok=0
  if [[ $expect == synack ]]; then ((trst == VERIFY_RUNS && krst == 0)) || ok=0
  else ((krst == VERIFY_RUNS && trst == 0)) || ok=0; fi
  ((ok)) || { echo "bench: $label: unexpected packets (see $OUT/verify-$tag.pcap)" >&2; exit 1; }
}
{
  echo "| command ($VERIFY_RUNS runs) | runs | SYN sent | SYN,ACK | ACK sent | RST from the tool (SYN,ACK->RST) | RST from the kernel, IP id 0 (SYN,ACK->RST) | ARP who-has sent (ARP reply->SYN) |"
  echo "|---|---:|---:|---:|---:|---|---|---|"
  verify probe "synack syn-probe" synack $PROBE
  verify hping "hping3 -S" kernel $HPING
  verify nping "nping --tcp" kernel $NPING
  verify hand "synack handshake --rst" synack $HAND
} | tee "$OUT/verify.md"
# ... and the peers themselves saw every reply before exiting (nping's --delay 0 is a race it must win).
[[ $(grep -c '1 packets received' "$OUT/verify-hping.out") -eq $VERIFY_RUNS ]] || { echo "bench: hping3 missed a reply" >&2; exit 1; }
[[ $(grep -c 'Rcvd: 1 ' "$OUT/verify-nping.out") -eq $VERIFY_RUNS ]] || { echo "bench: nping missed a reply" >&2; exit 1; }
if $IN iptables -w -S OUTPUT | grep -q synack-pid-; then
  echo "bench: synack left a firewall rule behind" >&2; exit 1
fi

# 4. Timings: every command in one hyperfine run. On a 2-vCPU machine a concurrent build or
#    test run inflates the JVM timings, so the summary says how much CPU the rest of the
#    machine used meanwhile: all busy CPU time (/proc/stat) less what hyperfine measured for us.
cpu_busy() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
BUSY0=$(cpu_busy); T0=$(date +%s.%N)
hyperfine -N --warmup 2 --runs "$RUNS" \
  --export-json "$OUT/tcp.json" --export-markdown "$OUT/tcp.md" \
  -n "synack syn-probe" "$IN $PROBE" \
  -n "hping3 -S" "$IN $HPING" \
  -n "nping --tcp" "$IN $NPING" \
  -n "synack handshake --rst" "$IN $HAND" \
  -n "synack --version" "$IN $VERSION"
BUSY1=$(cpu_busy); T1=$(date +%s.%N)
OTHERS=$(jq -r --argjson b "$((BUSY1 - BUSY0))" --argjson t "$(awk -v a="$T0" -v b="$T1" 'BEGIN { printf "%.3f", b - a }')" --argjson hz "$(getconf CLK_TCK)" \
  --argjson n "$((RUNS + 2))" '(([.results[] | (.user + .system) * $n] | add)) as $ours
   | "\(($b / $hz - $ours) / $t * 100 | round / 100) CPUs of \($ENV.NPROC) busy with other processes (wall \($t * 10 | round / 10) s)"' \
  "$OUT/tcp.json")

# 5. Where synack's time goes: the iptables calls it makes (-S OUTPUT to reap stale rules,
#    -I before the SYN, -D on exit), the classes it loads, the processes it starts, and the
#    gaps in its own narration (ARP reply -> SYN holds -S and -I; SYN,ACK -> our RST).
RULE="OUTPUT -p tcp --sport 1 --tcp-flags RST RST -m comment --comment synack-bench -j DROP"
{
  echo "time iptables -w -S OUTPUT (in $NS_CLIENT), 5 runs, s:"
  for i in 1 2 3 4 5; do $IN bash -c 'TIMEFORMAT=%R; time iptables -w -S OUTPUT >/dev/null' 2>&1; done | tr '\n' ' '
  echo
} | tee "$OUT/iptables.txt"
hyperfine -N --warmup 2 --runs "$RUNS" --export-json "$OUT/iptables.json" \
  -n "ip netns exec true" "$IN true" \
  -n "iptables -S OUTPUT" "$IN iptables -w -S OUTPUT" \
  -n "bash -c true" "$IN bash -c true" \
  -n "bash: iptables -I; iptables -D" "$IN bash -c 'iptables -w -I $RULE && iptables -w -D $RULE'" >/dev/null
classes() { # classes ARGS... -> "N classes (M from CDS, J JNA/pcap4j)"
  JAVA_TOOL_OPTIONS="-Xlog:class+load:file=$OUT/classes.txt" $IN $SYNACK "$@" >/dev/null 2>&1
  echo "$(wc -l <"$OUT/classes.txt") classes ($(grep -c 'source: shared' "$OUT/classes.txt") from CDS, $(grep -c -E 'jna|pcap4j' "$OUT/classes.txt") JNA/pcap4j)"
}
median() { sort -n | awk '{v[NR]=$1} END {printf "%.1f", v[int((NR+1)/2)]}'; }
gaps() { # over 5 verbose runs, from synack's own narration: ARP is-at -> SYN, SYN,ACK -> RST (ms)
  local i runs
  runs=$(for ((i = 0; i < 5; i++)); do
    $IN $SYNACK syn-probe "$SERVER_IP" -p 80 | awk '
      $2 == "ms" && $4 == "ARP" && $6 == "is-at" { a = $1 }
      $2 == "ms" && $4 ~ /^[0-9]+$/ && $7 == "SYN" { s = $1 }
      $2 == "ms" && $4 ~ /^[0-9]+$/ && $7 == "SYN,ACK" { sa = $1 }
      $2 == "ms" && $4 ~ /^[0-9]+$/ && $7 == "RST" { r = $1 }
      END { sub(/^\+/, "", a); sub(/^\+/, "", s); sub(/^\+/, "", sa); sub(/^\+/, "", r); printf "%.1f %.1f %.1f\n", a, s - a, r - sa }'
  done)
  echo "syn-probe narration, median of 5 runs: ARP is-at at +$(awk '{print $1}' <<<"$runs" | median) ms;" \
    "ARP is-at -> SYN $(awk '{print $2}' <<<"$runs" | median) ms; SYN,ACK -> RST $(awk '{print $3}' <<<"$runs" | median) ms"
}
timeline() { # when (JVM uptime) the classes of each stage are first loaded, syn-probe -q
  JAVA_TOOL_OPTIONS="-Xlog:class+load:file=$OUT/timeline.txt:uptime" $IN $SYNACK syn-probe -q "$SERVER_IP" -p 80 >/dev/null 2>&1
  local stage pat out=""
  for stage in "picocli:picocli" "syn-probe command:SynProbeCommand" "JNA/pcap4j:(com\\.sun\\.jna|org\\.pcap4j)" \
      "ARP exchange:synack\\.exchange\\.arp\\.ArpResolve " "iptables filter:KernelRstFilter " "SYN probe:synack\\.exchange\\.tcp\\.SynProbe "; do
    pat=${stage#*:}
    out+="${stage%%:*} $(grep -m1 -E "$pat" "$OUT/timeline.txt" | sed 's/^\[\([0-9.]*\)s\].*/\1/') s; "
  done
  echo "syn-probe -q class-load timeline (JVM uptime): ${out}last class $(tail -1 "$OUT/timeline.txt" | sed 's/^\[\([0-9.]*\)s\].*/\1/') s"
}
{
  echo "classes loaded: --version $(classes --version); syn-probe $(classes syn-probe -q "$SERVER_IP" -p 80); handshake $(classes handshake -q --rst "$SERVER_IP" 80)"
  gaps
  timeline
  if command -v strace >/dev/null 2>&1; then
    $IN strace -f -qq -e trace=execve -e signal=none -o "$OUT/strace.txt" $PROBE >/dev/null
    echo "processes syn-probe starts (strace -f): $(grep -c 'jspawnhelper", \[' "$OUT/strace.txt") via jspawnhelper:" \
      "$(awk -F'"' '/execve\(/ && !/ENOENT/ && $2 !~ /(java|jspawnhelper)$/ { printf "%s %s %s %s; ", $4, $6, $8, $10 }' "$OUT/strace.txt")"
  fi
} | tee "$OUT/where.txt"

# 6. Peak RSS: median of RSS_RUNS runs of /usr/bin/time -v.
declare -A RSS=()
rss() { # rss LABEL CMD...
  local label=$1 i; shift
  RSS[$label]=$(for ((i = 0; i < RSS_RUNS; i++)); do
    $IN /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/{print $2}'
  done | sort -n | awk '{v[NR]=$1} END {printf "%.1f", v[int((NR+1)/2)]/1024}')
}
rss "synack syn-probe" $PROBE
rss "hping3 -S" $HPING
rss "nping --tcp" $NPING
rss "synack handshake --rst" $HAND
rss "synack --version" $VERSION

# 7. Summary: median ± stddev, min/max (seconds -> ms), ratio of medians to hping3, peak RSS.
hmed=$(jq '.results[] | select(.command == "hping3 -S") | .median' "$OUT/tcp.json")
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); nproc $(nproc); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); kernel $(uname -r); $(java -version 2>&1 | head -1)"
  echo "jar: built $JAR_INFO; $(hyperfine --version); $(hping3 --version 2>&1 | head -1 | cut -d'(' -f1); $(nping --version 2>&1 | grep -m1 -o 'Nping version [^ ]*'); $(tcpdump --version 2>&1 | head -1); $(iptables --version)"
  echo "during the timing run: $OTHERS"
  echo
  echo "| command | median ± σ, ms | min, ms | max, ms | × hping3 | peak RSS, MiB (median of $RSS_RUNS) |"
  echo "|---|---:|---:|---:|---:|---:|"
  jq -r --argjson h "$hmed" '.results[] | "\(.command)\t\(.median*1000|.*10|round/10) ± \(.stddev*1000|.*10|round/10)\t\(.min*1000|.*10|round/10)\t\(.max*1000|.*10|round/10)\t\(.median/$h|.*10|round/10)"' "$OUT/tcp.json" |
    while IFS=$'\t' read -r cmd med lo hi x; do echo "| $cmd | $med | $lo | $hi | $x | ${RSS[$cmd]} |"; done
  echo
  echo "iptables and exec costs (hyperfine, $RUNS runs, in the client namespace):"
  jq -r '.results[] | "  \(.command): \(.median*1000|.*10|round/10) ± \(.stddev*1000|.*10|round/10) ms"' "$OUT/iptables.json"
  cat "$OUT/iptables.txt" "$OUT/where.txt"
  echo
  cat "$OUT/verify.md"
  echo
  echo "commands (client namespace = $IN):"
  printf '  %s\n' "$PROBE" "$HPING" "$NPING" "$HAND" "$VERSION"
} | tee "$OUT/summary.md"
